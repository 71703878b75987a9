"""Fixtures of the supervision tests (the helpers live in supervision_helpers.py, a basename of its own)."""

from supervision_helpers import district  # noqa: F401  (the fixture)

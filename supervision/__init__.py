"""Supervision visits, QA self-assessment summaries, committee reports."""

from supervision import authz as _authz  # noqa: F401  (registers the room's actions)

"""Fixtures of the `khlang forms` command tests."""

from __future__ import annotations

import pytest
from forms_bank import make_forms_bank


@pytest.fixture
def bank(session) -> dict[str, int]:
    """Approved items F6-000..F6-047 with 2PL parameters (see :func:`forms_bank.make_forms_bank`)."""
    return make_forms_bank(session)

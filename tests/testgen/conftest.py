"""Fixtures of the testgen tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from forms_bank import make_forms_bank
from testgen_pools import build_pool

from testgen.assembler import ItemPool


@pytest.fixture
def make_pool() -> Callable[..., ItemPool]:
    return build_pool


@pytest.fixture
def bank(session) -> dict[str, int]:
    """Approved items F6-000..F6-047 with 2PL parameters (see :func:`forms_bank.make_forms_bank`)."""
    return make_forms_bank(session)

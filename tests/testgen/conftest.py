"""Fixtures of the testgen tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from testgen_pools import build_pool

from testgen.assembler import ItemPool


@pytest.fixture
def make_pool() -> Callable[..., ItemPool]:
    return build_pool

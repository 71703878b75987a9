"""What a test needs from outside the checkout (the stored benches in ../shared/bench, a server):
missing in CI (``CI`` set, as CI services set it) it is a failure that says what is missing and
where it was looked for; on a developer's machine the test is skipped with that reason.

Import this module (never `conftest`): ``from needs import need_path``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def in_ci() -> bool:
    """True under CI: ``CI`` is set to anything but empty, 0 or false."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(reason: str) -> None:
    """Fail the test under CI, skip it elsewhere: `reason` says what is missing."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: a missing prerequisite is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def need_path(path: Path, what: str) -> Path:
    """`path`, or the test fails under CI (skips locally) naming `what` and where it was looked for."""
    if not path.exists():
        missing(f"{what} not found at {path} (the stored bench lives in ../shared/bench)")
    return path

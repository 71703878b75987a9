"""A test that needs the stored bench says so: a failure under CI, a skip with the reason elsewhere."""

from __future__ import annotations

import pytest
from needs import in_ci, need_path


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("yes", True), ("", False),
                                                  ("0", False), ("false", False)])
def test_ci_is_any_value_but_empty_or_false(monkeypatch, value, expected):
    monkeypatch.setenv("CI", value)
    assert in_ci() is expected


def test_a_missing_bench_fails_under_ci_and_is_skipped_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="the ATA bench not found at .*: a missing prerequisite is a failure"):
        need_path(tmp_path / "ata" / "check.py", "the ATA bench")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="the ATA bench not found at"):
        need_path(tmp_path / "ata" / "check.py", "the ATA bench")
    assert need_path(tmp_path, "a folder that is there") == tmp_path

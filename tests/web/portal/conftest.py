"""Fixtures of the school portal tests: the administration tests' world (its conftest's app, jobs at once)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scoring"))
sys.path.insert(0, str(HERE.parent / "administrations"))


@pytest.fixture
def app(db_url, session, tmp_path):
    """The Flask app on empty tables of the test database; jobs run at once in the caller."""
    from web import create_app
    from web.store_ext import get_store

    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "JOBS_BACKEND": "immediate"},
                     instance_path=str(tmp_path / "instance"))
    yield app
    get_store(app).dispose()

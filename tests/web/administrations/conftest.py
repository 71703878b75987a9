"""Fixtures of the administration pages and API: the scoring tests' small world on an app whose jobs run at once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scoring"))  # scoring_world lives beside the room's tests
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def app(db_url, session, tmp_path):
    """The Flask app on empty tables of the test database; jobs run at once in the caller."""
    from web import create_app
    from web.store_ext import get_store

    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "JOBS_BACKEND": "immediate"},
                     instance_path=str(tmp_path / "instance"))
    yield app
    get_store(app).dispose()

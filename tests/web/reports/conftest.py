"""The reports' commands, pages and API use the scoring tests' world with answers (tests/scoring)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scoring"))


@pytest.fixture
def app(db_url, session, tmp_path):
    """The Flask app on the test database; a job started from a page runs at once."""
    from web import create_app
    from web.store_ext import get_store

    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "JOBS_BACKEND": "immediate",
                      "DISTRICT_NAME": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ เขต 1"},
                     instance_path=str(tmp_path / "instance"))
    yield app
    get_store(app).dispose()


@pytest.fixture
def scored(session, tmp_path):
    """ADM-1 administered and scored in 2 schools (results released), then analysed."""
    from reports_world import answered_world
    from test_uploads import key_cells

    from itembank.authz import Actor
    from scoring.analysis import run_analysis

    out = answered_world(session, tmp_path, key_cells)
    session.commit()
    run_analysis(session, Actor.system(), "ADM-1")
    session.rollback()
    return out


@pytest.fixture
def school_client(app, scored):
    """A browser signed in as the first school of the world."""
    from signin import signed_in_client

    return signed_in_client(app, "school", school_id=scored["schools"]["1040120001"])

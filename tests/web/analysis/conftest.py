"""The analysis pages and API use the scoring tests' world with answers (tests/scoring): 2 schools × 40
students, 8 items; jobs run at once in the request (immediate backend)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scoring"))


@pytest.fixture
def app(db_url, session, tmp_path):
    """The Flask app on the test database; a job started from a page runs at once."""
    from web import create_app
    from web.store_ext import get_store

    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "JOBS_BACKEND": "immediate"},
                     instance_path=str(tmp_path / "instance"))
    yield app
    get_store(app).dispose()


@pytest.fixture
def world(session, tmp_path):
    """ADM-1 administered and scored (results released), not analysed yet."""
    from reports_world import answered_world
    from test_uploads import key_cells

    out = answered_world(session, tmp_path, key_cells)
    session.commit()
    return out


@pytest.fixture
def analysed(session, world):
    """ADM-1 analysed (2PL, written back: statistics, a parameter set, review tasks)."""
    from itembank.authz import Actor
    from scoring.analysis import run_analysis

    out = run_analysis(session, Actor.system(), "ADM-1")
    session.rollback()
    return out


@pytest.fixture
def analyst(app):
    from signin import signed_in_client

    return signed_in_client(app, "analyst")


@pytest.fixture
def bearer(app, analyst):
    """Headers of a machine client acting as the analyst (an API token: no CSRF token needed)."""
    from itembank.accounts import issue_token
    from itembank.authz import Actor
    from web.store_ext import get_store

    with get_store(app).session() as s:
        token = issue_token(s, Actor.system(), analyst.user.username)
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}

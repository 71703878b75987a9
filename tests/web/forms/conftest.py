"""Fixtures of the forms tests: the `khlang forms` commands, and the pages and API (jobs run at once)."""

from __future__ import annotations

import pytest
from forms_bank import make_forms_bank

from web import create_app
from web.store_ext import get_store


@pytest.fixture
def bank(session) -> dict[str, int]:
    """Approved items F6-000..F6-047 with 2PL parameters (see :func:`forms_bank.make_forms_bank`)."""
    return make_forms_bank(session)


@pytest.fixture
def app(db_url, session, tmp_path):
    """The Flask app on empty tables; an assemble job runs inside the request that enqueues it."""
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "JOBS_BACKEND": "immediate",
                      "FORMS_ASSEMBLY_SECONDS": 5.0}, instance_path=str(tmp_path / "instance"))
    yield app
    get_store(app).dispose()

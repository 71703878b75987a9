"""Shared fixtures: the store on SQLite and on PostgreSQL.

``db_url`` / ``store`` / ``engine`` are session-scoped and parametrised over the backends, so every
test that uses them (or ``session``) runs once per database:

- SQLite: a file in a temporary folder, migrated with the project's Alembic migrations.
- PostgreSQL: the server at 127.0.0.1:5432 (user postgres, trust auth); a fresh database with a
  unique name is created for the run, migrated, and dropped at the end.

``KHLANG_TEST_DB`` chooses the backends ("sqlite", "postgresql" or "sqlite,postgresql"; default
both). When PostgreSQL is unreachable its tests fail in CI (``CI`` set) and are skipped locally.
``session`` starts every test on empty tables (DELETE on SQLite, TRUNCATE on PostgreSQL).

``demo`` is a copy of the demo district for one test, on each backend: ``khlang demo seed`` runs once
per database per run, whichever worker asks first, into a template that every test copies
(:mod:`demodb`); the controller drops the PostgreSQL template at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from dbutil import clear_tables
from demodb import Demo, demo_copy, drop_templates
from needs import missing
from sqlalchemy import Engine
from sqlmodel import Session

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"


def _backends() -> list[str]:
    chosen = os.environ.get("KHLANG_TEST_DB", "sqlite,postgresql")
    names = [b.strip() for b in chosen.split(",") if b.strip()]
    unknown = set(names) - {"sqlite", "postgresql"}
    if unknown:
        raise pytest.UsageError(f"KHLANG_TEST_DB: unknown backend(s) {sorted(unknown)}")
    return names


def _params() -> list:
    marks = {"postgresql": [pytest.mark.postgres]}
    return [pytest.param(b, id=b, marks=marks.get(b, [])) for b in _backends()]


def _pg_admin_dsn() -> str:
    return f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname=postgres connect_timeout=3"


def _pg_unreachable_reason() -> str | None:
    import psycopg

    try:
        with psycopg.connect(_pg_admin_dsn()):
            return None
    except psycopg.OperationalError as e:
        return f"PostgreSQL at {PG_HOST}:{PG_PORT} is unreachable: {str(e).strip()[:200]}"


def _drop_abandoned(conn) -> None:
    """Drop test databases left by runs that were killed: their process is gone and nobody is connected."""
    rows = conn.execute(  # a run's own databases, and its demo template (demodb.TEMPLATE_SUFFIX)
        "SELECT datname FROM pg_database d WHERE datname ~ '^khlang_test_[0-9]+_[0-9a-f]{8}(_demo)?$' "
        "AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)").fetchall()
    for (name,) in rows:
        pid = int(name.split("_")[2])
        if not os.path.exists(f"/proc/{pid}"):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session", params=_params())
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a freshly migrated database of the backend, for the whole test run."""
    from web.migrations import upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'khlang.sqlite3'}"
        upgrade(url)
        yield url
        return
    reason = _pg_unreachable_reason()
    if reason:
        missing(reason)
    import psycopg

    name = f"khlang_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_pg_admin_dsn(), autocommit=True) as conn:
        _drop_abandoned(conn)
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(_pg_admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def store(db_url: str) -> Iterator:
    """The `itembank.store.Store` on the test database."""
    from itembank.store import Store

    s = Store(db_url)
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def engine(store) -> Engine:
    """The write engine of the test database."""
    return store.engine


@pytest.fixture
def session(store) -> Iterator[Session]:
    """A write session on empty tables of the test database (SQLite and PostgreSQL)."""
    clear_tables(store.engine)
    with Session(store.engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="session", params=_params())
def demo_template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The demo district seeded by ``khlang demo seed`` once per database for the whole run (every
    worker shares it): never write to it, take ``demo``."""
    from demodb import demo_template as seeded

    if request.param == "postgresql":
        reason = _pg_unreachable_reason()
        if reason:
            missing(reason)
    return seeded(request.param, tmp_path_factory)


@pytest.fixture
def demo(demo_template: Demo, tmp_path) -> Iterator[Demo]:
    """This test's own copy of the seeded demo district: its database URL, instance folder and the seed's output."""
    with demo_copy(demo_template, tmp_path / "demo") as copy:
        yield copy


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller (or a run without workers) drops the run's PostgreSQL demo template."""
    if not hasattr(session.config, "workerinput"):
        drop_templates(session.config._tmp_path_factory.getbasetemp())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Make ``--dist loadgroup`` honour ``xdist_group`` marks again.

    pytest-xdist (3.8) groups tests by a ``@group`` suffix it writes into ``item._nodeid``, which pytest 9
    no longer reads (a node's id is ``item._id``): without this every test is its own group, and a group's
    shared set-up (the demo seed) runs on both workers. Runs after xdist's hook and only where its suffix
    did not take, so a pytest-xdist that writes the id itself is left alone."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid.rpartition("]")[2] and hasattr(item, "_id"):
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")

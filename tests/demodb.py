"""The demo district, seeded once per database per test run and copied for each test that reads it.

``khlang demo seed`` takes most of a minute on each database, and the demo tests, the page crawl and
the demo forms' keys and booklets all read the same district. The first test process (xdist worker)
that asks for a backend's demo runs the real command, under a lock in the run's shared temporary
folder, into a template: a SQLite file or a PostgreSQL database, with the instance folder the command
wrote (khlang.cfg, the stamped booklets, the form documents) and what it printed. Every later ask, in
either worker, finds it done. A test gets its own copy, never the template: the file copied with
SQLite's backup API, or ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL (dropped after the test), and
the instance folder copied beside it. The controller drops the PostgreSQL template at the end of the
run (:func:`drop_templates`); one left by a killed run is dropped by the next (conftest's
``_drop_abandoned``).

Every module whose tests read the demo carries ``pytest.mark.xdist_group(DEMO_GROUP)``.
Import this module (never `conftest`): ``from demodb import demo_copy``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
#: the template databases of a run end so; conftest's _drop_abandoned knows the form
TEMPLATE_SUFFIX = "_demo"
#: the xdist group of every test that reads the demo: one worker seeds both databases and runs them all,
#: so the other never waits on the lock for a seed in progress (the group is dispatched first, and the
#: rest of the suite keeps the other worker busy)
DEMO_GROUP = "demo"


@dataclass(frozen=True)
class Demo:
    """A seeded demo district: its database, its instance folder and what `khlang demo seed` printed."""

    backend: str
    url: str
    instance: Path
    output: str


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder that every worker sees (xdist gives each worker a subfolder of it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _tag(root: Path) -> str:
    return hashlib.sha1(str(root).encode()).hexdigest()[:8]  # noqa: S324 - a name, not a secret


def _admin_dsn() -> str:
    return f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname=postgres connect_timeout=3"


def _pg_url(name: str) -> str:
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def demo_template(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The run's seeded template of `backend` ("sqlite" or "postgresql"), seeding it if nobody has yet.

    Never write to it: take a :func:`demo_copy`. A seed that failed fails every test that asks, with
    the command's output, without seeding again."""
    root = shared_root(tmp_path_factory)
    folder = root / f"demo-{backend}"
    with _locked(root / f"demo-{backend}.lock"):
        record, failed = folder / "template.json", folder / "failed.txt"
        if failed.exists():
            pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
        if not record.exists():
            folder.mkdir(exist_ok=True)
            demo = _seed(backend, folder, _tag(root))
            if demo is None:
                pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
            record.write_text(json.dumps({"url": demo.url, "instance": str(demo.instance), "output": demo.output}),
                              encoding="utf-8")
        d = json.loads(record.read_text(encoding="utf-8"))
    return Demo(backend, d["url"], Path(d["instance"]), d["output"])


def _seed(backend: str, folder: Path, tag: str) -> Demo | None:
    """Run `khlang demo seed` into a new template database; None (and failed.txt) when it fails."""
    from click.testing import CliRunner

    from web.cli import cli

    if backend == "sqlite":
        url = f"sqlite:///{folder / 'demo.sqlite3'}"
    else:
        import psycopg

        name = f"khlang_test_{os.getpid()}_{tag}{TEMPLATE_SUFFIX}"
        with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = _pg_url(name)
    instance = folder / "instance"
    result = CliRunner().invoke(cli, ["--instance", str(instance), "demo", "seed"], env={"DATABASE_URL": url})
    if result.exit_code != 0:
        trace = "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else ""
        (folder / "failed.txt").write_text(f"khlang demo seed on {backend} failed ({result.exit_code}):\n"
                                           f"{result.output}\n{trace}", encoding="utf-8")
        return None
    if backend == "postgresql":  # nobody may connect to a template while it is copied
        with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
    return Demo(backend, url, instance, result.output)


@contextlib.contextmanager
def demo_copy(template: Demo, folder: Path) -> Iterator[Demo]:
    """A copy of the seeded `template` for one test: its database and its instance folder (in `folder`);
    a PostgreSQL copy is dropped when the block ends."""
    instance = folder / "instance"
    shutil.copytree(template.instance, instance)
    if template.backend == "sqlite":
        path = folder / "demo.sqlite3"
        source = sqlite3.connect(f"file:{template.url.removeprefix('sqlite:///')}?mode=ro", uri=True)
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        yield replace(template, url=f"sqlite:///{path}", instance=instance)
        return
    import psycopg

    name = f"khlang_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    source = template.url.rsplit("/", 1)[1]
    with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    try:
        yield replace(template, url=_pg_url(name), instance=instance)
    finally:
        with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_templates(root: Path) -> None:
    """Drop the PostgreSQL template seeded under `root`, if one was (the controller, at the end of the run)."""
    if not (root / "demo-postgresql").exists():
        return
    import psycopg

    with contextlib.suppress(psycopg.OperationalError), psycopg.connect(_admin_dsn(), autocommit=True) as conn:
        names = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                             (f"khlang\\_test\\_%\\_{_tag(root)}{TEMPLATE_SUFFIX}",)).fetchall()
        for (name,) in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

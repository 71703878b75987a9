"""The store: engines and sessions for SQLite (embedded default) and PostgreSQL (production).

The caller passes the URL: configuration is read only in the app/CLI factory, never at import.

SQLite: WAL, ``foreign_keys=ON``, ``busy_timeout``; the write engine turns the driver's own
transaction handling off and begins every transaction with ``BEGIN IMMEDIATE``, so a
read-then-write transaction waits for the lock instead of failing with SQLITE_BUSY_SNAPSHOT
(security.md §0.5). Reads use a second engine whose transactions begin deferred, so readers never
queue behind writers. PostgreSQL (``postgresql+psycopg://``) uses one pool for both; its reads run
in autocommit (no BEGIN and ROLLBACK round trips: under READ COMMITTED every statement sees its own
snapshot either way), and a pooled connection is pinged only when it has been idle for
``PG_PING_IDLE_S`` (a ping on every checkout was one more round trip per session; a round trip is
what a loaded server waits for, issue 12).

No pooled connection crosses a fork: every engine made here is disposed (without closing the
parent's connections) in a forked child, e.g. a gunicorn worker after ``--preload``.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from itembank.errors import ItemBankError

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 64 * 1024  # page cache per connection (SQLite's default is 2 MiB)
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
DEFAULT_SQLITE_NAME = "khlang.sqlite3"
#: A pooled PostgreSQL connection idle for longer than this is pinged before use (a restarted server).
PG_PING_IDLE_S = 10.0

_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def _dispose_after_fork() -> None:
    for engine in list(_engines):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_dispose_after_fork)


def display_url(url: str) -> str:
    """A database URL as it may be shown to a user: the password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def default_url(instance_path: str | Path) -> str:
    """The embedded default: an SQLite file in the instance folder (created if missing)."""
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / DEFAULT_SQLITE_NAME).resolve()}"


def _sqlite_engine(url: str, *, immediate: bool, echo: bool) -> Engine:
    engine = create_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver's own BEGIN off: we emit ours
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # searches read many rows of item_version: keep the bank's pages in memory
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


def make_engine(url: str, *, read_only: bool = False, echo: bool = False) -> Engine:
    """An engine for `url` with Khlang's settings.

    Parameters
    ----------
    url : str
        ``sqlite:///path`` or ``postgresql+psycopg://user@host/db``.
    read_only : bool
        SQLite only: transactions begin deferred (for reads); otherwise they begin IMMEDIATE.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = _sqlite_engine(url, immediate=not read_only, echo=echo)
    elif backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":  # psycopg 3 is the driver Khlang ships with
            url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        # no server-side prepared statements: after a few runs PostgreSQL would switch a prepared
        # search to a generic plan that ignores the filter values (measured: 30 ms became 400 ms)
        engine = create_engine(url, echo=echo, connect_args={"prepare_threshold": None})
        _ping_when_idle(engine)
    else:
        raise ItemBankError(
            "store.unsupported_database", kind="invalid", url=parsed.render_as_string(),
            message_th=f"ไม่รองรับฐานข้อมูลชนิด {backend!r}: ใช้ sqlite:/// หรือ postgresql+psycopg://",
            message_en=f"unsupported database {backend!r}: use sqlite:/// or postgresql+psycopg://",
        )
    _engines.add(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling without a round trip per checkout: a connection back from the
    pool is pinged only when it was idle for PG_PING_IDLE_S; a dead one is replaced (the pool retries)."""
    import time

    from sqlalchemy import exc

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["khlang_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("khlang_idle_since")
        if since is None or time.monotonic() - since < PG_PING_IDLE_S:
            return
        try:
            was = dbapi_connection.autocommit
            dbapi_connection.autocommit = True  # no transaction left open by the ping
            dbapi_connection.execute("SELECT 1")
            dbapi_connection.autocommit = was
        except Exception as e:  # the server went away: this connection is dropped, a new one made
            raise exc.DisconnectionError(str(e)) from e


class Store:
    """The database of one Khlang instance: a write engine, a read engine, and sessions on them.

    ``with store.session() as s:`` is one write transaction (commit on success, rollback on error);
    ``store.read_session()`` is for pages and searches.
    """

    def __init__(self, url: str, *, echo: bool = False):
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.read_engine = (make_engine(url, read_only=True, echo=echo) if self.is_sqlite
                            else self.engine.execution_options(isolation_level="AUTOCOMMIT"))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write session; commits when the block ends without error, rolls back otherwise."""
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read session on the deferred engine; never commits."""
        with Session(self.read_engine) as s:
            yield s

    def dispose(self) -> None:
        self.engine.dispose()
        if self.is_sqlite:  # PostgreSQL's read engine shares the write engine's pool
            self.read_engine.dispose()

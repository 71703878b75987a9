"""The store: SQLite pragmas and IMMEDIATE writes, PostgreSQL, forks, immutability guard."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import threading

import pytest
from factories import make_actor, make_item_draft
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, InternalError
from sqlmodel import Session, func, select

from itembank import service
from itembank.errors import ItemBankError
from itembank.models import Item, ItemVersion, ItemVersionIndicator
from itembank.store import Store, default_url, make_engine


def test_sqlite_connection_has_wal_foreign_keys_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    engine.dispose()


def test_default_url_is_an_sqlite_file_in_the_instance_folder(tmp_path):
    url = default_url(tmp_path / "instance")
    assert url.startswith("sqlite:///") and url.endswith("instance/khlang.sqlite3")
    assert (tmp_path / "instance").is_dir()


def test_unsupported_database_is_refused_in_thai():
    with pytest.raises(ItemBankError) as e:
        make_engine("mysql://x@localhost/db")
    assert "ไม่รองรับฐานข้อมูล" in e.value.text("th")


def test_sqlite_write_transaction_begins_immediate(tmp_path):
    """A second writer waits for the first instead of failing with SQLITE_BUSY_SNAPSHOT."""
    path = tmp_path / "lock.sqlite3"
    store = Store(f"sqlite:///{path}")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (n INTEGER)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (0)")

    def bump() -> None:
        for _ in range(20):
            with store.engine.begin() as conn:  # read, then write: safe only under BEGIN IMMEDIATE
                n = conn.exec_driver_sql("SELECT n FROM counter").scalar()
                conn.exec_driver_sql("UPDATE counter SET n = ?", (n + 1,))

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with store.read_session() as s:
        assert s.exec(text("SELECT n FROM counter")).scalar() == 80
    store.dispose()


def test_sqlite_lock_is_taken_at_begin(tmp_path):
    """While a write session is open, a raw writer cannot start (the lock is held from BEGIN)."""
    path = tmp_path / "held.sqlite3"
    store = Store(f"sqlite:///{path}")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("SELECT 1")  # no write yet, but BEGIN IMMEDIATE already locked
        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    store.dispose()


def _child_count(url: str, queue) -> None:
    from sqlmodel import Session, func, select

    store = _STORES[url]
    with Session(store.engine) as s:
        queue.put(s.exec(select(func.count()).select_from(Item)).one())


_STORES: dict[str, Store] = {}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_pooled_connection_does_not_cross_a_fork(store, session):
    service.upsert_items(session, make_actor("officer"), [make_item_draft(code="FORK-1")])
    with Session(store.engine) as s:  # the parent holds a pooled connection
        assert s.exec(select(Item)).first() is not None
    _STORES[store.url] = store
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child_count, args=(store.url, queue))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == 1
    with Session(store.engine) as s:  # and the parent's connection still works
        assert s.exec(select(Item.code)).one() == "FORK-1"


def test_postgresql_reads_autocommit_and_a_connection_the_server_dropped_is_replaced(db_url, monkeypatch):
    import psycopg
    from sqlalchemy.engine import make_url

    from itembank import store as store_module

    st = Store(db_url)
    try:
        if st.is_sqlite:
            pytest.skip("PostgreSQL's pool")
        with st.read_session() as s:  # no transaction: nothing to BEGIN or ROLLBACK
            pid = s.scalar(text("SELECT pg_backend_pid()"))
            s.execute(text("SELECT pg_sleep(0.02)"))
            assert s.scalar(text("SELECT now() = statement_timestamp()")) is True
        dsn = make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as admin:  # the server drops the pooled connection
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        monkeypatch.setattr(store_module, "PG_PING_IDLE_S", 0.0)  # it has been idle long enough
        with st.read_session() as s:
            assert s.scalar(text("SELECT pg_backend_pid()")) != pid
        with st.session() as s:  # writes are still transactions
            s.execute(text("SELECT pg_sleep(0.02)"))
            assert s.scalar(text("SELECT now() < statement_timestamp()")) is True
    finally:
        st.dispose()


def test_item_version_content_cannot_be_updated_in_the_database(session):
    """The DB guard refuses an UPDATE of content even when the service is bypassed."""
    service.upsert_items(session, make_actor("officer"), [make_item_draft(code="IMM-1")])
    version = session.exec(select(ItemVersion)).one()
    version.stem = "แก้คำถามโดยตรง"
    with pytest.raises((IntegrityError, InternalError), match="immutable"):
        session.commit()
    session.rollback()
    with pytest.raises((IntegrityError, InternalError), match="immutable"):
        session.execute(text("UPDATE item_version SET key = :k"), {"k": '["ก"]'})
        session.commit()
    session.rollback()
    assert session.exec(select(ItemVersion.stem)).one() == "ผลบวกของ 2 และ 3 เท่ากับเท่าใด"


def test_item_version_tags_cannot_be_updated_in_the_database(session):
    service.upsert_items(session, make_actor("officer"), [make_item_draft(code="IMM-3")])
    with pytest.raises((IntegrityError, InternalError), match="immutable"):
        session.execute(text("UPDATE item_version_indicator SET code = 'ค 1.1 ป.6/1'"))
        session.commit()
    session.rollback()
    assert session.exec(select(ItemVersionIndicator.code)).one() == "ค 1.1 ป.6/2"


def test_review_state_of_a_version_may_change(session):
    service.upsert_items(session, make_actor("officer"), [make_item_draft(code="IMM-2")])
    session.execute(text("UPDATE item_version SET status = 'retired'"))
    session.commit()
    assert session.exec(select(ItemVersion.status)).one() == "retired"


def test_unique_constraints_hold_in_the_database(session):
    service.upsert_items(session, make_actor("officer"), [make_item_draft(code="UQ-1")])
    version = session.exec(select(ItemVersion)).one()
    session.add(Item(code="UQ-1"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    copy = version.model_dump(exclude={"id"})
    session.add(ItemVersion(**{**copy, "number": 2}))  # same (item_id, content_hash)
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    session.add(ItemVersionIndicator(version_id=version.id, code="ค 1.1 ป.6/2"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_foreign_keys_are_enforced(session):
    session.add(ItemVersionIndicator(version_id=987654, code="ค 1.1 ป.6/2"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def _import_in_process(url: str, start: int, queue) -> None:
    from itembank.store import Store

    store = Store(url)
    drafts = [make_item_draft(code=f"MP-{i:03d}") for i in range(start, start + 60)]
    try:
        with store.session() as s:
            report = service.upsert_items(s, make_actor("officer", f"worker{start}"), drafts)
        queue.put((report.n_created, report.n_unchanged))
    except Exception as e:  # noqa: BLE001 - reported to the parent
        queue.put(repr(e))
    finally:
        store.dispose()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_overlapping_imports_from_several_processes_on_one_sqlite_file(tmp_path):
    """Like gunicorn workers: no 'database is locked', every item written exactly once."""
    from web.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'workers.sqlite3'}"
    upgrade(url)
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_import_in_process, args=(url, start, queue)) for start in (0, 30, 60, 0)]
    for w in workers:
        w.start()
    results = [queue.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(30)
    assert all(isinstance(r, tuple) for r in results), results
    assert sum(created for created, _ in results) == 120  # MP-000 … MP-119
    assert sum(unchanged for _, unchanged in results) == 4 * 60 - 120
    store = Store(url)
    with store.read_session() as s:
        assert s.exec(select(func.count()).select_from(ItemVersion)).one() == 120
    store.dispose()

"""Backup and restore drill (security note §4, §7 #5): a backup taken while writers insert restores
into a fresh database with integrity, the manifest's row counts, no orphan rows and the same frozen
content; `khlang backup` / `khlang restore` round-trip; a damaged backup is refused."""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from itembank.audit import record
from itembank.authz import Actor
from itembank.backup import backup, restore, table_counts
from itembank.errors import ItemBankError
from itembank.store import Store


def _content_hash(url: str, table: str, columns: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(f"SELECT {columns} FROM {table} ORDER BY id")).fetchall()  # noqa: S608
    finally:
        engine.dispose()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _orphans(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return conn.execute(text("PRAGMA foreign_key_check")).fetchall()
            return []  # PostgreSQL restores its foreign keys, which would refuse an orphan
    finally:
        engine.dispose()


@pytest.fixture
def fresh_url(db_url, tmp_path):
    """An empty database of the same backend to restore into (created and dropped here)."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    admin = db_url.rsplit("/", 1)[0].replace("postgresql+psycopg", "postgresql") + "/postgres"
    name = f"khlang_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield db_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_under_write_load_restores_with_integrity_and_invariants(session, store, db_url, fresh_url, tmp_path):
    from factories import make_item_draft

    from itembank import service

    service.upsert_items(session, Actor.system(), [make_item_draft(code=f"M6-{i:04d}") for i in range(1, 21)])
    for i in range(50):
        record(session, "seed", username=f"u{i}", commit=False)
    session.commit()
    frozen = _content_hash(db_url, "item_version", "id, item_id, stem")
    stop, written, errors = threading.Event(), [0], []

    def writer():
        writer_store = Store(db_url)
        try:
            while not stop.is_set():
                with writer_store.session() as s:
                    record(s, "load", username="writer")
                written[0] += 1
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            writer_store.dispose()

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        while written[0] < 20:
            stop.wait(0.05)
        result = backup(db_url, Actor.system(), tmp_path)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert not errors and written[0] >= 20
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600 and stat.S_IMODE(result.manifest.stat().st_mode) == 0o600
    assert result.counts["item_version"] == 20 and result.counts["audit_log"] >= 50 + 20
    if db_url.startswith("postgresql"):
        from web.migrations import upgrade

        upgrade(fresh_url)   # pg_restore --clean replaces the schema the migrations made
    counts = restore(fresh_url, Actor.system(), result.path)
    assert counts == result.counts
    assert _orphans(fresh_url) == []
    assert _content_hash(fresh_url, "item_version", "id, item_id, stem") == frozen
    assert table_counts(db_url)["audit_log"] >= counts["audit_log"]   # the writers went on meanwhile
    if fresh_url.startswith("sqlite"):
        engine = create_engine(fresh_url)
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        engine.dispose()
    # the restored audit log is still append-only
    restored = Store(fresh_url)
    try:
        with restored.session() as s, pytest.raises(Exception, match="append-only"):
            s.execute(text("DELETE FROM audit_log"))
    finally:
        restored.dispose()


def test_a_damaged_backup_is_refused_before_anything_changes(session, db_url, fresh_url, tmp_path):
    result = backup(db_url, Actor.system(), tmp_path)
    with result.path.open("r+b") as f:
        f.seek(200)
        f.write(b"\x00garbage\x00")
    with pytest.raises(ItemBankError) as e:
        restore(fresh_url, Actor.system(), result.path)
    assert e.value.code == "restore.damaged" and "SHA-256" in e.value.text("th")


@pytest.mark.parametrize("role", ["officer", "school", "qa"])
def test_only_administrators_and_the_system_back_up(session, db_url, tmp_path, role):
    from factories import make_actor

    with pytest.raises(ItemBankError) as e:
        backup(db_url, make_actor(role), tmp_path)
    assert e.value.kind == "forbidden"


def test_khlang_backup_and_restore_round_trip(session, db_url, tmp_path):
    from web.cli import cli

    if not db_url.startswith("sqlite"):
        pytest.skip("the PostgreSQL round trip is the drill above (pg_restore into a fresh database)")
    record(session, "before", username="a")
    runner = CliRunner(env={"DATABASE_URL": db_url, "KHLANG_INSTANCE": str(tmp_path / "i")})
    out = tmp_path / "backups"
    out.mkdir()
    result = runner.invoke(cli, ["backup", "--out", str(out)])
    assert result.exit_code == 0 and "สำรองแล้ว" in result.output, result.output
    (dump,) = out.glob("*.sqlite3")
    record(session, "after", username="b")
    assert runner.invoke(cli, ["restore", str(dump)]).exit_code != 0          # --yes is required
    result = runner.invoke(cli, ["restore", str(dump), "--yes"])
    assert result.exit_code == 0 and "กู้คืนแล้ว" in result.output, result.output
    assert table_counts(db_url)["audit_log"] == 1
    result = runner.invoke(cli, ["backup", "--out", str(tmp_path / "missing")])
    assert result.exit_code == 1 and "ไม่พบโฟลเดอร์" in result.output

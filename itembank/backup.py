"""สำรองและกู้คืน (backup and restore) of a Khlang database, online.

SQLite: Python's online backup API (``sqlite3.Connection.backup``), consistent while other
processes write, then ``PRAGMA integrity_check`` on the copy. PostgreSQL: ``pg_dump -Fc`` (a
consistent snapshot that blocks nobody) and ``pg_restore --single-transaction --exit-on-error``.
Each backup is written with mode 0600 beside a manifest (row counts per table, SHA-256 of the file)
that the restore drill checks. Restoring replaces the configured database's content.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, make_url, text

from itembank.authz import Actor, authorize
from itembank.errors import ItemBankError


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Path
    sha256: str
    counts: dict[str, int]


def _error(code: str, th: str, en: str, kind: str = "invalid") -> ItemBankError:
    return ItemBankError(code, kind=kind, message_th=th, message_en=en)


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def table_counts(url: str) -> dict[str, int]:
    """Rows per table (alembic_version included): what a restore must give back."""
    engine = create_engine(url if not url.startswith("postgresql") else
                           make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in names}  # noqa: S608
    finally:
        engine.dispose()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _private(path: Path) -> None:
    os.chmod(path, 0o600)


def _pg_dump(tool: str, url: str, path: Path) -> dict[str, int]:
    """pg_dump -Fc of one exported snapshot, and the row counts of that same snapshot."""
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            done = subprocess.run([tool, "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",  # noqa: S603
                                   "-f", str(path), _libpq_url(url)], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise _error("backup.pg_dump_failed", f"pg_dump ไม่สำเร็จ: {done.stderr.strip()[:500]}",
                             f"pg_dump failed: {done.stderr.strip()[:500]}")
            names = sorted(inspect(conn).get_table_names())
            return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in names}  # noqa: S608
    finally:
        engine.dispose()


def backup(url: str, actor: Actor, out_dir: Path, *, now: datetime | None = None) -> BackupResult:
    """Write a consistent backup of the database at `url` into `out_dir` (a folder that exists)."""
    authorize(actor, None, "backup.run")
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise _error("backup.no_folder", f"ไม่พบโฟลเดอร์ {out_dir}", f"no such folder: {out_dir}")
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        path = out_dir / f"khlang-{stamp}.sqlite3"
        source = sqlite3.connect(_sqlite_path(url), timeout=30)
        target = sqlite3.connect(path)
        try:
            source.backup(target, pages=1024)  # in steps: writers go on between them
            ok = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
            source.close()
        if ok != "ok":
            raise _error("backup.corrupt", f"ไฟล์สำรองไม่สมบูรณ์: {ok}", f"the backup failed its integrity check: {ok}")
        counts = table_counts(f"sqlite:///{path}")
    elif backend == "postgresql":
        tool = shutil.which("pg_dump")
        if tool is None:
            raise _error("backup.no_pg_dump", "ไม่พบโปรแกรม pg_dump: ติดตั้ง postgresql-client รุ่นเดียวกับเซิร์ฟเวอร์",
                         "pg_dump is not installed: install postgresql-client of the server's version")
        path = out_dir / f"khlang-{stamp}.dump"
        counts = _pg_dump(tool, url, path)
    else:
        raise _error("backup.unsupported", f"สำรองฐานข้อมูลชนิด {backend} ไม่ได้", f"cannot back up {backend}")
    _private(path)
    digest = _sha256(path)
    manifest = path.with_suffix(path.suffix + ".json")
    manifest.write_text(json.dumps({"file": path.name, "sha256": digest, "backend": backend, "counts": counts,
                                    "created_at": stamp}, ensure_ascii=False, indent=1), encoding="utf-8")
    _private(manifest)
    return BackupResult(path, manifest, digest, counts)


def restore(url: str, actor: Actor, backup_file: Path) -> dict[str, int]:
    """Replace the content of the database at `url` with a backup; the restored row counts.

    The backup's SHA-256 must match its manifest (when there is one): a damaged file is refused
    before anything is touched. SQLite is restored with the online backup API (page by page, in one
    step for readers); PostgreSQL with ``pg_restore --clean --single-transaction --exit-on-error``.
    """
    authorize(actor, None, "backup.run")
    backup_file = Path(backup_file)
    manifest = backup_file.with_suffix(backup_file.suffix + ".json")
    if manifest.exists():
        expected = json.loads(manifest.read_text(encoding="utf-8"))["sha256"]
        if _sha256(backup_file) != expected:
            raise _error("restore.damaged", f"{backup_file.name}: ค่า SHA-256 ไม่ตรงกับบันทึกการสำรอง ไม่กู้คืน",
                         f"{backup_file.name}: SHA-256 differs from its manifest; nothing restored")
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        source = sqlite3.connect(backup_file)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise _error("restore.corrupt", f"{backup_file.name} ไม่สมบูรณ์", f"{backup_file.name} is corrupt")
            target = sqlite3.connect(_sqlite_path(url), timeout=30)
            try:
                source.backup(target)  # one step: the target is locked while it is replaced
            finally:
                target.close()
        finally:
            source.close()
    elif backend == "postgresql":
        tool = shutil.which("pg_restore")
        if tool is None:
            raise _error("restore.no_pg_restore", "ไม่พบโปรแกรม pg_restore", "pg_restore is not installed")
        done = subprocess.run([tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",  # noqa: S603
                               "--exit-on-error", "-d", _libpq_url(url), str(backup_file)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise _error("restore.failed", f"pg_restore ไม่สำเร็จ: {done.stderr.strip()[:500]}",
                         f"pg_restore failed: {done.stderr.strip()[:500]}")
    else:
        raise _error("backup.unsupported", f"กู้คืนฐานข้อมูลชนิด {backend} ไม่ได้", f"cannot restore {backend}")
    return table_counts(url)

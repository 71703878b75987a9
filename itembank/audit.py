"""บันทึกการใช้งาน (audit log): an append-only record of sign-ins, refusals, role changes and
downloads of secure material.

Append-only twice: the services only insert, and a database trigger refuses every UPDATE and DELETE
(SQLite and PostgreSQL; the migration installs it with :func:`append_only_ddl`). Rows are written in
the caller's transaction (``commit=False``) when they belong to a change, so the change and its
record commit together; refusals and sign-in failures commit their own row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, event, func, select
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, Session, SQLModel

from itembank.authz import Actor, authorize
from itembank.models import timestamp_field, utcnow

OUTCOMES = ("ok", "denied", "failed")


class AuditLog(SQLModel, table=True):
    """One audited event: who (user, roles, school), what (event, object), when, from where, outcome."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field()
    event: str = Field(max_length=60, index=True)
    outcome: str = Field(default="ok", max_length=10)
    user_id: int | None = Field(default=None, index=True)
    username: str | None = Field(default=None, max_length=80)
    roles: str = Field(default="", max_length=200)
    school_id: int | None = None
    ip: str | None = Field(default=None, max_length=64)
    object_type: str | None = Field(default=None, max_length=40)
    object_id: str | None = Field(default=None, max_length=200)
    detail: dict = Field(default_factory=dict,
                         sa_type=JSON().with_variant(postgresql.JSONB(), "postgresql"))


def record(session: Session, event: str, *, actor: Actor | None = None, user_id: int | None = None,
           username: str | None = None, ip: str | None = None, outcome: str = "ok",
           object_type: str | None = None, object_id: Any = None, detail: dict | None = None,
           commit: bool = True) -> None:
    """Append one row (an act of the system itself: no permission is needed to be audited)."""
    assert outcome in OUTCOMES, outcome
    row = AuditLog(event=event, outcome=outcome, ip=ip, object_type=object_type,
                   object_id=None if object_id is None else str(object_id)[:200], detail=detail or {},
                   user_id=actor.user_id if actor else user_id,
                   username=(actor.username if actor else username),
                   roles=" ".join(actor.roles) if actor else "",
                   school_id=actor.school_id if actor else None)
    session.add(row)
    if commit:
        session.commit()
    else:
        session.flush()


def record_student_read(session: Session, actor: Actor, what: str, *, school_id: int | None = None,
                        object_id: Any = None, n_students: int | None = None, commit: bool = False) -> bool:
    """PDPA: a read of student-level data by anyone but the students' own school is audited (one row per
    read, in the caller's transaction unless `commit`). True when a row was written.

    Services that return student rows (names, answers, scores) call it once per read."""
    if "school" in actor.roles and (school_id is None or school_id == actor.school_id) and len(actor.roles) == 1:
        return False
    record(session, "student.read", actor=actor, object_type=what, object_id=object_id,
           detail={k: v for k, v in {"school_id": school_id, "n_students": n_students}.items() if v is not None},
           commit=commit)
    return True


def _since(session: Session, since: datetime) -> Iterator[AuditLog]:
    yield from session.scalars(select(AuditLog).where(AuditLog.at >= since).order_by(AuditLog.id))


#: A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text: a leading formula character gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


COLUMNS = ("id", "at", "event", "outcome", "user_id", "username", "roles", "school_id", "ip",
           "object_type", "object_id", "detail")


def export_csv(session: Session, actor: Actor, since: datetime, out: Path) -> int:
    """Write the rows since `since` to a UTF-8 CSV (Excel reads its BOM); how many rows."""
    import json

    authorize(actor, None, "audit.read")
    n = 0
    with open(out, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for row in _since(session, since):
            values = [getattr(row, c) for c in COLUMNS[:-1]]
            values[1] = row.at.isoformat()
            values.append(json.dumps(row.detail, ensure_ascii=False, sort_keys=True))
            writer.writerow([neutralise(v) for v in values])
            n += 1
    record(session, "audit.export", actor=actor, detail={"since": since.isoformat(), "rows": n})
    return n


def append_only_ddl(dialect: str) -> list[str]:
    """SQL that installs the triggers refusing UPDATE and DELETE on audit_log."""
    if dialect == "sqlite":
        return [f"CREATE TRIGGER audit_log_no_{op.lower()} BEFORE {op} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END" for op in ("UPDATE", "DELETE")]
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'integrity_constraint_violation'; "
            "END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
        ]
    return []


def drop_append_only_ddl(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return ["DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete"]
    if dialect == "postgresql":
        return ["DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
                "DROP FUNCTION IF EXISTS audit_log_append_only()"]
    return []


@event.listens_for(SQLModel.metadata, "after_create")
def _install_append_only_guard(target: Any, connection: Any, tables: Any = (), **kw: Any) -> None:
    """``create_all`` installs the guard too (the migration installs it with the same SQL)."""
    names = {t.name for t in tables} if tables else set(target.tables)
    if "audit_log" in names:
        for statement in append_only_ddl(connection.dialect.name):
            connection.exec_driver_sql(statement)


__all__ = ["AuditLog", "record", "record_student_read", "export_csv", "neutralise", "append_only_ddl", "drop_append_only_ddl",
           "utcnow"]


def audit_page(session: Session, actor: Actor, *, who: str = "", event: str = "", outcome: str = "",
               since: datetime | None = None, until: datetime | None = None, page: int = 1,
               per_page: int = 50) -> tuple[list, int]:
    """One page of the audit log, newest first, and how many rows match; `since`/`until` are aware times."""
    authorize(actor, None, "audit.read")
    query = select(AuditLog)
    if who:
        query = query.where(AuditLog.username.like(f"%{who}%"))
    if event:
        query = query.where(AuditLog.event.like(f"{event}%"))
    if outcome:
        query = query.where(AuditLog.outcome == outcome)
    if since is not None:
        query = query.where(AuditLog.at >= since)
    if until is not None:
        query = query.where(AuditLog.at < until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditLog.id.desc()).offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), int(total)

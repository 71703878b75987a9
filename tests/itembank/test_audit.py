"""The audit log is append-only (a database trigger on SQLite and PostgreSQL), and its CSV export is
safe to open in a spreadsheet (security note §6, §7 #7 and #10)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from itembank.audit import AuditLog, export_csv, neutralise, record
from itembank.authz import Actor
from itembank.errors import ItemBankError


def test_rows_are_appended_and_refused_any_update_or_delete(session):
    record(session, "auth.sign_in", username="somchai", ip="10.0.0.1")
    row = session.scalars(select(AuditLog)).one()
    row.username = "someone else"
    with pytest.raises(DBAPIError) as e:
        session.commit()
    assert "append-only" in str(e.value)
    session.rollback()
    for statement in ("UPDATE audit_log SET outcome = 'denied'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError):
            session.execute(text(statement))
        session.rollback()
    session.delete(session.scalars(select(AuditLog)).one())
    with pytest.raises(DBAPIError):
        session.commit()
    session.rollback()
    assert session.scalars(select(AuditLog)).one().username == "somchai"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"])
def test_formula_like_cells_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell
    assert neutralise("โรงเรียนบ้านหนองบัว") == "โรงเรียนบ้านหนองบัว" and neutralise(None) == ""


def test_export_writes_every_row_since_the_date_and_is_audited(session, tmp_path):
    record(session, "auth.failure", username="=cmd|' /C calc'!A0", outcome="failed")
    record(session, "user.roles", actor=Actor.system(), object_type="user", object_id="somchai",
           detail={"before": ["officer"], "after": ["admin"]})
    out = tmp_path / "audit.csv"
    n = export_csv(session, Actor.system(), datetime.now(UTC) - timedelta(days=1), out)
    assert n == 2
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0]["username"] == "'=cmd|' /C calc'!A0" and rows[0]["outcome"] == "failed"
    assert rows[1]["event"] == "user.roles" and '"after": ["admin"]' in rows[1]["detail"]
    assert session.scalars(select(AuditLog.event).order_by(AuditLog.id.desc())).first() == "audit.export"
    assert export_csv(session, Actor.system(), datetime.now(UTC) + timedelta(days=1), out) == 0


@pytest.mark.parametrize("role", ["officer", "school", "supervisor", "analyst"])
def test_only_qa_admin_and_system_read_the_audit_log(session, tmp_path, role):
    from factories import make_actor

    with pytest.raises(ItemBankError) as e:
        export_csv(session, make_actor(role), datetime.now(UTC), tmp_path / "a.csv")
    assert e.value.kind == "forbidden"
    export_csv(session, make_actor("qa"), datetime.now(UTC), tmp_path / "a.csv")


def test_khlang_audit_export(session, db_url, tmp_path):
    from web.cli import cli

    record(session, "auth.sign_in", username="somchai")
    runner = CliRunner(env={"DATABASE_URL": db_url, "KHLANG_INSTANCE": str(tmp_path / "i")})
    out = tmp_path / "audit.csv"
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    thai_year = yesterday.replace(year=yesterday.year + 543).isoformat()
    result = runner.invoke(cli, ["audit", "export", "--since", thai_year, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 แถว" in result.output and "somchai" in out.read_text(encoding="utf-8-sig")
    result = runner.invoke(cli, ["audit", "export", "--since", "เมื่อวาน", "--out", str(out)])
    assert result.exit_code != 0 and "ปปปป-ดด-วว" in result.output
    result = runner.invoke(cli, ["audit", "export", "--since", "2026-01-01", "--out", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 1


def test_reads_of_student_data_are_audited_unless_by_the_students_own_school(session):
    from factories import make_actor

    from itembank.audit import record_student_read

    own = make_actor("school", school_id=7)
    assert not record_student_read(session, own, "scores", school_id=7, n_students=30)
    assert record_student_read(session, make_actor("analyst"), "scores", school_id=7, object_id="ADM-1", n_students=30)
    assert record_student_read(session, make_actor("supervisor"), "roster", school_id=8)
    session.commit()
    rows = session.scalars(select(AuditLog).where(AuditLog.event == "student.read").order_by(AuditLog.id)).all()
    assert [(r.roles, r.object_type, r.detail.get("n_students")) for r in rows] == [
        ("analyst", "scores", 30), ("supervisor", "roster", None)]

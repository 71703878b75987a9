"""The command line acts as a named account (``--as USERNAME``, checked against the accounts) or as the
system actor; commands that write student-level rows leave an audit row (issue 11, parts 2 and 6)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scoring"))  # the scoring tests' small world

from scoring_world import SCHOOLS, SYSTEM, answers_csv, make_world, roster_csv  # noqa: E402

from itembank.accounts import create_user, set_active  # noqa: E402
from itembank.audit import AuditLog  # noqa: E402
from itembank.authz import Actor  # noqa: E402
from web.cli import cli  # noqa: E402


@pytest.fixture
def run(session, db_url, tmp_path):
    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--instance", str(tmp_path / "instance"), *args],
                                  env={"DATABASE_URL": db_url}, catch_exceptions=False)

    return invoke


@pytest.fixture
def people(session):
    from itembank.schools import SchoolBase, add_schools

    ids = add_schools(session, SYSTEM, [SchoolBase(code="1029020009", name_th="โรงเรียนบ้านนาดี")])
    create_user(session, SYSTEM, "officer.malee", "นางมาลี", "officer")
    create_user(session, SYSTEM, "analyst.thanet", "นายธเนศ", "analyst")
    create_user(session, SYSTEM, "school.nadee", "โรงเรียนบ้านนาดี", "school", school_id=ids["1029020009"])
    create_user(session, SYSTEM, "gone", "ผู้ใช้ที่ปิดแล้ว", "officer")
    set_active(session, SYSTEM, "gone", False)


# --- khlang jobs --as ------------------------------------------------------------------------------


def test_jobs_act_as_a_checked_account_and_have_no_role_option(session, run, people):
    from itembank.accounts import actor_for
    from itembank.jobs import record_job

    record_job(session, actor_for(session, "officer.malee"), "job-m", "analyse", {})
    record_job(session, actor_for(session, "analyst.thanet"), "job-t", "analyse", {})
    mine = run("jobs", "list", "--as", "officer.malee")
    assert mine.exit_code == 0 and "job-m" in mine.output and "job-t" not in mine.output
    assert {"job-m", "job-t"} <= set(run("jobs", "list").output.split())  # the system sees every job
    other = run("jobs", "show", "job-t", "--as", "officer.malee")
    assert other.exit_code == 1 and "job-t" not in other.output.split("\n")[0].split()[:1]
    unknown = run("jobs", "list", "--as", "ครูสมชาย")
    assert unknown.exit_code == 1 and "ไม่พบผู้ใช้ ครูสมชาย" in unknown.output
    disabled = run("jobs", "list", "--as", "gone")
    assert disabled.exit_code == 1 and "บัญชี gone ถูกปิดใช้งาน" in disabled.output
    forged = run("jobs", "list", "--as", "officer.malee", "--role", "admin")  # a role is the account's, not a flag
    assert forged.exit_code == 2


# --- khlang forms --as ------------------------------------------------------------------------------


def test_forms_act_as_the_named_account_with_its_roles(session, run, people):
    from forms_bank import make_forms_bank

    from testgen.forms import get_form

    make_forms_bank(session)
    items = ",".join(f"F6-{i:03d}" for i in range(5))
    refused = run("forms", "freeze", "AS-1", "--items", items, "--title", "ทดสอบ", "--as", "analyst.thanet")
    assert refused.exit_code == 1 and "ไม่มีสิทธิ์" in refused.output and "นักวิเคราะห์" in refused.output
    done = run("forms", "freeze", "AS-1", "--items", items, "--title", "ทดสอบ", "--as", "officer.malee")
    assert done.exit_code == 0, done.output
    session.expire_all()
    assert get_form(session, SYSTEM, "AS-1").created_by_name == "officer.malee"
    assert run("forms", "show", "AS-1", "--as", "analyst.thanet").exit_code == 0  # form.read
    school = run("forms", "list", "--as", "school.nadee")
    assert school.exit_code == 1 and "ไม่มีสิทธิ์" in school.output
    assert "ไม่พบผู้ใช้ nobody" in run("forms", "list", "--as", "nobody").output
    assert run("forms", "list").exit_code == 0  # no --as: the system actor (maintenance)


# --- student-level rows written by the command line are audited ------------------------------------


@pytest.fixture
def scored(session, tmp_path):
    from scoring.rosters import import_roster
    from scoring.uploads import import_answers

    w = make_world(session)
    import_roster(session, SYSTEM, SCHOOLS[0], roster_csv(tmp_path, n=3, school=1), 2568)
    cells = ["ก", "ข", "ค", "ง", "ก", "ข", "ก,ค", "2"]
    import_answers(session, SYSTEM, w["admin"], SCHOOLS[0],
                   answers_csv(tmp_path, [(f"1{k:04d}", "A", cells) for k in range(1, 4)]))
    return w


def _reads(session) -> list[AuditLog]:
    """The student.read rows so far (the test's transaction ends: the next command may write)."""
    session.expire_all()
    rows = list(session.scalars(select(AuditLog).where(AuditLog.event == "student.read").order_by(AuditLog.id)))
    session.expunge_all()
    session.rollback()
    return rows


def test_scores_export_and_template_are_audited_reads(session, run, scored, tmp_path):
    r = run("scores", "export", scored["admin"], "--out", str(tmp_path / "scores.csv"))
    assert r.exit_code == 0, r.output
    (row,) = _reads(session)
    assert (row.object_type, row.object_id, row.username) == ("scores_export", scored["admin"], "system")
    assert row.detail["n_students"] == 3
    r = run("scores", "template", scored["admin"], "--school", SCHOOLS[0], "--out", str(tmp_path / "t.csv"))
    assert r.exit_code == 0, r.output
    row = _reads(session)[-1]
    assert row.object_type == "answer_template" and row.detail["school_id"] == scored["schools"][SCHOOLS[0]]


def test_class_sheets_and_slips_are_audited_reads_and_school_reports_are_not(session, run, scored, tmp_path):
    for kind in ("class", "slips"):
        r = run("reports", kind, scored["admin"], "--school", SCHOOLS[0], "--format", "xlsx" if kind == "class"
                else "pdf", "--out", str(tmp_path / f"{kind}.{'xlsx' if kind == 'class' else 'pdf'}"))
        assert r.exit_code == 0, r.output
    assert [r.object_type for r in _reads(session)] == ["report_class", "report_slips"]
    r = run("reports", "school", scored["admin"], "--school", SCHOOLS[0], "--format", "xlsx",
            "--out", str(tmp_path / "school.xlsx"))
    assert r.exit_code == 0 and len(_reads(session)) == 2


def test_a_school_reading_its_own_students_is_not_audited_but_an_officer_is(session):
    from itembank.audit import record_student_read

    school = Actor(user_id=1, username="school.a", role="school", school_id=7)
    assert not record_student_read(session, school, "scores", school_id=7, commit=True)
    assert record_student_read(session, Actor(user_id=2, username="o", role="officer"), "scores", school_id=7,
                               commit=True)

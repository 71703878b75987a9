"""`khlang privacy export|purge`: a student's data as JSON or XLSX, the retention purge, refusals in Thai."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scoring"))  # the scoring tests' small world

from scoring_world import SCHOOLS, SYSTEM, answers_csv, make_world, roster_csv  # noqa: E402

from web.cli import cli  # noqa: E402


@pytest.fixture
def run(session, db_url, tmp_path):
    runner = CliRunner(env={"DATABASE_URL": db_url, "KHLANG_INSTANCE": str(tmp_path / "instance")})

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def world(session, tmp_path):
    from itembank.accounts import create_user
    from scoring.rosters import import_roster
    from scoring.uploads import import_answers

    w = make_world(session)
    import_roster(session, SYSTEM, SCHOOLS[0], roster_csv(tmp_path, n=3, school=1), 2568)
    cells = ["ก", "ข", "ค", "ง", "ก", "ข", "ก,ค", "2"]
    import_answers(session, SYSTEM, w["admin"], SCHOOLS[0],
                   answers_csv(tmp_path, [(f"1{k:04d}", "A", cells) for k in range(1, 4)]))
    create_user(session, SYSTEM, "officer.malee", "นางมาลี", "officer")
    create_user(session, SYSTEM, "school.b", "โรงเรียน ข", "school", school_id=w["schools"][SCHOOLS[1]])
    create_user(session, SYSTEM, "admin.kittisak", "นายกิตติศักดิ์", "admin")
    return w


def test_export_as_json_and_xlsx_for_an_officer(run, world, tmp_path):
    out = tmp_path / "s.json"
    r = run("privacy", "export", "--school", SCHOOLS[0], "--student", "10001", "--out", str(out),
            "--as", "officer.malee")
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["tables"]["student"]["rows"][0]["student_code"] == "10001"
    assert len(data["tables"]["student_score"]["rows"]) == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    xlsx = tmp_path / "s.xlsx"
    assert run("privacy", "export", "--school", SCHOOLS[0], "--student", "10001", "--out", str(xlsx)).exit_code == 0
    from openpyxl import load_workbook

    sheets = load_workbook(xlsx).sheetnames
    assert {"student", "enrolment", "response_set", "student_score"} <= set(sheets)


def test_export_refuses_another_school_as_not_found_in_thai(run, world, tmp_path):
    r = run("privacy", "export", "--school", SCHOOLS[0], "--student", "10001", "--out", str(tmp_path / "x.json"),
            "--as", "school.b")
    assert r.exit_code == 1 and "ไม่พบนักเรียนเลขประจำตัว 10001" in r.output
    assert not (tmp_path / "x.json").exists()
    r = run("privacy", "export", "--school", SCHOOLS[0], "--student", "10001", "--out", str(tmp_path / "x.json"),
            "--as", "nobody")
    assert r.exit_code == 1 and "ไม่พบผู้ใช้ nobody" in r.output


def test_purge_dry_run_then_for_real_by_an_administrator_only(run, world, session):
    from itembank.privacy import student_row_count

    r = run("privacy", "purge", "--older-than", "1", "--as", "officer.malee", "--yes")
    assert r.exit_code == 1 and "ไม่มีสิทธิ์ลบข้อมูลส่วนบุคคล" in r.output
    r = run("privacy", "purge", "--older-than", "0", "--dry-run")
    assert r.exit_code == 2
    r = run("privacy", "purge", "--older-than", "10", "--dry-run", "--as", "admin.kittisak")
    assert r.exit_code == 0 and "ไม่มีข้อมูลรายนักเรียนที่ต้องลบ" in r.output  # 2568 ended on 31 March 2026
    _ended_long_ago(session, 2568)
    r = run("privacy", "purge", "--older-than", "10", "--dry-run", "--as", "admin.kittisak")
    assert r.exit_code == 0 and "ทดลอง" in r.output and "นักเรียน 3 แถว" in r.output
    r = run("privacy", "purge", "--older-than", "10", "--as", "admin.kittisak", input="n\n")
    assert r.exit_code == 1  # not confirmed: aborted
    assert student_row_count(session)["student"] == 3
    session.rollback()
    r = run("privacy", "purge", "--older-than", "10", "--as", "admin.kittisak", "--yes")
    assert r.exit_code == 0 and "ลบแล้ว" in r.output and "ชุดคำตอบ 3 แถว" in r.output
    assert student_row_count(session) == {"student": 0, "enrolment": 0, "response_set": 0, "student_score": 0}


def _ended_long_ago(session, year_be: int) -> None:
    import datetime as dt

    from sqlalchemy import update

    from scoring.models import AcademicYear

    session.execute(update(AcademicYear).where(AcademicYear.year_be == year_be).values(ends_on=dt.date(2012, 3, 31)))
    session.commit()


def test_purge_reads_the_office_retention_period_from_the_configuration(run, world, db_url, tmp_path):
    def purge_with(value: str | None):
        env = {"DATABASE_URL": db_url, "KHLANG_INSTANCE": str(tmp_path / "instance")}
        if value is not None:
            env["KHLANG_PRIVACY_RETENTION_YEARS"] = value
        return CliRunner(env=env).invoke(cli, ["privacy", "purge", "--dry-run"], catch_exceptions=False)

    missing = purge_with(None)
    assert missing.exit_code == 2 and "PRIVACY_RETENTION_YEARS" in missing.output and "--older-than" in missing.output
    bad = purge_with("0")
    assert bad.exit_code == 2 and "จำนวนปีเต็ม" in bad.output
    ok = purge_with("10")
    assert ok.exit_code == 0 and "เก็บรักษา 10 ปี" in ok.output



def test_scan_exits_0_on_a_clean_database_and_1_when_a_file_holds_a_national_id(run, world, tmp_path):
    r = run("privacy", "scan", "--as", "admin.kittisak")
    assert r.exit_code == 0 and "ไม่พบเลขประจำตัวประชาชน" in r.output
    first12 = "110170012345"
    good = first12 + str((11 - sum(int(d) * (13 - k) for k, d in enumerate(first12)) % 11) % 10)
    (tmp_path / "export.csv").write_text(f"เลขประจำตัวประชาชน\n{good}\n", encoding="utf-8")
    r = run("privacy", "scan", str(tmp_path / "export.csv"))
    assert r.exit_code == 1 and "พบเลขประจำตัวประชาชน 1 รายการ" in r.output and good not in r.output
    r = run("privacy", "scan", "--as", "officer.malee")
    assert r.exit_code == 1 and "ไม่มีสิทธิ์ตรวจหาเลขประจำตัวประชาชน" in r.output

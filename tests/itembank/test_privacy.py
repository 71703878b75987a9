"""PDPA (issue 11, part 6): the register of student-level tables is complete, a student's own data is
exported on request (audited, own school only), and the retention purge removes student rows past the
retention period, keeps the aggregates, is all-or-nothing, repeatable and audited."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scoring"))  # the scoring tests' small world

from scoring_world import SCHOOLS, SYSTEM, answers_csv, make_world, roster_csv  # noqa: E402

from itembank import privacy  # noqa: E402
from itembank.audit import AuditLog  # noqa: E402
from itembank.authz import Actor  # noqa: E402
from itembank.errors import KhlangError  # noqa: E402

SCHOOL_A, SCHOOL_B = SCHOOLS
AFTER_RETENTION = dt.date(2027, 4, 2)  # academic year 2568 ended 31 March 2026: past a 1-year retention


def _world(session, tmp_path) -> dict:
    """ADM-1 (2568) with four students of school A who answered, and one of school B."""
    from scoring.rosters import import_roster
    from scoring.uploads import import_answers

    world = make_world(session)
    import_roster(session, SYSTEM, SCHOOL_A, roster_csv(tmp_path, n=4, school=1), 2568)
    import_roster(session, SYSTEM, SCHOOL_B, roster_csv(tmp_path, n=1, school=2, name="b.csv"), 2568)
    cells = ["ก", "ข", "ค", "ง", "ก", "ข", "ก,ค", "2"]
    import_answers(session, SYSTEM, world["admin"], SCHOOL_A,
                   answers_csv(tmp_path, [(f"1{k:04d}", "A", cells) for k in range(1, 5)]))
    import_answers(session, SYSTEM, world["admin"], SCHOOL_B, answers_csv(tmp_path, [("20001", "A", cells)],
                                                                        name="b-answers.csv"))
    return world


def _audit(session, event: str) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.event == event).order_by(AuditLog.id)))


def test_the_register_names_every_table_that_holds_student_rows():
    """Moodle's provider_test, here: a table that refers to a registered table (the student, or a row of
    a student) must be registered too, or the export misses it and the purge leaves it behind."""
    from web.models_registry import import_all_models

    import_all_models()
    registered = {p.name for p in privacy.REGISTRY}
    missing = set()
    changed = True
    while changed:
        changed = False
        for table in SQLModel.metadata.tables.values():
            refers = {fk.column.table.name for fk in table.foreign_keys}
            if table.name not in registered | missing and refers & ({"student"} | registered) - {"school"}:
                missing.add(table.name)
                changed = True
    assert not missing, f"add these tables to itembank.privacy.REGISTRY: {sorted(missing)}"
    for p in privacy.REGISTRY:
        assert p.name in SQLModel.metadata.tables and p.key in SQLModel.metadata.tables[p.name].c
        assert p.via is None or p.via in registered


def test_a_student_export_holds_every_registered_table_and_is_audited(session, tmp_path):
    _world(session, tmp_path)
    officer = Actor(user_id=3, username="officer.malee", role="officer")
    out = privacy.export_student(session, officer, SCHOOL_A, "10002")
    assert out.counts() == {"student": 1, "enrolment": 1, "response_set": 1, "student_score": 1}
    data = json.loads(out.as_json())
    assert data["school"]["code"] == SCHOOL_A and data["student_code"] == "10002"
    assert data["tables"]["student"]["rows"][0]["first_name"] == "ชื่อ2"
    assert data["tables"]["response_set"]["rows"][0]["answers"]  # the answers themselves
    assert 0 <= data["tables"]["student_score"]["rows"][0]["percent"] <= 100
    assert "ADM-1" in " ".join(map(str, data["labels"]["administration"].values()))
    assert {t.title for t in out.as_tables()} >= {"student", "enrolment", "response_set", "student_score"}
    (row,) = _audit(session, "privacy.export")
    assert row.username == "officer.malee" and row.object_id == f"{SCHOOL_A}/10002"
    assert row.detail["rows"]["response_set"] == 1


def test_a_school_exports_its_own_students_only_and_others_get_not_found(session, tmp_path):
    world = _world(session, tmp_path)
    school_a = Actor(user_id=4, username="school.a", role="school", school_id=world["schools"][SCHOOL_A])
    assert privacy.export_student(session, school_a, SCHOOL_A, "10001").counts()["student"] == 1
    with pytest.raises(KhlangError) as other:
        privacy.export_student(session, school_a, SCHOOL_B, "20001")
    with pytest.raises(KhlangError) as missing:
        privacy.export_student(session, school_a, SCHOOL_A, "99999")
    assert other.value.kind == missing.value.kind == "not_found"
    assert other.value.text("th") == f"ไม่พบนักเรียนเลขประจำตัว 20001 ของโรงเรียนรหัส {SCHOOL_B}"
    with pytest.raises(KhlangError) as role:
        privacy.export_student(session, Actor(user_id=5, username="sup", role="supervisor"), SCHOOL_A, "10001")
    assert role.value.kind == "forbidden" and "ไม่มีสิทธิ์" in role.value.text("th")
    assert len(_audit(session, "privacy.export")) == 1


def test_the_purge_refuses_anyone_but_an_administrator_and_a_bad_period(session):
    for role in ("officer", "qa", "secretary", "analyst"):
        with pytest.raises(KhlangError) as e:
            privacy.purge(session, Actor(user_id=6, username=f"{role}.x", role=role), 5)
        assert e.value.kind == "forbidden" and "ลบข้อมูลส่วนบุคคล" in e.value.text("th")
    for bad in (0, -1, 2.5):
        with pytest.raises(KhlangError) as e:
            privacy.purge(session, SYSTEM, bad)
        assert "จำนวนปีเต็ม" in e.value.text("th")


def test_a_dry_run_counts_changes_nothing_and_is_audited(session, tmp_path):
    _world(session, tmp_path)
    before = privacy.student_row_count(session)
    result = privacy.purge(session, SYSTEM, 1, today=AFTER_RETENTION, dry_run=True)
    assert result.dry_run and result.counts == {"student": 5, "enrolment": 5, "response_set": 5, "student_score": 5}
    assert result.years_be == (2568,) and "ทดลอง" in result.message("th")
    assert privacy.student_row_count(session) == before
    assert _audit(session, "privacy.purge_dry_run")[0].detail["rows"]["student"] == 5


def test_the_purge_removes_rows_past_retention_keeps_aggregates_and_is_idempotent(session, tmp_path):
    from scoring.models import ResultSummary
    from scoring.warehouse import district_results

    world = _world(session, tmp_path)
    district_before = district_results(session, SYSTEM, world["admin"]).district
    summaries = session.scalar(select(ResultSummary.id).limit(1))
    assert summaries is not None

    kept = privacy.purge(session, SYSTEM, 1, today=dt.date(2026, 12, 7))  # 2568 ended 8 months ago: kept
    assert kept.total == 0 and privacy.student_row_count(session)["student"] == 5

    admin = Actor(user_id=1, username="admin.kittisak", role="admin")
    gone = privacy.purge(session, admin, 1, today=AFTER_RETENTION)
    assert gone.counts == {"student": 5, "enrolment": 5, "response_set": 5, "student_score": 5}
    assert privacy.student_row_count(session) == {"student": 0, "enrolment": 0, "response_set": 0,
                                                  "student_score": 0}
    district_after = district_results(session, SYSTEM, world["admin"]).district
    assert (district_after.n, district_after.mean_percent) == (district_before.n, district_before.mean_percent)
    first, row = _audit(session, "privacy.purge")  # every run is audited, the one that removed nothing too
    assert first.detail["rows"]["student"] == 0
    assert row.username == "admin.kittisak" and row.detail["rows"]["response_set"] == 5
    again = privacy.purge(session, admin, 1, today=AFTER_RETENTION)
    assert again.total == 0


def test_a_student_with_a_newer_year_keeps_that_year_and_their_record(session, tmp_path):
    from scoring.rosters import import_roster

    _world(session, tmp_path)
    import_roster(session, SYSTEM, SCHOOL_A, roster_csv(tmp_path, n=1, school=1, name="next.csv"), 2569)
    gone = privacy.purge(session, SYSTEM, 1, today=AFTER_RETENTION)
    assert gone.counts["student"] == 4 and gone.counts["enrolment"] == 5
    assert privacy.student_row_count(session)["enrolment"] == 1
    out = privacy.export_student(session, SYSTEM, SCHOOL_A, "10001")
    assert out.counts() == {"student": 1, "enrolment": 1, "response_set": 0, "student_score": 0}


def test_the_purge_is_all_or_nothing(session, tmp_path, monkeypatch):
    """A failure half-way (here: the audit row cannot be written) leaves every row in place."""
    import itembank.audit

    _world(session, tmp_path)
    before = privacy.student_row_count(session)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(itembank.audit, "record", broken)
    with pytest.raises(RuntimeError):
        privacy.purge(session, SYSTEM, 1, today=AFTER_RETENTION)
    session.rollback()
    assert privacy.student_row_count(session) == before


def _valid_id(first12: str) -> str:
    total = sum(int(d) * (13 - k) for k, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


def test_a_national_id_is_recognised_by_its_check_digit_and_its_boundaries():
    good = _valid_id("110170012345")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert privacy.is_national_id(good) and not privacy.is_national_id(bad)
    dashed = f"{good[0]}-{good[1:5]}-{good[5:10]}-{good[10:12]}-{good[12]}"
    assert privacy.national_ids_in(f"เลขประจำตัวประชาชน{good} และ {dashed}") == [good, good]
    for hidden in (f"{good}7", f"9{good}", f"a{good}", f"{good}f", bad):  # a longer number, a hash, a wrong digit
        assert privacy.national_ids_in(hidden) == []
    assert privacy.masked(good) == f"1-1017-xxxxx-xx-{good[12]}"


def test_the_scan_finds_a_national_id_in_the_database_and_in_files(session, tmp_path):
    from openpyxl import Workbook

    from itembank.schools import SchoolBase, add_schools
    from scoring.models import Student

    good = _valid_id("350990012345")
    ids = add_schools(session, SYSTEM, [SchoolBase(code="1029020001", name_th="โรงเรียนบ้านนาดี")])
    session.add_all([Student(school_id=ids["1029020001"], student_code="01001", first_name="สมชาย"),
                     Student(school_id=ids["1029020001"], student_code="01002", last_name=f"ใจดี {good}")])
    session.commit()
    (hit,) = privacy.scan_database(session, SYSTEM)
    assert hit.where.startswith("student.last_name#") and good not in hit.masked_id
    assert _audit(session, "privacy.scan")[0].detail["found"] == 1
    with pytest.raises(KhlangError) as e:
        privacy.scan_database(session, Actor(user_id=2, username="officer.malee", role="officer"))
    assert e.value.kind == "forbidden"
    (tmp_path / "clean.csv").write_text("เลขประจำตัว,ชื่อ\n01001,สมชาย\n", encoding="utf-8")
    (tmp_path / "log.txt").write_text(f"upload by 1.2.3.4 id={good}\n", encoding="utf-8")
    wb = Workbook()
    wb.active.append(["เลขประจำตัวประชาชน", good])
    wb.save(tmp_path / "out.xlsx")
    found = privacy.scan_files([tmp_path])
    assert sorted(Path(f.where).name for f in found) == ["log.txt", "out.xlsx"]

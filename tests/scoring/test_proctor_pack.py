"""A school's proctor's kit, checked on the printed PDF: every student of the roll on the attendance
sheet with the variant of the seat, the counts on the envelope cover, one digit policy, and the embargo
and the school boundary of the services."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from factories import make_actor
from scoring_world import SCHOOLS, SYSTEM, make_world, roster_csv

from exports.render import render
from itembank.errors import KhlangError
from scoring.proctor import proctor_pack
from scoring.rosters import import_roster

S1, S2 = SCHOOLS


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "kit.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.replace("\u200b", "")


def test_the_printed_kit_lists_every_student_with_the_variant_of_the_seat(session, tmp_path):
    world = make_world(session)
    import_roster(session, SYSTEM, S1, roster_csv(tmp_path, n=6), 2568)
    school = make_actor("school", school_id=world["schools"][S1])
    pack = proctor_pack(session, school, world["admin"], S1, exam_date=dt.date(2026, 2, 20))
    assert [r.room for r in pack.rooms] == ["1", "2"]
    room1 = pack.rooms[0].candidates
    assert [c.variant for c in room1] == ["A", "B", "A"]           # neighbours hold different variants
    assert all(c.name for c in room1)                                # the school's own account sees names
    text = _text(render(pack, "pdf"), tmp_path)
    for code in ("10001", "10002", "10003", "10004", "10005", "10006"):
        assert code in text                                          # student codes as written (Arabic)
    assert "บัญชีลงชื่อผู้เข้าสอบ" in text and "ใบปะหน้าซองกระดาษคำตอบ" in text
    assert "คำชี้แจงสำหรับกรรมการคุมสอบ" in text
    assert "๒๐ กุมภาพันธ์ พ.ศ. ๒๕๖๙" in text                             # the exam's date, in พ.ศ., Thai digits
    assert "ห้องสอบ ป.๖/๑" in text and "ห้องสอบ ป.๖/๒" in text
    assert "ปีการศึกษา ๒๕๖๘" in text
    title_lines = [ln for ln in text.splitlines() if "สอบปลายปี" in ln]
    assert title_lines and not any(re.search(r"ป\.6", ln) for ln in title_lines)  # no Arabic digit in a title
    assert "ชุด A ที่ได้รับ" in text                                   # envelope: booklets per variant
    fonts = subprocess.run(["pdffonts", str(tmp_path / "kit.pdf")], capture_output=True, text=True).stdout
    assert "Sarabun" in fonts


def test_arabic_digits_are_one_policy_for_the_whole_kit(session, tmp_path):
    world = make_world(session)
    import_roster(session, SYSTEM, S1, roster_csv(tmp_path, n=2), 2568)
    pack = proctor_pack(session, SYSTEM, world["admin"], S1)
    text = _text(render(pack, "pdf", thai_digits=False), tmp_path)
    assert not re.search("[๐-๙]", text)
    assert "วันที่ ........ เดือน" in text                             # no exam date: a line to fill, not today


def test_an_officer_sees_codes_without_names_and_a_school_without_a_roll_gets_blank_lines(session, tmp_path):
    world = make_world(session)
    import_roster(session, SYSTEM, S1, roster_csv(tmp_path, n=4), 2568)
    officer = make_actor("officer")
    pack = proctor_pack(session, officer, world["admin"], S1)
    assert all(c.student_code and not c.name for r in pack.rooms for c in r.candidates)
    empty = proctor_pack(session, officer, world["admin"], S2)
    assert len(empty.rooms) == 1 and empty.rooms[0].blank_lines == 30 and not empty.rooms[0].candidates


def test_before_release_and_for_another_school_the_kit_does_not_exist(session, tmp_path):
    world = make_world(session, release=False)
    school = make_actor("school", school_id=world["schools"][S1])
    with pytest.raises(KhlangError) as before:
        proctor_pack(session, school, world["admin"], S1)
    assert before.value.kind == "not_found"
    from scoring.administrations import create_administration

    now = dt.datetime.now(dt.UTC)
    create_administration(session, SYSTEM, "ADM-2", "สอบซ้ำ", "F-1", year_be=2568, term=2, grade="ป.6",
                          release_at=now - dt.timedelta(hours=1))
    assert proctor_pack(session, school, "ADM-2", S1).school_code == S1
    with pytest.raises(KhlangError) as other:
        proctor_pack(session, school, "ADM-2", S2)
    assert other.value.kind == "not_found" or other.value.code == "authz.other_school"  # the web shows both as 404


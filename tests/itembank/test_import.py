"""Item import into the bank (SQLite and PostgreSQL): every bad input named by row and column in Thai,
nothing written on refusal, all rows in one transaction, idempotent, changed content → new version."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from factories import make_actor
from sqlmodel import func, select

from itembank.authz import Actor
from itembank.errors import ItemBankError
from itembank.importing import import_items
from itembank.models import Item, ItemVersion, ItemVersionIndicator
from itembank.service import get_version

HEADER = "code,type,stem,option_1,option_2,option_3,option_4,key,score_points,indicators,traits,grade,rubric\n"


def _row(code: str = "M6-1", *, type_: str = "เลือกตอบ", stem: str = "๗ × ๘ มีค่าเท่าใด", options=("54", "56", "58", "64"),
         key: str = "ข", points: str = "1", indicators: str = "ค 1.1 ป.6/2", traits: str = "", grade: str = "ป.6",
         rubric: str = "") -> str:
    cells = [code, type_, stem, *options, key, points, indicators, traits, grade, rubric]
    return ",".join(f'"{c}"' if ("," in c or "\n" in c or '"' in c) else c for c in cells) + "\n"


def _csv(tmp_path: Path, *rows: str, name: str = "items.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _counts(session) -> tuple[int, int, int]:
    return tuple(session.exec(select(func.count()).select_from(m)).one() for m in (Item, ItemVersion, ItemVersionIndicator))


def _refused(session, path: Path, **kwargs) -> list[str]:
    before = _counts(session)
    with pytest.raises(ItemBankError) as info:
        import_items(session, Actor.system(), path, **kwargs)
    session.rollback()
    assert _counts(session) == before, "a refused import must not change the database"
    assert info.value.code == "import.invalid" and info.value.kind == "invalid"
    return [p.text("th") for p in info.value.problems]


def _good_rows(n: int, prefix: str = "M6-") -> list[str]:
    return [_row(f"{prefix}{i}") for i in range(1, n + 1)]


def test_good_file_imports_every_row_in_one_go(session, tmp_path):
    report = import_items(session, Actor.system(), _csv(tmp_path, *_good_rows(5)))
    assert (report.upsert.n_created, report.n_rows, report.encoding) == (5, 5, "utf-8")
    assert _counts(session) == (5, 5, 5)
    v = get_version(session, "M6-3")
    assert v.stem == "๗ × ๘ มีค่าเท่าใด" and v.key == ["ข"] and v.status == "draft"


def test_same_file_again_creates_nothing_and_changed_content_makes_a_new_version(session, tmp_path):
    import_items(session, Actor.system(), _csv(tmp_path, *_good_rows(3)))
    again = import_items(session, Actor.system(), _csv(tmp_path, *_good_rows(3), name="again.csv"))
    assert (again.upsert.n_created, again.upsert.n_new_version, again.upsert.n_unchanged) == (0, 0, 3)
    assert _counts(session) == (3, 3, 3)
    changed = _csv(tmp_path, _row("M6-1"), _row("M6-2", key="ค"), _row("M6-3"), name="changed.csv")
    report = import_items(session, Actor.system(), changed)
    assert (report.upsert.n_new_version, report.upsert.n_unchanged) == (1, 2)
    assert [v.number for v in session.exec(select(ItemVersion).join(Item).where(Item.code == "M6-2"))] == [1, 2]
    assert get_version(session, "M6-2").key == ["ค"]


def test_dry_run_checks_everything_and_writes_nothing(session, tmp_path):
    report = import_items(session, Actor.system(), _csv(tmp_path, *_good_rows(4)), dry_run=True)
    assert report.dry_run and report.upsert.n_created == 4
    assert _counts(session) == (0, 0, 0)


def test_unknown_and_malformed_indicator_codes_name_row_and_column(session, tmp_path):
    path = _csv(tmp_path, _row("M6-1"), _row("M6-2", indicators="ค 9.9 ป.6/1"), _row("M6-3", indicators="ค1.1ป6"),
                _row("M6-4", indicators="X 1.1 ป.6/1"))
    texts = _refused(session, path)
    assert texts[0] == "items.csv แถว 3 คอลัมน์ indicators: ไม่พบตัวชี้วัด ค 9.9 ป.6/1 ในหลักสูตรฉบับ 2551-rev2560"
    assert texts[1].startswith("items.csv แถว 4 คอลัมน์ indicators: ")
    assert texts[2].startswith("items.csv แถว 5 คอลัมน์ indicators: ")
    assert len(texts) == 3


def test_unknown_and_malformed_trait_codes_name_row_and_column(session, tmp_path):
    path = _csv(tmp_path, _row("M6-1", traits="1.2"), _row("M6-2", traits="9.1"), _row("M6-3", traits="abc"))
    texts = _refused(session, path)
    assert [t.split(":")[0] for t in texts] == ["items.csv แถว 3 คอลัมน์ traits", "items.csv แถว 4 คอลัมน์ traits"]
    assert "คุณลักษณะ" in texts[0] and "1–8" in texts[0]


def test_key_not_among_the_options(session, tmp_path):
    texts = _refused(session, _csv(tmp_path, _row("M6-1"), _row("M6-2", key="จ")))
    assert texts == ["items.csv แถว 3 คอลัมน์ key: เฉลย จ ไม่อยู่ในตัวเลือก (ก ข ค ง)"]


def test_duplicate_item_codes_inside_one_file(session, tmp_path):
    texts = _refused(session, _csv(tmp_path, _row("M6-1"), _row("M6-2"), _row("M6-1", key="ก")))
    assert texts == ["items.csv แถว 4 คอลัมน์ code: รหัสข้อสอบ M6-1 ซ้ำกับแถว 2 ในไฟล์นี้"]


def test_empty_stem(session, tmp_path):
    texts = _refused(session, _csv(tmp_path, _row("M6-1", stem="  "), _row("M6-2")))
    assert texts == ["items.csv แถว 2 คอลัมน์ stem: โจทย์ว่าง: ทุกข้อต้องมีโจทย์"]


def test_rubric_whose_points_do_not_add_up(session, tmp_path):
    rubric_bad = "3: ถูกต้องครบถ้วน\n1: ถูกบางส่วน\n0: ไม่ตอบ"
    rubric_ok = "2: ถูกต้องครบถ้วน\n1: ถูกบางส่วน\n0: ไม่ตอบ"
    path = _csv(tmp_path,
                _row("M6-1", type_="เขียนตอบ", options=("", "", "", ""), key="", points="2", rubric=rubric_ok),
                _row("M6-2", type_="เขียนตอบ", options=("", "", "", ""), key="", points="2", rubric=rubric_bad),
                _row("M6-3", type_="เขียนตอบ", options=("", "", "", ""), key="", points="2", rubric=""))
    texts = _refused(session, path)
    assert texts == [
        "items.csv แถว 3 คอลัมน์ rubric: คะแนนสูงสุดของเกณฑ์ (3) ไม่เท่ากับคะแนนเต็มของข้อ (2)",
        "items.csv แถว 4 คอลัมน์ rubric: ข้อเขียนตอบต้องมีเกณฑ์การให้คะแนน",
    ]


def test_bad_types_grades_and_levels(session, tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("code,type,stem,option_1,option_2,key,indicators,grade,cognitive_level,score_points\n"
                    "M6-1,เลือกตอบ,ก,1,2,ก,ค 1.1 ป.6/2,ป.6,จำ,1\n"
                    "M6-2,ปรนัยแบบแปลก,ก,1,2,ก,ค 1.1 ป.6/2,ป.6,จำ,1\n"
                    "M6-3,เลือกตอบ,ก,1,2,ก,ค 1.1 ป.6/2,ป.9,จำ,1\n"
                    "M6-4,เลือกตอบ,ก,1,2,ก,ค 1.1 ป.6/2,ป.6,ท่องจำ,1\n"
                    "M6-5,เลือกตอบ,ก,1,2,ก,ค 1.1 ป.6/2,ป.6,จำ,หนึ่ง\n", encoding="utf-8")
    texts = _refused(session, path)
    assert [t.split(":")[0] for t in texts] == [
        "items.csv แถว 3 คอลัมน์ type", "items.csv แถว 4 คอลัมน์ grade",
        "items.csv แถว 5 คอลัมน์ cognitive_level", "items.csv แถว 6 คอลัมน์ score_points"]


def test_every_problem_of_every_row_is_reported_at_once(session, tmp_path):
    path = _csv(tmp_path, _row("M6-1", key="จ", indicators="ค 9.9 ป.6/1"), _row("M6-2", stem=""), _row("M6-1"))
    texts = _refused(session, path)
    assert [t.split(":")[0] for t in texts] == [
        "items.csv แถว 2 คอลัมน์ key", "items.csv แถว 2 คอลัมน์ indicators",
        "items.csv แถว 3 คอลัมน์ stem", "items.csv แถว 4 คอลัมน์ code"]


def test_unknown_enemy_found_by_the_service_is_mapped_back_to_its_row(session, tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("code,type,stem,option_1,option_2,key,indicators,enemies\n"
                    "M6-1,เลือกตอบ,ก,1,2,ก,ค 1.1 ป.6/2,\n"
                    "M6-2,เลือกตอบ,ข,1,2,ก,ค 1.1 ป.6/2,NOPE-9\n", encoding="utf-8")
    texts = _refused(session, path)
    assert texts == ["items.csv แถว 3 คอลัมน์ enemies: ข้อสอบ M6-2: ไม่พบข้อสอบคู่ห้ามอยู่ฉบับเดียวกัน NOPE-9"]


def test_script_and_onerror_in_stems_are_stored_sanitised_and_reported(session, tmp_path):
    path = _csv(tmp_path, _row("M6-1", stem='<script>alert(1)</script>ข้อใดถูก <img src=x onerror="alert(2)">'),
                _row("M6-2", stem="5 < 7 จริงหรือไม่"))
    report = import_items(session, Actor.system(), path)
    assert [n.text("th").split(":")[0] for n in report.notices] == ["items.csv แถว 2 คอลัมน์ stem"]
    assert "ตัดออกแล้ว" in report.notices[0].text("th")
    stored = get_version(session, "M6-1").stem
    assert "script" not in stored and "onerror" not in stored and "alert" not in stored
    assert stored.startswith("ข้อใดถูก")
    assert get_version(session, "M6-2").stem == "5 &lt; 7 จริงหรือไม่"


def test_cp874_file_imports_thai_text_intact(session, tmp_path):
    path = tmp_path / "thai_excel.csv"
    path.write_bytes((HEADER + _row("T6-1", stem="คำว่า “น้ำใจ” หมายถึงข้อใด", options=("ความเอื้อเฟื้อ", "ความโกรธ",
                                                                                           "ความเร็ว", "ความสูง"),
                                    key="ก", indicators="ท 1.1 ป.6/1")).encode("cp874"))
    report = import_items(session, Actor.system(), path)
    assert report.encoding == "cp874" and report.upsert.n_created == 1
    assert get_version(session, "T6-1").stem == "คำว่า “น้ำใจ” หมายถึงข้อใด"


def test_cp874_file_with_problems_is_refused_with_thai_row_messages(session, tmp_path):
    path = tmp_path / "thai_excel.csv"
    path.write_bytes((HEADER + _row("T6-1", stem="๗ คูณ ๘ มีค่าเท่าใด", key="ฉ", indicators="ท 1.1 ป.6/1")).encode("cp874"))
    assert _refused(session, path) == ["thai_excel.csv แถว 2 คอลัมน์ key: เฉลย ฉ ไม่อยู่ในตัวเลือก (ก ข ค ง)"]


def test_formula_cells_change_nothing(session, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["รหัสข้อสอบ", "ชนิดข้อสอบ", "โจทย์", "ตัวเลือก ก", "ตัวเลือก ข", "เฉลย", "ตัวชี้วัด"])
    ws.append(["M6-1", "เลือกตอบ", "ข้อหนึ่ง", "1", "2", "ก", "ค 1.1 ป.6/2"])
    ws.append(["M6-2", "เลือกตอบ", "ข้อสอง", "=1+1", "2", "ก", "ค 1.1 ป.6/2"])
    wb.save(tmp_path / "f.xlsx")
    texts = _refused(session, tmp_path / "f.xlsx")
    assert len(texts) == 1 and texts[0].startswith("f.xlsx แถว 3 คอลัมน์ ตัวเลือก ก: มีสูตรคำนวณ =1+1")


def test_zero_rows_change_nothing(session, tmp_path):
    assert _refused(session, _csv(tmp_path)) == [
        "items.csv: ไฟล์ไม่มีข้อสอบ (มีแต่หัวตารางหรือว่างเปล่า): ใส่ข้อสอบตั้งแต่แถวที่ 2"]


def test_file_level_refusals_change_nothing(session, tmp_path):
    path = tmp_path / "zip.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    before = _counts(session)
    with pytest.raises(ItemBankError) as info:
        import_items(session, Actor.system(), path)
    assert info.value.code == "import.csv_is_zip" and _counts(session) == before


def test_every_item_type_imports(session, tmp_path):
    path = tmp_path / "types.csv"
    path.write_text(
        "code,type,stem,option_1,option_2,option_3,matching_premises,key,accepted_answers,score_points,rubric,"
        "indicators,fixed_options,estimated_minutes\n"
        "A1,multiple_choice,หลายคำตอบ,ก,ข,ทั้งสองข้อ,,\"ก, ค\",,1,,ค 1.1 ป.6/2,ค,1\n"
        "A2,true_false,2 + 2 = 4,,,,,จริง,,1,,ค 1.1 ป.6/2,,\n"
        "A3,short_answer,เมืองหลวงของไทย,,,,,กรุงเทพมหานคร,กรุงเทพมหานคร | กรุงเทพฯ,1,,ค 1.1 ป.6/2,,\n"
        "A4,numeric,12 × 12,,,,,144,144 | ๑๔๔,1,,ค 1.1 ป.6/2,,\n"
        "A5,matching,จับคู่เสียงสัตว์,แมว,หมา,,\"เห่า\nเหมียว\",\"1-ข, 2-ก\",,2,,ค 1.1 ป.6/2,,\n"
        "A6,constructed_response,อธิบาย,,,,,,,2,\"ดีมาก | 2: ครบถ้วน\n1: บางส่วน\",ค 1.1 ป.6/2,,\n",
        encoding="utf-8")
    report = import_items(session, make_actor("officer", "ครูสมศรี"), path)
    assert report.upsert.n_created == 6
    mc = get_version(session, "A1")
    assert mc.key == ["ก", "ค"] and mc.options[2] == {"label": "ค", "text": "ทั้งสองข้อ", "fixed": True}
    assert mc.estimated_time_s == 60 and mc.author_name == "ครูสมศรี"
    assert get_version(session, "A2").key == ["true"]
    assert get_version(session, "A3").accepted_answers == ["กรุงเทพมหานคร", "กรุงเทพฯ"]
    matching = get_version(session, "A5")
    assert [o["label"] for o in matching.options] == ["1", "2", "ก", "ข"] and matching.key == ["1-ข", "2-ก"]
    assert get_version(session, "A6").rubric[0] == {"points": 2.0, "description": "ครบถ้วน", "label": "ดีมาก"}


def test_sample_file_saved_by_thai_excel_imports(session):
    path = Path(__file__).parent / "files" / "thai_excel_cp874.csv"
    report = import_items(session, Actor.system(), path)
    assert (report.encoding, report.upsert.n_created) == ("cp874", 5)
    item = get_version(session, "P6-MA-001")
    assert item.stem == "๑๒๕ + ๓๗๘ มีค่าเท่าใด" and item.key == ["ข"] and item.options[1]["text"] == "๕๐๓"
    assert get_version(session, "P6-TH-003").key == ["true"]
    assert get_version(session, "P6-MA-002").accepted_answers == ["12"]


def test_matching_premises_may_be_numbered_in_the_stem(session, tmp_path):
    path = tmp_path / "match.csv"
    path.write_text("code,type,stem,option_1,option_2,option_3,key,indicators\n"
                    "MA-1,จับคู่,\"จับคู่หน่วยกับสิ่งที่วัด 1) ความยาว 2) ปริมาตร\",เมตร,ลิตร,วินาที,\"1-ก, 2-ข\",ค 1.1 ป.6/2\n"
                    "MA-2,จับคู่,จับคู่,เมตร,ลิตร,,\"1-ค, 0-ก\",ค 1.1 ป.6/2\n", encoding="utf-8")
    texts = _refused(session, path)
    assert texts == ["match.csv แถว 3 คอลัมน์ key: เฉลย 1-ค: ค ไม่อยู่ในตัวเลือก (ก ข)",
                     "match.csv แถว 3 คอลัมน์ key: เฉลย 0-ก: ไม่มีข้อคำถามที่ 0"]
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n" +
                    path.read_text(encoding="utf-8").splitlines()[1] + "\n", encoding="utf-8")
    import_items(session, Actor.system(), path)
    version = get_version(session, "MA-1")
    assert [o["label"] for o in version.options] == ["ก", "ข", "ค"] and version.key == ["1-ก", "2-ข"]


def test_invisible_control_characters_are_removed_and_reported(session, tmp_path):
    report = import_items(session, Actor.system(), _csv(tmp_path, _row("M6-1", stem="๗ × ๘\x0bมีค่าเท่าใด\x01")))
    assert [n.text("th") for n in report.notices] == [
        "items.csv แถว 2 คอลัมน์ stem: มีอักขระควบคุมที่มองไม่เห็น (เช่น จากการคัดลอกจากโปรแกรมอื่น) ตัดออกแล้ว"]
    assert get_version(session, "M6-1").stem == "๗ × ๘มีค่าเท่าใด"


def test_clones_of_bank_items_and_of_earlier_rows_get_a_notice_naming_the_item(session, tmp_path):
    import_items(session, Actor.system(), _csv(tmp_path, _row("M6-1", stem="๗ × ๘ มีค่าเท่าใด"),
                                               _row("M6-2", stem="รูปสี่เหลี่ยมจัตุรัสมีด้านยาวด้านละ 5 เซนติเมตร "
                                                              "มีพื้นที่กี่ตารางเซนติเมตร",
                                                    options=("20", "25", "10", "30"))))
    path = _csv(tmp_path, _row("N-1", stem="7 × 8 มีค่าเท่าใด"),                        # M6-1 again, Arabic digits
                _row("N-2", stem="รูปสี่เหลี่ยมจัตุรัสมีด้านยาวด้านละ 9 เซนติเมตร มีพื้นที่กี่ตารางเซนติเมตร",
                     options=("36", "81", "18", "72")),                                  # M6-2 with other numbers
                _row("N-3", stem="นักเรียน 40 คน เป็นชาย 18 คน เป็นหญิงกี่คน", options=("22", "58", "12", "20"),
                     key="ก"),
                _row("N-4", stem="นักเรียน 40 คน เป็นชาย 18 คน เป็นหญิงกี่คน", options=("22", "58", "12", "20"),
                     key="ก"), name="new.csv")                                           # N-3 twice in the file
    report = import_items(session, Actor.system(), path, dry_run=True)
    texts = [n.text("th") for n in report.notices]
    assert [(n.where.row, n.params["resembles"], n.params["duplicate_kind"]) for n in report.notices] == [
        (2, "M6-1", "exact"), (3, "M6-2", "numbers"), (5, "N-3", "exact")]
    assert texts[0].startswith("new.csv แถว 2 คอลัมน์ stem: ข้อสอบ N-1 ซ้ำทุกตัวอักษรกับข้อสอบ M6-1 ฉบับที่ 1 ในคลัง")
    assert "ต่างกันเฉพาะตัวเลข" in texts[1] and "แถว 4 ในไฟล์นี้" in texts[2]
    assert session.exec(select(func.count()).select_from(Item)).one() == 2          # a dry run writes nothing
    again = import_items(session, Actor.system(), _csv(tmp_path, _row("M6-1", stem="๗ × ๘ มีค่าเท่าใด"), name="a.csv"))
    assert again.notices == []                                                       # unchanged rows are no news

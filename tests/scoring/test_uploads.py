"""Rosters and answer uploads: keyed through the variants, scored, warehoused; bad files refused in Thai."""

from __future__ import annotations

import numpy as np
import pytest
from scoring_world import SCHOOLS, SYSTEM, answers_csv, make_world, roster_csv

from exports.data import THAI_OPTION_LETTERS
from scoring.errors import ScoringError
from scoring.responses import load_scored_matrix
from scoring.rosters import import_roster, roster
from scoring.uploads import answer_template, import_answers
from scoring.warehouse import district_results, school_results
from testgen.booklets import build_answer_key
from testgen.forms import form_variants, get_form

S1 = SCHOOLS[0]


@pytest.fixture
def world(session, tmp_path):
    w = make_world(session)
    import_roster(session, SYSTEM, S1, roster_csv(tmp_path), 2568)
    return w


def key_cells(session, variant: str) -> list[str]:
    """The printed key of a variant as answer cells (every correct option of a multiple-answer item)."""
    key = build_answer_key(session, SYSTEM, "F-1", variant)
    cells = []
    for e in key.entries:
        ik = getattr(e, "item_key", None)
        if ik is not None and getattr(ik, "kind", "") == "rubric":
            cells.append(str(int(ik.points)))
        elif ik is not None and getattr(ik, "options", ()):
            cells.append("".join(THAI_OPTION_LETTERS[o] for o in ik.options))
        elif e.key:
            cells.append(THAI_OPTION_LETTERS[e.key - 1])
        else:
            cells.append("2")
    stored = next(v for v in form_variants(session, get_form(session, SYSTEM, "F-1")) if v.label == variant)
    for p, k in enumerate(stored.key):  # the stored variant key carries every correct option
        if len(k) > 1:
            cells[p] = "".join(THAI_OPTION_LETTERS[o] for o in k)
    return cells


def test_roster_import_is_idempotent_and_names_stay_with_the_school(session, world, tmp_path):
    again = import_roster(session, SYSTEM, S1, roster_csv(tmp_path), 2568)
    assert (again.n_students, again.n_new, again.n_changed) == (6, 0, 0)
    rows = roster(session, SYSTEM, S1, 2568)
    assert len(rows) == 6 and {r.sex for r in rows} == {"M", "F"}
    from factories import make_actor
    officer = roster(session, make_actor("officer"), S1, 2568)
    assert all(r.name is None for r in officer)
    own = roster(session, make_actor("school", school_id=world["schools"][S1]), S1, 2568)
    assert own[0].name and own[0].name.startswith("ด.")


def test_a_national_id_column_is_refused_for_pdpa(session, world, tmp_path):
    p = tmp_path / "nid.csv"
    p.write_text("ชั้น,เลขประจำตัว,เลขประจำตัวประชาชน\nป.6,1,1103700012345\n", encoding="utf-8")
    with pytest.raises(ScoringError, match="PDPA"):
        import_roster(session, SYSTEM, S1, p, 2568)
    p.write_text("ชั้น,เลขประจำตัว\nป.6,1103700012345\nป.6,1103700012346\n", encoding="utf-8")
    with pytest.raises(ScoringError, match="13 หลัก"):
        import_roster(session, SYSTEM, S1, p, 2568)


def test_the_printed_key_of_every_variant_earns_full_marks(session, world, tmp_path):
    rows = [("10001", "A", key_cells(session, "A")), ("10002", "B", key_cells(session, "B")),
            ("10003", "A", [""] * 8)]
    res = import_answers(session, SYSTEM, "ADM-1", S1, answers_csv(tmp_path, rows))
    assert res.status == "written" and res.n_students == 3
    m = load_scored_matrix(session, SYSTEM, "ADM-1")
    assert list(m.raw) == [9.0, 9.0, 0.0]
    assert m.codes[0, 6] == 0b101 and m.codes[2, 0] == -1
    s = school_results(session, SYSTEM, "ADM-1", world["schools"][S1])
    assert s.school.n == 3 and s.district.n == 3 and s.school.max == 9.0
    assert s.school.grade_counts == {"4": 2, "0": 1} and len(s.classes) == 2
    assert district_results(session, SYSTEM, "ADM-1").schools[0].school_code == S1


def test_multiple_answer_items_need_every_correct_option(session, world, tmp_path):
    a = key_cells(session, "A")
    multi = next(i for i, c in enumerate(a) if len(c) == 2)
    one = list(a)
    one[multi] = a[multi][0]
    comma = list(a)
    comma[multi] = ",".join(a[multi])
    import_answers(session, SYSTEM, "ADM-1", S1, answers_csv(tmp_path, [("10001", "A", one), ("10002", "A", comma)]))
    assert list(load_scored_matrix(session, SYSTEM, "ADM-1").raw) == [8.0, 9.0]


def test_the_same_file_twice_changes_nothing_and_a_corrected_file_replaces(session, world, tmp_path):
    path = answers_csv(tmp_path, [("10001", "A", key_cells(session, "A"))])
    first = import_answers(session, SYSTEM, "ADM-1", S1, path)
    again = import_answers(session, SYSTEM, "ADM-1", S1, path)
    assert again.status == "unchanged" and again.upload_id == first.upload_id
    fixed = answers_csv(tmp_path, [("10001", "A", [""] * 8), ("10002", "A", [""] * 8)], name="fixed.csv")
    assert import_answers(session, SYSTEM, "ADM-1", S1, fixed).status == "replaced"
    m = load_scored_matrix(session, SYSTEM, "ADM-1")
    assert m.n_persons == 2 and float(m.raw.sum()) == 0
    assert district_results(session, SYSTEM, "ADM-1").district.n == 2


def _refused(session, path, match):
    with pytest.raises(ScoringError) as e:
        import_answers(session, SYSTEM, "ADM-1", S1, path)
    text = " ".join([e.value.message_th or ""] + [p.message_th or "" for p in e.value.problems])
    assert match in text, text
    assert load_scored_matrix(session, SYSTEM, "ADM-1").n_persons == 0
    return e.value


def test_bad_rows_are_listed_in_thai_with_row_and_column_and_nothing_is_written(session, world, tmp_path):
    a = key_cells(session, "A")
    two = list(a)
    two[0] = "กข"
    outside = list(a)
    outside[1] = "จ"
    rows = [("99999", "A", a), ("10001", "Z", a), ("10002", "A", two), ("10003", "A", outside),
            ("10004", "A", a), ("10004", "A", a)]
    err = _refused(session, answers_csv(tmp_path, rows), "ไม่พบนักเรียนเลขประจำตัว '99999'")
    text = [(p.where.row, p.where.column, p.message_th) for p in err.problems]
    assert any(r == 3 and "ชุด 'Z'" in m for r, _, m in text)
    assert any(r == 4 and c == "1" and "9 หรือ *" in m for r, c, m in text)
    assert any(r == 5 and c == "2" for r, c, m in text)
    assert any(r == 7 and "ซ้ำกับแถว 6" in m for r, _, m in text)


def test_item_column_count_and_school_checks(session, world, tmp_path):
    a = key_cells(session, "A")
    _refused(session, answers_csv(tmp_path, [("10001", "A", a[:7])], n_items=7), "ขาดคอลัมน์ข้อ 8")
    _refused(session, answers_csv(tmp_path, [("10001", "A", a + ["ก"])], n_items=9), "เกินจำนวนข้อ")
    p = tmp_path / "nid.csv"
    p.write_text("เลขประจำตัว,เลขประจำตัวประชาชน,ชุด,1\n", encoding="utf-8")
    _refused(session, p, "PDPA")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    _refused(session, empty, "ไฟล์ว่าง")
    from factories import make_actor
    other = make_actor("school", school_id=world["schools"][SCHOOLS[1]])
    with pytest.raises(Exception, match="โรงเรียนอื่น"):
        import_answers(session, other, "ADM-1", S1, answers_csv(tmp_path, [("10001", "A", a)]))


def test_cp874_and_bom_files_are_read(session, world, tmp_path):
    a = key_cells(session, "A")
    text = "เลขประจำตัว,ชุด," + ",".join(map(str, range(1, 9))) + "\n10001,A," + ",".join(a) + "\n"
    p = tmp_path / "thai.csv"
    p.write_bytes(text.encode("cp874"))
    assert import_answers(session, SYSTEM, "ADM-1", S1, p).n_students == 1
    p2 = tmp_path / "bom.csv"
    p2.write_bytes(text.replace("10001", "10002").encode("utf-8-sig"))
    assert import_answers(session, SYSTEM, "ADM-1", S1, p2).status == "replaced"


def test_the_template_lists_the_roll_and_one_column_per_item(session, world):
    t = answer_template(session, SYSTEM, "ADM-1", S1)
    assert t.columns[:6] == ("เลขประจำตัว", "ชั้น", "ห้อง", "เลขที่", "ชื่อ-นามสกุล", "ชุด") and len(t.columns) == 14
    assert len(t.rows) == 6


def test_uploads_before_release_or_after_close_are_refused(session, tmp_path):
    from scoring.administrations import close_administration
    make_world(session, release=False)
    import_roster(session, SYSTEM, S1, roster_csv(tmp_path), 2568)
    with pytest.raises(ScoringError, match="ยังไม่ถึงเวลาเผยแพร่"):
        import_answers(session, SYSTEM, "ADM-1", S1, answers_csv(tmp_path, [("10001", "A", [""] * 8)]))
    close_administration(session, SYSTEM, "ADM-1")
    with pytest.raises(ScoringError, match="ปิดรับคำตอบ|ยังไม่ถึง"):
        import_answers(session, SYSTEM, "ADM-1", S1, answers_csv(tmp_path, [("10001", "A", [""] * 8)]))


def test_scores_agree_with_the_printed_keys_on_random_answers(session, world, tmp_path):
    rng = np.random.default_rng(1)
    keys = {v: key_cells(session, v) for v in "AB"}
    rows, expected = [], []
    for k in range(1, 7):
        v = "AB"[k % 2]
        cells, raw = [], 0.0
        for c in keys[v]:
            if c.isdigit():
                got = str(int(rng.integers(0, 3)))
                raw += float(got)
            elif len(c) > 1:
                got = str(rng.choice(["กค", "คก", "ก", "", "9"]))
                raw += float(sorted(got) == sorted(c))
            else:
                got = str(rng.choice(list("กขคง") + ["", "9"]))
                raw += float(got == c)
            cells.append(got)
        rows.append((f"1{k:04d}", v, cells))
        expected.append(raw)
    import_answers(session, SYSTEM, "ADM-1", S1, answers_csv(tmp_path, rows))
    m = load_scored_matrix(session, SYSTEM, "ADM-1")
    got = dict(zip(m.student_codes, m.raw, strict=True))
    assert [got[r[0]] for r in rows] == expected


def test_the_key_csv_of_every_variant_typed_back_earns_full_marks_and_one_change_less(session, world, tmp_path):
    """`khlang forms key` lists every right option of an item, comma-separated: typed into the upload
    file as is (ข,ง), each variant's key scores full marks; dropping one option of the multiple-answer
    item costs exactly its point."""
    import csv as _csv
    import io

    from exports.keys import key_csv
    from testgen.variants import parse_key_cell

    rows, expected = [], []
    for k, variant in enumerate("AB"):
        entries = list(_csv.DictReader(io.StringIO(key_csv(build_answer_key(session, SYSTEM, "F-1", variant)))))
        cells = []
        for e in sorted(entries, key=lambda e: int(e["number"])):
            parsed = parse_key_cell(e["key"], e["answer_type"], float(e["points"]))
            cells.append(e["key"] if parsed.is_choice else f"{parsed.points:g}")
        rows.append((f"1000{2 * k + 1}", variant, cells))
        expected.append(9.0)
        several = next(i for i, e in enumerate(sorted(entries, key=lambda e: int(e["number"])))
                       if e["answer_type"] == "several")
        short = list(cells)
        short[several] = cells[several].split(",")[0]
        rows.append((f"1000{2 * k + 2}", variant, short))
        expected.append(8.0)
    import_answers(session, SYSTEM, "ADM-1", S1, answers_csv(tmp_path, rows))
    m = load_scored_matrix(session, SYSTEM, "ADM-1")
    got = dict(zip(m.student_codes, m.raw.tolist(), strict=True))
    assert [got[r[0]] for r in rows] == expected


def _xlsx(tmp_path, rows, *, name="a.xlsx", hidden=False, formula=False, date=False):
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "คำตอบ"
    ws.append(["เลขประจำตัว", "ชุด", *map(str, range(1, 9))])
    for sid, var, cells in rows:
        ws.append([sid, var, *cells])
    if formula:
        ws["C2"] = "=A1"
    if date:
        ws["D2"] = dt.date(2025, 1, 5)
    if hidden:
        extra = wb.create_sheet("ลับ")
        extra.append(["x"])
        extra.sheet_state = "hidden"
    path = tmp_path / name
    wb.save(path)
    return path


def test_xlsx_answers_are_read_and_formulas_dates_and_hidden_sheets_refused(session, world, tmp_path):
    a = key_cells(session, "A")
    rows = [("10001", "A", a)]
    assert import_answers(session, SYSTEM, "ADM-1", S1, _xlsx(tmp_path, rows)).n_students == 1
    session.commit()
    for kw, words in (({"formula": True}, "สูตร"), ({"date": True}, "วันที่ของ Excel"), ({"hidden": True}, "ซ่อน")):
        with pytest.raises(ScoringError) as e:
            import_answers(session, SYSTEM, "ADM-1", S1, _xlsx(tmp_path, [("10002", "A", a)], name="b.xlsx", **kw))
        text = " ".join([e.value.text("th")] + [p.text("th") for p in e.value.problems])
        assert words in text, text
    assert load_scored_matrix(session, SYSTEM, "ADM-1").student_codes == ["10001"]


def test_a_huge_file_an_unknown_school_and_national_ids_as_student_ids_are_refused(session, world, tmp_path):
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"x" * (6 * 1024 * 1024))
    _refused(session, huge, "ใหญ่เกิน")
    with pytest.raises(Exception, match="ไม่พบโรงเรียนรหัส 1999999999"):
        import_answers(session, SYSTEM, "ADM-1", "1999999999", answers_csv(tmp_path, [("10001", "A", [""] * 8)]))
    _refused(session, answers_csv(tmp_path, [("1103700012345", "A", [""] * 8)]), "PDPA")


def test_the_omr_layouts_own_export_is_read(session, world, tmp_path):
    """The scanner's export of the khlang-omr/1 sheet: its field names, Latin letters, A|C for several marks."""
    a = key_cells(session, "A")
    latin = ["|".join("ABCD"["กขคง".index(c)] for c in cell) if not cell.isdigit() else cell for cell in a]
    path = answers_csv(tmp_path, [("10001", "A", latin)], name="omr.csv",
                       header=["student_number", "variant", *map(str, range(1, 9))])
    assert import_answers(session, SYSTEM, "ADM-1", S1, path).n_students == 1
    assert load_scored_matrix(session, SYSTEM, "ADM-1").raw.tolist() == [9.0]

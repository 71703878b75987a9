"""Hostile and odd files are refused (or read correctly) before any row is checked; no database needed."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itembank.errors import ItemBankError
from itembank.importing import check_file
from itembank.importing.cells import sanitize
from itembank.importing.files import Limits, read_table
from itembank.sanitize import sanitize_html

HEADER = "code,type,stem,option_1,option_2,option_3,option_4,key,indicators,grade\n"
GOOD_ROW = "M6-1,เลือกตอบ,๗ × ๘ มีค่าเท่าใด,54,56,58,64,ข,ค 1.1 ป.6/2,ป.6\n"


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ข้อสอบ"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _refusal(path: Path, **kwargs) -> ItemBankError:
    with pytest.raises(ItemBankError) as info:
        check_file(path, **kwargs)
    return info.value


def test_csv_that_is_really_a_zip_is_refused_by_its_magic_bytes(tmp_path):
    real = _xlsx(tmp_path / "real.xlsx", [["code", "type", "stem"], ["A", "เลือกตอบ", "x"]])
    disguised = tmp_path / "items.csv"
    disguised.write_bytes(real.read_bytes())
    e = _refusal(disguised)
    assert e.code == "import.csv_is_zip" and e.kind == "invalid"
    assert "items.csv" in e.text("th") and "ZIP" in e.text("th") and ".xlsx" in e.text("th")


def test_old_xls_named_csv_is_refused_as_binary(tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert _refusal(path).code == "import.csv_is_binary"


def _zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_xlsx_bomb_by_uncompressed_size_is_refused_quickly(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b" " * (60 * 2**20)}))
    assert path.stat().st_size < 2**20  # a small file that would inflate to 60 MB
    start = time.perf_counter()
    e = _refusal(path)
    # refused from the ZIP directory, not by inflating 60 MB (a generous bound: a security property, not speed)
    assert time.perf_counter() - start < 10.0
    assert e.code == "import.xlsx_bomb_size"
    assert e.text("th").startswith("bomb.xlsx: ไฟล์ .xlsx ขยายแล้วมีขนาด 60 MB เกินขีดจำกัด 50 MB")


def test_xlsx_bomb_by_entry_count_is_refused(tmp_path):
    path = tmp_path / "many.xlsx"
    path.write_bytes(_zip_bytes({f"xl/media/p{i}.xml": b"<a/>" for i in range(1001)}))
    e = _refusal(path)
    assert e.code == "import.xlsx_bomb_entries" and "1,001" in e.text("th")


def test_xlsx_entry_with_bomb_compression_ratio_is_refused(tmp_path):
    path = tmp_path / "ratio.xlsx"
    path.write_bytes(_zip_bytes({"xl/worksheets/sheet1.xml": b"\x00" * (8 * 2**20)}))
    assert _refusal(path).code == "import.xlsx_bomb_ratio"


@pytest.mark.parametrize("padding", [b"", b"<!--" + b" " * 6000 + b"-->"])
def test_xlsx_with_a_dtd_is_refused_before_parsing(tmp_path, padding):
    real = _xlsx(tmp_path / "x.xlsx", [["code", "type", "stem"], ["A", "เลือกตอบ", "x"]])
    with zipfile.ZipFile(real) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = padding + b'<!DOCTYPE x [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' + parts[sheet]
    path = tmp_path / "dtd.xlsx"
    path.write_bytes(_zip_bytes(parts))
    assert _refusal(path).code == "import.xlsx_dtd"


def test_not_a_zip_named_xlsx_is_refused(tmp_path):
    path = tmp_path / "items.xlsx"
    path.write_text(HEADER + GOOD_ROW, encoding="utf-8")
    assert _refusal(path).code == "import.xlsx_not_zip"


def test_file_over_the_size_limit_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(HEADER + GOOD_ROW * 200, encoding="utf-8")
    e = _refusal(path, limits=Limits(max_bytes=1024))
    assert e.code == "import.file_too_large"


def test_more_rows_than_the_limit_are_refused(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "".join(GOOD_ROW.replace("M6-1", f"M6-{i}") for i in range(30)), encoding="utf-8")
    assert _refusal(path, limits=Limits(max_rows=10)).code == "import.too_many_rows"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_csv_with_or_without_bom_is_read(tmp_path, bom):
    path = tmp_path / "items.csv"
    path.write_bytes(bom + (HEADER + GOOD_ROW).encode("utf-8"))
    table = read_table(path)
    assert table.encoding == ("utf-8-sig" if bom else "utf-8")
    assert table.headers[0] == "code" and table.rows[0][1][2] == "๗ × ๘ มีค่าเท่าใด"


def test_cp874_csv_from_thai_excel_is_detected_and_read_without_mojibake(tmp_path):
    path = tmp_path / "items.csv"
    text = "รหัสข้อสอบ,ชนิดข้อสอบ,โจทย์,ตัวเลือก ก,ตัวเลือก ข,เฉลย,ตัวชี้วัด\r\n" \
           "T6-1,เลือกตอบ,คำว่า “น้ำใจ” หมายถึงอะไร,ความเอื้อเฟื้อ,ความโกรธ,ก,ท 1.1 ป.6/1\r\n"
    path.write_bytes(text.encode("cp874"))
    table = read_table(path)
    assert table.encoding == "cp874"
    assert table.headers[:3] == ["รหัสข้อสอบ", "ชนิดข้อสอบ", "โจทย์"]
    assert table.rows[0][1][2] == "คำว่า “น้ำใจ” หมายถึงอะไร"
    parsed = check_file(path)
    assert parsed.drafts[0].stem == "คำว่า “น้ำใจ” หมายถึงอะไร" and parsed.drafts[0].key == ("ก",)


def test_latin1_csv_is_refused_instead_of_read_as_thai_mojibake(tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes((HEADER + "F-1,mc,Où est la gare? Très bien,a,b,c,d,a,x,x\n").encode("latin-1"))
    e = _refusal(path)
    assert e.code == "import.unknown_encoding" and "UTF-8" in e.text("th") and "cp874" in e.text("th")


def test_formula_cells_in_xlsx_are_refused_with_row_and_column_never_evaluated(tmp_path):
    path = _xlsx(tmp_path / "items.xlsx", [
        ["code", "type", "stem", "option_1", "option_2", "key", "indicators"],
        ["M6-1", "เลือกตอบ", "ข้อหนึ่ง", "1", "2", "ก", "ค 1.1 ป.6/2"],
        ["M6-2", "เลือกตอบ", '=HYPERLINK("http://evil","x")', "1", "2", "ก", "ค 1.1 ป.6/2"],
    ])
    e = _refusal(path)
    texts = [p.text("th") for p in e.problems]
    assert any(t.startswith("items.xlsx แถว 3 คอลัมน์ stem: มีสูตรคำนวณ") for t in texts), texts


def test_formula_in_csv_is_refused_but_an_apostrophe_keeps_it_as_text(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(HEADER + "M6-1,เลือกตอบ,=1+1,'=2,'-3,58,64,ก,ค 1.1 ป.6/2,ป.6\n", encoding="utf-8")
    e = _refusal(path)
    assert [p.text("th").split(":")[0] for p in e.problems] == ["items.csv แถว 2 คอลัมน์ stem"]
    path.write_text(HEADER + "M6-1,เลือกตอบ,'=1+1,'=2,'-3,58,64,ก,ค 1.1 ป.6/2,ป.6\n", encoding="utf-8")
    draft = check_file(path).drafts[0]
    assert draft.stem == "=1+1" and [o.text for o in draft.options[:2]] == ["=2", "-3"]


def test_file_with_zero_data_rows_is_refused(tmp_path):
    for name, make in (("empty.csv", lambda p: p.write_text(HEADER, encoding="utf-8")),
                       ("empty.xlsx", lambda p: _xlsx(p, [HEADER.strip().split(",")]))):
        path = tmp_path / name
        make(path)
        e = _refusal(path)
        assert [p.code for p in e.problems] == ["import.no_rows"]
        assert e.problems[0].text("th").startswith(f"{name}: ไฟล์ไม่มีข้อสอบ")


def test_totally_empty_file_is_refused(tmp_path):
    path = tmp_path / "nothing.csv"
    path.write_bytes(b"")
    assert _refusal(path).code == "import.empty_file"


def test_unknown_and_missing_columns_are_reported_on_row_1(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("code,typ,stem,หมายเหตุ\nM6-1,เลือกตอบ,x,บันทึก\n", encoding="utf-8")
    texts = [p.text("th") for p in _refusal(path).problems]
    assert "items.csv แถว 1 คอลัมน์ typ: ไม่รู้จักคอลัมน์ 'typ'" in texts[0]
    assert any("คอลัมน์ type: ไม่มีคอลัมน์ ชนิดข้อสอบ (type)" in t for t in texts)


def test_xlsx_reads_thai_headers_in_any_order_and_numbers_as_text(tmp_path):
    path = _xlsx(tmp_path / "items.xlsx", [
        ["ตัวชี้วัด", "เฉลย", "โจทย์", "รหัสข้อสอบ", "ชนิดข้อสอบ", "ตัวเลือก ก", "ตัวเลือก ข", "คะแนน", "เวลา (นาที)"],
        [None] * 9,
        ["ค 1.1 ป.6/2", 2, "๕ + ๓ = ?", "M6-9", "เลือกตอบ", 8, 9.5, 2, 1.5],
    ])
    parsed = check_file(path)
    (row,) = parsed.rows
    assert row.row == 3  # the blank row 2 is skipped but still counted, as the spreadsheet shows it
    d = row.draft
    assert d.code == "M6-9" and d.key == ("ข",) and [o.text for o in d.options] == ["8", "9.5"]
    assert d.score_points == 2.0 and d.estimated_time_s == 90 and d.indicator_codes == ("ค 1.1 ป.6/2",)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
@settings(max_examples=300)
def test_fast_path_of_sanitising_equals_the_allowlist(text):
    assert sanitize(text) == sanitize_html(text)


def test_rich_text_and_inline_strings_are_read_as_plain_text(tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "type", "stem", "option_1", "option_2", "key", "indicators"])
    ws.append(["M6-1", "เลือกตอบ", CellRichText("ข้อใด", TextBlock(InlineFont(b=True), "ถูกต้อง")), "ก", "ข", "1",
               "ค 1.1 ป.6/2"])
    wb.save(tmp_path / "rich.xlsx")
    (draft,) = check_file(tmp_path / "rich.xlsx").drafts
    assert draft.stem == "ข้อใดถูกต้อง" and draft.key == ("ก",)


def test_header_must_be_on_the_first_row(tmp_path):
    path = _xlsx(tmp_path / "late.xlsx", [[None], ["code", "type", "stem"], ["A", "เลือกตอบ", "x"]])
    texts = [p.text("th") for p in _refusal(path).problems]
    assert "late.xlsx แถว 2: หัวตารางต้องอยู่แถวที่ 1 (พบที่แถว 2)" in texts


def test_excel_unicode_text_utf16_tab_separated_is_read(tmp_path):
    path = tmp_path / "items.txt"
    path.write_bytes((HEADER + GOOD_ROW).replace(",", "\t").encode("utf-16"))
    table = read_table(path)
    assert table.encoding == "utf-16" and table.rows[0][1][2] == "๗ × ๘ มีค่าเท่าใด"
    assert check_file(path).drafts[0].key == ("ข",)


def test_xlsx_declaring_too_many_rows_is_refused_before_its_rows_are_read(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "type", "stem"])
    ws["A400"] = "x"
    wb.save(tmp_path / "tall.xlsx")
    with zipfile.ZipFile(tmp_path / "tall.xlsx") as z:
        assert b'<dimension ref="A1:C400"/>' in z.read("xl/worksheets/sheet1.xml")
    assert _refusal(tmp_path / "tall.xlsx", limits=Limits(max_rows=100)).code == "import.too_many_rows"


def test_values_in_columns_without_a_header_are_reported(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("code,type,stem,,option_1,option_2,key,indicators\n"
                    "M6-1,เลือกตอบ,ข้อหนึ่ง,,1,2,ก,ค 1.1 ป.6/2\n"
                    "M6-2,เลือกตอบ,ข้อสอง,เลื่อน,1,2,ก,ค 1.1 ป.6/2,เกิน\n", encoding="utf-8")
    assert [p.text("th") for p in _refusal(path).problems] == [
        "items.csv แถว 3 คอลัมน์ D: มีข้อมูลในคอลัมน์ที่ไม่มีหัวตาราง (แถวเลื่อนหรือลืมตั้งชื่อคอลัมน์?)",
        "items.csv แถว 3 คอลัมน์ I: มีข้อมูลในคอลัมน์ที่ไม่มีหัวตาราง (แถวเลื่อนหรือลืมตั้งชื่อคอลัมน์?)",
    ]

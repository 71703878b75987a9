"""XLSX workbooks: one sheet per table, frozen header, Thai font, formats, formula injection neutralised."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exports.errors import ExportError
from exports.xlsx import is_dangerous, neutralise, safe_sheet_title, write_tables
from psychometrics.tables import Table

PAYLOADS = [
    '=HYPERLINK("http://127.0.0.1/x?"&A1,"คลิก")',
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "  =cmd|' /C calc'!A0",
    "=1+1",
]


def _stats() -> Table:
    return Table(
        "สถิติรายข้อ: ป.6 คณิตศาสตร์ [ชุด A]",
        ("ข้อ", "p", "r_pbis", "n", "ตัวชี้วัด", "วันที่สอบ"),
        [
            ("1", 0.81234, 0.41, 512, "ค 1.1 ป.6/2", dt.date(2026, 2, 5)),
            ("2", np.float64(0.5), np.float64(-0.12), np.int64(498), "=1+1", None),
            ("3", float("nan"), None, 0, "ค 2.1 ป.6/1", dt.date(2026, 2, 5)),
        ],
        notes=("Cronbach's α = 0.871", "-ข้อ 2 ควรปรับปรุง"),
    )


def test_one_sheet_per_table_with_frozen_header_and_thai_font(tmp_path: Path) -> None:
    other = Table("สถิติรายข้อ: ป.6 คณิตศาสตร์ [ชุด A]", ("a",), [(1,)])  # same title: must stay distinct
    out = write_tables(tmp_path / "stats.xlsx", [_stats(), other])
    wb = openpyxl.load_workbook(out)
    assert len(wb.sheetnames) == 2 and len(set(n.lower() for n in wb.sheetnames)) == 2
    ws = wb[wb.sheetnames[0]]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["ข้อ", "p", "r_pbis", "n", "ตัวชี้วัด", "วันที่สอบ"]
    assert ws["A1"].font.b and ws["A2"].font.name == "TH Sarabun New"
    assert ws["B2"].value == pytest.approx(0.81234) and ws["B2"].number_format == "#,##0.000"
    assert ws["D3"].value == 498 and ws["D3"].number_format == "#,##0"
    assert ws["F2"].value == dt.datetime(2026, 2, 5) and "1070000" in ws["F2"].number_format  # พ.ศ.
    assert ws["B4"].value is None and ws["F3"].value is None  # NaN and None are blank
    assert ws["A6"].value == "Cronbach's α = 0.871" and ws["A7"].value == "-ข้อ 2 ควรปรับปรุง"
    assert ws["A7"].quotePrefix


def test_english_locale_uses_latin_font_and_iso_dates(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_tables(tmp_path / "en.xlsx", [_stats()], locale="en")).active
    assert ws["A2"].font.name == "Calibri" and ws["F2"].number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_are_text_and_read_back_unchanged(tmp_path: Path, payload: str) -> None:
    table = Table("x", (payload, "b"), [(payload, 1)], notes=(payload,))
    out = write_tables(tmp_path / "p.xlsx", [table])
    ws = openpyxl.load_workbook(out).active
    for ref in ("A1", "A2", "A4"):
        assert ws[ref].value == payload
        assert ws[ref].data_type == "s" and ws[ref].quotePrefix
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula element anywhere


def test_pandas_reads_back_the_visible_text(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    out = write_tables(tmp_path / "p.xlsx", [Table("x", ("v",), [(p,) for p in PAYLOADS])])
    assert pd.read_excel(out, dtype=str)["v"].tolist() == PAYLOADS


def test_neutralise_prefixes_only_dangerous_text() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\t=1") == "'\t=1"
    assert neutralise("ค 1.1 ป.6/2") == "ค 1.1 ป.6/2"
    assert neutralise(-0.5) == -0.5 and neutralise(None) is None and neutralise("") == ""
    assert not is_dangerous("a=b") and is_dangerous(" @x")


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_safe_sheet_title_is_always_legal(title: str) -> None:
    name = safe_sheet_title(title, {"Sheet"})
    assert 1 <= len(name) <= 31
    assert not any(ch in name for ch in "[]:*?/\\")
    assert name.lower() != "sheet" and not name.startswith("'") and not name.endswith("'")


@given(st.lists(st.text(alphabet="กขค=+-@\t\rab1", max_size=12), min_size=1, max_size=8))
@settings(max_examples=25, deadline=None)
def test_any_text_round_trips(tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> None:
    out = tmp_path_factory.mktemp("rt") / "t.xlsx"
    write_tables(out, [Table("t", ("v",), [(t,) for t in texts])])
    ws = openpyxl.load_workbook(out).active
    got = [ws.cell(row=i + 2, column=1).value for i in range(len(texts))]
    assert got == [t if t != "" else None for t in texts]


def test_errors_say_what_is_wrong_in_thai(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as e:
        write_tables(tmp_path / "e.xlsx", [])
    assert e.value.code == "xlsx.no_tables" and "ไม่มีตาราง" in str(e.value)
    with pytest.raises(ExportError) as e:
        write_tables(tmp_path / "e.xlsx", [Table("t", ("v",), [(object(),)])])
    assert e.value.code == "xlsx.unsupported_value" and "A2" in str(e.value)


def test_thai_text_helpers() -> None:
    from exports.text import clean, digits, thai_date

    assert thai_date(dt.date(2026, 2, 5)) == "๕ กุมภาพันธ์ พ.ศ. ๒๕๖๙"
    assert thai_date(dt.date(2026, 2, 5), thai_digits=False, short=True) == "5/2/2569"
    assert digits("ข้อ 12") == "ข้อ ๑๒" and digits("ข้อ 12", thai=False) == "ข้อ 12"
    assert clean('<b onclick="x">ก</b><img src=x><script>y</script>') == "<b>ก</b>"

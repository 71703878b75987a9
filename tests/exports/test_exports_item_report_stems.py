"""The item-analysis report prints each item's stem as written (issue 14): "codes, formulas and numbers inside
items stay as written", whatever the office's digit policy does to counts, statistics and page numbers.
Checked on what is printed: the PDF's text (WeasyPrint writes the digits it draws), the DOCX's cells, the DOCX
through LibreOffice (the printed width of each number), and the XLSX's cells."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from exports_pdftools import needs_poppler, nfkc, printed_digits, text, words

from exports.data import ReportSection, ResultsReport, TableBlock
from exports.docx import docx_to_pdf
from exports.reports import results_report_docx, results_report_pdf, results_report_xlsx, tidy_numbers
from scoring.reports import _plain

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

STEMS = ("ข้อใดคือผลของ 25 + 17", "ถ้า x² + 3 = 12 แล้ว x มีค่าเท่าใด", "รถวิ่ง 60 กิโลเมตรใน 1.5 ชั่วโมง",
         "ค่าของ 30.00 ÷ 4 เท่ากับเท่าใด")
HEADER = ("ข้อ", "รหัสข้อสอบ", "คำถาม", "p", "ความยาก", "r", "อำนาจจำแนก", "a", "b", "infit", "DIF", "สรุป")


def _item_report() -> ResultsReport:
    """The item-analysis report as scoring.reports.item_report builds it: the stem column as written."""
    rows = tuple((str(k), f"P6-MA-2568-{k}", stem, "0.45", "ยากง่ายปานกลาง", "0.32", "ดี", "1.10", "-0.25", "1.02",
                  "A", "ข้อสอบที่ใช้ได้") for k, stem in enumerate(STEMS, start=1))
    table = TableBlock(HEADER, rows, as_written=(2,))
    return ResultsReport("items", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครชัยบุรี เขต 2",
                         "รายงานการวิเคราะห์ข้อสอบ คณิตศาสตร์ ป.6", "การสอบ ADM-2568-1 ชั้น ป.6",
                         (("จำนวนข้อที่วิเคราะห์", "4 ข้อ"), ("จำนวนผู้เข้าสอบ", "608 คน")),
                         (ReportSection("items", "ผลการวิเคราะห์รายข้อ", tables=(("", table),)),),
                         landscape=True, reference="ADM-2568-1")


def test_the_builder_keeps_a_stem_as_written() -> None:
    assert _plain("<p>ถ้า x<sup>2</sup> + 3 &lt; 12</p><p>แล้ว H<sub>2</sub>O</p>") == "ถ้า x² + 3 < 12 แล้ว H₂O"
    assert _plain("ผล<b>บวก</b>ของ 2 และ 3") == "ผลบวกของ 2 และ 3"  # an inline tag adds no space
    cells = tidy_numbers(("ข้อ", "คำถาม"), (("1", "30.00"), ("2", "12.00")), as_written=(1,))
    assert [c[1] for c in cells] == ["30.00", "12.00"]  # a stem that is a number keeps its decimals


@needs_poppler
@pytest.mark.parametrize("thai_digits", [True, False])
def test_pdf_prints_stems_as_written_and_the_statistics_by_the_policy(tmp_path: Path, thai_digits: bool) -> None:
    out = tmp_path / "items.pdf"
    results_report_pdf(_item_report(), out, thai_digits=thai_digits)
    got = text(out).replace("\n", " ")
    for stem in STEMS:
        assert nfkc(stem).replace(" ", "") in got.replace(" ", ""), stem
    assert "P6-MA-2568-1" in got  # the code as written
    statistic = "๐.๔๕" if thai_digits else "0.45"
    assert got.count(statistic) == len(STEMS)  # p of each item, by the office's policy
    assert ("๖๐๘ คน" in got) == thai_digits


def test_docx_cells_hold_stems_as_written() -> None:
    from docx import Document

    doc = Document(io.BytesIO(results_report_docx(_item_report())))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert all(stem in cells for stem in STEMS)
    assert cells.count("๐.๔๕") == len(STEMS)


@needs_soffice
@needs_poppler
def test_libreoffice_prints_the_numbers_of_stems_in_arabic_digits(tmp_path: Path) -> None:
    path = tmp_path / "items.docx"
    results_report_docx(_item_report(), path)
    ws = words(docx_to_pdf(path, tmp_path))
    inside = [w for w in ws if w.text in ("25", "17", "12", "60", "1.5", "30.00", "4")]
    assert len(inside) >= 7
    assert [(w.text, printed_digits(w)) for w in inside] == [(w.text, "arabic") for w in inside]
    stats = [w for w in ws if w.text == "๐.๔๕"]  # p of each item: the office's policy wrote Thai digits
    assert len(stats) == len(STEMS)


def test_xlsx_keeps_stems_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    results_report_xlsx(_item_report(), tmp_path / "items.xlsx")
    wb = load_workbook(tmp_path / "items.xlsx")
    values = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert all(stem in values for stem in STEMS) and 0.45 in values
    assert not any(isinstance(v, str) and re.fullmatch(r"[๐-๙.]+", v) for v in values)

"""One digit policy in every DOCX (issue 14): codes stay in Arabic digits, the office's policy governs the rest.

LibreOffice converts with "context" numerals (CTLTextNumerals=3) so that the page fields print in Thai digits;
any 0-9 left in a Thai-language run would print in Thai digits too, codes included (P6-MA-2568-1 printed as
P๖-MA-๒๕๖๘-๑). The text layer does not show it (LibreOffice maps the substituted glyphs back to 0-9), so the
LibreOffice check measures the printed width of each word: Sarabun's Thai digits are about 23 % wider than its
Arabic ones.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from exports_pdftools import Word, needs_poppler, printed_digits, sarabun, words
from lxml import etree

from demo.documents import (
    demo_booklet,
    demo_district_summary,
    demo_item_stats,
    demo_school_report,
    demo_student_slip,
)
from exports.data import AnswerKey, ReportSection, ResultSlip, ResultSlips, ResultsReport, TableBlock
from exports.docx import booklet_docx, docx_to_pdf, key_docx
from exports.instruments import InstrumentCriterion, InstrumentLevel, InstrumentSheet, instrument_docx
from exports.reports import (
    district_summary_docx,
    item_report_docx,
    result_slips_docx,
    results_report_docx,
    school_report_docx,
    student_slips_docx,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

SCHOOL_CODE, ITEM_CODE, ADMIN = "1029020001", "P6-MA-2568-1", "ADM-2568-1"


def _report() -> ResultsReport:
    """A school report as scoring builds it: codes in the facts, a table of item codes, the footer's reference."""
    table = TableBlock(("ข้อ", "รหัสข้อสอบ", "ตัวชี้วัด", "ร้อยละ"),
                       (("1", ITEM_CODE, "ค 1.1 ป.6/2", "45.50"), ("2", "P6-MA-2568-2", "ค 2.1 ป.6/1", "60.25")))
    return ResultsReport(
        "school", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครชัยบุรี เขต 2", "รายงานผลการสอบ คณิตศาสตร์ ป.6",
        "ภาคเรียนที่ 2 ปีการศึกษา 2568 ชั้น ป.6",
        (("โรงเรียน", f"บ้านนา ({SCHOOL_CODE})"), ("การสอบ", f"คณิตศาสตร์ ({ADMIN})"), ("จำนวนผู้เข้าสอบ", "608 คน")),
        (ReportSection("items", "ผลรายข้อ", tables=(("", table),)),), reference=f"{ADMIN} · {SCHOOL_CODE}")


def _slips() -> ResultSlips:
    slip = ResultSlip("04512", "ป.6/2", "7", "ด.ญ.กมลชนก ใจดี", 17, 30, 56.67, "1.5", "พอใช้", "พอใช้",
                      "ร้อยละ 50 ขึ้นไป", (("ค 1.1 ป.6/2", "บวกจำนวนที่มีผลลัพธ์ไม่เกิน 100000", 67.0, "ผ่าน"),))
    return ResultSlips("สพป.นครชัยบุรี เขต 2", "บ้านนา", "ใบแจ้งผลการสอบ", 2568, 2, (slip,), reference=ADMIN)


def _instrument() -> InstrumentSheet:
    return InstrumentSheet("INS-2568-01", "แบบประเมินการนำเสนอ", "rating_scale", "มาตราส่วนประมาณค่า", grade="ป.6",
                           criteria=(InstrumentCriterion("พูดชัดเจน", "ค 1.1 ป.6/2"),),
                           levels=(InstrumentLevel("ดี", 3), InstrumentLevel("พอใช้", 2)))


#: every DOCX the product writes, through its renderer
DOCX = {
    "results_report": lambda: results_report_docx(_report()),
    "result_slips": lambda: result_slips_docx(_slips()),
    "key": lambda: key_docx([AnswerKey.from_booklet(demo_booklet("A"))]),
    "booklet": lambda: booklet_docx(demo_booklet("B")),
    "instrument": lambda: instrument_docx(_instrument()),
    "item_report_ctt": lambda: item_report_docx(demo_item_stats()),
    "school_report_ctt": lambda: school_report_docx(demo_school_report()),
    "district_summary_ctt": lambda: district_summary_docx(demo_district_summary(8)),
    "student_slips_ctt": lambda: student_slips_docx([demo_student_slip()]),
}


def _runs(data: bytes) -> list[tuple[str, etree._Element, bool]]:
    """(text, w:lang, is a field's run) of every run with text or a field, in the body, headers and footers."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for part in z.namelist():
            if not re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", part):
                continue
            depth = 0  # inside a complex field (begin … end): its code and its shown result
            for r in etree.fromstring(z.read(part)).iter(f"{W}r"):
                text = "".join(t.text or "" for t in r.iter(f"{W}t"))
                kind = r.find(f"{W}fldChar")
                depth += kind is not None and kind.get(f"{W}fldCharType") == "begin"
                field = depth > 0
                depth -= kind is not None and kind.get(f"{W}fldCharType") == "end"
                lang = r.find(f"{W}rPr/{W}lang")
                if text or field:
                    out.append((text, lang, field))
    return out


@pytest.mark.parametrize("name", DOCX)
def test_every_run_with_arabic_digits_is_marked_as_written_and_thai_text_stays_thai(name: str) -> None:
    runs = _runs(DOCX[name]())
    arabic = [(t, lang) for t, lang, field in runs if re.search("[0-9]", t) and not field]
    assert arabic, "the document holds no code at all: the check would prove nothing"
    for text, lang in arabic:
        # an English run: LibreOffice's context numerals and Word leave its 0-9 as they are
        assert lang is not None and lang.get(f"{W}val") == "en-US" and lang.get(f"{W}bidi") == "en-US", text
    thai = [(t, lang) for t, lang, field in runs if re.search("[\u0e00-\u0e7f]", t) and not re.search("[0-9]", t)]
    assert thai and all(lang is not None and lang.get(f"{W}bidi") == "th-TH" for _, lang in thai)
    fields = [lang for _, lang, field in runs if field]
    # the page fields stay Thai runs: the office's policy prints them (Thai digits with CTLTextNumerals=3)
    assert fields and all(lang.get(f"{W}bidi") == "th-TH" for lang in fields)


# --------------------------------------------------------------------- what LibreOffice prints, measured


def test_printed_digits_tells_thai_from_arabic_digits() -> None:
    font = sarabun(False)
    height = sum(font.getmetrics()) / 100 * 10  # 10 pt
    arabic = font.getlength(SCHOOL_CODE) / 10
    assert printed_digits(Word(1, 0, 0, arabic, height, SCHOOL_CODE, 595, 842)) == "arabic"
    assert printed_digits(Word(1, 0, 0, arabic * 1.22, height, SCHOOL_CODE, 595, 842)) == "thai"


@needs_soffice
@needs_poppler
def test_libreoffice_prints_codes_in_arabic_digits_and_page_numbers_in_thai_digits(tmp_path: Path) -> None:
    path = tmp_path / "school.docx"
    results_report_docx(_report(), path)
    ws = words(docx_to_pdf(path, tmp_path))
    codes = [w for w in ws if re.fullmatch(r"\(?(1029020001|P6-MA-2568-[12]|ADM-2568-1|ป\.6/[12])\)?", w.text)]
    # the facts, the table and the footer: each code where it is printed
    assert {w.text.strip("()") for w in codes} >= {SCHOOL_CODE, ITEM_CODE, "P6-MA-2568-2", ADMIN}
    assert [(w.text, printed_digits(w)) for w in codes] == [(w.text, "arabic") for w in codes]
    # the page field (text layer "1/1") prints in Thai digits: the office's policy, untouched
    page = [w for w in ws if re.fullmatch(r"\d+/\d+", w.text) and w.y0 > 0.9 * w.page_height]
    assert page and all(printed_digits(w) == "thai" for w in page), page


@needs_soffice
@needs_poppler
def test_libreoffice_prints_arabic_digits_everywhere_when_the_office_chose_them(tmp_path: Path) -> None:
    path = tmp_path / "school.docx"
    results_report_docx(_report(), path, thai_digits=False)
    ws = words(docx_to_pdf(path, tmp_path, thai_digits=False))
    numbers = [w for w in ws if re.search("[0-9]", w.text) and not re.search("[\u0e00-\u0e7f]", w.text)]
    assert len(numbers) > 8 and all(printed_digits(w) == "arabic" for w in numbers)


NUMBER = re.compile(r"[0-9๐-๙][0-9๐-๙.,/]*")


@needs_poppler
@pytest.mark.parametrize("name", ["results_report", "result_slips"])
def test_the_docx_prints_every_number_in_the_digits_of_the_pdf(name: str, tmp_path: Path) -> None:
    """The DOCX no longer leans on LibreOffice to turn 0-9 into Thai digits, so every number the policy governs
    must be written in Thai digits as in the PDF (the slips' level meanings and indicator texts were not)."""
    from docx import Document
    from exports_pdftools import text

    from exports.reports import result_slips_pdf, results_report_pdf

    data = _report() if name == "results_report" else _slips()
    pdf = tmp_path / "doc.pdf"
    (results_report_pdf if name == "results_report" else result_slips_pdf)(data, pdf)
    in_pdf = set(NUMBER.findall(text(pdf)))
    doc = Document(io.BytesIO(DOCX[name]()))
    parts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    in_docx = set(NUMBER.findall(" ".join(parts)))
    assert in_docx and in_docx <= in_pdf, sorted(in_docx - in_pdf)


def test_a_number_after_a_thai_word_follows_the_policy_and_an_indicator_code_stays_as_written() -> None:
    from exports.reports import _td

    assert _td("ระดับ 1.5 · คะแนนเฉลี่ย 14.68") == "ระดับ ๑.๕ · คะแนนเฉลี่ย ๑๔.๖๘"  # no code: a word ends in บ, ย
    for code in ("ค 1.1 ป.6/2", "ตัวชี้วัด ค 1.1 ป.6/2", "(ว 2.1)", "ป.6/1", "ADM-2568-1", "1029020001"):
        assert _td(code) == code

"""The visit record and the committee report rendered for real (PDF and DOCX), their text extracted and checked."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import unicodedata

import pytest
from docx import Document
from supervision_helpers import CODES, YEAR, classroom_draft

from exports.supervision import (
    committee_report_docx,
    committee_report_pdf,
    visit_record_docx,
    visit_record_pdf,
)
from supervision.committee import committee_report, save_committee_notes
from supervision.qa import QaRow, qa_summary, save_qa_ratings
from supervision.records import visit_record
from supervision.results import AdministrationLine, SchoolLine, StaticResults, YearResults
from supervision.visits import RecommendationDraft, record_visit

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout)


def has(text: str, words: str) -> bool:
    """`words` in `text` whatever the line breaks and spaces (Thai lines break between words)."""
    words = unicodedata.normalize("NFKC", words)
    return words.replace(" ", "") in text.replace("\n", "").replace(" ", "")


def pdf_fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    # the DOCX writer may mark Thai word boundaries with zero-width spaces (and joiners): not text
    return "\n".join(parts).replace("\u200b", "").replace("\u2060", "")


def lm_draft():
    from supervision.forms import parse_form
    from supervision.reference_forms import LEARNING_MANAGEMENT

    form = parse_form(LEARNING_MANAGEMENT)
    scores = {i.code: (4 if i.domain != "D3" else 3) for i in form.items}
    return classroom_draft(form_code="learning_management", ratings=scores, narrative={
        "found": "ครูใช้สื่อของจริงและให้นักเรียนทำงานกลุ่ม", "reflection": "ครูเห็นว่าควรเพิ่มเวลาอภิปราย",
        "strengths": "นักเรียนมีส่วนร่วมทุกคน", "to_improve": "การประเมินระหว่างเรียนยังไม่หลากหลาย"},
        teacher_position="ครูชำนาญการ",
        recommendations=(RecommendationDraft("ใช้แบบประเมินชิ้นงานที่มีเกณฑ์ชัดเจน", dt.date(2026, 8, 31)),))


@needs_poppler
def test_visit_record_prints_like_the_reference_form(session, district, tmp_path):
    v = record_visit(session, district["sup"], lm_draft())
    record = visit_record(session, district["school_a"], v.id, "สพป.นครชัยบุรี เขต 2")
    assert record.overall_mean == pytest.approx((20 * 4 + 5 * 3) / 25)
    text = pdf_text(visit_record_pdf(record, thai_digits=False), tmp_path)
    for words in ("แบบบันทึกการนิเทศการจัดการเรียนรู้", "ตอนที่ 1 ข้อมูลทั่วไป", "ด้านความสามารถในการประเมินผล",
                  "รวมเฉลี่ยทุกด้าน", "3.80", "มาก", "สิ่งที่ควรปรับปรุงหรือพัฒนา", "(ลงชื่อ)", "ผู้รับการนิเทศ",
                  "ผู้นิเทศ", "18 มิถุนายน พ.ศ. 2569", "ค 1.1 ป.4/2", "มาตรฐาน 3.4", "ใช้แบบประเมินชิ้นงานที่มีเกณฑ์ชัดเจน"):
        assert has(text, words), words
    assert "Sarabun" in pdf_fonts(visit_record_pdf(record), tmp_path)
    thai = pdf_text(visit_record_pdf(record), tmp_path)
    assert "๓.๘๐" in thai and "พ.ศ. ๒๕๖๙" in thai
    dx = docx_text(visit_record_docx(record))
    assert "รวมเฉลี่ยทุกด้าน" in dx and "(ลงชื่อ)" in dx and "๓.๘๐" in dx and "✓" in dx


def _results() -> StaticResults:
    lines = (AdministrationLine("NT-M3", "คณิตศาสตร์ ป.3", "ป.3", YEAR, 400, 52.4,
                                {"excellent": 10.0, "good": 30.0, "fair": 40.0, "improve": 20.0}, {"4": 12.5, "0": 7.5},
                                {"ค 1.1 ป.3/1": 0.42, "ค 1.1 ป.3/2": 0.71}, ((YEAR - 1, 49.0), (YEAR, 52.4))),)
    schools = (SchoolLine(1, "NT-M3", 100, 70.0),)
    return StaticResults({YEAR: YearResults(YEAR, lines, schools)})


@needs_poppler
def test_committee_report_has_its_sections_and_numbers(session, district, tmp_path):
    record_visit(session, district["sup"], classroom_draft())
    ids = district["ids"]
    means = {ids[CODES[0]]: 35.0, ids[CODES[1]]: 60.0, ids[CODES[2]]: 70.0, ids[CODES[3]]: 80.0}
    results = StaticResults({YEAR: YearResults(YEAR, _results().by_year[YEAR].administrations,
                                               tuple(SchoolLine(k, "NT-M3", 100, m) for k, m in means.items()))})
    save_qa_ratings(session, district["qa"], [QaRow(CODES[0], YEAR, "1", 5), QaRow(CODES[0], YEAR, "2", 4),
                                              QaRow(CODES[1], YEAR, "1", 2), QaRow(CODES[1], YEAR - 1, "1", 3)])
    save_committee_notes(session, district["qa"], YEAR, recommendations=["เร่งพัฒนาการอ่านออกเขียนได้ในชั้น ป.1"],
                         good_practices=[{"school": "โรงเรียนบ้านดอนยาง", "title": "ห้องเรียนคณิตคิดสนุก",
                                          "text": "ใช้เกมฝึกทักษะการคิดคำนวณ"}], meeting_on=dt.date(2027, 4, 20))
    summary = qa_summary(session, district["qa"], YEAR, results=results)
    assert [m.school_code for m in summary.mismatches] == [CODES[0]]
    report = committee_report(session, district["qa"], YEAR, district="สพป.นครชัยบุรี เขต 2", results=results,
                              today=dt.date(2027, 4, 1))
    assert [s.key for s in report.sections] == ["plan", "results", "qa", "support", "practices", "recommendations"]
    text = pdf_text(committee_report_pdf(report, thai_digits=False), tmp_path)
    for words in ("รายงานผลการติดตาม ตรวจสอบ ประเมินผล และนิเทศการศึกษา", "12.5", "7.5", "1. แผนการนิเทศ", "52.40", "คณิตศาสตร์ ป.3",
                  "ห้องเรียนคณิตคิดสนุก", "12.5", "เร่งพัฒนาการอ่านออกเขียนได้", "20 เมษายน พ.ศ. 2570", "กลุ่มต่ำสุดร้อยละ 25"):
        assert has(text, words), words
    assert has(text, "แบบการเยี่ยมชั้นเรียน"), "a reference form is named by its title, not its code"
    assert not has(text, "classroom_visit")
    dx = docx_text(committee_report_docx(report))
    assert "ข้อเสนอแนะของคณะกรรมการ" in dx and "๕๒.๔๐" in dx
    assert "แบบการเยี่ยมชั้นเรียน" in dx and "สพป.นครชัยบุรี เขต ๒" in dx  # Thai digits in the district's name too
    fewer = committee_report(session, district["qa"], YEAR, without=("results", "practices"), results=results)
    assert [s.key for s in fewer.sections] == ["plan", "qa", "support", "recommendations"]

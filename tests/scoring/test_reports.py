"""scoring.reports: the school, district, class and item-analysis reports and the slips from stored answers,
rendered as PDF, DOCX and XLSX (text read back from each)."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
import zipfile

import pytest
from reports_world import N_PER_SCHOOL, answered_world
from scoring_world import SCHOOLS, SYSTEM
from test_uploads import key_cells

from exports.reports import write_results
from itembank.statistics import statistics_history
from scoring.analysis import run_analysis
from scoring.errors import ScoringError
from scoring.reports import (
    class_sheet,
    district_report,
    item_report,
    report_schools,
    result_slips,
    school_report,
)

OFFICE = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1"


@pytest.fixture
def world(session, tmp_path):
    return answered_world(session, tmp_path, key_cells)


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).replace(" ", "")


def _pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return _nfkc(out).replace("\n", "")


def _texts(report) -> str:
    parts = [report.title, report.subtitle, *[f"{k} {v}" for k, v in report.facts]]
    for s in report.sections:
        parts.append(s.title)
        parts += list(s.paragraphs)
        for _, t in s.tables:
            parts += [" ".join(map(str, r)) for r in (t.header, *t.rows)]
    return "\n".join(parts)


def test_school_and_district_reports_hold_what_an_office_expects(session, world):
    school = school_report(session, SYSTEM, "ADM-1", SCHOOLS[0], office=OFFICE)
    text = _texts(school)
    assert school.office == OFFICE and "ภาคเรียนที่ 2 ปีการศึกษา 2568 ชั้น ป.6" in school.subtitle
    for words in ("ผลการสอบโดยรวม", "ส่วนเบี่ยงเบนมาตรฐาน", "คะแนนสูงสุด", "คะแนนต่ำสุด", "ดีมาก", "ปรับปรุง",
                  "80–100", "0–49.99", "ผลการสอบรายตัวชี้วัด", "ค 1.1 ป.6/1", "90–100", "เปรียบเทียบกับปีการศึกษาที่ผ่านมา",
                  "ผลรายห้องเรียน"):
        assert words in text, words
    overall = school.sections[0].tables[0][1]
    assert overall.header == ("รายการ", "โรงเรียน", "เขตพื้นที่") and overall.rows[0][1:] == (
        f"{N_PER_SCHOOL}", f"{2 * N_PER_SCHOOL}")
    levels = school.sections[1].tables[0][1]
    assert sum(int(r[2]) for r in levels.rows) == N_PER_SCHOOL
    assert [s.role for s in school.signatures] == ["ผู้รายงาน", "ผู้รับรอง"]
    district = district_report(session, SYSTEM, "ADM-1", office=OFFICE)
    ranks = district.sections[-1].tables[0][1].rows
    assert [r[0] for r in ranks] == ["1", "2"] and {r[1] for r in ranks} == set(SCHOOLS)
    assert report_schools(session, SYSTEM, "ADM-1") == sorted(SCHOOLS)


def test_class_sheet_and_slips_list_every_student_with_level_meaning_and_indicators(session, world):
    sheet = class_sheet(session, SYSTEM, "ADM-1", SCHOOLS[0], office=OFFICE)
    assert sum(len(s.tables[0][1].rows) for s in sheet.sections) == N_PER_SCHOOL
    assert [s.title.split(" (")[0] for s in sheet.sections] == ["ชั้น ป.6/1", "ชั้น ป.6/2"]
    first = sheet.sections[0].tables[0][1].rows[0]
    assert first[0] == "2" and first[1] == "10002"                  # by class, then seat (ห้อง 1 starts at เลขที่ 2)
    slips = result_slips(session, SYSTEM, "ADM-1", SCHOOLS[0], office=OFFICE)
    assert len(slips.slips) == N_PER_SCHOOL and slips.year_be == 2568 and slips.term == 2
    s = slips.slips[0]
    assert s.grade_meaning and s.quality in ("ดีมาก", "ดี", "พอใช้", "ปรับปรุง") and s.quality_meaning
    assert s.indicators and s.indicators[0][1] and s.indicators[0][3] in ("ผ่าน", "ไม่ผ่าน")
    assert 0 <= s.percent <= 100 and s.name.startswith("ด.")
    with pytest.raises(ScoringError) as e:
        class_sheet(session, SYSTEM, "ADM-1", "9999999999")
    assert e.value.kind == "not_found"


def test_item_report_after_the_analysis_names_booklet_numbers_stems_and_thai_verdicts(session, world, tmp_path):
    with pytest.raises(ScoringError) as e:
        item_report(session, SYSTEM, "ADM-1")
    assert e.value.code == "analysis.not_run"
    out = run_analysis(session, SYSTEM, "ADM-1")
    assert out["n_statistics"] == 8 and out["n_persons"] == 2 * N_PER_SCHOOL
    assert statistics_history(session, SYSTEM, "S6-00")[-1].source == "admin:ADM-1"
    report = item_report(session, SYSTEM, "ADM-1", office=OFFICE)
    rows = report.sections[0].tables[0][1].rows
    assert [r[0] for r in rows] == [str(k) for k in range(1, 9)] and rows[0][1] == "S6-00"
    assert rows[0][2] and rows[0][4] in ("ง่ายมาก", "ค่อนข้างง่าย", "ยากง่ายปานกลาง", "ค่อนข้างยาก", "ยากมาก")
    assert rows[0][11].startswith("ข้อสอบที่")
    assert any(k.startswith("ค่าความเชื่อมั่น") and v != "-" for k, v in report.facts)
    # the stem as written (issue 14): its numbers keep their digits while the statistics take the office's
    assert rows[0][2] == "ผลบวกของ 2 และ 3 เท่ากับเท่าใด" and report.sections[0].tables[0][1].as_written == (2,)
    text = _pdf_text(write_results(report, tmp_path / "items.pdf", "pdf") and tmp_path / "items.pdf")
    assert _nfkc("ผลบวกของ 2 และ 3") in text and _nfkc("ผลบวกของ ๒ และ ๓") not in text and "S6-00" in text


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_every_report_renders_in_every_format(session, world, tmp_path, fmt):
    docs = {"school": school_report(session, SYSTEM, "ADM-1", SCHOOLS[0], office=OFFICE),
            "slips": result_slips(session, SYSTEM, "ADM-1", SCHOOLS[0], office=OFFICE)}
    for name, doc in docs.items():
        out = tmp_path / f"{name}.{fmt}"
        data = write_results(doc, out, fmt)
        assert out.stat().st_size == len(data) > 1000
        if fmt == "pdf":
            text = _pdf_text(out)
            assert _nfkc(OFFICE) in text and (_nfkc("ผลการสอบโดยรวม") in text or _nfkc("ตัดตามเส้นประ") in text)
        elif fmt == "docx":
            xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
            text = re.sub(r"<[^>]+>", "", xml).replace("\u200b", "").replace("\u2060", "")
            assert OFFICE in text and ("ผลการสอบโดยรวม" in text or "ตัดตามเส้นประ" in text)
        else:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(data))
            cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
            assert "ร้อยละ" in cells or "ร้อยละของคะแนนเฉลี่ย" in cells
            assert any(isinstance(c, (int, float)) and not isinstance(c, bool) for c in cells)  # numbers as numbers

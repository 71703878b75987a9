"""เครื่องมือวัด as documents: the PDF (Sarabun embedded, the Thai text readable) and the DOCX (Thai
written through the complex-script attributes), for an officer and a school; downloads audited."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from factories import make_instrument_draft
from signin import ensure_school, signed_in_client
from sqlalchemy import select

from itembank import service
from itembank.audit import AuditLog
from itembank.authz import Actor
from web.store_ext import get_store

RUBRIC = dict(
    code="RUB-1", title="เกณฑ์การให้คะแนนการเขียนเรียงความ", kind="rubric", purpose="reading_thinking_writing",
    criteria=({"text": "การใช้ภาษา <b>ถูกต้อง</b>"}, {"text": "การเรียงลำดับความคิด"}),
    levels=({"score": 3, "label": "ดีมาก", "description": "เขียนได้ถูกต้องครบถ้วน"},
            {"score": 2, "label": "พอใช้", "description": "มีข้อผิดพลาดเล็กน้อย"},
            {"score": 1, "label": "ปรับปรุง", "description": "มีข้อผิดพลาดมาก"}),
)


@pytest.fixture
def instruments(app):
    other = ensure_school(app, "1000000009", "โรงเรียนอื่น")
    with get_store(app).session() as s:
        service.save_instrument(s, Actor.system(), make_instrument_draft())
        service.save_instrument(s, Actor.system(), make_instrument_draft(**RUBRIC))
        service.save_instrument(s, Actor.system(), make_instrument_draft(code="CHK-OTHER", kind="checklist",
                                                                         title="แบบตรวจสอบของโรงเรียนอื่น",
                                                                         school_id=other))


def _pdf_text(data: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return text, fonts


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_rating_scale_prints_as_a_pdf_with_sarabun_embedded(app, client, instruments, tmp_path):
    r = client.get("/bank/instruments/TRAIT-1/pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    text, fonts = _pdf_text(r.data, tmp_path)
    assert "ยืนตรงเมื่อได้ยินเพลงชาติ" in text and "แบบประเมินคุณลักษณะอันพึงประสงค์" in text
    assert "ผู้ประเมิน" in text and "รวมคะแนน" in text
    sarabun = [line for line in fonts.splitlines() if "Sarabun" in line]
    assert sarabun and all(" yes " in line for line in sarabun)  # embedded


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_rubric_prints_its_scoring_criteria(app, client, instruments, tmp_path):
    text, _ = _pdf_text(client.get("/bank/instruments/RUB-1/pdf").data, tmp_path)
    assert "เกณฑ์การให้คะแนน" in text and "เขียนได้ถูกต้องครบถ้วน" in text and "การใช้ภาษา" in text


def test_the_docx_writes_thai_with_complex_script_fonts(app, client, instruments):
    from docx import Document

    r = client.get("/bank/instruments/RUB-1/docx")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    doc = Document(io.BytesIO(r.data))
    texts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    joined = "\n".join(texts)
    assert "เกณฑ์การให้คะแนนการเขียนเรียงความ" in joined and "ถูกต้อง" in joined and "มีข้อผิดพลาดมาก" in joined
    xml = doc.element.xml
    assert 'w:cs="Sarabun"' in xml and "w:szCs" in xml and 'w:bidi="th-TH"' in xml
    bold = [run for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for run in p.runs
            if run.text == "ถูกต้อง"]
    assert bold and bold[0]._r.rPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bCs") \
        is not None


def test_a_school_downloads_district_instruments_but_not_another_schools(app, instruments):
    school = signed_in_client(app, "school")
    assert school.get("/bank/instruments/TRAIT-1/docx").status_code == 200
    assert school.get("/bank/instruments/CHK-OTHER/pdf").status_code == 404
    assert school.get("/bank/instruments/NOPE/pdf").status_code == 404


def test_downloads_are_audited_and_anonymous_is_refused(app, client, anon, instruments):
    client.get("/bank/instruments/TRAIT-1/docx")
    with get_store(app).session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.object_type == "instrument")).all()
    assert [(r.object_id, r.detail.get("format")) for r in rows] == [("TRAIT-1", "docx")]
    assert anon.get("/bank/instruments/TRAIT-1/pdf").status_code == 302


def test_render_dispatches_instruments():
    from exports.instruments import InstrumentSheet
    from exports.render import formats_of

    assert formats_of(InstrumentSheet) == ("pdf", "docx")

"""ตอนที่ and คำชี้แจง come from the booklet's own items; date and year from the administration; the
variant large on the cover and in every page's header — in the PDF and in the DOCX alike."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document
from exports_pdftools import needs_poppler, text

from exports.booklet import booklet_parts, cover_instructions, render_booklet_pdf
from exports.data import Booklet, BookletItem, ItemKey
from exports.docx import booklet_docx
from exports.text import academic_term


def plain(text: str) -> str:
    """DOCX text without the break hints (U+200B between words, U+2060 inside)."""
    return text.replace("\u200b", "").replace("\u2060", "")


def mixed(variant: str = "B", exam_date: dt.date | None = None) -> Booklet:
    one = [BookletItem(f"S{k}", f"ข้อใดถูกต้อง {k}", ("ก1", "ข1", "ค1", "ง1"), 2) for k in range(6)]
    several = [BookletItem(f"M{k}", "ข้อใดเป็นจำนวนเฉพาะ (ตอบได้มากกว่า 1 ข้อ)", ("2", "4", "5", "9", "7"),
                           answer=ItemKey("several", (0, 2, 4))) for k in range(2)]
    written = [BookletItem("W1", "จงหาค่า 12 × 4", answer=ItemKey("numeric", accepted=("48",)), answer_lines=2),
               BookletItem("R1", "จงแสดงวิธีทำ", points=4, answer_lines=6, rubric=((4, "ถูกต้อง"), (0, "ผิด")))]
    return Booklet("F-1", variant, "แบบทดสอบปลายภาค", "คณิตศาสตร์", "ป.6", exam_date, 60, "เขต 1",
                   tuple(one + several + written))


def test_parts_follow_the_items_and_the_cover_says_what_to_do() -> None:
    b = mixed()
    parts = booklet_parts(b)
    assert [(p.kind, p.first, p.last) for p in parts] == [
        ("choice", 1, 6), ("several", 7, 8), ("written", 9, 9), ("working", 10, 10)]
    lines = " ".join(cover_instructions(b))
    assert "4 ตอน" in lines and "คำชี้แจงที่หัวของแต่ละตอน" in lines  # each part's heading instructs
    assert "ห้ามขีดเขียนหรือทำเครื่องหมายใด ๆ" not in lines  # written parts are answered in the booklet
    assert "ชุด B" in lines and "เลขที่" in lines and "ส่งแบบทดสอบฉบับนี้คืน" in lines
    only_choice = Booklet(**{**b.__dict__, "items": b.items[:6]})
    text_one = " ".join(cover_instructions(only_choice))
    assert "เพียงคำตอบเดียว" in text_one and "ห้ามขีดเขียน" in text_one and "ตอนที่" not in text_one


def test_academic_term_from_the_exam_date() -> None:
    assert academic_term(dt.date(2026, 2, 20)) == "ภาคเรียนที่ 2 ปีการศึกษา 2568"
    assert academic_term(dt.date(2025, 8, 1)) == "ภาคเรียนที่ 1 ปีการศึกษา 2568"
    assert academic_term(dt.date(2025, 11, 20)) == "ภาคเรียนที่ 2 ปีการศึกษา 2568"
    assert academic_term(None) == ""


@needs_poppler
def test_pdf_prints_parts_variant_in_every_header_and_no_render_date(tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    render_booklet_pdf(mixed(), out)
    pages = text(out).split("\f")
    cover = pages[0]
    assert "ชุด" in cover and "B" in cover and "ปีการศึกษา" not in cover  # no date given: no year made up
    assert "สอบวันที่" in cover and "พ.ศ." not in cover  # a blank to fill, not today's date
    assert "หน้า (รวมหน้าปก)" in cover
    body = "\n".join(pages[1:])
    assert "ตอนที่ ๑" in body and "ตอนที่ ๒" in body and "ตอนที่ ๔" in body
    assert all("ชุด B" in p for p in pages[1:] if p.strip())
    dated = tmp_path / "d.pdf"
    render_booklet_pdf(mixed(exam_date=dt.date(2026, 2, 20)), dated)
    assert "๒๐ กุมภาพันธ์ พ.ศ. ๒๕๖๙" in text(dated) and "ปีการศึกษา ๒๕๖๘" in text(dated)


def test_docx_has_the_same_parts_and_cover() -> None:
    doc = Document(io.BytesIO(booklet_docx(mixed())))
    body = plain("\n".join(p.text for p in doc.paragraphs))
    cells = plain("\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells))
    assert "ตอนที่ ๒" in body and "ตอนที่ ๔" in body and "ตอนที่ ๒" in cells
    assert "ชุด B" in plain("\n".join(p.text for s in doc.sections for p in s.header.paragraphs))
    assert "เพียงคำตอบเดียว" in body and "หน้า (รวมหน้าปก)" in body  # the part heading's instruction

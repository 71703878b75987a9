"""Thai lines break only where segmentation marks them (render_pdf(marked_breaks=True)), with no element
per word: real WeasyPrint renders of a narrow column, read back with poppler."""

from __future__ import annotations

import re
from pathlib import Path

from exports_pdftools import needs_poppler, nfkc, text

from exports.pdf import font_face_css, render_pdf
from exports.text import segment_html

pytestmark = needs_poppler

# words libthai cuts (ผู้อำนวย|การ, ประถม|ศึกษา, มาก|กว่า ...) that our dictionary keeps whole
WORDS = ("ผู้อำนวยการ", "ข้อใด", "ถูกต้อง", "ประถมศึกษา", "มากกว่า", "ตรงข้าม", "ผู้ซื้อ", "จำนวน")


def _lines(body: str, tmp_path: Path, *, marked: bool, width_mm: float = 24) -> list[str]:
    html = (f"<html><head><style>{font_face_css()} body {{ font-family: Sarabun; font-size: 12pt; "
            f"width: {width_mm}mm; margin: 0 }} @page {{ size: A5; margin: 10mm }}</style></head>"
            f"<body><p>{body}</p></body></html>")
    out = tmp_path / f"lines_{marked}.pdf"
    out.write_bytes(render_pdf(html, marked_breaks=marked))
    return [line.strip() for line in text(out).replace("\u200b", "").split("\n") if line.strip()]


def _whole(line: str) -> bool:
    return re.fullmatch("(?:" + "|".join(nfkc(w) for w in WORDS) + ")+", line) is not None


def test_marked_breaks_end_every_line_between_two_words(tmp_path: Path) -> None:
    body = "\u200b".join(WORDS * 4)
    marked = _lines(body, tmp_path, marked=True)
    assert len(marked) > 8 and all(_whole(line) for line in marked), marked
    plain = _lines(body, tmp_path, marked=False)  # Pango's libthai alone cuts words: the check can fail
    assert not all(_whole(line) for line in plain), plain


def test_numbers_keep_their_units_and_codes_stay_whole(tmp_path: Path) -> None:
    body = segment_html("ถ้าออกพร้อมกันเวลา 06.00 น. รหัส P6-MA-2568-1 ราคา 1,250 บาท ส่วนลด 0.04 " * 3)
    assert "\u00a0" in body and "<span" not in body  # a unit held by U+00A0, no element per word
    lines = _lines(body, tmp_path, marked=True, width_mm=30)
    assert len(lines) > 6
    for a, b in zip(lines, lines[1:], strict=False):
        assert not b.startswith(("น.", "บาท", "-", ".")), (a, b)
    assert all("P6-MA-2568-1" in line for line in lines if "P6" in line)

"""Options laid out like Thai exams (issue 14 part 5): short options share a line, in the PDF and the
DOCX alike, read in the order ก ข ค ง; long ones and pictures keep a line each."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from exports_pdftools import _reading_order, needs_poppler, words

from demo.documents import demo_booklet
from exports.booklet import option_columns, printed_length, render_booklet_pdf
from exports.data import THAI_OPTION_LETTERS, BookletItem


def test_how_many_options_share_a_line():
    assert printed_length("ลูกบาศก์") == 6            # marks above and below take no width
    assert option_columns(("3", "5", "825", "15")) == 4
    assert option_columns(("14 สัน", "9 สัน", "13 สัน", "12 สัน")) == 4   # ั takes no width
    assert option_columns(("216 คน", "226 คน", "254 คน", "264 คน")) == 2
    assert option_columns(("รูปสามเหลี่ยมมุมแหลม", "รูปสามเหลี่ยมมุมป้าน", "ก", "ข")) == 1
    assert option_columns(("1", "2", "3")) == 1                         # three options: one per line
    assert option_columns(('<img src="data:image/png;base64,AA">', "2", "3", "4")) == 1


@needs_poppler
def test_short_options_print_side_by_side_in_reading_order(tmp_path: Path):
    b = demo_booklet("A")
    short = BookletItem("SHORT-1", "๗ × ๘ เท่ากับเท่าใด", ("54", "56", "58", "64"), key=2)
    b = replace(b, items=(short, *b.items[1:]))
    out = tmp_path / "b.pdf"
    render_booklet_pdf(b, out)
    ws = _reading_order([w for w in words(out) if w.page > 1])
    letters = [w for w in ws if w.text in {f"{t}." for t in THAI_OPTION_LETTERS[:4]}][:4]
    assert [w.text for w in letters] == [f"{t}." for t in THAI_OPTION_LETTERS[:4]]
    assert max(w.y0 for w in letters) - min(w.y0 for w in letters) < 2.5      # one line
    assert letters[0].x0 < letters[1].x0 < letters[2].x0 < letters[3].x0

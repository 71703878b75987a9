"""Formulas are set in the body's face (Sarabun, variables in its italic) at the body's size, in PDF and DOCX."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document

from exports.errors import ExportError
from exports.formula import FORMULA_SIZE_PT, formula_png, formula_svg, formula_width_mm

QUADRATIC = r"x = \frac{-b \pm \sqrt{b^{2} - 4ac}}{2a}"


def _faces(svg: bytes) -> set[str]:
    """The faces whose glyph outlines an SVG of matplotlib uses (ids are "<postscript name>-<glyph>")."""
    return {m.decode() for m in re.findall(rb'<path id="([A-Za-z]+(?:-[A-Za-z]+)?)-[0-9a-f]+"', svg)}


def test_letters_digits_and_operators_come_from_sarabun():
    faces = _faces(formula_svg(QUADRATIC))
    assert {"Sarabun-Regular", "Sarabun-Italic"} <= faces
    assert not any(f.startswith("DejaVu") for f in faces), faces  # the old face is gone
    assert _faces(formula_svg(r"7 \times 8 = 56")) == {"Sarabun-Regular"}


def test_greek_falls_back_to_a_bundled_sans_math_face():
    faces = _faces(formula_svg(r"\alpha + \theta = 2\pi r"))
    assert "Sarabun-Regular" in faces and "Sarabun-Italic" in faces
    assert all(f.startswith(("Sarabun", "STIX")) for f in faces), faces


def test_a_formula_is_drawn_at_the_body_size():
    one = re.search(rb'height="([0-9.]+)pt"', formula_svg("x"))
    assert one is not None and 0.5 * FORMULA_SIZE_PT <= float(one[1]) <= 1.3 * FORMULA_SIZE_PT
    # a displayed fraction keeps full-size numerator and denominator (\dfrac), so it is taller than one line
    frac = re.search(rb'height="([0-9.]+)pt"', formula_svg(r"\frac{1}{2}"))
    assert frac is not None and float(frac[1]) > 1.8 * FORMULA_SIZE_PT


def test_docx_picture_is_as_wide_as_the_pdf_formula(tmp_path):
    from demo.documents import demo_booklet
    from exports.docx import booklet_docx

    booklet = demo_booklet("A")
    formula_items = [i for i in booklet.items if i.formula is not None]
    assert formula_items
    data = booklet_docx(booklet, tmp_path / "b.docx")
    widths = [s.width.mm for s in Document(io.BytesIO(data)).inline_shapes]
    want = formula_width_mm(formula_items[0].formula.tex)
    assert 20 < want < 40
    assert any(abs(w - want) < 0.2 for w in widths), (want, widths)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())


def test_a_bad_formula_is_refused_in_thai():
    with pytest.raises(ExportError) as e:
        formula_png(r"\frac{1}{")
    assert "เขียนสูตร" in e.value.text("th")

"""Formulas as pictures: matplotlib mathtext (a TeX subset) → SVG for PDF, PNG for DOCX.

WeasyPrint has no MathML, and LibreOffice needs an extra package for OMML, so a formula is drawn
once by matplotlib with its glyphs as outlines (no font to fetch, nothing to sandbox).

The face is the body's: letters, digits and the operators Sarabun has (+ − ± × ÷ = ≤ √ …) come from
the bundled Sarabun (variables in its italic, as the stem sets ``<i>a</i>``), so a formula reads as
part of the item; what Sarabun lacks (Greek letters, a tall radical sign, big delimiters) falls back to
the STIX sans faces matplotlib ships (mathtext offers no other sans fallback). :data:`FORMULA_SIZE_PT` matches the body
(12 pt Sarabun in the booklet; :func:`exports.booklet._svg_img` draws the SVG at its own size).
"""

from __future__ import annotations

import io
import re
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
from matplotlib import mathtext, rc_context  # noqa: E402

from exports.errors import ExportError  # noqa: E402
from exports.plots import register_fonts  # noqa: E402

#: Point size a formula is drawn at: the booklet's body size, so the picture is placed at 1:1.
FORMULA_SIZE_PT = 12.0

#: mathtext in the body's face (see the module's docstring).
MATH_STYLE = {
    "mathtext.fontset": "custom",
    "mathtext.rm": "Sarabun",
    "mathtext.it": "Sarabun:italic",
    "mathtext.bf": "Sarabun:bold",
    "mathtext.bfit": "Sarabun:bold:italic",
    "mathtext.sf": "Sarabun",
    "mathtext.cal": "Sarabun:italic",
    "mathtext.tt": "DejaVu Sans Mono",
    "mathtext.fallback": "stixsans",
    "font.size": FORMULA_SIZE_PT,
    "svg.fonttype": "path",
    "svg.hashsalt": "khlang",
}


_DISPLAY_FRAC = re.compile(r"\\frac(?![a-zA-Z])")


@lru_cache(maxsize=512)
def formula_svg(tex: str) -> bytes:
    """SVG bytes of `tex` (without surrounding ``$``), glyphs as paths."""
    return _draw(tex, "svg")


def formula_width_mm(tex: str) -> float:
    """Width of `tex` set at :data:`FORMULA_SIZE_PT`, in mm: a DOCX picture of this width matches the body."""
    m = re.search(rb'width="([0-9.]+)pt"', formula_svg(tex))
    return float(m[1]) * 25.4 / 72 if m else 40.0


@lru_cache(maxsize=512)
def formula_png(tex: str, dpi: int = 300) -> bytes:
    """PNG bytes of `tex` at `dpi`, for DOCX."""
    return _draw(tex, "png", dpi)


def _draw(tex: str, fmt: str, dpi: int = 72) -> bytes:
    tex = _DISPLAY_FRAC.sub(r"\\dfrac", tex)  # a displayed formula: fractions at full size, as in print
    out = io.BytesIO()
    register_fonts()
    try:
        with rc_context(MATH_STYLE):
            mathtext.math_to_image(f"${tex}$", out, dpi=dpi, format=fmt)
    except ValueError as e:
        raise ExportError(
            "formula.invalid",
            message_th=f"เขียนสูตร {tex!r} ไม่ได้: {e}",
            message_en=f"cannot typeset formula {tex!r}: {e}",
        ) from e
    return out.getvalue()

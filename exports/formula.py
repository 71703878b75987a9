"""Formulas as pictures: matplotlib mathtext (a TeX subset) → SVG for PDF, PNG for DOCX.

WeasyPrint has no MathML, and LibreOffice needs an extra package for OMML, so a formula is drawn
once by matplotlib with its glyphs as outlines (no font to fetch, nothing to sandbox).
"""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
from matplotlib import mathtext, rc_context  # noqa: E402

from exports.errors import ExportError  # noqa: E402


@lru_cache(maxsize=512)
def formula_svg(tex: str) -> bytes:
    """SVG bytes of `tex` (without surrounding ``$``), glyphs as paths."""
    return _draw(tex, "svg")


@lru_cache(maxsize=512)
def formula_png(tex: str, dpi: int = 300) -> bytes:
    """PNG bytes of `tex` at `dpi`, for DOCX."""
    return _draw(tex, "png", dpi)


def _draw(tex: str, fmt: str, dpi: int = 72) -> bytes:
    out = io.BytesIO()
    try:
        with rc_context({"svg.fonttype": "path", "mathtext.fontset": "dejavusans", "svg.hashsalt": "khlang"}):
            mathtext.math_to_image(f"${tex}$", out, dpi=dpi, format=fmt)
    except ValueError as e:
        raise ExportError(
            "formula.invalid",
            message_th=f"เขียนสูตร {tex!r} ไม่ได้: {e}",
            message_en=f"cannot typeset formula {tex!r}: {e}",
        ) from e
    return out.getvalue()

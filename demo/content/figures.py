"""The demo's item figures as SVG, labelled in Thai (8 ซม., never 8 cm).

Labels are drawn as glyph outlines of the bundled Sarabun face, so a figure prints the same in every
renderer (WeasyPrint's PDF, cairosvg's PNG for DOCX) whatever fonts the machine has. The shipped
``demo/assets/*.svg`` are written by :func:`write_assets`; a test checks they are up to date.
"""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def _font_path() -> Path:
    import fontpkg_sarabun

    return Path(fontpkg_sarabun.__file__).parent / "files" / "Sarabun-Regular.ttf"


def _label(text: str, x: float, y: float, size: float = 11.0, rotate: float = 0.0) -> str:
    """`text` as one SVG path, centred on x and sitting on the baseline y (rotated about (x, y))."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    path = TextPath((0, 0), text, size=size, prop=FontProperties(fname=_font_path()))
    width = path.get_extents().x1
    d: list[str] = []
    for verts, code in path.iter_segments(simplify=False, curves=True):
        pts = " ".join(f"{vx - width / 2:.2f},{-vy:.2f}" for vx, vy in verts.reshape(-1, 2))
        d.append({1: "M", 2: "L", 3: "Q", 4: "C", 79: "Z"}[int(code)] + ("" if int(code) == 79 else pts))
    turn = f" rotate({rotate:g})" if rotate else ""
    return f'<path transform="translate({x:g} {y:g}){turn}" d="{" ".join(d)}"/>'


def triangle_svg() -> str:
    """A right triangle with legs labelled 8 ซม. and 6 ซม. and the hypotenuse asked (?)."""
    return "\n".join([
        '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="110" viewBox="0 0 160 110">',
        '  <polygon points="20,95 140,95 20,15" fill="#eef3ff" stroke="#000" stroke-width="1.5"/>',
        '  <rect x="20" y="83" width="12" height="12" fill="none" stroke="#000" stroke-width="1"/>',
        '  <g fill="#000">',
        "    " + _label("8 ซม.", 80, 108),
        "    " + _label("6 ซม.", 14, 55, rotate=-90),
        "    " + _label("?", 92, 48),
        "  </g>",
        "</svg>",
        "",
    ])


FIGURES = {"triangle.svg": triangle_svg}


def write_assets(folder: Path = ASSETS) -> list[Path]:
    """Write every figure into `folder`; returns the paths written."""
    out = []
    for name, draw in FIGURES.items():
        path = folder / name
        path.write_text(draw(), encoding="utf-8")
        out.append(path)
    return out

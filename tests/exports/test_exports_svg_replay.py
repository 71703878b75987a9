"""render_pdf(reuse_columns=True) repeats the first drawing of an SVG picture that appears again."""

from __future__ import annotations

import base64
import io

import pikepdf

from exports.pdf import render_pdf

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="40pt" height="20pt" viewBox="0 0 40 20">'
       b'<path d="M 0 0 L 40 20 Z" style="stroke: #c00; fill: none"/><circle cx="10" cy="10" r="5" '
       b'style="fill: #00c; opacity: 1"/><rect x="20" y="2" width="10" height="8" fill="#080" fill-opacity="0.5"/></svg>')


def _html(svg: bytes = SVG) -> str:
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    imgs = "".join(f'<p style="color: #{k}{k}0">ข้อ {k} <img src="{uri}" style="width:{40 + (k % 2)}pt"></p>'
                   for k in range(1, 7))
    return f'<!DOCTYPE html><html lang="th"><body>{imgs}<p style="break-before: page">{imgs}</p></body></html>'


def _contents(pdf: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        out = []
        for page in doc.pages:
            page.contents_coalesce()
            out.append(page.obj.Contents.read_bytes())
        return out


def test_repeated_svg_draws_the_same_operators():
    plain = _contents(render_pdf(_html(), repair_text=False))
    replayed = _contents(render_pdf(_html(), repair_text=False, reuse_columns=True))
    assert len(plain) == 2
    assert replayed == plain
    assert plain[0].count(b" re") >= 6  # the pictures are really drawn, once each time they appear


def test_repeated_svg_is_walked_once_per_size(monkeypatch):
    from weasyprint.svg import SVG as Tree

    walks = []
    walk = Tree.draw
    monkeypatch.setattr(Tree, "draw", lambda self, *a: walks.append(1) or walk(self, *a))
    render_pdf(_html(), repair_text=False)
    assert len(walks) == 12
    walks.clear()
    render_pdf(_html(), repair_text=False, reuse_columns=True)
    assert 2 <= len(walks) < 12

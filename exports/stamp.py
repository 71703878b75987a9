"""Per-school copies of a rendered booklet, by stamping: one render of the variant, then overlays.

The stamps of all schools are typeset together by WeasyPrint (one small page per school, so Thai is
shaped and line-broken properly and the font is embedded once), then each school's stamp page is laid
over every page of the master with pikepdf as a Form XObject: the full stamp on the cover (the
school's name in the box the cover keeps free, see :data:`exports.booklet.COVER_SCHOOL_BOX_MM`,
plus the footer line) on the cover, and a footer-only stamp page on every other page.
"""

from __future__ import annotations

import io
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from exports.booklet import COVER_SCHOOL_BOX_MM
from exports.errors import ExportError
from exports.pdf import font_face_css, render_pdf
from exports.text import esc

MM = 72 / 25.4
A4 = (210.0, 297.0)
FOOTER_BOX_MM = (120.0, 3.0, 196.0, 17.0)  # x0, y0 (from the bottom), x1, y1: right part of the footer


@dataclass(frozen=True)
class SchoolStamp:
    """What is printed on a school's copy: its 10-digit MOE code and its name (without "โรงเรียน")."""

    code: str
    name: str


def stamps_html(schools: Sequence[SchoolStamp]) -> str:
    """One A4 page per school with its cover line and footer line at fixed places (mm)."""
    top, height = COVER_SCHOOL_BOX_MM
    x0, y0, x1, y1 = FOOTER_BOX_MM
    pages = "".join(
        f'<section><div class="cover">โรงเรียน{esc(s.name)}</div>{_foot(s)}</section><section>{_foot(s)}</section>'
        for s in schools
    )
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>{font_face_css()}
@page {{ size: A4; margin: 0; }}
html {{ font-family: "Sarabun", "Laksaman", sans-serif; }}
section {{ position: relative; width: {A4[0]}mm; height: {A4[1]}mm; break-after: page; overflow: hidden; }}
.cover {{ position: absolute; top: {top}mm; left: 14mm; right: 14mm; height: {height}mm;
          line-height: {height}mm; text-align: center; font-size: 15pt; font-weight: bold; white-space: nowrap; }}
.foot {{ position: absolute; left: {x0}mm; width: {x1 - x0}mm; bottom: {y0}mm; height: {y1 - y0}mm;
         line-height: {y1 - y0}mm; text-align: right; font-size: 8.5pt; color: #333; white-space: nowrap; }}
</style></head><body>{pages}</body></html>"""


def _foot(s: SchoolStamp) -> str:
    return f'<div class="foot">รหัสโรงเรียน {esc(s.code)} · {esc(s.name)}</div>'


def stamp_copies(
    master: bytes | str | Path,
    schools: Sequence[SchoolStamp],
    out_dir: str | Path,
    *,
    filename: str = "{code}.pdf",
) -> list[Path]:
    """Write one stamped copy of `master` per school into `out_dir`; return the paths in order.

    Parameters
    ----------
    master : bytes or path
        The rendered booklet of one variant (rendered with no school).
    schools : sequence of SchoolStamp
    out_dir : path
        Created if missing.
    filename : str, default="{code}.pdf"
        Format string with ``code`` (and ``n``, the 1-based position) for each file name.
    """
    if not schools:
        raise ExportError(
            "stamp.no_schools",
            message_th="ไม่มีรายชื่อโรงเรียนสำหรับพิมพ์สำเนา",
            message_en="no schools to stamp copies for",
        )
    codes = [s.code for s in schools]
    if len(set(codes)) != len(codes):
        dup = sorted({c for c in codes if codes.count(c) > 1})
        raise ExportError(
            "stamp.duplicate_school",
            message_th=f"รหัสโรงเรียนซ้ำ: {', '.join(dup)}",
            message_en=f"duplicate school codes: {', '.join(dup)}",
        )
    master_bytes = Path(master).read_bytes() if isinstance(master, (str, Path)) else master
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    with (
        pikepdf.open(io.BytesIO(render_pdf(stamps_html(schools)))) as stamps,
        pikepdf.open(io.BytesIO(master_bytes)) as doc,
    ):
        # one pair of Form XObjects laid over the pages once; per school only their content changes.
        # All stamp pages share one Resources dictionary (one font subset for every school).
        cover = doc.copy_foreign(stamps.pages[0].as_form_xobject())
        footer = doc.copy_foreign(stamps.pages[1].as_form_xobject())
        for k, page in enumerate(doc.pages):
            _overlay(doc, page, cover if k == 0 else footer)
        for n, school in enumerate(schools, start=1):
            cover.write(zlib.compress(_content(stamps.pages[2 * n - 2])), filter=pikepdf.Name.FlateDecode)
            footer.write(zlib.compress(_content(stamps.pages[2 * n - 1])), filter=pikepdf.Name.FlateDecode)
            path = out / filename.format(code=school.code, n=n)
            doc.save(path, **_SAVE)
            paths.append(path)
    return paths


_SAVE = {
    "compress_streams": False,  # every stream is compressed already: the master's, and the stamps above
    "stream_decode_level": pikepdf.StreamDecodeLevel.none,
    "object_stream_mode": pikepdf.ObjectStreamMode.preserve,
}


def _content(page: pikepdf.Page) -> bytes:
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    return b"\n".join(s.read_bytes() for s in streams)


def stamp_copy(master: bytes, school: SchoolStamp) -> bytes:
    """One stamped copy of `master` for `school` (a batch of one; prefer :func:`stamp_copies`)."""
    with tempfile.TemporaryDirectory(prefix="khlang-stamp-") as tmp:
        (path,) = stamp_copies(master, [school], tmp)
        return path.read_bytes()


def _overlay(doc: pikepdf.Pdf, page: pikepdf.Page, form: pikepdf.Object) -> None:
    """Draw `form` over `page`. The page's own (compressed) streams are kept as they are, wrapped in
    q … Q (WeasyPrint leaves a y-flip in effect); pikepdf's add_overlay would merge them into one
    uncompressed stream that every save then recompresses (150 ms a copy for 40 pages)."""
    name = page.add_resource(form, pikepdf.Name.XObject, prefix="Khlang")
    page.contents_add(pikepdf.Stream(doc, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(doc, b"\nQ q " + bytes(name) + b" Do Q\n"), prepend=False)


def render_school_copies(booklet, schools: Sequence[tuple[str, str]], out_dir: str | Path) -> list[Path]:
    """Render `booklet` (:class:`exports.data.Booklet`) once as PDF and write one stamped copy per
    (10-digit code, name) school into `out_dir`: the copies a release gives the schools."""
    from exports.render import render

    return stamp_copies(render(booklet, "pdf"), [SchoolStamp(code, name) for code, name in schools], out_dir)

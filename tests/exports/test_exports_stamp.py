"""Per-school copies: one render, then stamping; every page carries the school, nothing re-rendered."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from exports_pdftools import needs_poppler, text, words

from exports.errors import ExportError
from exports.stamp import SchoolStamp, stamp_copies

pytestmark = needs_poppler

SCHOOLS = [SchoolStamp("1040120345", "บ้านหนองบัววิทยาคม"), SchoolStamp("1040120346", "บ้านโคกสี")]


def test_each_copy_carries_its_school_on_every_page(demo_pdf: Path, tmp_path: Path) -> None:
    paths = stamp_copies(demo_pdf, SCHOOLS, tmp_path / "copies")
    assert [p.name for p in paths] == ["1040120345.pdf", "1040120346.pdf"]
    with pikepdf.open(demo_pdf) as master:
        n_pages = len(master.pages)
        first_stream = master.pages[1].obj.Contents.read_bytes()
    for school, path in zip(SCHOOLS, paths, strict=True):
        pages = text(path).split("\f")[:n_pages]
        assert len(pages) == n_pages
        assert all(f"รหัสโรงเรียน {school.code}" in p for p in pages)
        assert f"โรงเรียน{school.name}" in pages[0]
        assert all(f"โรงเรียน{school.name}" not in p for p in pages[1:])  # the name box is on the cover only
        with pikepdf.open(path) as copy:
            assert len(copy.pages) == n_pages
            contents = copy.pages[1].obj.Contents
            streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            drawn = b"\n".join(s.read_bytes() for s in streams)
            # the master's own drawing is kept byte for byte, wrapped in q … Q with the stamp after it
            assert first_stream in drawn and drawn.rstrip().endswith(b"Q")
    other = text(paths[1])
    assert SCHOOLS[0].code not in other


def test_stamps_sit_in_the_cover_box_and_the_footer(demo_pdf: Path, tmp_path: Path) -> None:
    (path,) = stamp_copies(demo_pdf, SCHOOLS[:1], tmp_path)
    mm = 72 / 25.4
    ws = words(path)
    name = next(w for w in ws if w.page == 1 and w.text.startswith("โรงเรียนบ้านหนองบัว"))
    assert 18 * mm <= name.y0 and name.y1 <= 30 * mm  # inside the 12 mm box under the top margin
    codes = [w for w in ws if w.text == SCHOOLS[0].code]
    assert len({w.page for w in codes}) == len({w.page for w in ws})
    assert all(w.y0 > w.page_height - 20 * mm and w.x0 > w.page_width / 2 for w in codes)


def test_duplicate_school_codes_are_refused(demo_pdf: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError) as e:
        stamp_copies(demo_pdf, [SCHOOLS[0], SCHOOLS[0]], tmp_path)
    assert e.value.code == "stamp.duplicate_school" and "1040120345" in str(e.value)

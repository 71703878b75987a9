"""Every demo form, every variant, PDF and DOCX: no Thai word broken across lines, and a DOCX that reads
like the PDF (same digits, codes as written)."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from exports_pdftools import bad_line_ends, body_lines, line_breaks, nfkc, text

sys.path.insert(0, str(Path(__file__).parent.parent / "testgen"))
from demodb import DEMO_GROUP  # noqa: E402
from keys_e2e import seeded_demo_url  # noqa: E402

from exports.booklet import render_booklet_pdf  # noqa: E402
from exports.docx import booklet_docx, docx_to_pdf  # noqa: E402
from itembank.authz import Actor  # noqa: E402
from itembank.store import Store  # noqa: E402
from testgen.booklets import build_booklet  # noqa: E402
from testgen.forms import form_variants, get_form, list_forms  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(DEMO_GROUP),  # the run's one demo seed (demodb)
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]


@pytest.fixture(scope="module")
def booklets(tmp_path_factory):
    store = Store(seeded_demo_url(tmp_path_factory))
    actor = Actor.system()
    out = []
    with store.read_session() as s:
        for f in list_forms(s, actor):
            for v in form_variants(s, get_form(s, actor, f.code)):
                out.append(build_booklet(s, actor, f.code, v.label, district="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ เขต 1"))
    store.dispose()
    return out


def _source(b) -> str:
    parts = [b.title, b.district, *(i.stem for i in b.items), *(o for i in b.items for o in i.options),
             *(p.text for p in b.passages)]
    return re.sub(r"<[^>]+>", " ", " ".join(parts))


def test_every_demo_form_and_variant_breaks_thai_lines_only_between_words(booklets, tmp_path):
    assert len(booklets) >= 12
    checked = 0
    for b in booklets:
        pdf = tmp_path / f"{b.form_code}_{b.variant}.pdf"
        render_booklet_pdf(b, pdf)
        n, bad = bad_line_ends(line_breaks(body_lines(pdf)), _source(b))
        checked += n
        assert bad == [], (b.form_code, b.variant, bad)
    assert checked > 60  # fewer line ends since short options share a line


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_the_docx_of_every_demo_form_breaks_between_words_and_reads_like_the_pdf(booklets, tmp_path):
    for b in [x for x in booklets if x.variant == "A"]:
        docx = tmp_path / f"{b.form_code}.docx"
        booklet_docx(b, docx)
        pdf = docx_to_pdf(docx, tmp_path)
        n, bad = bad_line_ends(line_breaks(body_lines(pdf, top_mm=16, bottom_mm=18)), _source(b))
        assert n > 3 and bad == [], (b.form_code, bad)
        got = text(pdf).replace("\u200b", "").replace("\u2060", "")
        assert b.form_code in got  # codes as written, never in Thai digits
        assert "๑" in got and nfkc("ส่งคืนพร้อมกระดาษคำตอบ") in got  # the cover's page line

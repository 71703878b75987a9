"""DOCX booklet and key: the Thai complex-script recipe in the XML, and a real LibreOffice render."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from exports_pdftools import assert_items_whole, fonts, needs_poppler, nfkc, text, words
from lxml import etree

from demo.documents import demo_booklet
from exports.data import AnswerKey
from exports.docx import booklet_docx, docx_to_pdf, key_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed"
)


def _xml(docx: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read(part))


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "booklet_A.docx"
    booklet_docx(demo_booklet("A"), out)
    return out


def test_every_thai_run_carries_the_complex_script_font_size_and_language(docx_path: Path) -> None:
    doc = _xml(docx_path, "word/document.xml")
    runs = [r for r in doc.iter(f"{W}r") if any("\u0e00" <= ch <= "\u0e7f" for ch in "".join(r.itertext()))]
    assert len(runs) > 300
    for r in runs:
        rpr = r.find(f"{W}rPr")
        fonts_el = rpr.find(f"{W}rFonts")
        assert fonts_el.get(f"{W}cs") == "Sarabun" and fonts_el.get(f"{W}ascii") == "Sarabun"
        assert fonts_el.get(f"{W}cstheme") is None and fonts_el.get(f"{W}asciiTheme") is None
        assert rpr.find(f"{W}szCs").get(f"{W}val") == rpr.find(f"{W}sz").get(f"{W}val")
        # digits 0-9 left in the text are written as they are (codes, numbers in items): an English run,
        # so LibreOffice's context numerals do not print them in Thai digits (exports.docx._as_written)
        as_written = any("0" <= ch <= "9" for ch in "".join(r.itertext()))
        assert rpr.find(f"{W}lang").get(f"{W}bidi") == ("en-US" if as_written else "th-TH")
        if rpr.find(f"{W}b") is not None:
            assert rpr.find(f"{W}bCs").get(f"{W}val") == rpr.find(f"{W}b").get(f"{W}val")
    styles = _xml(docx_path, "word/styles.xml")
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}rFonts").get(f"{W}cs") == "Sarabun"
    assert defaults.find(f"{W}rFonts").get(f"{W}cstheme") is None
    assert defaults.find(f"{W}lang").get(f"{W}bidi") == "th-TH"


def test_items_are_kept_together_in_two_columns(docx_path: Path) -> None:
    doc = _xml(docx_path, "word/document.xml")
    cols = [c for c in doc.iter(f"{W}cols") if c.get(f"{W}num") == "2"]
    assert cols, "no two-column section"
    body_paras = list(doc.iter(f"{W}p"))
    keep = sum(1 for p in body_paras if p.find(f"{W}pPr/{W}keepLines") is not None)
    assert keep > 0.8 * len(body_paras)
    rows = list(doc.iter(f"{W}tr"))
    assert rows and all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    for tbl in doc.iter(f"{W}tbl"):
        assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        assert tbl.find(f"{W}tblPr/{W}tblW").get(f"{W}type") == "dxa"


@needs_soffice
@needs_poppler
def test_libreoffice_renders_thai_in_sarabun_with_no_item_split(docx_path: Path, tmp_path: Path) -> None:
    pdf = docx_to_pdf(docx_path, tmp_path)
    rows = fonts(pdf)
    assert rows and all("Sarabun" in r["name"] and r["emb"] == "yes" for r in rows), rows
    got = text(pdf)
    for s in ("แบบทดสอบวัดผลสัมฤทธิ์ทางการเรียน", "สำนักงานเขตพื้นที่การศึกษา", "คำชี้แจง", "ห.ร.ม. ของ"):
        assert nfkc(s) in got, s
    # page fields; LibreOffice shows them in Thai digits (CTLTextNumerals) but keeps 0-9 in the text layer
    assert re.search(r"หน้า 2/[45]\b", got)  # 4 pages since short options share a line
    assert_items_whole(demo_booklet("A"), words(pdf))


@needs_soffice
@needs_poppler
def test_key_docx_renders_letters_per_variant(tmp_path: Path) -> None:
    keys = [AnswerKey.from_booklet(demo_booklet(v)) for v in "AB"]
    path = tmp_path / "key.docx"
    key_docx(keys, path)
    got = text(docx_to_pdf(path, tmp_path))
    assert "ชุด A" in got and "ชุด B" in got and "เกณฑ์การให้คะแนนข้อ" in got

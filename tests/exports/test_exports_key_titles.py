"""Keys and sheets of the form's own order name no empty variant (issue 14): the key printed in form order said
"ชุด ·", the DOCX key "ชุด" at the end of its line, the DOCX booklet's cover "ชุด" alone, and a form's own answer
sheet named the form's code twice ("การสอบ F · แบบทดสอบ F"). Checked on what is printed: pdftotext of the PDF,
of LibreOffice's rendering of the DOCX, and the DOCX's paragraphs."""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from exports_pdftools import needs_poppler, nfkc, run, text

from demo.documents import demo_booklet
from exports.answer_sheet import render_answer_sheet
from exports.data import AnswerKey, AnswerSheetSpec
from exports.docx import booklet_docx, docx_to_pdf, key_docx
from exports.keys import FORM_ORDER, render_key_pdf, variant_name

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

#: an empty field where a value was meant to be: "ชุด" with nothing after it, two separators in a row, a label
#: ending its line with a colon or a separator
EMPTY_FIELD = re.compile(r"ชุด\s*(?:·|$)|·\s*·|·\s*$|^\s*·|:\s*$", re.M)


def _form_order() -> AnswerKey:
    return AnswerKey.from_booklet(replace(demo_booklet("A"), variant=""))


def _lines(got: str) -> list[str]:
    return [line for line in got.splitlines() if line.strip()]


def test_variant_name() -> None:
    assert variant_name("B") == "ชุด B"
    assert variant_name("") == variant_name("  ") == FORM_ORDER and "ชุด" not in FORM_ORDER.split("(")[0]


@needs_poppler
def test_key_pdf_of_the_form_order_names_the_order_not_an_empty_variant(tmp_path: Path) -> None:
    out = tmp_path / "key.pdf"
    render_key_pdf([_form_order(), AnswerKey.from_booklet(demo_booklet("B"))], out)
    got = text(out, raw=False)
    code = _form_order().form_code
    assert nfkc(f"แบบทดสอบ {code} · {FORM_ORDER} · ๔๐ ข้อ") in got
    assert nfkc(f"แบบทดสอบ {code} · ชุด B · ๔๐ ข้อ") in got
    assert [line for line in _lines(got) if EMPTY_FIELD.search(line)] == []


def test_key_docx_of_the_form_order_names_the_order() -> None:
    from docx import Document

    doc = Document(io.BytesIO(key_docx([_form_order(), AnswerKey.from_booklet(demo_booklet("B"))])))
    paras = [p.text.replace("\u200b", "").replace("\u2060", "") for p in doc.paragraphs]
    code = _form_order().form_code
    assert f"แบบทดสอบ {code} · {FORM_ORDER}" in paras and f"แบบทดสอบ {code} · ชุด B" in paras
    assert [p for p in paras if EMPTY_FIELD.search(p)] == []


@needs_soffice
@needs_poppler
def test_key_docx_through_libreoffice_prints_no_empty_variant(tmp_path: Path) -> None:
    path = tmp_path / "key.docx"
    key_docx(_form_order(), path)
    got = text(docx_to_pdf(path, tmp_path), raw=False)
    assert nfkc(FORM_ORDER) in got.replace("\n", " ")
    assert [line for line in _lines(got) if EMPTY_FIELD.search(line)] == []


def test_booklet_docx_cover_of_the_form_order_names_no_variant() -> None:
    from docx import Document

    code = demo_booklet("A").form_code
    for variant, line in (("", f"แบบทดสอบ {code}"), ("B", f"แบบทดสอบ {code} ชุด B")):
        doc = Document(io.BytesIO(booklet_docx(replace(demo_booklet("A"), variant=variant))))
        paras = [p.text.replace("\u200b", "").replace("\u2060", "") for p in doc.paragraphs]
        assert line in paras
        assert [p for p in paras if EMPTY_FIELD.search(p)] == []


@needs_poppler
def test_a_forms_own_answer_sheet_names_the_form_once(tmp_path: Path) -> None:
    own = AnswerSheetSpec(administration="M6-DEMO", form_code="M6-DEMO", n_items=40)
    render_answer_sheet(own, tmp_path / "own.pdf")
    head = _lines(text(tmp_path / "own.pdf", raw=False))[:4]
    assert any(line.strip().startswith("แบบทดสอบ M6-DEMO · แผ่นที่") for line in head), head
    assert not any("การสอบ" in line for line in head) and not any(EMPTY_FIELD.search(line) for line in head)
    given = replace(own, administration="ADM-2568-2-M6")
    render_answer_sheet(given, tmp_path / "adm.pdf")
    assert "การสอบ ADM-2568-2-M6 · แบบทดสอบ M6-DEMO" in text(tmp_path / "adm.pdf", raw=False)


@needs_poppler
def test_booklet_pdf_cover_of_the_form_order_names_no_variant(tmp_path: Path) -> None:
    from exports.booklet import render_booklet_pdf

    b = replace(demo_booklet("A"), variant="")
    render_booklet_pdf(b, tmp_path / "booklet.pdf")
    cover = _lines(text(tmp_path / "booklet.pdf", raw=False).split("\f")[0])
    assert any(line.strip() == f"แบบทดสอบ {b.form_code}" for line in cover), cover[-3:]
    assert [line for line in cover if EMPTY_FIELD.search(line)] == []


@needs_poppler
@pytest.mark.parametrize("variants", [(), ("A", "B")])
def test_the_attendance_sheet_has_a_variant_column_only_when_the_form_has_variants(tmp_path: Path, variants) -> None:
    from exports.data import Candidate, ProctorPack, ProctorRoom
    from exports.proctor import proctor_pack_pdf

    seats = tuple(Candidate(k, f"1{k:04d}", variant=variants[k % 2] if variants else "") for k in range(1, 5))
    pack = ProctorPack("ADM-2568-1", "สอบปลายปี คณิตศาสตร์ ป.6", "P6-MA-2568", "คณิตศาสตร์", "ป.6", 2568, 2, None, 60,
                       40, variants, "โรงเรียนบ้านนา", "1029020001", (ProctorRoom("ป.6", "1", seats),))
    (tmp_path / "kit.pdf").write_bytes(proctor_pack_pdf(pack))
    lines = nfkc(run("pdftotext", "-layout", "-enc", "UTF-8", tmp_path / "kit.pdf", "-")).splitlines()
    head = next(line for line in lines if nfkc("เลขประจำตัว") in line and "หมายเหตุ" in line)  # the header row
    assert ("ชุด" in head) == bool(variants), head
    rows = [line.split() for line in lines if re.fullmatch(r"\s*\S+\s+1000[1-4]\b.*", line)]
    assert [row[2:] for row in rows] == [[variants[k % 2]] if variants else [] for k in range(1, 5)]

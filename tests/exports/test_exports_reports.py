"""Reports: item analysis, school report and student slips in PDF (vector plots) and DOCX."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from exports_pdftools import fonts, needs_poppler, nfkc, run, text

from demo.documents import demo_item_stats, demo_school_report, demo_student_slip
from exports.plots import icc_figure, to_svg
from exports.reports import (
    item_report_docx,
    item_report_pdf,
    school_report_docx,
    school_report_pdf,
    student_slips_pdf,
)

pytestmark = pytest.mark.filterwarnings("error")


@needs_poppler
def test_item_report_has_tables_flags_and_vector_plots(tmp_path: Path) -> None:
    report = demo_item_stats()
    out = tmp_path / "items.pdf"
    item_report_pdf(report, out)
    got = text(out)
    for s in ("รายงานการวิเคราะห์ข้อสอบ", "สถิติรายข้อ (CTT)", "พารามิเตอร์ IRT (2PL)", "KR-20", "p นอกช่วง"):
        assert nfkc(s) in got, s
    assert all("Sarabun" in r["name"] for r in fonts(out))
    # the plots are SVG drawn as vector paths: no raster image in the PDF
    images = run("pdfimages", "-list", out).splitlines()[2:]
    assert images == []


def test_plots_are_svg_with_thai_drawn_as_paths() -> None:
    svg = to_svg(icc_figure(demo_item_stats().curves[:5], ["M6-001"]))
    assert svg.startswith(b"<?xml") and b"<svg" in svg and b"<path" in svg
    assert b"<text" not in svg  # glyphs are outlines (the text survives only in comments)


@needs_poppler
def test_school_report_and_slips_render_in_thai(tmp_path: Path) -> None:
    school_report_pdf(demo_school_report(), tmp_path / "school.pdf")
    got = text(tmp_path / "school.pdf")
    assert nfkc("ร้อยละของคะแนนเฉลี่ยรายสาระ") in got and "1040120345" in got and "๓๖ คน" in got
    student_slips_pdf([demo_student_slip()] * 3, tmp_path / "slips.pdf")
    slips = text(tmp_path / "slips.pdf")
    assert slips.count("กมลชนก") == 3 and "๓๑ / ๔๕" in slips


def test_docx_reports_carry_pictures_and_thai_runs(tmp_path: Path) -> None:
    for make, data in ((item_report_docx, demo_item_stats()), (school_report_docx, demo_school_report())):
        path = tmp_path / f"{make.__name__}.docx"
        make(data, path)
        with zipfile.ZipFile(path) as z:
            media = [n for n in z.namelist() if n.startswith("word/media/")]
            xml = z.read("word/document.xml").decode()
        assert len(media) >= 2 and 'w:cs="Sarabun"' in xml and 'w:bidi="th-TH"' in xml


@needs_poppler
def test_district_summary_ranks_schools(tmp_path: Path) -> None:
    from demo.documents import demo_district_summary
    from exports.reports import district_summary_docx, district_summary_pdf

    summary = demo_district_summary()
    district_summary_pdf(summary, tmp_path / "district.pdf")
    got = text(tmp_path / "district.pdf")
    best = max(summary.schools, key=lambda r: r.mean_percent)
    assert f"๑ {best.school_code} {best.school}" in got and "จำนวนโรงเรียน ๔๘ โรง".replace("ำ", "ํา") in got
    from docx import Document

    district_summary_docx(summary, tmp_path / "district.docx")
    cells = [c.text for t in Document(tmp_path / "district.docx").tables for r in t.rows for c in r.cells]
    assert best.school in cells  # "บ้านศิลา 1": its digit a run of its own (as written), the cell's text whole


def test_student_slips_docx_has_one_block_per_student(tmp_path: Path) -> None:
    from exports.reports import student_slips_docx

    student_slips_docx([demo_student_slip()] * 2, tmp_path / "slips.docx")
    with zipfile.ZipFile(tmp_path / "slips.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert xml.count("กมลชนก") == 2 and 'w:cs="Sarabun"' in xml


@needs_poppler
def test_a_school_named_with_its_prefix_is_named_once(tmp_path: Path) -> None:
    """Most schools' names begin with โรงเรียน: the reports print it once, in the PDF and the DOCX."""
    from dataclasses import replace

    from exports.reports import student_slips_docx

    report = replace(demo_school_report(), school="โรงเรียนบ้านหนองบัววิทยาคม")
    slip = replace(demo_student_slip(), school="โรงเรียนบ้านหนองบัววิทยาคม")
    school_report_docx(report, tmp_path / "school.docx")
    student_slips_pdf([slip], tmp_path / "slips.pdf")
    student_slips_docx([slip], tmp_path / "slips.docx")
    for docx in ("school.docx", "slips.docx"):
        with zipfile.ZipFile(tmp_path / docx) as z:
            xml = z.read("word/document.xml").decode()
        assert "โรงเรียนบ้านหนองบัว" in xml and "โรงเรียนโรงเรียน" not in xml
    got = text(tmp_path / "slips.pdf")
    assert "บ้านหนองบัว" in got and "โรงเรียนโรงเรียน" not in got

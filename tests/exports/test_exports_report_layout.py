"""Reports typeset with care (issue 14 part 10), checked on the PDF: table headers repeated on every page a table
continues on, no needless decimals, codes never broken across lines, no page (but the last) two-thirds empty,
two slips to a page with nothing cut off, plot legends clear of the curves and bars."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from exports_pdftools import MM, Word, needs_poppler, nfkc, rasterise, words
from PIL import Image

from exports.data import (
    BarChart,
    ItemCurve,
    ReportSection,
    ResultSlip,
    ResultSlips,
    ResultsReport,
    SignatureLine,
    TableBlock,
)
from exports.reports import (
    SHORT_TABLE_ROWS,
    result_slips_pdf,
    results_report_html,
    results_report_pdf,
    tidy_numbers,
)

pytestmark = pytest.mark.filterwarnings("error")

OFFICE = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครชัยบุรี เขต 2"
CODES = tuple(f"ค {s} ป.6/{k}" for s, k in (("1.1", 4), ("1.1", 6), ("1.1", 7), ("1.1", 9), ("1.1", 3), ("1.2", 1),
                                             ("2.1", 1), ("2.1", 3), ("2.2", 1), ("2.2", 3), ("2.2", 4), ("1.1", 1)))
SIGNS = (SignatureLine("ผู้รายงาน", position="นักวัดและประเมินผล"), SignatureLine("ผู้รับรอง"))
rng = np.random.default_rng(2568)


def _class_sheet(n_students: int = 76) -> ResultsReport:
    """A class score sheet as scoring builds it: 19 columns, one per indicator (codes as headers)."""
    header = ("เลขที่", "เลขประจำตัว", "ชื่อ-นามสกุล", "คะแนน", "ร้อยละ", "ระดับ", "ระดับคุณภาพ", *CODES)
    rooms = []
    for room, n in (("ป.6/1", n_students // 2), ("ป.6/2", n_students - n_students // 2)):
        rows = []
        for k in range(n):
            score = int(rng.integers(3, 30))
            rows.append((str(k + 1), f"0{len(rooms) + 1}{k + 1:03d}", f"ด.ญ.นักเรียน{k + 1} โรงเรียน1",
                         f"{score:.2f}", f"{100 * score / 30:.2f}", "2", "พอใช้",
                         *(str(int(v)) for v in rng.choice([0, 33, 50, 67, 100], len(CODES)))))
        rooms.append(ReportSection(room, f"ชั้น {room} ({n} คน)", tables=(("", TableBlock(header, tuple(rows))),)))
    return ResultsReport("class", OFFICE, "บัญชีคะแนน สอบวัดผลสัมฤทธิ์ คณิตศาสตร์ ป.6 ปลายปี 2568",
                         "โรงเรียนอนุบาลโนนสะอาด (1029020001) · P6-MA-2568", (("คะแนนเต็ม", "30.00"),),
                         tuple(rooms), landscape=True, reference="P6-MA-2568")


def _school_report(n_schools: int = 40) -> ResultsReport:
    overall = TableBlock(("รายการ", "โรงเรียน", "เขตพื้นที่"), (
        ("จำนวนผู้เข้าสอบ (คน)", "76", "608"), ("คะแนนเต็ม", "30.00", "30.00"), ("คะแนนเฉลี่ย", "14.68", "13.24"),
        ("คะแนนต่ำสุด", "0.00", "0.00"), ("มัธยฐาน (P50)", "15.00", "13.50")))
    indicators = TableBlock(("ตัวชี้วัด", "สิ่งที่วัด", "ร้อยละ โรงเรียน", "ร้อยละ เขต"), tuple(
        (c, "แสดงวิธีหาคำตอบของโจทย์ปัญหาเกี่ยวกับปริมาตรของรูปเรขาคณิตสามมิติที่ประกอบด้วยทรงสี่เหลี่ยมมุมฉาก",
         f"{v:.2f}", f"{w:.2f}") for c, v, w in zip(CODES, [50, 42.54, 38.2] * 4, [44, 51.32, 40] * 4, strict=True)))
    schools = TableBlock(("อันดับ", "รหัส", "โรงเรียน", "จำนวน (คน)", "ร้อยละ"), tuple(
        (str(k), f"10290200{k:02d}", f"โรงเรียนบ้านหนองบัวทองพัฒนาศึกษา{k}", str(int(rng.integers(5, 80))),
         f"{rng.uniform(20, 70):.2f}") for k in range(1, n_schools + 1)))
    chart = BarChart("ร้อยละของนักเรียนตามระดับคุณภาพ", ("ดีมาก", "ดี", "พอใช้", "ปรับปรุง"),
                     (("โรงเรียน", (15.8, 7.9, 28.9, 47.4)), ("เขตพื้นที่", (7.2, 10.0, 26.6, 56.1))), "ร้อยละ", 100)
    one_year = BarChart("ร้อยละของคะแนนเฉลี่ยรายปี", ("2568",), (("โรงเรียน", (48.9,)), ("เขตพื้นที่", (44.1,))))
    sections = (ReportSection("overall", "ผลการสอบโดยรวม", tables=(("", overall),), charts=(chart,)),
                ReportSection("indicators", "ผลการสอบรายตัวชี้วัด", tables=(("", indicators),)),
                ReportSection("years", "เปรียบเทียบกับปีการศึกษาที่ผ่านมา", charts=(one_year,)),
                ReportSection("schools", "ผลการสอบรายโรงเรียน", tables=(("", schools),)))
    return ResultsReport("district", OFFICE, "รายงานผลการสอบ ระดับเขตพื้นที่", "ภาคเรียนที่ 2 ปีการศึกษา 2568",
                         (("จำนวนผู้เข้าสอบ", "608 คน"), ("คะแนนเต็ม", "30.00")), sections, SIGNS)


def _slips(n: int = 7, n_indicators: int = 12) -> ResultSlips:
    slips = tuple(ResultSlip(f"01{k:03d}", "ป.6/1", str(k), f"ด.ช.นักเรียน{k} โรงเรียน1", 17, 30, 56.67, "1.5",
                             "พอใช้", "พอใช้", "ร้อยละ 50 ขึ้นไป", tuple(
                                 (CODES[i % len(CODES)], "แสดงวิธีหาคำตอบของโจทย์ปัญหาเกี่ยวกับปริมาตรของรูปเรขาคณิต"
                                  "สามมิติที่ประกอบด้วยทรงสี่เหลี่ยมมุมฉาก", 67.0, "ผ่าน") for i in range(n_indicators)))
                  for k in range(1, n + 1))
    return ResultSlips(OFFICE, "โรงเรียนอนุบาลโนนสะอาด", "ใบแจ้งผลการสอบ คณิตศาสตร์ ป.6", 2568, 2, slips,
                       (SignatureLine("ครูประจำชั้น"), SignatureLine("ผู้อำนวยการโรงเรียน")))


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    files = {"class": out / "class.pdf", "district": out / "district.pdf", "slips": out / "slips.pdf"}
    results_report_pdf(_class_sheet(), files["class"])
    results_report_pdf(_school_report(), files["district"])
    result_slips_pdf(_slips(), files["slips"])
    return files


def _lines(ws: list[Word]) -> list[list[Word]]:
    """Words of one page whose tops lie within 2 pt, left to right (table rows span the page)."""
    out: list[list[Word]] = []
    for w in sorted(ws, key=lambda w: (w.page, w.y0, w.x0)):
        if out and out[-1][0].page == w.page and abs(out[-1][0].y0 - w.y0) < 2:
            out[-1].append(w)
        else:
            out.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in out]


# ----------------------------------------------------------------------------- headers on every page


@needs_poppler
@pytest.mark.parametrize(("name", "key", "header"), [
    ("class", re.compile(r"^0[12]\d{3}$"), "ชื่อ-นามสกุล"),  # student codes; the name column's header
    ("district", re.compile(r"^10290200\d\d$"), "อันดับ"),  # school codes; the rank column's header
])
def test_a_table_continued_on_a_page_repeats_its_header_there(pdfs, name, key, header):
    ws = words(pdfs[name])
    pages = sorted({w.page for w in ws if key.match(w.text)})
    assert len(pages) >= 2, "the table must run over more than one page for this check to mean anything"
    for page in pages:
        first_row = min(w.y0 for w in ws if w.page == page and key.match(w.text))
        heads = [w for w in ws if w.page == page and w.text == header and w.y0 < first_row]
        assert heads, f"{name}: page {page} continues the table without its header"
    html = results_report_html(_class_sheet() if name == "class" else _school_report())
    assert html.count("<thead>") == html.count("<table class='data") and "table-header-group" in html


# ----------------------------------------------------------------------------- decimals


def test_tidy_numbers_drops_zero_decimals_only_where_the_whole_group_is_whole():
    rows = (("a", "30.00", "12.50"), ("b", "14.00", "42.54"), ("c", "0.00", "50.00"))
    assert tidy_numbers(("ห้อง", "คะแนน", "ร้อยละ"), rows) == [
        ["a", "30", "12.50"], ["b", "14", "42.54"], ["c", "0", "50.00"]]
    by_row = tidy_numbers(("รายการ", "โรงเรียน", "เขต"), (("คะแนนเต็ม", "30.00", "30.00"), ("เฉลี่ย", "14.68", "13.00")))
    assert by_row == [["คะแนนเต็ม", "30", "30"], ["เฉลี่ย", "14.68", "13.00"]]


_THAI = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@needs_poppler
def test_no_number_is_printed_with_more_decimals_than_its_column_needs(pdfs):
    got = [w.text.translate(_THAI) for w in words(pdfs["district"])]
    decimals = [re.fullmatch(r"-?[\d,]+\.(\d+)", t) for t in got]
    assert all(len(m[1]) <= 2 for m in decimals if m), "no number carries more than two decimals"
    zero = sorted(t for t, m in zip(got, decimals, strict=True) if m and set(m[1]) == {"0"})
    # whole numbers are printed whole (30 and 0 in the overall table and the facts); a ".00" is printed only in a
    # column (or a row of the overall table) that holds a fraction: 15.00 beside 13.50 (the median's row), 50.00,
    # 44.00 and 40.00 beside 42.54 and 51.32 in the indicators' columns (four times each)
    assert zero == sorted(["15.00"] + ["50.00"] * 4 + ["44.00"] * 4 + ["40.00"] * 4), zero
    lines = [" ".join(w.text for w in line) for line in _lines(words(pdfs["district"]))]
    full = [s for s in lines if s.startswith("คะแนนเต็ม")]
    assert full and all(".๐๐" not in s and ".00" not in s for s in full), full


# ----------------------------------------------------------------------------- codes


def _broken_codes(ws: list[Word]) -> list[str]:
    """Indicator codes (ค 1.1 ป.6/4, Arabic digits as printed) not whole on one line: a subject letter at a line's
    end or followed by a standard without its grade part, a standard that begins a line before its grade part,
    or a piece of a grade part (ป. or ป.6/). Option letters (ก ข ค ง) followed by other words are not codes."""
    standard, grade = re.compile(r"[0-9]+\.[0-9]+"), re.compile(r"[ปม]\.[0-9]+/[0-9]+")
    broken = []
    for line in _lines(ws):
        texts = [w.text for w in line]
        for k, t in enumerate(texts):
            where = f"p{line[0].page}: {' '.join(texts[max(0, k - 1):k + 3])}"
            glued = k + 1 < len(line) and line[k + 1].x0 - line[k].x1 < 1  # a mark pdftotext split off a word
            if re.fullmatch(r"[ทควสพศงต]", t) and not glued:
                rest = texts[k + 1:k + 3]
                if not rest or (standard.fullmatch(rest[0]) and not (len(rest) > 1 and grade.fullmatch(rest[1]))):
                    broken.append(where)
            elif re.fullmatch(r"[ปม]\.([0-9]+/)?", t):
                broken.append(where)
            elif k == 0 and standard.fullmatch(t) and len(texts) > 1 and grade.fullmatch(texts[1]):
                broken.append(where)
    return broken


@needs_poppler
@pytest.mark.parametrize("name", ["class", "district", "slips"])
def test_codes_are_never_broken_across_lines(pdfs, name):
    ws = words(pdfs[name])
    assert sum(1 for w in ws if w.text == "ค") >= 12  # the codes are there
    assert _broken_codes(ws) == []


# ----------------------------------------------------------------------------- page fill


def _used_fraction(png: Path, top_mm: float, bottom_mm: float, page_mm: float) -> float:
    """Share of the page's body (between the margins) above the lowest ink (the footer band left out)."""
    im = np.asarray(Image.open(png).convert("L"))
    px_per_mm = im.shape[0] / page_mm
    top, bottom = int(top_mm * px_per_mm), int((page_mm - bottom_mm) * px_per_mm)
    ink = np.flatnonzero((im[top:bottom] < 200).any(axis=1))
    return 0.0 if ink.size == 0 else (ink[-1] + 1) / (bottom - top)


@needs_poppler
@pytest.mark.parametrize(("name", "page_mm", "top_mm", "bottom_mm"), [
    ("class", 210, 14, 16), ("district", 297, 16, 18), ("slips", 297, 16, 18)])
def test_no_page_but_the_last_is_two_thirds_empty(pdfs, tmp_path, name, page_mm, top_mm, bottom_mm):
    pages = rasterise(pdfs[name], tmp_path, dpi=30)
    assert len(pages) >= 2
    used = [_used_fraction(p, top_mm, bottom_mm, page_mm) for p in pages]
    assert all(u >= 1 / 3 for u in used[:-1]), [f"{u:.2f}" for u in used]


# ----------------------------------------------------------------------------- slips


@needs_poppler
def test_two_slips_to_a_page_each_whole_within_its_half(pdfs):
    slips = _slips()
    ws = words(pdfs["slips"])
    assert max(w.page for w in ws) == -(-len(slips.slips) // 2)
    for k, s in enumerate(slips.slips):
        code = [w for w in ws if w.text == s.student_code]
        assert len(code) == 1 and code[0].page == k // 2 + 1
        page = code[0].page
        half = (code[0].page_height / 2) if k % 2 == 0 else code[0].page_height - 16 * MM
        # the slip's last line (its signature lines' ตำแหน่ง) lies on its page, before the cut line or the foot
        below = [w for w in ws if w.page == page and w.text.startswith(nfkc("ตำแหน่ง")) and w.y0 > code[0].y0]
        assert below and min(w.y1 for w in below) < half, (k, [w.y1 for w in below], half)


def test_a_short_table_moves_whole_and_a_chart_of_one_bar_per_series_is_left_out():
    html = results_report_html(_school_report())
    assert html.count("table class='data short'") == 2  # the overall and the indicator tables (≤ 14 rows)
    assert len(_school_report().sections[3].tables[0][1].rows) > SHORT_TABLE_ROWS
    assert "ร้อยละของคะแนนเฉลี่ยรายปี" not in html and html.count("<img") == 1


# ----------------------------------------------------------------------------- legends


def _overlaps(fig) -> list[str]:
    """Data drawn under a legend: line vertices or bar rectangles inside a legend's box (display coordinates)."""
    fig.draw_without_rendering()  # runs the constrained layout, as saving does
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert legends, "the figure has a legend"
    hits = []
    for legend in legends:
        box = legend.get_window_extent()
        for ax in fig.axes:
            for line in ax.get_lines():
                xy = line.get_transform().transform(np.column_stack(line.get_data()).astype(float))
                inside = (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)
                if inside.any():
                    hits.append(f"line {line.get_label()}")
            hits += [f"bar in {ax.get_title()}" for p in ax.patches if p.get_window_extent().overlaps(box)]
    return hits


def test_plot_legends_are_clear_of_the_curves_and_bars():
    from exports.plots import dd_figure, histogram_figure, icc_figure, information_figure
    from exports.supervision import bar_chart_figure

    curves = [ItemCurve(f"M6-{k:03d}", float(a), float(b)) for k, (a, b) in
              enumerate(zip(rng.uniform(0.6, 2.0, 12), rng.normal(0, 1, 12), strict=True))]
    figures = [icc_figure(curves, [c.item_id for c in curves[:4]]), information_figure(curves),
               histogram_figure(rng.integers(0, 31, 300).tolist(), 30),
               dd_figure([(f"{k}", float(p), float(r)) for k, (p, r) in
                          enumerate(zip(rng.uniform(0.1, 0.95, 30), rng.uniform(-0.1, 0.6, 30), strict=True))]),
               bar_chart_figure(BarChart("t", ("ดีมาก", "ดี", "พอใช้", "ปรับปรุง"),
                                         (("โรงเรียน", (15.8, 7.9, 28.9, 97.0)), ("เขต", (7.2, 10.0, 26.6, 56.1)))))]
    assert [_overlaps(f) for f in figures] == [[]] * len(figures)


def test_docx_tables_repeat_their_header_break_between_rows_and_keep_codes_whole(tmp_path):
    import io

    from docx import Document
    from docx.oxml.ns import qn

    from exports.reports import results_report_docx

    doc = Document(io.BytesIO(results_report_docx(_class_sheet(), tmp_path / "class.docx")))
    sheets = [t for t in doc.tables if len(t.columns) > 12]
    assert len(sheets) == 2
    for t in sheets:
        assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
        body_keeps = [p.paragraph_format.keep_with_next for r in t.rows[1:] for c in r.cells for p in c.paragraphs]
        assert not any(body_keeps)  # a long table may break between rows: no page pushed out empty
        header = [c.text for c in t.rows[0].cells]
        assert "ค\u00a01.1\u00a0ป.6/4" in header  # no-break spaces: a word processor keeps the code whole
        widths = [c.width.mm for c in t.rows[0].cells]
        assert sum(widths) < 270 and widths[2] == max(widths)  # the names get the widest column

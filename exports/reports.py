"""Reports in PDF and DOCX: item analysis (tables + ICC, information/SE and score plots), school report,
student result slips. Fed with plain data from :mod:`exports.data`; plots come from :mod:`exports.plots`
(SVG in the PDF, PNG in the DOCX)."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from exports.data import DistrictSummary, ItemStatsReport, SchoolReport, StudentSlip, TableBlock
from exports.docx import DEFAULT_FONT, DEFAULT_SIZE, _save, _Writer
from exports.pdf import ASSETS, SandboxFetcher, font_face_css, render_pdf
from exports.plots import (
    domains_figure,
    histogram_figure,
    icc_figure,
    information_figure,
    levels_figure,
    options_figure,
    schools_figure,
    to_png,
    to_svg,
)
from exports.text import digits, esc, thai_date

FLAG_COLUMNS = ("flag", "flags", "หมายเหตุ", "ข้อสังเกต")


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        from psychometrics.tables import fixed

        return fixed(v, 3)  # never "-0.000"
    return str(v)


def _plain_table(t: Any) -> tuple[str, tuple[str, ...], list[tuple[Any, ...]], tuple[str, ...]]:
    return str(t.title), tuple(map(str, t.columns)), list(t.rows), tuple(getattr(t, "notes", ()))


def _table_html(t: Any) -> str:
    title, columns, rows, notes = _plain_table(t)
    flag_cols = {k for k, c in enumerate(columns) if c.lower() in FLAG_COLUMNS}
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for k, v in enumerate(row):
            cls = ' class="num"' if isinstance(v, (int, float)) and not isinstance(v, bool) else ""
            if k in flag_cols and v:
                cls = ' class="flag"'
            cells.append(f"<td{cls}>{esc(_cell(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = "".join(f'<p class="notes">{esc(n)}</p>' for n in notes)
    # more than 8 columns: a landscape page (named page "wide") in a smaller size
    cls = "data wide" if len(columns) > 8 else "data"
    table = f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    html = f"<h2>{esc(title)}</h2>{table}{note}"
    return f'<div class="wide-page">{html}</div>' if len(columns) > 8 else html


def _figure_html(svg: bytes, caption: str) -> str:
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    return f'<div class="figure"><img src="{uri}" alt="{esc(caption)}"><div class="cap">{esc(caption)}</div></div>'


def _document(body: str, *, thai_digits: bool = True, landscape: bool = False) -> str:
    css = (ASSETS / "report.css").read_text(encoding="utf-8")
    counter = "thai" if thai_digits else "decimal"
    size = "A4 landscape" if landscape else "A4"
    return (
        f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>{font_face_css()}\n{css}\n'
        f'@page {{ size: {size}; @bottom-center {{ content: "หน้า " counter(page, {counter}) "/" '
        f"counter(pages, {counter}); }} }}</style></head><body>{body}</body></html>"
    )


def _flagged(report: ItemStatsReport) -> list[str]:
    """Item ids whose row in any table has a non-empty flag column."""
    ids: list[str] = []
    for t in report.tables:
        _, columns, rows, _ = _plain_table(t)
        lowered = [c.lower() for c in columns]
        flag = next((k for k, c in enumerate(lowered) if c in FLAG_COLUMNS), None)
        ident = next((k for k, c in enumerate(lowered) if c in ("item_id", "รหัสข้อสอบ", "item")), None)
        if flag is None or ident is None:
            continue
        ids += [str(r[ident]) for r in rows if r[flag]]
    return ids


def item_report_html(report: ItemStatsReport, *, thai_digits: bool = True) -> str:
    parts = [
        '<section class="report">',
        f"<h1>{esc(report.title)}</h1>",
        f'<p class="sub">แบบทดสอบ {esc(report.form_code)} · การสอบ {esc(report.administration)} · '
        f"จัดทำเมื่อ {esc(thai_date(report.created_on, thai_digits=thai_digits))}</p>",
    ]
    parts += [f'<p class="notes">{esc(n)}</p>' for n in report.notes]
    if report.total_scores:
        parts.append(
            _figure_html(to_svg(histogram_figure(report.total_scores, report.max_score)), "คะแนนรวม")
        )
    for t in report.tables:
        parts.append(_table_html(t))
    if report.curves:
        flagged = _flagged(report)[:8]
        parts.append("<h2>กราฟ</h2>")
        parts.append(_figure_html(to_svg(icc_figure(report.curves, flagged)), "เส้นหนา: ข้อที่ถูกทำเครื่องหมาย"))
        parts.append(
            _figure_html(to_svg(information_figure(report.curves)), "สารสนเทศและ SE ตามระดับความสามารถ")
        )
    if report.options:
        parts.append(_figure_html(to_svg(options_figure(report.options)), "การวิเคราะห์ตัวลวง"))
    parts.append("</section>")
    return _document("".join(parts), thai_digits=thai_digits)


def school_report_html(report: SchoolReport, *, thai_digits: bool = True) -> str:
    d = lambda v: esc(digits(v, thai_digits))  # noqa: E731
    facts = (  # codes stay in Arabic digits: people type them
        ("โรงเรียน", esc(f"{report.school} ({report.school_code})")),
        ("การสอบ", esc(report.administration)),
        ("จำนวนนักเรียนที่เข้าสอบ", d(f"{report.n_students} คน")),
        ("คะแนนเฉลี่ยร้อยละ", d(f"{report.mean_percent:.2f}")),
    )
    rows = "".join(f"<tr><td>{esc(k)}</td><td>{v}</td></tr>" for k, v in facts)
    domain_rows = "".join(
        f"<tr><td>{esc(x.domain)}</td><td class='num'>{x.school_mean:.2f}</td>"
        f"<td class='num'>{'' if x.district_mean is None else f'{x.district_mean:.2f}'}</td>"
        f"<td class='num'>{'' if x.nation_mean is None else f'{x.nation_mean:.2f}'}</td></tr>"
        for x in report.domains
    )
    body = (
        f'<section class="report"><h1>{esc(report.title)}</h1>'
        f'<p class="sub">จัดทำเมื่อ {esc(thai_date(report.created_on, thai_digits=thai_digits))}</p>'
        f'<table class="facts">{rows}</table>'
        '<h2>ร้อยละของคะแนนเฉลี่ยรายสาระ</h2><table class="data"><thead><tr><th>สาระ</th><th>โรงเรียน</th>'
        f"<th>เขตพื้นที่</th><th>ประเทศ</th></tr></thead><tbody>{domain_rows}</tbody></table>"
        + _figure_html(to_svg(domains_figure(report.domains)), "เทียบกับเขตพื้นที่และระดับประเทศ")
        + (_figure_html(to_svg(levels_figure(report.levels)), "ระดับคุณภาพ") if report.levels else "")
        + "</section>"
    )
    return _document(body, thai_digits=thai_digits)


def _district_rows(report: DistrictSummary) -> list[tuple[str, str, str, str, str]]:
    ranked = sorted(report.schools, key=lambda r: -r.mean_percent)
    return [
        (str(k), r.school_code, r.school, str(r.n_students), f"{r.mean_percent:.2f}")
        for k, r in enumerate(ranked, 1)
    ]


def _district_mean(report: DistrictSummary) -> float:
    n = sum(r.n_students for r in report.schools)
    return sum(r.mean_percent * r.n_students for r in report.schools) / n if n else 0.0


def district_summary_html(report: DistrictSummary, *, thai_digits: bool = True) -> str:
    mean = _district_mean(report)
    n = sum(r.n_students for r in report.schools)
    rows = "".join(
        f"<tr><td class='num'>{esc(digits(k, thai_digits))}</td><td>{esc(code)}</td><td>{esc(name)}</td>"
        f"<td class='num'>{esc(digits(count, thai_digits))}</td><td class='num'>{esc(pct)}</td></tr>"
        for k, code, name, count, pct in _district_rows(report)
    )
    domains = "".join(
        f"<tr><td>{esc(x.domain)}</td><td class='num'>{'' if x.district_mean is None else f'{x.district_mean:.2f}'}</td>"
        f"<td class='num'>{'' if x.nation_mean is None else f'{x.nation_mean:.2f}'}</td></tr>"
        for x in report.domains
    )
    body = (
        f'<section class="report"><h1>{esc(report.title)}</h1><p class="sub">{esc(report.district)} · '
        f"{esc(report.administration)} · จัดทำเมื่อ {esc(thai_date(report.created_on, thai_digits=thai_digits))}</p>"
        f'<table class="facts"><tr><td>จำนวนโรงเรียน</td><td>{esc(digits(len(report.schools), thai_digits))} โรง</td>'
        f"</tr><tr><td>จำนวนนักเรียน</td><td>{esc(digits(n, thai_digits))} คน</td></tr><tr><td>คะแนนเฉลี่ยร้อยละ "
        f"(ถ่วงด้วยจำนวนนักเรียน)</td><td>{esc(digits(f'{mean:.2f}', thai_digits))}</td></tr></table>"
        + _figure_html(
            to_svg(schools_figure([r.mean_percent for r in report.schools], mean)), "คะแนนเฉลี่ยรายโรงเรียน"
        )
        + (
            "<h2>รายสาระ</h2><table class='data'><thead><tr><th>สาระ</th><th>เขตพื้นที่</th><th>ประเทศ</th></tr>"
            f"</thead><tbody>{domains}</tbody></table>"
            if report.domains
            else ""
        )
        + "<h2>ผลรายโรงเรียน</h2><table class='data'><thead><tr><th>อันดับ</th><th>รหัส</th><th>โรงเรียน</th>"
        f"<th>นักเรียน</th><th>ร้อยละ</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )
    return _document(body, thai_digits=thai_digits)


def student_slips_html(slips: Sequence[StudentSlip], *, thai_digits: bool = True) -> str:
    parts = []
    for s in slips:
        rows = "".join(
            f"<tr><td>{esc(code)}</td><td class='num'>{esc(digits(f'{got:g}/{mx:g}', thai_digits))}</td>"
            f"<td>{esc(verdict)}</td></tr>"
            for code, got, mx, verdict in s.indicators
        )
        parts.append(
            f'<div class="slip" style="break-inside: avoid; margin-bottom: 8mm"><h1>{esc(s.title)}</h1>'
            f'<p class="sub">{esc(_school_name(s.school))}</p><table class="facts">'
            f"<tr><td>ชื่อ-นามสกุล</td><td>{esc(s.student_name)}</td><td>เลขประจำตัว</td>"
            f"<td>{esc(s.student_number)}</td></tr><tr><td>ชั้น</td><td>{esc(digits(s.class_room, thai_digits))}</td>"
            f"<td>เลขที่</td><td>{esc(digits(s.seat, thai_digits))}</td></tr></table>"
            f'<p class="big">{esc(digits(f"{s.score:g} / {s.max_score:g}", thai_digits))} คะแนน · '
            f"ระดับ {esc(digits(s.grade, thai_digits))}</p>"
            '<table class="data"><thead><tr><th>ตัวชี้วัด</th><th>คะแนน</th><th>ผล</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>"
        )
    return _document("".join(parts), thai_digits=thai_digits)


def _pdf(html: str, out: str | Path | None) -> bytes:
    pdf = render_pdf(html, fetcher=SandboxFetcher())
    if out is not None:
        Path(out).write_bytes(pdf)
    return pdf


def item_report_pdf(
    report: ItemStatsReport, out: str | Path | None = None, *, thai_digits: bool = True
) -> bytes:
    """รายงานการวิเคราะห์ข้อสอบ as PDF."""
    return _pdf(item_report_html(report, thai_digits=thai_digits), out)


def school_report_pdf(
    report: SchoolReport, out: str | Path | None = None, *, thai_digits: bool = True
) -> bytes:
    """รายงานผลระดับโรงเรียน as PDF."""
    return _pdf(school_report_html(report, thai_digits=thai_digits), out)


def district_summary_pdf(report: DistrictSummary, out: str | Path | None = None, *, thai_digits: bool = True
                         ) -> bytes:  # fmt: skip
    """รายงานสรุปผลระดับเขตพื้นที่ as PDF."""
    return _pdf(district_summary_html(report, thai_digits=thai_digits), out)


def student_slips_pdf(
    slips: Sequence[StudentSlip], out: str | Path | None = None, *, thai_digits: bool = True
) -> bytes:
    """ใบแจ้งผลรายบุคคล, two slips to a page, as PDF."""
    return _pdf(student_slips_html(slips, thai_digits=thai_digits), out)


def _docx_table(w: _Writer, t: Any) -> None:
    title, columns, rows, notes = _plain_table(t)
    w.para(title, bold=True, size=w.size + 1)
    width = 182.0
    block = TableBlock(
        columns, tuple(tuple(_cell(v) for v in r) for r in rows), tuple([width / len(columns)] * len(columns))
    )
    w.table(block, width)
    for n in notes:
        w.para(n, size=w.size - 1, keep_next=False)
    w.para("", keep_next=False)


def item_report_docx(
    report: ItemStatsReport, out: str | Path | None = None, *, font: str = DEFAULT_FONT
) -> bytes:
    """รายงานการวิเคราะห์ข้อสอบ as an editable DOCX (plots as PNG pictures)."""
    w = _Writer(font, DEFAULT_SIZE.get(font, 12.0) - 1, True)
    w.para(report.title, size=w.size + 5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.para(f"แบบทดสอบ {report.form_code} · การสอบ {report.administration} · จัดทำเมื่อ "
           f"{thai_date(report.created_on)}", align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=False)  # fmt: skip
    for n in report.notes:
        w.para(n, keep_next=False)
    if report.total_scores:
        w.picture(to_png(histogram_figure(report.total_scores, report.max_score)), 160, keep_next=False)
    for t in report.tables:
        _docx_table(w, t)
    if report.curves:
        w.picture(to_png(icc_figure(report.curves, _flagged(report)[:8])), 160, keep_next=False)
        w.picture(to_png(information_figure(report.curves)), 160, keep_next=False)
    if report.options:
        w.picture(to_png(options_figure(report.options)), 170, keep_next=False)
    w.footer(report.form_code)
    return _save(w.doc, out)


def school_report_docx(
    report: SchoolReport, out: str | Path | None = None, *, font: str = DEFAULT_FONT
) -> bytes:
    """รายงานผลระดับโรงเรียน as an editable DOCX."""
    w = _Writer(font, DEFAULT_SIZE.get(font, 12.0), True)
    w.para(report.title, size=w.size + 5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.para(f"{_school_name(report.school)} ({report.school_code}) · {report.administration}",
           align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=False)  # fmt: skip
    w.para(
        digits(f"จำนวนนักเรียน {report.n_students} คน · คะแนนเฉลี่ยร้อยละ {report.mean_percent:.2f}"),
        keep_next=False,
    )
    rows = tuple(
        (x.domain, f"{x.school_mean:.2f}", "" if x.district_mean is None else f"{x.district_mean:.2f}",
         "" if x.nation_mean is None else f"{x.nation_mean:.2f}")
        for x in report.domains
    )  # fmt: skip
    w.table(TableBlock(("สาระ", "โรงเรียน", "เขตพื้นที่", "ประเทศ"), rows, (70, 30, 30, 30)), 160)
    w.picture(to_png(domains_figure(report.domains)), 160, keep_next=False)
    if report.levels:
        w.picture(to_png(levels_figure(report.levels)), 120, keep_next=False)
    w.footer(report.school_code)
    return _save(w.doc, out)


def district_summary_docx(
    report: DistrictSummary, out: str | Path | None = None, *, font: str = DEFAULT_FONT
) -> bytes:
    """รายงานสรุปผลระดับเขตพื้นที่ as an editable DOCX."""
    w = _Writer(font, DEFAULT_SIZE.get(font, 12.0), True)
    w.para(report.title, size=w.size + 5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.para(f"{report.district} · {report.administration}", align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=False)
    mean = _district_mean(report)
    w.picture(to_png(schools_figure([r.mean_percent for r in report.schools], mean)), 160, keep_next=False)
    rows = tuple((digits(k), code, name, digits(n), pct) for k, code, name, n, pct in _district_rows(report))  # as the PDF
    w.table(TableBlock(("อันดับ", "รหัส", "โรงเรียน", "นักเรียน", "ร้อยละ"), rows, (16, 28, 80, 22, 22)), 168)
    w.footer(report.administration)
    return _save(w.doc, out)


def student_slips_docx(slips: Sequence[StudentSlip], out: str | Path | None = None, *, font: str = DEFAULT_FONT
                       ) -> bytes:  # fmt: skip
    """ใบแจ้งผลรายบุคคล as an editable DOCX, one slip after another."""
    w = _Writer(font, DEFAULT_SIZE.get(font, 12.0), True)
    for k, s in enumerate(slips):
        if k:
            w.para("", keep_next=False)
        w.para(s.title, size=w.size + 3, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        w.para(_school_name(s.school), align=WD_ALIGN_PARAGRAPH.CENTER)
        w.para(
            f"{s.student_name} · เลขประจำตัว {s.student_number} · ชั้น {digits(s.class_room)} เลขที่ {digits(s.seat)}"
        )
        w.para(digits(f"คะแนน {s.score:g} / {s.max_score:g} · ระดับ {s.grade}"), size=w.size + 4, bold=True)
        rows = tuple((code, digits(f"{got:g}/{mx:g}"), verdict) for code, got, mx, verdict in s.indicators)
        w.table(TableBlock(("ตัวชี้วัด", "คะแนน", "ผล"), rows, (60, 30, 30)), 120)
    w.footer("ใบแจ้งผล")
    return _save(w.doc, out)


# ------------------------------------------------------------------ reports from the warehouse (issue 10)

_RESULTS_CSS = """
.letterhead { text-align: center; margin: 0 0 2mm 0; font-weight: bold; font-size: 13pt; }
.letterhead img { height: 16mm; display: block; margin: 0 auto 1mm auto; }
.facts td:first-child { width: 38%; color: #333; }
table.data td { vertical-align: top; }
table.data td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data td.s { white-space: nowrap; }
.slip { border: none; padding: 0; margin: 0; break-inside: avoid; }
.slip.half { height: 126mm; overflow: hidden; }
.slip.full { break-after: page; }
.slip.full:last-child { break-after: auto; }
.slip table.data.ind { font-size: 8.5pt; line-height: 1.25; }
.slip table.data.ind td, .slip table.data.ind th { padding: 0.1mm 1.2mm; }
.slip h1 { font-size: 13pt; line-height: 1.25; }
.slip .office { text-align: center; font-weight: bold; font-size: 10.5pt; line-height: 1.25; }
.slip .sub { margin: 0 0 1mm 0; line-height: 1.25; }
.slip .facts { margin-bottom: 1mm; font-size: 10pt; line-height: 1.25; }
.slip .facts td { padding: 0.2mm 2mm; }
.slip table.data { font-size: 10pt; }
.slip .big { font-size: 14pt; margin: 1mm 0; line-height: 1.25; }
.slip .meaning { text-align: center; margin: 0 0 1mm 0; font-size: 9.5pt; line-height: 1.25; }
.cut { border-top: 0.8pt dashed #000; margin: 3mm 0; text-align: center; font-size: 9pt; color: #444;
       height: 0; line-height: 0; }
.cut span { background: #fff; padding: 0 2mm; }
.signs { display: flex; justify-content: space-around; margin-top: 8mm; break-inside: avoid; }
.sign { text-align: center; width: 45%; }
.slip .signs { margin-top: 2mm; font-size: 9.5pt; line-height: 1.25; }
.report p.par { text-indent: 12mm; text-align: justify; margin: 0 0 2mm 0; }
.code { white-space: nowrap; }
table.data.short, .tabled.short { break-inside: avoid; }
table.data.dense { font-size: 8pt; }
table.data.dense th { font-size: 7.5pt; line-height: 1.2; }
table.data.dense th, table.data.dense td { padding: 0.3mm 0.8mm; }
table.data.dense td.s, table.data.dense td { white-space: nowrap; }
"""

#: A table of at most this many rows moves to the next page whole rather than leave a header and a row or two
#: at the foot of a page (a longer one breaks between rows, its header repeated on every page).
SHORT_TABLE_ROWS = 14
#: More columns than this: a dense table (smaller type, no wrapping), as a class score sheet with a column
#: per indicator needs to fit an A4 landscape page.
DENSE_COLUMNS = 12
#: Tables whose rows are different measures (a count, a mean, a percent …): the decimals policy is per row.
ROW_WISE_HEADERS = ("รายการ", "ค่าสถิติ")

_NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?$")

#: Codes people type keep Arabic digits in a Thai-digit document: indicator codes (ค 1.1 ป.6/2), grades
#: and classes (ป.6, ป.6/1), anything with a Latin letter (ADM-1, S6-00) and ids of 5 digits or more.
#: An indicator code's letters start a word: the end of a word before a number ("ระดับ 1.5", "เฉลี่ย 14.68")
#: is no code, and the number follows the policy.
_CODE = re.compile(r"(?<![\u0e00-\u0e7f])[ก-ฮ]{1,2} \d+\.\d+(?: [ก-ฮ]\.\d+/\d+)?|[ปม]\.\d+(?:/\d+)?"
                   r"|[\w-]*[A-Za-z][\w.-]*|\d{5,}")


def _td(text: object, thai: bool = True) -> str:
    """`text` with Thai digits, except in the codes and ids people type (see :data:`_CODE`)."""
    s = "" if text is None else str(text)
    if not thai:
        return s
    out, last = [], 0
    for m in _CODE.finditer(s):
        out += [digits(s[last:m.start()], True), m.group(0)]
        last = m.end()
    out.append(digits(s[last:], True))
    return "".join(out)


def _td_html(text: object, thai: bool = True) -> str:
    """:func:`_td` as HTML: escaped, every code in a no-wrap span, so a code is never broken across lines."""
    s = "" if text is None else str(text)
    out, last = [], 0
    for m in _CODE.finditer(s):
        out += [esc(digits(s[last:m.start()], thai)), f'<span class="code">{esc(m.group(0))}</span>']
        last = m.end()
    out.append(esc(digits(s[last:], thai)))
    return "".join(out)


_DECIMALS = re.compile(r"^(-?\d[\d,]*)\.(\d+)$")


def _integral(v: object) -> bool:
    m = _DECIMALS.match(str(v))
    return m is not None and set(m[2]) == {"0"}


def _numeric(v: object) -> bool:
    return bool(_NUMBER.match(str(v)))


def tidy_numbers(header: Sequence[str], rows: Sequence[Sequence[Any]], as_written: Sequence[int] = ()
                 ) -> list[list[str]]:  # fmt: skip
    """Cells without needless decimals: the numbers of a column (of a row, in a table of different measures
    such as "รายการ | โรงเรียน | เขต") lose their zero decimals when every number there is a whole number
    (``30.00`` → ``30``); a column with one fraction keeps two places in every cell (``50.00`` beside ``42.54``).
    The `as_written` columns (item stems) are left as they are."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    row_wise = bool(header) and str(header[0]).strip() in ROW_WISE_HEADERS
    groups: list[list[tuple[int, int]]] = []
    if row_wise:
        groups = [[(r, c) for c in range(len(row)) if c not in as_written] for r, row in enumerate(cells)]
    else:
        width = max((len(row) for row in cells), default=0)
        groups = [[(r, c) for r in range(len(cells)) if c < len(cells[r])] for c in range(width) if c not in as_written]
    for group in groups:
        numbers = [(r, c) for r, c in group if _numeric(cells[r][c])]
        if numbers and all(_integral(cells[r][c]) or "." not in cells[r][c] for r, c in numbers):
            for r, c in numbers:
                m = _DECIMALS.match(cells[r][c])
                if m is not None:
                    cells[r][c] = m[1]
    return cells


def _fact_value(v: object) -> str:
    """A fact's value without needless decimals (``30.00`` → ``30``)."""
    m = _DECIMALS.match(str(v))
    return m[1] if m is not None and set(m[2]) == {"0"} else str(v)


def _results_document(body: str, *, thai_digits: bool, landscape: bool = False) -> str:
    css = (ASSETS / "report.css").read_text(encoding="utf-8")
    counter = "thai" if thai_digits else "decimal"
    size = "A4 landscape; margin: 14mm 10mm 16mm 10mm" if landscape else "A4"
    return (
        f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>{font_face_css()}\n{css}\n{_RESULTS_CSS}'
        f'\n@page {{ size: {size}; @bottom-center {{ content: "หน้า " counter(page, {counter}) "/" '
        f"counter(pages, {counter}); }} }}</style></head><body>{body}</body></html>"
    )


def _results_table_html(caption: str, t: TableBlock, thai_digits: bool) -> str:
    head = "".join(f"<th>{_td_html(h, False)}</th>" for h in t.header)
    body = "".join(
        "<tr>" + "".join(
            f"<td>{esc(v)}</td>" if c in t.as_written else  # an item's stem: its digits as the bank wrote them
            f"<td class='n'>{_td_html(v, thai_digits)}</td>" if _NUMBER.match(v) else
            f"<td class='s'>{_td_html(v, thai_digits)}</td>" if len(v) <= 18 else
            f"<td>{_td_html(v, thai_digits)}</td>" for c, v in enumerate(row)) + "</tr>"
        for row in tidy_numbers(t.header, t.rows, t.as_written))
    short = " short" if len(t.rows) <= SHORT_TABLE_ROWS else ""
    cls = "data" + (" dense" if len(t.header) > DENSE_COLUMNS else "") + short
    table = f"<table class='{cls}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if caption:  # the caption stays with its table (a short table moves to the next page with it)
        return f"<div class='tabled{short}'><h3>{_td_html(caption, thai_digits)}</h3>{table}</div>"
    return table


def _results_section_html(s: Any, number: str, thai_digits: bool, level: int = 2) -> str:
    from exports.supervision import bar_chart_figure

    parts = [f"<h{level}>{esc(_td(number, thai_digits))} {esc(_td(s.title, thai_digits))}</h{level}>"]
    parts += [f"<p class='par'>{esc(_td(p, thai_digits))}</p>" for p in s.paragraphs]
    for caption, t in s.tables:
        parts.append(_results_table_html(caption, t, thai_digits))
    for c in s.charts:
        if len(c.labels) > 1:  # one bar per series says no more than the table above it
            parts.append(_figure_html(to_svg(bar_chart_figure(c)), ""))
    for k, sub in enumerate(s.subsections, start=1):
        parts.append(_results_section_html(sub, f"{number}{k}.", thai_digits, 3))
    return "".join(parts)


def results_report_html(r: Any, *, thai_digits: bool = True) -> str:
    """A ResultsReport as HTML for WeasyPrint: letterhead, title, facts, numbered sections, signatures."""
    from exports.supervision import _signs_html

    facts = "".join(f"<tr><td>{esc(k)}</td><td>{_td_html(_fact_value(v), thai_digits)}</td></tr>" for k, v in r.facts)
    sections = "".join(_results_section_html(s, f"{k}.", thai_digits) for k, s in enumerate(r.sections, start=1))
    body = (f'<section class="report"><div class="letterhead">{esc(r.office)}</div><h1>{esc(r.title)}</h1>'
            f'<p class="sub">{esc(_td(r.subtitle, thai_digits))} · จัดทำเมื่อ '
            f"{esc(thai_date(r.created_on, thai_digits=thai_digits))}</p><table class='facts'>{facts}</table>"
            f"{sections}{_signs_html(r.signatures, thai_digits) if r.signatures else ''}</section>")
    body = body.replace(f"<h1>{esc(r.title)}</h1>", f"<h1>{esc(_td(r.title, thai_digits))}</h1>")
    return _results_document(body, thai_digits=thai_digits, landscape=r.landscape)


def results_report_pdf(r: Any, out: str | Path | None = None, *, thai_digits: bool = True) -> bytes:
    """รายงานผลการสอบ (school, district, class sheet, item analysis) as PDF."""
    return _pdf(results_report_html(r, thai_digits=thai_digits), out)


def results_report_docx(r: Any, out: str | Path | None = None, *, font: str = DEFAULT_FONT,
                        thai_digits: bool = True) -> bytes:
    """รายงานผลการสอบ as an editable DOCX (the same sections, tables and charts as the PDF)."""
    from exports.supervision import _signs_docx

    w = _Writer(font, DEFAULT_SIZE.get(font, 12.0) - (1 if r.landscape else 0), thai_digits)
    if r.landscape:
        from docx.enum.section import WD_ORIENT

        sec = w.doc.sections[0]
        sec.orientation, sec.page_width, sec.page_height = WD_ORIENT.LANDSCAPE, sec.page_height, sec.page_width
    w.para(r.office, bold=True, size=w.size + 1, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.para(_td(r.title, thai_digits), size=w.size + 5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.para(f"{_td(r.subtitle, thai_digits)} · จัดทำเมื่อ {thai_date(r.created_on, thai_digits=thai_digits)}",
           align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=False)
    if r.facts:
        _docx_report_table(w, TableBlock(("รายการ", "ค่า"), tuple((k, _td(_fact_value(v), thai_digits))
                                                                for k, v in r.facts), (70, 110)), 180)
    width = 265.0 if r.landscape else 180.0
    for k, s in enumerate(r.sections, start=1):
        _results_section_docx(w, s, f"{k}.", width)
    if r.signatures:
        _signs_docx(w, r.signatures)
    w.footer(r.reference or r.title)
    return _save(w.doc, out)


@cache
def _sarabun_metrics() -> Any:
    from PIL import ImageFont

    from exports.pdf import sarabun_dir

    return ImageFont.truetype(str(sarabun_dir() / "Sarabun-Regular.ttf"), 100)


def _text_mm(text: str, size_pt: float) -> float:
    """Printed width of `text` in Sarabun at `size_pt`, in mm."""
    return _sarabun_metrics().getlength(text) / 100 * size_pt * 25.4 / 72


def _column_widths(t: TableBlock, width: float, size_pt: float, thai: bool = True) -> tuple[float, ...]:
    """Widths in mm from the printed width of each column's longest cell (a header counts by its longest word,
    a code as one word), plus the cell margins; a table too wide for `width` narrows only its text columns
    (names, descriptions: they may wrap between words), one that is narrower shares the rest out evenly."""
    need = []
    for c, h in enumerate(t.header):
        cells = [_text_mm(_td(r[c], thai and c not in t.as_written), size_pt) for r in t.rows if c < len(r)]
        words = _CODE.findall(str(h)) or str(h).split()  # a code is one unbreakable word
        need.append(max([*cells, *(_text_mm(word, size_pt) for word in words)], default=5.0) + 2.2)
    total = sum(need)
    if total <= width:
        return tuple(n + (width - total) / len(need) for n in need)
    wide = [c for c, n in enumerate(need) if n > 2 * width / len(need)]  # the columns of long text
    fixed = sum(n for c, n in enumerate(need) if c not in wide)
    room = max(width - fixed, 10.0 * len(wide))
    scale = room / sum(need[c] for c in wide) if wide else width / total
    return tuple((n * scale if c in wide or not wide else n) for c, n in enumerate(need))


def _unbroken_codes(text: str) -> str:
    """Spaces inside codes (ค 1.1 ป.6/2) as no-break spaces: a word processor never breaks a code there."""
    return _CODE.sub(lambda m: m.group(0).replace(" ", "\u00a0"), str(text))


def _docx_report_table(w: Any, t: TableBlock, width: float) -> None:
    """A report table in the DOCX: its header row repeated on every page (``w:tblHeader``) and kept with the
    first row; the body may break between rows (a long table never pushes a page out empty)."""
    dense = len(t.header) > DENSE_COLUMNS
    widths = t.widths_mm or _column_widths(t, width, 7.0 if dense else w.size - 1, w.thai)
    table = w.table(TableBlock(tuple(map(_unbroken_codes, t.header)), tuple(
        tuple(v if c in t.as_written else _unbroken_codes(v) for c, v in enumerate(row)) for row in t.rows), widths),
        width)
    if dense:  # as in the PDF: smaller type and narrow cell margins, so a score sheet fits
        for el in table._tbl.iter(qn("w:sz"), qn("w:szCs")):
            el.set(qn("w:val"), "14")  # half-points: 7 pt
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            m = OxmlElement(f"w:{side}")
            m.set(qn("w:w"), "40")  # twips: 0.7 mm
            m.set(qn("w:type"), "dxa")
            margins.append(m)
        table._tbl.tblPr.append(margins)
    for k, row in enumerate(table.rows):
        if k == 0:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            continue
        for c in t.as_written:  # a stem reads as a line of text, from the left
            for par in row.cells[c].paragraphs:
                par.alignment = WD_ALIGN_PARAGRAPH.LEFT
        keep = len(table.rows) <= SHORT_TABLE_ROWS + 1 and k < len(table.rows) - 1  # a short table stays whole
        for cell in row.cells:
            for par in cell.paragraphs:
                par.paragraph_format.keep_with_next = keep


def _results_section_docx(w: Any, s: Any, number: str, width: float, level: int = 1) -> None:
    from exports.supervision import bar_chart_figure

    w.para(f"{_td(number, w.thai)} {_td(s.title, w.thai)}", bold=True, size=w.size + (3 if level == 1 else 1))
    for p in s.paragraphs:
        w.para(_td(p, w.thai), keep_next=False)
    for caption, t in s.tables:
        if caption:
            w.para(_td(caption, w.thai), bold=True)
        cells = tuple(tuple(v if c in t.as_written else _td(v, w.thai) for c, v in enumerate(row))
                      for row in tidy_numbers(t.header, t.rows, t.as_written))
        _docx_report_table(w, TableBlock(tuple(_td(h, w.thai) for h in t.header), cells, t.widths_mm, t.as_written),
                           width)
        w.para("", keep_next=False)
    for c in s.charts:
        if len(c.labels) > 1:
            w.picture(to_png(bar_chart_figure(c)), 160, keep_next=False)
    for k, sub in enumerate(s.subsections, start=1):
        _results_section_docx(w, sub, f"{number}{k}.", width, level + 1)


def _xlsx_value(v: Any) -> Any:
    s = str(v)
    if _NUMBER.match(s) and not (len(s) > 1 and s.startswith("0") and "." not in s):
        return float(s.replace(",", "")) if "." in s or "," in s else int(s)
    return s


def results_report_xlsx(r: Any, out: str | Path, *, locale: str = "th") -> bytes:
    """Every table of the report as a sheet (numbers as numbers); the facts on the first sheet."""
    from exports.xlsx import write_tables
    from psychometrics.tables import Table

    tables = [Table(r.title[:31], ("รายการ", "ค่า"), [(k, _xlsx_value(_fact_value(v))) for k, v in r.facts],
                    notes=(r.office, r.subtitle))]
    for s in _all_sections(r.sections):
        for caption, t in s.tables:
            tables.append(Table(caption or s.title, tuple(t.header),  # whole numbers as whole numbers, stems as text
                                [tuple(v if c in t.as_written else _xlsx_value(v) for c, v in enumerate(row))
                                 for row in tidy_numbers(t.header, t.rows, t.as_written)]))
    write_tables(out, tables, locale=locale, decimals=2)
    return Path(out).read_bytes()


def _all_sections(sections: Sequence[Any]) -> list[Any]:
    out = []
    for s in sections:
        out.append(s)
        out += _all_sections(s.subsections)
    return out


#: Slips with more indicators than this print one to a page (two to a page would cut them off).
HALF_PAGE_INDICATORS = 12


def _slip_html(s: Any, slips: Any, thai_digits: bool, size: str = "half") -> str:
    from exports.supervision import _signs_html

    d = lambda v: esc(_td(v, thai_digits))  # noqa: E731
    rows = "".join(f"<tr><td class='s'>{esc(code)}</td><td>{d(text)}</td><td class='n'>{d(f'{pct:.0f}')}</td>"
                   f"<td class='s'>{esc(verdict)}</td></tr>" for code, text, pct, verdict in s.indicators)
    name = f"<tr><td>ชื่อ-นามสกุล</td><td colspan='3'>{esc(s.name)}</td></tr>" if s.name else ""
    return (
        f'<div class="slip {size}"><div class="office">{esc(slips.office)}</div><h1>{d(slips.title)}</h1>'
        f'<p class="sub">{esc(_school_name(slips.school))} · ภาคเรียนที่ {d(slips.term)} ปีการศึกษา {d(slips.year_be)}</p>'
        f"<table class='facts'>{name}<tr><td>เลขประจำตัว</td><td>{esc(s.student_code)}</td><td>ชั้น</td>"
        f"<td>{esc(s.class_room)} เลขที่ {d(s.seat)}</td></tr></table>"
        f'<p class="big">{d(f"{s.score:g} / {s.max_score:g}")} คะแนน · ร้อยละ {d(f"{s.percent:.2f}")} · '
        f"ระดับ {d(s.grade)}</p><p class='meaning'>ระดับผลการเรียน {d(s.grade)} หมายถึง {esc(s.grade_meaning)} · "
        f"ระดับคุณภาพ {esc(s.quality)}: {d(s.quality_meaning)}</p>"
        "<table class='data ind'><thead><tr><th>ตัวชี้วัด</th><th>สิ่งที่วัด</th><th>ร้อยละ</th><th>ผล</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>{_signs_html(slips.signatures, thai_digits) if slips.signatures else ''}</div>"
    )


def _school_name(name: str) -> str:
    return name if name.startswith("โรงเรียน") else f"โรงเรียน{name}"


def result_slips_html(slips: Any, *, thai_digits: bool = True) -> str:
    """Two slips to an A4 page with a dashed cut line (ตัดตามเส้นประ) between them; one to a page when a slip
    lists more than :data:`HALF_PAGE_INDICATORS` indicators."""
    parts = []
    half = max((len(s.indicators) for s in slips.slips), default=0) <= HALF_PAGE_INDICATORS
    for k, s in enumerate(slips.slips):
        if k % 2 and half:
            parts.append('<div class="cut"><span>✂ ตัดตามเส้นประ</span></div>')
        parts.append(_slip_html(s, slips, thai_digits, "half" if half else "full"))
    return _results_document("".join(parts), thai_digits=thai_digits)


def result_slips_pdf(slips: Any, out: str | Path | None = None, *, thai_digits: bool = True) -> bytes:
    """ใบแจ้งผลการสอบรายบุคคล as PDF, two to a page."""
    return _pdf(result_slips_html(slips, thai_digits=thai_digits), out)


def result_slips_docx(slips: Any, out: str | Path | None = None, *, font: str = DEFAULT_FONT,
                      thai_digits: bool = True) -> bytes:
    """ใบแจ้งผลการสอบรายบุคคล as an editable DOCX, one after another with cut lines."""
    from exports.supervision import _signs_docx

    w = _Writer(font, DEFAULT_SIZE.get(font, 12.0) - 1, thai_digits)
    dg = lambda v: _td(v, thai_digits)  # noqa: E731
    for k, s in enumerate(slips.slips):
        if k:
            w.para("- - - - - - - - - - - - ✂ ตัดตามเส้นประ - - - - - - - - - - - -", align=WD_ALIGN_PARAGRAPH.CENTER,
                   keep_next=False)
        w.para(slips.office, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        w.para(dg(slips.title), size=w.size + 3, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        w.para(f"{_school_name(slips.school)} · ภาคเรียนที่ {dg(slips.term)} ปีการศึกษา {dg(slips.year_be)}",
               align=WD_ALIGN_PARAGRAPH.CENTER)
        who = f"{s.name} · " if s.name else ""
        w.para(f"{who}เลขประจำตัว {s.student_code} · ชั้น {dg(s.class_room)} เลขที่ {dg(s.seat)}")
        w.para(dg(f"{s.score:g} / {s.max_score:g} คะแนน · ร้อยละ {s.percent:.2f} · ระดับ {s.grade}"),
               size=w.size + 3, bold=True)
        w.para(f"ระดับผลการเรียน {dg(s.grade)} หมายถึง {s.grade_meaning} · ระดับคุณภาพ {s.quality}: "
               f"{dg(s.quality_meaning)}")  # as the PDF: the policy's digits ("ร้อยละ ๘๐ ขึ้นไป")
        rows = tuple((code, dg(text), dg(f"{pct:.0f}"), verdict) for code, text, pct, verdict in s.indicators)
        w.table(TableBlock(("ตัวชี้วัด", "สิ่งที่วัด", "ร้อยละ", "ผล"), rows, (30, 100, 20, 25)), 175)
        if slips.signatures:
            _signs_docx(w, slips.signatures)
    w.footer(slips.reference or slips.title)
    return _save(w.doc, out)


def result_slips_xlsx(slips: Any, out: str | Path, *, locale: str = "th") -> bytes:
    """One row per student (the slips' figures), and one column per indicator (% earned)."""
    from exports.xlsx import write_tables
    from psychometrics.tables import Table

    codes = list(dict.fromkeys(code for s in slips.slips for code, *_ in s.indicators))
    rows = []
    for s in slips.slips:
        pct = {code: p for code, _, p, _ in s.indicators}
        rows.append((s.student_code, s.class_room, _xlsx_value(s.seat), s.name, s.score, s.max_score,
                     round(s.percent, 2), _xlsx_value(s.grade), s.quality, *[pct.get(c) for c in codes]))
    columns = ("เลขประจำตัว", "ชั้น", "เลขที่", "ชื่อ-นามสกุล", "คะแนน", "คะแนนเต็ม", "ร้อยละ", "ระดับผลการเรียน",
               "ระดับคุณภาพ", *codes)
    write_tables(out, [Table(f"ใบแจ้งผล {slips.school}"[:31], columns, rows, notes=(slips.office, slips.title))],
                 locale=locale, decimals=2)
    return Path(out).read_bytes()


def write_results(data: Any, out: str | Path, fmt: str, *, thai_digits: bool = True) -> bytes:
    """Render a ResultsReport or ResultSlips to `out` as pdf, docx or xlsx (through :func:`exports.render.write`)."""
    from exports.render import write

    return write(data, out, fmt, thai_digits=thai_digits)

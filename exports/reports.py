"""Reports in PDF and DOCX: item analysis (tables + ICC, information/SE and score plots), school report,
student result slips. Fed with plain data from :mod:`exports.data`; plots come from :mod:`exports.plots`
(SVG in the PDF, PNG in the DOCX)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH

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
        return f"{v:.3f}"
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
            f'<p class="sub">โรงเรียน{esc(s.school)}</p><table class="facts">'
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
    w.para(f"โรงเรียน{report.school} ({report.school_code}) · {report.administration}",
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
    rows = tuple(tuple(r) for r in _district_rows(report))
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
        w.para(f"โรงเรียน{s.school}", align=WD_ALIGN_PARAGRAPH.CENTER)
        w.para(
            f"{s.student_name} · เลขประจำตัว {s.student_number} · ชั้น {digits(s.class_room)} เลขที่ {digits(s.seat)}"
        )
        w.para(digits(f"คะแนน {s.score:g} / {s.max_score:g} · ระดับ {s.grade}"), size=w.size + 4, bold=True)
        rows = tuple((code, digits(f"{got:g}/{mx:g}"), verdict) for code, got, mx, verdict in s.indicators)
        w.table(TableBlock(("ตัวชี้วัด", "คะแนน", "ผล"), rows, (60, 30, 30)), 120)
    w.footer("ใบแจ้งผล")
    return _save(w.doc, out)

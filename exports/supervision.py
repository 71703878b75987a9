"""Supervision documents in PDF and DOCX: the visit record (บันทึกการนิเทศ) and the committee report
(รายงาน ก.ต.ป.น.). Fed with :class:`exports.data.VisitRecord` and :class:`exports.data.CommitteeReport`.

The visit record follows the reference forms (supervision.md §2, §3): a centred title with the term
and year, ตอนที่ 1 general facts on dotted lines, ตอนที่ 2 the rating table (a ✓ under the score given,
each domain's ค่าเฉลี่ย, รวมเฉลี่ยทุกด้าน with its reading), the bands, ตอนที่ 3 narrative notes, then
the signature lines ((ลงชื่อ) ………… role, the name in brackets, the position). Dates are พ.ศ.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from exports.data import BarChart, CommitteeReport, ReportSection, SignatureLine, TableBlock, VisitRecord
from exports.docx import DEFAULT_FONT, DEFAULT_SIZE, _save, _Writer
from exports.pdf import ASSETS, SandboxFetcher, font_face_css, render_pdf
from exports.plots import _STYLE, _figure, to_png, to_svg
from exports.text import digits, esc, thai_date

TICK = "✓"
_CSS = """
.rec { font-size: 11pt; line-height: 1.3; }
.rec h1 { font-size: 16pt; margin: 0; }
.rec .sub { margin: 0 0 3mm 0; }
.part { font-weight: bold; font-size: 12.5pt; margin: 3mm 0 1.5mm 0; break-after: avoid; }
.fact { display: inline-block; min-width: 46%; margin: 0 2% 1mm 0; }
.fact .v { border-bottom: 0.5pt dotted #000; padding: 0 2mm; }
table.rate { border-collapse: collapse; width: 100%; font-size: 10pt; }
table.rate td.note { width: 30mm; }
table.rate th, table.rate td { border: 0.5pt solid #000; padding: 0.5mm 1.5mm; vertical-align: top; }
table.rate th { background: #eef1f5; text-align: center; }
table.rate td.c { text-align: center; width: 7mm; }
table.rate td.n { text-align: center; width: 9mm; }
table.rate td.tick { font-family: "DejaVu Sans", "Sarabun", sans-serif; }
table.rate tr.dom td { font-weight: bold; background: #f6f7f9; }
table.rate tr.mean td { font-weight: bold; }
table.rate tr { break-inside: avoid; }
.note { font-size: 10pt; }
.prompt { margin: 1.5mm 0 0 0; font-weight: bold; }
.answer { margin: 0 0 1mm 6mm; white-space: pre-wrap; border-bottom: 0.5pt dotted #000; min-height: 5mm; }
.signs { display: flex; justify-content: space-around; margin-top: 7mm; break-inside: avoid; }
.sign { text-align: center; width: 49%; }
.sign .line { margin-bottom: 1mm; white-space: nowrap; }
.report h2 { counter-increment: none; }
.report p.par { text-indent: 12mm; text-align: justify; margin: 0 0 2mm 0; }
.cover { text-align: center; margin-top: 40mm; }
.cover h1 { font-size: 20pt; line-height: 1.5; }
"""


def _document(body: str, *, thai_digits: bool = True) -> str:
    css = (ASSETS / "report.css").read_text(encoding="utf-8")
    counter = "thai" if thai_digits else "decimal"
    return (
        f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>{font_face_css()}\n{css}\n{_CSS}\n'
        f'@page {{ @bottom-center {{ content: "หน้า " counter(page, {counter}) "/" counter(pages, {counter}); }} }}'
        f"</style></head><body>{body}</body></html>"
    )


def _value(v: str | dt.date | None, thai_digits: bool) -> str:
    if isinstance(v, dt.date):
        return thai_date(v, thai_digits=thai_digits)
    return digits(v or "", thai_digits)


def _mean(m: float | None, thai_digits: bool) -> str:
    return "" if m is None else digits(f"{m:.2f}", thai_digits)


def _signs_html(signs: tuple[SignatureLine, ...], thai_digits: bool) -> str:
    parts = []
    for s in signs:
        when = f"<div>วันที่ {esc(thai_date(s.signed_on, thai_digits=thai_digits))}</div>" if s.signed_on else ""
        short = len(s.role) <= 20  # a short role follows the dots, as on the forms; a long one gets its line
        parts.append(
            f'<div class="sign"><div class="line">(ลงชื่อ) .............................. {esc(s.role) if short else ""}</div>'
            f"<div>( {esc(s.name) or '......................................'} )</div>"
            + ("" if short else f"<div>{esc(s.role)}</div>")
            + f"<div>ตำแหน่ง {esc(s.position) or '......................................'}</div>{when}</div>"
        )
    return f'<div class="signs">{"".join(parts)}</div>'


def visit_record_html(r: VisitRecord, *, thai_digits: bool = True) -> str:
    d = lambda v: esc(digits(v, thai_digits))  # noqa: E731
    facts = "".join(f'<span class="fact">{esc(k)} <span class="v">{esc(_value(v, thai_digits))}</span></span>'
                    for k, v in r.facts)
    scores = [s for s, _ in r.scale]
    head = ("<tr><th rowspan='2'>ที่</th><th rowspan='2'>รายการประเมิน</th>"
            f"<th colspan='{len(scores)}'>ระดับการปฏิบัติ</th><th rowspan='2'>หมายเหตุ</th></tr><tr>"
            + "".join(f"<th>{d(s)}</th>" for s in scores) + "</tr>")
    rows = []
    multi = len(r.domains) > 1
    for k, dom in enumerate(r.domains, start=1):
        if multi:
            rows.append(f"<tr class='dom'><td class='n'>{d(k)}</td><td colspan='{len(scores) + 2}'>{esc(dom.title)}</td></tr>")
        for item in dom.items:
            ticks = "".join(f"<td class='c tick'>{TICK if item.score == s else ''}</td>" for s in scores)
            rows.append(f"<tr><td class='n'>{d(item.code)}</td><td>{esc(item.text)}</td>{ticks}"
                        f"<td class='note'>{esc(item.note)}</td></tr>")
        if dom.mean is not None:
            rows.append(f"<tr class='mean'><td></td><td style='text-align:right'>ค่าเฉลี่ย{esc(' ' + dom.title if multi else '')}"
                        f"</td><td colspan='{len(scores)}' style='text-align:center'>{_mean(dom.mean, thai_digits)}</td>"
                        f"<td class='note'>{esc(dom.interpretation)}</td></tr>")
    rows.append(f"<tr class='mean'><td></td><td style='text-align:right'>รวมเฉลี่ยทุกด้าน</td><td colspan='{len(scores)}' "
                f"style='text-align:center'>{_mean(r.overall_mean, thai_digits)}</td><td class='note'>"
                f"{esc(r.interpretation)}</td></tr>")
    legend = " · ".join(f"{d(s)} = {esc(label)}" for s, label in r.scale)
    bands = " · ".join(f"{d(f'{lo:.2f}–{hi:.2f}')} {esc(label)}" for lo, hi, label in r.bands)
    narrative = "".join(f"<div class='prompt'>{d(k)}. {esc(p)}</div><div class='answer'>{esc(t)}</div>"
                        for k, (p, t) in enumerate(r.narrative, start=1))
    links = "".join(f"<li>{esc(digits(c, thai_digits))} {esc(n)}</li>" for c, n in r.links)
    recs = "".join(
        f"<tr><td class='n'>{d(k)}</td><td>{esc(t)}</td><td>{esc(thai_date(due, thai_digits=thai_digits, abbreviated=True))}"
        f"</td><td>{esc(st)}</td></tr>" for k, (t, due, st) in enumerate(r.recommendations, start=1))
    part3 = "ตอนที่ 3 ผู้นิเทศบันทึกเพิ่มเติม" if r.narrative else esc(r.suggestions_label)
    body = (
        f'<section class="rec"><h1>{esc(r.title)}</h1><p class="sub">{d(r.term_line)}<br>{esc(r.school)} '
        f"({esc(r.school_code)}){' · ' + esc(digits(r.district, thai_digits)) if r.district else ''}</p>"
        f'<div class="part">ตอนที่ 1 ข้อมูลทั่วไป</div><div>{facts}</div>'
        f'<div class="part">ตอนที่ 2 ผลการนิเทศ</div><p class="note">ระดับการปฏิบัติ: {legend}</p>'
        f'<table class="rate"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
        f'<p class="note">เกณฑ์การแปลความหมาย (ค่าเฉลี่ย): {bands}</p>'
        f'<div class="part">{part3}</div>{narrative}'
        + (f"<div class='prompt'>{esc(r.suggestions_label)}</div><div class='answer'>{esc(r.suggestions)}</div>"
           if r.narrative else f"<div class='answer'>{esc(r.suggestions)}</div>")
        + (f"<div class='prompt'>ตัวชี้วัดและประเด็นมาตรฐานที่เชื่อมโยง</div><ul class='note'>{links}</ul>" if links else "")
        + ("<div class='prompt'>ข้อเสนอแนะและการติดตาม</div><table class='rate'><thead><tr><th>ที่</th><th>ข้อเสนอแนะ</th>"
           f"<th>กำหนดเสร็จ</th><th>สถานะ</th></tr></thead><tbody>{recs}</tbody></table>" if recs else "")
        + _signs_html(r.signatures, thai_digits) + "</section>"
    )
    return _document(body, thai_digits=thai_digits)


def visit_record_pdf(r: VisitRecord, out: str | Path | None = None, *, thai_digits: bool = True) -> bytes:
    """บันทึกการนิเทศ as PDF."""
    pdf = render_pdf(visit_record_html(r, thai_digits=thai_digits), fetcher=SandboxFetcher())
    if out is not None:
        Path(out).write_bytes(pdf)
    return pdf


def _signs_docx(w: _Writer, signs: tuple[SignatureLine, ...]) -> None:
    w.para("", keep_next=True)
    t = w.doc.add_table(rows=1, cols=max(len(signs), 1))
    for cell, s in zip(t.rows[0].cells, signs, strict=False):
        lines = [f"(ลงชื่อ) ................................ {s.role}", f"( {s.name or '................................'} )",
                 f"ตำแหน่ง {s.position or '................................'}"]
        if s.signed_on:
            lines.append(f"วันที่ {thai_date(s.signed_on, thai_digits=w.thai)}")
        p = cell.paragraphs[0]
        for k, line in enumerate(lines):
            if k:
                p = cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            w.run(p, line)


def _merge(table, row: int, first: int, last: int):
    """Merge cells first..last of a row, keeping the first cell's paragraph only."""
    cell = table.cell(row, first).merge(table.cell(row, last))
    for p in cell.paragraphs[1:]:
        p._element.getparent().remove(p._element)
    return cell


def _shape_rating_table(table, rows: list[tuple[str, ...]], n_scores: int) -> None:
    """Domain rows span the table, means span the score columns; a long table may break across pages."""
    for k, row in enumerate(rows, start=1):
        for cell in table.rows[k].cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = False
        label = row[1]
        table.rows[k].cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
        if label in ("ค่าเฉลี่ย", "รวมเฉลี่ยทุกด้าน"):
            table.rows[k].cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _merge(table, k, 2, 1 + n_scores)
        elif row[0] and not any(row[2:]):  # a domain heading
            _merge(table, k, 1, 2 + n_scores)


def visit_record_docx(r: VisitRecord, out: str | Path | None = None, *, font: str = DEFAULT_FONT,
                      thai_digits: bool = True) -> bytes:
    """บันทึกการนิเทศ as an editable DOCX, in the layout of the PDF."""
    w = _Writer(font, DEFAULT_SIZE.get(font, 12.0) - 0.5, thai_digits)
    dg = lambda v: digits(v, thai_digits)  # noqa: E731
    w.para(r.title, size=w.size + 4, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.para(dg(r.term_line), align=WD_ALIGN_PARAGRAPH.CENTER)
    w.para(f"{r.school} ({r.school_code})" + (f" · {dg(r.district)}" if r.district else ""),
           align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=False)
    w.para("ตอนที่ 1 ข้อมูลทั่วไป", bold=True, size=w.size + 1)
    for k, v in r.facts:
        w.para(f"{k} {_value(v, thai_digits)}", keep_next=False)
    w.para("ตอนที่ 2 ผลการนิเทศ", bold=True, size=w.size + 1)
    w.para("ระดับการปฏิบัติ: " + " · ".join(f"{dg(s)} = {label}" for s, label in r.scale), size=w.size - 1)
    scores = [s for s, _ in r.scale]
    rows: list[tuple[str, ...]] = []
    multi = len(r.domains) > 1
    for k, dom in enumerate(r.domains, start=1):
        if multi:
            rows.append((dg(k), dom.title, *[""] * len(scores), ""))
        for item in dom.items:
            rows.append((dg(item.code), item.text, *[TICK if item.score == s else "" for s in scores], item.note))
        if dom.mean is not None:
            rows.append(("", "ค่าเฉลี่ย", _mean(dom.mean, thai_digits), *[""] * (len(scores) - 1), dom.interpretation))
    rows.append(("", "รวมเฉลี่ยทุกด้าน", _mean(r.overall_mean, thai_digits), *[""] * (len(scores) - 1), r.interpretation))
    widths = (10, 102, *[8.0] * len(scores), 182 - 112 - 8 * len(scores))
    table = w.table(TableBlock(("ที่", "รายการประเมิน", *[dg(s) for s in scores], "หมายเหตุ"), tuple(rows), widths), 182)
    _shape_rating_table(table, rows, len(scores))
    w.para("เกณฑ์การแปลความหมาย (ค่าเฉลี่ย): " + " · ".join(f"{dg(f'{lo:.2f}–{hi:.2f}')} {label}"
                                                         for lo, hi, label in r.bands), size=w.size - 1, keep_next=False)
    w.para("ตอนที่ 3 ผู้นิเทศบันทึกเพิ่มเติม" if r.narrative else r.suggestions_label, bold=True, size=w.size + 1)
    for k, (prompt, text) in enumerate(r.narrative, start=1):
        w.para(f"{dg(k)}. {prompt}", bold=True)
        w.para(text or "." * 120, keep_next=False)
    if r.narrative:
        w.para(r.suggestions_label, bold=True)
    w.para(r.suggestions or "." * 120, keep_next=False)
    if r.links:
        w.para("ตัวชี้วัดและประเด็นมาตรฐานที่เชื่อมโยง", bold=True)
        for c, n in r.links:
            w.para(f"• {dg(c)} {n}", keep_next=False)
    if r.recommendations:
        w.para("ข้อเสนอแนะและการติดตาม", bold=True)
        w.table(TableBlock(("ที่", "ข้อเสนอแนะ", "กำหนดเสร็จ", "สถานะ"), tuple(
            (dg(k), t, thai_date(due, thai_digits=thai_digits, abbreviated=True), st)
            for k, (t, due, st) in enumerate(r.recommendations, start=1)), (10, 110, 32, 30)), 182)
    _signs_docx(w, r.signatures)
    w.footer(r.reference)
    return _save(w.doc, out)


# ---------------------------------------------------------------------------------- committee report


def bar_chart_figure(c: BarChart):
    """A grouped bar chart in Sarabun, values labelled on the bars."""
    import numpy as np
    from matplotlib import rc_context

    colours = ("#1f4e79", "#9aa7b5", "#c9a227", "#6a9f58", "#c0504d")
    with rc_context(_STYLE):
        fig = _figure(165, 70)
        ax = fig.add_subplot()
        x = np.arange(len(c.labels))
        width = 0.8 / max(len(c.series), 1)
        for k, (name, values) in enumerate(c.series):
            bars = ax.bar(x + (k - (len(c.series) - 1) / 2) * width, values, width, label=name,
                          color=colours[k % len(colours)])
            whole = all(float(v).is_integer() for v in values)
            ax.bar_label(bars, labels=[("" if v == 0 else (f"{v:.0f}" if whole else f"{v:.1f}")) for v in values],
                         fontsize=7, padding=1)
        ax.set_xticks(x, list(c.labels), fontsize=8)
        if c.y_label:
            ax.set_ylabel(c.y_label)
        if c.y_max is not None:
            ax.set_ylim(0, c.y_max)
        if len(c.series) > 1:
            fig.legend(frameon=False, fontsize=8, ncols=len(c.series), loc="outside lower center")
        ax.set_title(c.title)
    return fig


def _cell(v: str, thai_digits: bool) -> str:
    """A table cell in Thai digits, except a school code (10 digits), which people type as printed."""
    return v if re.fullmatch(r"\d{10}", v) else digits(v, thai_digits)


def _table_html(caption: str, t: TableBlock, thai_digits: bool) -> str:
    cols = ""
    if t.widths_mm:
        total = sum(t.widths_mm)
        cols = "<colgroup>" + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in t.widths_mm) + "</colgroup>"
    head = "".join(f"<th>{esc(_cell(h, thai_digits))}</th>" for h in t.header)
    body = "".join("<tr>" + "".join(f"<td>{esc(_cell(v, thai_digits))}</td>" for v in row) + "</tr>" for row in t.rows)
    cap = f"<p class='note'><b>{esc(caption)}</b></p>" if caption else ""
    return (f"{cap}<table class='data' style='table-layout: fixed'>{cols}<thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _numbered(caption: str, counter: list[int]) -> str:
    """Tables are numbered in the order they are printed (a section switched off leaves no gap)."""
    if not caption:
        return ""
    counter[0] += 1
    return f"ตารางที่ {counter[0]} " + re.sub(r"^ตารางที่ [\d.]+ ", "", caption)


def _section_html(s: ReportSection, number: str, thai_digits: bool, level: int = 2,
                  counter: list[int] | None = None) -> str:
    counter = counter if counter is not None else [0]
    import base64

    parts = [f"<h{level}>{esc(digits(number, thai_digits))} {esc(s.title)}</h{level}>"]
    parts += [f"<p class='par'>{esc(digits(p, thai_digits))}</p>" for p in s.paragraphs]
    for caption, t in s.tables:
        parts.append(_table_html(digits(_numbered(caption, counter), thai_digits), t, thai_digits))
    for c in s.charts:
        uri = "data:image/svg+xml;base64," + base64.b64encode(to_svg(bar_chart_figure(c))).decode()
        parts.append(f'<div class="figure"><img src="{uri}" alt="{esc(c.title)}"></div>')
    for k, sub in enumerate(s.subsections, start=1):
        parts.append(_section_html(sub, f"{number.rstrip('.')}.{k}", thai_digits, 3, counter))
    return "".join(parts)


def committee_report_html(r: CommitteeReport, *, thai_digits: bool = True) -> str:
    title = esc(r.title).replace(" และ", "<br>และ", 1)  # two balanced lines on the cover
    cover = (f'<section class="cover" style="break-after: page"><h1>{title}</h1>'
             f"<p>ปีการศึกษา {esc(digits(r.academic_year, thai_digits))}</p><p>{esc(digits(r.district, thai_digits))}</p>"
             + (f"<p>เสนอต่อที่ประชุม ก.ต.ป.น. วันที่ {esc(thai_date(r.meeting_on, thai_digits=thai_digits))}</p>"
                if r.meeting_on else "")
             + f"<p class='note'>จัดทำเมื่อ {esc(thai_date(r.created_on, thai_digits=thai_digits))}</p></section>")
    toc = "<h2>สารบัญ</h2><ol>" + "".join(f"<li>{esc(s.title)}</li>" for s in r.sections) + "</ol>"
    counter = [0]
    body = "".join(_section_html(s, f"{k}.", thai_digits, counter=counter) for k, s in enumerate(r.sections, start=1))
    signs = _signs_html(r.signatures, thai_digits) if r.signatures else ""
    return _document(f'{cover}<section class="report" style="break-after:auto">{toc}{body}{signs}</section>',
                     thai_digits=thai_digits)


def committee_report_pdf(r: CommitteeReport, out: str | Path | None = None, *, thai_digits: bool = True) -> bytes:
    """รายงาน ก.ต.ป.น. as PDF."""
    pdf = render_pdf(committee_report_html(r, thai_digits=thai_digits), fetcher=SandboxFetcher())
    if out is not None:
        Path(out).write_bytes(pdf)
    return pdf


def _section_docx(w: _Writer, s: ReportSection, number: str, level: int = 1, counter: list[int] | None = None) -> None:
    counter = counter if counter is not None else [0]
    head = w.para(f"{digits(number, w.thai)} {s.title}", bold=True, size=w.size + (3 if level == 1 else 1))
    head.paragraph_format.space_before = Pt(12 if level == 1 else 6)
    head.paragraph_format.space_after = Pt(3)
    for p in s.paragraphs:
        para = w.para("", keep_next=False)
        para.paragraph_format.first_line_indent = 457200  # 12.7 mm, as Thai official documents indent
        w.run(para, digits(p, w.thai))
    for caption, t in s.tables:
        if caption:
            w.para(digits(_numbered(caption, counter), w.thai), bold=True)
        block = TableBlock(tuple(_cell(h, w.thai) for h in t.header),
                           tuple(tuple(_cell(v, w.thai) for v in row) for row in t.rows), t.widths_mm)
        w.table(block, 182)
        w.para("", keep_next=False)
    for c in s.charts:
        w.picture(to_png(bar_chart_figure(c)), 165, keep_next=False)
    for k, sub in enumerate(s.subsections, start=1):
        _section_docx(w, sub, f"{number.rstrip('.')}.{k}", level + 1, counter)


def committee_report_docx(r: CommitteeReport, out: str | Path | None = None, *, font: str = DEFAULT_FONT,
                          thai_digits: bool = True) -> bytes:
    """รายงาน ก.ต.ป.น. as an editable DOCX: cover, contents, numbered sections with tables and charts."""
    w = _Writer(font, DEFAULT_SIZE.get(font, 12.0), thai_digits)
    for _ in range(6):
        w.para("", keep_next=False)
    w.para(r.title, size=w.size + 8, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.para(f"ปีการศึกษา {digits(r.academic_year, thai_digits)}", size=w.size + 4, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.para(digits(r.district, thai_digits), size=w.size + 2, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=False)
    if r.meeting_on:
        w.para(f"เสนอต่อที่ประชุม ก.ต.ป.น. วันที่ {thai_date(r.meeting_on, thai_digits=thai_digits)}",
               align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=False)
    w.para(f"จัดทำเมื่อ {thai_date(r.created_on, thai_digits=thai_digits)}", align=WD_ALIGN_PARAGRAPH.CENTER,
           keep_next=False)
    w.doc.add_page_break()
    w.para("สารบัญ", bold=True, size=w.size + 3)
    for k, s in enumerate(r.sections, start=1):
        w.para(f"{digits(k, thai_digits)}. {s.title}", keep_next=False)
    counter = [0]
    for k, s in enumerate(r.sections, start=1):
        _section_docx(w, s, f"{k}.", counter=counter)
    if r.signatures:
        _signs_docx(w, r.signatures)
    w.footer(f"รายงาน ก.ต.ป.น. ปีการศึกษา {digits(r.academic_year, thai_digits)}")
    return _save(w.doc, out)

"""เครื่องมือวัด (instruments) schools print: a rating scale, rubric or checklist as PDF and DOCX.

Fed with :class:`InstrumentSheet` (the web layer fills it from the bank's instrument, with the Thai
labels of its kind and purpose). The layout is the one Thai schools use on paper: the title, who is
assessed (name, class, number on dotted lines), the criteria as rows with one box per level, the
scoring criteria (เกณฑ์การให้คะแนน), the interpretation bands when given, and the assessor's signature.

Criteria and level descriptions are the bank's sanitised HTML subset (bold, italics, sub/superscript):
the PDF keeps it through :func:`exports.text.clean`, the DOCX writes the same runs with the Thai
complex-script recipe of :mod:`exports.docx` (``w:cs`` fonts, ``w:szCs``, ``w:lang/@w:bidi``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exports.data import TableBlock
from exports.text import clean, digits, esc

__all__ = ["InstrumentCriterion", "InstrumentLevel", "InstrumentSheet", "instrument_html", "instrument_pdf",
           "instrument_docx"]

BOX = "☐"
TICK_FONT = '"DejaVu Sans", "Sarabun", sans-serif'


@dataclass(frozen=True)
class InstrumentCriterion:
    text: str  # sanitised HTML subset
    trait_code: str = ""


@dataclass(frozen=True)
class InstrumentLevel:
    label: str
    score: float | int | None = None
    description: str = ""  # sanitised HTML subset


@dataclass(frozen=True)
class InstrumentSheet:
    """One instrument ready to print. `kind` is rating_scale | rubric | checklist; `kind_th` its Thai name."""

    code: str
    title: str
    kind: str
    kind_th: str
    purpose_th: str = ""
    grade: str = ""
    description: str = ""  # sanitised HTML subset
    criteria: tuple[InstrumentCriterion, ...] = ()
    levels: tuple[InstrumentLevel, ...] = ()
    district: str = ""  # the office that issues it (top line), optional


def _score(level: InstrumentLevel, thai: bool) -> str:
    if level.score is None:
        return ""
    s = level.score
    text = str(int(s)) if isinstance(s, float) and s.is_integer() else str(s)
    return digits(text, thai)


def _head_label(level: InstrumentLevel, thai: bool) -> str:
    score = _score(level, thai)
    return f"{level.label} ({score})" if score and level.label else (level.label or score)


def _max_total(sheet: InstrumentSheet) -> float | None:
    scores = [lv.score for lv in sheet.levels if isinstance(lv.score, int | float)]
    return max(scores) * len(sheet.criteria) if scores and sheet.criteria else None


_CSS = """
.ins { font-size: 12pt; line-height: 1.35; }
.ins .top { text-align: center; margin: 0; color: #333; }
.ins h1 { font-size: 17pt; margin: 0 0 1mm 0; }
.ins .meta { text-align: center; margin: 0 0 3mm 0; }
.ins .who { margin: 2mm 0 3mm 0; }
.ins .who span.v { display: inline-block; border-bottom: 0.5pt dotted #000; min-width: 55mm; }
.ins .who span.s { display: inline-block; border-bottom: 0.5pt dotted #000; min-width: 18mm; }
.ins .desc { margin: 0 0 2mm 0; }
table.ins-t { border-collapse: collapse; width: 100%; font-size: 11pt; }
table.ins-t th, table.ins-t td { border: 0.5pt solid #000; padding: 0.8mm 1.8mm; vertical-align: top; }
table.ins-t th { background: #eef1f5; text-align: center; }
table.ins-t td.n { text-align: center; width: 8mm; }
table.ins-t td.box { text-align: center; width: 16mm; font-family: TICK_FONT; }
table.ins-t tr { break-inside: avoid; }
table.ins-t thead { display: table-header-group; }
.ins h2 { font-size: 13pt; margin: 4mm 0 1.5mm 0; border: 0; break-after: avoid; }
.ins .chip { font-size: 9.5pt; color: #333; }
.ins .total { margin: 2mm 0 0 0; }
.ins .sign { margin: 9mm 0 0 45%; text-align: center; break-inside: avoid; }
""".replace("TICK_FONT", TICK_FONT)


def instrument_html(sheet: InstrumentSheet, *, thai_digits: bool = True) -> str:
    """The instrument as one HTML document for WeasyPrint (every text escaped or cleaned)."""
    d = lambda v: esc(digits(v, thai_digits))  # noqa: E731
    levels = sheet.levels
    criterion_head = "รายการตรวจสอบ" if sheet.kind == "checklist" else "รายการประเมิน"
    head = ("<tr><th>ที่</th><th>" + criterion_head + "</th>"
            + "".join(f"<th>{esc(_head_label(lv, thai_digits))}</th>" for lv in levels) + "</tr>")
    rows = []
    for k, c in enumerate(sheet.criteria, start=1):
        chip = f'<span class="chip">[{esc(c.trait_code)}]</span> ' if c.trait_code else ""
        boxes = "".join(f'<td class="box">{BOX}</td>' for _ in levels)
        rows.append(f'<tr><td class="n">{d(k)}</td><td>{chip}{clean(c.text)}</td>{boxes}</tr>')
    scoring = ""
    if any(lv.description for lv in levels) or sheet.kind == "rubric":
        title = "เกณฑ์การให้คะแนน" if sheet.kind == "rubric" else "เกณฑ์การตัดสิน"
        scoring = (f'<h2>{title}</h2><table class="ins-t"><thead><tr><th>ระดับคุณภาพ</th><th>คะแนน</th>'
                   "<th>คำอธิบาย</th></tr></thead><tbody>"
                   + "".join(f'<tr><td>{esc(lv.label)}</td><td class="n">{esc(_score(lv, thai_digits))}</td>'
                             f"<td>{clean(lv.description)}</td></tr>" for lv in levels)
                   + "</tbody></table>")
    total = _max_total(sheet)
    total_line = (f'<p class="total">รวมคะแนน ........................ จากคะแนนเต็ม {d(_num(total))} คะแนน</p>'
                  if total is not None and sheet.kind != "checklist" else "")
    meta = " · ".join(x for x in (sheet.kind_th, sheet.purpose_th, sheet.grade and f"ชั้น {sheet.grade}") if x)
    body = (
        '<section class="ins">'
        + (f'<p class="top">{esc(sheet.district)}</p>' if sheet.district else "")
        + f"<h1>{esc(sheet.title)}</h1><p class=\"meta\">{d(meta)}</p>"
        + '<p class="who">ชื่อ–สกุล <span class="v"></span> ชั้น <span class="s"></span> '
          'เลขที่ <span class="s"></span></p>'
        + (f'<div class="desc">{clean(sheet.description)}</div>' if sheet.description else "")
        + f'<table class="ins-t"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
        + total_line + scoring
        + '<div class="sign">(ลงชื่อ) ...................................... ผู้ประเมิน<br>'
          "( ...................................... )<br>วันที่ ......... เดือน .................... พ.ศ. .........</div>"
        + "</section>"
    )
    from exports.pdf import ASSETS, font_face_css

    css = (ASSETS / "report.css").read_text(encoding="utf-8")
    counter = "thai" if thai_digits else "decimal"
    return (
        f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>{esc(sheet.title)}</title>'
        f"<style>{font_face_css()}\n{css}\n{_CSS}\n"
        f'@page {{ @bottom-left {{ content: "{esc(sheet.code)}"; font-size: 9pt; }} '
        f'@bottom-center {{ content: "หน้า " counter(page, {counter}) "/" counter(pages, {counter}); }} }}'
        f"</style></head><body>{body}</body></html>"
    )


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def instrument_pdf(sheet: InstrumentSheet, out: str | Path | None = None, *, thai_digits: bool = True) -> bytes:
    """The instrument as PDF (A4, Sarabun embedded)."""
    from exports.pdf import SandboxFetcher, render_pdf

    pdf = render_pdf(instrument_html(sheet, thai_digits=thai_digits), fetcher=SandboxFetcher())
    if out is not None:
        Path(out).write_bytes(pdf)
    return pdf


def instrument_docx(sheet: InstrumentSheet, out: str | Path | None = None, *, font: str | None = None,
                    thai_digits: bool = True) -> bytes:
    """The instrument as an editable DOCX in the layout of the PDF (Thai through the complex-script recipe)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from exports.docx import DEFAULT_FONT, DEFAULT_SIZE, _save, _Writer

    font = font or DEFAULT_FONT
    w = _Writer(font, DEFAULT_SIZE.get(font, 12.0), thai_digits)
    dg = lambda v: digits(v, thai_digits)  # noqa: E731
    if sheet.district:
        w.para(sheet.district, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.para(sheet.title, size=w.size + 4, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    meta = " · ".join(x for x in (sheet.kind_th, sheet.purpose_th, sheet.grade and f"ชั้น {sheet.grade}") if x)
    w.para(dg(meta), align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=False)
    w.para("ชื่อ–สกุล ............................................................ ชั้น .............. "
           "เลขที่ ..............", keep_next=False)
    if sheet.description:
        w.rich(w.para(keep_next=False), sheet.description)
    levels = sheet.levels
    criterion_head = "รายการตรวจสอบ" if sheet.kind == "checklist" else "รายการประเมิน"
    n = len(levels)
    box_w = 16.0 if n <= 5 else max(9.0, 80.0 / n)
    widths = (9.0, 182 - 9.0 - box_w * n, *[box_w] * n)
    table = w.table(TableBlock(("ที่", criterion_head, *[_head_label(lv, thai_digits) for lv in levels]),
                               tuple((dg(k), "", *[BOX] * n) for k in range(1, len(sheet.criteria) + 1)),
                               widths), 182)
    for k, c in enumerate(sheet.criteria, start=1):  # the criterion's own runs (bold, sub/sup kept)
        p = table.cell(k, 1).paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        if c.trait_code:
            w.run(p, f"[{c.trait_code}] ", size=w.size - 2)
        w.rich(p, c.text)
    total = _max_total(sheet)
    if total is not None and sheet.kind != "checklist":
        w.para(f"รวมคะแนน ........................ จากคะแนนเต็ม {dg(_num(total))} คะแนน", keep_next=False)
    if any(lv.description for lv in levels) or sheet.kind == "rubric":
        w.para("เกณฑ์การให้คะแนน" if sheet.kind == "rubric" else "เกณฑ์การตัดสิน", size=w.size + 1, bold=True)
        scoring = w.table(TableBlock(("ระดับคุณภาพ", "คะแนน", "คำอธิบาย"),
                                     tuple((lv.label, _score(lv, thai_digits), "") for lv in levels),
                                     (36.0, 18.0, 128.0)), 182)
        for k, lv in enumerate(levels, start=1):
            p = scoring.cell(k, 2).paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            w.rich(p, lv.description)
    w.para("", keep_next=True)
    for line in ("(ลงชื่อ) ...................................... ผู้ประเมิน",
                 "( ...................................... )",
                 "วันที่ ......... เดือน .................... พ.ศ. ........."):
        w.para(line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    w.footer(sheet.code)
    return _save(w.doc, out)

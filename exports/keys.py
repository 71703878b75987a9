"""เฉลย (answer keys) per variant: a PDF for teachers with rubric sheets, and the CSV scoring reads.

CSV columns: ``item_id,key,number,variant,form_code,points,indicator,answer_type`` in UTF-8 with BOM
(so Excel opens Thai correctly). The first two columns are what ``khlang ctt --key`` reads. The key
cell is :meth:`exports.data.ItemKey.cell`: every right option's Thai letter separated by commas
(``ข,ง``: with ``answer_type`` ``several`` a student must mark exactly those), accepted written
answers separated by `` | `` (``numeric``, ``text``), ``1-ก,2-ค`` (``matching``) or the full points
(``rubric``; its levels are printed in the PDF).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from exports.data import THAI_OPTION_LETTERS, AnswerKey, KeyEntry
from exports.pdf import ASSETS, SandboxFetcher, font_face_css, render_pdf
from exports.text import digits, esc
from exports.xlsx import neutralise

CSV_COLUMNS = ("item_id", "key", "number", "variant", "form_code", "points", "indicator", "answer_type")
LETTERS = THAI_OPTION_LETTERS

#: How a key names the form's own item order (no variant): the booklet printed without a ชุด.
FORM_ORDER = "ลำดับของฉบับ (ไม่สลับชุด)"


def variant_name(variant: str) -> str:
    """The item order a key is for: ``ชุด A``, or :data:`FORM_ORDER` for the form's own order (never "ชุด " alone)."""
    return f"ชุด {variant}" if variant.strip() else FORM_ORDER


def key_csv(key: AnswerKey) -> str:
    """The key of one variant as CSV text (every keyed item), every cell neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in key.entries:
        k = e.item_key
        if k is None:
            continue
        row = (
            e.item_id,
            k.cell(LETTERS),
            e.number,
            key.variant,
            key.form_code,
            f"{e.points:g}",
            e.indicator,
            k.kind,
        )
        writer.writerow([neutralise(v) for v in row])
    return buf.getvalue()


def write_key_csv(key: AnswerKey, out: str | Path) -> Path:
    """Write :func:`key_csv` to `out` as UTF-8 with BOM; return the path."""
    path = Path(out)
    path.write_text(key_csv(key), encoding="utf-8-sig")
    return path


def key_html(keys: Sequence[AnswerKey], *, thai_digits: bool = True) -> str:
    """One section per variant: a grid of item numbers and letters, then rubrics of written items."""
    css = (ASSETS / "report.css").read_text(encoding="utf-8")
    sections = []
    for key in keys:
        cells = "".join(
            f'<div class="k"><span class="n">{esc(digits(e.number, thai_digits))}.</span> '
            f"<b>{esc(printed_key(e))}</b></div>"
            for e in key.entries
        )
        rubrics = "".join(
            _rubric(e.number, e.points, e.rubric, thai_digits) for e in key.entries if e.rubric
        )
        indicators = "".join(
            f"<tr><td>{esc(digits(e.number, thai_digits))}</td><td>{esc(e.item_id)}</td>"
            f"<td>{esc(printed_key(e))}</td><td>{esc(digits(f'{e.points:g}', thai_digits))}"
            f"</td><td>{esc(e.indicator)}</td></tr>"
            for e in key.entries
        )
        sections.append(
            f'<section class="key"><h1>เฉลย {esc(digits(key.title, thai_digits))}</h1>'
            f'<p class="sub">แบบทดสอบ {esc(key.form_code)} · {esc(variant_name(key.variant))} · '
            f"{esc(digits(len(key.entries), thai_digits))} ข้อ</p>"
            f'<div class="keys">{cells}</div>'
            f"{'<h2>เกณฑ์การให้คะแนนข้อเขียนตอบ</h2>' + rubrics if rubrics else ''}"
            '<h2>รายละเอียดรายข้อ</h2><table class="data"><thead><tr><th>ข้อ</th><th>รหัสข้อสอบ</th>'
            f"<th>เฉลย</th><th>คะแนน</th><th>ตัวชี้วัด</th></tr></thead><tbody>{indicators}</tbody></table>"
            "</section>"
        )
    counter = "thai" if thai_digits else "decimal"
    return (
        f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>{font_face_css()}\n{css}\n'
        f'@page {{ @bottom-center {{ content: "หน้า " counter(page, {counter}) "/" counter(pages, {counter}); }} }}'
        f"</style></head><body>{''.join(sections)}</body></html>"
    )


def printed_key(entry: KeyEntry) -> str:
    """The key of one entry as printed: ``ข, ง``; written answers as accepted; ``เขียนตอบ`` for a rubric."""
    k = entry.item_key
    if k is None:
        return "–"
    if k.kind == "rubric":
        return "เขียนตอบ"
    return k.printed(LETTERS)


def _rubric(number: int, points: float, rubric: tuple[tuple[float, str], ...], thai: bool) -> str:
    rows = "".join(
        f"<tr><td>{esc(text)}</td><td>{esc(digits(f'{p:g}', thai))}</td></tr>" for p, text in rubric
    )
    return (
        f'<div class="rubric"><h3>ข้อ {esc(digits(number, thai))} ({esc(digits(f"{points:g}", thai))} คะแนน)</h3>'
        f'<table class="data"><thead><tr><th>เกณฑ์</th><th>คะแนน</th></tr></thead><tbody>{rows}</tbody></table></div>'
    )


def render_key_pdf(
    keys: AnswerKey | Sequence[AnswerKey], out: str | Path | None = None, *, thai_digits: bool = True
) -> bytes:
    """Render the key(s) to PDF, one section (new page) per variant; write to `out` if given."""
    seq = [keys] if isinstance(keys, AnswerKey) else list(keys)
    pdf = render_pdf(key_html(seq, thai_digits=thai_digits), fetcher=SandboxFetcher())
    if out is not None:
        Path(out).write_bytes(pdf)
    return pdf

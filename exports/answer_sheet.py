"""กระดาษคำตอบ (OMR answer sheet): a layout in millimetres, its JSON spec, and its PDF.

:func:`answer_sheet_layout` computes every mark's position once; the PDF is drawn from that layout
(WeasyPrint places absolutely positioned boxes to within 0.05 mm) and the same layout is written as
the JSON spec an OMR reader uses. Coordinates are centres in mm from the page's top-left corner.

QR payload: ``KL1|<administration>|<form>|<variant or ->|<sheet number>|<crc32 hex>``; the CRC-32
is of everything before the last ``|`` (:func:`qr_payload`, :func:`check_qr_payload`).
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from pathlib import Path
from typing import Any

import segno

from exports.data import AnswerSheetSpec
from exports.errors import ExportError
from exports.pdf import SandboxFetcher, font_face_css, render_pdf
from exports.text import digits, esc

PAGE_MM = (210.0, 297.0)
FIDUCIAL_MM = 6.0
FIDUCIAL_CENTRES = ((10.0, 10.0), (200.0, 10.0), (10.0, 287.0), (200.0, 287.0))
BUBBLE_MM = 4.0
RING_MM = 0.3
COL_PITCH_MM = 6.0
ROW_PITCH_MM = 5.2
ID_ROW_PITCH_MM = 5.4
QR_BOX = (166.0, 16.0, 26.0)  # x, y of top-left, size
GRID_TOP_MM = 126.0
GRID_LEFT_MM = 16.0
GRID_RIGHT_MM = 194.0
MAX_ROWS = 30


def qr_payload(administration: str, form_code: str, variant: str | None, sheet_number: int) -> str:
    """The QR text, ending in a CRC-32 of the rest."""
    body = f"KL1|{administration}|{form_code}|{variant or '-'}|{sheet_number}"
    if any("|" in part for part in (administration, form_code, variant or "")):
        raise ExportError(
            "answer_sheet.bad_code",
            message_th="รหัสการสอบ แบบทดสอบ หรือชุด ต้องไม่มีเครื่องหมาย |",
            message_en="administration, form and variant codes must not contain |",
        )
    return f"{body}|{zlib.crc32(body.encode()):08x}"


def check_qr_payload(payload: str) -> dict[str, Any]:
    """Parse and verify a QR payload; raise ExportError if the checksum does not match."""
    body, _, crc = payload.rpartition("|")
    parts = body.split("|")
    if len(parts) != 5 or parts[0] != "KL1" or f"{zlib.crc32(body.encode()):08x}" != crc:
        raise ExportError(
            "answer_sheet.bad_qr",
            message_th="รหัส QR ของกระดาษคำตอบไม่ถูกต้อง (ผลรวมตรวจสอบไม่ตรง)",
            message_en="the answer sheet's QR code is invalid (checksum mismatch)",
        )
    _, administration, form_code, variant, sheet = parts
    return {
        "administration": administration,
        "form_code": form_code,
        "variant": None if variant == "-" else variant,
        "sheet_number": int(sheet),
    }


def answer_sheet_layout(spec: AnswerSheetSpec, *, variant: str | None = None) -> dict[str, Any]:
    """Every printed mark of the sheet in mm (centres from the top-left): the JSON spec for OMR.

    Raises
    ------
    ExportError
        ``answer_sheet.too_wide`` when the items do not fit across the page.
    """
    k = len(spec.options)
    n_cols = math.ceil(spec.n_items / MAX_ROWS)
    rows = math.ceil(spec.n_items / n_cols)
    col_width = 9.0 + k * COL_PITCH_MM + 3.0
    if GRID_LEFT_MM + n_cols * col_width > GRID_RIGHT_MM + 3.0:
        raise ExportError(
            "answer_sheet.too_wide",
            message_th=f"{spec.n_items} ข้อ × {k} ตัวเลือก ไม่พอดีกับกระดาษ A4 หนึ่งแผ่น",
            message_en=f"{spec.n_items} items × {k} options do not fit on one A4 sheet",
        )
    items = []
    several = set(spec.several_in(variant)) if variant else set()
    for i in range(spec.n_items):
        col, row = divmod(i, rows)
        x0 = GRID_LEFT_MM + col * col_width + 9.0 + COL_PITCH_MM / 2
        y = GRID_TOP_MM + row * ROW_PITCH_MM + ROW_PITCH_MM / 2
        for j, label in enumerate(spec.options):
            items.append({"item": i + 1, "option": j + 1, "label": label, "x": x0 + j * COL_PITCH_MM, "y": y,
                          "max_marks": len(spec.options) if i + 1 in several else 1})

    fields: dict[str, list[dict[str, Any]]] = {}
    blocks: list[dict[str, Any]] = []
    x = 18.0

    def digit_block(name: str, title: str, n_digits: int) -> None:
        nonlocal x
        marks = []
        for d in range(n_digits):
            for v in range(10):
                marks.append(
                    {
                        "position": d + 1,
                        "value": str(v),
                        "label": str(v),
                        "x": x + d * COL_PITCH_MM + COL_PITCH_MM / 2,
                        "y": _id_row_y(v),
                    }
                )
        fields[name] = marks
        blocks.append(
            {"field": name, "title": title, "x": x, "width": n_digits * COL_PITCH_MM, "boxes": n_digits}
        )
        x += n_digits * COL_PITCH_MM + 5.0

    def choice_block(name: str, title: str, values: tuple[str, ...], width: float) -> None:
        nonlocal x
        fields[name] = [
            {"position": 1, "value": v, "label": v, "x": x + width / 2, "y": _id_row_y(r)}
            for r, v in enumerate(values)
        ]
        blocks.append({"field": name, "title": title, "x": x, "width": width, "boxes": 0})
        x += width + 5.0

    digit_block("student_number", "เลขประจำตัวนักเรียน", spec.id_digits)
    choice_block("class", "ชั้น", spec.classes, 13.0)
    digit_block("room", "ห้อง", spec.room_digits)
    digit_block("seat", "เลขที่", spec.seat_digits)
    choice_block("variant", "ชุด", spec.variants, 10.0)
    if x > GRID_RIGHT_MM + 5:
        raise ExportError(
            "answer_sheet.too_wide",
            message_th="ช่องรหัสนักเรียน ชั้น ห้อง เลขที่ และชุด ไม่พอดีกับความกว้างกระดาษ",
            message_en="the identification fields do not fit across the sheet",
        )
    qx, qy, qs = QR_BOX
    return {
        "format": "khlang-omr/1",
        "units": "mm",
        "origin": "top-left; x to the right, y downwards; positions are centres",
        "page": {"width": PAGE_MM[0], "height": PAGE_MM[1]},
        "administration": spec.administration,
        "form_code": spec.form_code,
        "variant": variant,
        "sheet_number": spec.sheet_number,
        "bubble_diameter": BUBBLE_MM,
        "ring_width": RING_MM,
        "fiducials": [{"x": fx, "y": fy, "size": FIDUCIAL_MM} for fx, fy in FIDUCIAL_CENTRES],
        "qr": {
            "x": qx + qs / 2,
            "y": qy + qs / 2,
            "size": qs,
            "payload": qr_payload(spec.administration, spec.form_code, variant, spec.sheet_number),
        },
        "fields": fields,
        "field_blocks": blocks,
        # items answered by several marks (ตอบได้มากกว่า 1 ข้อ), per variant: several marks there are an answer
        "several_marks": {v: list(ns) for v, ns in spec.several},
        "items": items,
        "grid": {"columns": n_cols, "rows": rows, "column_width": col_width, "top": GRID_TOP_MM},
    }


def _id_row_y(r: int) -> float:
    return 62.0 + r * ID_ROW_PITCH_MM


def answer_sheet_html(spec: AnswerSheetSpec, layout: dict[str, Any], *, thai_digits: bool = True) -> str:
    """The sheet as HTML: every mark absolutely positioned from `layout`; item numbers in the booklet's
    digits, option letters dark enough to read (≥ 7 pt) and over every column of answers."""
    r = BUBBLE_MM / 2
    # a form's own sheet (no administration yet) carries the form's code as the administration: named once
    administration = (f"การสอบ {esc(spec.administration)} · "
                      if spec.administration not in ("", spec.form_code) else "")
    marks = []
    for fx, fy in FIDUCIAL_CENTRES:
        h = FIDUCIAL_MM / 2
        marks.append(f'<div class="fid" style="left:{fx - h:.3f}mm;top:{fy - h:.3f}mm"></div>')
    bubbles = [*layout["items"]] + [m for ms in layout["fields"].values() for m in ms]
    for b in bubbles:
        inside = esc(b["label"]) if len(b["label"]) == 1 else ""
        marks.append(f'<div class="b" style="left:{b["x"] - r:.3f}mm;top:{b["y"] - r:.3f}mm">{inside}</div>')
        if not inside:
            marks.append(
                f'<div class="lab" style="left:{b["x"] - r - 6.5:.3f}mm;top:{b["y"] - 2.5:.3f}mm">{esc(b["label"])}</div>'
            )
    rows = layout["grid"]["rows"]
    for item in layout["items"]:
        if item["option"] == 1:
            star = "*" if item.get("max_marks", 1) > 1 else ""
            marks.append(
                f'<div class="no" style="left:{item["x"] - COL_PITCH_MM / 2 - 9.5:.3f}mm;'
                f'top:{item["y"] - ROW_PITCH_MM / 2:.3f}mm">{star}{esc(digits(item["item"], thai_digits))}</div>'
            )
        if (item["item"] - 1) % rows == 0:  # the option letters over each column of answers
            marks.append(
                f'<div class="colhead" style="left:{item["x"] - 2.5:.3f}mm;top:{item["y"] - ROW_PITCH_MM / 2 - 4.2:.3f}mm">'
                f'{esc(item["label"])}</div>'
            )
    if layout["variant"] and any(i.get("max_marks", 1) > 1 for i in layout["items"]):
        several_note = "ข้อที่มีเครื่องหมาย * ตอบได้มากกว่า 1 ข้อ ให้ระบายทุกตัวเลือกที่ถูก"
    elif spec.several:
        several_note = "ข้อที่โจทย์บอกว่า “ตอบได้มากกว่า 1 ข้อ” ให้ระบายทุกตัวเลือกที่ถูกในแถวเดียวกัน"
    else:
        several_note = ""
    for block in layout["field_blocks"]:
        marks.append(
            f'<div class="title" style="left:{block["x"] - 1:.3f}mm;top:48mm;width:{block["width"] + 2:.3f}mm">'
            f"{esc(block['title'])}</div>"
        )
        for d in range(block["boxes"]):
            marks.append(
                f'<div class="box" style="left:{block["x"] + d * COL_PITCH_MM + 0.5:.3f}mm;top:54mm"></div>'
            )
        marks.append(
            f'<div class="frame" style="left:{block["x"] - 1:.3f}mm;top:47mm;width:{block["width"] + 2:.3f}mm;'
            f'height:{_id_row_y(9) - 47 + 4:.3f}mm"></div>'
        )
    qx, qy, qs = QR_BOX
    qr = segno.make(layout["qr"]["payload"], error="m", micro=False)
    qr_svg = qr.svg_inline(scale=1, border=0, omitsize=False)
    qr_uri = "data:image/svg+xml;base64," + base64.b64encode(qr_svg.encode()).decode()
    grid_top = GRID_TOP_MM - 10.5
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>{font_face_css()}
@page {{ size: A4; margin: 0; }}
html {{ font-family: "Sarabun", "Laksaman", sans-serif; font-size: 10pt; }}
body {{ margin: 0; }}
.sheet {{ position: relative; width: 210mm; height: 297mm; overflow: hidden; }}
.sheet > div {{ position: absolute; }}
.fid {{ width: {FIDUCIAL_MM}mm; height: {FIDUCIAL_MM}mm; background: #000; }}
.b {{ width: {BUBBLE_MM - 2 * RING_MM:.3f}mm; height: {BUBBLE_MM - 2 * RING_MM:.3f}mm; border: {
        RING_MM
    }mm solid #000;
      border-radius: 50%; font-size: 7pt; line-height: {BUBBLE_MM - 2 * RING_MM:.3f}mm; text-align: center;
      color: #555; }}
.colhead {{ width: 5mm; height: 4mm; line-height: 4mm; text-align: center; font-size: 8.5pt; font-weight: bold; }}
.lab {{ width: 5.3mm; height: 5mm; line-height: 5mm; text-align: right; font-size: 8pt; }}
.no {{ width: 8mm; height: {ROW_PITCH_MM}mm; line-height: {
        ROW_PITCH_MM
    }mm; text-align: right; font-size: 9pt; }}
.title {{ text-align: center; font-size: 8.5pt; font-weight: bold; }}
.box {{ width: 5mm; height: 5mm; border: 0.2mm solid #555; box-sizing: border-box; }}
.frame {{ border: 0.25mm solid #888; box-sizing: border-box; }}
.head {{ left: 18mm; top: 14mm; width: 144mm; }}
.head h1 {{ font-size: 16pt; margin: 0; line-height: 1.2; }}
.head p {{ margin: 0; font-size: 10pt; line-height: 1.5; }}
.qr {{ left: {qx}mm; top: {qy}mm; width: {qs}mm; height: {qs}mm; }}
.qr img {{ width: {qs}mm; height: {qs}mm; }}
.grid-title {{ left: 16mm; top: {grid_top}mm; font-weight: bold; font-size: 10pt; }}
.grid-title .note {{ font-weight: normal; font-size: 9.5pt; }}
.rule {{ left: 16mm; top: {grid_top + 5.5}mm; width: 178mm; border-top: 0.3mm solid #000; }}
.rows-{rows} {{ }}
</style></head><body><div class="sheet">
<div class="head"><h1>{esc(spec.title)}</h1>
<p>{administration}แบบทดสอบ {esc(spec.form_code)}{
        f" · ชุด {esc(layout['variant'])}" if layout["variant"] else ""
    } · แผ่นที่ {digits(spec.sheet_number, thai_digits)}</p>
<p>ชื่อ-นามสกุล ..................................................... โรงเรียน{
        esc(spec.school) if spec.school else " ......................................"
    }</p>
<p>ใช้ดินสอ 2B ระบายวงกลมให้เต็มวง ลบให้สะอาดเมื่อเปลี่ยนคำตอบ ห้ามพับหรือขีดเขียนบริเวณวงกลมและสี่เหลี่ยมดำที่มุม</p></div>
<div class="qr"><img src="{qr_uri}" alt="QR"></div>
<div class="grid-title">คำตอบ{f' <span class="note">({esc(digits(several_note, thai_digits))})</span>' if several_note else ""}</div><div class="rule"></div>
{"".join(marks)}
</div></body></html>"""


def render_answer_sheet(
    spec: AnswerSheetSpec,
    out: str | Path | None = None,
    *,
    variant: str | None = None,
    spec_out: str | Path | None = None,
    thai_digits: bool = True,
) -> tuple[bytes, dict[str, Any]]:
    """Render the answer sheet PDF and its layout; write them to `out` / `spec_out` (JSON) if given."""
    layout = answer_sheet_layout(spec, variant=variant)
    pdf = render_pdf(answer_sheet_html(spec, layout, thai_digits=thai_digits), fetcher=SandboxFetcher())
    if out is not None:
        Path(out).write_bytes(pdf)
    if spec_out is not None:
        Path(spec_out).write_text(json.dumps(layout, ensure_ascii=False, indent=1), encoding="utf-8")
    return pdf, layout

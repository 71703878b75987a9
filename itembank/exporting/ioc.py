"""แบบประเมินความสอดคล้อง (IOC ratings form): one XLSX per expert, items × a +1/0/−1 column.

Layout (read back by :mod:`itembank.importing.ioc`):

- ``B2``: the expert's name (filled in by the office or by the expert);
- row 5: headers; from row 6 one item version per row: code, version number, indicators, stem,
  options, then the rating cell (a list validation of 1, 0, −1 with a Thai error message) and a
  comment cell. Only the rating, comment and name cells are meant to be edited.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from itembank.sanitize import plain_text
from itembank.template import csv_neutralise

__all__ = ["IOC_HEADERS", "IOC_FIRST_ROW", "write_ioc_form"]

IOC_TITLE = "แบบประเมินความสอดคล้องระหว่างข้อสอบกับตัวชี้วัด (IOC)"
IOC_NAME_CELL = "B2"
IOC_HEADER_ROW = 5
IOC_FIRST_ROW = IOC_HEADER_ROW + 1
#: (Thai header, English name) of the form's columns, A to G.
IOC_HEADERS = (
    ("รหัสข้อสอบ", "code"),
    ("ฉบับที่", "version"),
    ("ตัวชี้วัด", "indicators"),
    ("โจทย์", "stem"),
    ("ตัวเลือก / เฉลย", "options"),
    ("ความสอดคล้อง (+1 / 0 / -1)", "rating"),
    ("ข้อเสนอแนะ", "comment"),
)
RATING_COLUMN = "F"


def _options_text(v: Any) -> str:
    lines = [f"{o['label']}. {plain_text(o['text'])}" for o in v.options]
    if v.key:
        lines.append("เฉลย: " + ", ".join(v.key))
    return "\n".join(lines)


def write_ioc_form(path: str | Path, versions: Sequence[Any], *, expert_name: str = "") -> Path:
    """Write the IOC form for `versions` (ItemVersionPublic) to `path` and return it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "IOC"
    ws["A1"] = IOC_TITLE
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "ชื่อผู้เชี่ยวชาญ (expert)"
    ws[IOC_NAME_CELL] = expert_name or None
    ws[IOC_NAME_CELL].fill = PatternFill("solid", fgColor="FFF2CC")
    ws["A3"] = ("ให้คะแนนทุกข้อ: +1 = สอดคล้องกับตัวชี้วัด, 0 = ไม่แน่ใจ, -1 = ไม่สอดคล้อง "
                "(rate every item: +1 congruent, 0 unsure, -1 not congruent)")
    for col, (th, _) in enumerate(IOC_HEADERS, start=1):
        cell = ws.cell(IOC_HEADER_ROW, col, th)
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, v in enumerate(versions, start=IOC_FIRST_ROW):
        values = (v.item_code, v.number, "; ".join(v.indicator_codes), plain_text(v.stem), _options_text(v))
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row, col)
            cell.value = value
            if isinstance(value, str) and csv_neutralise(value) != value:
                cell.data_type = "s"  # text that looks like a formula stays text: never a formula cell
                cell.quotePrefix = True
            cell.alignment = wrap
        ws.cell(row, 6).fill = PatternFill("solid", fgColor="FFF2CC")
    last = IOC_FIRST_ROW + max(len(versions), 1) - 1
    rating = DataValidation(type="list", formula1='"1,0,-1"', allow_blank=True, showErrorMessage=True,
                            errorTitle="ค่าไม่ถูกต้อง", error="ใส่ได้เฉพาะ 1, 0 หรือ -1 (+1 สอดคล้อง 0 ไม่แน่ใจ -1 ไม่สอดคล้อง)",
                            promptTitle="ความสอดคล้อง", prompt="+1 สอดคล้อง · 0 ไม่แน่ใจ · -1 ไม่สอดคล้อง",
                            showInputMessage=True)
    rating.add(f"{RATING_COLUMN}{IOC_FIRST_ROW}:{RATING_COLUMN}{last}")
    ws.add_data_validation(rating)
    for col, width in zip("ABCDEFG", (12, 8, 18, 60, 40, 16, 30), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = f"A{IOC_FIRST_ROW}"
    wb.save(path)
    return path

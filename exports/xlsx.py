"""XLSX workbooks from plain tables: one sheet per :class:`~psychometrics.tables.Table`.

Formula injection ("CSV injection"): a cell whose text starts with ``= + - @``, a tab or a carriage
return may be taken for a formula by Excel or LibreOffice, now or when a user later edits the cell
or saves the sheet as CSV. We neutralise such cells **without changing their text**: the value is
written as an explicit string cell (``t="s"``, never a formula) and given the ``quotePrefix`` style,
which is exactly what Excel stores when a person types ``'=1+1``. The user sees ``=1+1``, the
formula bar shows ``'=1+1``, editing the cell keeps it text, and :func:`openpyxl.load_workbook`
(or pandas) reads back the same visible text. Prefixing a real apostrophe would change the text
every reader sees (``'=1+1``) and break round trips, so we only do that in formats that have no
cell types, such as CSV: :func:`neutralise` is the function for those writers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from exports.errors import ExportError
from psychometrics.tables import Table

__all__ = ["DANGEROUS_PREFIXES", "is_dangerous", "neutralise", "safe_sheet_title", "write_tables"]

#: First characters that make a spreadsheet (or a CSV opened in one) read text as a formula.
#: The full-width forms are included because some spreadsheet builds normalise them on input.
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

THAI_FONT = "TH Sarabun New"
LATIN_FONT = "Calibri"
_FORBIDDEN_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_MAX_SHEET_TITLE = 31
_THAI_COMBINING = frozenset(
    "\u0e31" + "".join(map(chr, range(0x0E34, 0x0E3B))) + "".join(map(chr, range(0x0E47, 0x0E4F)))
)


def is_dangerous(value: Any) -> bool:
    """True when `value` is text a spreadsheet could take for a formula (also after leading spaces)."""
    if not isinstance(value, str) or not value:
        return False
    return value.startswith(DANGEROUS_PREFIXES) or value.lstrip(" ").startswith(DANGEROUS_PREFIXES)


def neutralise(value: Any) -> Any:
    """Return `value` made safe for a CSV or any text-only sheet: dangerous text gets a leading ``'``.

    Non-strings and harmless strings are returned unchanged. This is the OWASP recommendation for
    CSV; spreadsheet programs show the apostrophe as part of the text there, which is the price of a
    format without cell types. XLSX needs no visible change: see :func:`write_tables`.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("-0.5"), neutralise(-0.5), neutralise("ค 1.1 ป.6/2")
    ("'-0.5", -0.5, 'ค 1.1 ป.6/2')
    """
    if is_dangerous(value):
        return "'" + value
    return value


def safe_sheet_title(title: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A legal, unique sheet name for `title`: no ``[]:*?/\\``, ≤ 31 characters, not blank.

    Uniqueness is case-insensitive, as in Excel; a clash gets `` (2)``, `` (3)`` … inside the 31.
    """
    name = _FORBIDDEN_IN_SHEET_TITLE.sub(" ", title or "")
    name = " ".join(name.split()).strip("'") or "Sheet"
    if name.lower() == "history":  # reserved by Excel
        name = "History table"
    name = name[:_MAX_SHEET_TITLE].rstrip()
    lowered = {t.lower() for t in taken}
    candidate, n = name, 1
    while candidate.lower() in lowered:
        n += 1
        suffix = f" ({n})"
        candidate = name[: _MAX_SHEET_TITLE - len(suffix)].rstrip() + suffix
    return candidate


def write_tables(
    path: str | Path,
    tables: Sequence[Table],
    *,
    locale: str = "th",
    decimals: int = 3,
) -> Path:
    """Write `tables` to an XLSX workbook at `path`, one sheet per table, and return the path.

    Parameters
    ----------
    path : str or Path
        Where the workbook goes; its folder must exist.
    tables : sequence of Table
        Each becomes a sheet named after its title (made legal and unique). Row 1 holds the column
        names and is frozen, with an autofilter; the table's notes follow the rows after a blank row.
    locale : {"th", "en"}, default="th"
        ``"th"`` uses the Thai font (TH Sarabun New, 14 pt) and Buddhist-era date formats;
        ``"en"`` uses Calibri 11 pt and ISO dates.
    decimals : int, default=3
        Decimal places shown for floats (the full value is stored).

    Raises
    ------
    ExportError
        ``xlsx.no_tables`` when `tables` is empty, ``xlsx.bad_locale`` for an unknown locale,
        ``xlsx.unsupported_value`` for a cell that is not str, int, float, bool, date or None.
    """
    if locale not in ("th", "en"):
        raise ExportError(
            "xlsx.bad_locale",
            message_th=f"ไม่รู้จักภาษา {locale!r} (ใช้ได้: th, en)",
            message_en=f"unknown locale {locale!r} (use th or en)",
        )
    if not tables:
        raise ExportError(
            "xlsx.no_tables",
            message_th="ไม่มีตารางให้เขียนลงสมุดงาน XLSX",
            message_en="no tables to write to the XLSX workbook",
        )
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for table in tables:
        title = safe_sheet_title(table.title, taken)
        taken.add(title)
        _write_sheet(wb.create_sheet(title), table, locale=locale, decimals=decimals, sheet=title)
    wb.properties.language = "th-TH" if locale == "th" else "en-US"
    wb.save(path)
    return path


def _write_sheet(ws: Any, table: Table, *, locale: str, decimals: int, sheet: str) -> None:
    thai = locale == "th"
    name, size = (THAI_FONT, 14) if thai else (LATIN_FONT, 11)
    body_font = Font(name=name, size=size, scheme=None)
    head_font = Font(name=name, size=size, bold=True, scheme=None)
    head_fill = PatternFill("solid", start_color="FFDDE6F0")
    thin = Side(style="thin", color="FF7F7F7F")
    formats = _Formats(thai, decimals)

    widths = [_display_width(str(c)) for c in table.columns]
    for j, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=1, column=j)
        _set_text(cell, str(column))
        cell.font, cell.fill = head_font, head_fill
        cell.border = Border(bottom=thin)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for i, row in enumerate(table.rows, start=2):
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j)
            _set_value(cell, value, formats, sheet)
            cell.font = body_font
            widths[j - 1] = max(widths[j - 1], _display_width(_shown(value, decimals)))
    note_row = len(table.rows) + 3
    for k, note in enumerate(table.notes):
        cell = ws.cell(row=note_row + k, column=1)
        _set_text(cell, str(note))
        cell.font = Font(name=name, size=size, italic=True, scheme=None)

    ws.freeze_panes = "A2"
    if table.columns:
        last = get_column_letter(len(table.columns))
        ws.auto_filter.ref = f"A1:{last}{max(1, len(table.rows) + 1)}"
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, w + 2))
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = table.title.replace("&", "&&")  # "&" starts a header code in Excel
    ws.page_setup.orientation = "landscape" if len(table.columns) > 6 else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0


class _Formats:
    def __init__(self, thai: bool, decimals: int):
        self.integer = "#,##0"
        self.real = "#,##0." + "0" * decimals if decimals > 0 else "#,##0"
        # [$-1070000]: Buddhist-era calendar, so 2026 shows as 2569 (the value stays a real date)
        self.date = "[$-1070000]d/m/yyyy;@" if thai else "yyyy-mm-dd"
        self.datetime = "[$-1070000]d/m/yyyy h:mm;@" if thai else "yyyy-mm-dd hh:mm"


def _set_text(cell: Cell, text: str) -> None:
    # openpyxl would store text starting with "=" as a formula: force a string cell
    cell.value = text
    cell.data_type = "s"
    if is_dangerous(text):
        cell.quotePrefix = True


def _set_value(cell: Cell, value: Any, formats: _Formats, sheet: str) -> None:
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar
    if value is None or (isinstance(value, float) and value != value):
        return
    if isinstance(value, str):
        _set_text(cell, value)
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int):
        cell.value, cell.number_format = value, formats.integer
    elif isinstance(value, float):
        cell.value, cell.number_format = value, formats.real
    elif isinstance(value, dt.datetime):
        cell.value, cell.number_format = value, formats.datetime
    elif isinstance(value, dt.date):
        cell.value, cell.number_format = value, formats.date
    else:
        raise ExportError(
            "xlsx.unsupported_value",
            message_th=f"ชีต {sheet} เซลล์ {cell.coordinate}: เขียนค่าชนิด {type(value).__name__} ลง XLSX ไม่ได้",
            message_en=f"sheet {sheet} cell {cell.coordinate}: cannot write a {type(value).__name__}",
        )


def _shown(value: Any, decimals: int) -> str:
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    return "" if value is None else str(value)


def _display_width(text: str) -> int:
    # Thai combining marks (above/below vowels, tone marks) take no column of their own
    longest = max((len(line) for line in text.splitlines()), default=0)
    marks = sum(1 for ch in text if ch in _THAI_COMBINING)
    return max(0, longest - marks)

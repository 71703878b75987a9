"""Reading uploaded item files safely: CSV (UTF-8, UTF-8 with BOM, cp874/TIS-620) and XLSX.

An uploaded spreadsheet is hostile until proven otherwise (notes/security.md): every limit is
checked *before* a parser sees the content, so a zip bomb or a disguised archive is refused in
milliseconds with a Thai message.

- Size: the file is read at most ``max_bytes + 1`` bytes far.
- Kind by magic bytes, not by name: a ``.csv`` that starts with ``PK`` (a ZIP, e.g. an XLSX renamed),
  an old ``.xls`` or encrypted workbook (OLE ``D0 CF 11 E0``) or any binary (NUL bytes) is refused.
- XLSX: the ZIP central directory is checked first (entry count, total uncompressed size, each
  entry's compression ratio), XML parts must not declare a DTD (no entity tricks), a worksheet
  whose declared ``<dimension>`` is far over the row limit is refused unread, then the item
  sheet is streamed by :mod:`itembank.importing.xlsx` (lxml with entity resolution, DTD loading and
  network access off; openpyxl, which would parse through defusedxml, is several times slower and
  is used only to write). Python's zipfile never inflates an entry past its declared size, so the
  declared sizes we check are binding.
- Formulas are never evaluated. In XLSX a formula cell (``data_type == "f"``) is refused with its
  row and column. CSV has no formulas, but a CSV cell that starts with ``=`` is what Excel would turn
  into one, so it is refused too; start it with an apostrophe (``'=``) to mean the text. In CSV one
  leading apostrophe is always removed (see :mod:`itembank.template`, "Apostrophes").
- CSV encoding: the one policy of :mod:`itembank.decoding` (:func:`decode_text`), shared with
  every other upload (answer files, keys, parameter files): UTF-16 with a BOM (Excel's "Unicode
  Text"), else strict UTF-8 (BOM optional), then cp874 (what Thai Excel writes for "CSV (Comma
  delimited)") when it reads as plausible Thai; otherwise the file is refused: never mojibake.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from itembank.decoding import OLE_MAGIC, decode, decode_text
from itembank.errors import ItemBankError, Where, column_letter
from itembank.template import SET_SHEET_NAMES

__all__ = ["Limits", "RawTable", "decode_text", "read_table", "read_csv_bytes", "read_xlsx_bytes", "problem"]


@dataclass(frozen=True)
class Limits:
    """Limits on one uploaded file. Defaults fit a 50,000-row item sheet with room to spare."""

    max_bytes: int = 20 * 1024 * 1024  # on disk
    max_rows: int = 50_000  # data rows, header excluded
    max_columns: int = 200
    max_zip_entries: int = 1_000  # security.md: more than 1000 entries → refused
    max_uncompressed: int = 50 * 1024 * 1024  # security.md: summed uncompressed size over 50 MB → refused
    max_ratio: int = 200  # one entry inflating more than 200× is a bomb, not a spreadsheet
    max_cell_chars: int = 32_767  # Excel's own limit per cell


DEFAULT_LIMITS = Limits()


@dataclass
class RawTable:
    """The cells of one sheet as text, with the row numbers a spreadsheet shows (header = row 1)."""

    file: str
    format: str  # "csv" | "xlsx"
    encoding: str | None  # "utf-8", "utf-8-sig", "cp874"; None for XLSX
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    problems: list[ItemBankError] = field(default_factory=list)  # cell-level problems found while reading
    sheet: str | None = None
    sets: RawTable | None = None  # XLSX only: the optional sheet of passages (template.SET_SHEET_NAMES)


def problem(code: str, file: str | None, row: int | None, column: str | None, th: str, en: str) -> ItemBankError:
    """One collected problem, pointing at a file, a row and a column."""
    return ItemBankError(code, kind="invalid", where=Where(file, row, column), message_th=th, message_en=en)


def _refuse(code: str, file: str, th: str, en: str) -> ItemBankError:
    return problem(code, file, None, None, th, en)


_ROOT_START = re.compile(rb"<[A-Za-z_]")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]{1,3}[0-9]+:[A-Z]{1,3}([0-9]{1,9})"')


def _read_capped(path: Path, limits: Limits) -> bytes:
    name = path.name
    with open(path, "rb") as f:
        data = f.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        mb = limits.max_bytes / 1024 / 1024
        raise _refuse(
            "import.file_too_large",
            name,
            f"ไฟล์ใหญ่เกิน {mb:.0f} MB: แบ่งเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์",
            f"the file is larger than {mb:.0f} MB: split it and import the parts one by one",
        )
    if not data:
        raise _refuse("import.empty_file", name, "ไฟล์ว่าง ไม่มีข้อมูล", "the file is empty")
    return data


def read_table(path: str | Path, *, limits: Limits = DEFAULT_LIMITS, display_name: str | None = None) -> RawTable:
    """Read the item sheet of a CSV or XLSX file into text cells, refusing hostile files.

    The format follows the file name's suffix (``.csv`` or ``.xlsx``); the magic bytes must agree.
    Raises :class:`ItemBankError` (kind ``invalid``) with a Thai message naming the file.
    """
    path = Path(path)
    name = display_name or path.name
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise _refuse(
            "import.unknown_format",
            name,
            f"ไม่รู้จักชนิดไฟล์ {suffix or '(ไม่มีนามสกุล)'}: ใช้ .xlsx หรือ .csv ตามแม่แบบข้อสอบ",
            f"unknown file type {suffix or '(no suffix)'}: use .xlsx or .csv as in the item template",
        )
    data = _read_capped(path, limits)
    if suffix == ".xlsx":
        return read_xlsx_bytes(data, name, limits=limits)
    return read_csv_bytes(data, name, limits=limits)


# ---------------------------------------------------------------------------------------------- CSV


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_bytes(data: bytes, name: str, *, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    """Parse CSV bytes (header on the first line) into a :class:`RawTable`."""
    text, encoding = decode(data, name)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(first_line), strict=False)
    header_row: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    problems: list[ItemBankError] = []
    try:
        for row_number, record in enumerate(reader, start=1):
            if header_row is None:
                header_row = record
                if len(header_row) > limits.max_columns:
                    raise _too_many_columns(name, limits)
                continue
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= limits.max_rows:
                raise _too_many_rows(name, limits)
            rows.append((row_number, _csv_cells(record, row_number, header_row, name, problems, limits)))
    except csv.Error as e:
        raise _refuse("import.csv_malformed", name, f"อ่าน CSV ไม่ได้: {e}", f"malformed CSV: {e}") from None
    return RawTable(name, "csv", encoding, [h.strip() for h in (header_row or [])], rows, problems)


def _csv_cells(
    record: list[str], row: int, headers: list[str], name: str, problems: list[ItemBankError], limits: Limits
) -> list[str]:
    cells = []
    for i, cell in enumerate(record):
        column = headers[i].strip() if i < len(headers) else column_letter(i)
        if cell.startswith("'"):
            cell = cell[1:]  # the text marker; see the template's "Apostrophes" rule
        elif cell.lstrip(" ").startswith("="):
            problems.append(_formula_problem(name, row, column, cell))
        if len(cell) > limits.max_cell_chars:
            problems.append(_long_cell_problem(name, row, column, limits))
        cells.append(cell)
    return cells


def _formula_problem(name: str, row: int, column: str, formula: str) -> ItemBankError:
    shown = formula if len(formula) <= 40 else formula[:40] + "…"
    return problem(
        "import.formula",
        name,
        row,
        column,
        f"มีสูตรคำนวณ {shown} ซึ่ง Khlang ไม่คำนวณและไม่รับ: พิมพ์ค่าเป็นข้อความ "
        "(ถ้าต้องการข้อความที่ขึ้นต้นด้วย = ให้นำหน้าด้วย ')",
        f"formula {shown} is not accepted (never evaluated): type the value as text, or start it with ' to keep '='",
    )


def _long_cell_problem(name: str, row: int, column: str, limits: Limits) -> ItemBankError:
    return problem(
        "import.cell_too_long",
        name,
        row,
        column,
        f"ข้อความยาวเกิน {limits.max_cell_chars:,} ตัวอักษร",
        f"text longer than {limits.max_cell_chars:,} characters",
    )


def _too_many_rows(name: str, limits: Limits) -> ItemBankError:
    return _refuse(
        "import.too_many_rows",
        name,
        f"ไฟล์มีข้อมูลเกิน {limits.max_rows:,} แถว: แบ่งเป็นหลายไฟล์",
        f"more than {limits.max_rows:,} data rows: split the file",
    )


def _too_many_columns(name: str, limits: Limits) -> ItemBankError:
    return _refuse(
        "import.too_many_columns",
        name,
        f"ไฟล์มีเกิน {limits.max_columns} คอลัมน์ ซึ่งไม่ใช่แม่แบบข้อสอบ",
        f"more than {limits.max_columns} columns: not the item template",
    )


# --------------------------------------------------------------------------------------------- XLSX

ITEM_SHEET_NAMES = ("ข้อสอบ", "items")


def check_xlsx_archive(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a file that is not a sane XLSX, from the ZIP directory alone (no inflation)."""
    if data.startswith(OLE_MAGIC):
        raise _refuse(
            "import.xlsx_ole",
            name,
            "ไฟล์นี้เป็น Excel รุ่นเก่า (.xls) หรือไฟล์ที่ตั้งรหัสผ่าน: บันทึกเป็น .xlsx แบบไม่มีรหัสผ่าน",
            "this is an old .xls or a password-protected workbook: save it as .xlsx without a password",
        )
    if not data.startswith(b"PK\x03\x04"):
        raise _refuse(
            "import.xlsx_not_zip", name, "ไฟล์นี้ไม่ใช่ไฟล์ .xlsx ที่ถูกต้อง", "this is not a valid .xlsx file"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(
            "import.xlsx_corrupt", name, "ไฟล์ .xlsx เสียหาย เปิดไม่ได้", "the .xlsx file is damaged"
        ) from None
    if len(entries) > limits.max_zip_entries:
        raise _refuse(
            "import.xlsx_bomb_entries",
            name,
            f"ไฟล์ .xlsx มีส่วนประกอบ {len(entries):,} ส่วน เกินขีดจำกัด {limits.max_zip_entries:,}: ไม่เปิดไฟล์นี้",
            f"the .xlsx has {len(entries):,} parts, over the limit of {limits.max_zip_entries:,}: refused",
        )
    total = sum(e.file_size for e in entries)
    if total > limits.max_uncompressed:
        raise _refuse(
            "import.xlsx_bomb_size",
            name,
            f"ไฟล์ .xlsx ขยายแล้วมีขนาด {total / 1024 / 1024:,.0f} MB เกินขีดจำกัด "
            f"{limits.max_uncompressed / 1024 / 1024:,.0f} MB: ไม่เปิดไฟล์นี้",
            f"the .xlsx inflates to {total / 1024 / 1024:,.0f} MB, over the "
            f"{limits.max_uncompressed / 1024 / 1024:,.0f} MB limit: refused",
        )
    for e in entries:
        if e.flag_bits & 0x1:
            raise _refuse(
                "import.xlsx_encrypted", name, "ไฟล์ .xlsx ถูกเข้ารหัส", "the .xlsx has encrypted parts"
            )
        if e.file_size > 1024 * 1024 and e.file_size > limits.max_ratio * max(e.compress_size, 1):
            raise _refuse(
                "import.xlsx_bomb_ratio",
                name,
                f"ส่วน {e.filename} ของไฟล์ .xlsx บีบอัดไว้เกิน {limits.max_ratio} เท่า (ลักษณะของ zip bomb): ไม่เปิดไฟล์นี้",
                f"part {e.filename} is compressed more than {limits.max_ratio}× (a zip bomb): refused",
            )
    for e in entries:  # a DTD has no business in a workbook: no entity expansion, no external files
        if e.filename.endswith((".xml", ".rels", ".vml")):
            with archive.open(e) as part:
                head = part.read(4096)
            root = _ROOT_START.search(head)
            prolog = head[: root.start()] if root else head  # a DTD can only stand before the root element
            if root is None and len(head) == 4096 or b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                raise _refuse(
                    "import.xlsx_dtd",
                    name,
                    f"ส่วน {e.filename} ของไฟล์ .xlsx มีการประกาศ DTD/ENTITY ซึ่งไม่อนุญาต",
                    f"part {e.filename} declares a DTD/ENTITY, which is not allowed",
                )
            dimension = _DIMENSION.search(head) if e.filename.startswith("xl/worksheets/") else None
            if dimension and int(dimension.group(1)) - 1 > limits.max_rows * 2:  # blank rows are allowed
                raise _too_many_rows(name, limits)


def read_xlsx_bytes(data: bytes, name: str, *, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    """Read the item sheet (named ข้อสอบ or items, else the first) of XLSX bytes into a :class:`RawTable`."""
    from lxml import etree

    from itembank.importing.xlsx import iter_sheet_rows, sheet_names

    check_xlsx_archive(data, name, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sheet_names(archive)
            if not sheets:
                raise KeyError("no worksheet")
            by_name = {title.strip().casefold(): (title, part) for title, part in sheets}
            title, part = next((by_name[n] for n in ITEM_SHEET_NAMES if n in by_name), sheets[0])
            table = _read_sheet(iter_sheet_rows(archive, part), name, title, limits)
            set_sheet = next((by_name[n] for n in SET_SHEET_NAMES if n in by_name), None)
            if set_sheet is not None and set_sheet[1] != part:
                table.sets = _read_sheet(iter_sheet_rows(archive, set_sheet[1]), f"{name} ชีต {set_sheet[0]}",
                                         set_sheet[0], limits)
            return table
    except (KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError) as e:
        raise _refuse(
            "import.xlsx_corrupt",
            name,
            f"เปิดไฟล์ .xlsx ไม่ได้ ({type(e).__name__})",
            f"cannot open the .xlsx ({type(e).__name__}: {e})",
        ) from None


def _read_sheet(rows_in, name: str, title: str, limits: Limits) -> RawTable:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    problems: list[ItemBankError] = []
    for row_number, sheet_cells in rows_in:
        if headers is None:
            if not sheet_cells:
                continue  # rows above the header are allowed to be empty
            width = sheet_cells[-1].column + 1
            if width > limits.max_columns:
                raise _too_many_columns(name, limits)
            headers = [""] * width
            for c in sheet_cells:
                headers[c.column] = c.text.strip()
            header_row = row_number
            continue
        if not any(c.text.strip() for c in sheet_cells):
            continue
        if len(rows) >= limits.max_rows:
            raise _too_many_rows(name, limits)
        width = max(len(headers), sheet_cells[-1].column + 1)
        if width > limits.max_columns:
            raise _too_many_columns(name, limits)
        cells = [""] * width
        for c in sheet_cells:
            column = headers[c.column] if c.column < len(headers) and headers[c.column] else column_letter(c.column)
            if c.is_formula:
                problems.append(_formula_problem(name, row_number, column, c.text))
            if len(c.text) > limits.max_cell_chars:
                problems.append(_long_cell_problem(name, row_number, column, limits))
            cells[c.column] = c.text
        rows.append((row_number, cells))
    if headers is not None and header_row != 1:
        problems.append(problem(
            "import.header_not_first", name, header_row, None,
            f"หัวตารางต้องอยู่แถวที่ 1 (พบที่แถว {header_row})", f"the header must be on row 1 (found on row {header_row})",
        ))
    return RawTable(name, "xlsx", None, headers or [], rows, problems, sheet=title)

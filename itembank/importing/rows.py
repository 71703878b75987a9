"""Checking every row of an item sheet and turning it into :class:`~itembank.schemas.ItemDraft` s.

Every problem of every row is collected with its file, row (as the spreadsheet numbers it) and
column (as the file's header spells it); nothing stops at the first one. The rules are those of
:mod:`itembank.template`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from itembank.errors import ItemBankError
from itembank.importing.cells import RowReader, sanitize
from itembank.importing.codes import CodeBook
from itembank.importing.files import RawTable, column_letter, problem
from itembank.schemas import ItemDraft, ItemSetDraft
from itembank.template import BY_NAME, IGNORED_COLUMNS, SET_COLUMNS, column_for_header, split_codes

__all__ = ["ParsedFile", "ParsedRow", "parse_items", "parse_sets"]


@dataclass
class ParsedRow:
    row: int
    draft: ItemDraft


@dataclass
class ParsedFile:
    """An item sheet after checking: the drafts of good rows, every problem, and notices."""

    table: RawTable
    rows: list[ParsedRow]
    problems: list[ItemBankError]
    notices: list[ItemBankError] = field(default_factory=list)  # e.g. stems stored sanitised
    columns: dict[str, str] = field(default_factory=dict)  # template name -> header as written
    sets: list[ItemSetDraft] = field(default_factory=list)  # from the XLSX's set sheet
    set_rows: dict[str, int] = field(default_factory=dict)  # set code -> its row in the set sheet

    @property
    def drafts(self) -> list[ItemDraft]:
        return [r.draft for r in self.rows]


def _map_headers(table: RawTable, problems: list[ItemBankError]) -> dict[str, int]:
    """Template column name → index in the row; unknown, repeated and missing columns are problems."""
    index: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        if not header:
            continue
        name = column_for_header(header)
        if name is None:
            problems.append(problem(
                "import.column_unknown", table.file, 1, header,
                f"ไม่รู้จักคอลัมน์ {header!r}: ใช้ชื่อคอลัมน์ตามแม่แบบข้อสอบ (ไทยหรืออังกฤษ) "
                "หรือตั้งชื่อว่า หมายเหตุ ถ้าเป็นบันทึกที่ไม่ต้องนำเข้า",
                f"unknown column {header!r}: use the item template's headers, or name it note",
            ))
        elif name in index:
            problems.append(problem(
                "import.column_repeated", table.file, 1, header,
                f"คอลัมน์ {header!r} ซ้ำกับคอลัมน์ที่ {index[name] + 1}",
                f"column {header!r} repeats column {index[name] + 1}",
            ))
        elif name not in IGNORED_COLUMNS:
            index[name] = i
    for required in ("code", "type", "stem"):
        if required not in index:
            column = BY_NAME[required]
            problems.append(problem(
                "import.column_missing", table.file, 1, column.name,
                f"ไม่มีคอลัมน์ {column.th} ({column.name}) ซึ่งต้องมี",
                f"the required column {column.name} ({column.th}) is missing",
            ))
    return index


def parse_sets(table: RawTable, parsed: ParsedFile) -> None:
    """Read the set sheet (passages) into ``parsed.sets``; its problems join ``parsed.problems``."""
    parsed.problems.extend(table.problems)
    by_header = {}
    for c in SET_COLUMNS:
        for spelling in (c.name, c.th, *c.aliases):
            by_header[spelling.strip().casefold()] = c.name
    index: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        name = by_header.get(header.strip().casefold())
        if name is None and header:
            parsed.problems.append(problem(
                "import.column_unknown", table.file, 1, header, f"ไม่รู้จักคอลัมน์ {header!r} ของชีตชุดข้อสอบ "
                f"(ใช้ {', '.join(c.th for c in SET_COLUMNS)})", f"unknown column {header!r} in the set sheet"))
        elif name is not None:
            index[name] = i
    def cell(cells: list[str], name: str) -> str:
        i = index.get(name)
        return cells[i] if i is not None and i < len(cells) else ""

    for row_number, cells in table.rows:
        code, title = cell(cells, "set_code").strip(), cell(cells, "title").strip()
        for name, value, th in (("set_code", code, "รหัสชุด"), ("title", title, "ชื่อชุด")):
            if not value:
                parsed.problems.append(problem("import.set_empty", table.file, row_number, name,
                                               f"ไม่มี{th}", f"the set's {name} is empty"))
        if code and code in parsed.set_rows:
            parsed.problems.append(problem("import.set_duplicate", table.file, row_number, "set_code",
                                           f"รหัสชุด {code} ซ้ำกับแถว {parsed.set_rows[code]}",
                                           f"set code {code} repeats row {parsed.set_rows[code]}"))
        elif code and title:
            media = tuple(m.lower() for m in split_codes(cell(cells, "media")))
            parsed.sets.append(ItemSetDraft(code, title, sanitize(cell(cells, "stimulus")), media))
            parsed.set_rows[code] = row_number


def parse_items(table: RawTable, codebook: CodeBook) -> ParsedFile:
    """Check every row of `table` (and its set sheet); return drafts for the good rows and every problem."""
    problems: list[ItemBankError] = list(table.problems)
    index = _map_headers(table, problems)
    headers = {name: table.headers[i] for name, i in index.items()}
    parsed = ParsedFile(table, [], problems, columns=headers)
    if table.sets is not None:
        parse_sets(table.sets, parsed)
    if not table.rows:
        problems.append(problem(
            "import.no_rows", table.file, None, None,
            "ไฟล์ไม่มีข้อสอบ (มีแต่หัวตารางหรือว่างเปล่า): ใส่ข้อสอบตั้งแต่แถวที่ 2",
            "the file has no item rows (only a header, or nothing): put items from row 2",
        ))
        return parsed
    if any(r in index for r in ("code", "type", "stem")) and all(r in index for r in ("code", "type", "stem")):
        first_row_of: dict[str, int] = {}
        unnamed = [i for i, h in enumerate(table.headers) if not h]
        n_headers = len(table.headers)
        for row_number, cells in table.rows:
            stray = [i for i in unnamed if i < len(cells) and cells[i].strip()]
            stray += [i for i in range(n_headers, len(cells)) if cells[i].strip()]
            for i in stray:  # a shifted row, or a column someone forgot to name: never drop data silently
                problems.append(problem(
                    "import.cell_without_header", table.file, row_number, column_letter(i),
                    "มีข้อมูลในคอลัมน์ที่ไม่มีหัวตาราง (แถวเลื่อนหรือลืมตั้งชื่อคอลัมน์?)",
                    "a value in a column without a header (a shifted row, or an unnamed column?)",
                ))
            reader = RowReader(table.file, row_number, cells, index, headers, codebook, problems,
                               parsed.notices)
            draft = reader.read()
            if draft is None:
                continue
            if draft.code in first_row_of:
                problems.append(reader.problem(
                    "import.code_duplicate", "code",
                    f"รหัสข้อสอบ {draft.code} ซ้ำกับแถว {first_row_of[draft.code]} ในไฟล์นี้",
                    f"item code {draft.code} repeats row {first_row_of[draft.code]} of this file",
                ))
                continue
            first_row_of[draft.code] = row_number
            if not reader.failed:
                parsed.rows.append(ParsedRow(row_number, draft))
    return parsed

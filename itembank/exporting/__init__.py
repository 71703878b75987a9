"""ส่งออกข้อสอบ (item export) in the item template, CSV or XLSX, so that an export imports back unchanged.

The cells are written exactly as :mod:`itembank.template` documents and :mod:`itembank.importing`
reads them; the formula-injection rule is the template's "Apostrophes and formulas" rule
(:func:`itembank.template.csv_neutralise` for CSV, text cells with Excel's quote prefix for XLSX).
The generic ``exports`` room has its own ``neutralise()``; it is not used here because itembank may
not import that room (DESIGN.md) and because the template's rule must be exactly invertible.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.importing.cells import TYPE_TH
from itembank.models import EnemyLink, Item, ItemSet
from itembank.option_order import detect_ordered
from itembank.schemas import COGNITIVE_LEVEL_TH, CognitiveLevel, ItemType, SearchFilters
from itembank.template import (
    BY_NAME,
    COLUMNS,
    GUIDE_NOTES,
    OPTION_COLUMNS,
    OPTION_LABELS,
    SET_COLUMNS,
    csv_neutralise,
    format_number,
    format_rubric,
    join_answers,
    join_codes,
)

__all__ = ["EXPORT_COLUMNS", "export_items", "item_rows", "write_csv", "write_xlsx", "iter_versions"]

#: Columns an export writes, in order (``note`` is for people, never exported).
EXPORT_COLUMNS = tuple(c.name for c in COLUMNS if c.name != "note")


def header_row(headers: str = "th") -> list[str]:
    """The header row in Thai (``th``) or English (``en``)."""
    return [BY_NAME[n].th if headers == "th" else n for n in EXPORT_COLUMNS]


def _type_text(value: str) -> str:
    try:
        return TYPE_TH[ItemType(value)]
    except ValueError:
        return value


def _level_text(value: str | None) -> str:
    if not value:
        return ""
    try:
        return COGNITIVE_LEVEL_TH[CognitiveLevel(value)]
    except ValueError:
        return value


def _option_cells(item_type: str, options: Sequence[dict[str, Any]]) -> dict[str, str]:
    cells: dict[str, str] = {}
    premises = [o for o in options if item_type == ItemType.matching and str(o["label"]).isdigit()]
    choices = [o for o in options if o not in premises]
    free = list(OPTION_COLUMNS)
    for position, option in enumerate(choices):
        label = option["label"]
        column = OPTION_COLUMNS[OPTION_LABELS.index(label)] if label in OPTION_LABELS else OPTION_COLUMNS[position]
        cells[column] = option["text"]
        if column in free:
            free.remove(column)
    if premises:
        cells["matching_premises"] = "\n".join(o["text"] for o in sorted(premises, key=lambda o: int(o["label"])))
    fixed = [o["label"] for o in choices if o.get("fixed")]
    if fixed:
        cells["fixed_options"] = ", ".join(fixed)
    return cells


def item_row(v: Any, enemies: Sequence[str] = ()) -> dict[str, str]:
    """One item version (an :class:`~itembank.schemas.ItemVersionPublic`) as template cells (plain text)."""
    is_answer_text = v.type in (ItemType.short_answer, ItemType.numeric, ItemType.constructed_response)
    row = {
        "code": v.item_code,
        "type": _type_text(v.type),
        "stem": v.stem,
        **_option_cells(v.type, v.options),
        "key": join_answers(v.key) if is_answer_text else ", ".join(
            {"true": "ถูก", "false": "ผิด"}.get(k, k) if v.type == ItemType.true_false else k for k in v.key),
        "accepted_answers": join_answers(v.accepted_answers),
        "score_points": format_number(v.score_points),
        "rubric": format_rubric((r["points"], r["description"], r.get("label", "")) for r in v.rubric),
        "indicators": join_codes(v.indicator_codes),
        "traits": join_codes(v.trait_codes),
        "competencies": join_codes(v.competency_codes),
        "cognitive_level": _level_text(v.cognitive_level),
        "grade": v.grade or "",
        "learning_area": v.learning_area or "",
        "estimated_minutes": format_number(v.estimated_time_s / 60) if v.estimated_time_s else "",
        "set_code": v.set_code or "",
        "set_position": "" if v.set_position is None else str(v.set_position),
        "media": join_codes(v.media),
        "enemies": join_codes(enemies),
        "curriculum_edition": v.curriculum_edition,
        # blank where the options show it (numbers in order): only an author's own word is written
        "options_ordered": "" if getattr(v, "options_ordered", False) == detect_ordered(
            v.type, [str(o.get("text", "")) for o in v.options]) else ("ใช่" if v.options_ordered else "ไม่ใช่"),
    }
    return row


def iter_versions(session: Session, actor: Actor, filters: SearchFilters | None = None) -> Iterator[Any]:
    """Every item version matching `filters` (latest versions by default), page by page."""
    from itembank.search import MAX_PER_PAGE, search_items

    page = 1
    while True:
        result = search_items(session, actor, filters or SearchFilters(), page=page, per_page=MAX_PER_PAGE)
        yield from result.items
        if page >= result.n_pages:
            return
        page += 1


def _enemy_codes(session: Session) -> dict[str, list[str]]:
    codes = {i: c for i, c in session.execute(select(Item.id, Item.code)).all()}
    out: dict[str, list[str]] = defaultdict(list)
    for a, b in session.execute(select(EnemyLink.item_id, EnemyLink.enemy_item_id)).all():
        out[codes[a]].append(codes[b])
        out[codes[b]].append(codes[a])
    return out


def item_rows(session: Session, actor: Actor, filters: SearchFilters | None = None) -> list[dict[str, str]]:
    """Template rows of every item version matching `filters`, in item-code order."""
    enemies = _enemy_codes(session)
    return [item_row(v, sorted(enemies.get(v.item_code, ()))) for v in iter_versions(session, actor, filters)]


def set_rows(session: Session, codes: Iterable[str]) -> list[dict[str, str]]:
    """The passages (item sets) with these codes, as rows of the set sheet."""
    wanted = sorted(set(codes))
    rows = []
    for start in range(0, len(wanted), 900):
        for s in session.scalars(select(ItemSet).where(ItemSet.code.in_(wanted[start:start + 900]))
                                 .order_by(ItemSet.code)):
            rows.append({"set_code": s.code, "title": s.title, "stimulus": s.stimulus, "media": join_codes(s.media)})
    return rows


def write_csv(path: str | Path, rows: Iterable[dict[str, str]], *, headers: str = "th") -> Path:
    """Write template rows to a UTF-8 CSV with BOM (so Excel shows the Thai), cells neutralised."""
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header_row(headers))
        for row in rows:
            writer.writerow([csv_neutralise(row.get(n, "")) for n in EXPORT_COLUMNS])
    return path


_WIDTHS = {"code": 12, "type": 12, "stem": 60, "key": 10, "indicators": 18, "rubric": 40,
           "matching_premises": 30, **{c: 18 for c in OPTION_COLUMNS}}


def write_xlsx(path: str | Path, rows: Iterable[dict[str, str]], *, headers: str = "th",
               sets: Sequence[dict[str, str]] = ()) -> Path:
    """Write template rows to an XLSX (sheet ข้อสอบ, plus a sheet that explains every column).

    Every value is a text cell; text that a spreadsheet could take for a formula gets Excel's quote
    prefix style instead of a visible apostrophe, so it reads back as exactly the same text.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("ข้อสอบ")
    for i, name in enumerate(EXPORT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(name, 14)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in header_row(headers):
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([_text_cell(ws, WriteOnlyCell, row.get(n, "")) for n in EXPORT_COLUMNS])
    if sets:
        sheet = wb.create_sheet("ชุดข้อสอบ")
        sheet.append([c.th if headers == "th" else c.name for c in SET_COLUMNS])
        for row in sets:
            sheet.append([_text_cell(sheet, WriteOnlyCell, row.get(c.name, "")) for c in SET_COLUMNS])
    guide = wb.create_sheet("คำอธิบาย")
    guide.append([WriteOnlyCell(guide, value=t) for t in ("คอลัมน์ (ไทย)", "column (English)", "วิธีเขียน", "how")])
    for c in COLUMNS:
        guide.append([c.th, c.name, c.help_th, c.help_en])
    guide.append([])
    for th, en in GUIDE_NOTES:
        guide.append(["", "", th, en])
    wb.save(path)
    return path


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text_cell(ws: Any, cell_type: Any, text: str) -> Any:
    if not text:
        return None
    text = _XML_ILLEGAL.sub("", text)  # XML cannot hold them; the importer removes them the same way
    if not text.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "\n", "'")):
        return text  # plain text: openpyxl writes it as a string cell
    cell = cell_type(ws, value=text)
    cell.data_type = "s"  # never a formula, whatever it starts with
    cell.quotePrefix = True
    return cell


def export_items(session: Session, actor: Actor, path: str | Path, *, fmt: str | None = None,
                 filters: SearchFilters | None = None, headers: str = "th") -> int:
    """Write the matching item versions to `path` (CSV or XLSX by `fmt` or suffix); return the row count."""
    authorize(actor, None, "item.export")
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    rows = item_rows(session, actor, filters)
    if fmt == "csv":
        write_csv(path, rows, headers=headers)
    elif fmt == "xlsx":
        write_xlsx(path, rows, headers=headers, sets=set_rows(session, (r["set_code"] for r in rows if r["set_code"])))
    else:
        from itembank.errors import ItemBankError

        raise ItemBankError("export.format", kind="invalid", message_th=f"ไม่รู้จักรูปแบบ {fmt!r} (ใช้ csv หรือ xlsx)",
                            message_en=f"unknown format {fmt!r} (use csv or xlsx)")
    return len(rows)

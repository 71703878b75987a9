"""นำเข้าข้อสอบ (item import) from the item template in CSV or XLSX: every row, or none.

>>> report = import_items(session, Actor.system(), Path("items.xlsx"), dry_run=True)  # doctest: +SKIP

1. :func:`~itembank.importing.files.read_table` refuses hostile files before parsing (size, ZIP
   bombs, disguised archives, DTDs, encodings) and reads the cells as text.
2. :func:`~itembank.importing.rows.parse_items` checks every row against the template and the
   curriculum, collecting every problem with file, row and column.
3. The service's own checks (:func:`itembank.service.check_drafts`) run on the drafts, and their
   problems are mapped back to the row and column they came from.
4. :func:`itembank.service.upsert_items` writes everything in one transaction, idempotently (a
   unique constraint on each item's content hash), or nothing; its reference checks (enemies,
   media, sets) are mapped back to rows as well.
5. Every row that copies, nearly copies or repeats with other numbers an item of the bank (or an
   earlier row of the file) gets a notice naming that item (:mod:`itembank.duplicates`): shown in the
   dry run's table and by the command, never a refusal.

Any problem raises one :class:`~itembank.errors.ItemBankError` (``import.invalid``) whose
``problems`` list every problem in row order; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from itembank.authz import Actor
from itembank.duplicates import KIND_EN, KIND_TH, Candidate, duplicates_in_bank
from itembank.errors import ItemBankError, Where
from itembank.importing.codes import CodeBook
from itembank.importing.files import DEFAULT_LIMITS, Limits, RawTable, read_table
from itembank.importing.rows import ParsedFile, parse_items
from itembank.schemas import UpsertReport

__all__ = ["ImportReport", "Limits", "check_file", "import_items", "read_table", "parse_items"]

#: Which template column a service problem code points at.
_COLUMN_OF_CODE = {
    "item.code_empty": "code", "item.code_too_long": "code", "item.code_duplicate": "code",
    "item.stem_empty": "stem", "item.type_unknown": "type", "item.cognitive_unknown": "cognitive_level",
    "item.too_few_options": "option_1", "item.option_label_duplicate": "option_1", "item.option_empty": "option_1",
    "item.key_missing": "key", "item.key_not_option": "key", "item.key_true_false": "key",
    "item.key_matching": "key", "item.accepted_missing": "accepted_answers",
    "item.accepted_not_number": "accepted_answers", "item.rubric_missing": "rubric",
    "item.rubric_points": "rubric", "item.points_invalid": "score_points",
    "item.time_invalid": "estimated_minutes", "item.indicator_missing": "indicators",
    "item.indicator_invalid": "indicators", "item.edition_mismatch": "indicators",
    "item.trait_invalid": "traits", "item.competency_invalid": "competencies",
    "item.set_unknown": "set_code", "item.set_position_missing": "set_position",
    "item.set_position_taken": "set_position", "item.enemy_unknown": "enemies", "item.enemy_self": "enemies",
    "item.media_unknown": "media", "item.grade_invalid": "grade", "item.area_invalid": "learning_area",
}


@dataclass
class ImportReport:
    """What an import did (or, with `dry_run`, would do), with the notices worth showing."""

    file: str
    format: str
    encoding: str | None
    n_rows: int
    upsert: UpsertReport
    notices: list[ItemBankError] = field(default_factory=list)

    @property
    def dry_run(self) -> bool:
        return self.upsert.dry_run

    def summary_th(self) -> str:
        u = self.upsert
        head = "ตรวจแล้ว ไม่ได้บันทึก (dry run)" if u.dry_run else "นำเข้าแล้ว"
        enc = f", รหัสอักขระ {self.encoding}" if self.encoding else ""
        return (f"{self.file}: {head} {self.n_rows} แถว{enc} — ข้อสอบใหม่ {u.n_created}, "
                f"ฉบับแก้ไขใหม่ {u.n_new_version}, ไม่เปลี่ยนแปลง {u.n_unchanged}\n"
                f"({u.n_created} created, {u.n_new_version} new versions, {u.n_unchanged} unchanged)")


def _refusal(problems: list[ItemBankError], file: str) -> ItemBankError:
    ordered = sorted(problems, key=lambda p: (p.where.file or "", p.where.row or 0) if p.where else ("", 0))
    return ItemBankError(
        "import.invalid", kind="invalid", problems=ordered, file=file, n=len(ordered),
    )


def _at_row(e: ItemBankError, parsed: ParsedFile, row_of: dict[str, int]) -> ItemBankError:
    """A service problem re-pointed at the row of its item code and the column its code names."""
    code = e.params.get("item_code", e.params.get("code"))
    if e.code.startswith("set.") or (code in parsed.set_rows and code not in row_of):
        sheet = parsed.table.sets.file if parsed.table.sets is not None else parsed.table.file
        where = Where(sheet, parsed.set_rows.get(code), "title" if e.code == "set.title_empty" else None)
        return ItemBankError(e.code, kind=e.kind, where=where, message_th=e.message_th, message_en=e.message_en)
    column = _COLUMN_OF_CODE.get(e.code)
    header = parsed.columns.get(column, column) if column else None
    where = Where(parsed.table.file, row_of.get(code) if code is not None else None, header)
    params = {k: v for k, v in e.params.items() if k != "code"}
    return ItemBankError(e.code, kind=e.kind, where=where, message_th=e.message_th, message_en=e.message_en,
                         item_code=code, **{k: v for k, v in params.items() if k != "item_code"})


def _clone_notices(session: Session, actor: Actor, parsed: ParsedFile, report: UpsertReport) -> list[ItemBankError]:
    """A notice per new or changed row that resembles an item of the bank or an earlier such row, naming
    the item it resembles (an unchanged row is no news)."""
    changed = set(report.codes_created) | set(report.codes_new_version)
    rows = [r for r in parsed.rows if r.draft.code in changed and r.draft.stem.strip()]
    candidates = [Candidate(r.draft.code, r.draft.stem, r.draft.options, r.draft.key, r.draft.learning_area)
                  for r in rows]
    row_of = {r.draft.code: r.row for r in rows}
    column = parsed.columns.get("stem", "stem")
    notices = []
    for parsed_row, found in zip(rows, duplicates_in_bank(session, actor, candidates), strict=True):
        for d in found:
            if d.number:
                where_th, where_en = f"ข้อสอบ {d.item_code} ฉบับที่ {d.number} ในคลัง", f"item {d.item_code} " \
                    f"version {d.number} in the bank"
            else:
                where_th = f"ข้อสอบ {d.item_code} (แถว {row_of.get(d.item_code, '?')} ในไฟล์นี้)"
                where_en = f"item {d.item_code} (row {row_of.get(d.item_code, '?')} of this file)"
            similar = f" ความคล้าย {d.similarity:.0%}" if d.kind == "near" else ""
            notices.append(ItemBankError(
                "import.duplicate", kind="invalid", where=Where(parsed.table.file, parsed_row.row, column),
                message_th=f"ข้อสอบ {parsed_row.draft.code} {KIND_TH[d.kind]}กับ{where_th}{similar}: "
                           "ตรวจดูว่าตั้งใจให้มีทั้งสองข้อ (ข้อสอบซ้ำจะไม่ถูกจัดลงฉบับเดียวกัน)",
                message_en=f"item {parsed_row.draft.code} is {KIND_EN[d.kind]} of {where_en}"
                           f"{f' ({d.similarity:.0%} alike)' if d.kind == 'near' else ''}: check that both are "
                           "meant (clones are never assembled into one form)",
                item_code=parsed_row.draft.code, resembles=d.item_code, duplicate_kind=d.kind))
    return notices


def _parse(path: str | Path, limits: Limits, display_name: str | None) -> ParsedFile:
    table: RawTable = read_table(path, limits=limits, display_name=display_name)
    return parse_items(table, CodeBook())


def check_file(path: str | Path, *, limits: Limits = DEFAULT_LIMITS, display_name: str | None = None) -> ParsedFile:
    """Read and check an item file without a database; raise ``import.invalid`` listing every problem.

    The returned drafts are in the service's canonical form (codes normalised, text sanitised).
    """
    from itembank.service import check_drafts

    parsed = _parse(path, limits, display_name)
    row_of = {r.draft.code: r.row for r in parsed.rows}
    canon, per_draft = check_drafts(parsed.drafts)
    for parsed_row, draft, problems in zip(parsed.rows, canon, per_draft, strict=True):
        parsed.problems.extend(_at_row(p, parsed, row_of) for p in problems)
        parsed_row.draft = draft
    if parsed.problems:
        raise _refusal(parsed.problems, parsed.table.file)
    return parsed


def import_items(session: Session, actor: Actor, path: str | Path, *, dry_run: bool = False,
                 limits: Limits = DEFAULT_LIMITS, display_name: str | None = None) -> ImportReport:
    """Import every item of a CSV/XLSX template file in one transaction, or nothing.

    Raises ItemBankError ``import.invalid`` whose ``problems`` name file, row and column in Thai.
    With `dry_run` every check runs (the database ones too) and nothing is written. When some rows
    already failed the file checks, the good rows still go through the service's checks (as a dry
    run) so that the user gets every problem of the file at once.
    """
    from itembank.service import upsert_items

    parsed = _parse(path, limits, display_name)
    row_of = {r.draft.code: r.row for r in parsed.rows}
    report: UpsertReport | None = None
    try:
        report = upsert_items(session, actor, parsed.drafts, sets=parsed.sets,
                              dry_run=dry_run or bool(parsed.problems))
    except ItemBankError as e:
        if e.code != "items.invalid":
            raise
        parsed.problems.extend(_at_row(p, parsed, row_of) for p in e.problems)
    if parsed.problems or report is None:
        raise _refusal(parsed.problems, parsed.table.file)
    parsed.notices.extend(_clone_notices(session, actor, parsed, report))
    return ImportReport(parsed.table.file, parsed.table.format, parsed.table.encoding, len(parsed.rows),
                        report, parsed.notices)

"""Reading a filled-in IOC ratings form (see :mod:`itembank.exporting.ioc`) and storing its ratings.

The whole form is checked first (the file's safety limits, the expert's name, every rating is +1, 0
or −1, every item version exists and is still open for rating, no item twice); only a form without
problems is stored, through the service's :func:`itembank.review.record_ioc_ratings`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.errors import ItemBankError
from itembank.importing.files import DEFAULT_LIMITS, Limits, _read_capped, check_xlsx_archive, problem
from itembank.models import Item, ItemVersion
from itembank.schemas import ReviewStatus

__all__ = ["IocForm", "IocImportReport", "read_ioc_form", "import_ioc_form"]

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_RATINGS = {"1": 1, "+1": 1, "0": 0, "-1": -1, "−1": -1, "–1": -1}


@dataclass
class IocRow:
    row: int
    code: str
    number: int
    rating: int | None
    comment: str


@dataclass
class IocForm:
    file: str
    expert_name: str
    rows: list[IocRow]
    problems: list[ItemBankError] = field(default_factory=list)


@dataclass
class IocImportReport:
    file: str
    expert_name: str
    n_rated: int
    n_blank: int
    results: list[tuple[str, int, float | None, int]]  # code, version number, IOC, number of experts


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_ioc_form(path: str | Path, *, limits: Limits = DEFAULT_LIMITS, expert_name: str | None = None) -> IocForm:
    """Read a filled-in IOC form; problems (with row and column) are collected, not raised."""
    import openpyxl

    from itembank.exporting.ioc import IOC_FIRST_ROW, IOC_HEADERS, IOC_NAME_CELL

    path = Path(path)
    name = path.name
    if path.suffix.lower() != ".xlsx":
        raise problem("ioc.not_xlsx", name, None, None, "แบบประเมิน IOC ต้องเป็นไฟล์ .xlsx", "the IOC form must be .xlsx")
    data = _read_capped(path, limits)
    check_xlsx_archive(data, name, limits)
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        ws = wb["IOC"] if "IOC" in wb.sheetnames else wb.worksheets[0]
        ws.reset_dimensions()
        headers = [h for h, _ in IOC_HEADERS]
        form = IocForm(name, (expert_name or "").strip(), [])
        rating_col, comment_col = headers[5], headers[6]
        for row_number, cells in enumerate(ws.iter_rows(), start=1):
            if row_number > limits.max_rows + IOC_FIRST_ROW:
                raise problem("import.too_many_rows", name, None, None, "แบบประเมินมีแถวมากเกินไป", "too many rows")
            values = [c.value for c in cells] + [None] * 7
            if row_number == int(IOC_NAME_CELL[1:]) and not form.expert_name:
                form.expert_name = _text(values[1])
            if row_number < IOC_FIRST_ROW or not any(_text(v) for v in values[:7]):
                continue
            formula_cols = [i for i, c in enumerate(cells[:7]) if getattr(c, "data_type", None) == "f"]
            for i in formula_cols:
                form.problems.append(problem("import.formula", name, row_number, headers[i],
                                             "มีสูตรคำนวณซึ่งไม่รับ: พิมพ์ค่าเป็นตัวเลข",
                                             "a formula is not accepted: type the value"))
            _read_row(form, row_number, values, headers, rating_col, comment_col)
        if not form.expert_name:
            form.problems.append(problem("ioc.expert_empty", name, 2, "B", "ไม่มีชื่อผู้เชี่ยวชาญในช่อง B2",
                                         "the expert's name (cell B2) is empty"))
        if not form.rows:
            form.problems.append(problem("import.no_rows", name, None, None, "แบบประเมินไม่มีข้อสอบ",
                                         "the form has no items"))
        return form
    finally:
        wb.close()


def _read_row(form: IocForm, row: int, values: list, headers: list[str], rating_col: str, comment_col: str) -> None:
    code, number_raw, rating_raw = _text(values[0]), _text(values[1]).translate(_THAI_DIGITS), _text(values[5])
    ok = True
    if not code:
        form.problems.append(problem("ioc.code_empty", form.file, row, headers[0], "ไม่มีรหัสข้อสอบ",
                                     "no item code"))
        ok = False
    if not number_raw.isdigit():
        form.problems.append(problem("ioc.version_invalid", form.file, row, headers[1],
                                     f"ฉบับที่ {number_raw!r} ไม่ใช่ตัวเลข", f"version {number_raw!r} is not a number"))
        ok = False
    rating: int | None = None
    if rating_raw:
        rating = _RATINGS.get(rating_raw.translate(_THAI_DIGITS).replace(" ", ""))
        if rating is None:
            form.problems.append(problem("ioc.bad_rating", form.file, row, rating_col,
                                         f"คะแนนความสอดคล้องต้องเป็น +1, 0 หรือ -1 (ได้ {rating_raw!r})",
                                         f"a rating must be +1, 0 or -1 (got {rating_raw!r})"))
            ok = False
    if ok:
        form.rows.append(IocRow(row, code, int(number_raw), rating, _text(values[6])))


def import_ioc_form(session: Session, actor: Actor, path: str | Path, *, expert_name: str | None = None,
                    limits: Limits = DEFAULT_LIMITS) -> IocImportReport:
    """Store every rating of a filled-in IOC form, after checking the whole form; refuse it otherwise."""
    from itembank.review import IocRatingInput, record_ioc_ratings

    authorize(actor, None, "item.import")
    form = read_ioc_form(path, limits=limits, expert_name=expert_name)
    versions = _resolve(session, form)
    if form.problems:
        raise ItemBankError("ioc.invalid", kind="invalid", problems=form.problems, file=form.file)
    rated = [(r, versions[(r.code, r.number)]) for r in form.rows if r.rating is not None]
    results = []
    for r, version_id in rated:
        result = record_ioc_ratings(session, actor, version_id,
                                    [IocRatingInput(form.expert_name, r.rating, r.comment)])
        results.append((r.code, r.number, result.ioc, result.n_experts))
    return IocImportReport(form.file, form.expert_name, len(rated), len(form.rows) - len(rated), results)


def _resolve(session: Session, form: IocForm) -> dict[tuple[str, int], int]:
    codes = sorted({r.code for r in form.rows})
    found: dict[tuple[str, int], tuple[int, str, str | None]] = {}
    for start in range(0, len(codes), 900):
        chunk = codes[start:start + 900]
        rows = session.execute(
            select(Item.code, ItemVersion.number, ItemVersion.id, ItemVersion.status, ItemVersion.author_name)
            .join(Item, Item.id == ItemVersion.item_id).where(Item.code.in_(chunk))).all()
        for code, number, version_id, status, author in rows:
            found[(code, number)] = (version_id, status, author)
    seen: dict[tuple[str, int], int] = {}
    out: dict[tuple[str, int], int] = {}
    for r in form.rows:
        key = (r.code, r.number)
        if key in seen:
            form.problems.append(problem("ioc.repeated", form.file, r.row, "รหัสข้อสอบ",
                                         f"ข้อสอบ {r.code} ฉบับที่ {r.number} ซ้ำกับแถว {seen[key]}",
                                         f"item {r.code} version {r.number} repeats row {seen[key]}"))
            continue
        seen[key] = r.row
        if key not in found:
            form.problems.append(problem("ioc.version_unknown", form.file, r.row, "รหัสข้อสอบ",
                                         f"ไม่พบข้อสอบ {r.code} ฉบับที่ {r.number} ในคลัง",
                                         f"item {r.code} version {r.number} is not in the bank"))
            continue
        version_id, status, author = found[key]
        if r.rating is not None and status not in (ReviewStatus.draft, ReviewStatus.in_review):
            form.problems.append(problem("ioc.closed", form.file, r.row, "ความสอดคล้อง (+1 / 0 / -1)",
                                         f"ข้อสอบ {r.code} ฉบับที่ {r.number} อยู่ในสถานะ {status}: ประเมินไม่ได้แล้ว",
                                         f"item {r.code} version {r.number} is {status}: it can no longer be rated"))
        if r.rating is not None and author and author == form.expert_name:
            form.problems.append(problem("ioc.author", form.file, r.row, "ความสอดคล้อง (+1 / 0 / -1)",
                                         f"{form.expert_name} เป็นผู้เขียนข้อสอบ {r.code} จึงประเมินข้อนี้ไม่ได้",
                                         f"{form.expert_name} wrote item {r.code} and may not rate it"))
        out[key] = version_id
    return out

"""REST API of the bank: search, items, versions, import, instruments (see web.api).

The same services and permissions as the pages: the key and accepted answers are given only to
roles that may read keys (``key`` is null otherwise); a school, which never browses the bank, gets
403; an instrument of another school is not found. ``POST /api/v1/imports`` takes the item file as
multipart ``file`` (XLSX or CSV of the item template) with ``dry_run``: a refused file is a 422
whose ``errors`` name file, row and column of every problem, in Thai.
"""

from __future__ import annotations

import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, request, url_for
from pydantic import BaseModel, ConfigDict
from spectree.model_adapter.pydantic_adapter import BaseFile

from itembank.errors import ItemBankError
from itembank.schemas import SearchFilters
from web.api import PageOut, PageQuery, Text, api, page_of, responses
from web.auth import acting, requires
from web.store_ext import read_session, write_session

bp = Blueprint("bank_api", __name__, url_prefix="/api/v1")

_CODE = re.compile(r"^[0-9A-Za-z\u0E00-\u0E7F._\-/ ]{1,120}$")


class BankItemQuery(PageQuery):
    """The filters of the bank's page: every given filter must hold. ``all_versions``: every version."""

    text: Text | None = None
    learning_area: Text | None = None
    indicator: Text | None = None
    trait: Text | None = None
    competency: Text | None = None
    grade: Text | None = None
    cognitive_level: Text | None = None
    type: Text | None = None
    status: Text | None = None
    all_versions: bool = False


class BankItemOut(BaseModel):
    """One item version. ``key`` and ``accepted_answers`` are null for roles that may not read keys."""

    code: str
    number: int
    is_latest: bool | None = None
    status: str | None = None
    status_th: str | None = None
    type: str
    type_th: str
    stem: str
    options: list[dict[str, Any]]
    key: list[str] | None = None
    accepted_answers: list[str] | None = None
    score_points: float
    rubric: list[dict[str, Any]]
    media: list[str]
    indicator_codes: list[str]
    trait_codes: list[str]
    competency_codes: list[str]
    cognitive_level: str | None = None
    cognitive_level_th: str | None = None
    grade: str | None = None
    learning_area: str | None = None
    estimated_time_s: int | None = None
    set_code: str | None = None
    set_position: int | None = None
    curriculum_edition: str
    author_name: str | None = None
    ioc: float | None = None
    ioc_n: int | None = None
    created_at: datetime | None = None


class BankItemPage(PageOut):
    items: list[BankItemOut]


class BankVersionOut(BaseModel):
    code: str
    number: int
    status: str
    status_th: str
    created_at: datetime


class BankVersionPage(PageOut):
    items: list[BankVersionOut]


class BankImportForm(BaseModel):
    """multipart/form-data: ``file`` the item file (.xlsx or .csv), ``dry_run`` check only (nothing written)."""

    model_config = ConfigDict(extra="forbid")
    file: BaseFile
    dry_run: bool = False


class BankImportNotice(BaseModel):
    file: str | None = None
    row: int | None = None
    column: str | None = None
    message: str


class BankImportOut(BaseModel):
    """What an import did, or with ``dry_run`` would do: new items, new versions, unchanged."""

    dry_run: bool
    file: str
    format: str
    n_rows: int
    n_created: int
    n_new_version: int
    n_unchanged: int
    codes_created: list[str]
    codes_new_version: list[str]
    notices: list[BankImportNotice]
    message: str


class BankInstrumentQuery(PageQuery):
    purpose: Text | None = None


class BankCriterionOut(BaseModel):
    text: str
    trait_code: str | None = None


class BankLevelOut(BaseModel):
    label: str
    score: float | None = None
    description: str = ""


class BankInstrumentOut(BaseModel):
    code: str
    title: str
    kind: str
    kind_th: str
    purpose: str
    purpose_th: str
    grade: str | None = None
    description: str
    criteria: list[BankCriterionOut]
    levels: list[BankLevelOut]
    trait_codes: list[str]
    pdf_url: str
    docx_url: str


class BankInstrumentPage(PageOut):
    items: list[BankInstrumentOut]


# ------------------------------------------------------------------------------------------- helpers

def _label(kind: str, code: str | None) -> str:
    from itembank import vocabulary

    if not code:
        return ""
    try:
        return vocabulary.label(kind, code, "th")
    except Exception:
        return code


def _checked_code(code: str) -> str:
    """A path's code, or 404 (a NUL or control character would otherwise reach the database)."""
    if not _CODE.match(code or ""):
        abort(404)
    return code


def item_out(v: Any, shows_key: bool) -> BankItemOut:
    d = v.model_dump()
    return BankItemOut(
        code=d["item_code"], number=d["number"], is_latest=d.get("is_latest"), status=d.get("status"),
        status_th=_label("status", d.get("status")) or None, type=d["type"], type_th=_label("item_type", d["type"]),
        stem=d["stem"], options=d["options"], key=d.get("key") if shows_key else None,
        accepted_answers=d.get("accepted_answers") if shows_key else None, score_points=d["score_points"],
        rubric=d["rubric"], media=d["media"], indicator_codes=d["indicator_codes"], trait_codes=d["trait_codes"],
        competency_codes=d["competency_codes"], cognitive_level=d["cognitive_level"],
        cognitive_level_th=_label("cognitive_level", d["cognitive_level"]) or None, grade=d["grade"],
        learning_area=d["learning_area"], estimated_time_s=d["estimated_time_s"], set_code=d["set_code"],
        set_position=d["set_position"], curriculum_edition=d["curriculum_edition"],
        author_name=d.get("author_name"), ioc=d.get("ioc"), ioc_n=d.get("ioc_n"), created_at=d.get("created_at"),
    )


def _read(code: str, number: int | None) -> BankItemOut:
    from itembank.service import read_version

    actor = acting()
    with read_session() as s:
        try:
            v = read_version(s, actor, _checked_code(code), number)
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise
    return item_out(v, actor.may("item.read_key"))


def instrument_out(row: Any) -> BankInstrumentOut:
    def score(v: Any) -> float | None:
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None

    return BankInstrumentOut(
        code=row.code, title=row.title, kind=row.kind, kind_th=_label("instrument_kind", row.kind),
        purpose=row.purpose, purpose_th=_label("purpose", row.purpose), grade=row.grade,
        description=row.description or "",
        criteria=[BankCriterionOut(text=str(c.get("text", "")), trait_code=c.get("trait_code") or None)
                  for c in row.criteria or ()],
        levels=[BankLevelOut(label=str(lv.get("label", "")), score=score(lv.get("score")),
                             description=str(lv.get("description") or "")) for lv in row.levels or ()],
        trait_codes=list(row.trait_codes or ()),
        pdf_url=url_for("bank_io.instrument_pdf", code=row.code),
        docx_url=url_for("bank_io.instrument_docx", code=row.code),
    )


# ------------------------------------------------------------------------------------------- routes

@bp.get("/items")
@requires("item.search")
@api.validate(query=BankItemQuery, resp=responses(BankItemPage), tags=["bank"])
def search_items(query: BankItemQuery):
    """ค้นหาข้อสอบในคลัง ตัวกรองเดียวกับหน้าคลังข้อสอบ (ฉบับล่าสุด เว้นแต่ all_versions)"""
    from itembank import service

    fields = ("text", "learning_area", "indicator", "trait", "competency", "grade", "cognitive_level", "type",
              "status")
    given = {k: v.strip() for k in fields if (v := getattr(query, k)) and v.strip()}
    filters = SearchFilters(**given, latest_only=not query.all_versions)
    actor = acting()
    with read_session() as s:
        result = service.search_items(s, actor, filters, page=query.page, per_page=query.per_page)
    shows_key = actor.may("item.read_key")
    return BankItemPage(items=[item_out(v, shows_key) for v in result.items], **page_of(result.total, query))


@bp.get("/items/<code>")
@requires("item.read")
@api.validate(resp=responses(BankItemOut), tags=["bank"])
def show_item(code: str):
    """ข้อสอบหนึ่งข้อ ฉบับล่าสุด (เฉลยเฉพาะบทบาทที่อ่านเฉลยได้)"""
    return _read(code, None)


@bp.get("/items/<code>/versions")
@requires("item.read")
@api.validate(query=PageQuery, resp=responses(BankVersionPage), tags=["bank"])
def list_versions(code: str, query: PageQuery):
    """ทุกฉบับของข้อสอบหนึ่งข้อ เก่าสุดก่อน"""
    from itembank.browse import item_page

    with read_session() as s:
        try:
            page = item_page(s, acting(), _checked_code(code))
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise
    versions = [BankVersionOut(code=v.item_code, number=v.number, status=v.status,
                               status_th=_label("status", v.status), created_at=v.created_at) for v in page.versions]
    return BankVersionPage(items=query.window(versions), **page_of(len(versions), query))


@bp.get("/items/<code>/versions/<number>")
@requires("item.read")
@api.validate(resp=responses(BankItemOut), tags=["bank"])
def show_version(code: str, number: str):
    """ข้อสอบฉบับที่ number (1, 2, …) ของข้อสอบหนึ่งข้อ"""
    # a string in the route, so that who may not read items gets the same 403 whatever the number says
    if not number.isascii() or not number.isdigit() or not 1 <= int(number) <= 1_000_000:
        abort(404)
    return _read(code, int(number))


@bp.post("/imports")
@requires("item.import")
@api.validate(form=BankImportForm, resp=responses(BankImportOut), tags=["bank"])
def import_items(form: BankImportForm):  # None when the body is not a form
    """นำเข้าข้อสอบจากไฟล์ XLSX/CSV ตามแม่แบบ: ทุกแถวหรือไม่นำเข้าเลย; dry_run=true ตรวจอย่างเดียว"""
    from itembank.importing import import_items as import_file
    from web.bank.io import check_upload, problem_rows, refuse

    storage = request.files.get("file")
    if form is None or storage is None:
        raise refuse("ต้องแนบไฟล์ข้อสอบในช่อง file (multipart/form-data)",
                     "attach the item file as the multipart field 'file'", "import.file_missing")
    name, suffix = check_upload(storage)
    from itembank.importing.files import DEFAULT_LIMITS

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        data = storage.stream.read(DEFAULT_LIMITS.max_bytes + 1)
        if not data:
            raise refuse(f"{name}: ไฟล์ว่างเปล่า", "the file is empty", "import.file_empty")
        path.write_bytes(data)
        with write_session() as s:
            report = import_file(s, acting(), path, dry_run=form.dry_run, display_name=name)
            if form.dry_run:
                s.rollback()
    u = report.upsert
    notices = [BankImportNotice(**{k: p[k] for k in ("file", "row", "column", "message")})
               for n in report.notices for p in problem_rows(n)]
    return BankImportOut(dry_run=report.dry_run, file=report.file, format=report.format, n_rows=report.n_rows,
                         n_created=u.n_created, n_new_version=u.n_new_version, n_unchanged=u.n_unchanged,
                         codes_created=list(u.codes_created), codes_new_version=list(u.codes_new_version),
                         notices=notices, message=report.summary_th().split("\n")[0])


@bp.get("/instruments")
@requires("instrument.read")
@api.validate(query=BankInstrumentQuery, resp=responses(BankInstrumentPage), tags=["bank"])
def list_instruments(query: BankInstrumentQuery):
    """เครื่องมือวัด (แบบประเมิน แบบสังเกต เกณฑ์การให้คะแนน) ที่ผู้ใช้ดาวน์โหลดได้"""
    from itembank import service

    with read_session() as s:
        rows = service.list_instruments(s, acting(), purpose=(query.purpose or "").strip() or None)
        items = [instrument_out(r) for r in query.window(rows)]
    return BankInstrumentPage(items=items, **page_of(len(rows), query))


@bp.get("/instruments/<code>")
@requires("instrument.read")
@api.validate(resp=responses(BankInstrumentOut), tags=["bank"])
def show_instrument(code: str):
    """เครื่องมือวัดหนึ่งรายการ พร้อมลิงก์ PDF และ DOCX"""
    from itembank import service

    with read_session() as s:
        try:
            row = service.get_instrument(s, acting(), _checked_code(code))
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise
        return instrument_out(row)



"""REST API of blueprints and forms (see web.api): the same services as the pages (:mod:`testgen.planning`).

Blueprints (list, get, create from indicator × level cells, shortage report), assembly as a job, the
assembled forms before freezing, freezing, frozen forms (list, get with items and fulfilment), variants,
and the booklet, key and answer sheet as PDF.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from flask import Blueprint, Response, abort, current_app, url_for
from pydantic import BaseModel, Field, StringConstraints

from itembank.vocabulary import VOCABULARY
from web.api import PageOut, PageQuery, Text, api, page_of, responses
from web.api import finite as _f
from web.auth import acting, requires
from web.bank.labels import GRADES
from web.store_ext import read_session, write_session

bp = Blueprint("forms_api", __name__, url_prefix="/api/v1")

Level = Literal[tuple(VOCABULARY["cognitive_level"])]  # type: ignore[valid-type]
ItemType = Literal[tuple(VOCABULARY["item_type"])]  # type: ignore[valid-type]
Grade = Literal[GRADES]  # type: ignore[valid-type]
FormCode = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=r"^[0-9A-Za-z\u0E00-\u0E7F._\-]+$")]
_PATH = re.compile(r"^[0-9A-Za-z\u0E00-\u0E7F._\-/ ]{1,120}$")


def _path(value: str) -> str:
    """A code from the URL: anything a code cannot hold is simply not found."""
    if not _PATH.match(value or ""):
        abort(404)
    return value


def _utc(v: datetime | None) -> datetime | None:
    """Stored timestamps are UTC; SQLite gives them back without the zone."""
    return v.replace(tzinfo=UTC) if v is not None and v.tzinfo is None else v


# -- models ----------------------------------------------------------------------------------------------


class BlueprintCellIn(BaseModel):
    """Items per form of one indicator at one cognitive level (optionally of one item type)."""

    indicator: Text = Field(description="รหัสตัวชี้วัด เช่น ค 1.1 ป.6/2")
    level: Level
    items: int = Field(ge=0, le=100)
    item_type: ItemType | None = None


class BlueprintIn(BaseModel):
    code: FormCode
    name: Annotated[str, StringConstraints(min_length=1, max_length=300,
                                           pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")]
    grade: Grade
    n_forms: int = Field(1, ge=1, le=10)
    objective: Literal["none", "maximin", "ctt"] = "none"
    max_overlap: int = Field(0, ge=0, le=200)
    cells: list[BlueprintCellIn] = Field(min_length=1, max_length=2000)


class BlueprintCellOut(BaseModel):
    indicator: str
    level: str
    items: int
    item_type: str | None = None


class BlueprintRowOut(BaseModel):
    label: str
    where: dict[str, str | list[str]]
    min_items: int
    max_items: int | None = None


class BlueprintSummaryOut(BaseModel):
    code: str
    name: str
    grade: str | None = None
    test_length: int | None = None
    n_forms: int
    created_by_name: str
    created_at: datetime
    url: str


class BlueprintPage(PageOut):
    items: list[BlueprintSummaryOut]


class BlueprintOut(BlueprintSummaryOut):
    objective: str
    max_overlap: int
    rows: list[BlueprintRowOut]
    cells: list[BlueprintCellOut]
    shortage_url: str


class BlueprintShortageQuery(BaseModel):
    n_forms: int | None = Field(None, ge=1, le=10)


class BlueprintSupplyRow(BaseModel):
    label: str
    per_form: int
    needed: int
    available: int
    short: bool
    lacking: int


class BlueprintShortageOut(BaseModel):
    code: str
    name: str
    grade: str | None = None
    n_forms: int
    ok: bool
    n_short: int
    n_eligible: int
    n_without_parameters: int
    rows: list[BlueprintSupplyRow]
    length: BlueprintSupplyRow | None = None


class FormsAssembleIn(BaseModel):
    n_forms: int | None = Field(None, ge=1, le=10)
    seed: int = Field(0, ge=0, le=1_000_000)
    time_limit: float = Field(20.0, ge=1.0, le=120.0)


class FormsJobOut(BaseModel):
    job_id: str
    kind: str
    url: str
    assembly_url: str


class FormsOptionOut(BaseModel):
    label: str
    text: str


class FormsItemOut(BaseModel):
    position: int
    item_code: str
    version_number: int
    item_type: str
    cognitive_level: str | None = None
    indicators: list[str]
    stem: str
    options: list[FormsOptionOut]
    points: float
    set_code: str | None = None
    is_anchor: bool
    p: float | None = None
    r: float | None = None
    a: float | None = None
    b: float | None = None


class FormsFulfilmentRow(BaseModel):
    label: str
    min_items: int
    max_items: int | None = None
    actual: int
    met: bool


class FormsDetailOut(BaseModel):
    label: str
    code: str | None = None
    title: str
    grade: str | None = None
    n_items: int
    total_points: float
    time_minutes: int | None = None
    blueprint_code: str | None = None
    variants: list[str]
    frozen_at: datetime | None = None
    content_hash: str | None = None
    mean_p: float | None = None
    mean_r: float | None = None
    theta: list[float]
    information: list[float] | None = None
    standard_errors: list[float | None] | None = None
    fulfilled: bool | None = None
    fulfilment: list[FormsFulfilmentRow] | None = None
    items: list[FormsItemOut]


class FormsAssemblyOut(BaseModel):
    job_id: str
    status: str
    blueprint: str | None = None
    frozen: list[str]
    forms: list[FormsDetailOut]


class FormsFreezeIn(BaseModel):
    prefix: FormCode
    title: Annotated[str, StringConstraints(min_length=1, max_length=300,
                                            pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")]
    minutes: int | None = Field(None, ge=1, le=600)


class FormsFrozenOut(BaseModel):
    codes: list[str]
    urls: list[str]


class FormsSummaryOut(BaseModel):
    code: str
    title: str
    grade: str | None = None
    n_items: int
    total_points: float
    variants: list[str]
    frozen_at: datetime
    url: str


class FormsPage(PageOut):
    items: list[FormsSummaryOut]


class FormsVariantsIn(BaseModel):
    count: int = Field(4, ge=1, le=26)
    seed: int = Field(1, ge=0, le=1_000_000_000)


class FormsVariantsOut(BaseModel):
    code: str
    seed: int
    variants: list[str]


class FormsDocumentQuery(BaseModel):
    variant: Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,2}$")] | None = None


# -- helpers ---------------------------------------------------------------------------------------------


def _summary(row) -> BlueprintSummaryOut:
    spec = row.spec or {}
    return BlueprintSummaryOut(code=row.code, name=row.name, grade=row.grade, test_length=spec.get("test_length"),
                               n_forms=int(spec.get("n_forms") or 1), created_by_name=row.created_by_name,
                               created_at=_utc(row.created_at), url=url_for("forms_api.get_blueprint", code=row.code))


def _blueprint_out(row, bpr) -> BlueprintOut:
    from testgen.planning import cells_of, objective_of

    rows = [BlueprintRowOut(label=r.label, where={k: (v if isinstance(v, str) else list(v)) for k, v in r.where.items()},
                            min_items=r.min_items, max_items=r.max_items) for r in bpr.rows]
    cells = [BlueprintCellOut(indicator=c.indicator, level=c.level, items=c.items, item_type=c.item_type)
             for c in cells_of(bpr)]
    return BlueprintOut(**_summary(row).model_dump(), objective=objective_of(bpr), max_overlap=bpr.max_overlap,
                        rows=rows, cells=cells, shortage_url=url_for("forms_api.shortage", code=row.code))


def _supply(r) -> BlueprintSupplyRow:
    return BlueprintSupplyRow(label=r.label, per_form=r.per_form, needed=r.needed, available=r.available,
                              short=r.short, lacking=r.lacking)


def _detail(p) -> FormsDetailOut:
    return FormsDetailOut(
        label=p.label, code=p.code, title=p.title, grade=p.grade, n_items=p.n_items, total_points=p.total_points,
        time_minutes=p.time_minutes, blueprint_code=p.blueprint_code, variants=list(p.variants),
        frozen_at=_utc(p.frozen_at), content_hash=p.content_hash or None, mean_p=_f(p.mean_p), mean_r=_f(p.mean_r),
        theta=list(p.theta), information=None if p.information is None else [_f(i) or 0.0 for i in p.information],
        standard_errors=None if p.standard_errors is None else [_f(s) for s in p.standard_errors],
        fulfilled=p.fulfilled,
        fulfilment=None if p.fulfilment is None else [FormsFulfilmentRow(
            label=r.label, min_items=r.min_items, max_items=r.max_items, actual=r.actual, met=r.met)
            for r in p.fulfilment],
        items=[FormsItemOut(position=i.position, item_code=i.item_code, version_number=i.version_number,
                            item_type=i.item_type, cognitive_level=i.cognitive_level, indicators=list(i.indicators),
                            stem=i.stem, options=[FormsOptionOut(label=k, text=t) for k, t in i.options],
                            points=i.points, set_code=i.set_code, is_anchor=i.is_anchor, p=_f(i.p), r=_f(i.r),
                            a=_f(i.a), b=_f(i.b)) for i in p.items])


# -- blueprints ------------------------------------------------------------------------------------------


@bp.get("/blueprints")
@requires("form.read")
@api.validate(query=PageQuery, resp=responses(BlueprintPage), tags=["forms"])
def list_blueprints(query: PageQuery):
    """ผังการออกข้อสอบที่บันทึกไว้ ใหม่สุดก่อน"""
    from testgen.planning import list_blueprints as _list

    with read_session() as s:
        rows = _list(s, acting())
    return BlueprintPage(items=[_summary(r) for r in query.window(rows)], **page_of(len(rows), query))


@bp.get("/blueprints/<code>")
@requires("form.read")
@api.validate(resp=responses(BlueprintOut), tags=["forms"])
def get_blueprint(code: str):
    """ผังหนึ่งผัง: แถวของผัง (ตัวชี้วัด × ระดับพฤติกรรม × รูปแบบ) จำนวนฉบับ และเป้าหมายทางสถิติ"""
    from testgen.planning import read_blueprint

    with read_session() as s:
        row, bpr = read_blueprint(s, acting(), _path(code))
        return _blueprint_out(row, bpr)


@bp.post("/blueprints")
@requires("blueprint.write")
@api.validate(json=BlueprintIn, resp=responses(BlueprintOut, status=201), tags=["forms"])
def create_blueprint(json: BlueprintIn):
    """สร้างผังจากจำนวนข้อต่อฉบับของตัวชี้วัดแต่ละระดับพฤติกรรม (รหัสเดิมที่ยังไม่ใช้จัดฉบับจะถูกแทนที่)"""
    from testgen.planning import BlueprintCell, blueprint_from_cells, read_blueprint, store_blueprint

    bpr = blueprint_from_cells(json.name, [BlueprintCell(c.indicator, c.level, c.items, c.item_type)
                                           for c in json.cells],
                               n_forms=json.n_forms, objective=json.objective, max_overlap=json.max_overlap)
    with write_session() as s:
        store_blueprint(s, acting(), json.code, bpr, grade=json.grade)
    with read_session() as s:
        row, bpr = read_blueprint(s, acting(), json.code)
        return _blueprint_out(row, bpr), 201


@bp.get("/blueprints/<code>/shortage")
@requires("form.read")
@api.validate(query=BlueprintShortageQuery, resp=responses(BlueprintShortageOut), tags=["forms"])
def shortage(code: str, query: BlueprintShortageQuery):
    """รายงานข้อสอบไม่พอ: แต่ละแถวของผังต้องการกี่ข้อ (ไม่ซ้ำกันทุกฉบับ) และคลังมีข้อสอบที่ใช้ได้กี่ข้อ"""
    from testgen.planning import shortage_report

    with read_session() as s:
        r = shortage_report(s, acting(), _path(code), n_forms=query.n_forms)
    return BlueprintShortageOut(code=r.code, name=r.name, grade=r.grade, n_forms=r.n_forms, ok=r.ok, n_short=r.n_short,
                                n_eligible=r.n_eligible, n_without_parameters=r.n_without_parameters,
                                rows=[_supply(x) for x in r.rows], length=_supply(r.length) if r.length else None)


@bp.post("/blueprints/<code>/assemble")
@requires("form.assemble")
@api.validate(json=FormsAssembleIn, resp=responses(FormsJobOut, status=202), tags=["forms"])
def assemble(code: str, json: FormsAssembleIn):
    """จัดฉบับข้อสอบตามผังเป็นงานเบื้องหลัง: ได้รหัสงาน เมื่อเสร็จดูฉบับที่จัดได้ที่ assembly_url แล้วจึงยืนยันฉบับ"""
    from testgen.planning import read_blueprint
    from web.jobs import get_jobs

    with read_session() as s:
        row, _ = read_blueprint(s, acting(), _path(code))
        code = row.code
    handle = get_jobs().enqueue("assemble", actor=acting(), blueprint=code, n_forms=json.n_forms, seed=json.seed,
                                time_limit=json.time_limit)
    return FormsJobOut(job_id=handle.id, kind="assemble", url=url_for("jobs_api.api_show", job_id=handle.id),
                       assembly_url=url_for("forms_api.get_assembly", job_id=handle.id)), 202


# -- assemblies ------------------------------------------------------------------------------------------


@bp.get("/assemblies/<job_id>")
@requires("form.read")
@api.validate(resp=responses(FormsAssemblyOut), tags=["forms"])
def get_assembly(job_id: str):
    """ฉบับที่จัดได้ (ยังไม่ยืนยัน): ข้อสอบตามลำดับ สารสนเทศ และความครบถ้วนตามผังของแต่ละฉบับ"""
    from testgen.planning import describe_draft, frozen_from
    from web.forms.views import load_assembly

    job, draft = load_assembly(_path(job_id))
    forms: list[FormsDetailOut] = []
    frozen: list[str] = []
    if draft is not None:
        with read_session() as s:
            forms = [_detail(p) for p in describe_draft(s, acting(), draft)]
            frozen = [f.code for f in frozen_from(s, acting(), job.id)]
    return FormsAssemblyOut(job_id=job.id, status=job.status, blueprint=(job.arguments or {}).get("blueprint"),
                            frozen=frozen, forms=forms)


@bp.post("/assemblies/<job_id>/freeze")
@requires("form.freeze")
@api.validate(json=FormsFreezeIn, resp=responses(FormsFrozenOut, status=201), tags=["forms"])
def freeze(job_id: str, json: FormsFreezeIn):
    """ยืนยันทุกฉบับที่จัดได้เป็น PREFIX-1, PREFIX-2, … (ทั้งหมดหรือไม่เลย) แล้วแก้ไขไม่ได้อีก"""
    from testgen.errors import TestGenError
    from testgen.planning import freeze_draft
    from web.forms.views import load_assembly

    job, draft = load_assembly(_path(job_id))
    if draft is None:
        raise TestGenError("assembly.not_done", kind="conflict", message_th="การจัดฉบับนี้ยังไม่เสร็จหรือไม่ผ่าน",
                           message_en="this assembly has not finished successfully")
    with write_session() as s:
        codes = [f.code for f in freeze_draft(s, acting(), draft, job.id, json.prefix, json.title, json.minutes)]
    return FormsFrozenOut(codes=codes, urls=[url_for("forms_api.get_form", code=c) for c in codes]), 201


# -- frozen forms ----------------------------------------------------------------------------------------


@bp.get("/forms")
@requires("form.read")
@api.validate(query=PageQuery, resp=responses(FormsPage), tags=["forms"])
def list_forms(query: PageQuery):
    """ฉบับข้อสอบที่ยืนยันแล้ว ตามรหัส พร้อมชุดสลับข้อ"""
    from testgen.overview import list_form_overviews

    with read_session() as s:
        rows = list_form_overviews(s, acting())
    items = [FormsSummaryOut(code=o.form.code, title=o.form.title, grade=o.form.grade, n_items=o.form.n_items,
                             total_points=o.form.total_points, variants=list(o.variants), frozen_at=_utc(o.form.frozen_at),
                             url=url_for("forms_api.get_form", code=o.form.code))
             for o in query.window(rows)]
    return FormsPage(items=items, **page_of(len(rows), query))


@bp.get("/forms/<code>")
@requires("form.read")
@api.validate(resp=responses(FormsDetailOut), tags=["forms"])
def get_form(code: str):
    """ฉบับข้อสอบหนึ่งฉบับ: ข้อสอบตามลำดับที่พิมพ์ สารสนเทศที่ θ = −3…3 และความครบถ้วนตามผัง"""
    from testgen.planning import form_preview

    with read_session() as s:
        return _detail(form_preview(s, acting(), _path(code)))


@bp.post("/forms/<code>/variants")
@requires("form.variants")
@api.validate(json=FormsVariantsIn, resp=responses(FormsVariantsOut), tags=["forms"])
def make_variants(code: str, json: FormsVariantsIn):
    """สร้างชุดสลับข้อและตัวเลือก A, B, C, … (แทนชุดเดิม) ได้ชุดเดิมเสมอจากเลขสุ่มเดียวกัน"""
    from testgen.forms import make_form_variants

    with write_session() as s:
        labels = [v.label for v in make_form_variants(s, acting(), _path(code), json.count, json.seed)]
    return FormsVariantsOut(code=code, seed=json.seed, variants=labels)


class FormsRenderJobOut(BaseModel):
    job_id: str
    kind: str
    url: str
    files: list[str]


@bp.post("/forms/<code>/documents")
@requires("form.render")
@api.validate(resp=responses(FormsRenderJobOut, status=202), tags=["forms"])
def prepare_documents(code: str):
    """พิมพ์แบบทดสอบ เฉลย และกระดาษคำตอบที่ยังไม่ได้พิมพ์ของฉบับเป็นงานเบื้องหลัง: ได้รหัสงาน แล้วจึงดาวน์โหลด"""
    from web.forms.documents import form_documents
    from web.forms.views import prepare_documents as enqueue

    code = _path(code)
    with read_session() as s:
        missing = [d.filename for d in form_documents(s, acting(), current_app, code) if not d.ready]
    handle = enqueue(code)
    return FormsRenderJobOut(job_id=handle.id, kind="render_form_documents",
                             url=url_for("jobs_api.api_show", job_id=handle.id), files=missing), 202


@bp.get("/forms/<code>/<kind>.pdf")
@requires("form.render")
@api.validate(query=FormsDocumentQuery, resp=responses(binary=True), tags=["forms"])
def download(code: str, kind: str, query: FormsDocumentQuery) -> Response:
    """แบบทดสอบ (booklet) เฉลย (key) หรือกระดาษคำตอบ (sheet) เป็น PDF; ?variant=A สำหรับชุด (บันทึกในประวัติการดาวน์โหลด)

    A file not yet rendered is 409: render it first with ``POST /forms/{code}/documents`` (a job)."""
    from testgen.errors import TestGenError
    from web.forms.documents import DOCUMENTS
    from web.forms.views import send_document

    if kind not in DOCUMENTS:
        abort(404)
    sent = send_document(kind, _path(code), query.variant)
    if sent is None:
        raise TestGenError("form.document_not_ready", kind="conflict", message_th=(
            f"ไฟล์{DOCUMENTS[kind]}ของฉบับ {code} ยังไม่ได้พิมพ์: สั่ง POST /api/v1/forms/{code}/documents ก่อน"),
            message_en=f"the {kind} of form {code} is not rendered yet: POST /api/v1/forms/{code}/documents first")
    return sent

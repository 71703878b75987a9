"""REST API of item statistics and analysis (see web.api): the same services as the pages.

    GET  /api/v1/analysis/administrations                    every administration with its analysis status
    GET  /api/v1/analysis/administrations/<code>/items       item statistics with flags and review tasks (paged)
    POST /api/v1/analysis/administrations/<code>/run         start the analysis: the job's id (202)
    GET  /api/v1/analysis/items/<code>/history               an item's statistics across administrations
    GET  /api/v1/analysis/parameter-sets                     the bank's parameter sets (paged)

The analysis steps one by one (calibrate, link, DIF as jobs, and their results): web.analysis.step_api.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import Blueprint
from pydantic import BaseModel, Field

from web.api import Code, PageOut, PageQuery, api, page_of, responses
from web.api import finite as _f
from web.auth import acting, requires
from web.store_ext import read_session

bp = Blueprint("analysis_api", __name__, url_prefix="/api/v1")


def _code(value: str) -> str:
    from web.analysis.views import clean_code

    return clean_code(value)


class AnalysisFlagOut(BaseModel):
    code: str
    label: str
    severity: Literal["bad", "warn"]


class AnalysisTaskOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    status: str
    source: str
    opened_at: datetime


class AnalysisAdminOut(BaseModel):
    code: str
    title: str
    grade: str
    year_be: int
    term: int
    status: Literal["analysed", "not_analysed"]
    analysed_at: datetime | None = None
    n_items: int
    n_analysed: int
    n_persons: int
    kr20: float | None = None
    model: str | None = None
    n_flagged: int
    n_open_tasks: int


class AnalysisAdminPage(PageOut):
    items: list[AnalysisAdminOut]


class AnalysisOption(BaseModel):
    label: str
    share: float | None = None
    upper: int | None = None
    lower: int | None = None
    r: float | None = None
    key: bool = False
    dead: bool = False


class AnalysisItemOut(BaseModel):
    position: int
    item_code: str
    version_number: int
    n: int | None = None
    p: float | None = None
    r: float | None = None
    r_pbis: float | None = None
    verdict_p: str | None = None
    verdict_r: str | None = None
    decision: str | None = None
    irt_model: str | None = None
    a: float | None = None
    b: float | None = None
    c: float | None = None
    se_b: float | None = None
    infit: float | None = None
    outfit: float | None = None
    dif_class: str | None = None
    dif: dict[str, str] = Field(default_factory=dict, description="sex | school_size → ETS class (A, B+, B-, C+, C-)")
    flags: list[AnalysisFlagOut]
    options: list[AnalysisOption]
    tasks: list[AnalysisTaskOut]


class AnalysisItemPage(PageOut):
    administration: str
    analysed: bool
    analysed_at: datetime | None = None
    n_persons: int
    kr20: float | None = None
    alpha: float | None = None
    model: str | None = None
    scale: str | None = None
    n_flagged: int
    items: list[AnalysisItemOut]


class AnalysisItemQuery(PageQuery):
    flagged: bool = False


class AnalysisRunIn(BaseModel):
    model: Literal["2pl", "1pl", "rasch", "3pl", "none"] = "2pl"
    anchor_mode: Literal["fixed", "link"] = "fixed"
    scale: Code | None = None
    drift_limit: float = Field(0.5, gt=0, le=5)


class AnalysisJobOut(BaseModel):
    job_id: str
    kind: str
    url: str


class AnalysisHistoryRow(BaseModel):
    source: str
    version_number: int
    n: int
    p: float | None = None
    r: float | None = None
    r_pbis: float | None = None
    irt_model: str | None = None
    a: float | None = None
    b: float | None = None
    c: float | None = None
    scale: str | None = None
    infit: float | None = None
    outfit: float | None = None
    dif_class: str | None = None
    flags: list[AnalysisFlagOut]
    computed_at: datetime


class AnalysisHistoryOut(BaseModel):
    item_code: str
    version_number: int
    n_administrations: int
    n_examinees: int
    history: list[AnalysisHistoryRow]
    tasks: list[AnalysisTaskOut]
    icc_url: str | None = None


class AnalysisParameterSetOut(BaseModel):
    scale: str
    number: int
    ref: str
    source: str
    model: str
    n_items: int
    n_persons: int
    linking_method: str | None = None
    n_common: int | None = None
    created_at: datetime


class AnalysisParameterSetPage(PageOut):
    items: list[AnalysisParameterSetOut]


class AnalysisParameterSetQuery(PageQuery):
    scale: Code | None = None


def _flags(flags) -> list[AnalysisFlagOut]:
    from scoring.analysis import FLAG_WORDS, flag_text

    return [AnalysisFlagOut(code=f, label=flag_text(f), severity=FLAG_WORDS.get(f, ("", "", "warn"))[2])
            for f in flags]


def _task(t) -> AnalysisTaskOut:
    return AnalysisTaskOut(id=t.id, kind=t.kind, kind_label=t.kind_text(), status=t.status, source=t.source,
                           opened_at=t.opened_at)


@bp.get("/analysis/administrations")
@requires("scores.read")
@api.validate(query=PageQuery, resp=responses(AnalysisAdminPage), tags=["analysis"])
def administrations(query: PageQuery):
    """การสอบทั้งหมดพร้อมสถานะการวิเคราะห์ข้อสอบ (วิเคราะห์แล้วหรือยัง ข้อที่ต้องตรวจ งานตรวจทานที่เปิดอยู่)"""
    from scoring.analysis import analysis_overview

    with read_session() as s:
        rows = analysis_overview(s, acting())
    return AnalysisAdminPage(items=[AnalysisAdminOut(
        code=a.code, title=a.title, grade=a.grade, year_be=a.year_be, term=a.term, status=a.status,
        analysed_at=a.analysed_at, n_items=a.n_items, n_analysed=a.n_analysed, n_persons=a.n_persons,
        kr20=_f(a.kr20), model=a.model, n_flagged=a.n_flagged, n_open_tasks=a.n_open_tasks)
        for a in query.window(rows)], **page_of(len(rows), query))


@bp.get("/analysis/administrations/<code>/items")
@requires("scores.read")
@api.validate(query=AnalysisItemQuery, resp=responses(AnalysisItemPage), tags=["analysis"])
def item_statistics(code: str, query: AnalysisItemQuery):
    """ค่าสถิติรายข้อของการสอบ: p, r, a, b, infit, DIF, ข้อที่ต้องตรวจ และงานตรวจทานที่เปิดไว้ (ตามลำดับข้อ)"""
    from scoring.analysis import administration_statistics

    with read_session() as s:
        data = administration_statistics(s, acting(), _code(code))
    rows = [it for it in data.items if it.flags] if query.flagged else list(data.items)
    items = [AnalysisItemOut(
        position=it.position, item_code=it.item_code, version_number=it.version_number, n=it.n, p=_f(it.p),
        r=_f(it.r), r_pbis=_f(it.r_pbis), verdict_p=it.verdict_p, verdict_r=it.verdict_r, decision=it.decision,
        irt_model=it.irt_model, a=_f(it.a), b=_f(it.b), c=_f(it.c), se_b=_f(it.se_b), infit=_f(it.infit),
        outfit=_f(it.outfit), dif_class=it.dif_class, dif={str(k): str(v) for k, v in it.dif.items()},
        flags=_flags(it.flags),
        options=[AnalysisOption(label=k, share=_f(o.get("share")), upper=o.get("upper"), lower=o.get("lower"),
                                r=_f(o.get("r")), key=bool(o.get("key")), dead=bool(o.get("dead")))
                 for k, o in (it.distractors or {}).items()],
        tasks=[_task(t) for t in it.tasks]) for it in query.window(rows)]
    return AnalysisItemPage(administration=data.code, analysed=data.analysed, analysed_at=data.analysed_at,
                            n_persons=data.n_persons, kr20=_f(data.kr20), alpha=_f(data.alpha), model=data.model,
                            scale=data.scale, n_flagged=data.n_flagged, items=items, **page_of(len(rows), query))


@bp.post("/analysis/administrations/<code>/run")
@requires("item.write_statistics")
@api.validate(json=AnalysisRunIn, resp=responses(AnalysisJobOut, status=202), tags=["analysis"])
def run(code: str, json: AnalysisRunIn):
    """สั่งวิเคราะห์ข้อสอบของการสอบเป็นงานเบื้องหลัง (CTT, IRT, linking, fit, DIF แล้วบันทึกกลับคลัง): ได้รหัสงาน"""
    from flask import url_for

    from itembank.audit import record_student_read
    from scoring.analysis import check_can_analyse
    from web.jobs import get_jobs
    from web.store_ext import write_session

    with read_session() as s:
        adm = check_can_analyse(s, acting(), _code(code))
    with write_session() as s:  # PDPA: the analysis reads every student's answers on this client's behalf
        record_student_read(s, acting(), "answers.analysis", object_id=adm, commit=True)
    handle = get_jobs().enqueue("analyse", actor=acting(), administration=adm, model=json.model,
                                anchor_mode=json.anchor_mode, scale=json.scale, drift_limit=json.drift_limit)
    return AnalysisJobOut(job_id=handle.id, kind="analyse", url=url_for("jobs_api.api_show", job_id=handle.id)), 202


@bp.get("/analysis/items/<path:code>/history")
@requires("scores.read")
@api.validate(resp=responses(AnalysisHistoryOut), tags=["analysis"])
def history(code: str):
    """ประวัติค่าสถิติของข้อสอบหนึ่งข้อในทุกการสอบ พร้อมข้อที่ต้องตรวจและงานตรวจทาน"""
    from flask import url_for

    from scoring.analysis import item_history

    with read_session() as s:
        h = item_history(s, acting(), _code(code))
    return AnalysisHistoryOut(
        item_code=h.code, version_number=h.version_number, n_administrations=h.n_administrations,
        n_examinees=h.n_examinees,
        history=[AnalysisHistoryRow(
            source=r.source, version_number=r.version_number, n=r.n, p=_f(r.p), r=_f(r.r), r_pbis=_f(r.r_pbis),
            irt_model=r.irt_model, a=_f(r.a), b=_f(r.b), c=_f(r.c), scale=r.scale, infit=_f(r.infit),
            outfit=_f(r.outfit), dif_class=r.dif_class, flags=_flags(flags), computed_at=r.computed_at)
            for r, flags in zip(h.rows, h.flags, strict=True)],
        tasks=[_task(t) for t in h.tasks],
        icc_url=url_for("analysis.icc_plot", item=h.code) if h.calibrated is not None else None)


@bp.get("/analysis/parameter-sets")
@requires("scores.read")
@api.validate(query=AnalysisParameterSetQuery, resp=responses(AnalysisParameterSetPage), tags=["analysis"])
def parameter_sets(query: AnalysisParameterSetQuery):
    """ชุดค่าพารามิเตอร์ในคลังตามสเกล ใหม่สุดก่อน"""
    from scoring.analysis import parameter_sets as sets

    with read_session() as s:
        rows = sets(s, acting(), query.scale)
    return AnalysisParameterSetPage(items=[AnalysisParameterSetOut(
        scale=ps.scale, number=ps.number, ref=ps.ref, source=ps.source, model=ps.model, n_items=n,
        n_persons=ps.n_persons, linking_method=(ps.linking or {}).get("method"),
        n_common=(ps.linking or {}).get("n_common"), created_at=ps.created_at)
        for ps, n in query.window(rows)], **page_of(len(rows), query))



from web.analysis import step_api  # noqa: E402, F401  (calibrate, link, DIF one by one: its routes join bp)

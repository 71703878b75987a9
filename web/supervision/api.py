"""REST API of supervision and QA (see web.api): plans, visits, recommendations, the QA summary.

The same services and permissions as the pages: a school reads only its own visits and
recommendations, a supervisor records visits at the schools the plan assigns, the QA summary is the
district's. Every list is paged.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Literal

from flask import Blueprint, abort
from pydantic import BaseModel, Field

import supervision  # noqa: F401  (registers the room's actions, which @requires checks)
from web.api import Code, PageOut, PageQuery, Text, api, page_of, responses
from web.auth import acting, requires
from web.store_ext import read_session, write_session

bp = Blueprint("supervision_api", __name__, url_prefix="/api/v1")

MAX_ID = 2_147_483_647
Year = Field(default=None, ge=2400, le=2700, description="ปีการศึกษา (พ.ศ.) เช่น 2569; ไม่ระบุ = ปีปัจจุบัน")


def _year(value: int | None) -> int:
    from web.supervision.views import current_year

    return value or current_year()


@contextmanager
def _hidden():
    """Another school's object and a missing one get the same plain 404."""
    from itembank.errors import KhlangError

    try:
        yield
    except KhlangError as e:
        if e.kind == "not_found":
            abort(404)
        raise


def _need(body):
    """A JSON body is required: a form post or an empty body gets the Thai 422, not a server error."""
    if body is None:
        from supervision.errors import SupervisionError

        raise SupervisionError("request.not_json", kind="invalid",
                               message_th="ต้องส่งข้อมูลเป็น JSON (Content-Type: application/json)",
                               message_en="the body must be JSON (Content-Type: application/json)")
    return body


def _id(value: int) -> int:
    if value > MAX_ID:
        abort(404)
    return value


# ---------------------------------------------------------------------------------------------- models


class SupYearQuery(PageQuery):
    year: int | None = Year


class SupPlanEntryOut(BaseModel):
    id: int
    academic_year: int
    school_code: str | None
    school_name: str | None
    network: str | None
    topic: str
    mode: str
    mode_th: str
    month: int
    supervisor_name: str


class SupPlanPage(PageOut):
    year: int
    n_planned: int
    n_visited: int
    coverage_percent: float
    items: list[SupPlanEntryOut]


class SupRecommendationOut(BaseModel):
    id: int
    visit_id: int
    text: str
    due_on: dt.date | None
    status: Literal["open", "in_progress", "done", "verified"]
    status_th: str
    overdue: bool
    closed_by_visit_id: int | None


class SupVisitOut(BaseModel):
    id: int
    school_code: str
    school_name: str
    academic_year: int
    term: int
    form_code: str
    kind: str
    visit_no: int
    visited_on: dt.date
    teacher_name: str
    supervisor_name: str
    domain_means: dict[str, float]
    overall_mean: float | None
    interpretation: str
    follow_up_of: int | None
    acknowledged: bool
    recommendations: list[SupRecommendationOut]
    closed: list[int] = []


class SupVisitPage(PageOut):
    items: list[SupVisitOut]


class SupVisitQuery(SupYearQuery):
    school: Code | None = None


class SupRecommendationIn(BaseModel):
    text: Text = Field(min_length=1)
    due_on: dt.date | None = None


class SupVisitIn(BaseModel):
    """A visit: the school, the form, every item's score (item code → score on the form's scale), notes."""

    school_code: Code
    academic_year: int = Field(ge=2400, le=2700)
    form_code: Code
    visited_on: dt.date
    ratings: dict[Code, int]
    term: Literal[1, 2] = 1
    visit_no: int = Field(1, ge=1, le=100)
    period: Text = ""
    teacher_name: Text = ""
    teacher_position: Text = ""
    learning_area: Text = ""
    subject: Text = ""
    grade: Text = ""
    topic: Text = ""
    supervisor_name: Text = ""
    supervisor_position: Text = ""
    narrative: dict[Code, Text] = {}
    suggestions: Text = ""
    indicator_codes: list[Text] = Field(default=[], max_length=50)
    qa_codes: list[Code] = Field(default=[], max_length=50)
    recommendations: list[SupRecommendationIn] = Field(default=[], max_length=30)
    follow_up_of: int | None = Field(None, ge=1, le=MAX_ID)
    closes: list[int] = Field(default=[], max_length=100)


class SupRecommendationQuery(SupYearQuery):
    status: Literal["open", "in_progress", "done", "verified"] | None = None


class SupRecommendationPage(PageOut):
    items: list[SupRecommendationOut]


class SupRecommendationUpdate(BaseModel):
    status: Literal["open", "in_progress", "done", "verified"]
    note: Text = ""


class QaSummaryQuery(SupYearQuery):
    target: int = Field(3, ge=1, le=5, description="ระดับเป้าหมาย 1–5")


class QaLevelCount(BaseModel):
    level: int
    level_th: str
    n_schools: int


class QaStandardOut(BaseModel):
    code: str
    name: str
    levels: list[QaLevelCount]
    mean_change: float | None


class QaSchoolOut(BaseModel):
    school_code: str
    school_name: str
    levels: dict[str, int]
    previous: dict[str, int]
    external: dict[str, int]
    result_percent: float | None
    in_bottom_quartile: bool


class QaMismatchOut(BaseModel):
    school_code: str
    school_name: str
    code: str
    self_level: int
    result_percent: float
    reason_th: str


class QaBelowTargetOut(BaseModel):
    school_code: str
    school_name: str
    standard: str
    level: int


class QaSummaryOut(PageOut):
    """The district summary; ``items`` are the schools (paged)."""

    year: int
    target_level: int
    n_schools: int
    n_with_sar: int
    standards: list[QaStandardOut]
    below_target: list[QaBelowTargetOut]
    mismatches: list[QaMismatchOut]
    items: list[QaSchoolOut]


# ------------------------------------------------------------------------------------------- converters


def _rec_out(r, today: dt.date) -> SupRecommendationOut:
    return SupRecommendationOut(id=r.id, visit_id=r.visit_id, text=r.text, due_on=r.due_on, status=r.status,
                                status_th=r.status_th, overdue=r.is_overdue(today),
                                closed_by_visit_id=r.closed_by_visit_id)


def _visit_out(v) -> SupVisitOut:
    today = dt.date.today()
    return SupVisitOut(id=v.id, school_code=v.school_code, school_name=v.school, academic_year=v.academic_year,
                       term=v.term, form_code=v.form_code, kind=v.kind, visit_no=v.visit_no, visited_on=v.visited_on,
                       teacher_name=v.teacher_name, supervisor_name=v.supervisor_name,
                       domain_means={k: float(x) for k, x in v.domain_means.items()}, overall_mean=v.overall_mean,
                       interpretation=v.interpretation, follow_up_of=v.follow_up_of, acknowledged=v.acknowledged,
                       recommendations=[_rec_out(r, today) for r in v.recommendations], closed=list(v.closed))


def _slice(rows: list, query: PageQuery) -> list:
    return query.window(rows)


# ----------------------------------------------------------------------------------------------- routes


@bp.get("/supervision/plans")
@requires("supervision.plan_read")
@api.validate(query=SupYearQuery, resp=responses(SupPlanPage), tags=["supervision"])
def plans(query: SupYearQuery):
    """แผนการนิเทศของปีการศึกษา (รายเดือน) และความครอบคลุมตามแผน"""
    from supervision.plans import MODE_TH, plan_coverage, plan_entries

    actor, year = acting(), _year(query.year)
    with read_session() as s:
        entries = plan_entries(s, actor, year)
        coverage = plan_coverage(s, actor, year)
    names = {r.school_id: (r.school_code, r.school) for r in coverage.rows}
    items = [SupPlanEntryOut(id=e.id, academic_year=e.academic_year,
                             school_code=names.get(e.school_id, (None, None))[0] if e.school_id else None,
                             school_name=names.get(e.school_id, (None, None))[1] if e.school_id else None,
                             network=e.network, topic=e.topic, mode=e.mode, mode_th=MODE_TH.get(e.mode, e.mode),
                             month=e.month, supervisor_name=e.supervisor_name) for e in _slice(entries, query)]
    return SupPlanPage(year=year, n_planned=coverage.n_planned, n_visited=coverage.n_visited,
                       coverage_percent=round(coverage.percent, 2), items=items, **page_of(len(entries), query))


@bp.get("/supervision/visits")
@requires("visit.read")
@api.validate(query=SupVisitQuery, resp=responses(SupVisitPage), tags=["supervision"])
def visits(query: SupVisitQuery):
    """การนิเทศของปีการศึกษา ใหม่สุดก่อน (โรงเรียนเห็นเฉพาะของตนเอง)"""
    from supervision.visits import list_visits

    with read_session() as s:
        rows = list(reversed(list_visits(s, acting(), academic_year=_year(query.year), school_code=query.school)))
    return SupVisitPage(items=[_visit_out(v) for v in _slice(rows, query)], **page_of(len(rows), query))


@bp.get("/supervision/visits/<int:visit_id>")
@requires("visit.read")
@api.validate(resp=responses(SupVisitOut), tags=["supervision"])
def visit(visit_id: int):
    """การนิเทศหนึ่งครั้ง: ค่าเฉลี่ยรายด้านและรวม การแปลความหมาย ข้อเสนอแนะ"""
    from supervision.visits import get_visit, list_visits

    actor = acting()
    with read_session() as s, _hidden():
        v = get_visit(s, actor, _id(visit_id))
        found = [x for x in list_visits(s, actor, academic_year=v.academic_year) if x.id == v.id]
    if not found:
        abort(404)
    return _visit_out(found[0])


@bp.post("/supervision/visits")
@requires("visit.write")
@api.validate(json=SupVisitIn, resp=responses(SupVisitOut, status=201), tags=["supervision"])
def record(json: SupVisitIn):
    """บันทึกการนิเทศ (ศึกษานิเทศก์: เฉพาะโรงเรียนที่ได้รับมอบหมายในแผน); การติดตามผลปิดข้อเสนอแนะเดิมได้"""
    from supervision.visits import RecommendationDraft, VisitDraft, record_visit

    json = _need(json)
    data = json.model_dump()
    data["recommendations"] = tuple(RecommendationDraft(r.text, r.due_on) for r in json.recommendations)
    data["closes"] = tuple(c for c in json.closes if 0 < c <= MAX_ID)
    for key in ("indicator_codes", "qa_codes"):
        data[key] = tuple(data[key])
    with write_session() as s:
        v = record_visit(s, acting(), VisitDraft(**data))
    return _visit_out(v), 201


@bp.post("/supervision/visits/<int:visit_id>/acknowledge")
@requires("visit.acknowledge")
@api.validate(resp=responses(SupVisitOut), tags=["supervision"])
def acknowledge(visit_id: int):
    """โรงเรียนรับทราบผลการนิเทศ"""
    from supervision.visits import acknowledge_visit

    with write_session() as s, _hidden():
        v = acknowledge_visit(s, acting(), _id(visit_id))
    return _visit_out(v)


@bp.get("/supervision/recommendations")
@requires("visit.read")
@api.validate(query=SupRecommendationQuery, resp=responses(SupRecommendationPage), tags=["supervision"])
def recommendations(query: SupRecommendationQuery):
    """ข้อเสนอแนะจากการนิเทศและสถานะ (โรงเรียนเห็นเฉพาะของตนเอง)"""
    from supervision.visits import list_recommendations

    with read_session() as s:
        rows = list_recommendations(s, acting(), academic_year=_year(query.year), status=query.status)
    today = dt.date.today()
    return SupRecommendationPage(items=[_rec_out(r, today) for r in _slice(rows, query)], **page_of(len(rows), query))


@bp.post("/supervision/recommendations/<int:recommendation_id>")
@requires("recommendation.update")
@api.validate(json=SupRecommendationUpdate, resp=responses(SupRecommendationOut), tags=["supervision"])
def update_recommendation(recommendation_id: int, json: SupRecommendationUpdate):
    """ปรับสถานะข้อเสนอแนะ: โรงเรียนรายงานความก้าวหน้า ศึกษานิเทศก์ยืนยัน (verified)"""
    from supervision.visits import update_recommendation as update

    json = _need(json)
    with write_session() as s, _hidden():
        r = update(s, acting(), _id(recommendation_id), json.status, json.note)
    return _rec_out(r, dt.date.today())


@bp.get("/qa/summary")
@requires("qa.summary")
@api.validate(query=QaSummaryQuery, resp=responses(QaSummaryOut), tags=["qa"])
def qa_summary(query: QaSummaryQuery):
    """สรุปการประกันคุณภาพระดับเขตพื้นที่: การกระจายระดับ ต่ำกว่าเป้าหมาย ผลสอบเทียบการประเมินตนเอง"""
    from supervision.qa import qa_summary as summary_of
    from supervision.standards import QA_LEVELS, qa_codes

    year = _year(query.year)
    with read_session() as s:
        sm = summary_of(s, acting(), year, target_level=query.target)
    names = qa_codes()
    standards = [QaStandardOut(code=std, name=names.get(std, ""), mean_change=sm.mean_change(std),
                               levels=[QaLevelCount(level=lv, level_th=QA_LEVELS[lv], n_schools=dist.get(lv, 0))
                                       for lv in sorted(QA_LEVELS, reverse=True)])
                 for std, dist in sm.distribution.items()]
    schools = list(sm.schools)
    return QaSummaryOut(
        year=year, target_level=sm.target_level, n_schools=sm.n_schools, n_with_sar=sm.n_with_sar, standards=standards,
        below_target=[QaBelowTargetOut(school_code=c, school_name=n, standard=std, level=lv)
                      for c, n, std, lv in sm.below_target],
        mismatches=[QaMismatchOut(school_code=m.school_code, school_name=m.school, code=m.code, self_level=m.self_level,
                                  result_percent=m.result_percent, reason_th=m.reason_th) for m in sm.mismatches],
        items=[QaSchoolOut(school_code=r.school_code, school_name=r.school, levels=r.levels, previous=r.previous,
                           external=r.external, result_percent=r.result_percent, in_bottom_quartile=r.in_bottom_quartile)
               for r in _slice(schools, query)],
        **page_of(len(schools), query))

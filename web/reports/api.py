"""REST API of results and reports (see web.api): the same services as the pages.

    GET /api/v1/reports/administrations/<code>/summary            the district and its schools (paged); a school:
                                                                  its own school beside the district, after release
    GET /api/v1/reports/administrations/<code>/<kind>/<fmt>       a report as PDF, DOCX or XLSX
"""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, abort
from pydantic import BaseModel

from web.api import Code, PageOut, PageQuery, api, page_of, responses
from web.api import finite as _f
from web.auth import acting, audit_download, requires
from web.store_ext import read_session

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1")


class ReportGroupOut(BaseModel):
    """Results of one group: the district, a school (or a province / the nation as the office entered them)."""

    scope: Literal["district", "school", "province", "nation"]
    label: str
    school_code: str | None = None
    n: int
    mean: float | None = None
    sd: float | None = None
    min: float | None = None
    max: float | None = None
    max_points: float
    mean_percent: float | None = None
    quality_counts: dict[str, int]
    grade_counts: dict[str, int]
    indicator_percent: dict[str, float]
    percentiles: dict[str, float]


class ReportSummaryOut(PageOut):
    administration: str
    title: str
    grade: str
    year_be: int
    term: int
    district: ReportGroupOut
    references: list[ReportGroupOut]
    items: list[ReportGroupOut]


class ReportFileQuery(BaseModel):
    school: Code | None = None


def _group(g) -> ReportGroupOut:
    scope = g.scope.split(":")[0]
    if scope not in ("district", "school", "province", "nation"):
        scope = "school"
    return ReportGroupOut(
        scope=scope, label=g.label, school_code=g.school_code, n=g.n, mean=_f(g.mean), sd=_f(g.sd), min=_f(g.min),
        max=_f(g.max), max_points=float(g.max_points or 0.0), mean_percent=_f(g.mean_percent),
        quality_counts={str(k): int(v) for k, v in g.quality_counts.items()},
        grade_counts={str(k): int(v) for k, v in g.grade_counts.items()},
        indicator_percent={str(k): round(float(v), 4) for k, v in g.indicator_percent.items()},
        percentiles={str(k): float(v) for k, v in g.percentiles.items()})


def _code(value: str) -> str:
    from web.analysis.views import clean_code

    return clean_code(value)


@bp.get("/reports/administrations/<code>/summary")
@requires("scores.read")
@api.validate(query=PageQuery, resp=responses(ReportSummaryOut), tags=["reports"])
def summary(code: str, query: PageQuery):
    """สรุปผลการสอบ: เขตพื้นที่และรายโรงเรียน (บัญชีโรงเรียน: โรงเรียนตนเองเทียบกับเขต หลังประกาศผล)"""
    from scoring.warehouse import district_results, school_results
    from web.reports.views import hidden_for_schools

    code = _code(code)
    actor = acting()
    with hidden_for_schools(), read_session() as s:
        if actor.role == "school":
            r = school_results(s, actor, code, actor.school_id)
            schools = [r.school]
        else:
            r = district_results(s, actor, code)
            schools = list(r.schools)
    return ReportSummaryOut(
        administration=r.administration, title=r.title, grade=r.grade, year_be=r.year_be, term=r.term,
        district=_group(r.district), references=[_group(g) for g in r.references.values()],
        items=[_group(g) for g in query.window(schools)], **page_of(len(schools), query))


@bp.get("/reports/administrations/<code>/<kind>/<fmt>")
@requires("scores.read")
@api.validate(query=ReportFileQuery, resp=responses(binary=True), tags=["reports"])
def download(code: str, kind: str, fmt: str, query: ReportFileQuery):
    """รายงาน (district | school | items) เป็นไฟล์ pdf | docx | xlsx; รายงานโรงเรียนระบุ ?school=รหัส (บัญชีโรงเรียน: ของตนเอง)"""
    from web.reports.views import FORMATS, attachment, build, render_file

    code = _code(code)
    if kind not in ("district", "school", "items") or fmt not in FORMATS:
        abort(404)
    report = build(code, kind, query.school)
    data = render_file(report, fmt)
    audit_download("report", f"{code}:{kind}" + (f":{query.school}" if query.school else ""), format=fmt, via="api")
    name = f"{code}_{kind}" + (f"_{query.school}" if query.school else "") + f".{fmt}"
    return attachment(data, FORMATS[fmt], name)

"""REST API of the analysis steps (see web.api): calibration, linking and DIF of one administration, each started
as a job and read back when it ends, the same services and permissions as the pages (web.analysis.step_views).

    POST /api/v1/analysis/administrations/<code>/calibrate     start a calibration: the job and its URLs (202)
    POST /api/v1/analysis/administrations/<code>/link          start a scale link (202)
    POST /api/v1/analysis/administrations/<code>/dif           start a DIF analysis (202)
    GET  /api/v1/analysis/administrations/<code>/steps         the administration's step jobs, newest first (paged)
    GET  /api/v1/analysis/calibrations/<job_id>                parameters with SEs (paged by item)
    GET  /api/v1/analysis/links/<job_id>                       linking constants with SEs, the common items (paged)
    GET  /api/v1/analysis/dif/<job_id>                         the DIF table with ETS classes (paged)

Starting needs ``item.write_statistics`` on the administration (not a school); a result is read by the person
who started the job, or an administrator (``scores.read``); a job of another kind, or another person's, is 404.
A result of a job still running, or refused, is 409 with the job's URL or its problems in the Thai error shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from flask import url_for
from pydantic import BaseModel, Field

from web.analysis.api import _code, bp
from web.api import Code, PageOut, PageQuery, api, page_of, responses
from web.api import finite as _f
from web.auth import requires
from web.jobs.views import JobOut

StepKind = Literal["analysis_calibrate", "analysis_link", "analysis_dif"]
_RESULT_ROUTE = {"analysis_calibrate": "analysis_api.calibration_result", "analysis_link": "analysis_api.link_result",
                 "analysis_dif": "analysis_api.dif_result"}


# -- requests -----------------------------------------------------------------------------------------------


class AnalysisCalibrateIn(BaseModel):
    """ประมาณค่าพารามิเตอร์: โมเดล, ตรึงค่าข้อยึดจากคลังหรือไม่, สเกล, บันทึกเป็นชุดค่าพารามิเตอร์หรือไม่"""

    model: Literal["2pl", "1pl", "rasch", "3pl"] = "2pl"
    anchored: bool = False
    scale: Code | None = None
    save: bool = False


class AnalysisLinkIn(BaseModel):
    """เชื่อมโยงสเกล: สเกลในคลัง, วิธี, เกณฑ์ค่า b เปลี่ยน (logit)"""

    scale: Code | None = None
    method: Literal["stocking_lord", "haebara", "mean_sigma", "mean_mean"] = "stocking_lord"
    drift_limit: float = Field(0.5, gt=0, le=5)


class AnalysisDifIn(BaseModel):
    """DIF แบบ Mantel–Haenszel: เพศ (หญิงเทียบกับชาย) หรือขนาดโรงเรียน (เล็กเทียบกับขนาดอื่น)"""

    comparison: Literal["sex", "school_size"] = "sex"
    purify: bool = True


class AnalysisStepQuery(PageQuery):
    kind: StepKind | None = None


# -- responses ----------------------------------------------------------------------------------------------


class AnalysisStepJobOut(BaseModel):
    """A started step: its job (poll ``url``) and where its result is read once the job is done."""

    job_id: str
    kind: StepKind
    url: str
    result_url: str
    job: JobOut


class AnalysisStepOut(BaseModel):
    job_id: str
    kind: StepKind
    status: str
    finished: bool
    message: str
    created_at: datetime
    finished_at: datetime | None = None
    url: str
    result_url: str


class AnalysisStepPage(PageOut):
    administration: str
    items: list[AnalysisStepOut]


class _StepResult(PageOut):
    job_id: str
    administration: str
    message: str
    seconds: float | None = None
    created_at: datetime


class AnalysisCalibrationItemOut(BaseModel):
    position: int
    item_code: str
    a: float | None = None
    b: float | None = None
    c: float | None = None
    se_a: float | None = None
    se_b: float | None = None
    se_c: float | None = None
    anchor: bool = False


class AnalysisCalibrationOut(_StepResult):
    model: str
    scale: str
    anchored: bool
    anchors_from: str | None = None
    n_anchors: int
    n_persons: int
    n_items: int
    converged: bool
    iterations: int
    log_likelihood: float | None = None
    parameter_set: str | None = None
    skipped: list[str]
    warnings: list[str]
    tif_url: str
    items: list[AnalysisCalibrationItemOut]


class AnalysisLinkItemOut(BaseModel):
    position: int
    item_code: str
    a_new: float | None = None
    b_new: float | None = None
    a_linked: float | None = None
    b_linked: float | None = None
    a_bank: float | None = None
    b_bank: float | None = None
    b_diff: float | None = None
    drift: bool


class AnalysisLinkOut(_StepResult):
    scale: str
    method: str
    anchors_from: str | None = None
    A: float | None = Field(None, description="θ_bank = A θ_new + B")
    B: float | None = None
    se_A: float | None = None
    se_B: float | None = None
    n_common: int
    n_persons: int
    converged: bool
    drift_limit: float
    n_drift: int
    excluded: list[str]
    items: list[AnalysisLinkItemOut] = Field(description="the common items, b before and after the link")


class AnalysisDifItemOut(BaseModel):
    position: int
    item_code: str
    alpha_mh: float | None = None
    delta: float | None = None
    delta_se: float | None = None
    chi2: float | None = None
    p_value: float | None = None
    ets_class: str = Field(description="A, B+, B-, C+, C- (− harder for the focal group)")


class AnalysisDifCounts(BaseModel):
    A: int = 0
    B: int = 0
    C: int = 0


class AnalysisDifOut(_StepResult):
    comparison: str
    focal: str
    reference: str
    n_focal: int
    n_reference: int
    purify: bool
    dropped_from_matching: list[str]
    counts: AnalysisDifCounts
    items: list[AnalysisDifItemOut]


# -- starting -----------------------------------------------------------------------------------------------


def _started(code: str, kind: str, **arguments: Any):
    from web.analysis.step_views import start_step
    from web.jobs.views import _get, _names, job_out

    handle = start_step(_code(code), kind, **arguments)
    job = _get(handle.id)
    out = AnalysisStepJobOut(job_id=handle.id, kind=kind, url=url_for("jobs_api.api_show", job_id=handle.id),
                             result_url=url_for(_RESULT_ROUTE[kind], job_id=handle.id), job=job_out(job, _names([job])))
    return out, 202, {"Location": out.url}


@bp.post("/analysis/administrations/<code>/calibrate")
@requires("item.write_statistics")
@api.validate(json=AnalysisCalibrateIn, resp=responses(AnalysisStepJobOut, status=202), tags=["analysis"])
def calibrate(code: str, json: AnalysisCalibrateIn):
    """สั่งประมาณค่าพารามิเตอร์ IRT ของการสอบเป็นงานเบื้องหลัง (อิสระ หรือตรึงค่าข้อยึดจากคลัง): ได้งานและที่อ่านผล"""
    return _started(code, "analysis_calibrate", model=json.model, anchored=json.anchored, scale=json.scale,
                    save=json.save)


@bp.post("/analysis/administrations/<code>/link")
@requires("item.write_statistics")
@api.validate(json=AnalysisLinkIn, resp=responses(AnalysisStepJobOut, status=202), tags=["analysis"])
def link(code: str, json: AnalysisLinkIn):
    """สั่งเชื่อมโยงสเกลของการสอบเข้ากับคลังเป็นงานเบื้องหลัง (ประมาณค่าอิสระแล้วเชื่อมโยง): ได้งานและที่อ่านผล"""
    return _started(code, "analysis_link", scale=json.scale, method=json.method, drift_limit=json.drift_limit)


@bp.post("/analysis/administrations/<code>/dif")
@requires("item.write_statistics")
@api.validate(json=AnalysisDifIn, resp=responses(AnalysisStepJobOut, status=202), tags=["analysis"])
def dif(code: str, json: AnalysisDifIn):
    """สั่งวิเคราะห์ DIF (Mantel–Haenszel) ของการสอบเป็นงานเบื้องหลัง: ได้งานและที่อ่านผล"""
    return _started(code, "analysis_dif", comparison=json.comparison, purify=json.purify)


# -- reading ------------------------------------------------------------------------------------------------


def _message(data: dict[str, Any]) -> str:
    from web.i18n import is_english

    return str((data.get("message_en") if is_english() else None) or data.get("message_th") or "")


@bp.get("/analysis/administrations/<code>/steps")
@requires("item.write_statistics")
@api.validate(query=AnalysisStepQuery, resp=responses(AnalysisStepPage), tags=["analysis"])
def steps(code: str, query: AnalysisStepQuery):
    """งานประมาณค่า เชื่อมโยงสเกล และ DIF ของการสอบที่ผู้ใช้สั่งไว้ (ผู้ดูแลระบบเห็นทุกงาน) ใหม่สุดก่อน"""
    from web.analysis.step_views import step_jobs

    code, jobs = step_jobs(_code(code), limit=500)
    rows = [j for j in jobs if query.kind is None or j.kind == query.kind]
    return AnalysisStepPage(administration=code, items=[AnalysisStepOut(
        job_id=j.id, kind=j.kind, status=j.status, finished=j.is_finished,
        message=_message({"message_th": j.message_th, "message_en": j.message_en}), created_at=j.created_at,
        finished_at=j.finished_at, url=url_for("jobs_api.api_show", job_id=j.id),
        result_url=url_for(_RESULT_ROUTE[j.kind], job_id=j.id)) for j in query.window(rows)],
        **page_of(len(rows), query))


def _done(job_id: str, kind: str) -> tuple[Any, dict[str, Any]]:
    """The finished step job of `kind` the actor may read, and its outcome; 404 or 409 (running, refused) else."""
    from scoring.errors import ScoringError
    from web.analysis.step_views import result_job

    job = result_job(job_id, (kind,))
    out = job.outcome or {}
    if not job.is_finished:
        url = url_for("jobs_api.api_show", job_id=job.id)
        raise ScoringError("analysis.step_running", kind="conflict", job_id=job.id,
                           message_th=f"งาน {job.id} ยังไม่เสร็จ: ดูความก้าวหน้าที่ {url}",
                           message_en=f"job {job.id} has not finished: follow it at {url}")
    if not out.get("ok"):
        problems = "; ".join(str(p) for p in out.get("problems") or ()) or out.get("message_th") or ""
        problems_en = "; ".join(str(p) for p in out.get("problems_en") or ()) or out.get("message_en") or ""
        raise ScoringError("analysis.step_refused", kind="conflict", job_id=job.id,
                           message_th=f"งาน {job.id} ไม่ผ่าน ไม่มีผลให้อ่าน: {problems}",
                           message_en=f"job {job.id} was refused and has no result: {problems_en}")
    return job, out


def _common(job, out: dict[str, Any], rows: list, query: PageQuery) -> dict[str, Any]:
    return {"job_id": job.id, "administration": str(out.get("administration", "")), "message": _message(out),
            "seconds": _f(out.get("seconds")), "created_at": job.created_at, **page_of(len(rows), query)}


@bp.get("/analysis/calibrations/<job_id>")
@requires("scores.read")
@api.validate(query=PageQuery, resp=responses(AnalysisCalibrationOut), tags=["analysis"])
def calibration_result(job_id: str, query: PageQuery):
    """ผลการประมาณค่าพารามิเตอร์: a, b, c และ SE ของแต่ละข้อ ข้อยึด การลู่เข้า และชุดค่าพารามิเตอร์ที่บันทึก"""
    job, out = _done(job_id, "analysis_calibrate")
    rows = list(out.get("items") or ())
    return AnalysisCalibrationOut(
        **_common(job, out, rows, query), model=str(out.get("model", "")), scale=str(out.get("scale", "")),
        anchored=bool(out.get("anchored")), anchors_from=out.get("anchors_from"), n_anchors=int(out.get("n_anchors") or 0),
        n_persons=int(out.get("n_persons") or 0), n_items=int(out.get("n_items") or 0),
        converged=bool(out.get("converged")), iterations=int(out.get("iterations") or 0),
        log_likelihood=_f(out.get("log_likelihood")), parameter_set=out.get("parameter_set"),
        skipped=[str(s) for s in out.get("skipped") or ()], warnings=[str(w) for w in out.get("warnings") or ()],
        tif_url=url_for("analysis_steps.result_tif", job_id=job.id),
        items=[AnalysisCalibrationItemOut(
            position=int(r["position"]), item_code=str(r["item_code"]), a=_f(r.get("a")), b=_f(r.get("b")),
            c=_f(r.get("c")), se_a=_f(r.get("se_a")), se_b=_f(r.get("se_b")), se_c=_f(r.get("se_c")),
            anchor=bool(r.get("anchor"))) for r in query.window(rows)])


@bp.get("/analysis/links/<job_id>")
@requires("scores.read")
@api.validate(query=PageQuery, resp=responses(AnalysisLinkOut), tags=["analysis"])
def link_result(job_id: str, query: PageQuery):
    """ผลการเชื่อมโยงสเกล: ค่าคงที่ A, B และ SE (วิธีเดลตา) ข้อร่วมพร้อมค่า b ก่อนและหลังเชื่อมโยง"""
    job, out = _done(job_id, "analysis_link")
    rows = list(out.get("common") or ())
    return AnalysisLinkOut(
        **_common(job, out, rows, query), scale=str(out.get("scale", "")), method=str(out.get("method", "")),
        anchors_from=out.get("anchors_from"), A=_f(out.get("A")), B=_f(out.get("B")), se_A=_f(out.get("se_A")),
        se_B=_f(out.get("se_B")), n_common=int(out.get("n_common") or 0), n_persons=int(out.get("n_persons") or 0),
        converged=bool(out.get("converged")), drift_limit=float(out.get("drift_limit") or 0.0),
        n_drift=int(out.get("n_drift") or 0), excluded=[str(x) for x in out.get("excluded") or ()],
        items=[AnalysisLinkItemOut(
            position=int(r["position"]), item_code=str(r["item_code"]), a_new=_f(r.get("a_new")),
            b_new=_f(r.get("b_new")), a_linked=_f(r.get("a_linked")), b_linked=_f(r.get("b_linked")),
            a_bank=_f(r.get("a_bank")), b_bank=_f(r.get("b_bank")), b_diff=_f(r.get("b_diff")),
            drift=bool(r.get("drift"))) for r in query.window(rows)])


@bp.get("/analysis/dif/<job_id>")
@requires("scores.read")
@api.validate(query=PageQuery, resp=responses(AnalysisDifOut), tags=["analysis"])
def dif_result(job_id: str, query: PageQuery):
    """ผล DIF: α_MH, Δ_MH และ SE, χ², p และระดับ ETS (A, B, C) ของแต่ละข้อ"""
    job, out = _done(job_id, "analysis_dif")
    rows = list(out.get("items") or ())
    counts = out.get("counts") or {}
    return AnalysisDifOut(
        **_common(job, out, rows, query), comparison=str(out.get("comparison", "")), focal=str(out.get("focal", "")),
        reference=str(out.get("reference", "")), n_focal=int(out.get("n_focal") or 0),
        n_reference=int(out.get("n_reference") or 0), purify=bool(out.get("purify")),
        dropped_from_matching=[str(x) for x in out.get("dropped_from_matching") or ()],
        counts=AnalysisDifCounts(**{c: int(counts.get(c) or 0) for c in "ABC"}),
        items=[AnalysisDifItemOut(
            position=int(r["position"]), item_code=str(r["item_code"]), alpha_mh=_f(r.get("alpha_mh")),
            delta=_f(r.get("delta")), delta_se=_f(r.get("delta_se")), chi2=_f(r.get("chi2")),
            p_value=_f(r.get("p_value")), ets_class=str(r.get("ets_class", ""))) for r in query.window(rows)])

"""ประมาณค่า เชื่อมโยงสเกล และ DIF ทีละขั้น (the analysis steps): an analyst starts a calibration, a scale link
or a DIF analysis of one administration as a job (progress at ``/jobs/<id>``), then reads its result here:
parameters with SEs, the linking constants with their SEs and the common items, the DIF table with ETS classes.

Each job is a :mod:`scoring.analysis_steps` service (:mod:`web.analysis.jobs`); the result is the job's
outcome, read through :func:`itembank.jobs.get_job` (the person who started it, or an administrator).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from itembank.errors import KhlangError
from web.analysis.views import _CODE, clean_code
from web.auth import acting, requires
from web.store_ext import read_session, write_session

bp = Blueprint("analysis_steps", __name__, url_prefix="/analysis")

STEP_JOBS = ("analysis_calibrate", "analysis_link", "analysis_dif")
CALIBRATION_MODEL_LABELS = {
    "2pl": _l("IRT แบบ 2 พารามิเตอร์ (2PL)"),
    "1pl": _l("IRT แบบ 1 พารามิเตอร์ (1PL)"),
    "rasch": _l("โมเดลราช (Rasch)"),
    "3pl": _l("IRT แบบ 3 พารามิเตอร์ (3PL)"),
}
LINK_METHOD_LABELS = {
    "stocking_lord": _l("Stocking–Lord (โค้งลักษณะของแบบทดสอบ)"),
    "haebara": _l("Haebara (โค้งลักษณะรายข้อ)"),
    "mean_sigma": _l("Mean/sigma (ค่าเฉลี่ยและส่วนเบี่ยงเบนของ b)"),
    "mean_mean": _l("Mean/mean (ค่าเฉลี่ยของ a และ b)"),
}
DIF_COMPARISON_LABELS = {
    "sex": _l("เพศ: หญิงเทียบกับชาย"),
    "school_size": _l("ขนาดโรงเรียน: เล็กเทียบกับขนาดอื่น"),
}
STEP_LABELS = {"analysis_calibrate": _l("ประมาณค่าพารามิเตอร์"), "analysis_link": _l("เชื่อมโยงสเกล"),
               "analysis_dif": _l("DIF")}
STATUS_LABELS = {"queued": _l("รอคิว"), "running": _l("กำลังทำ"), "done": _l("เสร็จแล้ว"), "refused": _l("ไม่ผ่าน"),
                 "failed": _l("ขัดข้อง")}
ETS_LABELS = {"A": _l("A: น้อยมากหรือไม่มีนัยสำคัญ"), "B": _l("B: ปานกลาง"), "C": _l("C: มาก ควรตรวจข้อสอบ")}


@bp.context_processor
def _labels() -> dict:
    from web.i18n import page_language

    return {"page_locale": page_language(), "STATUS_LABELS": STATUS_LABELS, "CALIBRATION_MODEL_LABELS": CALIBRATION_MODEL_LABELS, "LINK_METHOD_LABELS": LINK_METHOD_LABELS,
            "DIF_COMPARISON_LABELS": DIF_COMPARISON_LABELS, "STEP_LABELS": STEP_LABELS, "ETS_LABELS": ETS_LABELS}


@bp.get("/<code>/steps")
@requires("item.write_statistics")
def steps(code: str):
    """The three analysis steps of an administration, each started on its own, and the results of earlier ones."""
    code, earlier = step_jobs(clean_code(code))
    return render_template("analysis/steps.html", code=code, earlier=earlier[:30])


def start_step(code: str, job: str, **arguments):
    """Check the administration, log the read of every student's answers (PDPA), queue `job`: its handle.

    The page and the API (:mod:`web.analysis.step_api`) start a step through here."""
    from itembank.audit import record_student_read
    from scoring.analysis import check_can_analyse
    from web.jobs import get_jobs

    with read_session() as s:
        code = check_can_analyse(s, acting(), code)
    with write_session() as s:
        record_student_read(s, acting(), f"answers.{job}", object_id=code, commit=True)
    return get_jobs().enqueue(job, actor=acting(), administration=code, **arguments)


def step_jobs(code: str, limit: int = 50) -> tuple[str, list]:
    """The administration's code (checked: the actor may analyse it) and its step jobs, newest first."""
    from itembank.jobs import list_jobs
    from scoring.analysis import check_can_analyse

    with read_session() as s:
        code = check_can_analyse(s, acting(), code)
        earlier = [j for kind in STEP_JOBS for j in list_jobs(s, acting(), kind=kind, limit=limit)
                   if (j.arguments or {}).get("administration") == code]
    earlier.sort(key=lambda j: j.created_at, reverse=True)
    return code, earlier


def _start(code: str, job: str, **arguments):
    """Start the step, then go to the job's progress."""
    handle = start_step(code, job, **arguments)
    return redirect(url_for("jobs.show", job_id=handle.id))


def _refuse(code: str, problems: list[str]):
    for p in problems:
        flash(p, "error")
    return redirect(url_for("analysis_steps.steps", code=code))


def _scale() -> tuple[str | None, list[str]]:
    scale = (request.form.get("scale") or "").strip() or None
    if scale is not None and not _CODE.match(scale):
        return None, [_("ชื่อสเกล: ใช้ได้เฉพาะตัวอักษร ตัวเลข และ . _ - /")]
    return scale, []


@bp.post("/<code>/steps/calibrate")
@requires("item.write_statistics")
def calibrate(code: str):
    """Start a calibration job: model, free or held by the bank's parameters, saved as a parameter set or not."""
    code = clean_code(code)
    model = request.form.get("model", "2pl")
    scale, problems = _scale()
    if model not in CALIBRATION_MODEL_LABELS:
        problems.append(_("โมเดล: เลือกจากรายการ"))
    if problems:
        return _refuse(code, problems)
    return _start(code, "analysis_calibrate", model=model, anchored=request.form.get("anchored") == "1",
                  scale=scale, save=request.form.get("save") == "1")


@bp.post("/<code>/steps/link")
@requires("item.write_statistics")
def link(code: str):
    """Start a linking job: a free calibration put on the bank's scale by the chosen method."""
    code = clean_code(code)
    method = request.form.get("method", "stocking_lord")
    scale, problems = _scale()
    try:
        drift = float(request.form.get("drift_limit") or 0.5)
    except ValueError:
        drift = -1.0
    if method not in LINK_METHOD_LABELS:
        problems.append(_("วิธีเชื่อมโยง: เลือกจากรายการ"))
    if not 0 < drift <= 5:
        problems.append(_("เกณฑ์ค่า b เปลี่ยน: ต้องเป็นตัวเลขมากกว่า 0 ไม่เกิน 5 (logit)"))
    if problems:
        return _refuse(code, problems)
    return _start(code, "analysis_link", scale=scale, method=method, drift_limit=drift)


@bp.post("/<code>/steps/dif")
@requires("item.write_statistics")
def dif(code: str):
    """Start a DIF job: Mantel–Haenszel by sex or by school size."""
    code = clean_code(code)
    comparison = request.form.get("comparison", "sex")
    if comparison not in DIF_COMPARISON_LABELS:
        return _refuse(code, [_("การเปรียบเทียบ: เลือกจากรายการ")])
    return _start(code, "analysis_dif", comparison=comparison, purify=request.form.get("purify", "1") == "1")


def result_job(job_id: str, kinds: tuple[str, ...] = STEP_JOBS):
    """A step job the actor may read (the person who started it, or an administrator), of one of `kinds`; else 404."""
    from itembank.jobs import get_job

    if not _CODE.match(job_id or ""):
        abort(404)
    with read_session() as s:
        try:
            job = get_job(s, acting(), job_id)
        except KhlangError as e:
            if e.kind in ("not_found", "forbidden"):
                abort(404)
            raise
    if job.kind not in kinds:
        abort(404)
    return job


@bp.get("/results/<job_id>")
@requires("scores.read")
def result(job_id: str):
    """The result of one analysis step: the parameters, the link or the DIF table (progress while it runs)."""
    job = result_job(job_id)
    out = job.outcome or {}
    if not job.is_finished or not out.get("ok"):
        return redirect(url_for("jobs.show", job_id=job.id))
    return render_template("analysis/step_result.html", job=job, out=out)


@bp.get("/results/<job_id>/tif.svg")
@requires("scores.read")
def result_tif(job_id: str):
    """Test information and SE of a calibration result's items."""
    from exports.data import ItemCurve
    from exports.plots import information_figure
    from web.analysis.views import _svg

    out = result_job(job_id).outcome or {}
    curves = [ItemCurve(it["item_code"], it["a"], it["b"], it["c"] or 0.0) for it in out.get("items", ())
              if out.get("kind") == "calibration" and it.get("a") is not None and it.get("b") is not None]
    if not curves:
        abort(404)
    response: Response = _svg(information_figure(curves))
    return response

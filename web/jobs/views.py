"""งานเบื้องหลัง (jobs) a person started: a page with a progress bar, and the same as JSON.

Every long piece of work (assembly, booklet renders, analysis, calibration, imports) runs as a job;
a page that starts one redirects to ``/jobs/<id>``, which polls ``/api/v1/jobs/<id>`` (khlang.js)
until the job ends, then links to what it made (``outcome["url"]`` when the job gives one).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, has_request_context, render_template
from flask_babel import gettext
from pydantic import BaseModel

from itembank.errors import KhlangError
from web.api import PageOut, PageQuery, api, page_of, responses
from web.auth import acting, requires
from web.store_ext import read_session

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
api_bp = Blueprint("jobs_api", __name__, url_prefix="/api/v1")


def N_(text: str) -> str:
    """Mark a Thai label for the catalogue (scripts/i18n.sh extracts N_) and keep it Thai here."""
    return text


KIND_TH = {
    "import_items": N_("นำเข้าข้อสอบ"), "calibrate": N_("ประมาณค่าพารามิเตอร์"), "render_booklet": N_("จัดทำแบบทดสอบ"),
    "assemble": N_("ประกอบฉบับข้อสอบ"), "analyse": N_("วิเคราะห์ข้อสอบ"), "school_reports": N_("รายงานโรงเรียน"),
    "render_release_booklets": N_("จัดทำแบบทดสอบของทุกโรงเรียน"), "import_answer_file": N_("นำเข้าคำตอบ"),
    "committee_report": N_("รายงาน ก.ต.ป.น."), "render_form_documents": N_("พิมพ์แบบทดสอบ เฉลย และกระดาษคำตอบ"),
    "analysis_calibrate": N_("ประมาณค่าพารามิเตอร์ของการสอบ"), "analysis_link": N_("เชื่อมโยงสเกล"), "analysis_dif": N_("วิเคราะห์ DIF"),
}
STATUS_TH = {"queued": N_("รอคิว"), "running": N_("กำลังทำ"), "done": N_("เสร็จแล้ว"), "refused": N_("ไม่ผ่าน"), "failed": N_("ขัดข้อง")}


def _label(thai: str) -> str:
    """A kind's or status's label in the page's language (Thai outside a request)."""
    return gettext(thai) if has_request_context() else thai


class JobOut(BaseModel):
    id: str
    kind: str
    kind_th: str
    status: str
    status_th: str
    kind_label: str = ""             # the kind in the page's language
    status_label: str = ""
    progress: float
    done: int | None = None
    total: int | None = None
    message: str
    outcome: dict[str, Any] | None = None
    created_by_name: str
    created_by: str = ""             # the person's display name
    problems: list[str] = []         # a refused job's problems, each saying what and where
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    finished: bool


class JobPage(PageOut):
    items: list[JobOut]


class JobListQuery(PageQuery):
    status: str | None = None


def job_out(job, names: dict[str, str] | None = None) -> JobOut:
    from web.i18n import is_english

    english = is_english()
    outcome = job.outcome or {}
    problems = outcome.get("problems_en" if english and outcome.get("problems_en") else "problems") or []
    return JobOut(created_by=(names or {}).get(job.created_by_name, job.created_by_name),
                  problems=[str(p) for p in problems][:200], id=job.id, kind=job.kind, kind_th=KIND_TH.get(job.kind, job.kind), kind_label=_label(KIND_TH.get(job.kind, job.kind)), status=job.status,
                  status_th=STATUS_TH.get(job.status, job.status), status_label=_label(STATUS_TH.get(job.status, job.status)), progress=job.progress, done=job.done,
                  total=job.total, message=(job.message_en if english and job.message_en else job.message_th),
                  outcome=job.outcome, created_by_name=job.created_by_name, created_at=job.created_at,
                  started_at=job.started_at, finished_at=job.finished_at, finished=job.is_finished)


def _names(jobs) -> dict[str, str]:
    from itembank.browse import display_names

    with read_session() as s:
        return display_names(s, [j.created_by_name for j in jobs])


def _get(job_id: str):
    from itembank.jobs import get_job

    with read_session() as s:
        try:
            return get_job(s, acting(), job_id)
        except KhlangError as e:
            if e.kind in ("not_found", "forbidden"):
                abort(404)
            raise


@bp.get("/")
@requires("job.read")
def list_jobs():
    """The newest jobs: one's own, or everyone's for an administrator."""
    from itembank.jobs import list_jobs as _list

    with read_session() as s:
        jobs = _list(s, acting(), limit=200)
    names = _names(jobs)
    return render_template("jobs/list.html", jobs=[job_out(j, names) for j in jobs])


@bp.get("/<job_id>")
@requires("job.read")
def show(job_id: str):
    """One job with a live progress bar (the page works without JavaScript too: reload)."""
    job = _get(job_id)
    return render_template("jobs/show.html", job=job_out(job, _names([job])))


@api_bp.get("/jobs")
@requires("job.read")
@api.validate(query=JobListQuery, resp=responses(JobPage), tags=["jobs"])
def api_list(query: JobListQuery):
    """งานเบื้องหลังของผู้ใช้ (ผู้ดูแลระบบเห็นทุกงาน), ใหม่สุดก่อน"""
    from itembank.jobs import list_jobs as _list

    with read_session() as s:
        jobs = _list(s, acting(), status=query.status, limit=10_000)
    shown = query.window(jobs)
    names = _names(shown)
    return JobPage(items=[job_out(j, names) for j in shown], **page_of(len(jobs), query))


@api_bp.get("/jobs/<job_id>")
@requires("job.read")
@api.validate(resp=responses(JobOut), tags=["jobs"])
def api_show(job_id: str):
    """สถานะและความก้าวหน้าของงานหนึ่งงาน"""
    job = _get(job_id)
    return job_out(job, _names([job]))

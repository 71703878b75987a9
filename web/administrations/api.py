"""REST API of administrations, downloads, uploads and results (see web.api).

The same services as the pages: a school sees only its own administrations and only after their
release (the embargo of :mod:`scoring.administrations`: before, and for another school, the same
404 as for something that does not exist). A booklet is the file rendered at release (never rendered
here); every download is recorded. An answer upload is multipart (``file``) with ``dry_run`` to get
the problems (422, each with file, row and column) or what importing would do, without storing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, Field
from spectree.model_adapter.pydantic_adapter import BaseFile

from itembank.errors import KhlangError
from scoring.errors import ScoringError
from web.administrations.views import plain_not_found
from web.api import Code, PageOut, PageQuery, Text, api, page_of, responses
from web.auth import acting, audit_download, requires
from web.i18n import is_english as _english
from web.store_ext import read_session, write_session

bp = Blueprint("administrations_api", __name__, url_prefix="/api/v1")
bp.register_error_handler(KhlangError, plain_not_found)  # a not_found answers the plain 404

TAGS = ["administrations"]


class AdminSchoolOut(BaseModel):
    """One school's completeness: downloads, the upload in force, students answered / on the roll."""

    code: str
    name: str
    n_downloads: int
    last_download_at: dt.datetime | None = None
    uploaded_at: dt.datetime | None = None
    n_uploads: int
    n_answered: int
    n_students: int
    booklets_ready: bool


class AdminOut(BaseModel):
    code: str
    title: str
    form_code: str
    grade: str
    year_be: int
    term: int
    status: Literal["awaiting_release", "open", "closed"]
    status_th: str
    release_at: dt.datetime | None = None
    key_release_at: dt.datetime | None = None
    results_release_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    variants: list[str]
    n_items: int


class AdminDetailOut(AdminOut):
    schools: list[AdminSchoolOut]


class AdminPage(PageOut):
    items: list[AdminOut]


class AdminCreate(BaseModel):
    """A new administration of a frozen form. Times: ISO 8601; without a zone they are office time."""

    code: Code = Field(max_length=64)
    title: Text = ""
    form: Code
    grade: Code | None = Field(None, max_length=8)
    year_be: int = Field(ge=2400, le=2700)
    term: int = Field(ge=1, le=3)
    schools: list[Code] | None = Field(None, max_length=5000, description="school codes; null: every school")
    release_at: dt.datetime | None = None
    key_release_at: dt.datetime | None = None
    results_release_at: dt.datetime | None = None


class AdminRelease(BaseModel):
    """Release (now, or at ``release_at``), optionally with the key and results times; ``booklets`` queues
    the schools' booklets."""

    release_at: dt.datetime | None = None
    key_release_at: dt.datetime | None = None
    results_release_at: dt.datetime | None = None
    booklets: bool = True


class AdminReleaseOut(BaseModel):
    administration: AdminOut
    job_id: str | None = None


class AdminCompletenessQuery(PageQuery):
    late: Literal["download", "upload"] | None = Field(None, description="only the schools not yet downloaded / uploaded")


class AdminCompletenessPage(PageOut):
    items: list[AdminSchoolOut]


class AdminBookletQuery(BaseModel):
    variant: str = Field("", pattern=r"^[A-Za-z]{0,8}$", description="the variant (empty: the form without variants)")


class AdminUploadForm(BaseModel):
    """multipart/form-data: the answer file (CSV or XLSX, the school's template) and ``dry_run``."""

    file: BaseFile | None = None  # required, but checked after the administration (404 first)
    dry_run: bool = False


class AdminUploadOut(BaseModel):
    administration: str
    school: str
    dry_run: bool
    status: Literal["written", "replaced", "unchanged"]
    n_students: int
    n_roll: int | None = None
    mean_percent: float | None = None
    message: str


class AdminGroupOut(BaseModel):
    label: str
    n: int
    mean: float | None = None
    sd: float | None = None
    mean_percent: float | None = None
    max_points: float
    quality_counts: dict[str, int]
    indicator_percent: dict[str, float]


class AdminResultsOut(BaseModel):
    administration: str
    title: str
    year_be: int
    term: int
    grade: str
    school: AdminGroupOut
    district: AdminGroupOut
    classes: list[AdminGroupOut]
    references: dict[str, AdminGroupOut]


def admin_out(info) -> AdminOut:
    from scoring.administrations import STATUS_TH

    status = info.status()
    th, en = STATUS_TH[status]
    return AdminOut(code=info.code, title=info.title, form_code=info.form_code, grade=info.grade, year_be=info.year_be,
                    term=info.term, status=status, status_th=en if _english() else th, release_at=info.release_at,
                    key_release_at=info.key_release_at, results_release_at=info.results_release_at,
                    closed_at=info.closed_at, variants=[v for v in info.variants if v], n_items=info.n_items)


def school_out(p) -> AdminSchoolOut:
    return AdminSchoolOut(code=p.code, name=p.name, n_downloads=p.n_downloads, last_download_at=p.last_download_at,
                          uploaded_at=p.uploaded_at, n_uploads=p.n_uploads, n_answered=p.n_answered,
                          n_students=p.n_students, booklets_ready=p.booklets_ready)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A client's time as UTC; without a zone it is the office's time."""
    if value is None:
        return None
    if value.tzinfo is None:
        from zoneinfo import ZoneInfo

        value = value.replace(tzinfo=ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Bangkok"))
    return value.astimezone(dt.UTC)


@bp.get("/administrations")
@requires("administration.read")
@api.validate(query=PageQuery, resp=responses(AdminPage), tags=TAGS)
def api_list(query: PageQuery):
    """การสอบที่ผู้ใช้เห็นได้ (โรงเรียน: ของตนเองที่เผยแพร่แล้ว) ใหม่สุดก่อน"""
    from scoring.administrations import list_administrations

    with read_session() as s:
        rows = list_administrations(s, acting())
    return AdminPage(items=[admin_out(i) for i in query.window(rows)], **page_of(len(rows), query))


@bp.post("/administrations")
@requires("administration.write")
@api.validate(json=AdminCreate, resp=responses(AdminOut, status=201), tags=TAGS)
def api_create(json: AdminCreate):
    """สร้างการสอบจากฉบับข้อสอบที่ยืนยันแล้ว"""
    from scoring.administrations import create_administration

    with write_session() as s:
        info = create_administration(s, acting(), json.code, json.title, json.form, year_be=json.year_be,
                                     term=json.term, grade=json.grade, schools=json.schools,
                                     release_at=_utc(json.release_at), key_release_at=_utc(json.key_release_at),
                                     results_release_at=_utc(json.results_release_at))
    return admin_out(info), 201


@bp.get("/administrations/<code>")
@requires("administration.read")
@api.validate(resp=responses(AdminDetailOut), tags=TAGS)
def api_show(code: str):
    """การสอบหนึ่งรายการ พร้อมความครบถ้วนรายโรงเรียน (โรงเรียน: เฉพาะแถวของตนเอง)"""
    from scoring.administrations import get_administration

    with read_session() as s:
        info = get_administration(s, acting(), code)
    return AdminDetailOut(**admin_out(info).model_dump(), schools=[school_out(p) for p in info.schools])


@bp.post("/administrations/<code>/release")
@requires("administration.release")
@api.validate(json=AdminRelease, resp=responses(AdminReleaseOut), tags=TAGS)
def api_release(code: str, json: AdminRelease):
    """เผยแพร่การสอบ (ตอนนี้ หรือตามเวลาที่ระบุ) และส่งงานจัดทำแบบทดสอบรายโรงเรียนเข้าคิว"""
    from scoring.administrations import release_administration

    with write_session() as s:
        info = release_administration(s, acting(), code, _utc(json.release_at), key_at=_utc(json.key_release_at),
                                      results_at=_utc(json.results_release_at))
    job_id = None
    if json.booklets:
        from web.jobs import get_jobs

        jobs = get_jobs(current_app)  # the form's answer sheet and keys, then each school's booklets
        jobs.enqueue("render_form_documents", actor=acting(), form_code=info.form_code)
        job_id = str(jobs.enqueue("render_release_booklets", actor=acting(), administration=info.code).id)
    return AdminReleaseOut(administration=admin_out(info), job_id=job_id)


@bp.get("/administrations/<code>/schools")
@requires("administration.read")
@api.validate(query=AdminCompletenessQuery, resp=responses(AdminCompletenessPage), tags=TAGS)
def api_completeness(code: str, query: AdminCompletenessQuery):
    """ความครบถ้วนรายโรงเรียน: ดาวน์โหลด ส่งคำตอบ นักเรียนที่มีคำตอบ (late: เฉพาะโรงเรียนที่ยังไม่ดำเนินการ)"""
    from scoring.administrations import get_administration, late_schools

    with read_session() as s:
        info = get_administration(s, acting(), code)
    rows = late_schools(info, query.late) if query.late else list(info.schools)
    return AdminCompletenessPage(items=[school_out(p) for p in query.window(rows)],
                                 **page_of(len(rows), query))


@bp.get("/administrations/<code>/schools/<school>/booklet")
@requires("administration.download")
@api.validate(query=AdminBookletQuery, resp=responses(binary=True), tags=TAGS)
def api_booklet(code: str, school: str, query: AdminBookletQuery):
    """แบบทดสอบ (PDF) ของโรงเรียนหนึ่งชุด ที่จัดทำไว้เมื่อเผยแพร่; บันทึกการดาวน์โหลด"""
    from scoring.administrations import booklet_download, participant

    variant = query.variant.upper()
    with write_session() as s:
        adm, sch = participant(s, acting(), code, school, "administration.download")
        adm_code, school_code = adm.code, sch.code
        path = booklet_download(s, acting(), adm_code, school_code, variant)
    audit_download("booklet", adm_code, school=school_code, variant=variant, via="api")
    response = Response(Path(path).read_bytes(), mimetype="application/pdf")  # a plain body: spectree reads it
    name = f"{adm_code}-{school_code}-{variant or 'form'}.pdf".replace("/", "-").replace(" ", "_")
    plain = name.encode("ascii", "replace").decode().replace("?", "_")
    response.headers["Content-Disposition"] = f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"
    return response


@bp.post("/administrations/<code>/schools/<school>/answers")
@requires("answers.upload")
@api.validate(form=AdminUploadForm, resp=responses(AdminUploadOut), tags=TAGS)
def api_upload(code: str, school: str, form: AdminUploadForm = None):  # type: ignore[assignment]  # None: not multipart
    """ส่งคำตอบของโรงเรียน (multipart: file, dry_run): dry_run ตรวจอย่างเดียว; ปัญหารายแถวตอบ 422"""
    from scoring.administrations import participant
    from scoring.uploads import check_answers, import_answers

    with read_session() as s:
        adm, sch = participant(s, acting(), code, school, "answers.upload")
        adm_code, school_code = adm.code, sch.code
    storage = request.files.get("file")
    name = Path((getattr(storage, "filename", None) or "").replace("\\", "/")).name[:200]
    suffix = Path(name).suffix.lower()
    if storage is None or suffix not in (".csv", ".xlsx"):
        raise ScoringError("upload.file", message_th="ต้องส่งไฟล์คำตอบ .csv หรือ .xlsx ในช่อง file (multipart/form-data)",
                           message_en="send the answer file (.csv or .xlsx) as the multipart field file")
    dry_run = form.dry_run if form is not None else request.form.get("dry_run", "").lower() in ("1", "true", "yes")
    lang = "en" if _english() else "th"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        storage.save(path)
        if dry_run:
            with read_session() as s:
                c = check_answers(s, acting(), adm_code, school_code, path, display_name=name)
            return AdminUploadOut(administration=adm_code, school=school_code, dry_run=True, status=c.status,
                                  n_students=c.n_students, n_roll=c.n_roll, mean_percent=c.mean_percent,
                                  message=c.message(lang))
        with write_session() as s:
            done = import_answers(s, acting(), adm_code, school_code, path, display_name=name)
    return AdminUploadOut(administration=adm_code, school=school_code, dry_run=False, status=done.status,
                          n_students=done.n_students, mean_percent=done.mean_percent, message=done.message(lang))


def _group(g) -> AdminGroupOut:
    return AdminGroupOut(label=g.label, n=g.n, mean=g.mean, sd=g.sd, mean_percent=g.mean_percent,
                         max_points=g.max_points, quality_counts=dict(g.quality_counts),
                         indicator_percent=dict(g.indicator_percent))


@bp.get("/administrations/<code>/schools/<school>/results")
@requires("scores.read")
@api.validate(resp=responses(AdminResultsOut), tags=TAGS)
def api_results(code: str, school: str):
    """ผลการสอบของโรงเรียนเทียบกับเขตพื้นที่ และรายห้องเรียน (หลังเวลาเผยแพร่ผลสอบ)"""
    from scoring.administrations import participant
    from scoring.warehouse import school_results

    with read_session() as s:
        adm, sch = participant(s, acting(), code, school, "scores.read", "results")
        r = school_results(s, acting(), adm.code, sch.id)
    return AdminResultsOut(administration=r.administration, title=r.title, year_be=r.year_be, term=r.term,
                           grade=r.grade, school=_group(r.school), district=_group(r.district),
                           classes=[_group(c) for c in r.classes],
                           references={k: _group(v) for k, v in r.references.items()})

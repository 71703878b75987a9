"""การสอบ (administrations): a frozen form given to a grade in a term, and the release embargo.

Release is decided by the time, never by a flag: a school sees an administration (its booklets and
answer sheets) only from ``release_at``, its key from ``key_release_at`` and its results from
``results_release_at``; before that every service answers a school ``not_found``, as if it did not
exist. Officers see everything. The embargo lives here, so every channel (CLI, pages, API, exports,
jobs) obeys it by calling these functions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.models import utcnow
from itembank.schools import School
from scoring.errors import ScoringError
from scoring.models import (
    AcademicYear,
    Administration,
    AdministrationSchool,
    AnswerUpload,
    Download,
    Enrolment,
    ResponseSet,
    SchoolClass,
    Term,
)
from testgen.forms import form_variants, get_form
from testgen.models import Form

DOCUMENTS = ("booklet", "answer_sheet", "key")


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as UTC-aware (SQLite hands back naive times)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def not_found(code: str) -> ScoringError:
    return ScoringError("administration.not_found", kind="not_found", administration=code,
                        message_th=f"ไม่พบการสอบ {code}", message_en=f"no administration {code}")


def is_released(adm: Administration, what: str = "content", now: dt.datetime | None = None) -> bool:
    """True once the time of `what` (content | key | results) has come."""
    at = {"content": adm.release_at, "key": adm.key_release_at, "results": adm.results_release_at}[what]
    return at is not None and aware(at) <= (now or utcnow())


def participates(session: Session, adm: Administration, school_id: int | None) -> bool:
    return school_id is not None and session.get(AdministrationSchool, (adm.id, school_id)) is not None


def load(session: Session, actor: Actor, ref: str | int, action: str = "administration.read",
         what: str = "content") -> Administration:
    """The administration `ref` (code or id) if `actor` may do `action` on it now; else not_found/forbidden.

    A school actor sees only administrations its school takes part in, and only once `what`
    (content | key | results) is released: before that it is not_found, as if it did not exist.
    """
    if isinstance(ref, int):
        adm = session.get(Administration, ref)
    elif "\x00" in str(ref) or len(str(ref)) > 64:  # no such code (and a NUL would break PostgreSQL)
        adm = None
    else:
        adm = session.scalar(select(Administration).where(Administration.code == str(ref).strip()))
    if adm is None:
        raise not_found(str(ref))
    authorize(actor, None, action)
    if actor.role == "school" and not (participates(session, adm, actor.school_id) and is_released(adm, what)):
        raise not_found(str(ref))
    return adm


# ------------------------------------------------------------------------------------------ years, terms


def ensure_term(session: Session, actor: Actor, year_be: int, number: int, *, commit: bool = True) -> Term:
    """The term `number` of academic year `year_be` (พ.ศ.), created with its year when missing."""
    authorize(actor, None, "year.write")
    if not 2400 <= int(year_be) <= 2700:
        raise ScoringError("year.invalid", message_th=f"ปีการศึกษา {year_be} ต้องเป็นปี พ.ศ. (เช่น 2568)",
                           message_en=f"academic year {year_be} must be a Buddhist-era year (e.g. 2568)")
    if number not in (1, 2, 3):
        raise ScoringError("term.invalid", message_th=f"ภาคเรียน {number} ต้องเป็น 1 หรือ 2",
                           message_en=f"term {number} must be 1 or 2")
    year = ensure_year(session, year_be)
    term = session.scalar(select(Term).where(Term.academic_year_id == year.id, Term.number == number))
    if term is None:
        term = Term(academic_year_id=year.id, number=number)
        session.add(term)
        session.flush()
    if commit:
        session.commit()
    return term


def ensure_year(session: Session, year_be: int) -> AcademicYear:
    year = session.scalar(select(AcademicYear).where(AcademicYear.year_be == int(year_be)))
    if year is None:
        year = AcademicYear(year_be=int(year_be))
        session.add(year)
        session.flush()
    return year


# ---------------------------------------------------------------------------------------- what is shown


@dataclass(frozen=True)
class SchoolProgress:
    """Completeness of one school: downloads, the upload in force, students on roll and with answers."""

    code: str
    name: str
    n_downloads: int
    last_download_at: dt.datetime | None
    uploaded_at: dt.datetime | None
    n_uploads: int
    n_answered: int
    n_students: int
    booklets_ready: bool = False  # the release job rendered this school's copies


@dataclass(frozen=True)
class AdministrationInfo:
    id: int
    code: str
    title: str
    form_code: str
    grade: str
    year_be: int
    term: int
    release_at: dt.datetime | None
    key_release_at: dt.datetime | None
    results_release_at: dt.datetime | None
    closed_at: dt.datetime | None
    variants: tuple[str, ...]
    n_items: int
    settings: dict[str, Any] = field(default_factory=dict)
    schools: tuple[SchoolProgress, ...] = ()

    def status(self, now: dt.datetime | None = None) -> str:
        """closed | awaiting_release | open"""
        now = now or utcnow()
        if self.closed_at is not None:
            return "closed"
        if self.release_at is None or aware(self.release_at) > now:
            return "awaiting_release"
        return "open"


STATUS_TH = {"closed": ("ปิดรับคำตอบแล้ว", "closed"), "awaiting_release": ("รอเผยแพร่", "awaiting release"),
             "open": ("เผยแพร่แล้ว รับคำตอบ", "open for answers")}


def variant_labels(session: Session, form: Form) -> tuple[str, ...]:
    """The form's variant labels; ("",) when it has none (the form's own order)."""
    return tuple(v.label for v in form_variants(session, form)) or ("",)


def _info(session: Session, adm: Administration, school_ids: Sequence[int] | None = None,
          progress: bool = False) -> AdministrationInfo:
    form = session.get(Form, adm.form_id)
    term = session.get(Term, adm.term_id)
    year = session.get(AcademicYear, term.academic_year_id)
    schools: tuple[SchoolProgress, ...] = ()
    if progress:
        schools = tuple(_progress(session, adm, year.id, school_ids))
    return AdministrationInfo(
        adm.id, adm.code, adm.title, form.code, adm.grade, year.year_be, term.number, aware(adm.release_at),
        aware(adm.key_release_at), aware(adm.results_release_at), aware(adm.closed_at),
        variant_labels(session, form), form.n_items, dict(adm.settings or {}), schools)


def _progress(session: Session, adm: Administration, year_id: int,
              school_ids: Sequence[int] | None) -> list[SchoolProgress]:
    q = select(School).join(AdministrationSchool, AdministrationSchool.school_id == School.id).where(
        AdministrationSchool.administration_id == adm.id)
    if school_ids is not None:
        q = q.where(School.id.in_(list(school_ids)))
    schools = list(session.scalars(q.order_by(School.code)))
    ids = [s.id for s in schools]
    ready = set(session.scalars(select(AdministrationSchool.school_id).where(
        AdministrationSchool.administration_id == adm.id, AdministrationSchool.booklets_rendered_at.is_not(None))))
    downloads = {sid: (n, at) for sid, n, at in session.execute(
        select(Download.school_id, func.count(), func.max(Download.downloaded_at))
        .where(Download.administration_id == adm.id, Download.school_id.in_(ids)).group_by(Download.school_id))}
    uploads: dict[int, list] = defaultdict(list)
    for sid, at, current in session.execute(select(AnswerUpload.school_id, AnswerUpload.uploaded_at,
                                                   AnswerUpload.is_current)
                                            .where(AnswerUpload.administration_id == adm.id,
                                                   AnswerUpload.school_id.in_(ids))):
        uploads[sid].append((at, current))
    answered = dict(session.execute(
        select(ResponseSet.school_id, func.count()).where(ResponseSet.administration_id == adm.id,
                                                          ResponseSet.school_id.in_(ids))
        .group_by(ResponseSet.school_id)).all())
    on_roll = dict(session.execute(
        select(SchoolClass.school_id, func.count()).join(Enrolment, Enrolment.class_id == SchoolClass.id)
        .where(SchoolClass.academic_year_id == year_id, SchoolClass.grade == adm.grade,
               SchoolClass.school_id.in_(ids)).group_by(SchoolClass.school_id)).all())
    out = []
    for s in schools:
        n_dl, last = downloads.get(s.id, (0, None))
        current = [at for at, cur in uploads.get(s.id, []) if cur]
        out.append(SchoolProgress(s.code, s.name_th, int(n_dl), aware(last), aware(max(current)) if current else None,
                                  len(uploads.get(s.id, [])), int(answered.get(s.id, 0)), int(on_roll.get(s.id, 0)),
                                  s.id in ready))
    return out


# -------------------------------------------------------------------------------------------- use cases


def create_administration(session: Session, actor: Actor, code: str, title: str, form_code: str, *,
                          year_be: int, term: int, grade: str | None = None,
                          schools: Sequence[str] | None = None, release_at: dt.datetime | None = None,
                          key_release_at: dt.datetime | None = None,
                          results_release_at: dt.datetime | None = None,
                          settings: dict[str, Any] | None = None) -> AdministrationInfo:
    """A new administration of a frozen form; `schools` by 10-digit code (None: every school)."""
    authorize(actor, None, "administration.write")
    code = code.strip()
    if not code:
        raise ScoringError("administration.code", message_th="ต้องระบุรหัสการสอบ", message_en="code is required")
    if session.scalar(select(Administration.id).where(Administration.code == code)) is not None:
        raise ScoringError("administration.exists", kind="conflict", message_th=f"มีการสอบรหัส {code} อยู่แล้ว",
                           message_en=f"administration {code} already exists")
    form = get_form(session, actor, form_code)
    grade = grade or form.grade
    if not grade:
        raise ScoringError("administration.grade", message_th="ต้องระบุระดับชั้น (เช่น ป.6)",
                           message_en="the grade is required (e.g. ป.6)")
    school_rows = _schools(session, schools)
    t = ensure_term(session, actor, year_be, term, commit=False)
    adm = Administration(code=code, title=title or form.title, form_id=form.id, grade=grade, term_id=t.id,
                         release_at=release_at, key_release_at=key_release_at,
                         results_release_at=results_release_at, settings=dict(settings or {}),
                         created_by_name=actor.username)
    session.add(adm)
    session.flush()
    session.add_all([AdministrationSchool(administration_id=adm.id, school_id=s.id) for s in school_rows])
    from scoring.warehouse import ensure_district_row

    ensure_district_row(session, adm)
    session.commit()
    return _info(session, adm)


def _schools(session: Session, codes: Sequence[str] | None) -> list[School]:
    if codes is None:
        return list(session.scalars(select(School).order_by(School.code)))
    wanted = [c.strip() for c in codes if c.strip()]
    found = {s.code: s for s in session.scalars(select(School).where(School.code.in_(wanted)))}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ScoringError("school.not_found", kind="not_found", message_th=f"ไม่พบโรงเรียนรหัส {', '.join(missing)}",
                           message_en=f"no school {', '.join(missing)}")
    return [found[c] for c in wanted]


def list_administrations(session: Session, actor: Actor) -> list[AdministrationInfo]:
    """Every administration the actor may see now (a school: its own, once released)."""
    authorize(actor, None, "administration.read")
    q = select(Administration).order_by(Administration.created_at.desc(), Administration.code)
    if actor.role == "school":
        q = q.join(AdministrationSchool, AdministrationSchool.administration_id == Administration.id).where(
            AdministrationSchool.school_id == actor.school_id)
    rows = [a for a in session.scalars(q) if actor.role != "school" or is_released(a)]
    return [_info(session, a) for a in rows]


def get_administration(session: Session, actor: Actor, code: str) -> AdministrationInfo:
    """One administration with every school's completeness (a school sees its own row only)."""
    adm = load(session, actor, code)
    only = [actor.school_id] if actor.role == "school" else None
    return _info(session, adm, only, progress=True)


def close_administration(session: Session, actor: Actor, code: str) -> AdministrationInfo:
    """Close an administration to uploads (ปิดรับคำตอบ); the scores are recomputed once more, so the stored
    district percentile ranks are final."""
    adm = load(session, actor, code, "administration.write")
    if adm.closed_at is None:
        from scoring.rescoring import recompute_scores

        adm.closed_at = utcnow()
        session.add(adm)
        session.flush()
        recompute_scores(session, actor, adm.code)
    return _info(session, adm)


def release_administration(session: Session, actor: Actor, code: str, at: dt.datetime | None = None, *,
                           key_at: dt.datetime | None = None,
                           results_at: dt.datetime | None = None) -> AdministrationInfo:
    """Set the release time (now by default); schools see the booklets from that time on."""
    adm = load(session, actor, code, "administration.release")
    if adm.closed_at is not None:
        raise ScoringError("administration.closed", kind="conflict",
                           message_th=f"การสอบ {adm.code} ปิดแล้ว", message_en=f"administration {adm.code} is closed")
    adm.release_at = at or utcnow()
    if key_at is not None:
        adm.key_release_at = key_at
    if results_at is not None:
        adm.results_release_at = results_at
    session.add(adm)
    session.commit()
    return _info(session, adm)


def record_download(session: Session, actor: Actor, code: str, school_code: str, document: str,
                    variant: str = "") -> Download:
    """Record that `actor` downloaded `document` (booklet | answer_sheet | key) for a school; embargo applies."""
    if document not in DOCUMENTS:
        raise ScoringError("download.document", message_th=f"ไม่รู้จักเอกสาร {document}",
                           message_en=f"unknown document {document}")
    adm = load(session, actor, code, "administration.download", "key" if document == "key" else "content")
    school = session.scalar(select(School).where(School.code == school_code.strip()))
    if school is None or not participates(session, adm, school.id):
        raise ScoringError("administration.school", kind="not_found",
                           message_th=f"โรงเรียน {school_code} ไม่ได้เข้าร่วมการสอบ {adm.code}",
                           message_en=f"school {school_code} does not take part in {adm.code}")
    authorize(actor, school, "administration.download")
    row = Download(administration_id=adm.id, school_id=school.id, document=document, variant=variant,
                   user_id=actor.user_id, user_name=actor.username)
    session.add(row)
    session.commit()
    return row


def parse_time(text: str, tz: str = "Asia/Bangkok") -> dt.datetime:
    """A time as people type it, in the office's zone: ``2026-12-08 09:00``, ``2569-12-08 09:00`` (พ.ศ.),
    ``8/12/2569 09:00``, ``now``; returned as UTC."""
    from zoneinfo import ZoneInfo

    t = text.strip()
    if t.lower() in ("now", "ตอนนี้", "เดี๋ยวนี้"):
        return utcnow()
    t = t.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")).replace("น.", "").strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2})[:.](\d{2}))?", t)
    if m:
        d, mo, y, h, mi = m.groups()
        t = f"{y}-{int(mo):02d}-{int(d):02d}" + (f" {int(h):02d}:{mi}" if h else "")
    m = re.fullmatch(r"(\d{4})(-\d{2}-\d{2}.*)", t)
    try:
        if not m:
            raise ValueError(t)
        year = int(m.group(1))
        value = dt.datetime.fromisoformat(f"{year - 543 if year > 2400 else year}{m.group(2)}")
    except ValueError:
        raise ScoringError("time.invalid", message_th=f"อ่านเวลา {text!r} ไม่ได้ (เช่น 2569-12-08 09:00 หรือ 8/12/2569 09:00)",
                           message_en=f"cannot read the time {text!r} (e.g. 2026-12-08 09:00)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(dt.UTC)


# ------------------------------------------------------------------------------------ booklets at release


@dataclass(frozen=True)
class BookletPlan:
    """What the release job renders: each variant once, stamped for every school still without its copies."""

    administration: str
    title: str
    form_code: str
    year_be: int
    variants: tuple[str, ...]
    schools: tuple[tuple[str, str], ...]  # (10-digit code, name without "โรงเรียน")


def booklet_plan(session: Session, actor: Actor, code: str, *, again: bool = False) -> BookletPlan:
    """The schools whose booklets are still to be rendered (every participating school with `again`)."""
    adm = load(session, actor, code, "administration.release")
    info = _info(session, adm)
    q = (select(School.code, School.name_th).join(AdministrationSchool, AdministrationSchool.school_id == School.id)
         .where(AdministrationSchool.administration_id == adm.id).order_by(School.code))
    if not again:
        q = q.where(AdministrationSchool.booklets_rendered_at.is_(None))
    schools = tuple((c, n.removeprefix("โรงเรียน")) for c, n in session.execute(q).all())
    return BookletPlan(adm.code, adm.title, info.form_code, info.year_be, info.variants, schools)


def record_booklets(session: Session, actor: Actor, code: str, rendered: dict[str, dict[str, dict]]) -> int:
    """Record the rendered copies: {school code: {variant: {"path": …, "sha256": …}}}; returns the school count."""
    adm = load(session, actor, code, "administration.release")
    ids = dict(session.execute(select(School.code, School.id).where(School.code.in_(list(rendered)))).all())
    now = utcnow()
    for school_code, files in rendered.items():
        row = session.get(AdministrationSchool, (adm.id, ids.get(school_code)))
        if row is not None:
            row.booklets, row.booklets_rendered_at = dict(files), now
            session.add(row)
    session.commit()
    return len(rendered)


def booklet_download(session: Session, actor: Actor, code: str, school_code: str, variant: str) -> str:
    """The stored booklet of a school and variant (after release only, for a school its own), the download
    recorded (who, school, variant, when); the path of the rendered PDF."""
    adm, school, row = _participation(session, actor, code, school_code)
    entry = (row.booklets or {}).get(variant)
    if entry is None:
        raise ScoringError("booklet.not_rendered", kind="not_found",
                           message_th=f"ยังไม่มีแบบทดสอบชุด {variant or '-'} ของโรงเรียน {school.code} "
                                      "(ระบบพิมพ์ให้เมื่อเผยแพร่ กรุณารอสักครู่)",
                           message_en=f"booklet {variant or '-'} of school {school.code} is not rendered yet")
    session.add(Download(administration_id=adm.id, school_id=school.id, document="booklet", variant=variant,
                         user_id=actor.user_id, user_name=actor.username))
    session.commit()
    return str(entry["path"])


# ------------------------------------------------------------------------------ pages: choices, schedule


@dataclass(frozen=True)
class Choices:
    """What a new administration may be made of: the frozen forms and the schools."""

    forms: tuple[tuple[str, str, str | None, int], ...]  # code, title, grade, n_items
    schools: tuple[tuple[str, str], ...]  # code, name


def administration_choices(session: Session, actor: Actor) -> Choices:
    """The frozen forms (newest first) and every school, for the page that creates an administration."""
    authorize(actor, None, "administration.write")
    forms = tuple((f.code, f.title, f.grade, f.n_items)
                  for f in session.scalars(select(Form).order_by(Form.frozen_at.desc(), Form.code)))
    schools = tuple((s.code, s.name_th) for s in session.scalars(select(School).order_by(School.code)))
    return Choices(forms, schools)


def schedule_administration(session: Session, actor: Actor, code: str, *, release_at: dt.datetime | None,
                            key_release_at: dt.datetime | None,
                            results_release_at: dt.datetime | None) -> AdministrationInfo:
    """Set the three times at once (None: not scheduled). The key and the results come at or after the release."""
    adm = load(session, actor, code, "administration.release")
    if adm.closed_at is not None:
        raise ScoringError("administration.closed", kind="conflict",
                           message_th=f"การสอบ {adm.code} ปิดแล้ว", message_en=f"administration {adm.code} is closed")
    for at, th, en in ((key_release_at, "เวลาเผยแพร่เฉลย", "the key release"),
                       (results_release_at, "เวลาเผยแพร่ผลสอบ", "the results release")):
        if at is not None and (release_at is None or aware(at) < aware(release_at)):
            raise ScoringError("administration.schedule", where=None,
                               message_th=f"{th} ต้องไม่ก่อนเวลาเผยแพร่แบบทดสอบ (และต้องกำหนดเวลาเผยแพร่ก่อน)",
                               message_en=f"{en} cannot come before the release (set the release time first)")
    adm.release_at, adm.key_release_at, adm.results_release_at = release_at, key_release_at, results_release_at
    session.add(adm)
    session.commit()
    return _info(session, adm)


LATE = {"download": ("ยังไม่ดาวน์โหลดแบบทดสอบ", "not downloaded yet"),
        "upload": ("ยังไม่ส่งคำตอบ", "no answers uploaded yet")}


def late_schools(info: AdministrationInfo, what: str) -> list[SchoolProgress]:
    """The schools of `info` (read with progress) that have not downloaded (`download`) or uploaded (`upload`)."""
    if what not in LATE:
        raise ScoringError("late.what", message_th=f"ไม่รู้จัก {what!r} (ใช้ download หรือ upload)",
                           message_en=f"unknown {what!r} (download or upload)")
    if what == "download":
        return [p for p in info.schools if p.n_downloads == 0]
    return [p for p in info.schools if p.uploaded_at is None]


def late_table(info: AdministrationInfo, what: str, when=lambda t: "" if t is None else t.isoformat()):
    """The late schools as a table to export (CSV/XLSX) and send reminders from; `when` writes a time."""
    from psychometrics.tables import Table

    rows = [(p.code, p.name, p.n_downloads, when(p.last_download_at), when(p.uploaded_at), p.n_answered,
             p.n_students) for p in late_schools(info, what)]
    return Table(LATE[what][0], ("รหัสโรงเรียน", "โรงเรียน", "ดาวน์โหลด (ครั้ง)", "ดาวน์โหลดล่าสุด", "ส่งคำตอบเมื่อ",
                                 "นักเรียนที่ส่งคำตอบ", "นักเรียนในรายชื่อ"), rows,
                 (f"การสอบ {info.code} {info.title}: โรงเรียนที่{LATE[what][0]} {len(rows)} โรง",))


def school_copies(session: Session, actor: Actor, code: str, school_code: str) -> dict[str, str]:
    """The rendered booklets of one school: {variant: sha256}; embargo and ownership as :func:`load`."""
    _, _, row = _participation(session, actor, code, school_code)
    return {v: str(e.get("sha256", "")) for v, e in sorted((row.booklets or {}).items())}


def _participation(session: Session, actor: Actor, code: str,
                   school_code: str) -> tuple[Administration, School, AdministrationSchool]:
    """The administration, one of its schools and that school's row (its rendered booklets), for a download."""
    adm, school = participant(session, actor, code, school_code, "administration.download")
    authorize(actor, school, "administration.download")
    return adm, school, session.get(AdministrationSchool, (adm.id, school.id))


def participant(session: Session, actor: Actor, code: str, school_code: str, action: str = "administration.read",
                what: str = "content") -> tuple[Administration, School]:
    """The administration and one of its schools, as `actor` may see them now. A school that does not
    exist, does not take part, or (for a school account) is another school: the same not_found."""
    adm = load(session, actor, code, action, what)
    text = (school_code or "").strip()
    school = (session.scalar(select(School).where(School.code == text))
              if text and "\x00" not in text and len(text) <= 10 else None)
    if school is None or not participates(session, adm, school.id) or (
            actor.role == "school" and school.id != actor.school_id):
        raise ScoringError("administration.school", kind="not_found",
                           message_th=f"โรงเรียน {text} ไม่ได้เข้าร่วมการสอบ {adm.code}",
                           message_en=f"school {text} does not take part in {adm.code}")
    return adm, school

"""บันทึกการนิเทศ: visits rated on a form, their recommendations, follow-up visits that close them.

A recommendation (ข้อเสนอแนะ) moves open → in_progress → done → verified. The school reports progress
(in_progress, done); the supervisor verifies, or a follow-up visit closes it (verified, with the
visit that saw it done). A follow-up closes only recommendations of its own school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.curriculum.codes import IndicatorCode
from itembank.errors import ItemBankError
from itembank.models import utcnow
from itembank.schools import School
from supervision.errors import SupervisionError
from supervision.forms import load_form, rate
from supervision.models import Recommendation, Visit
from supervision.plans import check_assigned
from supervision.standards import qa_codes

STATUS_TH = {"open": "ยังไม่ดำเนินการ", "in_progress": "กำลังดำเนินการ", "done": "ดำเนินการแล้ว",
             "verified": "ตรวจสอบแล้ว"}
#: Who may move a recommendation where: the school reports progress, the supervisor verifies.
TRANSITIONS = {"open": {"in_progress", "done"}, "in_progress": {"open", "done"}, "done": {"in_progress", "verified"},
               "verified": set()}


@dataclass(frozen=True)
class RecommendationDraft:
    text: str
    due_on: dt.date | None = None


@dataclass(frozen=True)
class VisitDraft:
    """What a supervisor records for one visit (ตอนที่ 1–3 of the form, and what it links to)."""

    school_code: str
    academic_year: int  # พ.ศ.
    form_code: str
    visited_on: dt.date
    ratings: dict[str, object]
    term: int = 1
    visit_no: int = 1
    period: str = ""
    teacher_name: str = ""
    teacher_position: str = ""
    learning_area: str = ""
    subject: str = ""
    grade: str = ""
    topic: str = ""
    supervisor_name: str = ""
    supervisor_position: str = ""
    narrative: dict[str, str] = field(default_factory=dict)
    suggestions: str = ""
    indicator_codes: Sequence[str] = ()
    qa_codes: Sequence[str] = ()
    recommendations: Sequence[RecommendationDraft] = ()
    follow_up_of: int | None = None
    closes: Sequence[int] = ()  # recommendation ids this follow-up saw done


@dataclass(frozen=True)
class RecommendationPublic:
    id: int
    visit_id: int
    school_id: int
    text: str
    due_on: dt.date | None
    status: str
    closed_by_visit_id: int | None

    @property
    def status_th(self) -> str:
        return STATUS_TH[self.status]

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in ("open", "in_progress") and self.due_on is not None and self.due_on < today

    @classmethod
    def of(cls, r: Recommendation) -> RecommendationPublic:
        assert r.id is not None
        return cls(r.id, r.visit_id, r.school_id, r.text, r.due_on, r.status, r.closed_by_visit_id)


@dataclass(frozen=True)
class VisitPublic:
    id: int
    school_id: int
    school_code: str
    school: str
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
    recommendations: tuple[RecommendationPublic, ...] = ()
    closed: tuple[int, ...] = ()


def _school(session: Session, code: str) -> School:
    school = session.scalar(select(School).where(School.code == str(code).strip()))
    if school is None:
        raise SupervisionError("school.not_found", kind="not_found", school=code,
                               message_th=f"ไม่พบโรงเรียนรหัส {code}", message_en=f"no school {code}")
    return school


def _check_links(draft: VisitDraft) -> list[SupervisionError]:
    problems = []
    for code in draft.indicator_codes:
        try:
            IndicatorCode.parse(code)
        except ItemBankError as e:
            problems.append(SupervisionError("visit.bad_indicator", message_th=e.text("th"), message_en=e.text("en")))
    known = qa_codes()
    for code in draft.qa_codes:
        if code not in known:
            problems.append(SupervisionError("visit.unknown_qa_code", qa=code,
                                             message_th=f"ไม่มีประเด็นพิจารณา {code} ในมาตรฐานการศึกษาขั้นพื้นฐาน พ.ศ. 2561",
                                             message_en=f"no QA standard or sub-item {code}"))
    for rec in draft.recommendations:
        if not rec.text.strip():
            problems.append(SupervisionError("visit.empty_recommendation", message_th="ข้อเสนอแนะต้องมีข้อความ",
                                             message_en="a recommendation needs a text"))
        if rec.due_on is not None and rec.due_on < draft.visited_on:
            problems.append(SupervisionError("visit.due_before_visit",
                                             message_th=f"ข้อเสนอแนะ “{rec.text[:40]}”: กำหนดเสร็จก่อนวันนิเทศ",
                                             message_en=f"recommendation {rec.text[:40]!r}: due before the visit"))
    if not 2400 <= draft.academic_year <= 2700:
        problems.append(SupervisionError("visit.bad_year", message_th=f"ปีการศึกษา {draft.academic_year} ต้องเป็น พ.ศ. เช่น 2569",
                                         message_en=f"academic year {draft.academic_year} must be Buddhist era, e.g. 2569"))
    if draft.term not in (1, 2):
        problems.append(SupervisionError("visit.bad_term", message_th="ภาคเรียนต้องเป็น 1 หรือ 2",
                                         message_en="the term must be 1 or 2"))
    return problems


def _closing(session: Session, draft: VisitDraft, school: School) -> list[Recommendation]:
    if draft.follow_up_of is not None:
        earlier = session.get(Visit, draft.follow_up_of)
        if earlier is None:
            raise SupervisionError("visit.not_found", kind="not_found", message_th=f"ไม่พบการนิเทศครั้งที่อ้าง (รหัส {draft.follow_up_of})",
                                   message_en=f"no visit {draft.follow_up_of}")
        if earlier.school_id != school.id:
            raise SupervisionError("visit.follow_up_other_school", kind="conflict",
                                   message_th=f"การนิเทศรหัส {earlier.id} เป็นของโรงเรียนอื่น ติดตามผลที่{school.name_th}ไม่ได้",
                                   message_en=f"visit {earlier.id} belongs to another school")
    recs = []
    for rid in draft.closes:
        rec = session.get(Recommendation, rid)
        if rec is None:
            raise SupervisionError("recommendation.not_found", kind="not_found",
                                   message_th=f"ไม่พบข้อเสนอแนะรหัส {rid}", message_en=f"no recommendation {rid}")
        if rec.school_id != school.id:
            raise SupervisionError("recommendation.other_school", kind="conflict",
                                   message_th=f"ข้อเสนอแนะรหัส {rid} เป็นของโรงเรียนอื่น: การติดตามผลที่{school.name_th}"
                                   "ปิดข้อเสนอแนะของโรงเรียนอื่นไม่ได้",
                                   message_en=f"recommendation {rid} belongs to another school: a follow-up at "
                                   f"{school.code} cannot close it")
        if rec.status == "verified":
            raise SupervisionError("recommendation.closed", kind="conflict",
                                   message_th=f"ข้อเสนอแนะรหัส {rid} ปิดแล้ว", message_en=f"recommendation {rid} is closed")
        recs.append(rec)
    return recs


def record_visit(session: Session, actor: Actor, draft: VisitDraft) -> VisitPublic:
    """Record a visit with its ratings, links and recommendations; a follow-up closes the ones it saw done."""
    authorize(actor, None, "visit.write")
    school = _school(session, draft.school_code)
    authorize(actor, school, "visit.write")
    check_assigned(session, actor, school, draft.academic_year)
    form = load_form(session, draft.form_code)
    problems = _check_links(draft)
    try:
        rated = rate(form, {str(k): v for k, v in draft.ratings.items()})
    except SupervisionError as e:
        problems = [*e.problems, *problems]
    if problems:
        raise SupervisionError("visit.invalid", problems=problems)
    closing = _closing(session, draft, school)
    visit = Visit(
        school_id=school.id, academic_year=draft.academic_year, term=draft.term, form_code=form.code, kind=form.kind,
        visit_no=draft.visit_no, visited_on=draft.visited_on, period=draft.period, teacher_name=draft.teacher_name,
        teacher_position=draft.teacher_position, learning_area=draft.learning_area, subject=draft.subject,
        grade=draft.grade, topic=draft.topic, supervisor_id=actor.user_id,
        supervisor_name=draft.supervisor_name or actor.username, supervisor_position=draft.supervisor_position,
        ratings=rated.scores, domain_means=rated.domain_means, overall_mean=rated.overall_mean,
        narrative={k: v for k, v in draft.narrative.items() if v}, suggestions=draft.suggestions,
        indicator_codes=[str(IndicatorCode.parse(c)) for c in draft.indicator_codes], qa_codes=list(draft.qa_codes),
        follow_up_of=draft.follow_up_of,
    )
    session.add(visit)
    session.flush()
    recs = [Recommendation(visit_id=visit.id, school_id=school.id, text=r.text.strip(), due_on=r.due_on,
                           updated_by_name=actor.username) for r in draft.recommendations]
    session.add_all(recs)
    for rec in closing:
        rec.status, rec.closed_by_visit_id = "verified", visit.id
        rec.updated_by_name, rec.updated_at = actor.username, utcnow()
        rec.note = (rec.note + "\n" if rec.note else "") + f"ปิดโดยการติดตามผล {draft.visited_on.isoformat()}"
    session.flush()
    out = _public(visit, school, form.interpret(visit.overall_mean), recs, tuple(r.id for r in closing))
    session.commit()
    return out


def _public(v: Visit, school: School, interpretation: str, recs: Sequence[Recommendation],
            closed: tuple[int, ...] = ()) -> VisitPublic:
    assert v.id is not None and school.id is not None
    return VisitPublic(v.id, school.id, school.code, school.name_th, v.academic_year, v.term, v.form_code, v.kind,
                       v.visit_no, v.visited_on, v.teacher_name, v.supervisor_name, dict(v.domain_means), v.overall_mean,
                       interpretation, v.follow_up_of, v.acknowledged_at is not None,
                       tuple(RecommendationPublic.of(r) for r in recs), closed)


def get_visit(session: Session, actor: Actor, visit_id: int) -> Visit:
    """The visit, if the actor may read it (a school only its own), or SupervisionError not_found."""
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise SupervisionError("visit.not_found", kind="not_found", message_th=f"ไม่พบบันทึกการนิเทศรหัส {visit_id}",
                               message_en=f"no visit {visit_id}")
    authorize(actor, visit, "visit.read")
    if actor.role == "supervisor" and visit.supervisor_id != actor.user_id:
        check_assigned(session, actor, session.get(School, visit.school_id), visit.academic_year)
    return visit


def list_visits(session: Session, actor: Actor, *, academic_year: int | None = None,
                school_code: str | None = None) -> list[VisitPublic]:
    """Visits by date: a school sees its own, a supervisor those of their assigned schools, the district all."""
    authorize(actor, None, "visit.read")
    q = select(Visit, School).join(School, School.id == Visit.school_id).order_by(Visit.visited_on, Visit.id)
    if academic_year is not None:
        q = q.where(Visit.academic_year == academic_year)
    if school_code is not None:
        q = q.where(School.code == school_code)
    if actor.role == "school":
        q = q.where(Visit.school_id == actor.school_id)
    rows = session.execute(q).all()
    if actor.role == "supervisor":
        from supervision.plans import assigned_school_ids

        years = {v.academic_year for v, _ in rows}
        mine = set().union(*(assigned_school_ids(session, y, actor.user_id) for y in years)) if years else set()
        rows = [(v, s) for v, s in rows if s.id in mine or v.supervisor_id == actor.user_id]
    recs: dict[int, list[Recommendation]] = {}
    ids = [v.id for v, _ in rows]
    if ids:
        for r in session.scalars(select(Recommendation).where(Recommendation.visit_id.in_(ids)).order_by(Recommendation.id)):
            recs.setdefault(r.visit_id, []).append(r)
    forms: dict[str, object] = {}
    out = []
    for v, s in rows:
        if v.form_code not in forms:
            forms[v.form_code] = load_form(session, v.form_code)
        out.append(_public(v, s, forms[v.form_code].interpret(v.overall_mean), recs.get(v.id, [])))  # type: ignore[attr-defined]
    return out


def acknowledge_visit(session: Session, actor: Actor, visit_id: int) -> VisitPublic:
    """รับทราบผลการนิเทศ: the school acknowledges its visit (once)."""
    visit = get_visit(session, actor, visit_id)
    authorize(actor, visit, "visit.acknowledge")
    if visit.acknowledged_at is None:
        visit.acknowledged_at, visit.acknowledged_by_name = utcnow(), actor.username
    school = session.get(School, visit.school_id)
    recs = session.scalars(select(Recommendation).where(Recommendation.visit_id == visit.id)).all()
    out = _public(visit, school, load_form(session, visit.form_code).interpret(visit.overall_mean), recs)
    session.commit()
    return out


def update_recommendation(session: Session, actor: Actor, recommendation_id: int, status: str,
                          note: str = "") -> RecommendationPublic:
    """Move a recommendation along its workflow; only a supervisor (or the district) verifies."""
    rec = session.get(Recommendation, recommendation_id)
    if rec is None:
        raise SupervisionError("recommendation.not_found", kind="not_found",
                               message_th=f"ไม่พบข้อเสนอแนะรหัส {recommendation_id}",
                               message_en=f"no recommendation {recommendation_id}")
    authorize(actor, rec, "recommendation.verify" if status == "verified" else "recommendation.update")
    if actor.role == "supervisor":
        visit = session.get(Visit, rec.visit_id)
        check_assigned(session, actor, session.get(School, rec.school_id), visit.academic_year)
    if status not in STATUS_TH or status not in TRANSITIONS[rec.status]:
        allowed = ", ".join(f"{s} ({STATUS_TH[s]})" for s in sorted(TRANSITIONS[rec.status])) or "-"
        raise SupervisionError("recommendation.bad_transition", kind="conflict",
                               message_th=f"ข้อเสนอแนะรหัส {rec.id} อยู่ในสถานะ{STATUS_TH[rec.status]}: "
                               f"เปลี่ยนเป็น {status} ไม่ได้ (ได้: {allowed})",
                               message_en=f"recommendation {rec.id} is {rec.status}: cannot become {status}")
    rec.status, rec.updated_by_name, rec.updated_at = status, actor.username, utcnow()
    if note:
        rec.note = (rec.note + "\n" if rec.note else "") + note
    out = RecommendationPublic.of(rec)
    session.commit()
    return out


def list_recommendations(session: Session, actor: Actor, *, academic_year: int | None = None,
                         status: str | None = None, school_code: str | None = None) -> list[RecommendationPublic]:
    """Recommendations (a school's own only for a school), oldest first."""
    authorize(actor, None, "visit.read")
    q = select(Recommendation).join(Visit, Visit.id == Recommendation.visit_id).order_by(Recommendation.id)
    if academic_year is not None:
        q = q.where(Visit.academic_year == academic_year)
    if status is not None:
        q = q.where(Recommendation.status == status)
    if school_code is not None:
        q = q.where(Recommendation.school_id == _school(session, school_code).id)
    if actor.role == "school":
        q = q.where(Recommendation.school_id == actor.school_id)
    return [RecommendationPublic.of(r) for r in session.scalars(q)]


def _day(value: object, what: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        raise SupervisionError("visit.bad_date", message_th=f"{what} {value!r} ต้องเป็นวันที่แบบ YYYY-MM-DD (ค.ศ.)",
                               message_en=f"{what} {value!r} must be YYYY-MM-DD") from None
    if day.year > 2400:  # a พ.ศ. year typed into an ISO date
        day = day.replace(year=day.year - 543)
    return day


def visit_draft_from_dict(data: dict) -> VisitDraft:
    """A visit as JSON (the fields of :class:`VisitDraft`; dates YYYY-MM-DD; recommendations [{text, due_on}])."""
    if not isinstance(data, dict):
        raise SupervisionError("visit.not_object", message_th="บันทึกการนิเทศต้องเป็นออบเจกต์ JSON",
                               message_en="a visit must be a JSON object")
    known = set(VisitDraft.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    missing = sorted(f for f in ("school_code", "academic_year", "form_code", "visited_on", "ratings") if f not in data)
    if unknown or missing:
        raise SupervisionError("visit.bad_fields", message_th="บันทึกการนิเทศ: " + "; ".join(
            ([f"ไม่รู้จักช่อง {', '.join(unknown)}"] if unknown else []) + ([f"ขาดช่อง {', '.join(missing)}"] if missing else [])),
            message_en=f"visit: unknown fields {unknown}, missing {missing}")
    fields = dict(data)
    fields["visited_on"] = _day(data["visited_on"], "วันที่นิเทศ")
    fields["academic_year"] = int(data["academic_year"])
    fields["recommendations"] = tuple(RecommendationDraft(str(r.get("text", "")), _day(r.get("due_on"), "กำหนดเสร็จ"))
                                      for r in data.get("recommendations") or [])
    for key in ("indicator_codes", "qa_codes", "closes"):
        fields[key] = tuple(data.get(key) or ())
    return VisitDraft(**fields)

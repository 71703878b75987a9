"""ชุดเอกสารกรรมการคุมสอบ (a proctor's kit) of one school in one administration.

What a school prints on the morning of the exam, from what Khlang knows: the proctor's instructions
(the form's items, minutes and variants), an attendance and signature sheet per room from the
school's roster (blank lines when no roster was imported, a few spare lines always), and an envelope
cover sheet per room with its counts. Variants are handed out in turn along the seats (ก ข ก ข …) so
that neighbours hold different variants; the sheet prints the variant of each seat.

Who may print it: the district (``administration.write``), and the school itself for its own
administrations once the content is released (the embargo of :func:`scoring.administrations.load`).
Names appear only for the school's own accounts, as on the roster.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlmodel import Session

from exports.data import Candidate, ProctorPack, ProctorRoom
from itembank.authz import Actor, authorize
from itembank.curriculum import AREA_NAMES_TH
from itembank.schools import get_school
from scoring.administrations import get_administration, load, participates
from scoring.errors import ScoringError
from scoring.models import AcademicYear, Enrolment, SchoolClass, Student, Term
from testgen.models import Form

#: Spare lines under every room's list (students who join late, a missing roster line).
SPARE_LINES = 3
#: Lines of a room without a roster.
BLANK_ROOM_LINES = 30


def proctor_pack(session: Session, actor: Actor, admin_code: str, school_code: str, *,
                 district: str = "", exam_date: dt.date | None = None) -> ProctorPack:
    """The kit of `school_code` for `admin_code`: instructions, attendance sheets and envelope covers."""
    school = get_school(session, actor, school_code)
    if actor.may("administration.write"):
        adm = load(session, actor, admin_code, "administration.write")
    else:
        adm = load(session, actor, admin_code, "administration.download")
        if actor.school_id != school.id:
            raise ScoringError("administration.not_found", kind="not_found",
                               message_th=f"ไม่พบการสอบ {admin_code}", message_en=f"no administration {admin_code}")
    authorize(actor, school, "roster.read")
    if not participates(session, adm, school.id):
        raise ScoringError("proctor.not_participating", kind="not_found",
                           message_th=f"โรงเรียน {school.code} ไม่ได้เข้าร่วมการสอบ {adm.code}",
                           message_en=f"school {school.code} does not take part in {adm.code}")
    info = get_administration(session, actor, adm.code)
    form = session.get(Form, adm.form_id)
    term = session.get(Term, adm.term_id)
    year = session.get(AcademicYear, term.academic_year_id)
    names = actor.may("student.read_names", school)
    variants = tuple(v for v in info.variants if v)
    rows = session.execute(
        select(Student.student_code, Student.prefix, Student.first_name, Student.last_name, SchoolClass.room,
               Enrolment.seat)
        .join(Enrolment, Enrolment.student_id == Student.id).join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .where(Student.school_id == school.id, Enrolment.academic_year_id == year.id, SchoolClass.grade == adm.grade)
        .order_by(SchoolClass.room, Enrolment.seat, Student.student_code)).all()
    by_room: dict[str, list[Candidate]] = defaultdict(list)
    for code, prefix, first, last, room, seat in rows:
        k = len(by_room[room])
        by_room[room].append(Candidate(
            seat=seat, student_code=code,
            name=" ".join(x for x in (prefix, first, last) if x) if names else "",
            variant=variants[k % len(variants)] if len(variants) > 1 else (variants[0] if variants else "")))
    rooms = tuple(ProctorRoom(grade=adm.grade, room=room, candidates=tuple(c), blank_lines=SPARE_LINES)
                  for room, c in sorted(by_room.items(), key=lambda kv: (len(kv[0]), kv[0])))
    if not rooms:
        rooms = (ProctorRoom(grade=adm.grade, room="", candidates=(), blank_lines=BLANK_ROOM_LINES),)
    settings = dict(adm.settings or {})
    when = exam_date
    if when is None and settings.get("exam_date"):
        try:
            when = dt.date.fromisoformat(str(settings["exam_date"])[:10])
        except ValueError:
            when = None
    area = AREA_NAMES_TH.get(form.learning_area or "", "") if form.learning_area else "หลายกลุ่มสาระ"
    return ProctorPack(
        administration=adm.code, title=adm.title, form_code=form.code, learning_area=area, grade=adm.grade,
        year_be=year.year_be, term=term.number, exam_date=when, start_time=str(settings.get("exam_time") or ""),
        minutes=int(form.time_minutes or 60), n_items=int(form.n_items), variants=variants,
        school=school.name_th, school_code=school.code, district=district, rooms=rooms, with_names=names)

"""Helpers and the `district` fixture of the supervision tests: four schools in two networks, a supervisor, a QA officer, a plan."""

from __future__ import annotations

import datetime as dt

import pytest

from itembank.accounts import create_user
from itembank.authz import Actor
from itembank.schools import SchoolBase, add_schools
from supervision.plans import PlanEntryDraft, add_plan_entries
from supervision.visits import RecommendationDraft, VisitDraft

YEAR = 2569
CODES = ("1029020001", "1029020002", "1029020003", "1029020004")


@pytest.fixture
def district(session):
    """Schools A, B (network N1), C, D (network N2); supervisor sup1 planned for A and network N2."""
    system = Actor.system()
    ids = add_schools(session, system, [
        SchoolBase(code=CODES[0], name_th="โรงเรียนบ้านหนองแวง", network="N1"),
        SchoolBase(code=CODES[1], name_th="โรงเรียนบ้านโคกสูง", network="N1"),
        SchoolBase(code=CODES[2], name_th="โรงเรียนบ้านดอนยาง", network="N2"),
        SchoolBase(code=CODES[3], name_th="โรงเรียนบ้านนาดี", network="N2"),
    ])
    sup = create_user(session, system, "sup1", "นางรุ่งนภา ศรีวิไล", "supervisor", position="ศึกษานิเทศก์ชำนาญการพิเศษ")
    sup2 = create_user(session, system, "sup2", "นายบุญมี ทองสุข", "supervisor")
    qa = create_user(session, system, "qa1", "นางจินตนา มีสุข", "qa")
    add_plan_entries(session, system, YEAR, [
        PlanEntryDraft("การจัดการเรียนรู้เชิงรุก", 6, school_code=CODES[0], supervisor_id=sup.id,
                       supervisor_name=sup.display_name),
        PlanEntryDraft("การอ่านออกเขียนได้", 7, network="N2", mode="project_based", supervisor_id=sup.id,
                       supervisor_name=sup.display_name),
        PlanEntryDraft("การวัดและประเมินผล", 8, school_code=CODES[1], supervisor_id=sup2.id,
                       supervisor_name=sup2.display_name),
    ])
    return {"ids": ids, "sup": sup.actor(), "sup2": sup2.actor(), "qa": qa.actor(), "system": system,
            "school_a": Actor(user_id=None, username="school.a", role="school", school_id=ids[CODES[0]]),
            "school_b": Actor(user_id=None, username="school.b", role="school", school_id=ids[CODES[1]])}


def classroom_draft(school_code: str = CODES[0], scores=(5, 4, 4, 5, 3, 4, 5, 4, 4, 5), **kw) -> VisitDraft:
    fields = dict(school_code=school_code, academic_year=YEAR, form_code="classroom_visit",
                  visited_on=dt.date(2026, 6, 18), ratings={str(k): s for k, s in enumerate(scores, start=1)},
                  teacher_name="นางสาวสุภาพร ใจงาม", learning_area="คณิตศาสตร์", subject="ค14101", grade="ป.4/1",
                  topic="การคูณ", period="3", supervisor_name="นางรุ่งนภา ศรีวิไล",
                  supervisor_position="ศึกษานิเทศก์ชำนาญการพิเศษ", indicator_codes=("ค 1.1 ป.4/2",), qa_codes=("3.4",),
                  suggestions="ควรใช้คำถามปลายเปิดมากขึ้น",
                  recommendations=(RecommendationDraft("จัดทำแบบประเมินระหว่างเรียน", dt.date(2026, 8, 31)),))
    fields.update(kw)
    return VisitDraft(**fields)

"""The demo district's year of supervision and QA, written through the supervision services.

Academic year 2568 (the demo's exam year): a plan by network for the two supervisors, classroom
visits and learning-management supervision in most schools with recommendations and follow-ups that
close some of them, the schools' progress on the others, every school's SAR for 2567 and 2568 (a few
schools rate student quality ยอดเยี่ยม; where the warehouse puts them in the bottom quartile the QA
summary flags them), a few external (สมศ.) results, and the committee's notes. Deterministic (seeded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from demo.district import demo_schools
from itembank.authz import Actor
from itembank.store import Store
from supervision.committee import save_committee_notes
from supervision.forms import parse_form
from supervision.plans import PlanEntryDraft, add_plan_entries
from supervision.qa import QaRow, save_qa_ratings
from supervision.reference_forms import CLASSROOM_VISIT, LEARNING_MANAGEMENT
from supervision.visits import RecommendationDraft, VisitDraft, record_visit, update_recommendation

YEAR = 2568
TEACHERS = ("นางสาวสุภาพร ใจงาม", "นายธนากร บุญประเสริฐ", "นางพรทิพย์ แสงทอง", "นางสาววิภาวรรณ ศรีสุวรรณ",
            "นายอภิชาติ คำมูล", "นางเยาวลักษณ์ ทองคำ", "นางสาวกาญจนา พรมมา", "นายสมชาย ดวงดี")
SUBJECTS = (("คณิตศาสตร์", "ค14101", "ป.4", "การคูณจำนวนหลายหลัก", "ค 1.1 ป.4/6"),
            ("ภาษาไทย", "ท11101", "ป.1", "การอ่านสะกดคำ", "ท 1.1 ป.1/1"),
            ("วิทยาศาสตร์และเทคโนโลยี", "ว15101", "ป.5", "การเปลี่ยนสถานะของสสาร", "ว 2.1 ป.5/4"),
            ("ภาษาไทย", "ท13101", "ป.3", "การอ่านจับใจความ", "ท 1.1 ป.3/5"),
            ("คณิตศาสตร์", "ค16101", "ป.6", "ร้อยละและอัตราส่วน", "ค 1.1 ป.6/8"))
RECOMMENDATIONS = (
    "จัดทำแบบประเมินระหว่างเรียนที่มีเกณฑ์การให้คะแนนชัดเจน และแจ้งผลให้นักเรียนทราบ",
    "ใช้คำถามปลายเปิดกระตุ้นให้นักเรียนอธิบายวิธีคิด อย่างน้อยคาบละ 3 คำถาม",
    "จัดมุมการอ่านในห้องเรียนและบันทึกการอ่านของนักเรียนรายสัปดาห์",
    "นำผลการทดสอบระดับเขตพื้นที่มาวิเคราะห์รายตัวชี้วัดและวางแผนสอนซ่อมเสริม",
    "จัดกิจกรรมการเรียนรู้เชิงรุกที่ให้นักเรียนลงมือปฏิบัติและนำเสนอผลงาน",
    "ปรับแผนการจัดการเรียนรู้ให้มีการวัดผลสอดคล้องกับตัวชี้วัด",
)
NARRATIVE = {
    "found": "ครูเตรียมสื่อของจริงและใบงาน นักเรียนทำงานกลุ่มและนำเสนอวิธีคิดของกลุ่มตนเอง",
    "reflection": "ครูเห็นว่าควรเพิ่มเวลาให้นักเรียนอภิปราย และใช้ผลการประเมินระหว่างเรียนปรับกิจกรรม",
    "strengths": "บรรยากาศในชั้นเรียนเป็นกันเอง นักเรียนกล้าซักถามและมีส่วนร่วมทุกคน",
    "to_improve": "การประเมินระหว่างเรียนยังไม่หลากหลาย และยังไม่ได้บันทึกผลเป็นรายบุคคล",
}


def _plan(schools, accounts: dict[str, Actor]) -> tuple[list[PlanEntryDraft], dict[str, str]]:
    sup = {"rungnapa": accounts.get("supervisor.rungnapa"), "boonmee": accounts.get("supervisor.boonmee")}
    names = {"rungnapa": "นางรุ่งนภา ศรีวิไล", "boonmee": "นายบุญมี ทองสุข"}
    networks = sorted({s.network for s in schools})
    who_of = {n: ("rungnapa" if k < len(networks) / 2 else "boonmee") for k, n in enumerate(networks)}
    drafts = []
    for n in networks:
        w = who_of[n]
        sid = sup[w].user_id if sup[w] else None
        drafts += [PlanEntryDraft("การจัดการเรียนรู้เชิงรุก (Active Learning)", 6, network=n, supervisor_id=sid,
                                  supervisor_name=names[w]),
                   PlanEntryDraft("การอ่านออกเขียนได้ ชั้น ป.1–ป.3", 8, network=n, mode="project_based",
                                  supervisor_id=sid, supervisor_name=names[w]),
                   PlanEntryDraft("การนำผลการทดสอบระดับเขตพื้นที่ไปพัฒนาผู้เรียน", 11, network=n, supervisor_id=sid,
                                  supervisor_name=names[w])]
    return drafts, {s.code: who_of[s.network] for s in schools}


def _scores(form, rng: np.random.Generator, level: float) -> dict[str, int]:
    return {i.code: int(np.clip(round(rng.normal(level, 0.6)), 1, 5)) for i in form.items}


def seed_demo_supervision(store: Store, accounts: dict[str, Actor],
                          progress: Callable[[str], None] = lambda _: None, *, seed: int = 2568) -> int:
    """Write the year of supervision and QA; returns the number of visits."""
    rng = np.random.default_rng(seed)
    schools = demo_schools()
    system = Actor.system()
    drafts, who = _plan(schools, accounts)
    classroom, lm = parse_form(CLASSROOM_VISIT), parse_form(LEARNING_MANAGEMENT)
    with store.session() as s:
        add_plan_entries(s, system, YEAR, drafts)
    n_visits = 0
    with store.session() as s:
        for k, school in enumerate(schools):
            if k % 4 == 3:  # a quarter of the schools are not visited yet: coverage shows them
                continue
            actor = accounts.get(f"supervisor.{who[school.code]}", system)
            name = "นางรุ่งนภา ศรีวิไล" if who[school.code] == "rungnapa" else "นายบุญมี ทองสุข"
            position = "ศึกษานิเทศก์ชำนาญการพิเศษ" if who[school.code] == "rungnapa" else "ศึกษานิเทศก์ชำนาญการ"
            area, code, grade, topic, indicator = SUBJECTS[k % len(SUBJECTS)]
            form = lm if k % 2 else classroom
            level = 3.2 + 1.4 * rng.random()
            first_day = dt.date(2025, 6, 10) + dt.timedelta(days=int(3 * k))
            recs = (RecommendationDraft(RECOMMENDATIONS[k % len(RECOMMENDATIONS)], first_day + dt.timedelta(days=75)),
                    RecommendationDraft(RECOMMENDATIONS[(k + 3) % len(RECOMMENDATIONS)], first_day + dt.timedelta(days=120)))
            v = record_visit(s, actor, VisitDraft(
                school_code=school.code, academic_year=YEAR, form_code=form.code, visited_on=first_day,
                ratings=_scores(form, rng, level), term=1, visit_no=1, period=str(2 + k % 5),
                teacher_name=TEACHERS[k % len(TEACHERS)], teacher_position="ครูชำนาญการ" if k % 3 else "ครู",
                learning_area=area, subject=code, grade=f"{grade}/1", topic=topic, supervisor_name=name,
                supervisor_position=position, narrative=NARRATIVE if form is lm else {},
                suggestions="ควรใช้คำถามปลายเปิดให้นักเรียนอธิบายวิธีคิด และบันทึกผลการประเมินระหว่างเรียนอย่างสม่ำเสมอ",
                indicator_codes=(indicator,), qa_codes=("3.1", "3.4"), recommendations=recs))
            n_visits += 1
            school_actor = accounts.get(f"school.{school.code}")
            if k % 3 == 0:  # followed up in term 2: the first recommendation seen done and closed
                follow = record_visit(s, actor, VisitDraft(
                    school_code=school.code, academic_year=YEAR, form_code="area_followup",
                    visited_on=first_day + dt.timedelta(days=150), term=2, visit_no=2,
                    ratings={str(i): int(np.clip(round(level + 0.4), 1, 5)) for i in range(1, 6)},
                    supervisor_name=name, supervisor_position=position, teacher_name=school.director,
                    teacher_position="ผู้อำนวยการสถานศึกษา", narrative={"found": "โรงเรียนดำเนินการตามข้อเสนอแนะครบถ้วน"},
                    follow_up_of=v.id, closes=(v.recommendations[0].id,)))
                n_visits += 1
                del follow
            elif school_actor is not None and k % 3 == 1:
                update_recommendation(s, school_actor, v.recommendations[0].id, "in_progress", "เริ่มดำเนินการแล้ว")
    progress(f"การนิเทศ {n_visits} ครั้ง")
    _seed_qa(store, schools, accounts.get("qa.jintana", system), rng)
    with store.session() as s:
        save_committee_notes(s, accounts.get("qa.jintana", system), YEAR, meeting_on=dt.date(2026, 5, 20), recommendations=[
            "ให้สำนักงานเขตพื้นที่การศึกษาจัดนิเทศติดตามโรงเรียนที่ประเมินตนเองด้านคุณภาพผู้เรียนสูงกว่าผลการทดสอบเป็นลำดับแรก",
            "ให้กลุ่มเครือข่ายสถานศึกษาจัดเวทีแลกเปลี่ยนเรียนรู้การจัดการเรียนรู้เชิงรุกภาคเรียนละ 1 ครั้ง",
            "ให้โรงเรียนขนาดเล็กใช้ข้อสอบจากคลังข้อสอบของเขตพื้นที่ในการประเมินระหว่างเรียน",
        ], good_practices=[
            {"school": schools[0].name_th, "title": "ห้องเรียนคณิตคิดสนุก",
             "text": "ใช้เกมและสื่อของจริงฝึกทักษะการคิดคำนวณ ผลการทดสอบคณิตศาสตร์ ป.6 สูงขึ้นต่อเนื่อง 3 ปี"},
            {"school": schools[8].name_th, "title": "อ่านคล่อง เขียนคล่อง ด้วยมุมรักการอ่าน",
             "text": "จัดมุมการอ่านทุกห้องเรียนและบันทึกการอ่านรายสัปดาห์ร่วมกับผู้ปกครอง"},
        ])
    progress("SAR และข้อเสนอแนะของ ก.ต.ป.น.")
    return n_visits


def _seed_qa(store: Store, schools, qa: Actor, rng: np.random.Generator) -> None:
    rows = []
    for k, school in enumerate(schools):
        base = 3 + (school.size == "large") + (rng.random() < 0.3)
        for year, shift in ((YEAR - 1, -1 if k % 5 == 0 else 0), (YEAR, 0)):
            for std in ("1", "2", "3"):
                level = int(np.clip(base + shift - (std == "3" and k % 7 == 0), 1, 5))
                rows.append(QaRow(school.code, year, std, level, f"ผลการดำเนินงานตามมาตรฐานที่ {std}"))
            student = 5 if k % 6 == 5 else min(base + shift, 5)  # a few schools rate student achievement ยอดเยี่ยม
            rows.append(QaRow(school.code, year, "1.1", int(student), "ผลสัมฤทธิ์ทางการเรียนตามหลักสูตรสถานศึกษา"))
        if k % 10 == 0:
            rows += [QaRow(school.code, YEAR, std, 3, "ผลการประเมินภายนอกรอบที่ 5", "external") for std in ("1", "2", "3")]
    with store.session() as s:
        save_qa_ratings(s, qa, rows)

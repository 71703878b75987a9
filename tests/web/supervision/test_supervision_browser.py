"""Supervision in a real Chromium: a supervisor records a visit on the form (radio buttons per item), the
school acknowledges it, the QA officer reads the summary and the committee page; every page shot at
1366 and 390 px and none wider than the screen."""

from __future__ import annotations

import pytest
from screens import shoot
from signin import PASSWORD, make_account

from itembank.authz import Actor
from itembank.schools import SchoolBase, add_schools
from supervision.plans import PlanEntryDraft, add_plan_entries
from web.store_ext import get_store

pytestmark = pytest.mark.browser

A, B = "1029020001", "1029020002"


def _sign_in(page, live_server, user, next_path):
    page.goto(f"{live_server}{next_path}")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{live_server}{next_path}")


def test_a_supervisor_records_a_visit_and_the_school_acknowledges_it(chromium, app, live_server):
    with get_store(app).session() as s:
        ids = add_schools(s, Actor.system(), [
            SchoolBase(code=A, name_th="โรงเรียนบ้านหนองบัวพิทยาคมสามัคคีวิทยา", network="เครือข่ายพัฒนาคุณภาพการศึกษาที่ 1"),
            SchoolBase(code=B, name_th="โรงเรียนบ้านโคกสูง", network="เครือข่ายพัฒนาคุณภาพการศึกษาที่ 1")])
    sup = make_account(app, "supervisor")
    with get_store(app).session() as s:
        add_plan_entries(s, Actor.system(), 2569, [PlanEntryDraft(
            "การจัดการเรียนรู้เชิงรุกเพื่อพัฒนาการอ่านออกเขียนได้", 7, network="เครือข่ายพัฒนาคุณภาพการศึกษาที่ 1",
            supervisor_id=sup.id, supervisor_name="นางรุ่งนภา ศรีวิไล")])
    school = make_account(app, "school", school_id=ids[A])
    qa = make_account(app, "qa")

    context = chromium.new_context()
    page = context.new_page()
    try:
        _sign_in(page, live_server, sup, "/supervision/?year=2569")
        shoot(page, "supervisor-supervision-index")
        page.click("text=แผนการนิเทศ")
        page.wait_for_url("**/supervision/plan**")
        shoot(page, "supervisor-supervision-plan")
        page.goto(f"{live_server}/supervision/visits/new?year=2569")
        page.select_option("#v-school", A)
        page.fill("#v-date", "2026-07-15")
        page.fill("#v-teacher", "นางสาวสุภาพร ใจงาม")
        page.fill("#v-grade", "ป.4")
        for k in range(1, 11):
            page.check(f"#r-{k}-{4 if k % 3 else 5}")
        page.fill("#v-suggestions", "ควรใช้คำถามปลายเปิดให้นักเรียนได้คิดมากขึ้น")
        page.fill("#rec-text-0", "จัดทำแบบประเมินระหว่างเรียนทุกหน่วย")
        page.fill("#rec-due-0", "2027-01-31")
        shoot(page, "supervisor-visit-form")
        page.click("#save-visit")
        page.wait_for_url("**/supervision/visits/*")
        assert "4.30" in page.inner_text("[data-test=overall]")
        assert "บันทึกการนิเทศโรงเรียนบ้านหนองบัว" in page.inner_text("main")
        visit_url = page.url
        shoot(page, "supervisor-visit")
        page.goto(f"{live_server}/supervision/visits?year=2569")
        shoot(page, "supervisor-visits")
        page.goto(f"{live_server}/supervision/recommendations?year=2569")
        shoot(page, "supervisor-recommendations")
        page.goto(f"{live_server}/supervision/forms")
        page.click("#form-learning_management summary")
        shoot(page, "supervisor-forms")
        # a bad visit: refused in Thai, the page keeps what was typed
        page.goto(f"{live_server}/supervision/visits/new?year=2569")
        page.select_option("#v-school", A)
        page.fill("#v-date", "2026-08-01")
        page.click("#save-visit")
        assert "ยังไม่ได้ให้คะแนน" in page.inner_text("[data-test=problems]")
        shoot(page, "supervisor-visit-form-problems")
        page.click("#sign-out")
        page.wait_for_url("**/login")

        _sign_in(page, live_server, school, "/supervision/?year=2569")
        shoot(page, "school-supervision-index")
        page.goto(visit_url)
        page.click("#acknowledge")
        page.wait_for_url(visit_url)
        assert "รับทราบแล้ว" in page.inner_text("[data-test=acknowledged]")
        shoot(page, "school-visit")
        page.goto(f"{live_server}/supervision/recommendations?year=2569")
        shoot(page, "school-recommendations")
        page.click("#sign-out")
        page.wait_for_url("**/login")

        _sign_in(page, live_server, qa, "/supervision/qa?year=2569")
        shoot(page, "qa-summary")
        page.goto(f"{live_server}/supervision/qa/schools/{A}?year=2569")
        shoot(page, "qa-school")
        page.goto(f"{live_server}/supervision/committee?year=2569")
        page.fill("#c-recs", "เร่งพัฒนาการอ่านออกเขียนได้ของนักเรียนชั้น ป.1")
        page.click("#save-committee")
        page.wait_for_url("**/supervision/committee**")
        assert "บันทึกข้อมูลรายงาน ก.ต.ป.น." in page.inner_text("main")
        shoot(page, "qa-committee")
    finally:
        context.close()

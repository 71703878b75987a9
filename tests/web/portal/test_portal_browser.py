"""The administration loop in a real headless Chromium: an officer creates an administration and
releases it; a school signs in, downloads after release, uploads a broken answer file (the row-problem
table), then the fixed one (confirmed), and sees its results after the results release. Every page is
shot at 1366 and 390 px."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from admin_world import SCHOOLS, SYSTEM, answer_rows, answers_csv, roster_csv
from screens import shoot
from signin import PASSWORD, make_account

from web.store_ext import get_store

pytestmark = pytest.mark.browser


def _bank(app):
    from scoring_world import ITEM_CODES, make_items

    from itembank.schools import SchoolBase, add_schools
    from testgen.forms import freeze_items, make_form_variants

    with get_store(app).session() as s:
        ids = add_schools(s, SYSTEM, [SchoolBase(code=c, name_th=f"โรงเรียนบ้านทดสอบวิทยา {k}")
                                      for k, c in enumerate(SCHOOLS, start=1)])
        make_items(s)
        freeze_items(s, SYSTEM, "F-1", "คณิตศาสตร์ ป.6 ปลายปี", ITEM_CODES)
        make_form_variants(s, SYSTEM, "F-1", 2, seed=11)
        s.commit()
    return ids


def _sign_in(page, live_server, username, next_path):
    page.goto(f"{live_server}{next_path}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{live_server}{next_path}")


def test_the_administration_loop_in_the_browser(chromium, app, live_server, tmp_path):
    ids = _bank(app)
    officer = make_account(app, "officer")
    school = make_account(app, "school", school_id=ids[SCHOOLS[0]])

    page = chromium.new_page()
    try:  # the officer creates the administration and releases it
        _sign_in(page, live_server, officer.username, "/administrations/")
        shoot(page, "officer-administrations-empty")
        page.click("#new-administration")
        page.fill("#a-code", "P6-2569")
        page.fill("#a-title", "สอบปลายปี คณิตศาสตร์ ป.6")
        page.select_option("#a-form", "F-1")
        page.fill("#a-year", "2568")
        page.select_option("#a-term", "2")
        shoot(page, "officer-administration-new")
        page.click("#create-administration")
        page.wait_for_url("**/administrations/P6-2569")
        assert "รอเผยแพร่" in page.inner_text("[data-test=status]")
        shoot(page, "officer-administration-awaiting")
        page.click("#release-now")
        shoot(page, "officer-administration-release")
        page.check("#r-confirm")
        page.click("#confirm-release")
        page.wait_for_url("**/jobs/**")
        page.wait_for_selector("[data-test=job-status]:has-text('เสร็จแล้ว')", timeout=60_000)
        page.goto(f"{live_server}/administrations/")
        assert "เผยแพร่แล้ว" in page.inner_text("#administrations")
        shoot(page, "officer-administrations")
    finally:
        page.close()

    page = chromium.new_page()
    try:  # the school: roster, download, broken then fixed answers
        _sign_in(page, live_server, school.username, "/school/")
        assert "สอบปลายปี คณิตศาสตร์ ป.6" in page.inner_text("#administrations")
        shoot(page, "school-portal")
        page.click("text=เปิด")
        page.wait_for_url("**/school/P6-2569")
        page.set_input_files("#roster-file", str(roster_csv(tmp_path, school=1)))
        page.click("#check-roster")
        page.wait_for_selector("[data-test=check-ok]")
        shoot(page, "school-roster-check")
        page.click("#confirm-upload")
        page.wait_for_url("**/school/P6-2569")
        assert "นักเรียน 6 คน" in page.inner_text("[data-test=flash-success]")
        with page.expect_download() as got:
            page.click("[data-variant=A]")
        assert got.value.suggested_filename == f"P6-2569-{SCHOOLS[0]}-A.pdf"
        page.reload()
        assert "ดาวน์โหลดแล้ว 1 ครั้ง" in page.inner_text("#h-download + *, section[aria-labelledby=h-download]")
        shoot(page, "school-administration")
        bad = answers_csv(tmp_path, [("10001", "A", ["ก", "ข", "ค", "ง", "ฉ", "ก", "ก", "1"]),
                                     ("77777", "C", ["ก"] * 7 + ["1"])], name="คำตอบ.csv")
        page.set_input_files("#answers-file", str(bad))
        page.click("#check-answers")
        page.wait_for_selector("#problems")
        text = page.inner_text("#problems")
        assert "77777" in text and "คำตอบ.csv" in text and "ชุด" in text
        shoot(page, "school-answers-problems")
        page.click("#try-again")
        page.set_input_files("#answers-file", str(answers_csv(tmp_path, answer_rows(0), name="fixed.csv")))
        page.click("#check-answers")
        page.wait_for_selector("[data-test=check-ok]")
        assert "นักเรียน 6 จาก 6 คน" in page.inner_text("[data-test=check-ok]")
        shoot(page, "school-answers-confirm")
        page.click("#confirm-upload")
        page.wait_for_url("**/school/P6-2569")
        assert "นำเข้าแล้ว" in page.inner_text("[data-test=flash-success]")
        assert page.locator("#see-results").count() == 0
    finally:
        page.close()

    page = chromium.new_page()
    try:  # the officer sees the completeness and releases the results
        _sign_in(page, live_server, officer.username, "/administrations/P6-2569")
        assert page.inner_text("[data-test=n-uploaded]") == "1"
        late = page.input_value("#copy-upload")
        assert SCHOOLS[1] in late and SCHOOLS[0] not in late
        now = dt.datetime.now(ZoneInfo("Asia/Bangkok")) - dt.timedelta(minutes=2)
        page.fill("#s-release", (now - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
        page.fill("#s-key", now.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#s-results", now.strftime("%Y-%m-%dT%H:%M"))
        page.click("#save-schedule")
        page.wait_for_selector("[data-test=flash-success]")
        shoot(page, "officer-administration")
    finally:
        page.close()

    page = chromium.new_page()
    try:  # the school sees its results
        _sign_in(page, live_server, school.username, "/school/P6-2569")
        page.click("#see-results")
        page.wait_for_url("**/results")
        assert "เขตพื้นที่" in page.inner_text("#compare")
        shoot(page, "school-results")
        for summary in page.locator("details.portal-class summary").all():
            summary.click()  # the students, class by class
        assert page.locator("table.students tbody tr:visible").count() == 6
        shoot(page, "school-results-students")
    finally:
        page.close()

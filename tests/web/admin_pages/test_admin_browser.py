"""The administrator's pages in a real Chromium: the menu line, every page, a school added and edited, a
year saved, a backup taken; every page shot at 1366 and 390 px and none wider than the screen."""

from __future__ import annotations

import pytest
from screens import shoot
from signin import PASSWORD, make_account

pytestmark = pytest.mark.browser


def test_the_administrator_walks_every_page(chromium, app, live_server, db_url):
    admin = make_account(app, "admin")
    make_account(app, "officer", username="officer.malee")
    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(f"{live_server}/admin/")
        page.fill("#username", admin.username)
        page.fill("#password", PASSWORD)
        page.click("#sign-in")
        page.wait_for_url(f"{live_server}/admin/")
        assert page.locator("header nav a[href='/admin/']").count() == 1
        shoot(page, "admin-index")

        page.click("#admin-sections >> text=โรงเรียน")
        page.wait_for_url("**/admin/schools")
        page.fill("#s-code", "1029020001")
        page.fill("#s-name", "โรงเรียนบ้านหนองบัวพิทยาคมสามัคคีวิทยา")
        page.fill("#s-amphoe", "เมืองขอนแก่น")
        page.fill("#s-network", "เครือข่ายพัฒนาคุณภาพการศึกษาที่ 1")
        page.select_option("#s-size", "small")
        page.click("#add-school-button")
        page.wait_for_url("**/admin/schools?q=1029020001")
        assert page.locator("#schools tbody tr").count() == 1
        shoot(page, "admin-schools")
        page.click("#schools >> text=1029020001")
        page.fill("#s-grades", "อ.1-ป.6")
        page.click("#save-school")
        page.wait_for_url("**/admin/schools/1029020001")
        assert "บันทึกข้อมูล" in page.inner_text("main")
        shoot(page, "admin-school")

        page.goto(f"{live_server}/admin/users")
        shoot(page, "admin-users")

        page.goto(f"{live_server}/admin/years")
        page.fill("#y-year", "2569")
        page.fill("#y-start", "2026-05-16")
        page.fill("#y-end", "2027-03-31")
        page.click("#save-year")
        page.wait_for_url("**/admin/years")
        assert "16 พฤษภาคม 2569" in page.inner_text("#years")
        shoot(page, "admin-years")

        page.goto(f"{live_server}/admin/jobs")
        shoot(page, "admin-jobs")
        page.goto(f"{live_server}/admin/audit")
        assert "ลงชื่อเข้าใช้" in page.inner_text("#audit")
        page.select_option("#a-event", "school.update")
        page.click("#apply-audit")
        page.wait_for_url("**event=school.update**")
        assert page.locator("#audit tbody tr").count() == 1
        shoot(page, "admin-audit")

        page.goto(f"{live_server}/admin/backups")
        if db_url.startswith("sqlite"):
            page.click("#run-backup")
            page.wait_for_url("**/admin/backups")
            assert page.locator("#backups tbody tr").count() == 1
        shoot(page, "admin-backups")
    finally:
        context.close()

"""An officer in a real Chromium: builds a blueprint from the curriculum, reads the shortage report, assembles
(the job's progress bar runs to done), previews the forms, freezes them (confirming), makes variants and
downloads a booklet. Every page is shot at 1366 and 390 px and must fit the screen."""

from __future__ import annotations

import pytest
from screens import shoot

from web import create_app
from web.store_ext import get_store

pytestmark = pytest.mark.browser


@pytest.fixture
def app(db_url, session, tmp_path):
    """The app with its real queue (SQLite) and worker threads, so the job page shows the job running."""
    from web.jobs import start_embedded_consumer, stop_embedded_consumer

    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "JOBS_BACKEND": "sqlite",
                      "JOBS_POLL_MAX_DELAY": 0.1, "FORMS_ASSEMBLY_SECONDS": 5.0},
                     instance_path=str(tmp_path / "instance"))
    start_embedded_consumer(app, workers=1)
    yield app
    stop_embedded_consumer(app)
    get_store(app).dispose()


def _sign_in(page, app, live_server, next_path):
    from signin import PASSWORD, make_account

    user = make_account(app, "officer")
    page.goto(f"{live_server}{next_path}")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{live_server}{next_path}")


def test_officer_builds_a_blueprint_assembles_freezes_and_downloads_a_booklet(chromium, app, live_server, bank):
    page = chromium.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    try:
        _sign_in(page, app, live_server, "/forms/blueprints/")
        shoot(page, "officer-forms-blueprints")
        page.select_option("#bp-area", "ค")
        page.select_option("#bp-grade", "ป.6")
        page.click("#start")
        page.wait_for_selector("#grid")
        page.fill("#bp-code", "P6-END")
        page.fill("#bp-name", "คณิตศาสตร์ ป.6 ปลายภาค")
        page.fill("#bp-forms", "2")
        page.fill('input[name="n|ค 1.1 ป.6/1|understand"]', "3")
        page.fill('input[name="n|ค 1.1 ป.6/2|apply"]', "4")
        page.fill('input[name="n|ค 2.1 ป.6/1|analyze"]', "3")
        assert page.inner_text("#grand-total") == "10"
        assert page.locator("td.over").count() == 0
        page.fill('input[name="n|ค 1.1 ป.6/1|analyze"]', "1")  # the bank has none: the cell turns red at once
        assert page.locator("td.over").count() == 1 and page.inner_text("#grand-total") == "11"
        page.fill('input[name="n|ค 1.1 ป.6/1|analyze"]', "")
        shoot(page, "officer-forms-blueprint-new")
        page.click("#save-blueprint")
        page.wait_for_url("**/forms/blueprints/P6-END")
        assert "คลังมีข้อสอบพอสำหรับทุกแถวของผัง" in page.inner_text("[data-test=shortage-summary]")
        assert page.locator("#shortage-table tbody tr").count() == 4
        shoot(page, "officer-forms-blueprint-shortage")

        page.click("#assemble")
        page.wait_for_url("**/jobs/*")
        page.wait_for_selector("#job-result:not([hidden])", timeout=60_000)
        assert page.inner_text("[data-test=job-status]") == "เสร็จแล้ว"
        assert page.eval_on_selector("#job-progress", "p => p.value") == 1
        shoot(page, "officer-forms-assemble-job")
        page.click("#job-link")
        page.wait_for_url("**/forms/assemblies/*")
        assert page.locator("section.form-block").count() == 2
        assert page.locator("#compare-stats").is_visible()
        assert page.eval_on_selector("#compare img", "i => i.complete && i.naturalWidth > 0")
        shoot(page, "officer-forms-assembly")

        page.fill("#fz-prefix", "P6")
        page.fill("#fz-title", "สอบปลายภาค ป.6")
        page.click("#freeze")
        page.wait_for_url("**/forms/compare?codes=P6-1,P6-2")
        assert dialogs and "แก้ไขไม่ได้อีก" in dialogs[0]
        assert "ยืนยันฉบับแล้ว: P6-1, P6-2" in page.inner_text("[data-test=flash-notice]")
        shoot(page, "officer-forms-compare")

        page.click("a[href$='/forms/P6-1']")
        page.wait_for_url("**/forms/P6-1")
        page.fill("#vr-count", "2")
        page.click("#make-variants")
        page.wait_for_url("**/forms/P6-1#variants")
        assert page.inner_text("[data-test=variants]") == "A, B"
        assert page.eval_on_selector("figure.plot img", "i => i.complete && i.naturalWidth > 0")
        shoot(page, "officer-forms-form")
        page.click("#prepare")  # booklets take seconds: rendered by a job, then only read
        page.wait_for_url("**/jobs/*")
        page.wait_for_selector("#job-result:not([hidden])", timeout=120_000)
        assert page.inner_text("[data-test=job-status]") == "เสร็จแล้ว"
        page.click("#job-link")
        page.wait_for_selector("[data-test=dl-booklet-B]")
        with page.expect_download() as info:
            page.click("[data-test=dl-booklet-B]")
        download = info.value
        assert download.suggested_filename == "P6-1-B-booklet.pdf"
        with open(download.path(), "rb") as f:
            assert f.read(5) == b"%PDF-"

        page.goto(f"{live_server}/forms/")
        assert page.locator("#forms tbody tr").count() == 2
        shoot(page, "officer-forms-list")
    finally:
        page.close()


def test_officer_sets_a_range_and_level_and_type_counts_in_the_builder(chromium, app, live_server, bank):
    page = chromium.new_page()
    try:
        _sign_in(page, app, live_server, "/forms/blueprints/")
        page.goto(f"{live_server}/forms/blueprints/new?area=ค&grade=ป.6")
        page.fill("#bp-code", "BP-RANGE")
        page.fill("#bp-name", "คณิตศาสตร์ ป.6 ช่วงจำนวนข้อ")
        page.fill("input[name='n|ค 1.1 ป.6/1|understand']", "2-4")
        page.fill("input[name='n|ค 1.1 ป.6/2|apply']", "4")
        page.fill("input[name='n|ค 2.1 ป.6/1|analyze']", "3")
        # a range makes the totals ranges (minima–maxima), not the sum of the minima
        assert page.inner_text("#grand-total") == "9–11"
        assert page.inner_text("tr[data-indicator='ค 1.1 ป.6/1'] [data-row-total]") == "2–4"
        assert page.inner_text("tr[data-indicator='ค 1.1 ป.6/2'] [data-row-total]") == "4"
        page.fill("#bp-length", "9")
        page.fill("#lv-analyze", "3")
        page.fill("#ty-multiple_choice", "9")
        assert "คลัง 48" in page.inner_text("#type-limits")
        shoot(page, "officer-blueprint-builder-ranges")
        page.click("#save-blueprint")
        page.wait_for_url("**/forms/blueprints/BP-RANGE")
        assert "2–4 ข้อ" in page.inner_text("main")
        shoot(page, "officer-blueprint-ranges-shortage")
    finally:
        page.close()

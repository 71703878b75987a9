"""An analyst in a real Chromium: runs the analysis (a job, to done), opens the item statistics with their
Thai flags and an item's history with its ICC, then downloads the district report as PDF (Thai text in it).
Every page is photographed at 1366 and 390 px (tests/web/screens.py)."""

from __future__ import annotations

import subprocess

import pytest
from screens import shoot

pytestmark = pytest.mark.browser


def _sign_in(page, app, live_server, role, next_path, **kw):
    from signin import PASSWORD, make_account

    user = make_account(app, role, **kw)
    page.goto(f"{live_server}{next_path}")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{live_server}{next_path}")
    return user


def _image_loaded(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


def test_analyst_runs_the_analysis_and_reads_items_and_reports(chromium, app, live_server, world, tmp_path):
    page = chromium.new_page()
    try:
        _sign_in(page, app, live_server, "analyst", "/analysis/")
        assert "ยังไม่ได้วิเคราะห์" in page.inner_text("#administrations")
        shoot(page, "analyst-analysis-index-before")
        page.click("#administrations a:has-text('สอบปลายปี ป.6')")
        page.wait_for_url("**/analysis/ADM-1/")
        shoot(page, "analyst-analysis-not-analysed")
        page.select_option("select[name=model]", "2pl")
        page.click("[data-test=run-analysis]")
        page.wait_for_url("**/jobs/*")
        page.wait_for_selector("[data-test=job-status]:has-text('เสร็จแล้ว')", timeout=60_000)
        shoot(page, "analyst-analysis-job-done")
        page.click("#job-link")
        page.wait_for_url("**/analysis/ADM-1/")
        table = page.inner_text("#item-statistics")
        assert "S6-00" in table and "ค่าความเชื่อมั่น" in page.inner_text("#test-figures")
        assert page.locator("#item-statistics tbody tr").count() == 8
        page.wait_for_load_state("networkidle")
        assert _image_loaded(page, "figure.tif img")
        shoot(page, "analyst-analysis-statistics")
        flagged = page.locator("#item-statistics tr.flagged").count()
        page.click("#flagged-only")
        page.wait_for_url("**flagged=1")
        assert page.locator("#item-statistics tr.flagged").count() == flagged
        shoot(page, "analyst-analysis-flagged")
        page.goto(f"{live_server}/analysis/ADM-1/")
        page.click("#item-statistics a:has-text('S6-01')")
        page.wait_for_url("**/analysis/items/S6-01")
        page.wait_for_load_state("networkidle")
        assert "ADM-1" in page.inner_text("#history") and _image_loaded(page, "#icc")
        shoot(page, "analyst-analysis-item-history")
        page.goto(f"{live_server}/analysis/parameter-sets")
        assert "district-ป.6" in page.inner_text("#parameter-sets")
        shoot(page, "analyst-analysis-parameter-sets")

        page.goto(f"{live_server}/reports/")
        shoot(page, "analyst-reports-index")
        page.click("[data-test=district-report]")
        page.wait_for_url("**/reports/ADM-1/district")
        page.wait_for_load_state("networkidle")
        assert "ผลการสอบรายโรงเรียน" in page.inner_text("#report")
        shoot(page, "analyst-reports-district")
        with page.expect_download() as info:
            page.click("[data-test=download-pdf]")
        pdf = tmp_path / "district.pdf"
        info.value.save_as(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "รายงานผลการสอบ" in text and "ระดับเขตพื้นที่" in text and "โรงเรียนทดสอบ" in text
        page.goto(f"{live_server}/reports/ADM-1/items")
        shoot(page, "analyst-reports-items")
        page.goto(f"{live_server}/reports/ADM-1/school?school=1040120001")
        shoot(page, "analyst-reports-school")
    finally:
        page.close()


def test_a_school_reads_its_own_report(chromium, app, live_server, analysed, world):
    page = chromium.new_page()
    try:
        _sign_in(page, app, live_server, "school", "/reports/", school_id=world["schools"]["1040120001"])
        shoot(page, "school-reports-index")
        page.click("[data-test=own-school-report]")
        page.wait_for_url("**/reports/ADM-1/school")
        page.wait_for_load_state("networkidle")
        assert "โรงเรียนทดสอบ 1" in page.inner_text("#report")
        shoot(page, "school-reports-own")
    finally:
        page.close()

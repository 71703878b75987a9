"""An analyst in a real Chromium starts a calibration, a scale link and a DIF analysis one by one from the
analysis page, follows each job to done and reads its result; every page photographed at 1366 and 390 px."""

from __future__ import annotations

import pytest
from screens import shoot

pytestmark = pytest.mark.browser


def _sign_in(page, app, live_server, next_path):
    from signin import PASSWORD, make_account

    user = make_account(app, "analyst")
    page.goto(f"{live_server}{next_path}")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{live_server}{next_path}")


def _run(page, button: str, name: str) -> None:
    page.click(f"[data-test={button}]")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("[data-test=job-status]:has-text('เสร็จแล้ว')", timeout=60_000)
    shoot(page, f"{name}-job")
    page.click("#job-link")
    page.wait_for_url("**/analysis/results/*")
    page.wait_for_load_state("networkidle")
    shoot(page, name)


def test_analyst_calibrates_links_and_runs_dif_from_the_page(chromium, app, live_server, analysed):
    page = chromium.new_page()
    try:
        _sign_in(page, app, live_server, "/analysis/ADM-1/")
        page.click("[data-test=analysis-steps]")
        page.wait_for_url("**/analysis/ADM-1/steps")
        shoot(page, "analyst-analysis-steps")
        page.check("#step-calibrate input[name=save]")
        _run(page, "start-calibrate", "analyst-analysis-calibration")
        assert page.locator("#parameters tbody tr").count() == 7
        assert page.eval_on_selector("figure.tif img", "img => img.complete && img.naturalWidth > 0")
        page.goto(f"{live_server}/analysis/ADM-1/steps")
        page.select_option("#link-method", "haebara")
        _run(page, "start-link", "analyst-analysis-linking")
        assert "SE" in page.inner_text("#linking-constants") and page.locator("#common-items tbody tr").count() >= 2
        page.goto(f"{live_server}/analysis/ADM-1/steps")
        _run(page, "start-dif", "analyst-analysis-dif")
        assert page.locator("#dif-table tbody tr").count() == 7
        page.goto(page.url + "?lang=en")
        assert "ETS classes" in page.inner_text("main")
        shoot(page, "analyst-analysis-dif-en")
        page.goto(f"{live_server}/analysis/ADM-1/steps?lang=en")
        assert page.locator("#earlier-steps tbody tr").count() == 3
        shoot(page, "analyst-analysis-steps-en")
    finally:
        page.close()

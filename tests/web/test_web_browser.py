"""The bank browser in a real headless Chromium: filter, open an item, see Thai rendered."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_officer_filters_the_bank_and_opens_an_item(chromium, live_server, sample_bank, tmp_path):
    page = chromium.new_page()
    try:
        page.goto(f"{live_server}/bank/")
        assert page.locator("#items tbody tr").count() == 5
        page.select_option("#f-area", "ค")
        page.select_option("#f-grade", "ป.6")
        page.click("#apply-filters")
        page.wait_for_url("**learning_area=*")
        assert page.locator("#items tbody tr").count() == 3
        assert "พบ 3 ข้อ" in page.inner_text("[data-test=total]")
        page.click("text=M6-0002")
        preview = page.locator("#preview")
        assert "เศษส่วน" in preview.inner_text()
        assert page.locator("#preview li.key").inner_text().startswith("ค.")
        # Sarabun was fetched from our own server and used
        used = page.evaluate("document.fonts.check('16px Sarabun')")
        assert used
        page.screenshot(path=str(tmp_path / "item.png"), full_page=True)
        assert (tmp_path / "item.png").stat().st_size > 10_000
    finally:
        page.close()


def test_no_script_in_a_stem_runs_in_the_browser(chromium, live_server, sample_bank):
    page = chromium.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(f"{live_server}/bank/items/M6-0002")
        page.wait_for_load_state("networkidle")
        assert dialogs == []
    finally:
        page.close()

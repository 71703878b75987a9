"""The bank browser in a real headless Chromium: filter, open an item, see Thai rendered."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _sign_in(page, app, live_server, role="officer", next_path="/bank/"):
    """Through the Thai sign-in page, as a person would."""
    from signin import PASSWORD, make_account

    user = make_account(app, role)
    page.goto(f"{live_server}{next_path}")
    assert "/login?next=" in page.url
    assert "ลงชื่อเข้าใช้" in page.inner_text("h1")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{live_server}{next_path}")
    return user


def test_officer_filters_the_bank_and_opens_an_item(chromium, app, live_server, sample_bank, tmp_path):
    page = chromium.new_page()
    try:
        _sign_in(page, app, live_server)
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


def test_no_script_in_a_stem_runs_in_the_browser(chromium, app, live_server, sample_bank):
    page = chromium.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        _sign_in(page, app, live_server, next_path="/bank/items/M6-0002")
        page.wait_for_load_state("networkidle")
        assert dialogs == []
    finally:
        page.close()


def test_sign_out_ends_the_session_in_the_browser(chromium, app, live_server, sample_bank):
    context = chromium.new_context()
    page = context.new_page()
    try:
        _sign_in(page, app, live_server)
        cookies = context.cookies()
        page.click("#sign-out")
        page.wait_for_url("**/login")
        replay = chromium.new_context()
        replay.add_cookies(cookies)          # the cookie copied before sign-out no longer works
        again = replay.new_page()
        again.goto(f"{live_server}/bank/")
        assert "/login" in again.url
        replay.close()
    finally:
        context.close()

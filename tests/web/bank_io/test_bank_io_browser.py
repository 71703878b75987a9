"""An officer imports items through the pages in a real Chromium: a file with broken rows first (the
table of row problems), then the fixed file, confirms, and finds the item in the bank. Screenshots of
the import page, the refused dry run, the dry-run summary and the export page at 1366 and 390 px."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/web: screens
from screens import shoot  # noqa: E402

pytestmark = pytest.mark.browser

HEADER = "รหัสข้อสอบ,ชนิดข้อสอบ,โจทย์,ตัวเลือก ก,ตัวเลือก ข,ตัวเลือก ค,ตัวเลือก ง,เฉลย,ตัวชี้วัด,ชั้น,ระดับพฤติกรรม\n"
GOOD = [
    "M6-301,เลือกตอบ,๗ × ๘ มีค่าเท่าใด,54,56,58,64,ข,ค 1.1 ป.6/2,ป.6,นำไปใช้\n",
    "M6-302,เลือกตอบ,ข้อใดเป็นจำนวนเฉพาะทั้งหมด,2 3 5,4 6 8,9 15 21,1 4 9,ก,ค 1.1 ป.6/2,ป.6,เข้าใจ\n",
    "T6-301,เลือกตอบ,คำใดสะกดถูกต้องตามพจนานุกรมฉบับราชบัณฑิตยสถาน,กระเพรา,กะเพรา,กระเพา,กะเพา,ข,ท 4.1 ป.6/1,ป.6,จำ\n",
]
BROKEN = [GOOD[0], GOOD[1].replace(",ก,ค 1.1", ",จ,ค 1.1"), GOOD[2].replace("ท 4.1 ป.6/1", "ท 9.9 ป.6/1")]


def _sign_in(page, app, live_server, next_path):
    from signin import PASSWORD, make_account

    user = make_account(app, "officer")
    page.goto(f"{live_server}{next_path}")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{live_server}{next_path}")


def test_officer_imports_a_broken_file_then_the_fixed_one_and_finds_the_item(chromium, app, live_server, tmp_path):
    broken, fixed = tmp_path / "ข้อสอบคณิต.csv", tmp_path / "items-fixed.csv"
    broken.write_text(HEADER + "".join(BROKEN), encoding="utf-8")
    fixed.write_text(HEADER + "".join(GOOD), encoding="utf-8")
    page = chromium.new_page()
    try:
        _sign_in(page, app, live_server, "/bank/import")
        assert page.inner_text("h1") == "นำเข้าข้อสอบ"
        shoot(page, "officer-bank-import")
        page.set_input_files("#file", str(broken))
        page.click("#check-file")
        page.wait_for_url("**/bank/import/*")
        assert "พบปัญหา 2 รายการ" in page.inner_text("[data-test=dry-run-refused]")
        rows = page.locator("table.problems tbody tr")
        assert rows.count() == 2
        first = [c.strip() for c in rows.nth(0).locator("td").all_inner_texts()]
        assert first[:3] == ["ข้อสอบคณิต.csv", "3", "เฉลย"] and "ไม่อยู่ในตัวเลือก" in first[3]
        assert page.locator("#confirm-import").count() == 0
        shoot(page, "officer-bank-import-refused")
        page.set_input_files("#file", str(fixed))
        page.click("#check-file")
        page.wait_for_selector("[data-test=dry-run-ok]")
        assert page.inner_text("[data-test=n-created]") == "3"
        shoot(page, "officer-bank-import-dry-run")
        page.click("#confirm-import")
        page.wait_for_url(f"{live_server}/bank/")
        assert "ข้อสอบใหม่ 3 ข้อ" in page.inner_text("main")
        page.goto(f"{live_server}/bank/?text=จำนวนเฉพาะ")
        assert "M6-302" in page.inner_text("main")
        page.goto(f"{live_server}/bank/export?learning_area=ค")
        assert "ตรงตามตัวกรอง 2 ข้อ" in page.inner_text("[data-test=export-total]")
        shoot(page, "officer-bank-export")
    finally:
        page.close()

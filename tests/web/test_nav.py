"""The menu by role: each person sees the areas their roles may use, and nothing else."""

from __future__ import annotations

import pytest
from signin import make_account, sign_in


def _menu(app, role):
    user = make_account(app, role)
    client = app.test_client()
    sign_in(client, user.username)
    page = client.get("/").get_data(as_text=True)
    nav = page[page.index("<nav"):page.index("</nav>")]
    return nav


@pytest.mark.parametrize(("role", "shown", "hidden"), [
    ("school", ["การสอบของโรงเรียน"], ["คลังข้อสอบ", "วิเคราะห์ข้อสอบ", "ผู้ดูแลระบบ", "การจัดสอบ"]),
    ("officer", ["คลังข้อสอบ", "ผังการออกข้อสอบ", "การจัดสอบ", "รายงาน", "ปีการศึกษา"],
     ["การสอบของโรงเรียน", "ผู้ดูแลระบบ", "บันทึกการใช้งาน"]),
    ("secretary", ["รายงาน ก.ต.ป.น."], ["คลังข้อสอบ", "นิเทศและประกันคุณภาพ", "ผู้ดูแลระบบ"]),
    ("qa", ["นิเทศและประกันคุณภาพ", "บันทึกการใช้งาน"], ["รายงาน ก.ต.ป.น.", "ผังการออกข้อสอบ"]),
    ("admin", ["ผู้ดูแลระบบ"], ["การสอบของโรงเรียน", "บันทึกการใช้งาน", "ปีการศึกษา"]),
])
def test_the_menu_of_each_role(app, role, shown, hidden):
    nav = _menu(app, role)
    for label in shown:
        assert f">{label}<" in nav, (role, label)
    for label in hidden:
        assert f">{label}<" not in nav, (role, label)

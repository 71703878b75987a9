"""The administrator's account pages: list, add, disable, new password; refused to everyone else."""

from __future__ import annotations

import re

from signin import csrf_token, ensure_school, make_account, sign_in, signed_in_client


def test_the_administrator_adds_a_user_with_two_roles_who_then_signs_in(app):
    admin = signed_in_client(app, "admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert admin.user.username in page and 'name="roles"' in page
    r = admin.post("/admin/users", data={"username": "somchai", "display_name": "นายสมชาย", "roles": ["officer", "reviewer"],
                                         "password": "แมวส้มนอนบนหลังคา", "csrf_token": csrf_token(admin, "/admin/users")})
    assert r.status_code == 302
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "เพิ่มผู้ใช้ somchai แล้ว" in page and "นักวัดผล, ผู้พิจารณาข้อสอบ" in page
    client = app.test_client()
    sign_in(client, "somchai", "แมวส้มนอนบนหลังคา")


def test_refusals_are_shown_in_thai_and_nothing_is_added(app):
    admin = signed_in_client(app, "admin")
    token = csrf_token(admin, "/admin/users")
    admin.post("/admin/users", data={"username": "weak", "roles": ["officer"], "password": "1234567890",
                                     "csrf_token": token})
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "เดาง่าย" in page and 'data-user="weak"' not in page
    admin.post("/admin/users", data={"username": "s1", "roles": ["school"], "school": "9999999999", "csrf_token": token})
    assert "ไม่พบโรงเรียน" in admin.get("/admin/users").get_data(as_text=True)


def test_disabling_and_a_new_password_end_the_users_sessions(app):
    admin = signed_in_client(app, "admin")
    user = make_account(app, "officer")
    victim = app.test_client()
    sign_in(victim, user.username)
    token = csrf_token(admin, "/admin/users")
    admin.post(f"/admin/users/{user.username}/password", data={"csrf_token": token})
    page = admin.get("/admin/users").get_data(as_text=True)
    password = re.search(rf"รหัสผ่านใหม่ของ {user.username}: (\S+) ", page).group(1)
    assert victim.get("/bank/").status_code == 302
    sign_in(victim, user.username, password)
    admin.post(f"/admin/users/{user.username}/active", data={"active": "0", "csrf_token": token})
    assert victim.get("/bank/").status_code == 302
    assert "ปิดแล้ว" in admin.get("/admin/users").get_data(as_text=True)


def test_only_administrators_manage_accounts(app):
    ensure_school(app)
    target = make_account(app, "officer")
    for role in ("officer", "reviewer", "analyst", "supervisor", "qa", "school"):
        client = signed_in_client(app, role)
        assert client.get("/admin/users").status_code == 403
        token = csrf_token(client, "/account/password")
        for url in ("/admin/users", f"/admin/users/{target.username}/active", f"/admin/users/{target.username}/password"):
            assert client.post(url, data={"csrf_token": token, "username": "x", "roles": ["admin"],
                                          "active": "0"}).status_code == 403
    sign_in(app.test_client(), target.username)          # still active, password unchanged


def test_downloading_the_ioc_form_is_audited(app, sample_bank):
    from sqlalchemy import select

    from itembank.audit import AuditLog
    from web.store_ext import get_store

    officer = signed_in_client(app, "officer")
    with officer.get("/bank/ioc-form.xlsx?status=draft&expert=ครูสมศรี") as response:
        assert response.status_code == 200
    with get_store(app).read_session() as s:
        (row,) = s.scalars(select(AuditLog).where(AuditLog.event == "download")).all()
    assert row.username == officer.user.username and row.object_type == "ioc_form"
    assert row.detail["expert"] == "ครูสมศรี" and "M6-0001" in row.detail["items"]


def test_a_script_in_a_name_is_shown_back_as_text(app):
    admin = signed_in_client(app, "admin")
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    admin.post("/admin/users", data={"username": "xss", "display_name": payload, "roles": ["officer"],
                                     "csrf_token": csrf_token(admin, "/admin/users")})
    page = admin.get("/admin/users").get_data(as_text=True)
    assert 'data-user="xss"' in page and "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

"""Sign-in, sign-out and sessions through the pages (ASVS V6/V7, security note §7 #9)."""

from __future__ import annotations

import re

import pytest
from signin import PASSWORD, csrf_token, make_account, sign_in
from sqlalchemy import select

from web import create_app
from web.store_ext import get_store


@pytest.fixture
def app(db_url, session, tmp_path):
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "LOGIN_FAILURE_DELAY": 0},
                     instance_path=str(tmp_path / "instance"))
    yield app
    get_store(app).dispose()


def _audit(app, event):
    from itembank.audit import AuditLog

    with get_store(app).read_session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.event == event)))


def test_the_sign_in_page_is_thai_and_posts_username_password_and_csrf_token(app):
    page = app.test_client().get("/login").get_data(as_text=True)
    assert 'lang="th"' in page and "ลงชื่อเข้าใช้" in page
    for name in ("username", "password", "csrf_token"):
        assert f'name="{name}"' in page
    assert 'type="password"' in page


def test_signing_in_opens_the_pages_and_is_audited(app):
    user = make_account(app)
    client = app.test_client()
    assert client.get("/bank/").status_code == 302
    response = sign_in(client, user.username)
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert user.display_name in page and 'id="sign-out"' in page
    assert [r.username for r in _audit(app, "auth.sign_in")] == [user.username]


def test_a_missing_or_forged_csrf_token_refuses_the_sign_in(app):
    user = make_account(app)
    client = app.test_client()
    for token in (None, "forged", csrf_token(app.test_client())):   # the last: another browser's token
        data = {"username": user.username, "password": PASSWORD}
        if token:
            data["csrf_token"] = token
        response = client.post("/login", data=data)
        assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    assert client.get("/bank/").status_code == 302


def test_wrong_passwords_then_the_lockout_the_same_for_unknown_users(app):
    user = make_account(app)
    client = app.test_client()
    token = csrf_token(client)
    bodies = set()
    for name in (user.username, "nobody"):
        for _ in range(10):
            r = client.post("/login", data={"username": name, "password": "ผิดผิดผิดผิดผิด", "csrf_token": token})
            assert r.status_code == 401
            bodies.add(re.search(r'data-test="login-error">([^<]*)<', r.get_data(as_text=True)).group(1))
    assert bodies == {"ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"}
    r = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 401 and "15 นาที" in r.get_data(as_text=True)
    assert len(_audit(app, "auth.failure")) == 20 and len(_audit(app, "auth.locked")) == 1
    other = make_account(app)                      # other accounts are not affected
    sign_in(app.test_client(), other.username)


def test_the_lockout_is_shared_by_every_worker(app, db_url, tmp_path):
    """Two apps (two gunicorn workers) on one database count the same failures."""
    user = make_account(app)
    other = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "LOGIN_FAILURE_DELAY": 0},
                       instance_path=str(tmp_path / "other"))
    try:
        for i in range(10):
            client = (app if i % 2 else other).test_client()
            client.post("/login", data={"username": user.username, "password": "ผิดผิดผิดผิดผิด",
                                        "csrf_token": csrf_token(client)})
        client = other.test_client()
        r = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                        "csrf_token": csrf_token(client)})
        assert r.status_code == 401 and "15 นาที" in r.get_data(as_text=True)
    finally:
        get_store(other).dispose()


def test_sign_out_is_a_post_with_its_token_and_a_copied_cookie_stops_working(app):
    user = make_account(app)
    client = app.test_client()
    sign_in(client, user.username)
    cookie = client.get_cookie("khlang_session").value
    assert client.get("/logout").status_code == 405                     # no GET changes anything
    assert client.post("/logout").status_code == 400                    # no token
    assert client.get("/bank/").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("khlang_session", cookie)
    assert replay.get("/bank/").status_code == 302                      # the copied cookie is dead


def test_a_password_change_ends_every_session(app):
    user = make_account(app)
    a, b = app.test_client(), app.test_client()
    sign_in(a, user.username)
    sign_in(b, user.username)
    r = a.post("/account/password", data={"current_password": PASSWORD, "new_password": "ช้างเผือกเดินข้ามสะพาน",
                                          "new_password2": "ช้างเผือกเดินข้ามสะพาน",
                                          "csrf_token": csrf_token(a, "/account/password")})
    assert r.status_code == 302
    assert a.get("/bank/").status_code == 302 and b.get("/bank/").status_code == 302
    sign_in(a, user.username, "ช้างเผือกเดินข้ามสะพาน")


def test_a_weak_new_password_is_refused_in_thai(app):
    client = app.test_client()
    user = make_account(app)
    sign_in(client, user.username)
    r = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "1234567890",
                                               "new_password2": "1234567890",
                                               "csrf_token": csrf_token(client, "/account/password")})
    assert r.status_code == 422 and "เดาง่าย" in r.get_data(as_text=True)


def test_disabling_an_account_ends_its_session(app):
    from itembank.accounts import set_active
    from itembank.authz import Actor

    user = make_account(app)
    client = app.test_client()
    sign_in(client, user.username)
    with get_store(app).session() as s:
        set_active(s, Actor.system(), user.username, False)
    assert client.get("/bank/").status_code == 302


def test_idle_sessions_end(app):
    from datetime import timedelta

    from itembank.accounts import AuthSession

    user = make_account(app)
    client = app.test_client()
    sign_in(client, user.username)
    with get_store(app).session() as s:
        row = s.scalars(select(AuthSession)).one()
        row.last_seen_at = row.last_seen_at - timedelta(minutes=31)
        row.created_at = row.created_at - timedelta(minutes=31)
        s.commit()
    assert client.get("/bank/").status_code == 302


def test_sign_in_redirects_only_inside_the_site(app):
    user = make_account(app)
    for target, expected in [("/bank/?grade=ป.6", "/bank/?grade=ป.6"), ("//evil.example/x", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")]:
        client = app.test_client()
        r = client.post("/login", data={"username": user.username, "password": PASSWORD, "next": target,
                                        "csrf_token": csrf_token(client)})
        from urllib.parse import unquote

        assert unquote(r.headers["Location"]) == expected


def test_officers_use_a_second_factor_when_production_requires_it(app):
    import pyotp

    app.config["TOTP_REQUIRED"] = True
    user = make_account(app, "officer")
    client = app.test_client()
    r = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                    "csrf_token": csrf_token(client)})
    assert r.headers["Location"] == "/login/totp"
    assert client.get("/bank/").status_code == 302                      # not signed in yet
    page = client.get("/login/totp").get_data(as_text=True)
    secret = re.search(r'data-test="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert "<svg" in page                                               # the QR code, drawn by us
    token = csrf_token(client, "/login/totp")
    assert client.post("/login/totp", data={"code": "000000", "csrf_token": token}).status_code == 401
    r = client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert r.status_code == 302 and client.get("/bank/").status_code == 200
    # the next sign-in asks for a code, and a stolen password cannot enrol a new authenticator
    client2 = app.test_client()
    client2.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(client2)})
    assert 'data-test="totp-secret"' not in client2.get("/login/totp").get_data(as_text=True)
    # a school account signs in with its password only
    school = make_account(app, "school")
    assert sign_in(app.test_client(), school.username).headers["Location"] == "/"


def test_api_tokens_authenticate_machine_clients_by_scope(app):
    from itembank.accounts import issue_token, revoke_tokens
    from itembank.authz import Actor

    user = make_account(app, "analyst")
    with get_store(app).session() as s:
        full = issue_token(s, Actor.system(), user.username)
        narrow = issue_token(s, Actor.system(), user.username, scopes=("instrument.read",))
    ok = {"Authorization": f"Bearer {full}", "Accept": "application/json"}
    client = app.test_client()
    assert client.get("/bank/", headers=ok).status_code == 200
    assert client.get("/bank/", headers={**ok, "Authorization": f"Bearer {narrow}"}).status_code == 403
    assert client.get("/bank/instruments/", headers={**ok, "Authorization": f"Bearer {narrow}"}).status_code == 200
    assert client.get("/bank/", headers={**ok, "Authorization": "Bearer khl_forged"}).status_code == 401
    with get_store(app).session() as s:
        revoke_tokens(s, Actor.system(), user.username)
    assert client.get("/bank/", headers=ok).status_code == 401
    fresh = app.test_client()
    fresh.get("/bank/", headers={"Authorization": f"Bearer {narrow}"})
    assert fresh.get("/bank/instruments/").status_code == 302     # a token never opens a cookie session


def test_a_role_without_the_permission_gets_403_and_an_audit_row(app):
    school = make_account(app, "school")
    client = app.test_client()
    sign_in(client, school.username)
    r = client.get("/bank/")
    assert r.status_code == 403 and "ไม่มีสิทธิ์" in r.get_data(as_text=True)
    (row,) = _audit(app, "access.denied")
    assert row.username == school.username and row.detail["action"] == "item.search" and row.outcome == "denied"


def test_demo_accounts_are_offered_only_in_demo_mode(app):
    make_account(app, "officer", username="officer.demo")
    assert "officer.demo" not in app.test_client().get("/login").get_data(as_text=True)
    app.config["DEMO_MODE"] = True
    page = app.test_client().get("/login").get_data(as_text=True)
    assert 'data-test="demo-accounts"' in page and "officer.demo" in page and app.config["DEMO_PASSWORD"] in page


def test_guessing_totp_codes_counts_toward_the_lockout(app):
    app.config["TOTP_REQUIRED"] = True
    user = make_account(app, "analyst")
    client = app.test_client()
    client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(client)})
    client.get("/login/totp")
    token = csrf_token(client, "/login/totp")
    for guess in range(10):
        r = client.post("/login/totp", data={"code": f"x{guess:05d}", "csrf_token": token})   # never a real code
        assert r.status_code == 401
    r = client.post("/login/totp", data={"code": "x99999", "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert len(_audit(app, "auth.totp_failure")) == 10
    other = app.test_client()                      # the password alone no longer opens the account
    r = other.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(other)})
    assert r.status_code == 401 and "15 นาที" in r.get_data(as_text=True)

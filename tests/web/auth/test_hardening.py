"""Hardening (issue 11 part 5): CSRF on every state change, no GET changes anything, headers, cookie
flags, size limits, no traceback, and a server that refuses to start unsafe in production."""

from __future__ import annotations

import re

import pytest
from signin import csrf_token, make_account, sign_in
from test_route_inventory import _db_digest, _routes

from web import create_app
from web.production import UnsafeConfiguration
from web.store_ext import get_store

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def admin(app):
    user = make_account(app, "admin")
    client = app.test_client()
    sign_in(client, user.username)
    return client


def _url(rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", "x", rule.rule)


def test_every_state_change_needs_the_csrf_token(app, admin):
    checked = 0
    for rule, _view in _routes(app):
        for method in set(rule.methods) & set(UNSAFE):
            for data in (None, {"csrf_token": "forged"}):
                response = admin.open(_url(rule), method=method, data=data)
                assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True), rule.rule
                checked += 1
    assert checked >= 6      # /login, /login/totp, /logout, /account/password at least


def test_no_get_changes_anything(app, admin, sample_bank):
    before = _db_digest(app)
    changed = []
    for rule, _view in _routes(app):
        if "GET" in rule.methods and rule.endpoint != "static":
            admin.get(_url(rule))
            now = _db_digest(app)
            if now != before:
                changed.append(rule.rule)
                before = now
    assert changed == [], f"GET routes that changed a table: {changed}"


def test_security_headers_on_every_page(app, admin, sample_bank):
    for path in ("/", "/bank/", "/login", "/nothing-here"):
        h = admin.get(path).headers
        csp = h["Content-Security-Policy"]
        for part in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"):
            assert part in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "same-origin" and h["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in h          # only in production (behind TLS)
        assert re.fullmatch(r"[0-9a-f]{16}", h["X-Request-Id"])
    assert admin.get("/bank/").headers["Cache-Control"] == "no-store"


def test_cookie_flags(app):
    user = make_account(app)
    client = app.test_client()
    response = sign_in(client, user.username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "remember_token" not in cookie


def test_production_turns_on_secure_cookies_and_hsts(db_url, session, tmp_path):
    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "k" * 40, "PRODUCTION": True, "TOTP_REQUIRED": True},
                     instance_path=str(tmp_path / "prod"))
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
        response = app.test_client().get("/login", base_url="https://localhost")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        get_store(app).dispose()


@pytest.mark.parametrize("unsafe, words", [
    ({"DEMO_MODE": True}, "DEMO_MODE"),
    ({"DEBUG": True}, "DEBUG"),
    ({"SECRET_KEY": "test"}, "SECRET_KEY"),
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"TOTP_REQUIRED": False}, "TOTP_REQUIRED"),
])
def test_production_refuses_to_start_unsafe(db_url, tmp_path, unsafe, words):
    config = {"DATABASE_URL": db_url, "SECRET_KEY": "k" * 40, "PRODUCTION": True, "TOTP_REQUIRED": True, **unsafe}
    with pytest.raises(UnsafeConfiguration) as e:
        create_app(config, instance_path=str(tmp_path / "prod"))
    assert words in str(e.value) and "ไม่เริ่มระบบ" in str(e.value)


def test_production_refuses_to_start_while_demo_accounts_keep_the_demo_password(app, db_url, tmp_path):
    make_account(app, "officer", username="officer.malee", password=app.config["DEMO_PASSWORD"])
    with pytest.raises(UnsafeConfiguration) as e:
        create_app({"DATABASE_URL": db_url, "SECRET_KEY": "k" * 40, "PRODUCTION": True, "TOTP_REQUIRED": True},
                   instance_path=str(tmp_path / "prod"))
    assert "officer.malee" in str(e.value)


def test_an_oversized_body_gets_413_in_thai(app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    client = app.test_client()
    response = client.post("/login", data={"username": "x" * 5000, "password": "y",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 413 and "ขนาดใหญ่เกิน" in response.get_data(as_text=True)


def test_a_crash_shows_a_thai_page_with_a_request_id_and_no_traceback(db_url, session, tmp_path):
    from web.auth import public

    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "test"}, instance_path=str(tmp_path / "i"))

    @app.get("/boom")
    @public
    def boom():
        raise RuntimeError("secret detail: /etc/passwd")

    try:
        response = app.test_client().get("/boom")
        page = response.get_data(as_text=True)
        assert response.status_code == 500 and "ระบบขัดข้อง" in page
        assert response.headers["X-Request-Id"] in page
        assert "Traceback" not in page and "secret detail" not in page and "RuntimeError" not in page
    finally:
        get_store(app).dispose()


def test_another_schools_object_is_refused_as_not_found(app):
    """An object-level refusal (other school) renders exactly like a missing object: no oracle."""
    from itembank.errors import ItemBankError
    from web.auth import public

    @app.get("/probe/<kind>")
    @public
    def probe(kind):
        if kind == "other":
            raise ItemBankError("authz.other_school", kind="forbidden", message_th="เป็นข้อมูลของโรงเรียนอื่น")
        from flask import abort

        abort(404)

    client = app.test_client()
    other, missing = client.get("/probe/other"), client.get("/probe/none")
    assert other.status_code == missing.status_code == 404
    strip = lambda r: re.sub(r"[0-9a-f]{16}", "", r.get_data(as_text=True))  # noqa: E731
    assert strip(other) == strip(missing) and "โรงเรียนอื่น" not in strip(other)


def test_a_script_in_a_text_field_is_shown_back_escaped(app):
    client = app.test_client()
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    response = client.post("/login", data={"username": payload, "password": "x" * 12,
                                           "next": payload, "csrf_token": csrf_token(client)})
    page = response.get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page


def test_khlang_serve_debug_is_refused_in_production_in_thai(db_url, tmp_path):
    from click.testing import CliRunner

    from web.cli import cli

    env = {"DATABASE_URL": db_url, "KHLANG_INSTANCE": str(tmp_path / "i"), "KHLANG_PRODUCTION": "true",
           "KHLANG_SECRET_KEY": "k" * 40, "KHLANG_TOTP_REQUIRED": "true"}
    result = CliRunner(env=env).invoke(cli, ["serve", "--debug"])
    assert result.exit_code == 1 and "ไม่เริ่มระบบ" in result.output and "DEBUG" in result.output
    assert "Traceback" not in result.output

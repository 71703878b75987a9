"""/login, /login/totp, /logout and /account/password: Thai first, every POST with its CSRF token."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from itembank import accounts
from itembank.errors import KhlangError
from web.auth import SIGNED_IN, SignedIn, acting, client_ip, current_user, policy, public, requires
from web.i18n import page_language as _locale
from web.store_ext import write_session

bp = Blueprint("auth", __name__)

PENDING_SECONDS = 300  # between the password and the second factor


def _safe_next(target: str | None) -> str:
    """Only a path of this site (no scheme, no host, no //host): an open redirect is refused."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("home.index")
    return target


def _totp_needed(user: accounts.UserPublic) -> bool:
    return user.needs_totp and (user.totp_enrolled or bool(current_app.config["TOTP_REQUIRED"]))


def _finish(user: accounts.UserPublic, next_url: str | None):
    session.clear()  # a fresh session: no fixation
    with write_session() as s:
        token = accounts.start_session(s, user.id, ip=client_ip())
    login_user(SignedIn(user, token))
    session.permanent = True
    return redirect(_safe_next(next_url))


def _demo_accounts() -> list[accounts.UserPublic]:
    if not current_app.config.get("DEMO_MODE"):
        return []
    from itembank.authz import Actor

    with write_session() as s:
        users = accounts.list_users(s, Actor.system())
    first: dict[str, accounts.UserPublic] = {}
    for u in users:
        if u.is_active and u.has_password:
            first.setdefault(u.role, u)
    return list(first.values())


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """ลงชื่อเข้าใช้: username and password; officers, analysts and administrators then a TOTP code."""
    error = None
    next_url = request.values.get("next")
    if request.method == "POST":
        username = request.form.get("username", "")
        password = request.form.get("password", "")
        try:
            with write_session() as s:
                user = accounts.check_password_sign_in(s, username, password, ip=client_ip(), policy=policy())
        except KhlangError as e:
            if e.code not in ("auth.failed", "auth.locked"):
                raise
            time.sleep(float(current_app.config["LOGIN_FAILURE_DELAY"]))
            error = e.text(_locale())
        else:
            if _totp_needed(user):
                session.clear()
                session["pending_uid"], session["pending_at"] = user.id, time.time()
                session["pending_next"] = _safe_next(next_url)
                return redirect(url_for("auth.totp"))
            return _finish(user, next_url)
    return render_template("auth/login.html", error=error, next_url=next_url, demo_accounts=_demo_accounts(),
                           demo_password=current_app.config.get("DEMO_PASSWORD") if current_app.config.get("DEMO_MODE")
                           else None), (401 if error else 200)


def _pending_user() -> accounts.UserPublic | None:
    uid, at = session.get("pending_uid"), session.get("pending_at", 0)
    if uid is None or time.time() - at > PENDING_SECONDS:
        return None
    from itembank.authz import Actor

    with write_session() as s:
        users = [u for u in accounts.list_users(s, Actor.system()) if u.id == uid and u.is_active]
    return users[0] if users else None


@bp.route("/login/totp", methods=["GET", "POST"])
@public
def totp():
    """รหัสยืนยันตัวตนจากแอป (TOTP): the second step; the first time, enrol the authenticator app."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    enrol = None
    if not user.totp_enrolled or "enrol_secret" in session:
        if "enrol_secret" not in session:
            with write_session() as s:
                secret, uri = accounts.begin_totp_enrolment(s, user.id)
            session["enrol_secret"], session["enrol_uri"] = secret, uri
        enrol = (session["enrol_secret"], _qr_svg(session["enrol_uri"]))
    error = None
    if request.method == "POST":
        try:
            with write_session() as s:
                accounts.check_second_factor(s, user.id, request.form.get("code", ""), ip=client_ip(),
                                             policy=policy())
        except KhlangError as e:
            if e.code == "auth.locked":
                session.clear()
                flash(accounts.LOCKED_TH)
                return redirect(url_for("auth.login"))
            if e.code != "auth.totp_failed":
                raise
            error = e.text(_locale())
            time.sleep(float(current_app.config["LOGIN_FAILURE_DELAY"]))
        else:
            return _finish(user, session.get("pending_next"))
    return render_template("auth/totp.html", error=error, enrol=enrol), (401 if error else 200)


def _qr_svg(uri: str) -> str:
    import io

    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True)
    return out.getvalue().decode()


@bp.post("/logout")
@requires(SIGNED_IN)
def logout():
    """ออกจากระบบ: the session row ends, so every copy of the cookie stops working."""
    token = current_user.token
    if token:
        with write_session() as s:
            accounts.end_session(s, token)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(SIGNED_IN)
def change_password():
    """เปลี่ยนรหัสผ่าน: the current one, then the new one twice; every session ends (sign in again)."""
    error = None
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("new_password2", ""):
            error = "รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน"
        else:
            try:
                with write_session() as s:
                    accounts.set_password(s, acting(), acting().username, new,
                                          current_password=request.form.get("current_password", ""))
            except KhlangError as e:
                if e.kind != "invalid":
                    raise
                error = e.text(_locale())
            else:
                logout_user()
                session.clear()
                flash("เปลี่ยนรหัสผ่านแล้ว: กรุณาลงชื่อเข้าใช้ด้วยรหัสผ่านใหม่")
                return redirect(url_for("auth.login"))
    return render_template("auth/password.html", error=error), (422 if error else 200)

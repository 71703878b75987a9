"""ผู้ใช้ (accounts) for the administrator: list, add, roles, disable or enable, a new password."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from itembank import accounts
from itembank.authz import PERSON_ROLES, ROLE_TH
from itembank.errors import KhlangError
from web.auth import acting, requires
from web.i18n import page_language as _locale
from web.store_ext import read_session, write_session

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _school_id(session, code: str) -> int | None:
    from itembank.schools import get_school

    return get_school(session, acting(), code).id if code.strip() else None


def _area(session, text: str) -> list[int]:
    from itembank.schools import get_school

    return [get_school(session, acting(), c).id for c in text.replace(",", " ").split()]


#: The administrator's pages: (endpoint, Thai title, what it is for, the action it needs).
SECTIONS = (
    ("admin.users", _l("ผู้ใช้และบทบาท"), _l("เพิ่มผู้ใช้ กำหนดบทบาท ปิดบัญชี ตั้งรหัสผ่านใหม่"), "user.read"),
    ("admin_pages.schools", _l("โรงเรียน"), _l("รายชื่อโรงเรียน เพิ่มและแก้ไขข้อมูลโรงเรียน"), "school.write"),
    ("admin_pages.years", _l("ปีการศึกษาและภาคเรียน"), _l("ปีการศึกษา วันเปิด-ปิด และภาคเรียน"), "year.write"),
    ("admin_pages.jobs", _l("งานเบื้องหลัง"), _l("งานของทุกคน สถานะ และความก้าวหน้า"), "job.read_any"),
    ("admin_pages.audit", _l("บันทึกการใช้งาน"), _l("ใครทำอะไร เมื่อใด จากที่ใด"), "audit.read"),
    ("admin_pages.backups", _l("สำรองข้อมูล"), _l("สำรองฐานข้อมูลและรายการไฟล์สำรอง"), "backup.run"),
)


@bp.get("/")
@requires("user.read")
def index():
    """ผู้ดูแลระบบ: the administrator's pages, those the signed-in account may use."""
    from flask import current_app

    actor = acting()
    cards = [(endpoint, title, text) for endpoint, title, text, action in SECTIONS
             if actor.may(action) and endpoint in current_app.view_functions]
    return render_template("admin/index.html", cards=cards)


@bp.get("/users")
@requires("user.read")
def users():
    """Every account with its roles, school, area, second factor and state."""
    from web.admin.pages import _school_rows

    with read_session() as s:
        rows = accounts.list_users(s, acting(), role=request.args.get("role") or None)
        schools = {sc.id: sc for sc in _school_rows(s, "", "")}
    return render_template("admin/users.html", users=rows, roles=PERSON_ROLES, role_th=ROLE_TH, schools=schools,
                           may_manage=acting().may("user.manage"))


@bp.post("/users")
@requires("user.write")
def create():
    """Add an account; a password typed here must pass the strength rule."""
    f = request.form
    roles = [r for r in f.getlist("roles") if r]
    try:
        with write_session() as s:
            user = accounts.create_user(
                s, acting(), f.get("username", ""), f.get("display_name", "") or f.get("username", ""),
                roles[0] if roles else "", roles=roles, school_id=_school_id(s, f.get("school", "")),
                area_school_ids=_area(s, f.get("area", "")), position=f.get("position") or None,
                password=f.get("password") or None)
    except KhlangError as e:
        if e.kind not in ("invalid", "conflict", "not_found"):
            raise
        flash(e.text(_locale()), "error")
    else:
        flash(f"เพิ่มผู้ใช้ {user.username} แล้ว", "ok")
    return redirect(url_for("admin.users"))


@bp.post("/users/<username>/active")
@requires("user.manage")
def set_active(username: str):
    """Disable (every session ends, every token is revoked) or enable an account."""
    active = request.form.get("active") == "1"
    with write_session() as s:
        accounts.set_active(s, acting(), username, active)
    flash(f"{'เปิด' if active else 'ปิด'}บัญชี {username} แล้ว", "ok")
    return redirect(url_for("admin.users"))


@bp.post("/users/<username>/roles")
@requires("user.manage")
def set_roles(username: str):
    """Replace the account's roles (the first is the primary), its school and its area."""
    f = request.form
    try:
        with write_session() as s:
            accounts.set_roles(s, acting(), username, [r for r in f.getlist("roles") if r],
                               school_id=_school_id(s, f.get("school", "")),
                               area_school_ids=_area(s, f.get("area", "")))
    except KhlangError as e:
        if e.kind not in ("invalid", "not_found"):
            raise
        flash(e.text(_locale()), "error")
    else:
        flash(f"บันทึกบทบาทของ {username} แล้ว", "ok")
    return redirect(url_for("admin.users"))


@bp.post("/users/<username>/password")
@requires("user.manage")
def reset_password(username: str):
    """A new random password, shown once to the administrator; every session of the account ends."""
    password = secrets.token_urlsafe(12)
    with write_session() as s:
        accounts.set_password(s, acting(), username, password)
    flash(f"รหัสผ่านใหม่ของ {username}: {password} (แสดงครั้งเดียว)", "secret")
    return redirect(url_for("admin.users"))

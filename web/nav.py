"""The menu: one line per area, shown to whoever may use it (the route itself still checks).

``school`` says for whom a line is: ``True`` only schools, ``False`` everyone but schools, ``None``
anyone whose roles grant ``action``. A line whose endpoint does not exist is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from itembank.authz import Actor


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: object  # a lazy Thai string (translated when shown)
    action: str
    school: bool | None = None
    unless: str | None = None  # not shown to whoever may do this (they reach the page another way)


NAV = (
    NavLink("portal.index", _l("การสอบของโรงเรียน"), "administration.download", school=True),
    NavLink("bank.list_items", _l("คลังข้อสอบ"), "item.search"),
    NavLink("bank_edit.review_queue", _l("ตรวจทานข้อสอบ"), "item.return"),
    NavLink("bank_io.import_page", _l("นำเข้า/ส่งออก"), "item.import"),
    NavLink("bank.list_instruments", _l("เครื่องมือวัด"), "instrument.read", school=False),
    NavLink("forms.blueprints", _l("ผังการออกข้อสอบ"), "blueprint.write"),
    NavLink("forms.list_forms", _l("ฉบับข้อสอบ"), "form.read"),
    NavLink("administrations.index", _l("การจัดสอบ"), "administration.read", school=False),
    NavLink("analysis.index", _l("วิเคราะห์ข้อสอบ"), "scores.read", school=False),
    NavLink("reports.index", _l("รายงาน"), "scores.read", school=False),
    NavLink("supervision.index", _l("นิเทศและประกันคุณภาพ"), "visit.read"),
    NavLink("supervision.committee", _l("รายงาน ก.ต.ป.น."), "committee.write", unless="visit.read"),
    NavLink("admin_pages.years", _l("ปีการศึกษา"), "year.write", unless="user.read"),
    NavLink("admin_pages.audit", _l("บันทึกการใช้งาน"), "audit.read", unless="user.read"),
    NavLink("admin.index", _l("ผู้ดูแลระบบ"), "user.read"),
)


def links_for(actor: Actor | None) -> list[NavLink]:
    if actor is None:
        return []
    views = current_app.view_functions
    is_school = actor.school_id is not None and "school" in actor.roles
    return [n for n in NAV if n.endpoint in views and actor.may(n.action)
            and (n.school is None or n.school == is_school) and not (n.unless and actor.may(n.unless))]


def role_label(role: str) -> str:
    """The role's name in the page's language (the header's "name (role)"); the role's code if unknown."""
    labels = {
        "officer": pgettext("role", "นักวัดผล"),
        "reviewer": pgettext("role", "ผู้พิจารณาข้อสอบ"),
        "analyst": pgettext("role", "นักวิเคราะห์"),
        "supervisor": pgettext("role", "ศึกษานิเทศก์"),
        "qa": pgettext("role", "เจ้าหน้าที่ประกันคุณภาพ"),
        "secretary": pgettext("role", "เลขานุการคณะกรรมการ ก.ต.ป.น."),
        "admin": pgettext("role", "ผู้ดูแลระบบ"),
        "school": pgettext("role", "โรงเรียน"),
        "system": pgettext("role", "ระบบ"),
    }
    return labels.get(role, role)

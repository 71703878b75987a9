"""Accounts are tables of the centre: one role list, services that authorize, all-or-nothing writes."""

from __future__ import annotations

import pytest
from factories import make_actor
from sqlalchemy import select

from itembank.accounts import User, UserDraft, create_user, create_users, list_users
from itembank.authz import PERSON_ROLES, ROLES, Actor
from itembank.errors import ItemBankError


def test_the_account_roles_are_the_one_role_list_less_system():
    assert PERSON_ROLES == tuple(r for r in ROLES if r != "system")
    (check,) = [c for c in User.__table__.constraints if getattr(c, "name", None) == "ck_user_role"]
    assert str(check.sqltext) == "role IN ({})".format(", ".join(repr(r) for r in PERSON_ROLES))


def test_admin_creates_and_lists_users_and_the_user_acts_as_its_role(session):
    from itembank.schools import School

    school = School(code="1012345678", name_th="โรงเรียนบ้านหนองบัว")
    session.add(school)
    session.commit()
    admin = make_actor("admin")
    officer = create_user(session, admin, "somchai", "นายสมชาย ใจดี", "officer", position="นักวัดผล")
    create_user(session, Actor.system(), "nongbua", "โรงเรียนบ้านหนองบัว", "school", school_id=school.id)
    assert [u.username for u in list_users(session, admin)] == ["nongbua", "somchai"]
    assert [u.username for u in list_users(session, admin, role="school")] == ["nongbua"]
    actor = officer.actor()
    assert (actor.user_id, actor.username, actor.role) == (officer.id, "somchai", "officer")
    assert not hasattr(officer, "password_hash")


@pytest.mark.parametrize("role", ["officer", "reviewer", "analyst", "supervisor", "qa", "school"])
def test_only_admin_and_system_manage_users(session, role):
    with pytest.raises(ItemBankError) as e:
        create_user(session, make_actor(role), "x", "x", "officer")
    assert e.value.kind == "forbidden"
    with pytest.raises(ItemBankError):
        list_users(session, make_actor(role))


def test_bad_accounts_are_refused_together_and_nothing_is_written(session):
    admin = make_actor("admin")
    create_user(session, admin, "somsri", "นางสมศรี", "reviewer")
    with pytest.raises(ItemBankError) as e:
        create_users(session, admin, [
            UserDraft("somsri", "ซ้ำ", "officer"),
            UserDraft("robot", "ระบบ", "system"),
            UserDraft("school1", "โรงเรียน", "school"),
            UserDraft("fine", "ปกติ", "analyst"),
        ])
    codes = [p.code for p in e.value.problems]
    assert codes == ["user.exists", "user.bad_role", "user.school_binding"]
    assert "มีผู้ใช้ชื่อ somsri อยู่แล้ว" in e.value.text("th")
    assert "บทบาท 'system' ใช้กับบัญชีผู้ใช้ไม่ได้" in e.value.text("th")
    assert session.scalars(select(User.username)).all() == ["somsri"]

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


# --- several roles, areas, passwords, sign-in, sessions, tokens (issue 11) --------------------------

def _school(session, code="1012345678"):
    from itembank.schools import School

    school = School(code=code, name_th=f"โรงเรียน {code}")
    session.add(school)
    session.commit()
    return school.id


def test_a_user_holds_several_roles_and_acts_with_their_union(session):
    from itembank.authz import authorize

    user = create_user(session, Actor.system(), "malee", "มาลี", "analyst", roles=("analyst", "reviewer"))
    actor = user.actor()
    assert actor.role == "analyst" and actor.roles == ("analyst", "reviewer")
    authorize(actor, None, "item.write_statistics")   # analyst
    authorize(actor, None, "item.approve")            # reviewer
    with pytest.raises(ItemBankError):
        authorize(actor, None, "user.write")
    assert [u.username for u in list_users(session, Actor.system(), role="reviewer")] == ["malee"]


def test_an_actor_with_one_role_is_unchanged():
    actor = Actor(user_id=1, username="a", role="officer")
    assert actor.roles == ("officer",) and actor.role == "officer" and not actor.area_school_ids


def test_a_supervisor_bound_to_an_area_reaches_its_schools_only(session):
    from dataclasses import dataclass

    from itembank.authz import authorize, register_actions

    register_actions({"visit.test_read": "ทดสอบ"}, {"supervisor": {"visit.test_read"}})

    @dataclass
    class Visit:
        school_id: int

    a, b = _school(session, "1000000001"), _school(session, "1000000002")
    sup = create_user(session, Actor.system(), "niten", "ศน.", "supervisor", area_school_ids=(a,)).actor()
    authorize(sup, Visit(a), "visit.test_read")
    with pytest.raises(ItemBankError) as e:
        authorize(sup, Visit(b), "visit.test_read")
    assert e.value.code == "authz.other_school"
    district = create_user(session, Actor.system(), "niten2", "ศน. เขต", "supervisor").actor()
    authorize(district, Visit(b), "visit.test_read")   # no area: the whole district


def test_school_binding_and_area_binding_are_checked(session):
    with pytest.raises(ItemBankError) as e:
        create_user(session, Actor.system(), "x", "x", "officer", roles=("school",))
    assert e.value.code == "user.school_binding"
    with pytest.raises(ItemBankError) as e:
        create_user(session, Actor.system(), "y", "y", "officer", area_school_ids=(1,))
    assert e.value.code == "user.area_binding"


@pytest.mark.parametrize("password", ["แมวส้มนอนบนหลังคา", "ฉันรักโรงเรียนบ้านหนองบัว", "correct horse battery",
                                      "ก" * 3 + "ข" * 3 + "ค" * 4, "🐘ช้างไทยตัวใหญ่🐘", ("นกกระจิบร้องเพลงยามเช้า " * 3)[:64]])
def test_strong_passwords_including_thai_pass_phrases_are_accepted(password):
    from itembank.accounts import check_password_strength

    check_password_strength(password, "somchai")


@pytest.mark.parametrize("password", ["short", "แมวส้มนอน", "password123", "1234567890", "aaaaaaaaaaaa",
                                      "somchai2569!", "x" * 257, "รหัสผ่าน1234"])
def test_weak_passwords_are_refused_in_thai(password):
    from itembank.accounts import check_password_strength

    with pytest.raises(ItemBankError) as e:
        check_password_strength(password, "somchai")
    assert e.value.code.startswith("user.password_") and "รหัสผ่าน" in e.value.text("th")


def test_passwords_are_argon2id_at_asvs_parameters_and_never_read_back(session):
    from itembank.accounts import User

    create_user(session, Actor.system(), "somchai", "สมชาย", "officer", password="แมวส้มนอนบนหลังคา")
    digest = session.scalar(select(User.password_hash).where(User.username == "somchai"))
    assert digest.startswith("$argon2id$")
    params = dict(p.split("=") for p in digest.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2
    assert "แมว" not in digest


def test_sign_in_locks_after_ten_failures_counted_in_the_database(session):
    from datetime import timedelta

    from itembank.accounts import SignInPolicy, check_password_sign_in
    from itembank.models import utcnow

    create_user(session, Actor.system(), "somchai", "สมชาย", "officer", password="แมวส้มนอนบนหลังคา")
    policy = SignInPolicy()
    now = utcnow()
    for _ in range(10):
        with pytest.raises(ItemBankError) as e:
            check_password_sign_in(session, "somchai", "ผิดผิดผิดผิดผิด", policy=policy, now=now)
        assert e.value.code == "auth.failed"
    with pytest.raises(ItemBankError) as e:   # even the right password, while locked
        check_password_sign_in(session, "somchai", "แมวส้มนอนบนหลังคา", policy=policy, now=now)
    assert e.value.code == "auth.locked" and "15 นาที" in e.value.text("th")
    later = now + timedelta(minutes=16)
    assert check_password_sign_in(session, "somchai", "แมวส้มนอนบนหลังคา", policy=policy, now=later).username == "somchai"


def test_unknown_user_and_disabled_account_get_the_same_refusal(session):
    from itembank.accounts import check_password_sign_in, set_active

    create_user(session, Actor.system(), "somchai", "สมชาย", "officer", password="แมวส้มนอนบนหลังคา")
    set_active(session, Actor.system(), "somchai", False)
    texts = set()
    for name, pw in [("nobody", "แมวส้มนอนบนหลังคา"), ("somchai", "แมวส้มนอนบนหลังคา"), ("somchai", "ผิดผิดผิดผิดผิด")]:
        with pytest.raises(ItemBankError) as e:
            check_password_sign_in(session, name, pw)
        texts.add((e.value.code, e.value.text("th")))
    assert len(texts) == 1


def test_sessions_end_on_sign_out_password_change_disable_and_timeouts(session):
    from datetime import timedelta

    from itembank.accounts import (
        SignInPolicy,
        end_session,
        session_user,
        set_active,
        set_password,
        start_session,
    )
    from itembank.models import utcnow

    user = create_user(session, Actor.system(), "somchai", "สมชาย", "officer", password="แมวส้มนอนบนหลังคา")
    t = start_session(session, user.id)
    assert session_user(session, t).username == "somchai"
    end_session(session, t)
    assert session_user(session, t) is None
    t1, t2 = start_session(session, user.id), start_session(session, user.id)
    set_password(session, user.actor(), "somchai", "ช้างเผือกเดินข้ามสะพาน", current_password="แมวส้มนอนบนหลังคา")
    assert session_user(session, t1) is None and session_user(session, t2) is None
    t3 = start_session(session, user.id)
    set_active(session, Actor.system(), "somchai", False)
    assert session_user(session, t3) is None
    set_active(session, Actor.system(), "somchai", True)
    policy = SignInPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
    t4 = start_session(session, user.id)
    assert session_user(session, t4, policy=policy, now=utcnow() + timedelta(minutes=31)) is None   # idle
    t5, now = start_session(session, user.id), utcnow()
    for minutes in range(25, 13 * 60, 25):        # active all the time, but never past 12 hours
        alive = session_user(session, t5, policy=policy, now=now + timedelta(minutes=minutes))
        assert (alive is not None) == (minutes <= 12 * 60)
        if alive is None:
            break


def test_a_user_changes_their_own_password_only_with_the_current_one(session):
    from itembank.accounts import set_password

    user = create_user(session, Actor.system(), "somchai", "สมชาย", "officer", password="แมวส้มนอนบนหลังคา")
    with pytest.raises(ItemBankError) as e:
        set_password(session, user.actor(), "somchai", "ช้างเผือกเดินข้ามสะพาน", current_password="ผิดผิดผิดผิดผิด")
    assert e.value.code == "user.wrong_password"
    other = create_user(session, Actor.system(), "malee", "มาลี", "officer")
    with pytest.raises(ItemBankError) as e:
        set_password(session, other.actor(), "somchai", "ช้างเผือกเดินข้ามสะพาน")
    assert e.value.kind == "forbidden"


def test_totp_codes_are_checked_and_never_accepted_twice(session):
    import pyotp

    from itembank.accounts import check_totp, enrol_totp
    from itembank.models import utcnow

    user = create_user(session, Actor.system(), "somchai", "สมชาย", "officer")
    secret, uri = enrol_totp(session, Actor.system(), "somchai")
    assert uri.startswith("otpauth://totp/") and "Khlang" in uri
    now = utcnow()
    code = pyotp.TOTP(secret).at(now)
    assert not check_totp(session, user.id, "000000" if code != "000000" else "111111", now=now)
    assert check_totp(session, user.id, code, now=now)
    assert not check_totp(session, user.id, code, now=now)          # replay refused


def test_api_tokens_are_hashed_scoped_and_revocable(session):
    from itembank.accounts import ApiToken, issue_token, revoke_tokens, token_user

    create_user(session, Actor.system(), "robot", "ระบบรายงาน", "analyst")
    token = issue_token(session, Actor.system(), "robot", scopes=("item.search",), label="รายงาน")
    stored = session.scalar(select(ApiToken.token_hash))
    assert token not in stored and len(stored) == 64
    user, scopes = token_user(session, token)
    assert user.username == "robot" and scopes == ("item.search",)
    assert token_user(session, token + "x") is None
    assert revoke_tokens(session, Actor.system(), "robot") == 1
    assert token_user(session, token) is None
    with pytest.raises(ItemBankError):
        issue_token(session, Actor.system(), "robot", scopes=("no.such.action",))


def test_last_seen_and_last_used_are_stamped_once_a_minute_and_a_read_check_writes_nothing(session):
    from datetime import timedelta

    from itembank.accounts import (
        ApiToken,
        AuthSession,
        SignInPolicy,
        _aware,
        _sha256,
        issue_token,
        session_user,
        start_session,
        token_user,
    )
    from itembank.models import utcnow

    user = create_user(session, Actor.system(), "robot", "ระบบรายงาน", "analyst")
    token, t0 = issue_token(session, Actor.system(), "robot"), utcnow()

    def used():
        session.expire_all()
        return _aware(session.scalar(select(ApiToken.last_used_at)))

    assert token_user(session, token, now=t0) is not None and used() == t0
    assert token_user(session, token, now=t0 + timedelta(seconds=30)) is not None and used() == t0
    assert token_user(session, token, now=t0 + timedelta(seconds=61)) is not None
    assert used() == t0 + timedelta(seconds=61)
    assert token_user(session, token, now=t0 + timedelta(hours=1), touch=False) is not None
    assert used() == t0 + timedelta(seconds=61)

    policy = SignInPolicy(idle=timedelta(minutes=30))
    t = start_session(session, user.id, now=t0)

    def row():
        session.expire_all()
        return session.get(AuthSession, _sha256(t))

    assert session_user(session, t, policy=policy, now=t0 + timedelta(seconds=30)) is not None
    assert _aware(row().last_seen_at) == t0
    assert session_user(session, t, policy=policy, now=t0 + timedelta(minutes=20), touch=False) is not None
    assert _aware(row().last_seen_at) == t0
    assert session_user(session, t, policy=policy, now=t0 + timedelta(minutes=20)) is not None
    assert _aware(row().last_seen_at) == t0 + timedelta(minutes=20)
    late = t0 + timedelta(minutes=51)   # idle for 31 minutes: refused; only a writing check ends it
    assert session_user(session, t, policy=policy, now=late, touch=False) is None and row().ended_at is None
    assert session_user(session, t, policy=policy, now=late) is None and row().ended_at is not None


def test_role_changes_are_audited_and_end_sessions(session):
    from itembank.accounts import session_user, set_roles, start_session
    from itembank.audit import AuditLog

    user = create_user(session, Actor.system(), "somchai", "สมชาย", "officer")
    t = start_session(session, user.id)
    changed = set_roles(session, Actor.system(), "somchai", ["analyst", "reviewer"])
    assert changed.roles == ("analyst", "reviewer") and changed.role == "analyst"
    assert session_user(session, t) is None
    row = session.scalars(select(AuditLog).where(AuditLog.event == "user.roles")).one()
    assert row.detail["before"] == ["officer"] and row.detail["after"] == ["analyst", "reviewer"]


def test_actor_for_checks_the_account(session):
    from itembank.accounts import actor_for, set_active

    create_user(session, Actor.system(), "somchai", "สมชาย", "officer", roles=("reviewer",))
    assert actor_for(session, "somchai").roles == ("officer", "reviewer")
    with pytest.raises(ItemBankError) as e:
        actor_for(session, "nobody")
    assert e.value.kind == "not_found"
    set_active(session, Actor.system(), "somchai", False)
    with pytest.raises(ItemBankError) as e:
        actor_for(session, "somchai")
    assert e.value.kind == "forbidden"


def test_demo_passwords_fill_only_accounts_without_one_when_asked(session):
    from itembank.accounts import check_password_sign_in, set_demo_password

    create_user(session, Actor.system(), "officer.malee", "มาลี", "officer")
    create_user(session, Actor.system(), "admin.kittisak", "กิตติศักดิ์", "admin", password="ช้างเผือกเดินข้ามสะพาน")
    names = ["officer.malee", "admin.kittisak"]
    assert set_demo_password(session, Actor.system(), names, "khlang-demo-2569", only_without_password=True) == 1
    assert set_demo_password(session, Actor.system(), names, "khlang-demo-2569", only_without_password=True) == 0
    check_password_sign_in(session, "officer.malee", "khlang-demo-2569")
    check_password_sign_in(session, "admin.kittisak", "ช้างเผือกเดินข้ามสะพาน")

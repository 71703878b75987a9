"""บัญชีผู้ใช้ (accounts): who may act, with which roles, for which school or area of schools.

A table of the centre, so that every room's :func:`itembank.authz.authorize` reads the same
accounts. The roles are :data:`itembank.authz.PERSON_ROLES` (the one role list, less "system",
which acts but never signs in). A user holds one or more roles (``role`` is the primary one,
``roles`` all of them); a school account is bound to its school, a supervisor may be bound to an
area of schools (:class:`SupervisorArea`).

Sign-in lives here too, as services the web layer calls (it holds no SQL): passwords hashed with
argon2id, failed sign-ins counted in the database (every worker shares the count), server-side
sessions that end on sign-out, password change and disabling, TOTP second factor, and hashed,
scoped, revocable API tokens.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, Index, delete, func, select, update
from sqlmodel import Field, Session, SQLModel

from itembank.authz import PERSON_ROLES, ROLE_TH, Actor, authorize
from itembank.errors import ItemBankError
from itembank.models import timestamp_field, utcnow

#: A session's `last_seen_at` and a token's `last_used_at` are written at most this often (not per request).
TOUCH_EVERY = timedelta(minutes=1)
#: Roles that must sign in with a second factor where the configuration requires it.
TOTP_ROLES = ("officer", "analyst", "admin")

class User(SQLModel, table=True):
    """ผู้ใช้ (user account): its roles, and for a school account the school it belongs to."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in PERSON_ROLES)})", name="ck_user_role"),
        CheckConstraint("role <> 'school' OR school_id IS NOT NULL", name="ck_user_school_has_school"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=20)  # the primary role
    roles: str = Field(default="", max_length=200)  # every role, space-separated, the primary first
    school_id: int | None = Field(default=None, foreign_key="school.id", index=True)
    position: str | None = Field(default=None, max_length=200)  # ตำแหน่ง, e.g. ศึกษานิเทศก์ชำนาญการพิเศษ
    password_hash: str | None = Field(default=None, max_length=255)
    password_changed_at: datetime | None = timestamp_field(nullable=True)
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_last_step: int | None = None  # the last accepted TOTP time step (a code is used once)
    is_active: bool = True
    created_at: datetime = timestamp_field()

    def role_tuple(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.role, *self.roles.split())))


class SupervisorArea(SQLModel, table=True):
    """The schools a supervisor (ศึกษานิเทศก์) looks after; none = the whole district."""

    __tablename__ = "supervisor_area"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    school_id: int = Field(foreign_key="school.id", primary_key=True)


class LoginAttempt(SQLModel, table=True):
    """One sign-in attempt: counted in the database so that every worker sees the same failures."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_username_at", "username", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80)
    ok: bool = False
    ip: str | None = Field(default=None, max_length=64)
    at: datetime = timestamp_field()


class AuthSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a random token, the table its SHA-256 (`id`)."""

    __tablename__ = "auth_session"

    id: str = Field(max_length=64, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = timestamp_field()
    last_seen_at: datetime = timestamp_field()
    ended_at: datetime | None = timestamp_field(nullable=True)
    ip: str | None = Field(default=None, max_length=64)


class ApiToken(SQLModel, table=True):
    """A machine client's token: only its SHA-256 is kept; scoped to actions; revocable."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    scopes: str = Field(default="", max_length=2000)  # space-separated actions; "*" = the user's own
    label: str = Field(default="", max_length=200)
    created_at: datetime = timestamp_field()
    last_used_at: datetime | None = timestamp_field(nullable=True)
    revoked_at: datetime | None = timestamp_field(nullable=True)


@dataclass(frozen=True)
class UserDraft:
    """A new account: `school_id` only (and always) for the school role; `roles` adds roles to `role`."""

    username: str
    display_name: str
    role: str
    school_id: int | None = None
    position: str | None = None
    roles: tuple[str, ...] = ()
    area_school_ids: tuple[int, ...] = ()
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class UserPublic:
    """An account as administrators read it (never the password hash nor the TOTP secret)."""

    id: int
    username: str
    display_name: str
    role: str
    school_id: int | None
    position: str | None
    is_active: bool
    roles: tuple[str, ...] = ()
    area_school_ids: tuple[int, ...] = ()
    has_password: bool = False
    totp_enrolled: bool = False

    @classmethod
    def of(cls, user: User, area: Iterable[int] = ()) -> UserPublic:
        assert user.id is not None
        return cls(id=user.id, username=user.username, display_name=user.display_name, role=user.role,
                   school_id=user.school_id, position=user.position, is_active=user.is_active,
                   roles=user.role_tuple(), area_school_ids=tuple(sorted(area)),
                   has_password=bool(user.password_hash), totp_enrolled=bool(user.totp_secret))

    def actor(self) -> Actor:
        """The Actor that services act for when this user acts."""
        return Actor(user_id=self.id, username=self.username, role=self.role, school_id=self.school_id,
                     roles=self.roles, area_school_ids=frozenset(self.area_school_ids))

    @property
    def needs_totp(self) -> bool:
        """True when one of the user's roles signs in with a second factor (where required)."""
        return any(r in TOTP_ROLES for r in self.roles or (self.role,))


def _error(code: str, th: str, en: str, kind: str = "invalid", **params) -> ItemBankError:
    return ItemBankError(code, kind=kind, message_th=th, message_en=en, **params)


# --- passwords ---------------------------------------------------------------------------------

PASSWORD_MIN = 10
PASSWORD_MAX = 256
#: Passwords everyone tries first (ASVS 6.2.4 asks for a list of the most common ones; this one
#: is short and local: no list is downloaded). Compared after case folding and removing spaces.
COMMON_PASSWORDS = frozenset("""
password password1 password12 password123 passw0rd p@ssw0rd p@ssword 123456789 1234567890 12345678910
qwertyuiop qwerty1234 qwerty12345 1q2w3e4r5t 1qaz2wsx3edc 0123456789 9876543210 1111111111 0000000000
iloveyou12 iloveyou123 abcdefghij abc1234567 abcd123456 admin12345 administrator welcome123 letmein123
khlang1234 khlang12345 changeme12 changeme123 monkey1234 dragon1234 football12 baseball12 sunshine12
princess12 superman12 trustno1234 starwars12 computer12 thailand12 thailand123 bangkok123 bangkok1234
รหัสผ่าน1234 รหัสผ่าน12345 พาสเวิร์ด123 ประเทศไทย123 กรุงเทพ1234 ฟหกดเสวงฟห
""".split())


def check_password_strength(password: str, username: str = "") -> None:
    """Refuse a weak password in Thai (ASVS 6.2): at least 10 characters (Thai pass-phrases count
    their characters, marks included), at most 256, not a common password, not the username. No
    composition rules: a Thai sentence such as ``แมวส้มนอนบนหลังคา`` is a good password."""
    text = unicodedata.normalize("NFC", password)
    if len(text) < PASSWORD_MIN:
        raise _error("user.password_short", f"รหัสผ่านต้องยาวอย่างน้อย {PASSWORD_MIN} ตัวอักษร "
                     "(ใช้วลีภาษาไทยยาว ๆ ได้ เช่น แมวส้มนอนบนหลังคา)",
                     f"the password must be at least {PASSWORD_MIN} characters")
    if len(text) > PASSWORD_MAX:
        raise _error("user.password_long", f"รหัสผ่านยาวได้ไม่เกิน {PASSWORD_MAX} ตัวอักษร",
                     f"the password may be at most {PASSWORD_MAX} characters")
    folded = "".join(text.casefold().split())
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2 or (username and username.casefold() in folded):
        raise _error("user.password_common", "รหัสผ่านนี้เดาง่ายเกินไป (เป็นรหัสที่ใช้กันมาก ซ้ำตัวเดียว "
                     "หรือมีชื่อผู้ใช้อยู่): ใช้วลีที่จำได้แต่คนอื่นเดาไม่ได้",
                     "this password is too easy to guess")


def _hasher():
    from argon2 import PasswordHasher  # argon2id, RFC 9106 low-memory profile: t=3, m=64 MiB, p=4

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(unicodedata.normalize("NFC", password))


def _verify(password_hash: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    hasher = _hasher()
    if not password_hash:  # the same work for an unknown user, so timing tells nothing
        _dummy_verify()
        return False
    try:
        return hasher.verify(password_hash, unicodedata.normalize("NFC", password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_DUMMY: list[str] = []


def _dummy_verify() -> None:
    from argon2.exceptions import VerifyMismatchError

    if not _DUMMY:
        _DUMMY.append(hash_password(secrets.token_hex(16)))
    try:
        _hasher().verify(_DUMMY[0], "not the password")
    except VerifyMismatchError:
        pass


# --- accounts ------------------------------------------------------------------------------------

def _check(draft: UserDraft, taken: set[str]) -> list[ItemBankError]:
    problems = []
    name = draft.username.strip()
    if not name or len(name) > 80:
        problems.append(ItemBankError("user.bad_username", username=draft.username,
                                      message_th=f"ชื่อผู้ใช้ {draft.username!r} ต้องยาว 1–80 ตัวอักษร",
                                      message_en=f"username {draft.username!r} must be 1–80 characters"))
    elif name in taken:
        problems.append(ItemBankError("user.exists", kind="conflict", username=name,
                                      message_th=f"มีผู้ใช้ชื่อ {name} อยู่แล้ว",
                                      message_en=f"user {name} already exists"))
    roles = tuple(dict.fromkeys((draft.role, *draft.roles)))
    bad = [r for r in roles if r not in PERSON_ROLES]
    if bad:
        allowed = ", ".join(f"{ROLE_TH[r]} ({r})" for r in PERSON_ROLES)
        problems.append(ItemBankError("user.bad_role", role=bad[0],
                                      message_th=f"บทบาท {bad[0]!r} ใช้กับบัญชีผู้ใช้ไม่ได้: ใช้ได้ {allowed}",
                                      message_en=f"role {bad[0]!r} is not a role for an account"))
    elif ("school" in roles) != (draft.school_id is not None):
        problems.append(ItemBankError("user.school_binding", username=name,
                                      message_th=f"ผู้ใช้ {name}: ต้องระบุโรงเรียนสำหรับบทบาทโรงเรียนเท่านั้น",
                                      message_en=f"user {name}: a school_id goes with the school role only"))
    if draft.area_school_ids and "supervisor" not in roles:
        problems.append(_error("user.area_binding", f"ผู้ใช้ {name}: กำหนดกลุ่มโรงเรียนได้เฉพาะศึกษานิเทศก์",
                               f"user {name}: an area of schools goes with the supervisor role only"))
    if draft.password is not None:
        try:
            check_password_strength(draft.password, name)
        except ItemBankError as e:
            problems.append(e)
    return problems


def create_users(session: Session, actor: Actor, drafts: Iterable[UserDraft]) -> list[UserPublic]:
    """Add accounts in one transaction, all or nothing; every problem is reported at once."""
    authorize(actor, None, "user.write")
    drafts = list(drafts)
    taken = set(session.scalars(select(User.username)).all())
    problems = []
    for draft in drafts:
        problems += _check(draft, taken)
        taken.add(draft.username.strip())
    if problems:
        if len(problems) == 1:
            raise problems[0]
        raise ItemBankError("users.invalid", problems=problems)
    rows = [User(username=d.username.strip(), display_name=d.display_name, role=d.role,
                 roles=" ".join(dict.fromkeys((d.role, *d.roles))), school_id=d.school_id,
                 position=d.position,
                 password_hash=hash_password(d.password) if d.password is not None else None,
                 password_changed_at=utcnow() if d.password is not None else None) for d in drafts]
    session.add_all(rows)
    session.flush()
    for d, r in zip(drafts, rows, strict=True):
        session.add_all(SupervisorArea(user_id=r.id, school_id=s) for s in dict.fromkeys(d.area_school_ids))
    session.flush()
    users = [UserPublic.of(r, d.area_school_ids) for d, r in zip(drafts, rows, strict=True)]
    _audit(session, actor, "user.create", [u.username for u in users],
           {u.username: list(u.roles) for u in users})
    session.commit()
    return users


def create_user(session: Session, actor: Actor, username: str, display_name: str, role: str, *,
                school_id: int | None = None, position: str | None = None, roles: Sequence[str] = (),
                area_school_ids: Sequence[int] = (), password: str | None = None) -> UserPublic:
    """Add one account (ผู้ใช้): a unique username, a person's roles, and a school for a school account."""
    draft = UserDraft(username=username, display_name=display_name, role=role, school_id=school_id,
                      position=position, roles=tuple(roles), area_school_ids=tuple(area_school_ids),
                      password=password)
    return create_users(session, actor, [draft])[0]


def _areas(session: Session, user_ids: Iterable[int]) -> dict[int, list[int]]:
    ids = list(user_ids)
    out: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        for uid, sid in session.execute(select(SupervisorArea.user_id, SupervisorArea.school_id)
                                        .where(SupervisorArea.user_id.in_(ids))):
            out[uid].append(sid)
    return out


def _public(session: Session, user: User) -> UserPublic:
    assert user.id is not None
    if "supervisor" not in user.role_tuple():  # only a supervisor has an area (create_users, set_roles)
        return UserPublic.of(user)
    return UserPublic.of(user, _areas(session, [user.id])[user.id])


def list_users(session: Session, actor: Actor, *, role: str | None = None,
               school_id: int | None = None) -> list[UserPublic]:
    """The accounts, by username; optionally those holding one role, or one school's."""
    authorize(actor, None, "user.read")
    query = select(User).order_by(User.username)
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    users = list(session.scalars(query))
    if role is not None:
        users = [u for u in users if role in u.role_tuple()]
    areas = _areas(session, [u.id for u in users if u.id is not None])
    return [UserPublic.of(u, areas[u.id]) for u in users if u.id is not None]


def _get(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise _error("user.not_found", f"ไม่พบผู้ใช้ {username}", f"no user {username}", kind="not_found",
                     username=username)
    return user


def get_user(session: Session, actor: Actor, username: str) -> UserPublic:
    """One account by username (an administrator's read, or the user's own)."""
    user = _get(session, username)
    if not actor.same_person(user.id, user.username):
        authorize(actor, None, "user.read")
    return _public(session, user)


def actor_for(session: Session, username: str) -> Actor:
    """The Actor of an active account: how the command line acts as a named user (``--as``)."""
    user = _get(session, username)
    if not user.is_active:
        raise _error("user.disabled", f"บัญชี {username} ถูกปิดใช้งาน", f"account {username} is disabled",
                     kind="forbidden", username=username)
    return _public(session, user).actor()


def _end_sessions(session: Session, user_id: int) -> None:
    session.execute(update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
                    .values(ended_at=utcnow()))


def set_active(session: Session, actor: Actor, username: str, active: bool) -> UserPublic:
    """Disable (or enable again) an account: disabling ends its sessions and revokes its tokens."""
    authorize(actor, None, "user.manage")
    user = _get(session, username)
    user.is_active = active
    if not active:
        assert user.id is not None
        _end_sessions(session, user.id)
        session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                        .values(revoked_at=utcnow()))
    _audit(session, actor, "user.enable" if active else "user.disable", [user.username], {})
    out = _public(session, user)
    session.commit()
    return out


def set_password(session: Session, actor: Actor, username: str, password: str, *,
                 current_password: str | None = None) -> UserPublic:
    """Set a password (an administrator, or the user with the current one); every session ends."""
    user = _get(session, username)
    own = actor.same_person(user.id, user.username)
    if own and not actor.may("user.manage"):
        authorize(actor, None, "account.self")
        if not _verify(user.password_hash, current_password or ""):
            raise _error("user.wrong_password", "รหัสผ่านปัจจุบันไม่ถูกต้อง", "the current password is wrong")
    else:
        authorize(actor, None, "user.manage")
    check_password_strength(password, user.username)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    assert user.id is not None
    _end_sessions(session, user.id)
    _audit(session, actor, "user.password", [user.username], {})
    out = _public(session, user)
    session.commit()
    return out


def set_roles(session: Session, actor: Actor, username: str, roles: Sequence[str], *,
              school_id: int | None = None, area_school_ids: Sequence[int] | None = None) -> UserPublic:
    """Give an account its roles (the first is the primary one), school and supervisor area."""
    authorize(actor, None, "user.manage")
    user = _get(session, username)
    roles = tuple(dict.fromkeys(roles))
    if not roles:
        raise _error("user.no_role", "ต้องระบุบทบาทอย่างน้อยหนึ่งบทบาท", "give at least one role")
    school = school_id if school_id is not None else (user.school_id if "school" in roles else None)
    area = tuple(area_school_ids) if area_school_ids is not None else ()
    draft = UserDraft(username=user.username, display_name=user.display_name, role=roles[0], roles=roles,
                      school_id=school, area_school_ids=area)
    problems = _check(draft, set())
    if problems:
        raise problems[0]
    before = user.role_tuple()
    user.role, user.roles, user.school_id = roles[0], " ".join(roles), school
    assert user.id is not None
    if area_school_ids is not None or "supervisor" not in roles:
        session.execute(delete(SupervisorArea).where(SupervisorArea.user_id == user.id))
        session.flush()
        session.add_all(SupervisorArea(user_id=user.id, school_id=s) for s in dict.fromkeys(area))
    _end_sessions(session, user.id)  # a role change takes effect at the next sign-in
    _audit(session, actor, "user.roles", [user.username], {"before": list(before), "after": list(roles),
                                                           "school_id": school, "area": list(area)})
    session.flush()
    out = _public(session, user)
    session.commit()
    return out


def _audit(session: Session, actor: Actor, event: str, usernames: list[str], detail: dict) -> None:
    from itembank.audit import record

    for name in usernames:
        record(session, event, actor=actor, object_type="user", object_id=name, detail=detail, commit=False)


# --- sign-in -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignInPolicy:
    """How many failures lock an account's sign-in, over which window, and the session timeouts."""

    max_failures: int = 10
    window: timedelta = timedelta(minutes=15)
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)


FAILED_TH = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
LOCKED_TH = "ลงชื่อเข้าใช้ผิดหลายครั้งเกินไป กรุณารอ 15 นาทีแล้วลองใหม่ หรือติดต่อผู้ดูแลระบบ"


def recent_failures(session: Session, username: str, policy: SignInPolicy, now: datetime | None = None) -> int:
    now = now or utcnow()
    return session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == username, LoginAttempt.ok.is_(False),
        LoginAttempt.at >= now - policy.window)) or 0


def check_password_sign_in(session: Session, username: str, password: str, *, ip: str | None = None,
                           policy: SignInPolicy = SignInPolicy(), now: datetime | None = None) -> UserPublic:
    """The first step of signing in: the account whose password this is, or a refusal in Thai.

    The same words refuse an unknown user, a wrong password and a disabled account; after
    `policy.max_failures` failures within `policy.window` the username is locked out until the
    failures age out (counted in the database, so every worker and process shares the count).
    Every attempt is recorded, and audited.
    """
    from itembank.audit import record

    now = now or utcnow()
    username = username.strip()[:80]
    if recent_failures(session, username, policy, now) >= policy.max_failures:
        session.add(LoginAttempt(username=username, ok=False, ip=ip, at=now))
        record(session, "auth.locked", username=username, ip=ip, outcome="denied", commit=False)
        session.commit()
        raise _error("auth.locked", LOCKED_TH, "too many failed sign-ins: wait 15 minutes", kind="forbidden")
    user = session.scalar(select(User).where(User.username == username))
    ok = _verify(user.password_hash if user else None, password) and user is not None and user.is_active
    session.add(LoginAttempt(username=username, ok=ok, ip=ip, at=now))
    if not ok:
        record(session, "auth.failure", username=username, ip=ip, outcome="failed", commit=False)
        session.commit()
        raise _error("auth.failed", FAILED_TH, "wrong username or password")
    assert user is not None
    if _hasher().check_needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    out = _public(session, user)
    session.commit()
    return out


def start_session(session: Session, user_id: int, *, ip: str | None = None, now: datetime | None = None) -> str:
    """A new signed-in session of the user: the random token for the cookie (only its hash is kept)."""
    from itembank.audit import record

    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(AuthSession(id=_sha256(token), user_id=user_id, created_at=now, last_seen_at=now, ip=ip))
    user = session.get(User, user_id)
    record(session, "auth.sign_in", user_id=user_id, username=user.username if user else None, ip=ip,
           commit=False)
    session.commit()
    return token


def session_user(session: Session, token: str, *, policy: SignInPolicy = SignInPolicy(),
                 now: datetime | None = None, touch: bool = True) -> UserPublic | None:
    """The user of a live session token, or None: ended, idle too long, too old, or account disabled.

    Touches `last_seen_at` at most once a minute (the idle timeout counts from it) and ends an idle
    or too old session. With ``touch=False`` it writes nothing (a read session may check): such a
    session is refused but left to the next call with ``touch=True`` to end."""
    now = now or utcnow()
    found = session.execute(select(AuthSession, User).join(User, User.id == AuthSession.user_id)
                            .where(AuthSession.id == _sha256(token))).first()  # one round trip
    if found is None or found[0].ended_at is not None:
        return None
    row, user = found
    if _aware(row.created_at) < now - policy.absolute or _aware(row.last_seen_at) < now - policy.idle:
        if touch:
            row.ended_at = now
            session.commit()
        return None
    if not user.is_active:
        return None
    if touch and _aware(row.last_seen_at) < now - TOUCH_EVERY:
        row.last_seen_at = now
    out = _public(session, user)
    if touch:
        session.commit()
    return out


def end_session(session: Session, token: str) -> None:
    """Sign-out: the session's token stops working at once (a copied cookie too)."""
    from itembank.audit import record

    row = session.get(AuthSession, _sha256(token))
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        record(session, "auth.sign_out", user_id=row.user_id, commit=False)
    session.commit()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _aware(dt: datetime) -> datetime:
    from datetime import UTC

    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


# --- second factor (TOTP) -----------------------------------------------------------------------

def enrol_totp(session: Session, actor: Actor, username: str) -> tuple[str, str]:
    """A new TOTP secret for the account (an administrator's act, or the user's own): (secret, URI)."""
    import pyotp

    user = _get(session, username)
    if not actor.same_person(user.id, user.username):
        authorize(actor, None, "user.manage")
    secret = pyotp.random_base32()
    user.totp_secret, user.totp_last_step = secret, None
    _audit(session, actor, "user.totp", [user.username], {})
    session.commit()
    return secret, pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="Khlang")


def begin_totp_enrolment(session: Session, user_id: int) -> tuple[str, str]:
    """The first sign-in of a user who must use TOTP: a new secret, until a code from it is accepted.

    Refused once the factor is confirmed (a stolen password cannot replace a working second factor)."""
    user = session.get(User, user_id)
    if user is None or (user.totp_secret and user.totp_last_step is not None):
        raise _error("auth.totp_enrolled", "ยืนยันตัวตนด้วยแอปไว้แล้ว: ติดต่อผู้ดูแลระบบเพื่อตั้งใหม่",
                     "a second factor is already set up", kind="conflict")
    return enrol_totp(session, _public(session, user).actor(), user.username)


def check_totp(session: Session, user_id: int, code: str, *, now: datetime | None = None) -> bool:
    """True when `code` is the user's current TOTP code (±30 s), never the same time step twice."""
    import pyotp

    user = session.get(User, user_id)
    if user is None or not user.totp_secret:
        return False
    now = now or utcnow()
    code = "".join(code.split())
    totp = pyotp.TOTP(user.totp_secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code) and candidate > (user.totp_last_step or -1):
            user.totp_last_step = candidate
            session.commit()
            return True
    return False


def check_second_factor(session: Session, user_id: int, code: str, *, ip: str | None = None,
                        policy: SignInPolicy = SignInPolicy(), now: datetime | None = None) -> None:
    """The second step of signing in: a wrong TOTP code counts as a failed sign-in of the account (the
    same lockout: guessing codes is guessing a password), a locked account is refused; audited."""
    from itembank.audit import record

    now = now or utcnow()
    user = session.get(User, user_id)
    if user is None:
        raise _error("auth.failed", FAILED_TH, "wrong username or password")
    if recent_failures(session, user.username, policy, now) >= policy.max_failures:
        record(session, "auth.locked", user_id=user.id, username=user.username, ip=ip, outcome="denied")
        raise _error("auth.locked", LOCKED_TH, "too many failed sign-ins: wait 15 minutes", kind="forbidden")
    if check_totp(session, user_id, code, now=now):
        return
    session.add(LoginAttempt(username=user.username, ok=False, ip=ip, at=now))
    record(session, "auth.totp_failure", user_id=user.id, username=user.username, ip=ip, outcome="failed",
           commit=False)
    session.commit()
    raise _error("auth.totp_failed", "รหัสยืนยันไม่ถูกต้อง หรือใช้ไปแล้ว: รอรหัสใหม่จากแอปแล้วลองอีกครั้ง",
                 "wrong or already used code")


# --- API tokens ----------------------------------------------------------------------------------

TOKEN_PREFIX = "khl_"


def issue_token(session: Session, actor: Actor, username: str, *, scopes: Sequence[str] = ("*",),
                label: str = "") -> str:
    """A new API token for the account; printed once, only its SHA-256 is stored."""
    from itembank.authz import ACTION_TH

    authorize(actor, None, "user.manage")
    user = _get(session, username)
    unknown = [s for s in scopes if s != "*" and s not in ACTION_TH]
    if unknown:
        raise _error("token.bad_scope", f"ไม่รู้จักสิทธิ์ {', '.join(unknown)}", f"unknown scopes {unknown}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(ApiToken(user_id=user.id, token_hash=_sha256(token), scopes=" ".join(scopes), label=label))
    _audit(session, actor, "token.issue", [user.username], {"scopes": list(scopes), "label": label})
    session.commit()
    return token


def token_user(session: Session, token: str, *, now: datetime | None = None, touch: bool = True
               ) -> tuple[UserPublic, tuple[str, ...]] | None:
    """The active account and scopes of a live API token, or None.

    Stamps `last_used_at` at most once a minute (:data:`TOUCH_EVERY`): a stamp on every request was a
    write (and on PostgreSQL a WAL flush) per API call, and concurrent calls with one token queued on
    its row lock. With ``touch=False`` it writes nothing (a read session may check)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    found = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                            .where(ApiToken.token_hash == _sha256(token))).first()  # one round trip
    if found is None or found[0].revoked_at is not None or not found[1].is_active:
        return None
    row, user = found
    now = now or utcnow()
    if touch and (row.last_used_at is None or _aware(row.last_used_at) < now - TOUCH_EVERY):
        row.last_used_at = now
    out = _public(session, user), tuple(row.scopes.split())
    if touch:
        session.commit()
    return out


def revoke_tokens(session: Session, actor: Actor, username: str) -> int:
    """Revoke every live token of the account; how many."""
    authorize(actor, None, "user.manage")
    user = _get(session, username)
    n = session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                        .values(revoked_at=utcnow())).rowcount
    _audit(session, actor, "token.revoke", [user.username], {"n": n})
    session.commit()
    return n


def set_demo_password(session: Session, actor: Actor, usernames: Iterable[str], password: str, *,
                      only_without_password: bool = False) -> int:
    """Give demo accounts the public demo password (one hash, computed once: the demo seeds fast);
    `only_without_password` leaves accounts that have one (a demo seeded before sign-in existed)."""
    authorize(actor, None, "user.manage")
    names = list(usernames)
    query = update(User).where(User.username.in_(names))
    if only_without_password:
        query = query.where(User.password_hash.is_(None))
        if not session.scalar(select(func.count()).select_from(User).where(
                User.username.in_(names), User.password_hash.is_(None))):
            return 0
    digest = hash_password(password)
    n = session.execute(query.values(password_hash=digest, password_changed_at=utcnow())).rowcount
    session.commit()
    return n


def accounts_with_password(session: Session, password: str) -> list[str]:
    """Active accounts whose password is `password` (the public demo password): checked once per
    distinct hash, so demo accounts sharing one hash cost one verification."""
    by_hash: dict[str, list[str]] = {}
    for name, digest in session.execute(select(User.username, User.password_hash)
                                        .where(User.is_active.is_(True), User.password_hash.is_not(None))):
        by_hash.setdefault(digest, []).append(name)
    if len(by_hash) > 200:  # a real district: only the hashes shared by several accounts can be the demo's
        by_hash = {h: n for h, n in by_hash.items() if len(n) > 1}
    return sorted(n for h, names in by_hash.items() if _verify(h, password) for n in names)

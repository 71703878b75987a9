"""บัญชีผู้ใช้ (accounts): who may act, with which role, for which school.

A table of the centre, so that every room's :func:`itembank.authz.authorize` reads the same
accounts; sign-in and sessions stay in `web/`. The roles are :data:`itembank.authz.PERSON_ROLES`
(the one role list, less "system", which acts but never signs in).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CheckConstraint, select
from sqlmodel import Field, Session, SQLModel

from itembank.authz import PERSON_ROLES, ROLE_TH, Actor, authorize
from itembank.errors import ItemBankError
from itembank.models import timestamp_field


class User(SQLModel, table=True):
    """ผู้ใช้ (user account): a role, and for a school account the school it belongs to."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in PERSON_ROLES)})", name="ck_user_role"),
        CheckConstraint("role <> 'school' OR school_id IS NOT NULL", name="ck_user_school_has_school"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    school_id: int | None = Field(default=None, foreign_key="school.id", index=True)
    position: str | None = Field(default=None, max_length=200)  # ตำแหน่ง, e.g. ศึกษานิเทศก์ชำนาญการพิเศษ
    password_hash: str | None = Field(default=None, max_length=255)
    is_active: bool = True
    created_at: datetime = timestamp_field()


@dataclass(frozen=True)
class UserDraft:
    """A new account: `school_id` only (and always) for the school role."""

    username: str
    display_name: str
    role: str
    school_id: int | None = None
    position: str | None = None


@dataclass(frozen=True)
class UserPublic:
    """An account as administrators read it (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    school_id: int | None
    position: str | None
    is_active: bool

    @classmethod
    def of(cls, user: User) -> UserPublic:
        assert user.id is not None
        return cls(id=user.id, username=user.username, display_name=user.display_name, role=user.role,
                   school_id=user.school_id, position=user.position, is_active=user.is_active)

    def actor(self) -> Actor:
        """The Actor that services act for when this user acts."""
        return Actor(user_id=self.id, username=self.username, role=self.role, school_id=self.school_id)


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
    if draft.role not in PERSON_ROLES:
        allowed = ", ".join(f"{ROLE_TH[r]} ({r})" for r in PERSON_ROLES)
        problems.append(ItemBankError("user.bad_role", role=draft.role,
                                      message_th=f"บทบาท {draft.role!r} ใช้กับบัญชีผู้ใช้ไม่ได้: ใช้ได้ {allowed}",
                                      message_en=f"role {draft.role!r} is not a role for an account"))
    elif (draft.role == "school") != (draft.school_id is not None):
        problems.append(ItemBankError("user.school_binding", username=name,
                                      message_th=f"ผู้ใช้ {name}: ต้องระบุโรงเรียนสำหรับบทบาทโรงเรียนเท่านั้น",
                                      message_en=f"user {name}: a school_id goes with the school role only"))
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
                 school_id=d.school_id, position=d.position) for d in drafts]
    session.add_all(rows)
    session.flush()
    users = [UserPublic.of(r) for r in rows]
    session.commit()
    return users


def create_user(session: Session, actor: Actor, username: str, display_name: str, role: str, *,
                school_id: int | None = None, position: str | None = None) -> UserPublic:
    """Add one account (ผู้ใช้): a unique username, a person's role, and a school for a school account."""
    draft = UserDraft(username=username, display_name=display_name, role=role, school_id=school_id,
                      position=position)
    return create_users(session, actor, [draft])[0]


def list_users(session: Session, actor: Actor, *, role: str | None = None,
               school_id: int | None = None) -> list[UserPublic]:
    """The accounts, by username; optionally one role's or one school's."""
    authorize(actor, None, "user.read")
    query = select(User).order_by(User.username)
    if role is not None:
        query = query.where(User.role == role)
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    return [UserPublic.of(u) for u in session.scalars(query)]

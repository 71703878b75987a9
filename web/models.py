"""Accounts: who may sign in, with which role, for which school. Authentication comes with the web issue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from itembank.models import timestamp_field

ROLES = ("officer", "reviewer", "analyst", "supervisor", "qa", "admin", "school")


class User(SQLModel, table=True):
    """ผู้ใช้ (user account): a role, and for a school account the school it belongs to."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="ck_user_role"),
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

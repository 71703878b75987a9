"""Tables of the scoring room. Schools first: the demo district and the users reference them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from itembank.models import timestamp_field


class SchoolBase(SQLModel):
    """โรงเรียน (school): one row per school of the service area office."""

    code: str = Field(max_length=10, min_length=10, unique=True, index=True)  # 10-digit ministry code
    name_th: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    amphoe: str | None = Field(default=None, max_length=100)  # อำเภอ
    tambon: str | None = Field(default=None, max_length=100)  # ตำบล
    network: str | None = Field(default=None, max_length=150)  # กลุ่มเครือข่ายโรงเรียน
    size: str | None = Field(default=None, max_length=20)  # small / medium / large (ขนาดโรงเรียน)
    grades: str | None = Field(default=None, max_length=100)  # "ป.1-ป.6" or "ป.1-ม.3"


class School(SchoolBase, table=True):
    __table_args__ = (CheckConstraint("length(code) = 10", name="ck_school_code_len"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = timestamp_field()


class SchoolPublic(SchoolBase):
    id: int

"""โรงเรียน (schools) of the service area office: the table, adding schools, finding one by its code.

Schools belong to the centre: user accounts are bound to them, and every room (scoring's rosters
and administrations, supervision's visits, the reports) refers to them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import CheckConstraint, or_, select
from sqlmodel import Field, Session, SQLModel

from itembank.authz import Actor, authorize
from itembank.errors import ItemBankError
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

    @property
    def school_id(self) -> int | None:
        """A school is its own school: authorize() keeps a school account to its own row."""
        return self.id


class SchoolPublic(SchoolBase):
    id: int



def add_schools(session: Session, actor: Actor, schools: Iterable[SchoolBase]) -> dict[str, int]:
    """Add schools in one transaction, all or none; their ids by 10-digit code."""
    authorize(actor, None, "school.write")
    rows = [School(**s.model_dump()) for s in schools]
    codes = Counter(r.code for r in rows)
    taken = set(session.scalars(select(School.code).where(School.code.in_(list(codes))))) if codes else set()
    repeated = sorted({c for c, n in codes.items() if n > 1} | taken)
    if repeated:
        raise ItemBankError("school.exists", kind="conflict", codes=repeated,
                           message_th=f"มีโรงเรียนรหัส {', '.join(repeated)} อยู่แล้ว",
                           message_en=f"schools {', '.join(repeated)} already exist")
    session.add_all(rows)
    session.flush()
    ids = {r.code: r.id for r in rows}
    session.commit()
    return ids


def get_school(session: Session, actor: Actor, code: str) -> School:
    """The school with this 10-digit ministry code, or ItemBankError not_found."""
    school = session.scalar(select(School).where(School.code == code.strip()))
    if school is None:
        raise ItemBankError("school.not_found", kind="not_found", school=code,
                           message_th=f"ไม่พบโรงเรียนรหัส {code}", message_en=f"no school {code}")
    authorize(actor, school, "school.read")
    return school


# ------------------------------------------------------------------------------------- school register

SCHOOL_FIELDS = ("name_th", "name_en", "amphoe", "tambon", "network", "size", "grades")


def find_schools(session: Session, actor: Actor, *, q: str = "", network: str = "") -> list:
    """The schools whose code or Thai name holds `q`, in `network` when given, by code."""
    authorize(actor, None, "school.read")
    query = select(School).order_by(School.code)
    if q:
        like = f"%{q}%"
        query = query.where(or_(School.code.like(like), School.name_th.like(like)))
    if network:
        query = query.where(School.network == network)
    return list(session.scalars(query))


def school_networks(session: Session, actor: Actor) -> list[str]:
    """The networks (กลุ่มเครือข่าย) the schools belong to."""
    authorize(actor, None, "school.read")
    return sorted(n for n in session.scalars(select(School.network).distinct()) if n)


def update_school(session: Session, actor: Actor, code: str, values: dict, *, ip: str | None = None) -> list[str]:
    """Change a school's details (never its code); the fields changed, audited with the change."""
    from itembank.audit import record

    authorize(actor, None, "school.write")
    school = get_school(session, actor, code)
    if not str(values.get("name_th") or "").strip():
        raise ItemBankError("school.no_name", message_th="ชื่อโรงเรียน (ภาษาไทย): ต้องระบุ",
                            message_en="the school needs a Thai name")
    changed = sorted(f for f in SCHOOL_FIELDS if f in values and getattr(school, f) != values[f])
    for f in changed:
        setattr(school, f, values[f])
    if changed:
        record(session, "school.update", actor=actor, ip=ip, object_type="school", object_id=school.code,
               detail={"fields": changed}, commit=False)
    session.commit()
    return changed

"""โรงเรียน (schools) of the service area office: adding them, and finding one by its ministry code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select
from sqlmodel import Session

from itembank.authz import Actor, authorize, register_actions
from scoring.errors import ScoringError
from scoring.models import School, SchoolBase

register_actions(
    {"school.read": "ดูข้อมูลโรงเรียน", "school.write": "เพิ่มโรงเรียน"},
    {role: {"school.read"} for role in ("officer", "reviewer", "analyst", "supervisor", "qa", "school")},
)


def add_schools(session: Session, actor: Actor, schools: Iterable[SchoolBase]) -> dict[str, int]:
    """Add schools in one transaction, all or none; their ids by 10-digit code."""
    authorize(actor, None, "school.write")
    rows = [School(**s.model_dump()) for s in schools]
    codes = Counter(r.code for r in rows)
    taken = set(session.scalars(select(School.code).where(School.code.in_(list(codes))))) if codes else set()
    repeated = sorted({c for c, n in codes.items() if n > 1} | taken)
    if repeated:
        raise ScoringError("school.exists", kind="conflict", codes=repeated,
                           message_th=f"มีโรงเรียนรหัส {', '.join(repeated)} อยู่แล้ว",
                           message_en=f"schools {', '.join(repeated)} already exist")
    session.add_all(rows)
    session.flush()
    ids = {r.code: r.id for r in rows}
    session.commit()
    return ids


def get_school(session: Session, actor: Actor, code: str) -> School:
    """The school with this 10-digit ministry code, or ScoringError not_found."""
    school = session.scalar(select(School).where(School.code == code.strip()))
    if school is None:
        raise ScoringError("school.not_found", kind="not_found", school=code,
                           message_th=f"ไม่พบโรงเรียนรหัส {code}", message_en=f"no school {code}")
    authorize(actor, school, "school.read")
    return school

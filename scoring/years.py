"""ปีการศึกษาและภาคเรียน (academic years and terms) as the administrator keeps them, and the two
reads the administrator's pages need beside them: the school register searched and edited, and the
audit log filtered and paged (the centre has no such query yet; they belong in itembank.schools and
itembank.audit when the centre takes them).

A year is named by its Buddhist-era number (2569) and may carry its first and last day (stored in
the Christian era, shown in พ.ศ.); its terms are 1 and 2 (3 for a summer term). Terms are created
through :func:`scoring.administrations.ensure_term`, the same path an administration takes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from scoring.administrations import ensure_term, ensure_year
from scoring.errors import ScoringError
from scoring.models import AcademicYear, Term


@dataclass(frozen=True)
class YearInfo:
    id: int
    year_be: int
    starts_on: dt.date | None
    ends_on: dt.date | None
    terms: tuple[int, ...]


def list_years(session: Session, actor: Actor) -> list[YearInfo]:
    """Every academic year, newest first, with its terms."""
    authorize(actor, None, "school.read")
    years = session.scalars(select(AcademicYear).order_by(AcademicYear.year_be.desc())).all()
    terms: dict[int, list[int]] = {}
    for t in session.scalars(select(Term).order_by(Term.number)):
        terms.setdefault(t.academic_year_id, []).append(t.number)
    return [YearInfo(y.id, y.year_be, y.starts_on, y.ends_on, tuple(terms.get(y.id, ()))) for y in years]


def save_year(session: Session, actor: Actor, year_be: int, *, starts_on: dt.date | None = None,
              ends_on: dt.date | None = None, terms: Sequence[int] = (1, 2)) -> YearInfo:
    """Create or update year `year_be` (พ.ศ.) with its dates and terms; every problem named, nothing half-written."""
    authorize(actor, None, "year.write")
    problems = []
    if not 2400 <= int(year_be) <= 2700:
        problems.append(ScoringError("year.invalid", message_th=f"ปีการศึกษา {year_be} ต้องเป็นปี พ.ศ. (เช่น 2569)",
                                     message_en=f"academic year {year_be} must be a Buddhist-era year (e.g. 2569)"))
    if starts_on and ends_on and ends_on <= starts_on:
        problems.append(ScoringError("year.bad_dates", message_th="วันสิ้นปีการศึกษาต้องอยู่หลังวันเปิดปีการศึกษา",
                                     message_en="the year must end after it starts"))
    bad_terms = [t for t in terms if t not in (1, 2, 3)]
    if bad_terms or not terms:
        problems.append(ScoringError("term.invalid", message_th="ภาคเรียนต้องเป็น 1 2 หรือ 3 อย่างน้อยหนึ่งภาค",
                                     message_en="terms must be 1, 2 or 3, at least one"))
    if problems:
        raise ScoringError("year.invalid_input", problems=problems)
    for number in sorted(set(terms)):
        ensure_term(session, actor, int(year_be), number, commit=False)
    year = ensure_year(session, int(year_be))
    if starts_on is not None:
        year.starts_on = starts_on
    if ends_on is not None:
        year.ends_on = ends_on
    session.flush()
    numbers = tuple(session.scalars(select(Term.number).where(Term.academic_year_id == year.id).order_by(Term.number)))
    info = YearInfo(year.id, year.year_be, year.starts_on, year.ends_on, numbers)
    session.commit()
    return info


# ------------------------------------------------------------------------------------- school register

SCHOOL_FIELDS = ("name_th", "name_en", "amphoe", "tambon", "network", "size", "grades")


def find_schools(session: Session, actor: Actor, *, q: str = "", network: str = "") -> list:
    """The schools whose code or Thai name holds `q`, in `network` when given, by code."""
    from itembank.schools import School

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
    from itembank.schools import School

    authorize(actor, None, "school.read")
    return sorted(n for n in session.scalars(select(School.network).distinct()) if n)


def update_school(session: Session, actor: Actor, code: str, values: dict, *, ip: str | None = None) -> list[str]:
    """Change a school's details (never its code); the fields changed, audited with the change."""
    from itembank.audit import record
    from itembank.schools import get_school

    authorize(actor, None, "school.write")
    school = get_school(session, actor, code)
    if not str(values.get("name_th") or "").strip():
        raise ScoringError("school.no_name", message_th="ชื่อโรงเรียน (ภาษาไทย): ต้องระบุ",
                           message_en="the school needs a Thai name")
    changed = sorted(f for f in SCHOOL_FIELDS if f in values and getattr(school, f) != values[f])
    for f in changed:
        setattr(school, f, values[f])
    if changed:
        record(session, "school.update", actor=actor, ip=ip, object_type="school", object_id=school.code,
               detail={"fields": changed}, commit=False)
    session.commit()
    return changed


# ------------------------------------------------------------------------------------------- audit log


def audit_page(session: Session, actor: Actor, *, who: str = "", event: str = "", outcome: str = "",
               since: dt.datetime | None = None, until: dt.datetime | None = None, page: int = 1,
               per_page: int = 50) -> tuple[list, int]:
    """One page of the audit log, newest first, and how many rows match; `since`/`until` are aware times."""
    from itembank.audit import AuditLog

    authorize(actor, None, "audit.read")
    query = select(AuditLog)
    if who:
        query = query.where(AuditLog.username.like(f"%{who}%"))
    if event:
        query = query.where(AuditLog.event.like(f"{event}%"))
    if outcome:
        query = query.where(AuditLog.outcome == outcome)
    if since is not None:
        query = query.where(AuditLog.at >= since)
    if until is not None:
        query = query.where(AuditLog.at < until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditLog.id.desc()).offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), int(total)

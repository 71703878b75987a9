"""ปีการศึกษาและภาคเรียน (academic years and terms) as the administrator keeps them.

A year is named by its Buddhist-era number (2569) and may carry its first and last day (stored in
the Christian era, shown in พ.ศ.); its terms are 1 and 2 (3 for a summer term). Terms are created
through :func:`scoring.administrations.ensure_term`, the same path an administration takes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
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

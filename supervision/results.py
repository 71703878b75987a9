"""The assessment results supervision joins to: a small interface over the score warehouse.

:class:`ResultsSource` is what the QA summary and the committee report read; :class:`WarehouseResults`
reads :mod:`scoring.warehouse` (district and school results per administration, the embargo applied
as for the actor), and tests or an office without exams may pass :class:`StaticResults`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.errors import KhlangError


@dataclass(frozen=True)
class AdministrationLine:
    """One administration of the year, district-wide: a line of the committee's results table."""

    code: str
    title: str
    grade: str
    year_be: int
    n: int
    mean_percent: float | None
    quality_shares: dict[str, float] = field(default_factory=dict)  # excellent/good/fair/improve → %
    grade_shares: dict[str, float] = field(default_factory=dict)  # "4", "3.5" … → %
    indicator_mastery: dict[str, float] = field(default_factory=dict)  # indicator → share mastered
    trend: tuple[tuple[int, float | None], ...] = ()  # (year, district mean %)


@dataclass(frozen=True)
class SchoolLine:
    school_id: int
    administration: str
    n: int
    mean_percent: float | None


@dataclass(frozen=True)
class YearResults:
    year_be: int
    administrations: tuple[AdministrationLine, ...] = ()
    schools: tuple[SchoolLine, ...] = ()
    skipped: tuple[str, ...] = ()  # administrations whose results the actor may not read yet

    def school_means(self) -> dict[int, float]:
        """Each school's mean % over the year's administrations, weighted by students."""
        total: dict[int, float] = defaultdict(float)
        count: dict[int, int] = defaultdict(int)
        for s in self.schools:
            if s.mean_percent is not None and s.n:
                total[s.school_id] += s.mean_percent * s.n
                count[s.school_id] += s.n
        return {k: total[k] / count[k] for k in total}

    def bottom_quartile(self) -> set[int]:
        """Schools whose mean is at or below the 25th percentile of the schools' means (needs ≥ 4 schools)."""
        means = self.school_means()
        if len(means) < 4:
            return set()
        cut = float(np.percentile(list(means.values()), 25))
        return {k for k, v in means.items() if v <= cut + 1e-9}


class ResultsSource(Protocol):
    def year_results(self, session: Session, actor: Actor, year_be: int) -> YearResults: ...


@dataclass(frozen=True)
class StaticResults:
    """Results handed in as data (tests, or an office that enters them by hand)."""

    by_year: dict[int, YearResults]

    def year_results(self, session: Session, actor: Actor, year_be: int) -> YearResults:
        return self.by_year.get(year_be, YearResults(year_be))


class WarehouseResults:
    """The score warehouse (:mod:`scoring.warehouse`): every administration of the year, as the actor may see it."""

    def year_results(self, session: Session, actor: Actor, year_be: int) -> YearResults:
        from scoring.warehouse import district_results

        lines, schools, skipped = [], [], []
        for adm_id, code in year_administrations(session, actor, year_be):
            try:
                r = district_results(session, actor, adm_id)
            except KhlangError:  # results under embargo for this actor, or none: reported, not fatal
                skipped.append(code)
                continue
            d = r.district
            lines.append(AdministrationLine(
                r.administration, r.title, r.grade, r.year_be, d.n, d.mean_percent, d.quality_shares,
                d.grade_shares, d.indicator_mastery, tuple((t.year_be, t.district_mean_percent) for t in r.trend)))
            for g in r.schools:
                if g.scope.startswith("school:"):
                    schools.append(SchoolLine(int(g.scope.split(":")[1]), r.administration, g.n, g.mean_percent))
        return YearResults(year_be, tuple(lines), tuple(schools), tuple(skipped))


def year_administrations(session: Session, actor: Actor, year_be: int) -> list[tuple[int, str]]:
    """(id, code) of the year's administrations, newest first, in one query (the order of
    :func:`scoring.administrations.list_administrations`, which reads every year's with their forms)."""
    from scoring.models import AcademicYear, Administration, Term

    authorize(actor, None, "administration.read")
    if actor.role == "school":  # a school never reads the district's results: nothing to name either
        return []
    return [(i, c) for i, c in session.execute(
        select(Administration.id, Administration.code).join(Term, Term.id == Administration.term_id)
        .join(AcademicYear, AcademicYear.id == Term.academic_year_id).where(AcademicYear.year_be == year_be)
        .order_by(Administration.created_at.desc(), Administration.code))]


class OnceResults:
    """A results source read once per year: the QA summary and the committee's results section share it."""

    def __init__(self, source: ResultsSource):
        self.source = source
        self.years: dict[int, YearResults] = {}

    def year_results(self, session: Session, actor: Actor, year_be: int) -> YearResults:
        if year_be not in self.years:
            self.years[year_be] = self.source.year_results(session, actor, year_be)
        return self.years[year_be]

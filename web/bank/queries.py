"""Read-only aggregates for the pages (counts the home page and the bank list show)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from itembank.models import Instrument, Item, ItemSet, ItemVersion
from scoring.models import School


@dataclass(frozen=True)
class BankOverview:
    n_items: int
    n_versions: int
    n_sets: int
    n_instruments: int
    n_schools: int
    by_status: dict[str, int]
    by_area_grade: dict[tuple[str, str], int]   # latest versions, not retired


def bank_overview(session: Session) -> BankOverview:
    """Counts of the bank in a handful of grouped queries (no per-row work)."""
    count = lambda model: session.scalar(select(func.count()).select_from(model)) or 0  # noqa: E731
    latest = ItemVersion.is_latest.is_(True)
    by_status = dict(session.execute(
        select(ItemVersion.status, func.count()).where(latest).group_by(ItemVersion.status)).all())
    rows = session.execute(
        select(ItemVersion.learning_area, ItemVersion.grade, func.count())
        .where(latest, ItemVersion.status != "retired")
        .group_by(ItemVersion.learning_area, ItemVersion.grade)).all()
    return BankOverview(
        n_items=count(Item), n_versions=count(ItemVersion), n_sets=count(ItemSet),
        n_instruments=count(Instrument), n_schools=count(School), by_status=by_status,
        by_area_grade={(a or "", g or ""): n for a, g, n in rows},
    )

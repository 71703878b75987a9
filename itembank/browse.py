"""What the bank shows people who browse it: its overview, and one item with its history.

Each function takes (session, actor), authorizes, and returns plain data a page or a command
renders as it is: an item is read through :func:`itembank.service.read_version`, so the answer key
is in the result only for roles that may read keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.curriculum import load_curriculum
from itembank.errors import ItemBankError
from itembank.models import Instrument, Item, ItemSet, ItemVersion
from itembank.review import IocResult, ioc_summary, review_history
from itembank.schemas import ItemVersionForSchool, ItemVersionPublic, ReviewEventPublic
from itembank.schools import School
from itembank.service import read_version, versions_of


@dataclass(frozen=True)
class BankOverview:
    """ภาพรวมคลัง (the bank at a glance): counts for the home page."""

    n_items: int
    n_versions: int
    n_sets: int
    n_instruments: int
    n_schools: int
    by_status: dict[str, int]                 # latest versions
    by_area_grade: dict[tuple[str, str], int]   # latest versions, not retired


def bank_overview(session: Session, actor: Actor) -> BankOverview:
    """Counts of the bank in a handful of grouped queries (no per-row work)."""
    authorize(actor, None, "item.search")

    def count(model) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

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


@dataclass(frozen=True)
class VersionSummary:
    """One version in an item's list of versions."""

    item_code: str
    number: int
    status: str
    created_at: datetime


@dataclass(frozen=True)
class SetSummary:
    """The passage or stimulus an item belongs to."""

    code: str
    title: str
    stimulus: str   # sanitised when stored


@dataclass(frozen=True)
class ItemPage:
    """One item as `actor` may read it: the version (with the key only when `shows_key`), the item's
    versions, the review history and IOC of this version, its passage and its indicators' texts."""

    version: ItemVersionPublic | ItemVersionForSchool
    status: str
    versions: list[VersionSummary]
    history: list[ReviewEventPublic]
    ioc: IocResult
    item_set: SetSummary | None
    indicators: list[tuple[str, str]]   # (code, text; "" when the curriculum has no text)
    shows_key: bool


def item_page(session: Session, actor: Actor, code: str, number: int | None = None) -> ItemPage:
    """Version `number` of the item (the latest when None) with everything its page shows."""
    version = read_version(session, actor, code, number)
    rows = versions_of(session, code)
    row = next(r for r in rows if r.id == version.id)
    item_set = session.get(ItemSet, row.set_id) if row.set_id is not None else None
    return ItemPage(
        version=version,
        status=row.status,
        versions=[VersionSummary(version.item_code, r.number, r.status, r.created_at) for r in rows],
        history=review_history(session, version.id),
        ioc=ioc_summary(session, version.id),
        item_set=SetSummary(item_set.code, item_set.title, item_set.stimulus) if item_set else None,
        indicators=indicator_texts(version.indicator_codes),
        shows_key=isinstance(version, ItemVersionPublic),
    )


def indicator_texts(codes: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """(code, text) of each indicator code; the text is "" for a code the curriculum does not hold."""
    curriculum = load_curriculum()
    out = []
    for c in codes:
        try:
            out.append((c, curriculum.indicator(c).text))
        except ItemBankError:
            out.append((c, ""))
    return out

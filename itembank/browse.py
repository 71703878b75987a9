"""What the bank shows people who browse it: its overview, and one item with its history.

Each function takes (session, actor), authorizes, and returns plain data a page or a command
renders as it is: an item is read through :func:`itembank.service.read_version`, so the answer key
is in the result only for roles that may read keys.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def display_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """The people's display names for the login names stored on rows (unknown names are left out)."""
    from itembank.accounts import User
    from itembank.authz import ROLE_TH

    names = sorted({n for n in usernames if n})
    found = {"system": ROLE_TH["system"]} if "system" in names else {}
    if names:
        found.update(session.execute(select(User.username, User.display_name).where(User.username.in_(names))).all())
    return found


@dataclass(frozen=True)
class PassageVersion:
    """One version of a passage (บทอ่าน), as its editor lists them."""

    code: str
    number: int
    title: str
    stimulus: str
    created_at: datetime
    created_by_name: str
    media: tuple[str, ...] = ()


@dataclass(frozen=True)
class PassagePage:
    """A passage with its versions (oldest first) and the latest versions of the items that use it."""

    base_code: str
    versions: list[PassageVersion]
    members: list[tuple[str, int, str]]   # (item code, version number, stem)

    @property
    def latest(self) -> PassageVersion:
        return self.versions[-1]


def passage_page(session: Session, actor: Actor, code: str) -> PassagePage:
    """A passage (any of its version codes) for its editor."""
    from itembank.service import set_base_code, set_latest_members, set_version_number, set_versions

    authorize(actor, None, "item.read")
    rows = set_versions(session, code)
    return PassagePage(
        base_code=set_base_code(code),
        versions=[PassageVersion(r.code, set_version_number(r.code), r.title, r.stimulus, r.created_at,
                                 r.created_by_name, tuple(r.media or ())) for r in rows],
        members=[(m.item_code, m.number, m.stem) for m in set_latest_members(session, code)])


@dataclass(frozen=True)
class ItemPlots:
    """What the item page plots from the newest statistics: IRT parameters and option choices."""

    source: str | None
    a: float | None
    b: float | None
    c: float | None
    options: list[tuple[str, bool, int, int]]   # (label, is key, upper count, lower count)
    group_size: int


def item_plots(session: Session, actor: Actor, code: str, number: int | None = None) -> ItemPlots:
    """The newest statistics of the item's version (latest when None) that carry a b, and the newest
    that carry option choices (an administration's distractor analysis)."""
    from itembank.statistics import statistics_history

    history = [h for h in statistics_history(session, actor, code)
               if number is None or h.version_number == number]
    if number is None and history:
        newest = max(h.version_number for h in history)
        history = [h for h in history if h.version_number == newest]
    irt = next((h for h in reversed(history) if h.b is not None), None)
    with_options = next((h for h in reversed(history) if h.extra.get("distractors")), None)
    options: list[tuple[str, bool, int, int]] = []
    group = 0
    if with_options is not None:
        for label, o in with_options.extra["distractors"].items():
            options.append((str(label), bool(o.get("key")), int(o.get("upper") or 0), int(o.get("lower") or 0)))
        group = max(sum(u for _, _, u, _ in options), sum(lo for _, _, _, lo in options), 1)
    return ItemPlots(irt.source if irt else (with_options.source if with_options else None),
                     irt.a if irt else None, irt.b if irt else None, irt.c if irt else None, options, group)


@dataclass(frozen=True)
class ReviewEntry:
    """One version waiting in the review queue, with what an expert needs to rate it."""

    version: ItemVersionPublic
    item_set: SetSummary | None
    indicators: list[tuple[str, str]]
    ioc: IocResult
    mine: int | None        # the actor's own rating, when they gave one


@dataclass(frozen=True)
class ReviewQueue:
    entries: list[ReviewEntry]
    total: int
    page: int
    n_pages: int


def review_queue(session: Session, actor: Actor, *, page: int = 1, per_page: int = 20,
                 learning_area: str | None = None) -> ReviewQueue:
    """The latest versions waiting for review (รอพิจารณา), oldest code first, with their IOC so far."""
    from itembank.errors import ItemBankError
    from itembank.schemas import SearchFilters
    from itembank.search import search_items

    if not (actor.may("item.return") or actor.may("item.rate_ioc") or actor.may("item.approve")):
        authorize(actor, None, "item.return")
    try:
        result = search_items(session, actor, SearchFilters(status="in_review", learning_area=learning_area or None),
                              page=page, per_page=per_page)
    except ItemBankError:
        result = search_items(session, actor, SearchFilters(status="in_review"), page=1, per_page=per_page)
    set_ids = {}
    codes = [v.set_code for v in result.items if v.set_code]
    if codes:
        set_ids = {s.code: s for s in session.scalars(select(ItemSet).where(ItemSet.code.in_(codes)))}
    entries = []
    for v in result.items:
        summary = ioc_summary(session, v.id)
        mine = dict(summary.ratings).get(actor.username)
        s = set_ids.get(v.set_code) if v.set_code else None
        entries.append(ReviewEntry(v, SetSummary(s.code, s.title, s.stimulus) if s else None,
                                   indicator_texts(v.indicator_codes), summary, mine))
    return ReviewQueue(entries, result.total, result.page, result.n_pages)

"""Item statistics written back to item versions (CTT and IRT), so the bank improves each year.

One row per item version per source (an administration, a pilot, a calibration run): the number
of examinees, classical p and discrimination, and IRT parameters on a named scale. Readers take the
newest row per version (:func:`latest_statistics`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint, func, select
from sqlmodel import Field, Session, SQLModel

from itembank.authz import Actor, authorize
from itembank.errors import ItemBankError
from itembank.models import JSONType, timestamp_field, utcnow

IRT_MODELS = ("1pl", "rasch", "2pl", "3pl", "grm", "gpcm", "pcm")


class ItemStatistic(SQLModel, table=True):
    """ค่าสถิติของข้อสอบ: statistics of one item version from one source."""

    __tablename__ = "item_statistic"
    __table_args__ = (UniqueConstraint("version_id", "source", name="uq_item_statistic_source"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="item_version.id", index=True, ondelete="CASCADE")
    source: str = Field(max_length=120)             # e.g. "pilot-2568-p6" or an administration code
    n: int
    p: float | None = None                          # proportion correct (or mean / max for polytomous)
    r_pbis: float | None = None                     # corrected item-rest correlation
    discrimination_index: float | None = None       # r = (H − L) / g, 27 % groups
    irt_model: str | None = Field(default=None, max_length=8)
    a: float | None = None
    b: float | None = None
    c: float | None = None
    thresholds: list[float] = Field(default_factory=list, sa_type=JSONType)
    se: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    scale: str | None = Field(default=None, max_length=64)   # the θ scale the parameters are on
    extra: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)  # fit, DIF flags, distractors
    computed_at: datetime = timestamp_field()


@dataclass(frozen=True)
class StatisticInput:
    version_id: int
    n: int
    p: float | None = None
    r_pbis: float | None = None
    discrimination_index: float | None = None
    irt_model: str | None = None
    a: float | None = None
    b: float | None = None
    c: float | None = None
    thresholds: tuple[float, ...] = ()
    se: dict[str, Any] | None = None
    scale: str | None = None
    extra: dict[str, Any] | None = None


def record_statistics(session: Session, actor: Actor, source: str, rows: Iterable[StatisticInput], *,
                      commit: bool = True) -> int:
    """Store (or replace) the statistics of many versions from `source`, in one transaction.

    With ``commit=False`` the rows are only flushed: a caller writing more in the same transaction
    (the analysis write-back) commits once.
    """
    authorize(actor, None, "item.write_statistics")
    rows = list(rows)
    bad = [r for r in rows if r.irt_model is not None and r.irt_model not in IRT_MODELS]
    if bad:
        raise ItemBankError("statistics.bad_model", message_th=f"ไม่รู้จักโมเดล IRT {bad[0].irt_model!r}",
                            message_en=f"unknown IRT model {bad[0].irt_model!r}")
    existing = {s.version_id: s for s in session.scalars(
        select(ItemStatistic).where(ItemStatistic.source == source,
                                    ItemStatistic.version_id.in_([r.version_id for r in rows])))} if rows else {}
    for r in rows:
        row = existing.get(r.version_id) or ItemStatistic(version_id=r.version_id, source=source, n=r.n)
        row.n, row.p, row.r_pbis, row.discrimination_index = r.n, r.p, r.r_pbis, r.discrimination_index
        row.irt_model, row.a, row.b, row.c = r.irt_model, r.a, r.b, r.c
        row.thresholds, row.se, row.scale, row.extra = list(r.thresholds), dict(r.se or {}), r.scale, dict(r.extra or {})
        row.computed_at = utcnow()
        session.add(row)
    if commit:
        session.commit()
    else:
        session.flush()
    return len(rows)


def latest_statistics(session: Session, version_ids: Sequence[int]) -> dict[int, ItemStatistic]:
    """The newest statistics row of each version that has one."""
    if not version_ids:
        return {}
    newest = (select(ItemStatistic.version_id, func.max(ItemStatistic.computed_at).label("at"))
              .where(ItemStatistic.version_id.in_(list(version_ids))).group_by(ItemStatistic.version_id).subquery())
    rows = session.scalars(select(ItemStatistic).join(
        newest, (ItemStatistic.version_id == newest.c.version_id) & (ItemStatistic.computed_at == newest.c.at)))
    return {r.version_id: r for r in rows}


@dataclass(frozen=True)
class StatisticHistoryRow:
    """One line of an item's history: the statistics of one of its versions from one source."""

    version_number: int
    source: str
    n: int
    p: float | None
    r: float | None                  # discrimination index (27 % groups)
    r_pbis: float | None
    irt_model: str | None
    a: float | None
    b: float | None
    c: float | None
    scale: str | None
    infit: float | None
    outfit: float | None
    dif_class: str | None            # the worst ETS class over the DIF comparisons (A, B, C)
    flags: tuple[str, ...]
    computed_at: datetime
    extra: dict[str, Any]


def statistics_history(session: Session, actor: Actor, code: str) -> list[StatisticHistoryRow]:
    """Every statistics row of every version of item `code`, oldest first (the item's history)."""
    from itembank.models import Item, ItemVersion

    authorize(actor, None, "item.read")
    rows = session.execute(
        select(ItemStatistic, ItemVersion.number).join(ItemVersion, ItemVersion.id == ItemStatistic.version_id)
        .join(Item, Item.id == ItemVersion.item_id).where(Item.code == code)
        .order_by(ItemStatistic.computed_at, ItemStatistic.id)).all()
    return [_history_row(s, number) for s, number in rows]


def _history_row(s: ItemStatistic, number: int) -> StatisticHistoryRow:
    extra = dict(s.extra or {})
    fit = extra.get("fit") or {}
    return StatisticHistoryRow(
        version_number=number, source=s.source, n=s.n, p=s.p, r=s.discrimination_index, r_pbis=s.r_pbis,
        irt_model=s.irt_model, a=s.a, b=s.b, c=s.c, scale=s.scale, infit=fit.get("infit"), outfit=fit.get("outfit"),
        dif_class=extra.get("dif_class"), flags=tuple(extra.get("flags") or ()), computed_at=s.computed_at,
        extra=extra)


def exposure_counts(session: Session, version_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """(administrations, examinees) each version was given to: rows written back from administrations.

    The count goes up with every administration analysed and never double-counts a re-run (one
    statistics row per version and source).
    """
    if not version_ids:
        return {}
    rows = session.execute(
        select(ItemStatistic.version_id, func.count(ItemStatistic.id), func.sum(ItemStatistic.n))
        .where(ItemStatistic.version_id.in_(list(version_ids)), ItemStatistic.source.like("admin:%"))
        .group_by(ItemStatistic.version_id)).all()
    return {v: (int(k), int(n or 0)) for v, k, n in rows}


@dataclass(frozen=True)
class ItemRecord:
    """What the bank knows of an item from its use: statistics history, exposure and review tasks."""

    history: list[StatisticHistoryRow]
    n_administrations: int
    n_examinees: int
    tasks: list[Any]  # itembank.review_tasks.ReviewTaskPublic, newest first (empty without review_task.read)


def item_record(session: Session, actor: Actor, code: str) -> ItemRecord:
    """The item's history with p, r, a, b, fit and DIF per source, how often it was given, and its review tasks."""
    from itembank.review_tasks import list_review_tasks

    history = statistics_history(session, actor, code)
    admins = [h for h in history if h.source.startswith("admin:")]
    tasks = list_review_tasks(session, actor, status=None, item_code=code) if actor.may("review_task.read") else []
    return ItemRecord(history, len(admins), sum(h.n for h in admins), tasks)

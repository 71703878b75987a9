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


def record_statistics(session: Session, actor: Actor, source: str, rows: Iterable[StatisticInput]) -> int:
    """Store (or replace) the statistics of many versions from `source`, in one transaction."""
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
    session.commit()
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

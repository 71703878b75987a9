"""ชุดค่าพารามิเตอร์ (parameter sets): versioned IRT item parameters on a named scale.

Every calibration that is written back makes the next numbered set of its scale (``district-p6``
v1, v2 …) with its provenance (source, model, n, linking constants onto the scale). Sets are never
changed once made; scoring and assembly name the set they used (:func:`parameter_set_ref`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint, func, select
from sqlmodel import Field, Session, SQLModel

from itembank.authz import Actor, authorize
from itembank.errors import ItemBankError
from itembank.models import JSONType, timestamp_field
from itembank.statistics import IRT_MODELS


class ParameterSet(SQLModel, table=True):
    """ชุดค่าพารามิเตอร์: version `number` of the parameters on `scale`."""

    __tablename__ = "parameter_set"
    __table_args__ = (UniqueConstraint("scale", "number", name="uq_parameter_set_number"),)

    id: int | None = Field(default=None, primary_key=True)
    scale: str = Field(max_length=64, index=True)
    number: int
    source: str = Field(max_length=120)               # the administration code or pilot it came from
    model: str = Field(max_length=8)
    n_persons: int = 0
    linking: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)   # method, A, B, n_common
    meta: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    created_by_name: str = Field(default="", max_length=150)
    created_at: datetime = timestamp_field()


class ParameterSetItem(SQLModel, table=True):
    """The parameters of one item version in one set."""

    __tablename__ = "parameter_set_item"
    __table_args__ = (UniqueConstraint("parameter_set_id", "version_id", name="uq_parameter_set_item"),)

    id: int | None = Field(default=None, primary_key=True)
    parameter_set_id: int = Field(foreign_key="parameter_set.id", index=True, ondelete="CASCADE")
    version_id: int = Field(foreign_key="item_version.id", index=True, ondelete="CASCADE")
    model: str = Field(max_length=8)
    a: float | None = None
    b: float | None = None
    c: float | None = None
    thresholds: list[float] = Field(default_factory=list, sa_type=JSONType)
    se: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    is_anchor: bool = False


@dataclass(frozen=True)
class ParameterRow:
    version_id: int
    model: str
    a: float | None = None
    b: float | None = None
    c: float | None = None
    thresholds: tuple[float, ...] = ()
    se: dict[str, Any] | None = None
    is_anchor: bool = False


@dataclass(frozen=True)
class ParameterSetPublic:
    id: int
    scale: str
    number: int
    source: str
    model: str
    n_persons: int
    linking: dict[str, Any]
    created_at: datetime
    items: tuple[ParameterRow, ...] = field(default=())

    @property
    def ref(self) -> str:
        """How scoring and assembly name the set they used: ``scale@vN``."""
        return f"{self.scale}@v{self.number}"


def create_parameter_set(session: Session, actor: Actor, scale: str, source: str, model: str,
                         rows: Iterable[ParameterRow], *, n_persons: int = 0, linking: dict[str, Any] | None = None,
                         meta: dict[str, Any] | None = None, commit: bool = True) -> ParameterSetPublic:
    """Make the next version of `scale`'s parameters from `rows` (one transaction unless `commit` is False)."""
    authorize(actor, None, "item.write_statistics")
    rows = list(rows)
    if model not in IRT_MODELS or any(r.model not in IRT_MODELS for r in rows):
        raise ItemBankError("parameter_set.bad_model", message_th=f"ไม่รู้จักโมเดล IRT {model!r}",
                            message_en=f"unknown IRT model {model!r}")
    number = (session.scalar(select(func.max(ParameterSet.number)).where(ParameterSet.scale == scale)) or 0) + 1
    ps = ParameterSet(scale=scale, number=number, source=source, model=model, n_persons=n_persons,
                      linking=dict(linking or {}), meta=dict(meta or {}), created_by_name=actor.username)
    session.add(ps)
    session.flush()
    session.add_all([ParameterSetItem(parameter_set_id=ps.id, version_id=r.version_id, model=r.model, a=r.a, b=r.b,
                                      c=r.c, thresholds=list(r.thresholds), se=dict(r.se or {}), is_anchor=r.is_anchor)
                     for r in rows])
    if commit:
        session.commit()
    else:
        session.flush()
    return _public(ps, rows)


def latest_parameter_set(session: Session, actor: Actor, scale: str, *,
                         version_ids: Sequence[int] | None = None) -> ParameterSetPublic | None:
    """The newest set of `scale` (its items, or only those of `version_ids`); None when there is none."""
    authorize(actor, None, "item.read")
    ps = session.scalars(select(ParameterSet).where(ParameterSet.scale == scale)
                         .order_by(ParameterSet.number.desc()).limit(1)).first()
    return None if ps is None else _with_items(session, ps, version_ids)


def get_parameter_set(session: Session, actor: Actor, scale: str, number: int) -> ParameterSetPublic:
    """Version `number` of `scale`'s parameters, with its items."""
    authorize(actor, None, "item.read")
    ps = session.scalars(select(ParameterSet).where(ParameterSet.scale == scale, ParameterSet.number == number)).first()
    if ps is None:
        raise ItemBankError("parameter_set.not_found", kind="not_found",
                            message_th=f"ไม่พบชุดค่าพารามิเตอร์ {scale} ฉบับที่ {number}",
                            message_en=f"no parameter set {scale} v{number}")
    return _with_items(session, ps, None)


def list_parameter_sets(session: Session, actor: Actor, scale: str | None = None) -> list[ParameterSetPublic]:
    """Every set (without items), the newest first."""
    authorize(actor, None, "item.read")
    query = select(ParameterSet)
    if scale is not None:
        query = query.where(ParameterSet.scale == scale)
    return [_public(ps, ()) for ps in session.scalars(query.order_by(ParameterSet.created_at.desc(),
                                                                     ParameterSet.number.desc()))]


def _with_items(session: Session, ps: ParameterSet, version_ids: Sequence[int] | None) -> ParameterSetPublic:
    query = select(ParameterSetItem).where(ParameterSetItem.parameter_set_id == ps.id)
    if version_ids is not None:
        query = query.where(ParameterSetItem.version_id.in_(list(version_ids)))
    rows = [ParameterRow(i.version_id, i.model, i.a, i.b, i.c, tuple(i.thresholds or ()), dict(i.se or {}),
                         i.is_anchor) for i in session.scalars(query.order_by(ParameterSetItem.id))]
    return _public(ps, rows)


def _public(ps: ParameterSet, rows: Iterable[ParameterRow]) -> ParameterSetPublic:
    return ParameterSetPublic(id=ps.id, scale=ps.scale, number=ps.number, source=ps.source, model=ps.model,
                              n_persons=ps.n_persons, linking=dict(ps.linking or {}), created_at=ps.created_at,
                              items=tuple(rows))


def covering_parameter_set(session: Session, version_ids: Sequence[int], *,
                           scale: str | None = None) -> ParameterSetPublic | None:
    """The newest set (of `scale` when given) that holds every one of `version_ids`, with their rows; None
    when no set holds them all. Scoring takes its item parameters from it and stores its id with the scores.

    A plain read for services that have already authorized their caller (a school scoring its upload
    reads the parameters without the right to browse the bank).
    """
    ids = sorted({int(v) for v in version_ids})
    if not ids:
        return None
    holding = (select(ParameterSetItem.parameter_set_id).where(ParameterSetItem.version_id.in_(ids))
               .group_by(ParameterSetItem.parameter_set_id)
               .having(func.count(func.distinct(ParameterSetItem.version_id)) == len(ids)))
    query = select(ParameterSet).where(ParameterSet.id.in_(holding))
    if scale is not None:
        query = query.where(ParameterSet.scale == scale)
    ps = session.scalars(query.order_by(ParameterSet.created_at.desc(), ParameterSet.id.desc()).limit(1)).first()
    return None if ps is None else _with_items(session, ps, ids)


def parameter_set_refs(session: Session, set_ids: Iterable[int]) -> dict[int, str]:
    """``scale@vN`` of each set id (how exports and reports name the set behind θ)."""
    ids = sorted({int(i) for i in set_ids if i is not None})
    if not ids:
        return {}
    return {i: f"{scale}@v{number}" for i, scale, number in session.execute(
        select(ParameterSet.id, ParameterSet.scale, ParameterSet.number).where(ParameterSet.id.in_(ids)))}


def statistics_provenance(session: Session, stats: dict[int, Any]) -> dict[str, Any]:
    """Which parameter sets the bank's latest statistics of these versions (version id -> ItemStatistic) came
    from: each calibration writes its statistics and its set from the same source, so a statistic of source S
    for version v belongs to the set of source S that holds v. Returns ``{"parameter_sets": [{"id", "ref",
    "n_items"}], "other_sources": [...]}`` (sources without a set: a pilot's statistics)."""
    calibrated = {v: s for v, s in stats.items() if getattr(s, "b", None) is not None}
    if not calibrated:
        return {"parameter_sets": [], "other_sources": []}
    sources = sorted({s.source for s in calibrated.values()})
    rows = session.execute(select(ParameterSet.id, ParameterSet.scale, ParameterSet.number, ParameterSet.source,
                                  ParameterSetItem.version_id)
                            .join(ParameterSetItem, ParameterSetItem.parameter_set_id == ParameterSet.id)
                            .where(ParameterSet.source.in_(sources), ParameterSetItem.version_id.in_(list(calibrated)))
                            .order_by(ParameterSet.number)).all()
    newest: dict[int, tuple[int, str]] = {}  # version -> (set id, ref): the newest set of its statistic's source
    for set_id, scale, number, source, version_id in rows:
        if calibrated[version_id].source == source:
            newest[version_id] = (set_id, f"{scale}@v{number}")
    counts: dict[tuple[int, str], int] = {}
    for found in newest.values():
        counts[found] = counts.get(found, 0) + 1
    other = sorted({s.source for v, s in calibrated.items() if v not in newest})
    return {"parameter_sets": [{"id": i, "ref": ref, "n_items": n} for (i, ref), n in sorted(counts.items())],
            "other_sources": other}

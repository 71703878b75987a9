"""The bank adapter: approved item versions → the assembler's :class:`ItemPool` (arrays, no DB after this).

Tags per item: area, standard (ค 1.1), indicator, level, type, trait, competency, grade, set, and
section (the learning area, which orders the printed form). Quantities: time (seconds), points.
IRT parameters and CTT statistics come from the newest written-back statistics of each version.
Enemies: the bank's enemy links, and every clone pair the duplicate detector finds in the pool
(:mod:`itembank.duplicates`: exact copies, number variants, near copies), so no form holds two of them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from itembank.duplicates import find_duplicates, item_text
from itembank.models import (
    EnemyLink,
    Item,
    ItemSet,
    ItemVersion,
    ItemVersionCompetency,
    ItemVersionIndicator,
    ItemVersionTrait,
)
from itembank.statistics import latest_statistics
from psychometrics.irt.models import ItemParameters
from testgen.assembler import ItemPool
from testgen.models import CompromisedItem


def _standard(indicator: str) -> str:
    """ค 1.1 ป.6/2 → ค 1.1"""
    parts = indicator.split(" ")
    return " ".join(parts[:2]) if len(parts) >= 2 else indicator


def _tags(session: Session, table, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    for vid, code in session.execute(select(table.version_id, table.code).where(table.version_id.in_(ids))):
        out.setdefault(vid, []).append(code)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def clone_pairs(versions: Sequence[ItemVersion]) -> list[tuple[int, int]]:
    """Index pairs (into `versions`) of items the duplicate detector calls clones of each other."""
    texts = [item_text(v.stem, v.options or [], v.key or []) for v in versions]
    return [(p.first, p.second) for p in find_duplicates(texts)]


def bank_pool(session: Session, *, grade: str | None = None, learning_areas: Sequence[str] = (),
              statuses: Sequence[str] = ("approved",),
              enemies_from_clones: bool = True) -> tuple[ItemPool, list[ItemVersion]]:
    """The latest approved versions (of a grade / areas) as an ItemPool, and the versions in pool order.

    With `enemies_from_clones` (the default), detected clone pairs join the enemy links."""
    q = (select(ItemVersion).join(Item, Item.id == ItemVersion.item_id)
         .where(ItemVersion.is_latest.is_(True), ItemVersion.status.in_(list(statuses))).order_by(Item.code))
    if grade:
        q = q.where(ItemVersion.grade == grade)
    if learning_areas:
        q = q.where(ItemVersion.learning_area.in_(list(learning_areas)))
    versions = list(session.scalars(q))
    ids = [v.id for v in versions]
    indicators = _tags(session, ItemVersionIndicator, ids)
    traits = _tags(session, ItemVersionTrait, ids)
    competencies = _tags(session, ItemVersionCompetency, ids)
    sets = dict(session.execute(select(ItemSet.id, ItemSet.code)).all())
    compromised = set(session.scalars(select(CompromisedItem.item_id)))
    stats = latest_statistics(session, ids)
    n = len(versions)
    tags: dict[str, list[tuple[str, ...]]] = {k: [] for k in
                                              ("section", "area", "standard", "indicator", "level", "type", "trait",
                                               "competency", "grade", "set")}
    for v in versions:
        ind = indicators.get(v.id, ())
        tags["section"].append((v.learning_area or "",))
        tags["area"].append((v.learning_area or "",))
        tags["standard"].append(tuple(dict.fromkeys(_standard(c) for c in ind)))
        tags["indicator"].append(ind)
        tags["level"].append((v.cognitive_level or "",))
        tags["type"].append((v.type,))
        tags["trait"].append(traits.get(v.id, ()))
        tags["competency"].append(competencies.get(v.id, ()))
        tags["grade"].append((v.grade or "",))
        tags["set"].append((sets.get(v.set_id, ""),) if v.set_id else ())
    index = {v.item_id: i for i, v in enumerate(versions)}
    pairs = [(index[a], index[b]) for a, b in session.execute(select(EnemyLink.item_id, EnemyLink.enemy_item_id))
             if a in index and b in index]
    if enemies_from_clones:
        pairs = sorted(set(pairs) | set(clone_pairs(versions)))
    pool = ItemPool(
        item_ids=tuple(str(v.id) for v in versions),
        tags={k: tuple(v) for k, v in tags.items()},
        quantities={"time": np.array([float(v.estimated_time_s or 60) for v in versions]),
                    "points": np.array([float(v.score_points) for v in versions])},
        parameters=_parameters(versions, stats),
        p_value=np.array([np.nan if stats.get(v.id) is None or stats[v.id].p is None else stats[v.id].p
                          for v in versions]) if n else None,
        discrimination=np.array([np.nan if stats.get(v.id) is None or stats[v.id].r_pbis is None
                                 else stats[v.id].r_pbis for v in versions]) if n else None,
        set_ids=tuple(sets.get(v.set_id, "") if v.set_id else "" for v in versions),
        set_order=np.array([v.set_position or 0 for v in versions], dtype=int),
        enemies=np.array(pairs, dtype=int).reshape(-1, 2),
        excluded=np.array([v.item_id in compromised for v in versions], dtype=bool),
    )
    return pool, versions


def _parameters(versions: Sequence[ItemVersion], stats: dict) -> ItemParameters | None:
    """ItemParameters for the pool; NaN marks a version without IRT parameters."""
    if not versions:
        return None
    rows = [stats.get(v.id) for v in versions]
    if not any(r is not None and r.irt_model for r in rows):
        return None
    width = max([len(r.thresholds) for r in rows if r is not None and r.thresholds] + [1])
    model, a, b, c = [], np.full(len(rows), np.nan), np.full(len(rows), np.nan), np.zeros(len(rows))
    thr = np.full((len(rows), width), np.nan)
    for i, r in enumerate(rows):
        if r is None or not r.irt_model:
            model.append("2pl")
            continue
        model.append(r.irt_model)
        a[i] = r.a if r.a is not None else (1.0 if r.irt_model in ("1pl", "rasch", "pcm") else np.nan)
        if r.irt_model in ("grm", "gpcm", "pcm"):
            thr[i, : len(r.thresholds)] = r.thresholds
        else:
            b[i], c[i] = (r.b if r.b is not None else np.nan), (r.c or 0.0)
            thr[i, 0] = b[i]
    return ItemParameters(tuple(model), a, b, c, thr)

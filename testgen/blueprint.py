"""ผังการออกข้อสอบ (blueprint): what every assembled form must contain, as plain data.

A blueprint is a set of rows over the item taxonomy (learning area, standard, indicator,
cognitive level, item type, desired trait …), test-level totals (length, points, time),
rules for anchors, overlap between forms, enemies and passage sets, and one statistical
objective. It holds no database handle: the bank adapter fills it from stored blueprints and
the assembler core (:func:`testgen.assembler.assemble`) reads it together with an
:class:`~testgen.assembler.pool.ItemPool`.

Rows select items by attribute values. An item may carry several values of one attribute
(an item written for two indicators); ``BlueprintRow.count`` says where it counts:
``"each"`` — in every row one of its values matches; ``"primary"`` — only by its first value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

CountRule = Literal["each", "primary"]

COGNITIVE_LEVELS_TH = {
    "knowledge": "ระดับความรู้ความจำ",
    "comprehension": "ระดับความเข้าใจ",
    "application": "ระดับการนำไปใช้",
    "analysis": "ระดับวิเคราะห์",
    "evaluation": "ระดับประเมินค่า",
    "creation": "ระดับสร้างสรรค์",
}


@dataclass(frozen=True)
class BlueprintRow:
    """One row of the blueprint: how many items (or points) of a kind every form holds.

    Parameters
    ----------
    label : str
        How officers name the row, e.g. ``"ค 1.1 ป.6 ระดับวิเคราะห์"``; used in every message.
    where : mapping of attribute -> value or tuple of values
        An item matches when, for every attribute, one of its values (its first value only
        when ``count="primary"``) is among the listed ones.
    min_items, max_items : int or None
        Items of this kind per form; ``max_items=None`` means no upper limit.
    min_points, max_points : float or None
        Optional bounds on the summed score points of the matching items.
    count : {"each", "primary"}
        Where an item with several values of an attribute counts.
    """

    label: str
    where: Mapping[str, str | tuple[str, ...]]
    min_items: int = 0
    max_items: int | None = None
    min_points: float | None = None
    max_points: float | None = None
    count: CountRule = "each"

    @classmethod
    def exactly(cls, label: str, n: int, count: CountRule = "each", **where: str | tuple[str, ...]) -> BlueprintRow:
        """A row asking for exactly `n` items: ``BlueprintRow.exactly("ค วิเคราะห์", 3, area="ค", ...)``."""
        return cls(label, dict(where), n, n, count=count)

    @classmethod
    def over(cls, n: int | tuple[int, int | None], *, count: CountRule = "each", points: tuple[float, float] | None = None,
             **where: str | tuple[str, ...]) -> BlueprintRow:
        """A row over taxonomy attributes with the label officers read.

        ``BlueprintRow.over(3, standard="ค 1.1", grade="ป.6", level="analysis")`` is labelled
        "ค 1.1 ป.6 ระดับวิเคราะห์". Attribute names are those of the pool's tags (the bank adapter
        uses area, standard, indicator, grade, level, item_type, trait). `n` is a count or (min, max).
        """
        order = ("area", "standard", "indicator", "grade", "level", "item_type", "trait")
        parts = []
        for attr in sorted(where, key=lambda a: order.index(a) if a in order else len(order)):
            vals = where[attr]
            vals = (vals,) if isinstance(vals, str) else tuple(vals)
            text = "/".join(COGNITIVE_LEVELS_TH.get(v, v) if attr == "level" else v for v in vals)
            parts.append(f"คุณลักษณะ {text}" if attr == "trait" else text)
        lo, hi = (n, n) if isinstance(n, int) else n
        return cls(" ".join(parts), dict(where), lo, hi, None if points is None else points[0],
                   None if points is None else points[1], count)

    def values(self, attribute: str) -> tuple[str, ...]:
        v = self.where[attribute]
        return (v,) if isinstance(v, str) else tuple(v)


@dataclass(frozen=True)
class QuantityLimit:
    """A bound on a summed item quantity per form (``"time"`` in seconds, ``"points"``)."""

    quantity: str
    min: float | None = None
    max: float | None = None
    label: str = ""

    def name_th(self) -> str:
        if self.label:
            return self.label
        return {"time": "เวลาทำข้อสอบรวม", "points": "คะแนนรวม"}.get(self.quantity, self.quantity)


@dataclass(frozen=True)
class SetRule:
    """Passage (stimulus) sets: a set is used whole-or-not at all by default.

    min_items / max_items bound how many of a set's items a form takes when it takes the set
    (``None`` = all of them); min_sets / max_sets bound the number of sets per form.
    """

    enforce: bool = True
    min_items: int | None = None
    max_items: int | None = None
    min_sets: int = 0
    max_sets: int | None = None


@dataclass(frozen=True)
class TifTarget:
    """Absolute target: minimise the largest |TIF(θ_k) − target_k| over forms and θ points (minimax)."""

    theta: tuple[float, ...]
    target: tuple[float, ...]


@dataclass(frozen=True)
class RelativeTarget:
    """Relative shape: maximise y with TIF(θ_k) ≥ weight_k · y in every form (maximin)."""

    theta: tuple[float, ...]
    weights: tuple[float, ...] | None = None


@dataclass(frozen=True)
class CutScore:
    """Maximise the information at a cut score θ_c in the weakest form."""

    theta: float


@dataclass(frozen=True)
class CttTarget:
    """For a young bank without IRT parameters: mean p in [p_min, p_max], every r ≥ r_min.

    Among forms that meet these, the assembler maximises the summed discrimination r.
    """

    p_min: float = 0.0
    p_max: float = 1.0
    r_min: float | None = None


Objective = TifTarget | RelativeTarget | CutScore | CttTarget | None


@dataclass(frozen=True)
class Blueprint:
    """ผังการออกข้อสอบ: rows, totals, cross-form rules and the statistical objective.

    Parameters
    ----------
    name : str
    rows : tuple of BlueprintRow
    test_length : int or None
        Items per form (anchors included).
    quantities : tuple of QuantityLimit
        Per-form bounds on summed quantities such as time and points.
    n_forms : int
    anchor_count : int
        Items common to every form (chosen by the assembler among discrete items, plus any
        item the pool marks as an anchor).
    anchor_rows : tuple of BlueprintRow
        Rows over the anchor block alone, e.g. at least one anchor per learning area.
    max_overlap : int
        Largest number of non-anchor items two forms may share (0 = disjoint).
    enemies : bool
        Keep enemy pairs out of one form.
    sets : SetRule
    objective : TifTarget, RelativeTarget, CutScore, CttTarget or None
    """

    name: str
    rows: tuple[BlueprintRow, ...] = ()
    test_length: int | None = None
    quantities: tuple[QuantityLimit, ...] = ()
    n_forms: int = 1
    anchor_count: int = 0
    anchor_rows: tuple[BlueprintRow, ...] = ()
    max_overlap: int = 0
    enemies: bool = True
    sets: SetRule = field(default_factory=SetRule)
    objective: Objective = None

    @property
    def uses_irt(self) -> bool:
        return isinstance(self.objective, TifTarget | RelativeTarget | CutScore)

    @property
    def theta(self) -> tuple[float, ...]:
        """θ points the objective looks at (empty for CTT or no objective)."""
        obj = self.objective
        if isinstance(obj, TifTarget | RelativeTarget):
            return tuple(float(t) for t in obj.theta)
        if isinstance(obj, CutScore):
            return (float(obj.theta),)
        return ()

    @property
    def objective_name(self) -> str:
        return {
            TifTarget: "minimax", RelativeTarget: "maximin", CutScore: "cut", CttTarget: "ctt",
        }.get(type(self.objective), "none")

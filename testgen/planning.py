"""ผังและฉบับบนหน้าเว็บ (blueprints and forms as officers work them on a page or through the API).

- :func:`taxonomy_grid`: the indicators of a learning area and grade, with how many approved items the
  bank holds per cognitive level, to build a blueprint as a table of counts.
- :func:`blueprint_from_cells`: those counts (indicator × level × item type) as a :class:`Blueprint`.
- :func:`shortage_report`: supply against demand of every row *before* assembling.
- :func:`assemble_draft`: assembled forms not yet frozen, as a plain dict (a job keeps it as its outcome);
  :func:`describe_draft` previews them, :func:`freeze_draft` freezes them all or none.
- :func:`form_preview`: a frozen form as printed, with its item curves, test information and blueprint
  fulfilment row by row; :func:`compare` puts parallel forms side by side.

Every function takes a Session and an Actor and checks permission like the rest of the room.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from exports.data import ItemCurve
from itembank.authz import Actor, authorize
from itembank.curriculum import AREA_NAMES_TH, load_curriculum
from itembank.models import ItemSet, ItemVersion
from itembank.service import indicator_codes, sets_by_id
from itembank.statistics import latest_statistics
from itembank.vocabulary import VOCABULARY
from testgen.assembler import prepare
from testgen.assembler.shortage import _distinct_needed
from testgen.bank import bank_pool
from testgen.blueprint import Blueprint, BlueprintRow, CttTarget, RelativeTarget
from testgen.errors import TestGenError
from testgen.forms import (
    THETA_GRID,
    assemble_forms,
    form_variants,
    form_versions,
    freeze_form,
    get_blueprint,
    get_form,
)
from testgen.models import Form, StoredBlueprint

LEVELS: tuple[str, ...] = tuple(VOCABULARY["cognitive_level"])
TYPES: tuple[str, ...] = tuple(VOCABULARY["item_type"])
OBJECTIVES = ("none", "maximin", "ctt")
CODE_RE = re.compile(r"^[0-9A-Za-z\u0E00-\u0E7F._\-]{1,60}$")
MAX_FORMS = 10
MAX_CELL = 100

#: Statuses a frozen form's versions may have when its blueprint is checked again.
_ANY_STATUS = ("approved", "retired", "in_review", "draft")


def _level_th(level: str) -> str:
    return VOCABULARY["cognitive_level"].get(level, (level, level))[0]


def _type_th(item_type: str) -> str:
    return VOCABULARY["item_type"].get(item_type, (item_type, item_type))[0]


def _bad(code: str, th: str, en: str, **where: Any) -> TestGenError:
    return TestGenError(code, message_th=th, message_en=en, **where)


# -- building a blueprint from the taxonomy ------------------------------------------------------------


@dataclass(frozen=True)
class GridIndicator:
    """One indicator row of the builder: its text and the bank's approved items per cognitive level."""

    code: str
    standard: str
    text: str
    supply: dict[str, int]        # level -> approved items of this indicator (and grade)
    supply_types: dict[str, int]  # item type -> approved items
    total: int


def taxonomy_grid(session: Session, actor: Actor, area: str, grade: str) -> list[GridIndicator]:
    """The indicators of `area` for `grade` (curriculum order) with the bank's supply of each."""
    authorize(actor, None, "form.read")
    curriculum = load_curriculum()
    indicators = curriculum.indicators(area=area, grade=grade)  # a CurriculumError names a bad area or grade
    _, versions = bank_pool(session, grade=grade, learning_areas=[area])
    tags = indicator_codes(session, [v.id for v in versions])
    supply: dict[str, dict[str, int]] = {}
    types: dict[str, dict[str, int]] = {}
    for v in versions:
        for code in tags.get(v.id, ()):
            by_level = supply.setdefault(code, {})
            by_level[v.cognitive_level or ""] = by_level.get(v.cognitive_level or "", 0) + 1
            by_type = types.setdefault(code, {})
            by_type[v.type] = by_type.get(v.type, 0) + 1
    out = []
    for ind in indicators:
        code = str(ind.code)
        s = supply.get(code, {})
        out.append(GridIndicator(code, str(ind.code.standard), ind.text, s, types.get(code, {}), sum(s.values())))
    return out


@dataclass(frozen=True)
class BlueprintCell:
    """How many items of one indicator at one cognitive level (and optionally one item type) a form holds:
    exactly `items`, or `items` to `max_items` when `max_items` is given (a range)."""

    indicator: str
    level: str
    items: int
    item_type: str | None = None
    max_items: int | None = None

    @property
    def upper(self) -> int:
        return self.items if self.max_items is None else self.max_items


@dataclass(frozen=True)
class CountLimit:
    """Items per form of one cognitive level (``kind="level"``) or one item type (``"type"``) over the whole
    form, `min_items` to `max_items`, whatever their indicators."""

    kind: str
    value: str
    min_items: int
    max_items: int

    @property
    def label(self) -> str:
        word = _level_th(self.value) if self.kind == "level" else _type_th(self.value)
        return f"ทั้งฉบับ: {word}"


#: The row that keeps every item of a blueprint with ranges inside its indicators (its length, exactly).
WHOLE_FORM_LABEL = "ทั้งฉบับ: ตัวชี้วัดในผัง"
MAX_LENGTH = 200


def row_label(cell: BlueprintCell) -> str:
    label = f"{cell.indicator} {_level_th(cell.level)}"
    return f"{label} ({_type_th(cell.item_type)})" if cell.item_type else label


def blueprint_from_cells(name: str, cells: Sequence[BlueprintCell], *, n_forms: int = 1, objective: str = "none",
                         max_overlap: int = 0, limits: Sequence[CountLimit] = (),
                         test_length: int | None = None) -> Blueprint:
    """A blueprint of one row per non-empty cell (exact, or a min–max range) and one per level or type limit.

    Its length is the sum of the cells when every cell is exact; with ranges `test_length` is needed
    (between the sums of the minima and the maxima), and a row holds every item inside the cells'
    indicators. Every bad cell is named."""
    problems: list[TestGenError] = []
    name = (name or "").strip()
    if not name:
        problems.append(_bad("blueprint.name", "ชื่อผัง: ต้องระบุ", "name: required", field="name"))
    elif len(name) > 300:
        problems.append(_bad("blueprint.name", "ชื่อผัง: ยาวเกิน 300 ตัวอักษร", "name: longer than 300", field="name"))
    if not 1 <= n_forms <= MAX_FORMS:
        problems.append(_bad("blueprint.n_forms", f"จำนวนฉบับ: ต้องอยู่ระหว่าง 1 ถึง {MAX_FORMS}",
                             f"number of forms: 1 to {MAX_FORMS}", field="n_forms"))
    if objective not in OBJECTIVES:
        problems.append(_bad("blueprint.objective", f"เป้าหมายทางสถิติ: ไม่รู้จัก {objective!r}",
                             f"unknown objective {objective!r}", field="objective"))
    if not 0 <= max_overlap <= 200:
        problems.append(_bad("blueprint.overlap", "จำนวนข้อที่ซ้ำกันได้ระหว่างฉบับ: ต้องอยู่ระหว่าง 0 ถึง 200",
                             "overlap: 0 to 200", field="max_overlap"))
    rows: dict[tuple[str, str, str | None], BlueprintRow] = {}
    curriculum = load_curriculum()
    for cell in cells:
        where = f"ตัวชี้วัด {cell.indicator} {_level_th(cell.level)}"
        if cell.level not in LEVELS:
            problems.append(_bad("blueprint.level", f"{where}: ไม่รู้จักระดับพฤติกรรม {cell.level!r}",
                                 f"{cell.indicator}: unknown level {cell.level!r}", field="level"))
            continue
        if cell.item_type is not None and cell.item_type not in TYPES:
            problems.append(_bad("blueprint.type", f"{where}: ไม่รู้จักชนิดข้อสอบ {cell.item_type!r}",
                                 f"{cell.indicator}: unknown item type {cell.item_type!r}", field="item_type"))
            continue
        if not 0 <= cell.items <= MAX_CELL or not 0 <= cell.upper <= MAX_CELL:
            problems.append(_bad("blueprint.count", f"{where}: จำนวนข้อต้องอยู่ระหว่าง 0 ถึง {MAX_CELL}",
                                 f"{cell.indicator} {cell.level}: items must be 0..{MAX_CELL}", field="items"))
            continue
        if cell.upper < cell.items:
            problems.append(_bad("blueprint.range", f"{where}: ช่วงจำนวนข้อต้องเขียนจากน้อยไปมาก เช่น 2-4",
                                 f"{cell.indicator} {cell.level}: a range goes from low to high, e.g. 2-4",
                                 field="items"))
            continue
        if not curriculum.has_indicator(cell.indicator):
            problems.append(_bad("blueprint.indicator", f"{where}: ไม่พบตัวชี้วัดนี้ในหลักสูตร",
                                 f"{cell.indicator}: no such indicator", field="indicator"))
            continue
        if cell.upper == 0:
            continue
        key = (cell.indicator, cell.level, cell.item_type)
        if key in rows:
            problems.append(_bad("blueprint.duplicate", f"{where}: ระบุซ้ำ", f"{cell.indicator}: repeated"))
            continue
        cond: dict[str, str] = {"indicator": cell.indicator, "level": cell.level}
        if cell.item_type:
            cond["type"] = cell.item_type
        label = row_label(cell) + (f" {cell.items}–{cell.upper} ข้อ" if cell.upper != cell.items else "")
        rows[key] = BlueprintRow(label, cond, cell.items, cell.upper)
    if not rows and not problems:
        problems.append(_bad("blueprint.empty", "ผังต้องมีอย่างน้อย 1 ช่องที่จำนวนข้อมากกว่า 0",
                             "at least one cell needs a count above 0", field="cells"))
    low, high = sum(r.min_items for r in rows.values()), sum(r.max_items or 0 for r in rows.values())
    length = _length(test_length, low, high, problems)
    extra = _limit_rows(limits, length, problems)
    if problems:
        raise TestGenError("blueprint.invalid", problems=problems)
    if low != high:  # with ranges, the length alone would let items of other indicators in
        indicators = tuple(sorted({r.where["indicator"] for r in rows.values()}))
        extra.insert(0, BlueprintRow(WHOLE_FORM_LABEL, {"indicator": indicators}, length, length))
    goal = {"none": None, "maximin": RelativeTarget((-1.0, 0.0, 1.0)), "ctt": CttTarget(0.2, 0.9)}[objective]
    return Blueprint(name=name, rows=(*rows.values(), *extra), test_length=length,
                     n_forms=n_forms, max_overlap=max_overlap, objective=goal)


def _length(test_length: int | None, low: int, high: int, problems: list[TestGenError]) -> int:
    """The form's length: `test_length`, which must lie between the cells' minima and maxima; without it
    the cells' sum when every cell is exact."""
    if test_length is None:
        if low != high:
            problems.append(_bad("blueprint.length", f"ความยาวแบบทดสอบ: ต้องระบุเมื่อมีช่องที่เป็นช่วง ({low} ถึง {high} ข้อ)",
                                 f"test length: needed when a cell is a range ({low} to {high} items)",
                                 field="test_length"))
        return low
    if not low <= test_length <= high or not 1 <= test_length <= MAX_LENGTH:
        problems.append(_bad("blueprint.length", f"ความยาวแบบทดสอบ {test_length} ข้อ: ต้องอยู่ระหว่างผลรวมขั้นต่ำ "
                             f"{low} และขั้นสูง {high} ของช่องในผัง",
                             f"test length {test_length}: must lie between the cells' {low} and {high}",
                             field="test_length"))
    return test_length


def _limit_rows(limits: Sequence[CountLimit], length: int, problems: list[TestGenError]) -> list[BlueprintRow]:
    """One row per level or type limit (items of any indicator of the blueprint); bad ones are named."""
    out: list[BlueprintRow] = []
    seen: set[tuple[str, str]] = set()
    minima = {"level": 0, "type": 0}
    for lim in limits:
        allowed = LEVELS if lim.kind == "level" else TYPES if lim.kind == "type" else ()
        if lim.value not in allowed:
            problems.append(_bad("blueprint.limit", f"ไม่รู้จัก{'ระดับพฤติกรรม' if lim.kind == 'level' else 'รูปแบบข้อสอบ'} "
                                 f"{lim.value!r}", f"unknown {lim.kind} {lim.value!r}", field=lim.kind))
            continue
        if not 0 <= lim.min_items <= lim.max_items <= MAX_LENGTH:
            problems.append(_bad("blueprint.limit", f"{lim.label}: จำนวนข้อต้องอยู่ระหว่าง 0 ถึง {MAX_LENGTH} "
                                 "และเขียนช่วงจากน้อยไปมาก เช่น 2-4",
                                 f"{lim.kind} {lim.value}: 0..{MAX_LENGTH}, a range low to high", field=lim.kind))
            continue
        if (lim.kind, lim.value) in seen:
            problems.append(_bad("blueprint.duplicate", f"{lim.label}: ระบุซ้ำ", f"{lim.value}: repeated"))
            continue
        seen.add((lim.kind, lim.value))
        minima[lim.kind] += lim.min_items
        out.append(BlueprintRow(lim.label + (f" {lim.min_items}–{lim.max_items} ข้อ" if lim.min_items != lim.max_items
                                             else f" {lim.min_items} ข้อ"),
                                {lim.kind: lim.value}, lim.min_items, lim.max_items))
    for kind, total in minima.items():
        if total > length:
            word = "ระดับพฤติกรรม" if kind == "level" else "รูปแบบข้อสอบ"
            problems.append(_bad("blueprint.limit", f"จำนวนขั้นต่ำตาม{word}รวม {total} ข้อ เกินความยาวแบบทดสอบ {length} ข้อ",
                                 f"the {kind} minima add up to {total}, above the length {length}", field=kind))
    return out


def check_code(code: str, what_th: str = "รหัสผัง", what_en: str = "code") -> str:
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise _bad("blueprint.code", f"{what_th}: ใช้ได้เฉพาะตัวอักษร ตัวเลข และ . _ - ไม่เกิน 60 ตัว (ได้ {code!r})",
                   f"{what_en}: letters, digits and . _ - only, at most 60 (got {code!r})", field="code")
    return code


def store_blueprint(session: Session, actor: Actor, code: str, blueprint: Blueprint, *, grade: str | None
                    ) -> StoredBlueprint:
    """Save a built blueprint under `code`; one that frozen forms were assembled on is never overwritten."""
    from testgen.forms import save_blueprint

    authorize(actor, None, "blueprint.write")
    code = check_code(code)
    row = session.scalar(select(StoredBlueprint).where(StoredBlueprint.code == code))
    if row is not None:
        used = list(session.scalars(select(Form.code).where(Form.blueprint_id == row.id).order_by(Form.code)))
        if used:
            raise TestGenError("blueprint.in_use", kind="conflict", message_th=(
                f"ผัง {code} ใช้จัดฉบับ {', '.join(used)} ที่ยืนยันแล้ว จึงแก้ไขไม่ได้: บันทึกเป็นรหัสใหม่"),
                message_en=f"blueprint {code} was used by frozen forms {', '.join(used)}: save it under a new code")
    return save_blueprint(session, actor, code, blueprint, grade=grade)


def list_blueprints(session: Session, actor: Actor) -> list[StoredBlueprint]:
    """Every stored blueprint, newest first."""
    authorize(actor, None, "form.read")
    return list(session.scalars(select(StoredBlueprint).order_by(StoredBlueprint.created_at.desc(),
                                                                 StoredBlueprint.id.desc())))


def read_blueprint(session: Session, actor: Actor, code: str) -> tuple[StoredBlueprint, Blueprint]:
    authorize(actor, None, "form.read")
    return get_blueprint(session, code)


def cells_of(bp: Blueprint) -> list[BlueprintCell]:
    """The builder's cells of a blueprint made by :func:`blueprint_from_cells` (other rows are left out)."""
    out = []
    for r in bp.rows:
        ind, lvl = r.where.get("indicator"), r.where.get("level")
        if isinstance(ind, str) and isinstance(lvl, str):
            t = r.where.get("type")
            upper = r.max_items if r.max_items is not None and r.max_items != r.min_items else None
            out.append(BlueprintCell(ind, lvl, r.min_items, t if isinstance(t, str) else None, upper))
    return out


def limits_of(bp: Blueprint) -> list[CountLimit]:
    """The builder's level and type limits of a blueprint made by :func:`blueprint_from_cells`."""
    out = []
    for r in bp.rows:
        if len(r.where) == 1 and next(iter(r.where)) in ("level", "type"):
            kind = next(iter(r.where))
            value = r.where[kind]
            if isinstance(value, str):
                out.append(CountLimit(kind, value, r.min_items, r.max_items if r.max_items is not None else r.min_items))
    return out


def objective_of(bp: Blueprint) -> str:
    return {"maximin": "maximin", "ctt": "ctt"}.get(bp.objective_name, "none")


# -- the shortage report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplyRow:
    """One row of the shortage report: items per form, distinct items needed, eligible items the bank holds."""

    label: str
    per_form: int
    needed: int
    available: int

    @property
    def short(self) -> bool:
        return self.available < self.needed

    @property
    def lacking(self) -> int:
        return max(0, self.needed - self.available)


@dataclass(frozen=True)
class ShortageReport:
    code: str
    name: str
    grade: str | None
    n_forms: int
    rows: tuple[SupplyRow, ...]
    length: SupplyRow | None
    n_eligible: int
    n_without_parameters: int

    @property
    def ok(self) -> bool:
        return not any(r.short for r in self.rows) and not (self.length and self.length.short)

    @property
    def n_short(self) -> int:
        return sum(r.short for r in self.rows) + int(bool(self.length and self.length.short))


def shortage_report(session: Session, actor: Actor, code: str, *, n_forms: int | None = None) -> ShortageReport:
    """What the bank lacks per blueprint row before assembling (the same eligibility as the assembler)."""
    authorize(actor, None, "form.read")
    stored, bp = get_blueprint(session, code)
    if n_forms:
        bp = replace(bp, n_forms=n_forms)
    pool, versions = bank_pool(session, grade=stored.grade)
    n_without = 0
    if versions and bp.uses_irt:
        lacking = ~pool.has_parameters() & ~pool.mask("excluded")
        n_without = int(lacking.sum())
        pool = replace(pool, excluded=pool.mask("excluded") | lacking)
    if not versions:
        rows = tuple(SupplyRow(r.label, r.min_items, r.min_items * bp.n_forms, 0) for r in bp.rows)
        length = SupplyRow("ความยาวแบบทดสอบ (ทุกข้อ)", bp.test_length, bp.test_length * bp.n_forms, 0) \
            if bp.test_length else None
        return ShortageReport(stored.code, stored.name, stored.grade, bp.n_forms, rows, length, 0, 0)
    prob = prepare(pool, bp)
    rows = []
    for r, row in enumerate(bp.rows):
        have = int((prob.eligible & (prob.row_items[r] > 0)).sum())
        rows.append(SupplyRow(row.label, row.min_items, _distinct_needed(row.min_items, prob), have))
    length = None
    if prob.length:
        length = SupplyRow("ความยาวแบบทดสอบ (ทุกข้อ)", prob.length, _distinct_needed(prob.length, prob),
                           int(prob.eligible.sum()))
    return ShortageReport(stored.code, stored.name, stored.grade, bp.n_forms, tuple(rows), length,
                          int(prob.eligible.sum()), n_without)


# -- assembling, previewing and freezing ---------------------------------------------------------------


def assemble_draft(session: Session, actor: Actor, code: str, *, n_forms: int | None = None, seed: int = 0,
                   time_limit: float = 30.0) -> dict[str, Any]:
    """Assemble forms on the stored blueprint `code`, frozen later: a plain dict (a job's outcome keeps it)."""
    authorize(actor, None, "form.assemble")
    out = assemble_forms(session, actor, code, n_forms=n_forms, time_limit=time_limit, seed=seed)
    result = out.assembly.result
    stored, _ = get_blueprint(session, code)
    return {
        "blueprint": stored.code, "name": out.blueprint.name, "grade": stored.grade,
        "n_forms": len(result.forms),
        "forms": [out.assembly.form_version_ids(f) for f in range(len(result.forms))],
        "anchors": [int(a) for a in result.anchors],
        "provenance": {"blueprint": out.blueprint.name, "solver": result.solver, "objective": result.objective_kind,
                       "objective_value": float(result.objective) if math.isfinite(result.objective) else None,
                       "status": result.status, "seed": seed},
        "seconds": float(result.seconds),
    }


@dataclass(frozen=True)
class PreviewItem:
    """One item of a form as printed (no key)."""

    position: int
    item_code: str
    version_number: int
    item_type: str
    cognitive_level: str | None
    indicators: tuple[str, ...]
    stem: str
    options: tuple[tuple[str, str], ...]
    points: float
    set_code: str | None = None
    passage_title: str | None = None
    passage: str | None = None       # the passage text, on the first item of its set only
    is_anchor: bool = False
    p: float | None = None
    r: float | None = None
    a: float | None = None
    b: float | None = None


@dataclass(frozen=True)
class FulfilmentRow:
    """A blueprint row against a form: items asked (min–max) and found."""

    label: str
    min_items: int
    max_items: int | None
    actual: int

    @property
    def met(self) -> bool:
        return self.actual >= self.min_items and (self.max_items is None or self.actual <= self.max_items)


@dataclass(frozen=True)
class FormPreview:
    label: str
    code: str | None
    title: str
    grade: str | None
    items: tuple[PreviewItem, ...]
    total_points: float
    time_minutes: int | None
    curves: tuple[ItemCurve, ...]
    theta: tuple[float, ...] = THETA_GRID
    information: tuple[float, ...] | None = None
    fulfilment: tuple[FulfilmentRow, ...] | None = None
    blueprint_code: str | None = None
    variants: tuple[str, ...] = ()
    frozen_at: Any = None
    content_hash: str = ""
    created_by_name: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def fulfilled(self) -> bool | None:
        return None if self.fulfilment is None else all(r.met for r in self.fulfilment)

    @property
    def mean_p(self) -> float | None:
        ps = [i.p for i in self.items if i.p is not None]
        return float(np.mean(ps)) if ps else None

    @property
    def mean_r(self) -> float | None:
        rs = [i.r for i in self.items if i.r is not None]
        return float(np.mean(rs)) if rs else None

    @property
    def standard_errors(self) -> tuple[float | None, ...] | None:
        if self.information is None:
            return None
        return tuple(1 / math.sqrt(i) if i > 0 else None for i in self.information)

    def information_at(self, theta: float) -> float | None:
        if self.information is None:
            return None
        return dict(zip(self.theta, self.information, strict=True)).get(float(theta))


def _information(curves: Sequence[ItemCurve], theta: Sequence[float]) -> tuple[float, ...] | None:
    if not curves:
        return None
    t = np.asarray(theta, dtype=float)[None, :]
    a = np.array([c.discrimination for c in curves])[:, None]
    b = np.array([c.difficulty for c in curves])[:, None]
    g = np.array([c.guessing for c in curves])[:, None]
    p = g + (1 - g) / (1 + np.exp(-a * (t - b)))
    info = (a**2 * (p - g) ** 2 * (1 - p) / ((1 - g) ** 2 * p)).sum(axis=0)
    return tuple(float(x) for x in info)


def _fulfilment(session: Session, bp: Blueprint, grade: str | None, versions: Sequence[ItemVersion]
                ) -> tuple[FulfilmentRow, ...] | None:
    bp1 = replace(bp, n_forms=1, anchor_count=0, anchor_rows=(), objective=None)
    pool, pooled = bank_pool(session, grade=grade, statuses=_ANY_STATUS)
    index = {v.id: i for i, v in enumerate(pooled)}
    chosen = np.array([index[v.id] for v in versions if v.id in index], dtype=int)
    if not pooled:
        return tuple(FulfilmentRow(r.label, r.min_items, r.max_items, 0) for r in bp1.rows)
    try:
        prob = prepare(pool, bp1)
    except TestGenError:
        return None
    rows = [FulfilmentRow(r.label, r.min_items, r.max_items, int(prob.row_items[k][chosen].sum()))
            for k, r in enumerate(bp1.rows)]
    if bp1.test_length:
        rows.append(FulfilmentRow("ความยาวแบบทดสอบ (ทุกข้อ)", bp1.test_length, bp1.test_length, len(versions)))
    return tuple(rows)


def _preview(session: Session, label: str, versions: Sequence[ItemVersion], *, code: str | None = None,
             title: str = "", grade: str | None = None, blueprint: tuple[str, Blueprint] | None = None,
             anchors: Sequence[int] = (), time_minutes: int | None = None, **form: Any) -> FormPreview:
    ids = [v.id for v in versions]
    stats = latest_statistics(session, ids)
    tags = indicator_codes(session, ids)
    sets: dict[int, ItemSet] = sets_by_id(session, [v.set_id for v in versions if v.set_id])
    anchor_set = set(int(a) for a in anchors)
    items, curves, seen_sets = [], [], set()
    for pos, v in enumerate(versions, 1):
        s = stats.get(v.id)
        irt = s is not None and s.irt_model in ("1pl", "rasch", "2pl", "3pl") and s.b is not None
        a = (s.a if s.a is not None else 1.0) if irt else None
        if irt and a is not None and math.isfinite(a) and math.isfinite(s.b):
            curves.append(ItemCurve(v.item_code, float(a), float(s.b), float(s.c or 0.0)))
        item_set = sets.get(v.set_id) if v.set_id else None
        first = item_set is not None and item_set.id not in seen_sets
        if item_set is not None:
            seen_sets.add(item_set.id)
        items.append(PreviewItem(
            pos, v.item_code, v.number, v.type, v.cognitive_level, tuple(tags.get(v.id, ())), v.stem,
            tuple((str(o.get("label", "")), str(o.get("text", ""))) for o in v.options), float(v.score_points),
            item_set.code if item_set else None, item_set.title if first and item_set else None,
            item_set.stimulus if first and item_set else None, v.id in anchor_set,
            None if s is None else s.p, None if s is None else s.r_pbis, a if irt else None,
            float(s.b) if irt else None))
    fulfilment = _fulfilment(session, blueprint[1], grade, versions) if blueprint else None
    return FormPreview(label, code, title, grade, tuple(items), float(sum(v.score_points for v in versions)),
                       time_minutes, tuple(curves), THETA_GRID, _information(curves, THETA_GRID), fulfilment,
                       blueprint[0] if blueprint else None, **form)


def _versions(session: Session, ids: Sequence[int]) -> list[ItemVersion]:
    found = {v.id: v for v in session.scalars(select(ItemVersion).where(ItemVersion.id.in_(list(ids))))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise TestGenError("assembly.stale", kind="conflict",
                           message_th="ฉบับที่จัดไว้อ้างถึงข้อสอบที่ไม่มีในคลังแล้ว: จัดฉบับใหม่",
                           message_en="the assembled forms refer to item versions that no longer exist")
    return [found[i] for i in ids]


def describe_draft(session: Session, actor: Actor, draft: dict[str, Any]) -> list[FormPreview]:
    """Every assembled (not yet frozen) form of `draft` as it would print, with its fulfilment."""
    authorize(actor, None, "form.read")
    code = draft.get("blueprint")
    blueprint = None
    if code:
        try:
            blueprint = (code, get_blueprint(session, code)[1])
        except TestGenError:
            blueprint = None
    return [_preview(session, f"ฉบับที่ {f + 1}", _versions(session, ids), title=str(draft.get("name", "")),
                     grade=draft.get("grade"), blueprint=blueprint, anchors=draft.get("anchors", ()))
            for f, ids in enumerate(draft.get("forms", []))]


def frozen_from(session: Session, actor: Actor, assembly_id: str) -> list[Form]:
    """The forms frozen from the assembly (job) `assembly_id`, by code."""
    authorize(actor, None, "form.read")
    return [f for f in session.scalars(select(Form).where(Form.provenance.is_not(None)).order_by(Form.code))
            if (f.provenance or {}).get("assembly") == assembly_id]


def freeze_draft(session: Session, actor: Actor, draft: dict[str, Any], assembly_id: str, prefix: str, title: str,
                 minutes: int | None = None) -> list[Form]:
    """Freeze every form of `draft` as PREFIX-1, PREFIX-2, …, all or none."""
    authorize(actor, None, "form.freeze")
    prefix = check_code(prefix, "รหัสฉบับ", "form code")
    title = (title or "").strip()
    problems = []
    if not title or len(title) > 300:
        problems.append(_bad("form.title", "ชื่อแบบทดสอบ: ต้องระบุ (ไม่เกิน 300 ตัวอักษร)",
                             "title: required, at most 300 characters", field="title"))
    if minutes is not None and not 1 <= minutes <= 600:
        problems.append(_bad("form.minutes", "เวลาสอบ: ต้องอยู่ระหว่าง 1 ถึง 600 นาที", "minutes: 1 to 600",
                             field="minutes"))
    if problems:
        raise TestGenError("form.cannot_freeze", problems=problems)
    already = frozen_from(session, actor, assembly_id)
    if already:
        raise TestGenError("assembly.frozen", kind="conflict",
                           message_th=f"ฉบับชุดนี้ยืนยันแล้วเป็น {', '.join(f.code for f in already)}",
                           message_en=f"these forms were frozen already as {', '.join(f.code for f in already)}")
    forms = draft.get("forms") or []
    codes = [f"{prefix}-{f + 1}" for f in range(len(forms))] if len(forms) > 1 else [prefix]
    taken = list(session.scalars(select(Form.code).where(Form.code.in_(codes))))
    if taken:
        raise TestGenError("form.exists", kind="conflict",
                           message_th=f"มีฉบับข้อสอบรหัส {', '.join(taken)} อยู่แล้ว: ใช้รหัสอื่น",
                           message_en=f"form code(s) {', '.join(taken)} exist already")
    provenance = {**dict(draft.get("provenance") or {}), "assembly": assembly_id}
    blueprint_code = draft.get("blueprint")
    return [freeze_form(session, actor, c, title, ids, blueprint_code=blueprint_code, provenance=provenance,
                        time_minutes=minutes, anchors=draft.get("anchors", ()))
            for c, ids in zip(codes, forms, strict=True)]


def form_preview(session: Session, actor: Actor, code: str) -> FormPreview:
    """A frozen form as printed (its own order), curves, information and blueprint fulfilment."""
    form = get_form(session, actor, code)
    rows = form_versions(session, form)
    blueprint = None
    if form.blueprint_id is not None:
        stored = session.get(StoredBlueprint, form.blueprint_id)
        if stored is not None:
            blueprint = (stored.code, get_blueprint(session, stored.code)[1])
    anchors = [v.id for fi, v, _ in rows if fi.is_anchor]
    return _preview(session, form.code, [v for _, v, _ in rows], code=form.code, title=form.title, grade=form.grade,
                    blueprint=blueprint, anchors=anchors, time_minutes=form.time_minutes,
                    variants=tuple(v.label for v in form_variants(session, form)), frozen_at=form.frozen_at,
                    content_hash=form.content_hash, created_by_name=form.created_by_name,
                    provenance=dict(form.provenance or {}))


def siblings(session: Session, actor: Actor, form: FormPreview) -> list[str]:
    """Codes of the forms frozen from the same assembly as `form` (itself included), by code."""
    assembly = form.provenance.get("assembly")
    if not assembly:
        return [form.code] if form.code else []
    return [f.code for f in frozen_from(session, actor, assembly)]


def compare(session: Session, actor: Actor, codes: Sequence[str]) -> list[FormPreview]:
    """Parallel forms side by side (2 to 10 codes)."""
    codes = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if not 1 <= len(codes) <= MAX_FORMS:
        raise _bad("form.compare", f"เลือกฉบับเพื่อเปรียบเทียบได้ 1 ถึง {MAX_FORMS} ฉบับ",
                   f"compare 1 to {MAX_FORMS} forms", field="codes")
    return [form_preview(session, actor, c) for c in codes]


def area_name(letter: str | None) -> str:
    return AREA_NAMES_TH.get(letter or "", "")

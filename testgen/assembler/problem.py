"""A blueprint over a pool, turned into arrays: row coefficients, eligibility, information.

:func:`prepare` checks the input first and raises one :class:`TestGenError` carrying every
problem it found (contradictory rows, anchors that are enemies of each other, passages larger
than the form, items without parameters under an IRT objective, …), each in Thai with English
second, naming the rows and items involved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from testgen.assembler.pool import ItemPool
from testgen.blueprint import Blueprint, BlueprintRow, CttTarget, RelativeTarget, TifTarget
from testgen.errors import TestGenError


def problem(code: str, th: str, en: str, **params: object) -> TestGenError:
    """One problem of a bad input, in Thai with the English text second."""
    return TestGenError(code, message_th=th, message_en=en, **params)


def _names(ids: list[str], limit: int = 8) -> str:
    head = ", ".join(ids[:limit])
    return head + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")


@dataclass
class Problem:
    """Everything the solver and the validator need, as arrays over the pool's items."""

    pool: ItemPool
    blueprint: Blueprint
    eligible: np.ndarray           # (n,) bool: may be used at all
    row_items: np.ndarray          # (R, n) int: how many times an item counts in row r (0/1)
    row_points: np.ndarray         # (R, n) float: points counted in row r
    anchor_row_items: np.ndarray   # (RA, n) int
    quantities: list[tuple[str, np.ndarray, float | None, float | None, str]]
    info: np.ndarray               # (n, K) item information at the objective's θ points
    set_index: np.ndarray          # (n,) int: index into `sets`, -1 for discrete items / sets not enforced
    sets: list[np.ndarray]         # member item indices of each set, in printing order
    set_names: list[str]
    enemies: np.ndarray            # (P, 2) enemy pairs among eligible items (empty when not enforced)
    caps: np.ndarray               # (n,) int: most forms an item may be in
    forced: np.ndarray             # (n,) bool
    pool_anchors: np.ndarray       # (n,) bool
    p_value: np.ndarray            # (n,) float (NaN unknown)
    discrimination: np.ndarray     # (n,) float (NaN unknown)

    @property
    def n_items(self) -> int:
        return self.pool.n_items

    @property
    def n_forms(self) -> int:
        return self.blueprint.n_forms

    @property
    def length(self) -> int | None:
        return self.blueprint.test_length

    @property
    def n_anchors(self) -> int:
        return max(int(self.blueprint.anchor_count), int(self.pool_anchors.sum()))

    @property
    def uses_anchors(self) -> bool:
        return self.n_anchors > 0

    @property
    def kind(self) -> str:
        return self.blueprint.objective_name

    def target(self) -> np.ndarray:
        obj = self.blueprint.objective
        assert isinstance(obj, TifTarget)
        return np.asarray(obj.target, dtype=float)

    def weights(self) -> np.ndarray:
        obj = self.blueprint.objective
        if isinstance(obj, RelativeTarget) and obj.weights is not None:
            return np.asarray(obj.weights, dtype=float)
        return np.ones(self.info.shape[1])

    def anchor_candidates(self) -> np.ndarray:
        """Items that may be anchors: eligible, discrete (not in an enforced set), usable in every form."""
        return self.eligible & (self.set_index < 0) & (self.caps >= self.n_forms)

    def form_objective(self, tif: np.ndarray) -> np.ndarray:
        """Objective value of each form from its TIF rows (F, K): deviation (minimax) or level (maximin)."""
        if self.kind == "minimax":
            return np.abs(tif - self.target()[None, :]).max(axis=1)
        if self.kind in ("maximin", "cut"):
            return (tif / self.weights()[None, :]).min(axis=1)
        return np.zeros(len(tif))

    def objective(self, forms: list[np.ndarray]) -> float:
        """The blueprint's objective over all forms (minimax: largest deviation; maximin: smallest level;
        CTT: smallest mean discrimination)."""
        if self.kind == "ctt":
            return float(min(np.nanmean(self.discrimination[f]) if len(f) else 0.0 for f in forms))
        if self.kind == "none" or not forms:
            return 0.0
        per = self.form_objective(self.tif(forms))
        return float(per.max() if self.kind == "minimax" else per.min())

    def tif(self, forms: list[np.ndarray]) -> np.ndarray:
        return np.array([self.info[np.asarray(f, dtype=int)].sum(axis=0) for f in forms]).reshape(
            len(forms), self.info.shape[1])

    def better(self, a: float, b: float) -> bool:
        """Is objective value `a` strictly better than `b`?"""
        if self.kind == "minimax":
            return a < b - 1e-12
        return a > b + 1e-12


def _row_matches(pool: ItemPool, row: BlueprintRow, index: dict) -> np.ndarray:
    """(n,) bool: items the row selects."""
    match = np.ones(pool.n_items, dtype=bool)
    for attr in row.where:
        hit = np.zeros(pool.n_items, dtype=bool)
        for value in row.values(attr):
            idx = index[(attr, row.count)].get(value)
            if idx is not None:
                hit[idx] = True
        match &= hit
    return match


def _tag_index(pool: ItemPool) -> dict:
    """(attribute, rule) -> value -> item indices carrying it (every value / primary value only)."""
    index: dict = {}
    for attr, per_item in pool.tags.items():
        each: dict[str, list[int]] = defaultdict(list)
        primary: dict[str, list[int]] = defaultdict(list)
        for i, values in enumerate(per_item):
            vals = (values,) if isinstance(values, str) else tuple(values)
            for v in dict.fromkeys(vals):
                each[v].append(i)
            if vals:
                primary[vals[0]].append(i)
        index[(attr, "each")] = {k: np.array(v) for k, v in each.items()}
        index[(attr, "primary")] = {k: np.array(v) for k, v in primary.items()}
    return index


def _check_rows(bp: Blueprint, pool: ItemPool, errors: list[TestGenError]) -> None:
    L = bp.test_length
    for r in bp.rows + bp.anchor_rows:
        missing = [a for a in r.where if a not in pool.tags]
        if missing:
            errors.append(problem(
                "blueprint.unknown_attribute",
                f"แถวผัง {r.label}: ไม่รู้จักคุณสมบัติ {', '.join(missing)} ของข้อสอบ",
                f"blueprint row {r.label}: unknown item attribute(s) {', '.join(missing)}", row=r.label))
        if r.min_items < 0 or (r.max_items is not None and r.max_items < r.min_items):
            errors.append(problem(
                "blueprint.row_range",
                f"แถวผัง {r.label}: จำนวนข้อต่ำสุด {r.min_items} มากกว่าสูงสุด {r.max_items}",
                f"blueprint row {r.label}: minimum {r.min_items} items exceeds maximum {r.max_items}", row=r.label))
        if L is not None and r.min_items > L and r in bp.rows:
            errors.append(problem(
                "blueprint.row_exceeds_length",
                f"แถวผัง {r.label} ต้องการ {r.min_items} ข้อ แต่แบบทดสอบยาว {L} ข้อ",
                f"blueprint row {r.label} asks for {r.min_items} items in a {L}-item form", row=r.label))
        if r.min_points is not None and r.max_points is not None and r.min_points > r.max_points:
            errors.append(problem(
                "blueprint.row_points", f"แถวผัง {r.label}: คะแนนต่ำสุดมากกว่าคะแนนสูงสุด",
                f"blueprint row {r.label}: minimum points exceed maximum points", row=r.label))
    # rows over the same items whose ranges cannot both hold
    seen: dict = {}
    for r in bp.rows:
        key = (r.count, tuple(sorted((a, tuple(sorted(r.values(a)))) for a in r.where)))
        if key in seen:
            o = seen[key]
            lo = max(o.min_items, r.min_items)
            hi = min(x for x in (o.max_items, r.max_items, 10**9) if x is not None)
            if lo > hi:
                errors.append(problem(
                    "blueprint.rows_contradict",
                    f"แถวผัง {o.label} และ {r.label} เลือกข้อสอบชุดเดียวกันแต่ช่วงจำนวนข้อไม่ทับกัน "
                    f"({o.min_items}–{o.max_items} กับ {r.min_items}–{r.max_items})",
                    f"blueprint rows {o.label} and {r.label} select the same items with ranges that do not meet",
                    rows=(o.label, r.label)))
        else:
            seen[key] = r
    if L is not None:
        # rows that cannot overlap (they differ in the value of one single-valued attribute) add up
        for attr in {a for r in bp.rows for a in r.where}:
            single = all(len(v) <= 1 for v in pool.tags.get(attr, ()))
            only = [r for r in bp.rows if set(r.where) == {attr} and len(r.values(attr)) == 1]
            if single and only and sum(r.min_items for r in only) > L:
                errors.append(problem(
                    "blueprint.rows_exceed_length",
                    f"แถวผัง {', '.join(r.label for r in only)} ต้องการรวม {sum(r.min_items for r in only)} ข้อ "
                    f"แต่แบบทดสอบยาว {L} ข้อ",
                    f"blueprint rows {', '.join(r.label for r in only)} need "
                    f"{sum(r.min_items for r in only)} items in a {L}-item form",
                    rows=tuple(r.label for r in only)))
    for q in bp.quantities:
        if q.min is not None and q.max is not None and q.min > q.max:
            errors.append(problem("blueprint.quantity_range", f"{q.name_th()}: ค่าต่ำสุดมากกว่าค่าสูงสุด",
                                  f"{q.quantity}: minimum exceeds maximum", quantity=q.quantity))
        if q.quantity not in pool.quantities and q.quantity != "points":
            errors.append(problem("blueprint.unknown_quantity", f"คลังไม่มีข้อมูล {q.name_th()} ของข้อสอบ",
                                  f"the pool has no item quantity {q.quantity!r}", quantity=q.quantity))


def _check_objective(bp: Blueprint, pool: ItemPool, usable: np.ndarray, errors: list[TestGenError]) -> None:
    obj = bp.objective
    if isinstance(obj, TifTarget) and len(obj.theta) != len(obj.target):
        errors.append(problem("blueprint.target_shape",
                              f"เป้าหมาย TIF มี θ {len(obj.theta)} จุด แต่ค่าเป้าหมาย {len(obj.target)} ค่า",
                              f"TIF target has {len(obj.theta)} θ points but {len(obj.target)} values"))
    if isinstance(obj, RelativeTarget) and obj.weights is not None and (
            len(obj.weights) != len(obj.theta) or min(obj.weights) <= 0):
        errors.append(problem("blueprint.weights", "น้ำหนักรูปร่าง TIF ต้องเป็นบวกและมีครบทุกจุด θ",
                              "relative TIF weights must be positive, one per θ point"))
    if bp.uses_irt:
        lacking = np.flatnonzero(usable & ~pool.has_parameters())
        if lacking.size:
            ids = [pool.item_ids[i] for i in lacking]
            errors.append(problem(
                "pool.missing_parameters",
                f"เป้าหมายสารสนเทศ (TIF) ต้องใช้ค่าพารามิเตอร์ IRT แต่ข้อสอบ {len(ids)} ข้อยังไม่มี: {_names(ids)} "
                "— ประมาณค่าพารามิเตอร์ก่อน หรือตัดข้อเหล่านี้ออก",
                f"an IRT objective needs parameters; {len(ids)} item(s) have none: {_names(ids)}",
                items=tuple(ids)))
    if isinstance(obj, CttTarget):
        if obj.p_min > obj.p_max:
            errors.append(problem("blueprint.ctt_range", "ช่วงค่า p เฉลี่ย: ค่าต่ำสุดมากกว่าค่าสูงสุด",
                                  "mean p range: minimum exceeds maximum"))
        if pool.p_value is None:
            errors.append(problem("pool.missing_p", "เป้าหมายแบบดั้งเดิม (CTT) ต้องใช้ค่า p ของข้อสอบ แต่คลังไม่มี",
                                  "a CTT target needs item p-values; the pool has none"))


def _sets(pool: ItemPool, bp: Blueprint) -> tuple[np.ndarray, list[np.ndarray], list[str]]:
    set_index = np.full(pool.n_items, -1, dtype=int)
    if not bp.sets.enforce:
        return set_index, [], []
    names: dict[str, int] = {}
    members: list[list[int]] = []
    for i, s in enumerate(pool.set_of()):
        if s:
            k = names.setdefault(s, len(names))
            if k == len(members):
                members.append([])
            members[k].append(i)
            set_index[i] = k
    order = pool.order_in_set()
    sets = [np.array(sorted(m, key=lambda i: (order[i], i)), dtype=int) for m in members]
    return set_index, sets, list(names)


def prepare(pool: ItemPool, bp: Blueprint) -> Problem:
    """Check `bp` against `pool` and build the arrays; raise one TestGenError with every problem."""
    errors: list[TestGenError] = []
    n = pool.n_items
    if bp.n_forms < 1:
        errors.append(problem("blueprint.n_forms", "จำนวนฉบับต้องอย่างน้อย 1", "at least one form is needed"))
    _check_rows(bp, pool, errors)
    excluded = pool.mask("excluded")
    forced, anchors = pool.mask("forced"), pool.mask("anchors")
    usable = ~excluded
    for name, m in (("ข้อสอบที่บังคับใช้", forced), ("ข้อสอบร่วม (anchor)", anchors)):
        bad = np.flatnonzero(m & excluded)
        if bad.size:
            ids = [pool.item_ids[i] for i in bad]
            errors.append(problem("pool.forced_excluded", f"{name} {_names(ids)} ถูกห้ามใช้ (ถูกตัดออกจากคลัง)",
                                  f"forced/anchor item(s) {_names(ids)} are excluded", items=tuple(ids)))
    _check_objective(bp, pool, usable & ~(excluded), errors)
    set_index, sets, set_names = _sets(pool, bp)
    L = bp.test_length
    if bp.sets.enforce and L is not None:
        need = bp.sets.min_items
        for k, m in enumerate(sets):
            size = len(m) if need is None else min(need, len(m))
            if size > L:
                errors.append(problem(
                    "pool.set_too_large",
                    f"ชุดข้อสอบ (บทอ่าน) {set_names[k]} มี {len(m)} ข้อ ยาวกว่าแบบทดสอบ {L} ข้อ",
                    f"passage set {set_names[k]} has {len(m)} items, more than the {L}-item form",
                    set_id=set_names[k]))
    ab = np.flatnonzero(anchors & (set_index >= 0))
    if ab.size:
        ids = [pool.item_ids[i] for i in ab]
        errors.append(problem("pool.anchor_in_set",
                              f"ข้อสอบร่วม (anchor) {_names(ids)} อยู่ในชุดบทอ่าน ข้อสอบร่วมต้องเป็นข้อเดี่ยว",
                              f"anchor item(s) {_names(ids)} belong to passage sets", items=tuple(ids)))
    enemies = np.asarray(pool.enemies, dtype=int).reshape(-1, 2)
    if bp.enemies and len(enemies):
        fixed = anchors | forced
        both = enemies[fixed[enemies[:, 0]] & fixed[enemies[:, 1]]]
        for i, j in both:
            a, b = pool.item_ids[i], pool.item_ids[j]
            errors.append(problem(
                "pool.anchor_enemy",
                f"ข้อสอบ {a} และ {b} เป็นคู่ห้ามอยู่ด้วยกัน (enemy) แต่ถูกกำหนดให้อยู่ในทุกฉบับ/บังคับใช้ทั้งคู่",
                f"items {a} and {b} are enemies but both are anchors or forced", items=(a, b)))
    if bp.anchor_count and bp.n_forms > 1 and anchors.sum() > bp.anchor_count:
        errors.append(problem("blueprint.anchor_count",
                              f"คลังกำหนดข้อสอบร่วม {int(anchors.sum())} ข้อ แต่ผังกำหนดไว้ {bp.anchor_count} ข้อ",
                              f"{int(anchors.sum())} anchor items marked but the blueprint asks for {bp.anchor_count}"))
    low_cap = np.flatnonzero(anchors & (pool.caps(bp.n_forms) < bp.n_forms))
    if low_cap.size:
        ids = [pool.item_ids[i] for i in low_cap]
        errors.append(problem("pool.anchor_usage_cap",
                              f"ข้อสอบร่วม (anchor) {_names(ids)} ใช้ได้ไม่ครบ {bp.n_forms} ฉบับตามจำนวนครั้งที่อนุญาต",
                              f"anchor item(s) {_names(ids)} have a usage cap below {bp.n_forms} forms",
                              items=tuple(ids)))
    if L is not None and bp.anchor_count > L:
        errors.append(problem("blueprint.anchor_count", f"ข้อสอบร่วม {bp.anchor_count} ข้อ มากกว่าความยาวแบบทดสอบ {L} ข้อ",
                              f"{bp.anchor_count} anchors exceed the {L}-item form"))
    if errors:
        raise TestGenError("blueprint.invalid", problems=errors)

    index = _tag_index(pool)
    R = len(bp.rows)
    row_items = np.zeros((R, n), dtype=int)
    row_points = np.zeros((R, n))
    points = pool.quantity("points")
    for r, row in enumerate(bp.rows):
        m = _row_matches(pool, row, index)
        row_items[r] = m
        row_points[r] = np.where(m, points, 0.0)
    anchor_row_items = np.array([_row_matches(pool, row, index) for row in bp.anchor_rows], dtype=int).reshape(-1, n)
    quantities = [(q.quantity, pool.quantity(q.quantity), q.min, q.max, q.name_th()) for q in bp.quantities]
    eligible = usable & (pool.caps(bp.n_forms) > 0)
    p_value = np.full(n, np.nan) if pool.p_value is None else np.asarray(pool.p_value, float)
    disc = np.full(n, np.nan) if pool.discrimination is None else np.asarray(pool.discrimination, float)
    obj = bp.objective
    if isinstance(obj, CttTarget):
        eligible &= np.isfinite(p_value)
        if obj.r_min is not None:
            eligible &= np.nan_to_num(disc, nan=-np.inf) >= obj.r_min
    if bp.uses_irt:
        eligible &= pool.has_parameters()
    info = pool.information(bp.theta)
    if bp.enemies and len(enemies):
        enemies = enemies[eligible[enemies[:, 0]] & eligible[enemies[:, 1]] & (enemies[:, 0] != enemies[:, 1])]
        enemies = np.unique(np.sort(enemies, axis=1), axis=0)
    else:
        enemies = np.zeros((0, 2), dtype=int)
    if bp.n_forms == 1:  # one form: an anchor is simply an item that must be in it
        forced, anchors = forced | anchors, np.zeros(n, dtype=bool)
    return Problem(pool, bp, eligible, row_items, row_points, anchor_row_items, quantities, info, set_index,
                   sets, set_names, enemies, pool.caps(bp.n_forms), forced & eligible, anchors & eligible,
                   p_value, disc)

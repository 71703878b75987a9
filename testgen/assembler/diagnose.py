"""Why a blueprint cannot be assembled: an irreducible set of constraint groups, in Thai.

Deletion filter over groups (Chinneck's method at the level officers think in): start with
every group, drop one at a time and keep it dropped when the rest is still infeasible. What
remains cannot be met together, yet becomes feasible as soon as any one of it is relaxed.
"""

from __future__ import annotations

import time

import numpy as np

from testgen.assembler import cpmodel
from testgen.assembler.problem import Problem, problem
from testgen.errors import TestGenError


def describe(prob: Problem, group: str) -> tuple[str, str]:
    """Thai and English name of a constraint group."""
    bp = prob.blueprint
    kind, _, k = group.partition(":")
    if kind == "length":
        return f"ความยาวแบบทดสอบ {prob.length} ข้อ", f"test length {prob.length}"
    if kind == "row":
        row = bp.rows[int(k)]
        rng = f"{row.min_items}" if row.min_items == row.max_items else f"{row.min_items}–{row.max_items or '∞'}"
        return f"แถวผัง {row.label} ({rng} ข้อ)", f"blueprint row {row.label} ({rng} items)"
    if kind == "qty":
        q = bp.quantities[int(k)]
        rng = " ".join(x for x in (f"≥ {q.min:g}" if q.min is not None else "",
                                   f"≤ {q.max:g}" if q.max is not None else "") if x)
        return f"{q.name_th()} {rng} ต่อฉบับ", f"{q.quantity} {rng} per form"
    if kind == "anchors":
        return f"ข้อสอบร่วม (anchor) {prob.n_anchors} ข้อในทุกฉบับ", f"{prob.n_anchors} anchor items in every form"
    if kind == "anchor_row":
        row = bp.anchor_rows[int(k)]
        return f"ข้อสอบร่วมกลุ่ม {row.label} อย่างน้อย {row.min_items} ข้อ", f"anchors of {row.label} ≥ {row.min_items}"
    if kind == "enemies":
        return ("ข้อสอบคู่ห้ามอยู่ด้วยกัน (enemy รวมข้อสอบซ้ำหรือต่างกันเฉพาะตัวเลข)",
                "enemy pairs apart (clones and number variants included)")
    if kind == "sets":
        s = bp.sets
        extra = f" อย่างน้อย {s.min_sets} ชุดต่อฉบับ" if s.min_sets else ""
        return f"ชุดบทอ่านใช้ทั้งชุดหรือไม่ใช้เลย{extra}", f"passage sets whole or not at all, ≥ {s.min_sets} per form"
    if kind == "overlap":
        return (f"ข้อสอบซ้ำระหว่างฉบับไม่เกิน {bp.max_overlap} ข้อ ({bp.n_forms} ฉบับ)",
                f"at most {bp.max_overlap} shared items between any two of {bp.n_forms} forms")
    if kind == "usage":
        return "จำนวนครั้งที่ข้อสอบแต่ละข้อใช้ได้ (usage cap)", "item usage caps"
    if kind == "forced":
        return "ข้อสอบที่บังคับให้ใช้", "forced items"
    if kind == "ctt":
        obj = bp.objective
        return (f"ค่า p เฉลี่ยอยู่ในช่วง {obj.p_min:g}–{obj.p_max:g}",  # type: ignore[union-attr]
                f"mean p within {obj.p_min:g}–{obj.p_max:g}")  # type: ignore[union-attr]
    return group, group


def _feasible(prob: Problem, active: list[str], seconds: float, workers: int, seed: int,
              forms: list[int]) -> bool | None:
    sub = cpmodel.build(prob, forms, {}, None, groups=set(active), objective=False,
                        forced_here=np.flatnonzero(prob.forced) if len(forms) == prob.n_forms else None)
    status, _ = cpmodel.solve(sub, seconds, workers=workers, seed=seed)
    if status in ("optimal", "feasible"):
        return True
    if status == "infeasible":
        return False
    return None


def conflicting_groups(prob: Problem, *, time_limit: float = 20.0, workers: int = 2, seed: int = 0) -> list[str] | None:
    """An irreducible set of constraint groups that cannot hold together; [] if the whole model is
    feasible, None if the solver could not decide within the time limit.

    Most conflicts (rows against the length, time, passage sets) already show in one form, whose
    model is small and quick to prove infeasible; only when one form is possible are the forms
    taken together (anchors, overlap, usage caps).
    """
    groups = cpmodel.group_names(prob)
    t_end = time.perf_counter() + time_limit
    one = _feasible(prob, groups, min(0.3 * time_limit, 10.0), workers, seed, [0])
    forms = [0] if one is False else list(range(prob.n_forms))
    if one is not False:
        whole = _feasible(prob, groups, max(0.5, 0.4 * (t_end - time.perf_counter())), workers, seed, forms)
        if whole is True:
            return []
        if whole is None:
            return None
    active = list(groups)
    for k, g in enumerate(groups):
        left = t_end - time.perf_counter()
        if left <= 0:
            break
        trial = [x for x in active if x != g]
        per = max(0.2, left / (len(groups) - k))
        if _feasible(prob, trial, per, workers, seed, forms) is False:
            active = trial
    return active


def infeasible_error(prob: Problem, groups: list[str]) -> TestGenError:
    """One TestGenError listing the conflicting groups, with a Thai header."""
    parts = [describe(prob, g) for g in groups]
    th = "; ".join(p[0] for p in parts)
    en = "; ".join(p[1] for p in parts)
    problems = [problem("assembly.conflict", p[0], p[1], group=g) for g, p in zip(groups, parts, strict=True)]
    if groups:
        head_th = f"จัดฉบับตามผัง {prob.blueprint.name} ไม่ได้: เงื่อนไขเหล่านี้ทำพร้อมกันไม่ได้ — {th} (ผ่อนข้อใดข้อหนึ่งแล้วจะจัดได้)"
        head_en = f"blueprint {prob.blueprint.name} cannot be assembled: these cannot hold together — {en}"
    else:
        head_th = f"จัดฉบับตามผัง {prob.blueprint.name} ไม่ได้ และหาสาเหตุไม่ได้ภายในเวลาที่กำหนด"
        head_en = f"blueprint {prob.blueprint.name} cannot be assembled; no cause found in time"
    return TestGenError("assembly.infeasible", kind="conflict", problems=problems, message_th=head_th,
                        message_en=head_en, groups=tuple(groups))

"""The 0-1 model of van der Linden's optimal test design, for OR-Tools CP-SAT.

One builder serves every use: a single form with the others fixed (sequential assembly and
large-neighbourhood search), several forms jointly, and the feasibility checks of the
infeasibility diagnosis (any subset of constraint groups switched off).

Variables: ``x[f][i]`` item i in form f; ``w[i]`` item i is an anchor (in every form) when
anchors are being chosen; for passage sets that are used whole, every member shares one
variable (the set's), so all-or-none holds by construction. CP-SAT needs integer
coefficients: information is scaled by :data:`SCALE` (resolution 1e-5, error ≤ 40 · 5e-6 for a
40-item form); fractional quantities are rounded on the safe side.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from testgen.assembler.problem import Problem

if TYPE_CHECKING:
    from ortools.sat.python import cp_model


def _cp():
    """OR-Tools' CP-SAT module, loaded when a model is first built (it brings pandas: 0.3 s of import that a
    process which only reads forms, such as a report job, never needs)."""
    from ortools.sat.python import cp_model

    return cp_model


SCALE = 100_000


def group_names(prob: Problem) -> list[str]:
    """Every constraint group of `prob`, in the order the diagnosis tries them."""
    bp = prob.blueprint
    g = []
    if prob.length is not None:
        g.append("length")
    g += [f"row:{r}" for r in range(len(bp.rows))]
    g += [f"qty:{k}" for k in range(len(bp.quantities))]
    if prob.uses_anchors and bp.n_forms > 1:
        g.append("anchors")
        g += [f"anchor_row:{k}" for k in range(len(bp.anchor_rows))]
    if len(prob.enemies):
        g.append("enemies")
    if prob.sets:
        g.append("sets")
    if bp.n_forms > 1:
        g.append("overlap")
    if (prob.caps < bp.n_forms).any():
        g.append("usage")
    if prob.forced.any():
        g.append("forced")
    if prob.kind == "ctt":
        g.append("ctt")
    return g


def _int_coefs(q: np.ndarray, up: bool) -> tuple[np.ndarray, int]:
    """Integer coefficients for q and the factor used: exact when q is integral, else ×1000 rounded."""
    if np.allclose(q, np.round(q)):
        return np.round(q).astype(np.int64), 1
    s = q * 1000
    return (np.ceil(s - 1e-9) if up else np.floor(s + 1e-9)).astype(np.int64), 1000


@dataclass
class Sub:
    """A built CP-SAT model and how to read its solution back into item indices."""

    model: cp_model.CpModel
    forms: list[int]
    cand: np.ndarray
    x: list[list]
    w_items: np.ndarray
    w: list
    y: object | None
    trivially_infeasible: bool = False
    notes: list[str] = field(default_factory=list)

    def decode(self, solver: cp_model.CpSolver) -> tuple[dict[int, np.ndarray], np.ndarray]:
        forms = {}
        for f, xs in zip(self.forms, self.x, strict=True):
            on = np.array([solver.boolean_value(v) for v in xs], dtype=bool)
            forms[f] = self.cand[on] if len(xs) else np.zeros(0, dtype=int)
        on_w = np.array([solver.boolean_value(v) for v in self.w], dtype=bool)
        anchors = self.w_items[on_w] if len(self.w) else np.zeros(0, dtype=int)
        return forms, anchors


def build(
    prob: Problem,
    forms: list[int],
    fixed: Mapping[int, np.ndarray],
    anchors: np.ndarray | None,
    *,
    groups: Collection[str] | None = None,
    objective: bool = True,
    hint: Mapping[int, np.ndarray] | None = None,
    hint_anchors: np.ndarray | None = None,
    forced_here: np.ndarray | None = None,
    candidates: np.ndarray | None = None,
    set_cap: int | None = None,
) -> Sub:
    """Build the model for `forms`, with the forms in `fixed` (non-anchor items) held constant.

    `anchors` = None lets the model choose the anchor block (``w`` variables); an array fixes it.
    `groups` = None enforces every constraint group; otherwise only those named (diagnosis).
    `forced_here` lists forced items that must land in one of `forms` (or the anchor block).
    `candidates` (bool mask) narrows the items the model may pick; `set_cap` lowers the most
    passage sets per form (sequential assembly leaves sets for the forms still to come).
    """
    bp = prob.blueprint
    on = (lambda g: True) if groups is None else (lambda g: g in groups)
    cp_model = _cp()
    m = cp_model.CpModel()
    n, F, S = prob.n_items, bp.n_forms, len(forms)
    choose_anchors = anchors is None and prob.uses_anchors and F > 1
    anchors = np.zeros(0, dtype=int) if anchors is None else np.asarray(anchors, dtype=int)

    used = np.zeros(n, dtype=int)
    for items in fixed.values():
        used[np.asarray(items, dtype=int)] += 1
    ok = prob.eligible.copy()
    if candidates is not None:
        ok &= candidates
    ok[anchors] = False
    if on("overlap") and bp.max_overlap == 0:
        ok &= used == 0
    if on("usage") or on("overlap"):
        ok &= used < np.where(on("usage"), prob.caps, F)
    if on("enemies") and len(prob.enemies) and len(anchors):
        is_anchor = np.zeros(n, dtype=bool)
        is_anchor[anchors] = True
        e = prob.enemies
        ok[e[is_anchor[e[:, 0]], 1]] = False
        ok[e[is_anchor[e[:, 1]], 0]] = False
    sets_on = on("sets") and bool(prob.sets)
    all_or_none = bp.sets.min_items is None and bp.sets.max_items is None
    if sets_on and all_or_none:
        # a set is usable only whole: drop sets with a member that cannot be picked
        for members in prob.sets:
            if not ok[members].all():
                ok[members] = False
    if choose_anchors:
        w_items = np.flatnonzero(prob.anchor_candidates() & (used == 0) & ((candidates is None) | ok))
        w_items = np.union1d(w_items, np.flatnonzero(prob.pool_anchors))
    else:
        w_items = np.zeros(0, dtype=int)
    cand = np.flatnonzero(ok)
    nc = len(cand)
    pos = np.full(n, -1)
    pos[cand] = np.arange(nc)

    # variables; members of a whole-or-none set share the set's variable
    x: list[list] = []
    zs: list[dict[int, object]] = []
    for _f in forms:
        xs: list = [None] * nc
        z: dict[int, object] = {}
        if sets_on:
            for k, members in enumerate(prob.sets):
                p = pos[members]
                p = p[p >= 0]
                if not len(p):
                    continue
                z[k] = m.new_bool_var("")
                if all_or_none:
                    for j in p:
                        xs[j] = z[k]
        for j in range(nc):
            if xs[j] is None:
                xs[j] = m.new_bool_var("")
        x.append(xs)
        zs.append(z)
    w = [m.new_bool_var("") for _ in w_items]
    wpos = np.full(n, -1)
    wpos[w_items] = np.arange(len(w_items))

    def terms(coef: np.ndarray, xs: list, with_w: bool = True) -> tuple[list, list]:
        """Variables and integer coefficients of Σ coef_i (x_i + w_i) over candidates and anchor choices."""
        c = coef[cand]
        nz = np.flatnonzero(c)
        vs = [xs[j] for j in nz]
        cs = c[nz].tolist()
        if with_w and len(w_items):
            cw = coef[w_items]
            nzw = np.flatnonzero(cw)
            vs += [w[j] for j in nzw]
            cs += cw[nzw].tolist()
        return vs, cs

    def bounded(vs: list, cs: list, const: int, lo: float | None, hi: float | None) -> None:
        expr = cp_model.LinearExpr.weighted_sum(vs, cs) if vs else 0
        if lo is not None and hi is not None and lo == hi:
            m.add(expr == int(lo) - const)
            return
        if lo is not None:
            m.add(expr >= int(np.ceil(lo - 1e-9)) - const)
        if hi is not None:
            m.add(expr <= int(np.floor(hi + 1e-9)) - const)

    for xs, z in zip(x, zs, strict=True):
        ones = np.ones(n, dtype=np.int64)
        if on("length") and prob.length is not None:
            vs, cs = terms(ones, xs)
            bounded(vs, cs, len(anchors), prob.length, prob.length)
        for r, row in enumerate(bp.rows):
            if not on(f"row:{r}"):
                continue
            coef = prob.row_items[r].astype(np.int64)
            vs, cs = terms(coef, xs)
            bounded(vs, cs, int(coef[anchors].sum()), row.min_items, row.max_items)
            if row.min_points is not None or row.max_points is not None:
                for up, lo, hi in ((True, None, row.max_points), (False, row.min_points, None)):
                    if lo is None and hi is None:
                        continue
                    qi, s = _int_coefs(prob.row_points[r], up)
                    vs, cs = terms(qi, xs)
                    bounded(vs, cs, int(qi[anchors].sum()), None if lo is None else lo * s,
                            None if hi is None else hi * s)
        for k, (_name, q, lo, hi, _label) in enumerate(prob.quantities):
            if not on(f"qty:{k}"):
                continue
            for up, lo_, hi_ in ((True, None, hi), (False, lo, None)):
                if lo_ is None and hi_ is None:
                    continue
                qi, s = _int_coefs(q, up)
                vs, cs = terms(qi, xs)
                bounded(vs, cs, int(qi[anchors].sum()), None if lo_ is None else lo_ * s,
                        None if hi_ is None else hi_ * s)
        if on("enemies") and len(prob.enemies):
            for i, j in prob.enemies:
                vs = [xs[pos[i]]] if pos[i] >= 0 else []
                vs += [xs[pos[j]]] if pos[j] >= 0 else []
                vs += [w[wpos[i]]] if wpos[i] >= 0 else []
                vs += [w[wpos[j]]] if wpos[j] >= 0 else []
                if len(vs) >= 2:
                    m.add_at_most_one(vs)
        if sets_on and z:
            if not all_or_none:
                lo_i, hi_i = bp.sets.min_items, bp.sets.max_items
                for k, zk in z.items():
                    p = pos[prob.sets[k]]
                    mv = [xs[j] for j in p[p >= 0]]
                    if lo_i is not None and len(mv) < lo_i:
                        m.add(zk == 0)  # too few usable items left in this set
                    for v in mv:
                        m.add_implication(v, zk)
                    m.add(sum(mv) >= min(lo_i or 1, len(mv)) * zk)
                    if hi_i is not None:
                        m.add(sum(mv) <= hi_i * zk)
                    m.add(sum(mv) >= zk)
            most = bp.sets.max_sets if set_cap is None else min(set_cap, bp.sets.max_sets or set_cap)
            if bp.sets.min_sets or most is not None:
                bounded(list(z.values()), [1] * len(z), 0, bp.sets.min_sets or None, most)
        elif sets_on and bp.sets.min_sets:
            m.add_bool_or([])  # no usable set at all
        if prob.kind == "ctt" and on("ctt"):
            obj = bp.objective
            for coef in (prob.p_value - obj.p_min, obj.p_max - prob.p_value):  # type: ignore[union-attr]
                qi = np.floor(np.nan_to_num(coef, nan=-1.0) * SCALE).astype(np.int64)
                vs, cs = terms(qi, xs)
                bounded(vs, cs, int(qi[anchors].sum()), 0, None)

    # anchors block
    if choose_anchors and on("anchors"):
        m.add(sum(w) == prob.n_anchors)
        for i in np.flatnonzero(prob.pool_anchors):
            m.add(w[wpos[i]] == 1)
        for k, row in enumerate(bp.anchor_rows):
            if on(f"anchor_row:{k}"):
                coef = prob.anchor_row_items[k]
                nz = np.flatnonzero(coef[w_items])
                bounded([w[j] for j in nz], coef[w_items][nz].tolist(), 0, row.min_items, row.max_items)
    # an item is an anchor or form-specific, and usage across the forms solved here
    if len(w_items):
        for xs in x:
            for j, i in enumerate(w_items):
                if pos[i] >= 0:
                    m.add_at_most_one([xs[pos[i]], w[j]])
    if S > 1 or len(w_items):
        cap_left = np.where(on("usage"), prob.caps, F) - used
        for j, i in enumerate(cand):
            vs = [xs[j] for xs in x]
            if bp.max_overlap == 0 and on("overlap"):
                if len(vs) > 1:
                    m.add_at_most_one(vs)
            elif len(vs) > cap_left[i]:
                m.add(sum(vs) <= int(cap_left[i]))
    if on("overlap") and bp.max_overlap > 0:
        for f_i, xs in enumerate(x):
            for items in fixed.values():
                p = pos[np.asarray(items, dtype=int)]
                p = p[p >= 0]
                if len(p) > bp.max_overlap:
                    m.add(sum(xs[j] for j in p) <= bp.max_overlap)
            for xs2 in x[f_i + 1:]:
                both = []
                for j in range(nc):
                    o = m.new_bool_var("")
                    m.add(xs[j] + xs2[j] - o <= 1)
                    both.append(o)
                m.add(sum(both) <= bp.max_overlap)
    trivially_infeasible = False
    if on("forced") and forced_here is not None:
        for i in np.asarray(forced_here, dtype=int):
            vs = [xs[pos[i]] for xs in x] if pos[i] >= 0 else []
            vs += [w[wpos[i]]] if wpos[i] >= 0 else []
            if i in set(anchors.tolist()):
                continue
            if not vs:
                trivially_infeasible = True
                m.add_bool_or([])
            else:
                m.add_bool_or(vs)

    y = None
    if objective and prob.kind in ("minimax", "maximin", "cut"):
        K = prob.info.shape[1]
        if prob.kind == "minimax":
            T = np.round(prob.target() * SCALE).astype(np.int64)
            coef_all = np.round(prob.info * SCALE).astype(np.int64)
            ymax = int(max(T.max(), coef_all.sum(axis=0).max()) + 1)
        else:
            coef_all = np.round(prob.info / prob.weights()[None, :] * SCALE).astype(np.int64)
            ymax = int(coef_all.sum(axis=0).max() + 1)
        y = m.new_int_var(0, ymax, "y")
        for xs in x:
            for k in range(K):
                coef = coef_all[:, k]
                vs, cs = terms(coef, xs)
                const = int(coef[anchors].sum())
                e = cp_model.LinearExpr.weighted_sum(vs, cs) + const
                if prob.kind == "minimax":
                    m.add(e - y <= int(T[k]))
                    m.add(e + y >= int(T[k]))
                else:
                    m.add(e >= y)
        if prob.kind == "minimax":
            m.minimize(y)
        else:
            m.maximize(y)
    elif objective and prob.kind == "ctt":
        r = np.round(np.nan_to_num(prob.discrimination) * SCALE).astype(np.int64)
        vs_all, cs_all = [], []
        for xs in x:
            vs, cs = terms(r, xs)
            vs_all += vs
            cs_all += cs
        m.maximize(cp_model.LinearExpr.weighted_sum(vs_all, cs_all))

    if hint:
        for f_i, f in enumerate(forms):
            chosen = np.zeros(n, dtype=bool)
            if f in hint:
                chosen[np.asarray(hint[f], dtype=int)] = True
            seen: set[int] = set()
            for j, v in enumerate(x[f_i]):
                if id(v) not in seen:
                    seen.add(id(v))
                    m.add_hint(v, bool(chosen[cand[j]]))
    if hint_anchors is not None and len(w_items):
        chosen = np.zeros(n, dtype=bool)
        chosen[np.asarray(hint_anchors, dtype=int)] = True
        for j, i in enumerate(w_items):
            m.add_hint(w[j], bool(chosen[i]))
    return Sub(m, list(forms), cand, x, w_items, w, y, trivially_infeasible)


#: CP-SAT's status names (OPTIMAL, FEASIBLE, …) → ours
STATUS = {"OPTIMAL": "optimal", "FEASIBLE": "feasible", "INFEASIBLE": "infeasible", "MODEL_INVALID": "invalid",
          "UNKNOWN": "unknown"}


def solve(sub: Sub, time_limit: float, *, workers: int, seed: int, presolve: bool = True) -> tuple[str, cp_model.CpSolver]:
    """Run CP-SAT on `sub`; status is one of optimal / feasible / infeasible / unknown.

    ``presolve=False`` suits the short neighbourhood steps: on the benchmark's 2,000-item
    sub-problems CP-SAT's presolve (probing) alone takes 2–3 s of a 2 s slice.
    """
    cp_model = _cp()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, float(time_limit))
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    if not presolve:
        solver.parameters.cp_model_presolve = False
    st = solver.solve(sub.model)
    return STATUS.get(solver.status_name(st), "unknown"), solver

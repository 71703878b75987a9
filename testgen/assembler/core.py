"""assemble(): blueprint + item pool → parallel forms, with CP-SAT and a time limit.

Strategy (chosen by measuring on the ATA benchmark, see benchmarks/ata.py):

* one form: dominance pruning (maximin / cut objectives), then one exact CP-SAT model, proved
  optimal on the bench's tasks a500 / a2000 / a10000;
* several forms without cross-form coupling (no anchors, no required passage sets): forms one
  after another, each a single-form exact model over what the earlier forms left;
* anchors or required passage sets couple the forms (a greedy first form can take the last
  usable set): any valid set of forms is found jointly — first from the few items per row
  signature that suit the objective best (task c: 0.3 s), then the whole pool if need be;
* then a large-neighbourhood search re-solves the worst form (alone, or with a partner once it
  is settled) with the others fixed, hinted with its current items, CP-SAT presolve off (on
  2,000-item sub-problems presolve alone ate the 2-s slice), and numpy swap polishing after
  every step. Every step keeps all constraints, so the best forms so far are always valid.
* when the joint model is infeasible, the conflicting constraint groups are found (deletion
  filter) and reported in Thai.

Why CP-SAT rather than HiGHS: on the bench's multi-form tasks the reference CP-SAT beats HiGHS
at equal time (b 0.025–0.031 vs 0.071, c 0.079 vs 0.144 at 60 s); on a single b form CP-SAT
reached 0.0069 in 3 s against HiGHS's 0.0157; CP-SAT takes solution hints, which the
neighbourhood search lives on. Information is scaled to integers (1e-5 resolution). Note:
highspy and ortools cannot be imported into one process (their bundled HiGHS symbols clash:
"undefined symbol" on import, either order); scipy's HiGHS can live beside ortools.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np

from psychometrics.tables import Table
from testgen.assembler import cpmodel
from testgen.assembler.diagnose import conflicting_groups, infeasible_error
from testgen.assembler.heuristics import Polisher, lp_relaxation, prune_dominated
from testgen.assembler.pool import ItemPool
from testgen.assembler.problem import Problem, prepare, problem
from testgen.assembler.shortage import raise_if_short
from testgen.assembler.validate import validate
from testgen.blueprint import Blueprint
from testgen.errors import TestGenError

OK = ("optimal", "feasible")


@dataclass(frozen=True)
class AssemblyResult:
    """Assembled forms: ordered item ids per form (anchors included), objective and provenance."""

    blueprint: str
    forms: tuple[tuple[str, ...], ...]
    indices: tuple[np.ndarray, ...]
    anchors: tuple[str, ...]
    objective_kind: str
    objective: float
    status: str                      # "optimal" (proved) or "feasible" (best found in time)
    theta: tuple[float, ...]
    tif: np.ndarray                  # (n_forms, n_theta) at the objective's θ points
    seconds: float
    solver: str
    seed: int
    log: tuple[str, ...] = field(default=())

    def summary(self) -> Table:
        rows = []
        for f, items in enumerate(self.forms):
            rows.append((f"ฉบับที่ {f + 1}", len(items), *[float(v) for v in self.tif[f]]))
        cols = ("form", "items", *[f"TIF θ={t:g}" for t in self.theta])
        kind = {"minimax": "largest |TIF − target|", "maximin": "smallest TIF / weight",
                "cut": "smallest TIF at the cut", "ctt": "smallest mean r", "none": "—"}[self.objective_kind]
        return Table(f"ฉบับข้อสอบตามผัง {self.blueprint}", cols, rows,
                     notes=(f"objective ({kind}) = {self.objective:.4f}, {self.status}",
                            f"anchors: {len(self.anchors)}; {self.seconds:.2f} s; {self.solver}; seed {self.seed}"))


def _order(prob: Problem, items: np.ndarray) -> np.ndarray:
    """Printing order: by section (first tag attribute), passage sets kept together in set order."""
    pool = prob.pool
    attr = "section" if "section" in pool.tags else next(iter(pool.tags), None)
    order_in_set = pool.order_in_set()
    sets = pool.set_of()
    first: dict[str, int] = {}
    for i in sorted(items.tolist()):
        if sets[i]:
            first.setdefault(sets[i], i)

    def key(i: int) -> tuple:
        vals = pool.tags[attr][i] if attr else ()
        sec = (vals,) if isinstance(vals, str) else tuple(vals)
        block = first[sets[i]] if sets[i] else i
        return (sec[0] if sec else "", block, int(order_in_set[i]), i)

    return np.array(sorted(items.tolist(), key=key), dtype=int)


class _Search:
    """State of one assembly run."""

    def __init__(self, prob: Problem, time_limit: float, workers: int, seed: int) -> None:
        self.prob = prob
        self.t0 = time.perf_counter()
        self.deadline = self.t0 + time_limit
        self.time_limit = time_limit
        self.workers, self.seed = workers, seed
        self.rng = np.random.default_rng(seed)
        self.log: list[str] = []
        self.keep = prune_dominated(prob)
        if self.keep is not None:
            self.log.append(f"pruned {int(prob.eligible.sum() - self.keep.sum())} dominated items")
        self._polisher: Polisher | None = None
        self.proved = False
        self.narrow: np.ndarray | None = None
        self.hint: dict | None = None

    @property
    def polisher(self) -> Polisher | None:
        if self._polisher is None and self.prob.kind in ("minimax", "maximin", "cut"):
            self._polisher = Polisher(self.prob)
        return self._polisher

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def solve(self, forms: list[int], fixed: dict, anchors, seconds: float, presolve: bool = True,
              narrow: np.ndarray | None = None, **kw):
        keep = self.keep if narrow is None else (narrow if self.keep is None else narrow & self.keep)
        sub = cpmodel.build(self.prob, forms, fixed, anchors, candidates=keep, **kw)
        status, solver = cpmodel.solve(sub, seconds, workers=self.workers, seed=self.seed, presolve=presolve)
        if status in OK:
            got, anch = sub.decode(solver)
            return status, got, anch
        return status, None, None

    def polish(self, forms: dict[int, np.ndarray], anchors: np.ndarray, which: list[int], seconds: float = 0.0) -> None:
        if self.polisher is None:
            return
        for f in which:
            elsewhere = np.zeros(self.prob.n_items, dtype=bool)
            for g, items in forms.items():
                if g != f:
                    elsewhere[items] = True
            elsewhere[anchors] = True
            forms[f] = self.polisher.run(forms[f], anchors, elsewhere, seconds=min(seconds, max(0.0, self.left())),
                                         rng=self.rng)

    def per_form(self, forms: dict[int, np.ndarray], anchors: np.ndarray) -> np.ndarray:
        F = self.prob.n_forms
        tif = self.prob.tif([np.concatenate([forms[f], anchors]) for f in range(F)])
        return self.prob.form_objective(tif)


def _forced_allocation(prob: Problem) -> dict[int, np.ndarray]:
    forced = np.flatnonzero(prob.forced & ~prob.pool_anchors)
    F = prob.n_forms
    return {f: forced[f::F] for f in range(F)}


def _reduce(s: _Search) -> None:
    """One form, maximin: LP relaxation, an incumbent from the LP's support and the items of
    smallest reduced cost (a small exact model), then reduced-cost fixing leaves only the items
    that can beat the incumbent for the final proof (task a10000: 509 → about 60 items)."""
    prob = s.prob
    lp = lp_relaxation(prob, s.keep)
    if lp is None:
        return
    idx, x, d, bound = lp
    small = x > 1e-9
    small[np.argsort(d, kind="stable")[: 2 * (prob.length or 1)]] = True
    narrow = np.zeros(prob.n_items, dtype=bool)
    narrow[idx[small]] = True
    status, got, _ = s.solve([0], {}, np.zeros(0, dtype=int), min(0.3, s.left()), narrow=narrow)
    if got is None:
        return
    incumbent = prob.objective([got[0]])
    out = idx[(x < 1e-9) & (bound - d < incumbent - 1e-7)]
    s.keep[out] = False
    s.keep[got[0]] = True
    s.hint = {0: got[0]}
    s.log.append(f"LP bound {bound:.4f}, incumbent {incumbent:.4f}: reduced-cost fixing keeps "
                 f"{int(s.keep.sum())} items, at {time.perf_counter() - s.t0:.2f} s")


def _start_candidates(s: _Search, per_kind: int = 3) -> np.ndarray | None:
    """For a joint start on a big pool: every passage-set item, forced and anchor item, and per row
    signature the `per_kind` × (items all forms may need) discrete items that suit the objective best."""
    prob = s.prob
    if s.polisher is None:
        return None
    keep = prob.eligible & ((prob.set_index >= 0) | prob.forced | prob.pool_anchors)
    info = prob.info
    if prob.kind == "minimax":
        share = prob.target() / max(1, prob.length or 1)
        score = np.abs(info - share[None, :]).max(axis=1)
    else:
        score = -(info / prob.weights()[None, :]).min(axis=1)
    L = prob.length or prob.n_items
    for idx in s.polisher.groups.values():
        rows = np.flatnonzero(prob.row_items[:, idx[0]] > 0)
        most = min([prob.blueprint.rows[r].max_items or L for r in rows] + [L])
        take = per_kind * prob.n_forms * max(1, most)
        keep[idx[np.argsort(score[idx], kind="stable")[:take]]] = True
    return keep


def _joint(s: _Search, hint: dict | None, hint_anchors, objective: bool = True,
           narrow: np.ndarray | None = None, seconds: float | None = None) -> tuple[str, dict | None, np.ndarray | None]:
    prob = s.prob
    F = prob.n_forms
    budget = max(0.2, s.left() if seconds is None else min(seconds, s.left()))
    status, got, anch = s.solve(list(range(F)), {}, None, budget, objective=objective,
                                presolve=F == 1, narrow=narrow,
                                forced_here=np.flatnonzero(prob.forced), hint=hint, hint_anchors=hint_anchors)
    if status == "infeasible" and s.keep is not None:
        s.keep = None  # pruning keeps feasibility, but say it from the full model
        status, got, anch = s.solve(list(range(F)), {}, None, max(0.2, s.left()),
                                    forced_here=np.flatnonzero(prob.forced))
    s.proved = status == "optimal"
    return status, got, anch


def _sequential(s: _Search) -> tuple[dict | None, dict, np.ndarray | None]:
    """Forms one after another; on a dead end (None, the partial forms, anchors)."""
    prob = s.prob
    F = prob.n_forms
    alloc = _forced_allocation(prob)
    forms: dict[int, np.ndarray] = {}
    anchors = None if (prob.uses_anchors and F > 1) else np.zeros(0, dtype=int)
    budget = max(0.3, 0.3 * s.time_limit / F)
    swap_s = min(1.0, 0.1 * s.time_limit / F)
    cap = prob.blueprint.sets.min_sets or None  # leave passage sets for the forms still to come
    for f in range(F):
        seconds = min(budget, max(0.2, s.left()))
        kw = dict(forced_here=alloc[f], set_cap=cap)
        status, got, anch = s.solve([f], dict(forms), anchors, seconds, presolve=False, **kw)
        if status not in OK and status != "infeasible":
            # no solution in the slice: find any valid form first, then the search improves it
            status, got, anch = s.solve([f], dict(forms), anchors, max(seconds, min(5.0, s.left())),
                                        objective=False, **kw)
        if status not in OK:
            s.log.append(f"sequential: form {f + 1} {status}")
            return None, dict(forms), anchors
        forms[f] = got[f]
        if anchors is None:
            anchors = anch
        s.polish(forms, anchors, [f], seconds=swap_s)
    s.log.append(f"sequential start at {time.perf_counter() - s.t0:.2f} s")
    return forms, forms, anchors


def _ils_step(s: _Search, forms: dict[int, np.ndarray], anchors: np.ndarray, g: int, seconds: float) -> bool:
    """Iterated swap search on form g (numpy); True when the objective of g improved."""
    prob = s.prob
    before = s.per_form(forms, anchors)[g]
    trial = dict(forms)
    s.polish(trial, anchors, [g], seconds=seconds)
    after = s.per_form(trial, anchors)[g]
    if prob.kind == "minimax":
        improved = after < before - 1e-12
    else:
        improved = after > before + 1e-12
    if improved:
        forms[g] = trial[g]
    s.log.append(f"  swap search on form {g + 1}: {before:.4f} -> {after:.4f} at {time.perf_counter() - s.t0:.2f} s")
    return improved


def _neighbourhoods(s: _Search, forms: dict[int, np.ndarray], anchors: np.ndarray, cp_first: bool) -> None:
    """Improve the worst form until the time limit: iterated swap search (numpy; on task b's single
    forms it reaches 0.0065 in 0.3 s where CP-SAT has 0.04–0.09 after 2 s), and CP-SAT re-solves —
    alone or with a partner form, the others fixed — for the changes swaps cannot make (passage
    sets, items held by other forms). `cp_first`: start with one CP-SAT pass over every form."""
    prob = s.prob
    F = prob.n_forms
    minimax = prob.kind == "minimax"
    stale, it = 0, 0
    slice_s = max(0.5, s.time_limit / (2 * F))
    ils_s = max(0.15, min(1.0, s.time_limit / (6 * F)))
    stretch = 1.0
    swap_fail = np.zeros(F, dtype=int)
    settled: set[int] = set()  # forms whose own re-solve is proved optimal against the others
    while s.left() > 0.25 and stale < 3 * F:
        per = s.per_form(forms, anchors)
        worst = int(np.argmax(per) if minimax else np.argmin(per))
        first_pass = it < F and (cp_first or prob.kind == "ctt")
        if first_pass:
            worst = it  # a joint start leaves every form rough
        it += 1
        if not first_pass and s.polisher is not None and swap_fail[worst] < 2:
            if _ils_step(s, forms, anchors, worst, ils_s):
                swap_fail[:] = 0
                stale = 0
            else:
                swap_fail[worst] += 1
                stale += 1
            continue
        group = [worst]
        if F > 1 and (worst in settled or swap_fail[worst] >= 2 or (it > F and it % 3 == 0)):
            others = [g for g in range(F) if g != worst]
            partner = int(s.rng.choice(others)) if minimax else int(others[np.argmax(per[others])])
            group.append(partner)
        fixed = {g: forms[g] for g in range(F) if g not in group}
        in_fixed = np.zeros(prob.n_items, dtype=bool)
        for items in fixed.values():
            in_fixed[items] = True
        forced = np.flatnonzero(prob.forced & ~in_fixed)
        forced = np.setdiff1d(forced, anchors)
        old = per[group].max() if minimax else per[group].min()
        narrow = None
        if s.narrow is not None:  # big pool: the start's candidates, a fresh sample, the group's own items
            narrow = s.narrow.copy()
            pool_idx = np.flatnonzero(prob.eligible & ~narrow)
            narrow[s.rng.choice(pool_idx, size=min(len(pool_idx), 1500), replace=False)] = True
            for g in group:
                narrow[forms[g]] = True
        status, got, _ = s.solve(group, fixed, anchors, min(slice_s * stretch, max(0.2, s.left())), presolve=False,
                                 forced_here=forced, hint={g: forms[g] for g in group}, narrow=narrow)
        if status not in OK:
            s.log.append(f"  step {it}: forms {[g + 1 for g in group]} {status}")
            stale += 1
            continue
        trial = dict(forms)
        trial.update(got)
        s.polish(trial, anchors, group)
        new_per = s.per_form(trial, anchors)
        new = new_per[group].max() if minimax else new_per[group].min()
        s.log.append(f"  step {it}: forms {[g + 1 for g in group]} {status} {old:.4f} -> {new:.4f} "
                     f"at {time.perf_counter() - s.t0:.2f} s")
        improved = prob.better(new, old)
        if improved or (status == "optimal" and not prob.better(old, new)):
            forms.update({g: trial[g] for g in group})
        stale = 0 if improved else stale + 1
        stretch = 1.0 if improved or status == "optimal" else min(4.0, stretch * 1.5)
        if improved:
            settled.clear()
            swap_fail[group] = 0
        elif status == "optimal" and len(group) == 1:
            settled.add(group[0])
    s.log.append(f"neighbourhood search: {it} steps")


def assemble(
    pool: ItemPool,
    blueprint: Blueprint,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int | None = None,
) -> AssemblyResult:
    """Assemble `blueprint.n_forms` forms from `pool`.

    Parameters
    ----------
    pool : ItemPool
    blueprint : Blueprint
    time_limit : float
        Wall-clock seconds; the best valid forms found by then are returned.
    seed : int
        Makes the search reproducible (CP-SAT's random seed and the neighbourhood choices).
    workers : int, optional
        CP-SAT search workers (default: the machine's cores, at most 8).

    Returns
    -------
    AssemblyResult

    Raises
    ------
    TestGenError
        ``blueprint.invalid`` (bad input, every problem listed), ``blueprint.shortage`` (rows the
        bank cannot fill), ``assembly.infeasible`` (the conflicting constraint groups, in Thai) or
        ``assembly.timeout`` (no valid forms found within the time limit).
    """
    t0 = time.perf_counter()
    prob = prepare(pool, blueprint)
    raise_if_short(prob)
    workers = int(workers or min(8, os.cpu_count() or 1))
    s = _Search(prob, time_limit, workers, seed)
    F = prob.n_forms
    forms: dict | None = None
    anchors: np.ndarray | None = None
    if F == 1:
        if s.keep is not None and prob.kind in ("maximin", "cut"):
            _reduce(s)
        # minimax is rarely proved optimal: CP-SAT for part of the time, swap search for the rest
        status, forms, anchors = _joint(s, s.hint, None,
                                        seconds=0.4 * time_limit if prob.kind == "minimax" else None)
    else:
        coupled = prob.uses_anchors or bool(prob.blueprint.sets.enforce and prob.blueprint.sets.min_sets)
        forms, partial, anchors = (None, {}, None) if coupled else _sequential(s)
        status = "feasible"
        if forms is None:
            # anchors and required passage sets couple the forms (a greedy first form can leave the
            # last one without a usable set): find any valid set of forms jointly, then improve it
            # a joint start from the items that suit the objective best solves in a fraction of the
            # time the whole pool takes (task c: 0.2 s from 369 items against 2 s from 2,000)
            if prob.eligible.sum() > 2500:
                s.narrow = _start_candidates(s, 3)  # big pools: the search keeps to these too
            for per_kind in (1, 3):
                narrow = _start_candidates(s, per_kind)
                if narrow is None or narrow.sum() >= prob.eligible.sum():
                    break
                status, forms, anchors = _joint(s, None, None, objective=False, narrow=narrow,
                                                seconds=0.25 * time_limit)
                s.log.append(f"joint start from {int(narrow.sum())} of {int(prob.eligible.sum())} items: {status}")
                if forms is not None:
                    break
            if forms is None:
                status, forms, anchors = _joint(s, partial or None, anchors, objective=False)
            s.log.append(f"joint feasible start: {status} at {time.perf_counter() - s.t0:.2f} s")
    if forms is None:
        if status == "infeasible":
            groups = conflicting_groups(prob, time_limit=max(5.0, min(30.0, time_limit)), workers=workers, seed=seed)
            raise infeasible_error(prob, groups or [])
        raise TestGenError("assembly.timeout", kind="conflict", message_th=(
            f"ไม่พบฉบับที่ตรงตามผัง {blueprint.name} ภายในเวลา {time_limit:g} วินาที — เพิ่มเวลา (--time-limit) "
            "หรือผ่อนเงื่อนไขของผัง"), message_en=f"no valid forms for {blueprint.name} within {time_limit:g} s")
    anchors = np.zeros(0, dtype=int) if anchors is None else np.asarray(anchors, dtype=int)
    if F > 1 or not s.proved:
        if F == 1:
            s.polish(forms, anchors, [0], seconds=s.left())
        elif prob.kind in ("minimax", "maximin", "cut", "ctt"):
            _neighbourhoods(s, forms, anchors, cp_first=coupled)
    full = [np.concatenate([forms[f], anchors]) for f in range(F)]
    bad = validate(prob, full, anchors)
    if bad:  # never hand out forms that break the blueprint
        raise TestGenError("assembly.invalid_solution", kind="conflict",
                           problems=[problem("assembly.violation", v.message_th, v.message_en) for v in bad])
    ordered = [_order(prob, f) for f in full]
    ids = prob.pool.item_ids
    from ortools import __version__ as ortools_version

    return AssemblyResult(
        blueprint=blueprint.name,
        forms=tuple(tuple(ids[i] for i in f) for f in ordered),
        indices=tuple(ordered),
        anchors=tuple(ids[i] for i in _order(prob, anchors)),
        objective_kind=prob.kind,
        objective=prob.objective(full),
        status="optimal" if (s.proved and F == 1) else "feasible",
        theta=blueprint.theta,
        tif=prob.tif(full),
        seconds=time.perf_counter() - t0,
        solver=f"OR-Tools CP-SAT {ortools_version} ({workers} workers)",
        seed=seed,
        log=tuple(s.log),
    )

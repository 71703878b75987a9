"""Cheap helpers around the exact model: dominance pruning and swap polishing (numpy only)."""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from testgen.assembler.problem import Problem


def signatures(prob: Problem) -> np.ndarray:
    """Group id per item: items with the same id count identically in every blueprint row."""
    cols = [prob.row_items.T, prob.row_points.T, prob.anchor_row_items.T]
    mat = np.hstack([c.reshape(prob.n_items, -1).astype(float) for c in cols])
    if mat.shape[1] == 0:
        return np.zeros(prob.n_items, dtype=int)
    # two random projections identify equal rows (np.unique over rows is ~10× slower)
    w = np.random.default_rng(12345).random((mat.shape[1], 2)) + 0.5
    keys = np.round(mat @ w, 9)
    _, inverse = np.unique(keys[:, 0] * 1e6 + keys[:, 1], return_inverse=True)
    return inverse.ravel()


def prune_dominated(prob: Problem) -> np.ndarray | None:
    """Items that can be left out without losing an optimum of a maximin / cut objective.

    Item i is dropped when at least D other items of its kind (same row signature, discrete,
    no enemies, usage cap and quantities no worse) have at least its information at every θ
    point, D being the most items of that kind all forms together can hold: whichever
    solution uses i, an unused dominating item can take its place without lowering any TIF.
    Returns a keep-mask, or None when the objective or the pool's structure rules pruning out.
    """
    if prob.kind not in ("maximin", "cut"):
        return None
    bp, F, L = prob.blueprint, prob.n_forms, prob.length
    clean = prob.eligible & ~prob.forced & ~prob.pool_anchors & (prob.set_index < 0)
    return _prune(prob, clean, F, L, bp)


def _prune(prob: Problem, clean: np.ndarray, F: int, L: int | None, bp) -> np.ndarray | None:
    e = prob.enemies
    if len(e):
        clean = clean.copy()
        clean[e.ravel()] = False
    sig = signatures(prob)
    keep = prob.eligible.copy()
    info = prob.info
    qs = [(q, lo, hi) for _n, q, lo, hi, _l in prob.quantities]
    for g in np.unique(sig[clean]):
        idx = np.flatnonzero(clean & (sig == g))
        rows = np.flatnonzero(prob.row_items[:, idx[0]] > 0)
        bounds = [bp.rows[r].max_items for r in rows if bp.rows[r].max_items is not None]
        if L is not None:
            bounds.append(L)
        if not bounds:
            continue
        need = F * min(bounds)
        if len(idx) <= need:
            continue
        # dominators of i have a larger information sum: test against the best few only (sound:
        # `need` dominators among them are `need` dominators in the pool)
        ref = idx[np.argsort(-info[idx].sum(axis=1), kind="stable")[: 8 * need]]
        dom = np.all(info[ref][:, None, :] >= info[idx][None, :, :], axis=2)
        strict = np.any(info[ref][:, None, :] > info[idx][None, :, :], axis=2)
        dom &= strict | (ref[:, None] < idx[None, :])
        dom &= prob.caps[ref][:, None] >= prob.caps[idx][None, :]
        for q, lo, hi in qs:
            if hi is not None:
                dom &= q[ref][:, None] <= q[idx][None, :]
            if lo is not None:
                dom &= q[ref][:, None] >= q[idx][None, :]
        dom[ref[:, None] == idx[None, :]] = False
        keep[idx[dom.sum(axis=0) >= need]] = False
    return keep


class Polisher:
    """Steepest-descent item swaps that keep every constraint: an item leaves a form and an unused
    item of the same row signature enters, when quantities and enemies still hold."""

    def __init__(self, prob: Problem) -> None:
        self.prob = prob
        self.sig = signatures(prob)
        ok = prob.eligible & (prob.set_index < 0) & ~prob.forced & ~prob.pool_anchors
        self.swappable = ok
        n = prob.n_items
        e = prob.enemies
        if len(e):
            data = np.ones(2 * len(e))
            self.adj = sp.csr_matrix((data, (np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]])), shape=(n, n))
        else:
            self.adj = None
        self.groups = {int(g): np.flatnonzero(ok & (self.sig == g)) for g in np.unique(self.sig[ok])}

    def score(self, tif: np.ndarray) -> np.ndarray:
        """Per-row form score, lower is better: max deviation (minimax) or −min level (maximin)."""
        p = self.prob
        if p.kind == "minimax":
            return np.abs(tif - p.target()[None, :]).max(axis=1)
        return -(tif / p.weights()[None, :]).min(axis=1)

    def _moves(self, members: np.ndarray, anchors: np.ndarray, blocked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every valid single swap (out of the form, into it) as two index arrays."""
        p = self.prob
        inside = np.zeros(p.n_items)
        inside[members] = 1
        inside[anchors] = 1
        hits = self.adj @ inside if self.adj is not None else None
        totals = [(q, lo, hi, q[members].sum() + q[anchors].sum()) for _n, q, lo, hi, _l in p.quantities]
        outs, ins = [np.zeros(0, dtype=int)], [np.zeros(0, dtype=int)]
        for o in members[self.swappable[members]]:
            cand = self.groups.get(int(self.sig[o]))
            if cand is None:
                continue
            cand = cand[~blocked[cand]]
            if hits is not None and len(cand):
                own = np.asarray(self.adj[o, cand].todense()).ravel()
                cand = cand[hits[cand] - own == 0]
            for q, lo, hi, tot in totals:
                new = tot - q[o] + q[cand]
                okq = np.ones(len(cand), dtype=bool)
                if hi is not None:
                    okq &= new <= hi + 1e-9
                if lo is not None:
                    okq &= new >= lo - 1e-9
                cand = cand[okq]
            outs.append(np.full(len(cand), o))
            ins.append(cand)
        return np.concatenate(outs), np.concatenate(ins)

    def _descend(self, members: np.ndarray, anchors: np.ndarray, elsewhere: np.ndarray,
                 max_iter: int) -> tuple[np.ndarray, float]:
        p = self.prob
        tif = p.info[members].sum(axis=0) + p.info[anchors].sum(axis=0)
        best = self.score(tif[None, :])[0]
        for _ in range(max_iter):
            blocked = elsewhere.copy()
            blocked[members] = True
            outs, ins = self._moves(members, anchors, blocked)
            if not len(ins):
                break
            new_tif = tif[None, :] - p.info[outs] + p.info[ins]
            sc = self.score(new_tif)
            k = int(np.argmin(sc))
            if sc[k] >= best - 1e-12:
                break
            members[members == outs[k]] = ins[k]
            tif, best = new_tif[k], sc[k]
        return members, float(best)

    def run(self, members: np.ndarray, anchors: np.ndarray, elsewhere: np.ndarray, max_iter: int = 200,
            seconds: float = 0.0, rng: np.random.Generator | None = None) -> np.ndarray:
        """Improve one form: steepest single swaps, then (for `seconds`) iterated local search —
        a few random valid swaps, descend again, keep the result when it is better.

        `members`: the form's non-anchor items; `elsewhere`: (n,) items used by other forms or
        the anchor block (never swapped in).
        """
        p = self.prob
        if p.kind not in ("minimax", "maximin", "cut"):
            return members
        anchors = np.asarray(anchors, dtype=int)
        best_m, best = self._descend(np.array(members, dtype=int), anchors, elsewhere, max_iter)
        if seconds <= 0:
            return best_m
        rng = rng or np.random.default_rng(0)
        t_end = time.perf_counter() + seconds
        while time.perf_counter() < t_end and not (p.kind == "minimax" and best < 1e-6):
            cur = best_m.copy()
            for _ in range(int(rng.integers(2, 4))):
                blocked = elsewhere.copy()
                blocked[cur] = True
                outs, ins = self._moves(cur, anchors, blocked)
                if not len(ins):
                    break
                k = int(rng.integers(len(ins)))
                cur[cur == outs[k]] = ins[k]
            cur, sc = self._descend(cur, anchors, elsewhere, max_iter)
            if sc < best - 1e-12:
                best_m, best = cur, sc
        return best_m


def lp_relaxation(prob: Problem, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float] | None:
    """LP relaxation (HiGHS through scipy) of one maximin / cut form with only row, length and
    quantity constraints: (items, LP values, reduced costs, LP objective), or None when the
    problem is not of that simple kind.

    An item at 0 with reduced cost d can only enter a form whose level is at most LP − d; so
    against an incumbent level, every item with LP − d < incumbent can be left out
    (reduced-cost fixing).
    """
    from scipy.optimize import linprog

    bp = prob.blueprint
    if (prob.n_forms != 1 or prob.kind not in ("maximin", "cut") or prob.sets or len(prob.enemies)
            or prob.forced.any() or prob.length is None):
        return None
    idx = np.flatnonzero(keep)
    n = len(idx)
    w = prob.weights()
    ub_rows, ub_rhs = [], []

    def bound(coef: np.ndarray, lo: float | None, hi: float | None) -> None:
        if hi is not None:
            ub_rows.append(np.r_[coef, 0.0])
            ub_rhs.append(hi)
        if lo is not None and lo > 0:
            ub_rows.append(np.r_[-coef, 0.0])
            ub_rhs.append(-lo)

    for r, row in enumerate(bp.rows):
        bound(prob.row_items[r, idx].astype(float), row.min_items, row.max_items)
        bound(prob.row_points[r, idx], row.min_points, row.max_points)
    for _n, q, lo, hi, _l in prob.quantities:
        bound(q[idx], lo, hi)
    for k in range(prob.info.shape[1]):
        ub_rows.append(np.r_[-prob.info[idx, k] / w[k], 1.0])
        ub_rhs.append(0.0)
    c = np.zeros(n + 1)
    c[-1] = -1.0
    res = linprog(c, A_ub=np.array(ub_rows), b_ub=np.array(ub_rhs), A_eq=np.r_[np.ones(n), 0.0][None, :],
                  b_eq=[prob.length], bounds=[(0, 1)] * n + [(0, None)], method="highs")
    if res.status != 0:
        return None
    return idx, res.x[:n], np.asarray(res.lower.marginals)[:n], float(-res.fun)

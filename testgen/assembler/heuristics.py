"""Cheap helpers around the exact model: dominance pruning and swap polishing (numpy only)."""

from __future__ import annotations

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

    def run(self, members: np.ndarray, anchors: np.ndarray, used: np.ndarray, max_iter: int = 200) -> np.ndarray:
        """Improve one form. `members`: its non-anchor items; `used`: (n,) items in any form or the anchor block."""
        p = self.prob
        if p.kind not in ("minimax", "maximin", "cut"):
            return members
        members = np.array(members, dtype=int)
        used = used.copy()
        content = np.concatenate([members, np.asarray(anchors, dtype=int)])
        tif = p.info[content].sum(axis=0)
        best = self.score(tif[None, :])[0]
        for _ in range(max_iter):
            inside = np.zeros(p.n_items)
            inside[members] = 1
            inside[np.asarray(anchors, dtype=int)] = 1
            hits = self.adj @ inside if self.adj is not None else None
            totals = [(q, lo, hi, q[members].sum() + q[np.asarray(anchors, dtype=int)].sum())
                      for _n, q, lo, hi, _l in p.quantities]
            outs, ins = [], []
            for o in members[self.swappable[members]]:
                cand = self.groups.get(int(self.sig[o]))
                if cand is None:
                    continue
                cand = cand[~used[cand]]
                if hits is not None and len(cand):
                    own = np.asarray(self.adj[o, cand].todense()).ravel() if len(cand) else 0
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
            if not outs:
                break
            outs_a, ins_a = np.concatenate(outs), np.concatenate(ins)
            if not len(ins_a):
                break
            new_tif = tif[None, :] - p.info[outs_a] + p.info[ins_a]
            sc = self.score(new_tif)
            k = int(np.argmin(sc))
            if sc[k] >= best - 1e-12:
                break
            o, i = int(outs_a[k]), int(ins_a[k])
            members[members == o] = i
            used[i] = True
            tif = new_tif[k]
            best = sc[k]
        return members

"""Standard errors of MML estimates: observed information by Oakes' identity, or the cross-product.

* ``oakes``: the observed-data score equals the posterior expectation of the complete-data score
  (Fisher's identity; Oakes 1999, JRSS B 61, 479–482), computed analytically from one E-step; its
  Jacobian, by central differences of that analytic score, is the observed information matrix.
  Accurate; costs two E-steps per free parameter.
* ``xpd``: the sum over persons of the outer products of each person's score (cross-product,
  "XPD"), one pass over the data; consistent but noisier in small samples. Used for large problems.

Priors (3PL) add their negative Hessian, so the SEs are those of the posterior mode.
Item SEs are carried to the reported (a, b, c, thresholds) by the delta method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from psychometrics.irt import _engine as eng

OAKES_BUDGET = 3e8        # free parameters × rows × columns × nodes below which Oakes is used


@dataclass(frozen=True)
class FreeMap:
    """Free parameters as columns of T: full packed vector = start + T @ free."""

    t: np.ndarray              # (n_full, n_free)
    names: list[tuple]         # ("item", j, col) or ("mean", g) / ("logsd", g)


def free_map(blocks: list[eng.Block], latent: eng.LatentSpec) -> FreeMap:
    n_full = sum(b.psi.size for b in blocks) + 2 * latent.free_mean.size
    cols: list[np.ndarray] = []
    names: list[tuple] = []
    pos = 0
    for b in blocks:
        m, p = b.psi.shape
        fc = b.family.free_columns()
        if b.common_slope and b.free.any():
            col = np.zeros(n_full)
            col[pos + np.flatnonzero(b.free) * p] = 1.0
            cols.append(col)
            names.append(("slope", int(b.items[np.flatnonzero(b.free)[0]]), 0))
            fc = fc.copy()
            fc[0] = False
        for i in np.flatnonzero(b.free):
            for c in np.flatnonzero(fc):
                col = np.zeros(n_full)
                col[pos + i * p + c] = 1.0
                cols.append(col)
                names.append(("item", int(b.items[i]), int(c)))
        pos += m * p
    g = latent.free_mean.size
    for k in range(g):
        if latent.free_mean[k]:
            col = np.zeros(n_full)
            col[pos + k] = 1.0
            cols.append(col)
            names.append(("mean", k))
    for k in range(g):
        if latent.free_var[k]:
            col = np.zeros(n_full)
            col[pos + g + k] = 1.0
            cols.append(col)
            names.append(("logsd", k))
    t = np.stack(cols, axis=1) if cols else np.zeros((n_full, 0))
    return FreeMap(t, names)


def observed_score(data, lay, blocks, x, w, mu, sigma, pool=None) -> np.ndarray | None:
    """Gradient of the marginal log-likelihood (+ log prior) w.r.t. the full packed vector."""
    est = eng.e_step(data, lay, blocks, x, w, mu, sigma, pool)
    if est is None:
        return None
    g_nodes = (mu[:, None] + sigma[:, None] * x[None, :]).ravel()
    parts = []
    for blk, cnt in zip(blocks, est.counts, strict=True):
        grad, _ = blk.family.gradient_info(blk.psi, g_nodes, cnt)
        parts.append(grad.ravel())
    s_mu = est.node_totals @ x / sigma
    s_ls = est.node_totals @ (x**2 - 1.0)
    return np.concatenate(parts + [s_mu, s_ls])


def prior_information(blocks: list[eng.Block], n_groups: int) -> np.ndarray:
    mats = []
    for b in blocks:
        _, h = b.family.prior_grad_info(b.psi)
        mats.append(h)
    n_full = sum(b.psi.size for b in blocks) + 2 * n_groups
    out = np.zeros((n_full, n_full))
    pos = 0
    for b, h in zip(blocks, mats, strict=True):
        m, p = b.psi.shape
        for i in range(m):
            out[pos + i * p:pos + (i + 1) * p, pos + i * p:pos + (i + 1) * p] = h[i]
        pos += m * p
    return out


def oakes_information(data, lay, blocks, x, w, mu, sigma, fmap: FreeMap, h: float = 1e-5,
                      pool=None) -> np.ndarray:
    base = eng.pack(blocks, mu, sigma)
    n_free = fmap.t.shape[1]
    hess = np.zeros((n_free, n_free))
    try:
        for f in range(n_free):
            sides = []
            for sign in (1.0, -1.0):
                mu_v, sig_v = eng.unpack(base + sign * h * fmap.t[:, f], blocks)
                s = observed_score(data, lay, blocks, x, w, mu_v, sig_v, pool)
                if s is None:
                    raise FloatingPointError
                sides.append(fmap.t.T @ s)
            hess[:, f] = (sides[0] - sides[1]) / (2 * h)
    finally:
        eng.unpack(base, blocks)
    return -(hess + hess.T) / 2


def xpd_information(data, lay, blocks, x, w, mu, sigma, fmap: FreeMap, pool=None) -> np.ndarray:
    """Σ_persons s_i s_iᵀ of each person's observed-data score, in chunks (on `pool` when given)."""
    n_free = fmap.t.shape[1]
    n_groups = mu.size
    dt = lay.y.dtype
    n_items = data.codes.shape[1]
    tabs = [eng._group_tables(blocks, x, w, mu[g], sigma[g], n_items, lay.n_cols, dt) for g in range(n_groups)]
    derivs = []
    for g in range(n_groups):
        nodes = mu[g] + sigma[g] * x
        derivs.append([b.family.logp_and_derivs(b.psi, nodes)[1].astype(dt) for b in blocks])  # (m, K, p, Q)
    n_item_full = sum(b.psi.size for b in blocks)
    members = [np.flatnonzero(fmap.t[:, f]) for f in range(n_free)]
    single = np.array([m[0] for m in members if m.size == 1])
    single_cols = np.array([f for f, m in enumerate(members) if m.size == 1])
    tied = [(f, m) for f, m in enumerate(members) if m.size > 1]          # a common slope
    codes = data.codes
    per_row = max(sum(d.size // d.shape[-1] for d in derivs[0]), fmap.t.shape[0])
    sub = max(64, 1_000_000 // per_row)                  # rows per block: bounds the score arrays
    xq, x2 = x.astype(dt), (x**2 - 1.0).astype(dt)

    def work(task):
        g, s0, e0 = task
        post_all, _ = eng._chunk_posterior(lay, tabs[g], s0, e0)
        part = np.zeros((n_free, n_free))
        for s in range(s0, e0, sub):
            e = min(e0, s + sub)
            post = post_all[s - s0:e - s0]
            rows = e - s
            score = np.zeros((rows, fmap.t.shape[0]), dt)
            pos = 0
            for bi, b in enumerate(blocks):
                d = derivs[g][bi]
                m, k, p, q = d.shape
                a = (post @ d.reshape(m * k * p, q).T).reshape(rows, m, k, p)
                cc = codes[s:e][:, b.items]
                sel = np.zeros((rows, m, p), dt)
                for cat in range(k):                    # categories, not persons
                    sel += (cc == cat)[:, :, None] * a[:, :, cat, :]
                score[:, pos:pos + m * p] = sel.reshape(rows, m * p)
                pos += m * p
            score[:, n_item_full + g] = post @ xq / dt.type(sigma[g])
            score[:, n_item_full + n_groups + g] = post @ x2
            sf = np.empty((rows, n_free), dt)
            if single.size:
                sf[:, single_cols] = score[:, single]
            for f, mem in tied:
                sf[:, f] = score[:, mem].sum(axis=1)
            part += ((sf * lay.freq[s:e, None].astype(dt)).T @ sf).astype(np.float64)
        return part

    tasks = eng._tasks(data, lay, x.size, 2 if pool is not None else 1)
    results = pool.map(work, tasks) if pool is not None and len(tasks) > 1 else map(work, tasks)
    info = np.zeros((n_free, n_free))
    for part in results:
        info += part
    return info


def covariance(info: np.ndarray) -> np.ndarray:
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        cov = np.linalg.pinv(info)
    if np.any(np.diag(cov) < 0):
        cov = np.linalg.pinv(info)
    return cov


def item_standard_errors(blocks: list[eng.Block], fmap: FreeMap, cov: np.ndarray, n_items: int,
                         width: int, h: float = 1e-6):
    """Delta-method SEs of a, b, c and thresholds for every item (NaN where not estimated)."""
    se_a, se_b, se_c = (np.full(n_items, np.nan) for _ in range(3))
    se_thr = np.full((n_items, width), np.nan)
    pos = 0
    for b in blocks:
        m, p = b.psi.shape
        tb = fmap.t[pos:pos + m * p].reshape(m, p, -1)
        cov_b = np.einsum("mpf,fg,msg->mps", tb, cov, tb)
        jac = _reported_jacobian(b, h)
        var = np.einsum("mop,mps,mos->mo", jac, cov_b, jac)
        se = np.where(var > 1e-300, np.sqrt(np.abs(var)), np.nan)
        se_a[b.items], se_b[b.items], se_c[b.items] = se[:, 0], se[:, 1], se[:, 2]
        k1 = se.shape[1] - 3
        se_thr[b.items, :k1] = se[:, 3:]
        pos += m * p
    return se_a, se_b, se_c, se_thr


def _reported_jacobian(b: eng.Block, h: float) -> np.ndarray:
    """d(reported a, b, c, thresholds)/d(block parameters) per item, by central differences: (m, outputs, p)."""
    p = b.psi.shape[1]
    base = _flat_irt(b, b.psi)
    jac = np.zeros(base.shape + (p,))
    for c in range(p):  # p is a handful of parameters per item; every item at once in each step
        up, dn = b.psi.copy(), b.psi.copy()
        up[:, c] += h
        dn[:, c] -= h
        jac[:, :, c] = (_flat_irt(b, up) - _flat_irt(b, dn)) / (2 * h)
    return np.nan_to_num(jac)


def reported_covariance(blocks: list[eng.Block], fmap: FreeMap, cov: np.ndarray, n_items: int,
                        width: int, h: float = 1e-6) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Covariance of every estimated reported parameter (a, b, c, thresholds), items and across items.

    The delta method with the whole free-parameter covariance: J Σ Jᵀ, where J carries the free
    parameters to the reported ones (the per-item Jacobian of `reported`, by central differences, times
    the free map).  Returns ``(item, column)`` of each row, column 0 a, 1 b, 2 c, 3 + k threshold k + 1,
    in item-major order, and the matrix.  Parameters fixed (anchors, c of a 2PL) are left out.
    """
    rows_j: list[np.ndarray] = []
    labels: list[tuple[int, int]] = []
    pos = 0
    for b in blocks:
        m, p = b.psi.shape
        tb = fmap.t[pos:pos + m * p].reshape(m, p, -1)
        base = _flat_irt(b, b.psi)
        full = np.einsum("mop,mpf->mof", _reported_jacobian(b, h), tb)      # (m, outputs, n_free)
        n_out = 3 if b.family.kind == "dich" else min(full.shape[1], 3 + width)   # thresholds: polytomous only
        for i in range(m):
            for o in range(n_out):
                if np.isfinite(base[i, o]) and np.any(full[i, o] != 0.0):
                    rows_j.append(full[i, o])
                    labels.append((int(b.items[i]), o))
        pos += m * p
    if not rows_j:
        return [], np.zeros((0, 0))
    order = sorted(range(len(labels)), key=lambda k: labels[k])
    jm = np.stack([rows_j[k] for k in order])
    out = jm @ cov @ jm.T
    return [labels[k] for k in order], 0.5 * (out + out.T)


def reported(b: eng.Block, psi: np.ndarray):
    """(a, b, c, thresholds) as reported; a rescaled Rasch/PCM block is shown with a = 1."""
    if b.rescale:
        psi = psi.copy()
        psi[:, 0] = 1.0
    return b.family.to_irt(psi)


def _flat_irt(b: eng.Block, psi: np.ndarray) -> np.ndarray:
    a, bb, c, thr = reported(b, psi)
    return np.column_stack([a, bb, c, thr])

"""Bock–Aitkin EM for unidimensional IRT: E-step as chunked matrix products, SQUAREM acceleration.

The E-step never loops over persons: for one group with quadrature nodes θ_q,

    log L[i, q] = Y[i] · (log P_k − log P_0)[:, q] + M[i] · log P_0[:, q]

with Y the persons × (item, category ≥ 1) indicator matrix and M the observed-cell mask, then
posterior weights, then expected counts Yᵀ·post and Mᵀ·post: four BLAS products per chunk of persons.
Multiple groups each get their own normal prior N(μ_g, σ_g²) through their own nodes μ_g + σ_g x_q
(x_q, w_q: Gauss–Hermite for N(0, 1)), so every group's integral stays accurate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from psychometrics.irt._data import ResponseData
from psychometrics.irt._families import Family

CHUNK_CELLS = 2_000_000          # rows per chunk × columns: bounds the E-step's working memory


def gauss_hermite(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights for E f(θ), θ ~ N(0, 1).

    Nodes whose weight is below 1e-12 of the largest are dropped (|x| > 7 for 61 nodes): a person's
    likelihood is at most 1, so their share of any posterior integral stays below about 1e-9 while
    the E-step gets 40 % cheaper. The spacing of the central nodes, which sets the accuracy for long
    tests, is that of the full `n`-point rule.
    """
    x, w = hermegauss(n)
    w = w / w.sum()
    keep = w > 1e-12 * w.max()
    return x[keep], w[keep] / w[keep].sum()


def grid_rule(n: int, half_width: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    """R mirt's rule for E f(θ), θ ~ N(0, 1): `n` equally spaced nodes on ±`half_width`, normal weights.

    For informative tests (posterior SDs of 0.15–0.2) its even spacing integrates the likelihood
    better than Gauss–Hermite with as many nodes, whose central nodes are about 0.35 apart at 61.
    """
    x = np.linspace(-half_width, half_width, n)
    w = np.exp(-0.5 * x**2)
    return x, w / w.sum()


@dataclass
class Block:
    """Items of one family: internal parameters and which items are anchors."""

    family: Family
    items: np.ndarray                 # item indices (n_items order)
    psi: np.ndarray                   # (m, p)
    free: np.ndarray                  # (m,) bool: estimated (False = fixed anchor)
    common_slope: bool = False
    rescale: bool = False             # Rasch/PCM fitted with a common slope, reported with a = 1
    cols: np.ndarray = field(default=None)   # (m, K-1) column of each (item, category ≥ 1) in Y


@dataclass
class Layout:
    """Design matrices in the working dtype."""

    y: np.ndarray                     # (rows, C) indicator of category k ≥ 1
    mask: np.ndarray | None           # (rows, J) observed, None when nothing is missing
    freq: np.ndarray
    n_cols: int


def build_layout(data: ResponseData, blocks: list[Block], dtype) -> Layout:
    codes = data.codes
    n_cols = int(np.sum(data.n_cat - 1))
    start = np.concatenate([[0], np.cumsum(data.n_cat - 1)])
    for blk in blocks:
        k = blk.family.n_cat
        blk.cols = start[blk.items][:, None] + np.arange(k - 1)[None, :]
    if np.all(data.n_cat == 2):
        y = (codes == 1).astype(dtype)
    else:
        y = np.zeros((codes.shape[0], n_cols), dtype)
        for k in range(1, int(data.n_cat.max())):
            items = np.flatnonzero(data.n_cat > k)
            y[:, start[items] + k - 1] = codes[:, items] == k
    mask = (codes >= 0).astype(dtype) if data.has_missing else None
    return Layout(y, mask, data.freq, n_cols)


@dataclass
class EStep:
    log_likelihood: float
    counts: list[np.ndarray]          # per block: (m, K, G·Q) expected category counts
    node_totals: np.ndarray           # (G, Q) expected persons at each node


def tables(blocks: list[Block], nodes: np.ndarray, n_items: int, n_cols: int):
    """log P_0 (J, Q) and log P_k − log P_0 (C, Q) at the given nodes; None if any is invalid."""
    l0 = np.empty((n_items, nodes.size))
    ld = np.empty((n_cols, nodes.size))
    for blk in blocks:
        logp = blk.family.logp_and_derivs(blk.psi, nodes, derivs=False)
        if not np.all(np.isfinite(logp)):
            return None
        l0[blk.items] = logp[:, 0]
        ld[blk.cols.ravel()] = (logp[:, 1:] - logp[:, :1]).reshape(-1, nodes.size)
    return l0, ld


class _InvalidParameters(Exception):
    """Parameters outside the model's domain (e.g. disordered GRM intercepts after extrapolation)."""


@dataclass
class _GroupTables:
    ld: np.ndarray          # (C, Q) working dtype
    l0: np.ndarray          # (J, Q)
    base: np.ndarray        # (Q,) Σ_j log P_0 + log w, for complete data
    logw: np.ndarray


def _group_tables(blocks, x, w, mu_g, sig_g, n_items, n_cols, dt) -> _GroupTables:
    tb = tables(blocks, mu_g + sig_g * x, n_items, n_cols)
    if tb is None:
        raise _InvalidParameters
    l0, ld = tb
    logw = np.log(w)
    return _GroupTables(ld.astype(dt), l0.astype(dt), (l0.sum(axis=0) + logw).astype(dt), logw.astype(dt))


def _chunk_posterior(lay: Layout, t: _GroupTables, s: int, e: int):
    """Posterior over the nodes (rows, Q) and log marginal likelihood (rows,) of rows s:e."""
    lg = lay.y[s:e] @ t.ld
    if lay.mask is not None:
        lg += lay.mask[s:e] @ t.l0
        lg += t.logw
    else:
        lg += t.base
    mx = lg.max(axis=1, keepdims=True)
    lg -= mx
    # keep exp() out of the subnormal range, where arithmetic is ~20x slower; the clipped terms are
    # below 1e-32 of the largest one
    np.maximum(lg, -75.0 if lg.dtype == np.float32 else -700.0, out=lg)
    np.exp(lg, out=lg)
    tot = lg.sum(axis=1).astype(np.float64)
    lg /= tot.astype(lg.dtype)[:, None]
    return lg, np.log(tot) + mx[:, 0].astype(np.float64)


def _tasks(data: ResponseData, lay: Layout, q: int, n_threads: int) -> list[tuple[int, int, int]]:
    """(group, start, stop) chunks: bounded memory, and at least one chunk per thread when it pays."""
    width = max(lay.n_cols, q, 1)
    out = []
    for g, sl in enumerate(data.group_slices):
        rows = sl.stop - sl.start
        step = max(256, CHUNK_CELLS // width)
        if rows >= 4096 and n_threads > 1:
            step = min(step, -(-rows // n_threads))
        out += [(g, s, min(sl.stop, s + step)) for s in range(sl.start, sl.stop, step)]
    return out


def posterior_chunks(data: ResponseData, lay: Layout, blocks: list[Block], x: np.ndarray, w: np.ndarray,
                     mu: np.ndarray, sigma: np.ndarray):
    """Yield (group, start, stop, posterior (rows, Q), log marginal likelihood (rows,)) chunk by chunk."""
    n_items = data.codes.shape[1]
    tabs = [_group_tables(blocks, x, w, mu[g], sigma[g], n_items, lay.n_cols, lay.y.dtype)
            for g in range(mu.size)]
    for g, s, e in _tasks(data, lay, x.size, 1):
        post, lrow = _chunk_posterior(lay, tabs[g], s, e)
        yield g, s, e, post, lrow


def e_step(data: ResponseData, lay: Layout, blocks: list[Block], x: np.ndarray, w: np.ndarray,
           mu: np.ndarray, sigma: np.ndarray, pool=None) -> EStep | None:
    """Expected counts and the marginal log-likelihood at the current parameters (None if invalid).

    Chunks run on `pool` (a thread pool: matrix products and exp release the GIL) and their sums
    are added in chunk order, so results do not depend on the number of threads' timing.
    """
    n_items, q, n_groups = data.codes.shape[1], x.size, len(data.group_slices)
    try:
        tabs = [_group_tables(blocks, x, w, mu[g], sigma[g], n_items, lay.n_cols, lay.y.dtype)
                for g in range(n_groups)]
    except _InvalidParameters:
        return None

    def work(task):
        g, s, e = task
        post, lrow = _chunk_posterior(lay, tabs[g], s, e)
        fr = lay.freq[s:e]
        post *= fr.astype(post.dtype)[:, None]
        r = lay.y[s:e].T @ post
        n = lay.mask[s:e].T @ post if lay.mask is not None else None
        return g, float(fr @ lrow), r, n, post.sum(axis=0)

    tasks = _tasks(data, lay, q, 2 if pool is not None else 1)
    results = pool.map(work, tasks) if pool is not None and len(tasks) > 1 else map(work, tasks)
    r_all = np.zeros((lay.n_cols, n_groups * q))
    n_all = np.zeros((n_items, n_groups * q))
    node_tot = np.zeros((n_groups, q))
    ll = 0.0
    for g, ll_c, r, n, nt in results:
        cols = slice(g * q, (g + 1) * q)
        ll += ll_c
        r_all[:, cols] += r
        node_tot[g] += nt
        if n is not None:
            n_all[:, cols] += n
    if lay.mask is None:
        for g in range(n_groups):
            n_all[:, g * q:(g + 1) * q] = node_tot[g][None, :]
    if not np.isfinite(ll):
        return None
    counts = []
    for blk in blocks:
        rk = r_all[blk.cols]                                                   # (m, K-1, GQ)
        r0 = n_all[blk.items] - rk.sum(axis=1)
        counts.append(np.concatenate([np.maximum(r0, 0.0)[:, None], rk], axis=1))
    return EStep(ll, counts, node_tot)


# --- parameter vector used by SQUAREM: every block's psi, then μ and log σ of every group ---------
def pack(blocks: list[Block], mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    return np.concatenate([b.psi.ravel() for b in blocks] + [mu, np.log(sigma)])


def unpack(vec: np.ndarray, blocks: list[Block]) -> tuple[np.ndarray, np.ndarray]:
    pos = 0
    for b in blocks:
        n = b.psi.size
        b.psi = vec[pos:pos + n].reshape(b.psi.shape).copy()
        pos += n
    g = (vec.size - pos) // 2
    return vec[pos:pos + g].copy(), np.exp(vec[pos + g:])


@dataclass
class LatentSpec:
    free_mean: np.ndarray             # (G,) bool
    free_var: np.ndarray              # (G,) bool


def m_step(est: EStep, blocks: list[Block], x: np.ndarray, mu: np.ndarray, sigma: np.ndarray,
           latent: LatentSpec) -> tuple[np.ndarray, np.ndarray]:
    g_nodes = (mu[:, None] + sigma[:, None] * x[None, :]).ravel()
    for blk, cnt in zip(blocks, est.counts, strict=True):
        blk.psi = blk.family.mstep(blk.psi, g_nodes, cnt, blk.free, blk.common_slope)
    mu_new, sigma_new = mu.copy(), sigma.copy()
    for g in range(mu.size):
        nt = est.node_totals[g]
        theta = mu[g] + sigma[g] * x
        tot = nt.sum()
        m = nt @ theta / tot
        if latent.free_mean[g]:
            mu_new[g] = m
        if latent.free_var[g]:
            centre = mu_new[g]
            sigma_new[g] = np.sqrt(max(nt @ (theta - centre) ** 2 / tot, 1e-4))
    return mu_new, sigma_new


@dataclass
class EMResult:
    log_likelihood: float
    n_iter: int
    n_estep: int
    converged: bool
    history: list[tuple[int, float, float, int]]


def run_em(data, lay, blocks, x, w, mu, sigma, latent, max_iter: int, tol: float,
           accelerate: bool = True, pool=None) -> tuple[EMResult, np.ndarray, np.ndarray]:
    """EM to convergence (max |EM step| < tol on the internal parameters), SQUAREM-3 accelerated.

    Varadhan, R., & Roland, C. (2008). Simple and globally convergent methods for accelerating the
    convergence of any EM algorithm. Scandinavian Journal of Statistics, 35(2), 335–353.
    """
    n_estep = 0

    def em_map(vec):
        nonlocal n_estep
        mu_v, sig_v = unpack(vec, blocks)
        est = e_step(data, lay, blocks, x, w, mu_v, sig_v, pool)
        n_estep += 1
        if est is None or not np.isfinite(est.log_likelihood):
            return None, -np.inf
        mu_n, sig_n = m_step(est, blocks, x, mu_v, sig_v, latent)
        return pack(blocks, mu_n, sig_n), est.log_likelihood

    x0 = pack(blocks, mu, sigma)
    history: list[tuple[int, float, float, int]] = []
    converged = False
    ll = -np.inf
    it = 0
    step_max, step_max0, m_step_grow = 1.0, 1.0, 4.0
    # single-precision products carry ~1e-7 relative noise in the log-likelihood
    slack = 1e-9 if lay.y.dtype == np.float64 else 1e-6
    for it in range(1, max_iter + 1):
        x1, ll0 = em_map(x0)
        if x1 is None:
            break
        change = float(np.max(np.abs(x1 - x0)))
        ll = ll0
        history.append((it, ll0, change, n_estep))
        if change < tol:
            x0 = x1
            converged = True
            break
        if not accelerate:
            x0 = x1
            continue
        x2, ll1 = em_map(x1)
        if x2 is None:
            x0 = x1
            continue
        r = x1 - x0
        v = (x2 - x1) - r
        vv = float(v @ v)
        alpha = np.sqrt(float(r @ r) / vv) if vv > 0 else 1.0
        alpha = max(1.0, min(step_max, alpha))
        x_new = x0 + 2 * alpha * r + alpha**2 * v
        x3, ll_new = em_map(x_new)            # stabilising EM step from the extrapolated point
        if x3 is None or not ll_new >= ll1 - slack * abs(ll1):
            x0 = x2
            if alpha == step_max:
                step_max = max(step_max0, step_max / m_step_grow)
        else:
            x0 = x3
            if alpha == step_max:
                step_max *= m_step_grow
    mu_f, sig_f = unpack(x0, blocks)
    return EMResult(ll, it, n_estep, converged, history), mu_f, sig_f

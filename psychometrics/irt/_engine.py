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


def posterior_chunks(data: ResponseData, lay: Layout, blocks: list[Block], x: np.ndarray, w: np.ndarray,
                     mu: np.ndarray, sigma: np.ndarray):
    """Yield (group, start, stop, posterior (rows, Q), log marginal likelihood (rows,)) chunk by chunk.

    Yields nothing and returns False when a parameter value makes a probability invalid.
    """
    n_items, q = data.codes.shape[1], x.size
    dt = lay.y.dtype
    logw = np.log(w)
    width = max(lay.n_cols, q, 1)
    step = max(256, CHUNK_CELLS // width)
    for g, sl in enumerate(data.group_slices):
        tb = tables(blocks, mu[g] + sigma[g] * x, n_items, lay.n_cols)
        if tb is None:
            raise _InvalidParameters
        l0, ld = tb
        ld_t, l0_t = ld.astype(dt), l0.astype(dt)
        base = (l0.sum(axis=0) + logw).astype(dt)
        logw_t = logw.astype(dt)
        floor = -75.0 if dt == np.float32 else -700.0
        for s in range(sl.start, sl.stop, step):
            e = min(sl.stop, s + step)
            lg = lay.y[s:e] @ ld_t
            if lay.mask is not None:
                lg += lay.mask[s:e] @ l0_t
                lg += logw_t
            else:
                lg += base
            mx = lg.max(axis=1, keepdims=True)
            lg -= mx
            # keep exp() out of the subnormal range, where arithmetic is ~20× slower; the clipped
            # terms are below 1e-32 of the largest one
            np.maximum(lg, floor, out=lg)
            np.exp(lg, out=lg)
            tot = lg.sum(axis=1).astype(np.float64)
            lg /= tot.astype(dt)[:, None]
            yield g, s, e, lg, np.log(tot) + mx[:, 0].astype(np.float64)


class _InvalidParameters(Exception):
    """Parameters outside the model's domain (e.g. disordered GRM intercepts after extrapolation)."""


def e_step(data: ResponseData, lay: Layout, blocks: list[Block], x: np.ndarray, w: np.ndarray,
           mu: np.ndarray, sigma: np.ndarray) -> EStep | None:
    """Expected counts and the marginal log-likelihood at the current parameters (None if invalid)."""
    n_items, q, n_groups = data.codes.shape[1], x.size, len(data.group_slices)
    dt = lay.y.dtype
    r_all = np.zeros((lay.n_cols, n_groups * q))
    n_all = np.zeros((n_items, n_groups * q))
    node_tot = np.zeros((n_groups, q))
    r_g = np.zeros((lay.n_cols, q), dt)
    n_g = np.zeros((n_items, q), dt)
    ll = 0.0
    current = 0
    try:
        for g, s, e, post, lrow in posterior_chunks(data, lay, blocks, x, w, mu, sigma):
            if g != current:
                _store(r_all, n_all, node_tot, r_g, n_g, current, q, lay.mask is not None)
                r_g[:], n_g[:] = 0, 0
                current = g
            fr = lay.freq[s:e]
            ll += float(fr @ lrow)
            post *= fr.astype(dt)[:, None]
            r_g += lay.y[s:e].T @ post
            if lay.mask is not None:
                n_g += lay.mask[s:e].T @ post
            node_tot[g] += post.sum(axis=0)
    except _InvalidParameters:
        return None
    _store(r_all, n_all, node_tot, r_g, n_g, current, q, lay.mask is not None)
    counts = []
    for blk in blocks:
        rk = r_all[blk.cols]                                                   # (m, K-1, GQ)
        r0 = n_all[blk.items] - rk.sum(axis=1)
        counts.append(np.concatenate([np.maximum(r0, 0.0)[:, None], rk], axis=1))
    return EStep(ll, counts, node_tot)


def _store(r_all, n_all, node_tot, r_g, n_g, g, q, has_mask):
    r_all[:, g * q:(g + 1) * q] = r_g
    n_all[:, g * q:(g + 1) * q] = n_g if has_mask else node_tot[g][None, :]


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
           accelerate: bool = True) -> tuple[EMResult, np.ndarray, np.ndarray]:
    """EM to convergence (max |EM step| < tol on the internal parameters), SQUAREM-3 accelerated.

    Varadhan, R., & Roland, C. (2008). Simple and globally convergent methods for accelerating the
    convergence of any EM algorithm. Scandinavian Journal of Statistics, 35(2), 335–353.
    """
    n_estep = 0

    def em_map(vec):
        nonlocal n_estep
        mu_v, sig_v = unpack(vec, blocks)
        est = e_step(data, lay, blocks, x, w, mu_v, sig_v)
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

"""IRT likelihood-ratio DIF (Thissen, Steinberg & Wainer 1993)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import chi2

from psychometrics.dif._data import (
    _focal_mask,
    _item_ids,
)
from psychometrics.dif.lord import (
    IRTDIFResult,
)


def likelihood_ratio_dif(
    log_likelihood_constrained: float,
    log_likelihood_free: ArrayLike,
    df: ArrayLike,
    item_ids: Sequence[str] = (),
) -> IRTDIFResult:
    """IRT likelihood-ratio DIF (Thissen, Steinberg & Wainer 1993) from multiple-group calibrations.

    G²_j = 2 (log L_free,j − log L_constrained): the constrained model holds every item equal across
    the groups (group means and variances free); model j frees item j's parameters in the focal group.

    Parameters
    ----------
    log_likelihood_constrained : float
    log_likelihood_free : array_like (n_items,)
    df : array_like (n_items,)
        Parameters freed for each item.
    item_ids : sequence of str

    Returns
    -------
    IRTDIFResult
    """
    free = np.asarray(log_likelihood_free, float)
    dfs = np.broadcast_to(np.asarray(df, dtype=np.int64), free.shape).copy()
    g2 = np.maximum(2.0 * (free - float(log_likelihood_constrained)), 0.0)
    return IRTDIFResult(_item_ids(item_ids, free.size), "IRT likelihood ratio", g2, dfs, chi2.sf(g2, dfs))


def irt_likelihood_ratio(
    responses: ArrayLike,
    group: ArrayLike,
    focal: Any = 1,
    model: str = "2pl",
    *,
    items: Sequence[int] | None = None,
    n_quadrature: int = 61,
    item_ids: Sequence[str] = (),
) -> IRTDIFResult:
    """IRT likelihood-ratio DIF (Thissen, Steinberg & Wainer 1993) by two-group MML calibrations.

    The constrained model holds every item equal in both groups (the focal mean and variance are
    free); for item j the free model splits j into a reference-only and a focal-only column, so the
    item has its own parameters in each group and nothing else changes.
    G²_j = 2 (log L_free,j − log L_constrained), df = the item's parameters.
    For 2PL, 3PL, GRM and GPCM each free model starts from the constrained estimates, with item j's
    two columns first fitted by EM of their own while every other item and the groups stay at the
    constrained values (the persons' likelihood of the other items is computed once for all studied
    items, so this costs a few passes over one column); the EM over all parameters then usually
    stops after one E-step: the same maximum to EM's tolerance at a fraction of a full EM's cost.

    Parameters
    ----------
    responses : array_like (n_persons, n_items)
    group : array_like (n_persons,)
    focal : label of the focal group
    model : str
        Calibration model (see `calibrate`).
    items : sequence of int, optional
        Items to test (default all); each costs one calibration.
    n_quadrature : int
    item_ids : sequence of str

    Returns
    -------
    IRTDIFResult
    """
    from psychometrics.irt.calibration import calibrate

    x = np.asarray(responses, float)
    is_focal, keep = _focal_mask(group, focal, x.shape[0])
    x, is_focal = x[keep], is_focal[keep]
    labels = np.where(is_focal, 1, 0)
    m = x.shape[1]
    tested = list(range(m)) if items is None else [int(j) for j in items]
    ids = _item_ids(item_ids, m)
    base = calibrate(x, model, groups=labels, n_quadrature=n_quadrature, standard_errors="none")
    n_par = {"rasch": 1, "1pl": 1, "2pl": 2, "3pl": 3, "pcm": 0, "grm": 1, "gpcm": 1}
    warm = model in WARM_MODELS
    start = _ItemStart(x, labels, model, base, n_quadrature) if warm else None
    loglik, df = [], []
    for j in tested:  # one free model per studied item
        col = x[:, j]
        split = np.column_stack(
            [np.delete(x, j, axis=1), np.where(is_focal, np.nan, col), np.where(is_focal, col, np.nan)]
        )
        if warm:  # item j's two columns fitted first with everything else held, then EM over all
            order = np.r_[np.delete(np.arange(m), j), j, j]
            loglik.append(_warm_log_likelihood(split, labels, model, base, order, n_quadrature,
                                               start_psi=start.free_item(j)))
        else:
            free = calibrate(split, model, groups=labels, n_quadrature=n_quadrature, standard_errors="none")
            loglik.append(free.log_likelihood)
        k = int(np.nanmax(col)) if model in ("grm", "gpcm", "pcm") else 0
        df.append(n_par[model] + k)
    return likelihood_ratio_dif(base.log_likelihood, loglik, df, [ids[j] for j in tested])


#: Models whose free calibrations start from the constrained one (Rasch, 1PL and PCM keep calibrate's
#: own scale handling and start cold).
WARM_MODELS = ("2pl", "3pl", "grm", "gpcm")


def _warm_log_likelihood(split: np.ndarray, labels: np.ndarray, model: str, base, order: np.ndarray,
                         n_quadrature: int, max_iter: int = 500, tol: float = 1e-4,
                         start_psi: tuple[int, np.ndarray] | None = None) -> float:
    """Maximised log-likelihood of the free model by the same EM as `calibrate`, started at `base`.

    Column c of `split` starts at item ``order[c]`` of the constrained calibration and the groups at
    its means and SDs, so EM needs a few cycles instead of a cold start's dozens; the model, priors,
    quadrature, precision and stopping rule are calibrate's. `start_psi` = (K, (2, p) internal
    parameters) starts the last two columns (the studied item's reference and focal columns) there
    when they have K categories. The log-likelihood returned is the one of EM's last E-step (within
    EM's tolerance of the maximum, as the step that stopped it moved no parameter by more than tol).
    """
    import warnings

    from psychometrics.errors import ConvergenceWarning
    from psychometrics.irt import _engine as eng
    from psychometrics.irt._data import prepare, to_codes
    from psychometrics.irt._families import make_family
    from psychometrics.irt.calibration import _compute_threads, _dtype, _model_priors, _priors

    codes = to_codes(split, ())
    data = prepare(codes, labels, [model] * codes.shape[1], ())
    pri, default_priors = _priors("default")
    p = base.params
    blocks = []  # one block per category count, as calibrate's, with the constrained values as start
    for k in np.unique(data.n_cat):
        items = np.flatnonzero(data.n_cat == k)
        fam = make_family(model, int(k), _model_priors(model, pri, default_priors))
        src = order[items]
        psi = fam.from_irt(p.a[src], p.b[src], p.c[src], p.thresholds[src])
        if start_psi is not None and start_psi[0] == int(k):
            last = codes.shape[1] - 2
            for pos in np.flatnonzero(items >= last):
                psi[pos] = start_psi[1][items[pos] - last]
        blocks.append(eng.Block(fam, items, psi, np.ones(items.size, bool)))
    n_groups = len(data.group_slices)
    latent = eng.LatentSpec(np.arange(n_groups) > 0, np.arange(n_groups) > 0)
    nodes, weights = eng.gauss_hermite(n_quadrature)
    lay = eng.build_layout(data, blocks, _dtype("auto", data, tol))
    mu, sigma = np.asarray(base.group_means, float).copy(), np.sqrt(np.asarray(base.group_variances, float))
    with _compute_threads(data.codes.shape[0]) as pool:
        if start_psi is not None:  # from the studied item's own fit: plain EM until the likelihood settles
            settled = _settle(data, lay, blocks, nodes, weights, mu, sigma, latent, pool)
            if settled is not None:
                return settled
        em, mu, sigma = eng.run_em(data, lay, blocks, nodes, weights, mu, sigma, latent, max_iter, tol, True, pool)
        if em.converged:
            return float(em.log_likelihood)
        final = eng.e_step(data, lay, blocks, nodes, weights, mu, sigma, pool)
    warnings.warn(f"EM ไม่ลู่เข้าใน {em.n_iter} รอบ (IRT-LR free model: EM stopped after {em.n_iter} cycles)",
                  ConvergenceWarning, stacklevel=3)
    return float(final.log_likelihood if final is not None else em.log_likelihood)


def _settle(data, lay, blocks, nodes, weights, mu, sigma, latent, pool, max_iter: int = 40) -> float | None:
    """Plain EM steps until one raises the log-likelihood by less than its rounding (None: not settled).

    From the studied item's own fit only the other items and the groups' means and SDs have to adjust,
    by little: EM's gain shrinks geometrically, so once a step gains less than 1e-4 (or the rounding
    of the working precision, 1e-7 of |log L| in single precision) the maximum is within about that.
    """
    from psychometrics.irt import _engine as eng

    blocks_start = [b.psi.copy() for b in blocks]
    previous = None
    for _ in range(max_iter):
        est = eng.e_step(data, lay, blocks, nodes, weights, mu, sigma, pool)
        if est is None or not np.isfinite(est.log_likelihood):
            break
        ll = float(est.log_likelihood)
        floor = max(1e-4, (1e-7 if lay.y.dtype == np.float32 else 1e-12) * abs(ll))
        if previous is not None and ll - previous < floor:
            return max(ll, previous)
        previous = ll
        mu, sigma = eng.m_step(est, blocks, nodes, mu, sigma, latent)
    for b, psi in zip(blocks, blocks_start, strict=True):  # fall back to calibrate's EM from the start
        b.psi = psi
    return None


class _ItemStart:
    """Start values of a studied item's reference and focal columns, fitted with everything else held.

    The persons' log-likelihood at every quadrature node under the constrained model, log L[i, q]
    (with log w_q), is computed once. For item j, log L[i, q] − log P_j(x_ij | θ_q) is the evidence of
    the other items; EM over item j's two columns alone (group means, SDs and the other items at the
    constrained values) then costs a few passes over one column per group, not over the whole matrix.
    """

    def __init__(self, x: np.ndarray, labels: np.ndarray, model: str, base, n_quadrature: int,
                 max_iter: int = 200, tol: float = 1e-4):
        from psychometrics.irt import _engine as eng
        from psychometrics.irt._data import prepare, to_codes
        from psychometrics.irt._families import make_family
        from psychometrics.irt.calibration import _model_priors, _priors

        self.max_iter, self.tol = max_iter, tol
        data = prepare(to_codes(x, ()), labels, [model] * x.shape[1], (), collapse=False)
        pri, default_priors = _priors("default")
        p = base.params
        self.blocks = []
        for k in np.unique(data.n_cat):
            items = np.flatnonzero(data.n_cat == k)
            fam = make_family(model, int(k), _model_priors(model, pri, default_priors))
            self.blocks.append(eng.Block(fam, items, fam.from_irt(p.a[items], p.b[items], p.c[items],
                                                                  p.thresholds[items]), np.ones(items.size, bool)))
        lay = eng.build_layout(data, self.blocks, np.float64)
        self.nodes, weights = eng.gauss_hermite(n_quadrature)
        mu, sigma = np.asarray(base.group_means, float), np.sqrt(np.asarray(base.group_variances, float))
        self.group_nodes = [mu[g] + sigma[g] * self.nodes for g in range(mu.size)]
        self.log_l = np.empty((data.codes.shape[0], self.nodes.size))
        m = data.codes.shape[1]
        for g, sl in enumerate(data.group_slices):
            t = eng._group_tables(self.blocks, self.nodes, weights, mu[g], sigma[g], m, lay.n_cols, np.float64)
            part = lay.y[sl] @ t.ld
            if lay.mask is not None:
                part += lay.mask[sl] @ t.l0
                part += t.logw
            else:
                part += t.base
            self.log_l[sl] = part
        self.data = data

    def free_item(self, j: int) -> tuple[int, np.ndarray]:
        """(K, internal parameters (2, p) of item j's reference and focal columns)."""
        blk = next(b for b in self.blocks if j in b.items)
        fam, row = blk.family, int(np.flatnonzero(blk.items == j)[0])
        n_cat, q = fam.n_cat, self.nodes.size
        psi = np.repeat(blk.psi[row:row + 1], 2, axis=0)
        slices = self.data.group_slices[:2]
        codes = [self.data.codes[sl, j].astype(np.int64) for sl in slices]
        seen = [c >= 0 for c in codes]
        onehot = [(c[:, None] == np.arange(n_cat)[None, :]).astype(float).T for c in codes]   # (K, n_g)
        start = fam.logp_and_derivs(psi[:1], np.concatenate(self.group_nodes[:2]), derivs=False)[0]
        others = []
        for g, sl in enumerate(slices):  # the other items' evidence: log L minus item j's own term
            lp = start[:, g * q:(g + 1) * q]
            others.append(self.log_l[sl] - np.where(seen[g][:, None], lp[np.maximum(codes[g], 0)], 0.0))
        g_nodes = np.concatenate(self.group_nodes[:2])
        free = np.ones(2, bool)
        for _ in range(self.max_iter):
            counts = np.zeros((2, n_cat, 2 * q))
            logp = fam.logp_and_derivs(psi, g_nodes, derivs=False)          # (2, K, 2Q)
            for g in range(2):
                lp = logp[g][:, g * q:(g + 1) * q]
                post = others[g] + np.where(seen[g][:, None], lp[np.maximum(codes[g], 0)], 0.0)
                post -= post.max(axis=1, keepdims=True)
                np.exp(post, out=post)
                post /= post.sum(axis=1, keepdims=True)
                counts[g, :, g * q:(g + 1) * q] = onehot[g] @ post
            new = fam.mstep(psi, g_nodes, counts, free)
            moved = float(np.max(np.abs(new - psi))) if np.all(np.isfinite(new)) else np.inf
            if not np.isfinite(moved):
                return n_cat, np.repeat(blk.psi[row:row + 1], 2, axis=0)
            psi = new
            if moved < self.tol:
                break
        return n_cat, psi

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
    For 2PL, 3PL, GRM and GPCM each free model's EM starts from the constrained estimates (item j's
    two columns at its common values, the groups at their means and SDs): a few EM cycles instead of
    a cold start's dozens, the same maximum to EM's tolerance.

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
    loglik, df = [], []
    for j in tested:  # one calibration per studied item
        col = x[:, j]
        split = np.column_stack(
            [np.delete(x, j, axis=1), np.where(is_focal, np.nan, col), np.where(is_focal, col, np.nan)]
        )
        if warm:  # EM from the constrained estimates: only item j's two columns have to move
            order = np.r_[np.delete(np.arange(m), j), j, j]
            loglik.append(_warm_log_likelihood(split, labels, model, base, order, n_quadrature))
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
                         n_quadrature: int, max_iter: int = 500, tol: float = 1e-4) -> float:
    """Maximised log-likelihood of the free model by the same EM as `calibrate`, started at `base`.

    Column c of `split` starts at item ``order[c]`` of the constrained calibration and the groups at
    its means and SDs, so EM needs a few cycles instead of a cold start's dozens; the model, priors,
    quadrature, precision and stopping rule are calibrate's.
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
        blocks.append(eng.Block(fam, items, psi, np.ones(items.size, bool)))
    n_groups = len(data.group_slices)
    latent = eng.LatentSpec(np.arange(n_groups) > 0, np.arange(n_groups) > 0)
    nodes, weights = eng.gauss_hermite(n_quadrature)
    lay = eng.build_layout(data, blocks, _dtype("auto", data, tol))
    mu, sigma = np.asarray(base.group_means, float).copy(), np.sqrt(np.asarray(base.group_variances, float))
    with _compute_threads(data.codes.shape[0]) as pool:
        em, mu, sigma = eng.run_em(data, lay, blocks, nodes, weights, mu, sigma, latent, max_iter, tol, True, pool)
        final = eng.e_step(data, lay, blocks, nodes, weights, mu, sigma, pool)
    if not em.converged:
        warnings.warn(f"EM ไม่ลู่เข้าใน {em.n_iter} รอบ (IRT-LR free model: EM stopped after {em.n_iter} cycles)",
                      ConvergenceWarning, stacklevel=3)
    return float(final.log_likelihood if final is not None else em.log_likelihood)

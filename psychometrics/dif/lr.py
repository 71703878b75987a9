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
    loglik, df = [], []
    for j in tested:  # one calibration per studied item
        col = x[:, j]
        split = np.column_stack(
            [np.delete(x, j, axis=1), np.where(is_focal, np.nan, col), np.where(is_focal, col, np.nan)]
        )
        free = calibrate(split, model, groups=labels, n_quadrature=n_quadrature, standard_errors="none")
        loglik.append(free.log_likelihood)
        k = int(np.nanmax(col)) if model in ("grm", "gpcm", "pcm") else 0
        df.append(n_par[model] + k)
    return likelihood_ratio_dif(base.log_likelihood, loglik, df, [ids[j] for j in tested])

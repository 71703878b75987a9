"""IRT DIF by Lord's (1980) Wald χ² on item parameters, and the item covariance it needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import chi2

from psychometrics.dif._data import (
    _focal_mask,
    _item_ids,
)
from psychometrics.errors import PsychometricsError
from psychometrics.irt.ability import _GridTables, _posterior, check_responses, chunk_as_float, quadrature
from psychometrics.irt.models import ItemParameters, category_probabilities
from psychometrics.tables import Table, table_from_columns


# ----------------------------------------------------------------------------------------------------
# IRT: Lord's Wald test and the likelihood-ratio test
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IRTDIFResult:
    """IRT-based DIF test per item (Lord's Wald χ² or the likelihood-ratio G²)."""

    item_ids: tuple[str, ...]
    method: str
    statistic: np.ndarray
    df: np.ndarray
    p_value: np.ndarray

    def summary(self) -> Table:
        return table_from_columns(
            f"DIF จากพารามิเตอร์ IRT ({self.method})",
            {
                "item": self.item_ids,
                "chi2": self.statistic.round(3),
                "df": self.df,
                "p": self.p_value.round(4),
            },
        )


def item_parameter_vector(params: ItemParameters) -> np.ndarray:
    """Each item's free parameters in a fixed order, NaN-padded: (n_items, 2 + max_categories − 1).

    Dichotomous: (a, b, c); polytomous: (a, b_1, …, b_{K−1}).  1PL/Rasch/PCM items keep a in the
    vector but tests drop it when both groups have it fixed equal.
    """
    m = params.n_items
    width = max(3, params.max_categories)
    out = np.full((m, width), np.nan)
    out[:, 0] = params.a
    models = np.asarray(params.model)
    dich = np.isin(models, ("1pl", "rasch", "2pl", "3pl"))
    out[dich, 1] = params.b[dich]
    out[dich, 2] = np.where(models[dich] == "3pl", params.c[dich], np.nan)
    k = params.thresholds.shape[1]
    out[~dich, 1 : 1 + k] = params.thresholds[~dich]
    return out


def _covariance_blocks(cov: ArrayLike, m: int, width: int) -> np.ndarray:
    c = np.asarray(cov, float)
    if c.ndim == 2:  # standard errors: independent parameters
        if c.shape[0] != m:
            raise PsychometricsError(f"ค่าคลาดเคลื่อนมาตรฐานต้องมี {m} แถว (standard errors need {m} rows)")
        out = np.zeros((m, width, width))
        diag = np.full((m, width), np.nan)
        diag[:, : c.shape[1]] = c**2
        out[:, np.arange(width), np.arange(width)] = diag
        return out
    if c.ndim == 3 and c.shape[0] == m:
        out = np.full((m, width, width), np.nan)
        out[:, : c.shape[1], : c.shape[2]] = c
        return out
    raise PsychometricsError(
        "ความแปรปรวนร่วมต้องเป็น (n_items, p) หรือ (n_items, p, p) "
        "(covariance must be standard errors (n_items, p) or blocks (n_items, p, p))"
    )


def lord_wald(
    reference: ItemParameters, focal: ItemParameters, reference_cov: ArrayLike, focal_cov: ArrayLike
) -> IRTDIFResult:
    """Lord's (1980) χ² for the difference of each item's parameters between two group calibrations.

    χ²_j = dᵀ (Σ_R + Σ_F)⁻¹ d, d = v_R − v_F over the item's estimated parameters (those with a
    finite variance in both groups: a fixed parameter, e.g. Rasch a, is left out), df = their number.

    Parameters
    ----------
    reference, focal : ItemParameters
        The same items calibrated in each group, on one common θ scale (concurrent multiple-group
        calibration, or link the focal scale first).
    reference_cov, focal_cov : array_like
        Either standard errors (n_items, p) or covariance blocks (n_items, p, p), with parameters in
        the order of :func:`item_parameter_vector`: (a, b, c) or (a, b_1, …, b_{K−1}).

    Returns
    -------
    IRTDIFResult
    """
    if reference.n_items != focal.n_items or reference.model != focal.model:
        raise PsychometricsError(
            "พารามิเตอร์สองกลุ่มต้องเป็นข้อสอบชุดเดียวกันและโมเดลเดียวกัน "
            "(both groups must hold the same items under the same models)"
        )
    v_r, v_f = item_parameter_vector(reference), item_parameter_vector(focal)
    m, width = v_r.shape
    cov = _covariance_blocks(reference_cov, m, width) + _covariance_blocks(focal_cov, m, width)
    stat, df = np.full(m, np.nan), np.zeros(m, dtype=np.int64)
    for j in range(m):  # items: each a small p × p system
        diag = np.diag(cov[j])
        use = np.isfinite(v_r[j]) & np.isfinite(v_f[j]) & np.isfinite(diag) & (diag > 0)
        if not use.any():
            continue
        d = v_r[j, use] - v_f[j, use]
        block = cov[j][np.ix_(use, use)]
        stat[j] = float(d @ np.linalg.solve(block, d))
        df[j] = int(use.sum())
    p = np.where(df > 0, chi2.sf(stat, np.maximum(df, 1)), np.nan)
    return IRTDIFResult(_item_ids(reference.item_ids, m), "Lord Wald", stat, df, p)


def _perturbed(params: ItemParameters, slot: int, h: float) -> ItemParameters:
    """Every item's parameter in vector slot `slot` (see item_parameter_vector) moved by h."""
    a, b, c, thr = params.a.copy(), params.b.copy(), params.c.copy(), params.thresholds.copy()
    dich = np.isin(np.asarray(params.model), ("1pl", "rasch", "2pl", "3pl"))
    if slot == 0:
        a += h
    elif slot == 1:
        b[dich] += h
        thr[:, 0] += h  # dichotomous items repeat b in column 0
    elif slot == 2:
        c[dich] += h
        if thr.shape[1] > 1:
            thr[~dich, 1] += h
    elif slot - 1 < thr.shape[1]:
        thr[~dich, slot - 1] += h
    return ItemParameters(params.model, a, b, c, thr, params.item_ids)


def item_covariance(
    params: ItemParameters,
    responses: ArrayLike,
    *,
    n_quadrature: int = 61,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
    chunk_size: int = 1 << 13,
    slope_prior: tuple[float, float] | None = None,
    guessing_prior: tuple[float, float] | None = None,
) -> np.ndarray:
    """Covariance of each item's parameter estimates by the cross-product of person gradients (XPD).

    For person i and item j, g_ij = E[∂ log P(x_ij | θ) / ∂ψ_j | x_i], the posterior mean of the
    item's score (Louis 1982; mirt's SE.type = "crossprod"); Cov(ψ_j) ≈ (Σ_i g_ij g_ijᵀ)⁻¹, one block
    per item (cross-item covariances are not needed by Lord's test).  Derivatives of log P by
    central differences, so every model works.  Parameters follow item_parameter_vector; fixed
    ones (Rasch/PCM/1PL slope, c of a 2PL) get NaN rows and columns.

    Parameters
    ----------
    params : ItemParameters
        The calibrated items.
    responses : array_like (n_persons, n_items), NaN = not answered
        The calibration data.
    n_quadrature : int
    prior_mean, prior_sd : float
        The group's ability distribution on the scale of `params`.
    chunk_size : int
        Persons per chunk.
    slope_prior, guessing_prior : (float, float), optional
        When the estimates are posterior modes of 3PL items under log a ~ N(μ, σ²) and/or
        c ~ Beta(α, β), their curvature −d² log p/dψ² at the estimate is added to the information.

    Returns
    -------
    ndarray (n_items, p, p)
    """
    x = check_responses(responses, params)
    n, m = x.shape
    models = np.asarray(params.model)
    free = np.isfinite(item_parameter_vector(params))
    free[np.isin(models, ("rasch", "1pl", "pcm")), 0] = False
    free[models == "2pl", 2] = False
    width = free.shape[1]
    nodes, weights = quadrature(
        n_quadrature, prior_mean, prior_sd, "grid"
    )  # narrow posteriors: equal spacing
    tables = _GridTables.build(params, nodes)
    log_w = np.log(weights)
    h = 1e-5
    deriv = []  # per slot: d log P / dψ, (q, m, K)
    for slot in range(width):
        up = np.log(np.maximum(category_probabilities(_perturbed(params, slot, h), nodes), 1e-300))
        down = np.log(np.maximum(category_probabilities(_perturbed(params, slot, -h), nodes), 1e-300))
        deriv.append(np.where(free[None, :, slot, None], (up - down) / (2 * h), 0.0))
    n_cat = params.n_categories.astype(float)
    xpd = np.zeros((m, width, width))
    for s in range(0, n, chunk_size):
        xf = chunk_as_float(x, s, min(n, s + chunk_size), n_cat)
        post = _posterior(tables, log_w, xf)  # (c, q)
        grad = np.zeros(xf.shape + (width,))
        for k in range(params.max_categories):
            hit = (xf == k).astype(float)
            for slot in range(width):
                grad[:, :, slot] += hit * (post @ deriv[slot][:, :, k])
        xpd += np.einsum("nmp,nmq->mpq", grad, grad)
    is3 = models == "3pl"
    if slope_prior is not None:
        mu, sigma = slope_prior
        la = np.log(params.a[is3])
        # −d²/da² of −(log a − μ)²/(2σ²) − log a
        xpd[is3, 0, 0] += np.maximum(
            (1 - (la - mu)) / (sigma**2 * params.a[is3] ** 2) - 1 / params.a[is3] ** 2, 0.0
        )
    if guessing_prior is not None:
        alpha_c, beta_c = guessing_prior
        c3 = params.c[is3]
        xpd[is3, 2, 2] += (alpha_c - 1) / c3**2 + (beta_c - 1) / (1 - c3) ** 2
    cov = np.full((m, width, width), np.nan)
    for j in range(m):  # a p × p inverse per item
        use = free[j]
        if use.any():
            block = xpd[j][np.ix_(use, use)]
            cov[j][np.ix_(use, use)] = np.linalg.pinv(block)
    return cov


def lord_wald_calibrated(
    responses: ArrayLike,
    group: ArrayLike,
    focal: Any = 1,
    model: str = "2pl",
    *,
    anchors: Sequence[int] | None = None,
    n_quadrature: int = 61,
    item_ids: Sequence[str] = (),
    purify: bool = False,
    alpha: float = 0.05,
) -> IRTDIFResult:
    """Lord's Wald test from two separate calibrations, the focal scale linked onto the reference.

    Each group is calibrated on its own (θ ~ N(0, 1) in each), with each item's full parameter
    covariance from :func:`item_covariance`; the focal parameters and covariances are carried to the
    reference scale by the Stocking–Lord constants over `anchors` (default every item: a/A, A·b + B;
    the linking error itself is ignored), then :func:`lord_wald`.  With `purify`, items significant
    at `alpha` are dropped from the anchors and the constants and tests are computed once more
    (Candell & Drasgow 1988), so that DIF items do not bend the common scale.
    """
    from psychometrics.irt.calibration import DEFAULT_A_PRIOR, DEFAULT_C_PRIOR, calibrate
    from psychometrics.irt.linking import link

    x = np.asarray(responses, float)
    is_focal, keep = _focal_mask(group, focal, x.shape[0])
    ids = _item_ids(item_ids, x.shape[1])
    x_ref, x_foc = x[keep & ~is_focal], x[keep & is_focal]
    ref = calibrate(x_ref, model, n_quadrature=n_quadrature, item_ids=ids, standard_errors="none")
    foc = calibrate(x_foc, model, n_quadrature=n_quadrature, item_ids=ids, standard_errors="none")
    # calibrate's 3PL estimates are posterior modes under its default priors: count their curvature
    priors = {"slope_prior": DEFAULT_A_PRIOR, "guessing_prior": DEFAULT_C_PRIOR} if model == "3pl" else {}
    cov_ref = item_covariance(
        ref.params,
        x_ref,
        n_quadrature=n_quadrature,
        prior_mean=float(ref.group_means[0]),
        prior_sd=float(np.sqrt(ref.group_variances[0])),
        **priors,
    )
    cov_foc = item_covariance(
        foc.params,
        x_foc,
        n_quadrature=n_quadrature,
        prior_mean=float(foc.group_means[0]),
        prior_sd=float(np.sqrt(foc.group_variances[0])),
        **priors,
    )
    width = cov_foc.shape[1]
    dich = np.isin(np.asarray(foc.params.model), ("1pl", "rasch", "2pl", "3pl"))

    def test(anchor_items: Sequence[int]) -> IRTDIFResult:
        constants = link(foc.params, ref.params, "stocking_lord", common=[(j, j) for j in anchor_items])
        scale = np.full((x.shape[1], width), constants.A)  # locations stretch by A
        scale[:, 0] = 1.0 / constants.A  # slopes shrink by A
        scale[dich, 2:] = 1.0  # c keeps its value
        moved = cov_foc * scale[:, :, None] * scale[:, None, :]
        return lord_wald(ref.params, constants.transform(foc.params), cov_ref, moved)

    chosen = list(range(x.shape[1])) if anchors is None else [int(j) for j in anchors]
    result = test(chosen)
    if purify:
        clean = [j for j in chosen if not result.p_value[j] < alpha]
        if len(clean) >= 2 and len(clean) < len(chosen):
            result = test(clean)
    return result

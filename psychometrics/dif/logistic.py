"""Logistic-regression DIF (Swaminathan & Rogers 1990) with Nagelkerke ΔR² classes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, log_expit
from scipy.stats import chi2

from psychometrics.dif._data import (
    JODOIN_GIERL,
    ZUMBO_THOMAS,
    _as_float,
    _dichotomous_matrix,
    _focal_mask,
    _item_ids,
    _number_right,
)
from psychometrics.tables import Table, table_from_columns


# ----------------------------------------------------------------------------------------------------
# logistic regression
# ----------------------------------------------------------------------------------------------------
def _logistic_fit(design: np.ndarray, y: np.ndarray, max_iter: int = 50, tol: float = 1e-10) -> float:
    """Maximised log-likelihood of a logistic regression by Newton–Raphson (IRLS) with step halving."""
    beta = np.zeros(design.shape[1])

    def loglik(b: np.ndarray) -> float:
        eta = design @ b
        return float(np.sum(y * log_expit(eta) + (1 - y) * log_expit(-eta)))

    current = loglik(beta)
    for _ in range(max_iter):
        p = expit(design @ beta)
        grad = design.T @ (y - p)
        hess = (design * (p * (1 - p))[:, None]).T @ design
        # a tiny ridge keeps the step finite when an item separates the groups perfectly
        step = np.linalg.solve(hess + 1e-10 * np.eye(hess.shape[0]), grad)
        t = 1.0
        while True:
            trial = loglik(beta + t * step)
            if trial >= current - 1e-12 or t < 1e-8:
                break
            t /= 2
        beta = beta + t * step
        improvement, current = trial - current, trial
        if abs(improvement) < tol:
            break
    return current


@dataclass(frozen=True)
class LogisticDIFResult:
    """Logistic-regression DIF (Swaminathan & Rogers 1990) for each item.

    M0: logit P = β0 + β1 S;  M1: + β2 G (uniform DIF);  M2: + β3 S·G (non-uniform DIF).

    Attributes
    ----------
    chi2_uniform, p_uniform : ndarray        M1 vs M0, df = 1
    chi2_nonuniform, p_nonuniform : ndarray  M2 vs M1, df = 1
    chi2_total, p_total : ndarray            M2 vs M0, df = 2
    r2_delta : ndarray                       Nagelkerke R²(M2) − R²(M0)
    r2_delta_uniform : ndarray               Nagelkerke R²(M1) − R²(M0)
    zumbo_thomas, jodoin_gierl : tuple of str  "A" negligible, "B" moderate, "C" large
    """

    item_ids: tuple[str, ...]
    chi2_uniform: np.ndarray
    p_uniform: np.ndarray
    chi2_nonuniform: np.ndarray
    p_nonuniform: np.ndarray
    chi2_total: np.ndarray
    p_total: np.ndarray
    r2_delta: np.ndarray
    r2_delta_uniform: np.ndarray
    zumbo_thomas: tuple[str, ...]
    jodoin_gierl: tuple[str, ...]

    def summary(self) -> Table:
        return table_from_columns(
            "DIF แบบถดถอยโลจิสติก (logistic regression)",
            {
                "item": self.item_ids,
                "chi2_uniform": self.chi2_uniform.round(3),
                "p_uniform": self.p_uniform.round(4),
                "chi2_nonuniform": self.chi2_nonuniform.round(3),
                "p_nonuniform": self.p_nonuniform.round(4),
                "chi2_2df": self.chi2_total.round(3),
                "p_2df": self.p_total.round(4),
                "delta_R2": self.r2_delta.round(4),
                "Zumbo-Thomas": self.zumbo_thomas,
                "Jodoin-Gierl": self.jodoin_gierl,
            },
            notes=("ΔR² = Nagelkerke R² ของโมเดลเต็มลบโมเดลที่มีแต่คะแนนรวม; จัดชั้นเมื่อ χ² (2 df) มีนัยสำคัญ",),
        )


def _effect_class(
    r2: np.ndarray, p: np.ndarray, bounds: tuple[float, float], alpha: float
) -> tuple[str, ...]:
    return tuple(
        "A" if not (pv < alpha) or r < bounds[0] else ("B" if r < bounds[1] else "C")
        for r, pv in zip(r2.tolist(), p.tolist(), strict=True)
    )


def logistic_dif(
    responses: ArrayLike,
    group: ArrayLike,
    focal: Any = 1,
    *,
    matching: ArrayLike | None = None,
    item_ids: Sequence[str] = (),
    alpha: float = 0.05,
) -> LogisticDIFResult:
    """Uniform and non-uniform DIF by nested logistic regressions, with Nagelkerke ΔR² effect sizes.

    Classes need a significant 2-df χ² at `alpha`; then ΔR² < 0.13 / 0.13–0.26 / ≥ 0.26 gives
    A/B/C by Zumbo & Thomas, and < 0.035 / 0.035–0.070 / ≥ 0.070 by Jodoin & Gierl (2001).

    Parameters
    ----------
    responses : array_like (n_persons, n_items), 0/1, NaN = not answered (left out for that item)
    group : array_like (n_persons,)
    focal : label of the focal group
    matching : array_like (n_persons,), optional
        Default: number right over the answered items.
    item_ids : sequence of str
    alpha : float

    Returns
    -------
    LogisticDIFResult
    """
    x = _dichotomous_matrix(responses)
    n, m = x.shape
    is_focal, keep = _focal_mask(group, focal, n)
    score = _number_right(x) if matching is None else np.asarray(matching, float)
    x, g, score = x[keep], is_focal[keep].astype(float), score[keep]
    s = (score - score.mean()) / (score.std() or 1.0)  # centred: better conditioned, same tests
    out = np.zeros((m, 6))
    for j in range(m):  # loops over items, not persons
        column = _as_float(x[:, j])
        ok = ~np.isnan(column)
        y, sj, gj = column[ok], s[ok], g[ok]
        one = np.ones_like(y)
        ll0 = _logistic_fit(np.column_stack([one, sj]), y)
        ll1 = _logistic_fit(np.column_stack([one, sj, gj]), y)
        ll2 = _logistic_fit(np.column_stack([one, sj, gj, sj * gj]), y)
        p_bar = y.mean()
        ll_null = (
            float(ok.sum() * (p_bar * np.log(p_bar) + (1 - p_bar) * np.log(1 - p_bar)))
            if 0 < p_bar < 1
            else 0.0
        )
        r2 = [_nagelkerke(ll, ll_null, int(ok.sum())) for ll in (ll0, ll1, ll2)]
        out[j] = (2 * (ll1 - ll0), 2 * (ll2 - ll1), 2 * (ll2 - ll0), r2[2] - r2[0], r2[1] - r2[0], 0.0)
    c_u, c_n, c_t = (np.maximum(out[:, k], 0.0) for k in range(3))
    p_t = chi2.sf(c_t, 2)
    return LogisticDIFResult(
        _item_ids(item_ids, m),
        c_u,
        chi2.sf(c_u, 1),
        c_n,
        chi2.sf(c_n, 1),
        c_t,
        p_t,
        out[:, 3],
        out[:, 4],
        _effect_class(out[:, 3], p_t, ZUMBO_THOMAS, alpha),
        _effect_class(out[:, 3], p_t, JODOIN_GIERL, alpha),
    )


def _nagelkerke(ll: float, ll_null: float, n: int) -> float:
    """Nagelkerke (1991) R² from the model and intercept-only log-likelihoods."""
    if ll_null == 0.0:
        return 0.0
    cox_snell = 1.0 - np.exp(2.0 * (ll_null - ll) / n)
    return float(cox_snell / (1.0 - np.exp(2.0 * ll_null / n)))

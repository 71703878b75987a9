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
def _logistic_fits(
    design: np.ndarray, correct: np.ndarray, answered: np.ndarray, max_iter: int = 50, tol: float = 1e-10
) -> np.ndarray:
    """Maximised log-likelihoods of one binomial logistic regression per item, all items at once.

    Newton–Raphson (IRLS) with step halving, batched: the design (patterns × p) is shared; item j has
    `correct[k, j]` right answers out of `answered[k, j]` at design row k.  Every item takes its own
    Newton steps, halvings and stopping (|Δ log L| < `tol`), exactly as a loop over items would;
    the per-item Hessians come from one matrix product of the row-wise outer products.
    """
    n, p = design.shape
    m = correct.shape[1]
    w = np.asarray(answered, float)
    yw = np.asarray(correct, float)
    outer = (design[:, :, None] * design[:, None, :]).reshape(n, p * p)
    ridge = 1e-10 * np.eye(p)  # keeps the step finite when an item separates the groups perfectly

    def loglik(beta: np.ndarray, cols: np.ndarray) -> np.ndarray:
        eta = design @ beta.T  # (n, k)
        return (yw[:, cols] * log_expit(eta) + (w[:, cols] - yw[:, cols]) * log_expit(-eta)).sum(axis=0)

    beta = np.zeros((m, p))
    current = loglik(beta, np.arange(m))
    active = np.arange(m)
    for _ in range(max_iter):
        if active.size == 0:
            break
        b = beta[active]
        prob = expit(design @ b.T)  # (n, k)
        wa = w[:, active]
        grad = (design.T @ (yw[:, active] - wa * prob)).T  # (k, p)
        hess = (outer.T @ (wa * prob * (1 - prob))).T.reshape(-1, p, p) + ridge
        step = np.linalg.solve(hess, grad[:, :, None])[:, :, 0]
        t = np.ones(active.size)
        trial = loglik(b + step, active)
        while True:
            short = (trial < current[active] - 1e-12) & (t >= 1e-8)
            if not short.any():
                break
            t[short] /= 2
            trial[short] = loglik(b[short] + t[short, None] * step[short], active[short])
        beta[active] = b + t[:, None] * step
        improvement = trial - current[active]
        current[active] = trial
        active = active[np.abs(improvement) >= tol]
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
    # persons with the same (matching score, group) share a design row: their 0/1 answers to an item
    # enter the likelihood only as counts right / answered, so the fits run on those few rows
    levels, s_code = np.unique(s, return_inverse=True)  # 1-D sorts: much cheaper than unique rows
    keys, pattern = np.unique(s_code.reshape(-1) * 2 + g.astype(np.int64), return_inverse=True)
    pattern = pattern.reshape(-1)
    correct, answered = _pattern_counts(x, pattern, keys.size)
    one, sk, gk = np.ones(keys.size), levels[keys // 2], (keys % 2).astype(float)
    # the three nested models of every item, each fitted for all items at once
    ll0, ll1, ll2 = (
        _logistic_fits(design, correct, answered)
        for design in (np.column_stack([one, sk]), np.column_stack([one, sk, gk]),
                       np.column_stack([one, sk, gk, sk * gk]))
    )
    n_j = answered.sum(axis=0)
    p_bar = correct.sum(axis=0) / np.maximum(n_j, 1)
    inner = (p_bar > 0) & (p_bar < 1)
    safe = np.where(inner, p_bar, 0.5)
    ll_null = np.where(inner, n_j * (safe * np.log(safe) + (1 - safe) * np.log(1 - safe)), 0.0)
    r2 = [_nagelkerke(ll, ll_null, n_j) for ll in (ll0, ll1, ll2)]
    out = np.column_stack([2 * (ll1 - ll0), 2 * (ll2 - ll1), 2 * (ll2 - ll0), r2[2] - r2[0], r2[1] - r2[0]])
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


def _pattern_counts(x: np.ndarray, pattern: np.ndarray, n_patterns: int) -> tuple[np.ndarray, np.ndarray]:
    """Right answers and answers of every item in every design row, (n_patterns, n_items) each."""
    m = x.shape[1]
    correct, answered = np.zeros((n_patterns, m)), np.zeros((n_patterns, m))
    for j in range(m):  # one bincount per item, over persons as a vector
        column = _as_float(x[:, j])
        ok = ~np.isnan(column)
        answered[:, j] = np.bincount(pattern, weights=ok.astype(float), minlength=n_patterns)
        correct[:, j] = np.bincount(pattern, weights=np.where(ok, column, 0.0), minlength=n_patterns)
    return correct, answered


def _nagelkerke(ll: np.ndarray, ll_null: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Nagelkerke (1991) R² from the model and intercept-only log-likelihoods (0 where ll_null = 0)."""
    n = np.maximum(n, 1)
    cox_snell = 1.0 - np.exp(2.0 * (ll_null - ll) / n)
    with np.errstate(invalid="ignore", divide="ignore"):
        r2 = cox_snell / (1.0 - np.exp(2.0 * ll_null / n))
    return np.where(ll_null == 0.0, 0.0, r2)

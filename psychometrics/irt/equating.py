"""IRT true-score equating of form X to form Y (both on one θ scale).

For a true score τ_X strictly between Σ c_j (the sum of lower asymptotes) and the maximum score, the
θ with TCC_X(θ) = τ_X is found by Newton's method safeguarded by bisection (all scores at once), and
τ_Y = TCC_Y(θ).  Scores from 0 to Σ c_X, where no θ exists, are mapped linearly onto 0 … Σ c_Y
(Kolen & Brennan 2014, §6.4.2); the maximum maps to the maximum.  The result is monotone.

References
----------
Lord, F. M. (1980). Applications of item response theory to practical testing problems. Erlbaum.
Kolen, M. J., & Brennan, R. L. (2014). Test equating, scaling, and linking (3rd ed.), §6.4. Springer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from psychometrics.errors import PsychometricsError
from psychometrics.irt.ability import response_derivatives
from psychometrics.irt.models import ItemParameters, expected_score
from psychometrics.tables import Table, table_from_columns


def test_characteristic_curve(params: ItemParameters, theta: ArrayLike) -> np.ndarray:
    """Expected total score Σ_j E[X_j | θ], shape (n_theta,)."""
    return expected_score(params, theta).sum(axis=1)


test_characteristic_curve.__test__ = False  # a psychometric term, not a pytest test


def _tcc_and_slope(params: ItemParameters, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p, dp, _ = response_derivatives(params, theta)
    k = np.arange(p.shape[2], dtype=float)
    return (p @ k).sum(axis=1), (dp @ k).sum(axis=1)


def _floor(params: ItemParameters) -> float:
    """Σ c_j: the true score as θ → −∞ (0 for items without a lower asymptote)."""
    models = np.asarray(params.model)
    return float(params.c[np.isin(models, ("1pl", "rasch", "2pl", "3pl"))].sum())


def theta_for_true_score(
    params: ItemParameters, tau: ArrayLike, *, tol: float = 1e-10, max_iter: int = 200
) -> np.ndarray:
    """θ with TCC(θ) = τ for every τ strictly between Σ c and the maximum score (NaN elsewhere).

    Newton steps on the test characteristic curve, with a bisection step whenever Newton would
    leave the current bracket; vectorised over all τ.
    """
    tau = np.atleast_1d(np.asarray(tau, float))
    top = float((params.n_categories - 1).sum())
    floor = _floor(params)
    ok = (tau > floor) & (tau < top)
    theta = np.full(tau.shape, np.nan)
    if not ok.any():
        return theta
    t = tau[ok]
    lo, hi = np.full(t.shape, -40.0), np.full(t.shape, 40.0)
    th = np.zeros(t.shape)
    for _ in range(max_iter):
        value, slope = _tcc_and_slope(params, th)
        f = value - t
        lo = np.where(f < 0, th, lo)
        hi = np.where(f > 0, th, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = th - f / slope
        inside = np.isfinite(newton) & (newton > lo) & (newton < hi)
        new = np.where(inside, newton, 0.5 * (lo + hi))
        done = np.abs(new - th) < tol
        th = new
        if done.all():
            break
    theta[ok] = th
    return theta


@dataclass(frozen=True)
class EquatingResult:
    """Form-X scores and their form-Y true-score equivalents.

    Attributes
    ----------
    score_x : ndarray (S,)     form-X (true) scores
    theta : ndarray (S,)       θ of each score (NaN at and below Σ c_X and at the maximum)
    score_y : ndarray (S,)     form-Y equivalents
    """

    score_x: np.ndarray
    theta: np.ndarray
    score_y: np.ndarray

    def summary(self) -> Table:
        return table_from_columns(
            "การเทียบคะแนนจริง (IRT true-score equating): ฉบับ X → ฉบับ Y",
            {"score_x": self.score_x, "theta": self.theta.round(4), "score_y": self.score_y.round(4)},
        )


def true_score_equating(
    form_x: ItemParameters,
    form_y: ItemParameters,
    scores: ArrayLike | None = None,
    *,
    tol: float = 1e-10,
    max_iter: int = 200,
) -> EquatingResult:
    """IRT true-score equating: form-X scores → form-Y true scores through the common θ.

    Parameters
    ----------
    form_x, form_y : ItemParameters
        Both forms on the same θ scale (link first, e.g. ``link(...).transform(form_x)``).
    scores : array_like, optional
        Form-X scores to equate; default every integer 0 … max score of X.
    tol, max_iter : float, int
        Newton tolerance on θ and iteration cap.

    Returns
    -------
    EquatingResult
    """
    top_x = float((form_x.n_categories - 1).sum())
    top_y = float((form_y.n_categories - 1).sum())
    x = np.arange(int(top_x) + 1, dtype=float) if scores is None else np.atleast_1d(np.asarray(scores, float))
    if np.any((x < 0) | (x > top_x)) or not np.all(np.isfinite(x)):
        raise PsychometricsError(f"คะแนนฉบับ X ต้องอยู่ในช่วง 0–{top_x:g} (form-X scores must lie in 0–{top_x:g})")
    floor_x, floor_y = _floor(form_x), _floor(form_y)
    theta = theta_for_true_score(form_x, x, tol=tol, max_iter=max_iter)
    y = np.empty_like(x)
    mid = np.isfinite(theta)
    y[mid] = test_characteristic_curve(form_y, theta[mid])
    low = ~mid & (x <= floor_x)
    # below the sum of the c's no θ gives the score: Kolen & Brennan's linear rule 0..Σc_X → 0..Σc_Y
    y[low] = x[low] * (floor_y / floor_x) if floor_x > 0 else 0.0
    y[~mid & (x >= top_x)] = top_y
    return EquatingResult(x, theta, y)

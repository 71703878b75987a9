"""IRT true-score and observed-score equating of form X to form Y (both on one θ scale).

For a true score τ_X strictly between Σ c_j (the sum of lower asymptotes) and the maximum score, the
θ with TCC_X(θ) = τ_X is found by Newton's method safeguarded by bisection (all scores at once), and
τ_Y = TCC_Y(θ).  Scores from 0 to Σ c_X, where no θ exists, are mapped linearly onto 0 … Σ c_Y
(Kolen & Brennan 2014, §6.4.2); the maximum maps to the maximum.  The result is monotone.
Observed-score equating puts both forms' Lord–Wingersky score distributions in one population and
equates them equipercentile-wise (§6.6).

References
----------
Lord, F. M. (1980). Applications of item response theory to practical testing problems. Erlbaum.
Kolen, M. J., & Brennan, R. L. (2014). Test equating, scaling, and linking (3rd ed.), §2.5, §6.4, §6.6.
Lord, F. M., & Wingersky, M. S. (1984). Applied Psychological Measurement, 8(4), 453–461.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from psychometrics.errors import PsychometricsError
from psychometrics.irt.ability import quadrature, response_derivatives, score_distribution
from psychometrics.irt.chains import ScaleLink, _from_vector, parameter_vector
from psychometrics.irt.linking import transform
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


# ----------------------------------------------------------------------------------------------------
# IRT observed-score equating
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ObservedEquatingResult:
    """Form-X scores, their form-Y equipercentile equivalents and the model-implied score distributions.

    Attributes
    ----------
    score_x : ndarray (S_X,)            every form-X score 0 … max
    score_y : ndarray (S_X,)            form-Y equivalents, in [−0.5, max_Y + 0.5]
    distribution_x, distribution_y      P(X = x) and P(Y = y) in the population
    """

    score_x: np.ndarray
    score_y: np.ndarray
    distribution_x: np.ndarray
    distribution_y: np.ndarray

    def summary(self) -> Table:
        return table_from_columns(
            "การเทียบคะแนนที่สังเกตได้ (IRT observed-score equating): ฉบับ X → ฉบับ Y",
            {
                "score_x": self.score_x,
                "score_y": self.score_y.round(4),
                "P(X = x)": self.distribution_x.round(5),
            },
        )


def equipercentile(distribution_x: ArrayLike, distribution_y: ArrayLike) -> np.ndarray:
    """Equipercentile equivalents of every X score (Kolen & Brennan 2014, eqs. 2.14–2.18).

    Scores are continuized uniformly over [x − ½, x + ½]: P(x) = F(x − 1) + f(x)/2, and the
    equivalent is y_u − ½ + (P(x) − G(y_u − 1)) / g(y_u), with y_u the smallest Y score whose
    G(y_u) > P(x) (Y scores of probability 0 are skipped); max_Y + ½ when P(x) = 1.

    Parameters
    ----------
    distribution_x, distribution_y : array_like
        Probabilities of the scores 0 … max of each form (each sums to 1).

    Returns
    -------
    ndarray (len(distribution_x),)
    """
    f = np.asarray(distribution_x, float)
    g = np.asarray(distribution_y, float)
    for name, d in (("X", f), ("Y", g)):
        if d.ndim != 1 or np.any(d < 0) or not np.isclose(d.sum(), 1.0, atol=1e-8):
            raise PsychometricsError(
                f"การแจกแจงคะแนนฉบับ {name} ต้องไม่ติดลบและรวมได้ 1 (the form-{name} score distribution must sum to 1)"
            )
    below_f = np.concatenate([[0.0], np.cumsum(f)[:-1]])
    below_g = np.concatenate([[0.0], np.cumsum(g)[:-1]])
    rank = below_f + 0.5 * f
    cell = np.searchsorted(below_g + g, rank, side="right")  # smallest y with G(y) > P(x)
    out = np.full(f.size, g.size - 0.5)
    found = cell < g.size
    y = cell[found]
    # differences of cumulative sums first: identical distributions give back every score exactly
    out[found] = y - 0.5 + ((below_f[found] - below_g[y]) + 0.5 * f[found]) / g[y]
    return out


def observed_score_equating(
    form_x: ItemParameters,
    form_y: ItemParameters,
    *,
    theta: tuple[ArrayLike, ArrayLike] | None = None,
    n_quadrature: int = 61,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> ObservedEquatingResult:
    """IRT observed-score equating: both forms' score distributions in one population, then
    equipercentile equating (Lord & Wingersky 1984; Kolen & Brennan 2014, §6.6).

    P(X = x) = Σ_q w_q P(X = x | θ_q) by the Lord–Wingersky recursion, likewise for Y.

    Parameters
    ----------
    form_x, form_y : ItemParameters
        Both forms on the same θ scale (link first).
    theta : (nodes, weights), optional
        The population as masses on θ points; default N(prior_mean, prior_sd²) on the
        61-point grid of :func:`psychometrics.irt.ability.quadrature`.
    n_quadrature, prior_mean, prior_sd : int, float, float
        The default population.

    Returns
    -------
    ObservedEquatingResult
    """
    if theta is None:
        nodes, weights = quadrature(n_quadrature, prior_mean, prior_sd, "grid")
    else:
        nodes, weights = (np.asarray(v, float) for v in theta)
        if nodes.shape != weights.shape or nodes.ndim != 1 or np.any(weights < 0) or weights.sum() <= 0:
            raise PsychometricsError(
                "theta ต้องเป็น (จุด θ, น้ำหนักไม่ติดลบ) ขนาดเท่ากัน (theta must be (points, non-negative weights))"
            )
        weights = weights / weights.sum()
    f = weights @ score_distribution(form_x, nodes)
    g = weights @ score_distribution(form_y, nodes)
    f, g = f / f.sum(), g / g.sum()
    return ObservedEquatingResult(np.arange(f.size, dtype=float), equipercentile(f, g), f, g)


# ----------------------------------------------------------------------------------------------------
# equating through a link, with delta-method standard errors
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkedEquatingResult:
    """Source-form scores, their target-form equivalents through a link, and delta-method SEs.

    Attributes
    ----------
    path : tuple of str           the link's forms, source first
    method : str                  "true_score" or "observed_score"
    score_x, score_y : ndarray    source scores and their equivalents on the target form
    se : ndarray or None          SE of score_y (None when the link has no covariance)
    """

    path: tuple[str, ...]
    method: str
    score_x: np.ndarray
    score_y: np.ndarray
    se: np.ndarray | None

    def summary(self) -> Table:
        data = {"score_x": self.score_x, "score_y": self.score_y.round(4)}
        if self.se is not None:
            data["se"] = self.se.round(4)
        title = "IRT true-score" if self.method == "true_score" else "IRT observed-score"
        return table_from_columns(
            f"การเทียบคะแนน ({title} equating): {' → '.join(self.path)}",
            data,
            notes=("SE: delta method (item-parameter covariances and the linking constants)",),
        )


def linked_equating(
    forms: Mapping[str, ItemParameters],
    link: ScaleLink,
    *,
    method: str = "true_score",
    scores: ArrayLike | None = None,
    step: float = 1e-6,
    **options,
) -> LinkedEquatingResult:
    """Equate the link's source form to its target form, with delta-method SEs (equateIRT's `score`).

    The source form is put on the target scale by the link's (A, B), then equated by
    :func:`true_score_equating` or :func:`observed_score_equating`.  The equated score depends on the
    item parameters of both forms directly and, through (A, B), on every form the link used; its
    derivatives are central differences of the equating (one solve per parameter, all scores at once)
    composed with the link's Jacobian, and var = Σ_f J_fᵀ Σ_f J_f.

    Parameters
    ----------
    forms : mapping of form name → ItemParameters
    link : psychometrics.irt.chains.ScaleLink
        A direct, chain or bisector link (its covariances, if any, give the SEs).
    method : {"true_score", "observed_score"}
    scores : array_like, optional
        True-score equating only: the source scores (default every integer score).
    **options
        Passed to :func:`observed_score_equating` (population on the target scale).

    Returns
    -------
    LinkedEquatingResult
    """
    if method not in ("true_score", "observed_score"):
        raise PsychometricsError(f"method ต้องเป็น true_score หรือ observed_score ได้ {method!r}")
    src, tgt = forms[link.source], forms[link.target]

    def equate(x_params: ItemParameters, y_params: ItemParameters, A: float, B: float) -> EquatingResult:
        moved = transform(x_params, A, B)
        if method == "true_score":
            return true_score_equating(moved, y_params, scores)
        return observed_score_equating(moved, y_params, **options)

    base = equate(src, tgt, link.A, link.B)
    if link.covariance is None:
        return LinkedEquatingResult(link.path, method, base.score_x, base.score_y, None)

    def d_params(which: str) -> np.ndarray:
        params = src if which == "x" else tgt
        v = parameter_vector(params)
        cols = []
        for k in range(v.size):
            h = step * max(1.0, abs(v[k]))
            out = []
            for sign in (1, -1):
                w = v.copy()
                w[k] += sign * h
                p = _from_vector(params, w)
                r = equate(p, tgt, link.A, link.B) if which == "x" else equate(src, p, link.A, link.B)
                out.append(r.score_y)
            cols.append((out[0] - out[1]) / (2 * h))
        return np.column_stack(cols)  # (n_scores, n_params)

    d_ab = np.column_stack([
        (equate(src, tgt, link.A + hh * (j == 0), link.B + hh * (j == 1)).score_y
         - equate(src, tgt, link.A - hh * (j == 0), link.B - hh * (j == 1)).score_y) / (2 * hh)
        for j, hh in ((0, step * max(1.0, link.A)), (1, step * max(1.0, abs(link.B))))
    ])
    jac = {f: d_ab @ j.T for f, j in link.jacobian.items()}
    for f, which in ((link.source, "x"), (link.target, "y")):
        direct = d_params(which)
        jac[f] = jac[f] + direct if f in jac else direct
    covs = link.form_covariances
    var = sum(j @ covs[f] @ j.T for f, j in jac.items())
    se = np.sqrt(np.clip(np.diag(var), 0.0, None))
    return LinkedEquatingResult(link.path, method, base.score_x, base.score_y, se)

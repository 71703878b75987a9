"""Scale linking from common items: mean/mean, mean/geometric mean, mean/sigma, Haebara and Stocking–Lord.

The new form's scale is put on the old (base) scale by θ_old = A θ_new + B, hence for every item
a* = a / A, b* = A b + B (each GRM/GPCM/PCM threshold likewise) and c* = c.  Because every model
here depends on θ only through a (θ − b_k), an item of the new form on the old scale answers like the
untransformed item at θ' = (θ − B) / A; the characteristic-curve criteria and their exact gradients
are computed that way (dP*/dA = −P'(θ') θ'/A, dP*/dB = −P'(θ')/A).

References
----------
Kolen, M. J., & Brennan, R. L. (2014). Test equating, scaling, and linking (3rd ed.), ch. 6. Springer.
Loyd, B. H., & Hoover, H. D. (1980). Vertical equating using the Rasch model. JEM, 17, 179–193.
Marco, G. L. (1977). Item characteristic curve solutions to three intractable testing problems. JEM, 14.
Haebara, T. (1980). Equating logistic ability scales by a weighted least squares method. Japanese
    Psychological Research, 22(3), 144–149.
Stocking, M. L., & Lord, F. M. (1983). Developing a common metric in item response theory. Applied
    Psychological Measurement, 7(2), 201–210.
Kim, S., & Lee, W.-C. (2006). An extension of four IRT linking methods for mixed-format tests. JEM, 43.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.stats import norm

from psychometrics.errors import ConvergenceWarning, PsychometricsError
from psychometrics.irt.ability import response_derivatives
from psychometrics.irt.models import ItemParameters, category_probabilities
from psychometrics.tables import Table

LINKING_METHODS = ("mean_mean", "mean_gmean", "mean_sigma", "haebara", "stocking_lord")
MOMENT_METHODS = ("mean_mean", "mean_gmean", "mean_sigma")


def transform(params: ItemParameters, A: float, B: float) -> ItemParameters:
    """Item parameters re-expressed on the scale θ* = A θ + B.

    Parameters
    ----------
    params : ItemParameters
    A, B : float
        Slope (> 0) and intercept.

    Returns
    -------
    ItemParameters
        a / A, A b + B, A b_k + B, c unchanged.
    """
    if not A > 0:
        raise PsychometricsError(f"ค่าคงที่ A ต้องมากกว่า 0 ได้ {A} (linking slope A must be > 0)")
    return ItemParameters(
        params.model,
        params.a / A,
        A * params.b + B,
        params.c.copy(),
        A * params.thresholds + B,
        params.item_ids,
    )


def transform_theta(theta: ArrayLike, A: float, B: float) -> np.ndarray:
    """θ on the new scale → θ on the old scale: A θ + B."""
    return A * np.asarray(theta, float) + B


@dataclass(frozen=True)
class LinkingResult:
    """Linking constants that carry the new scale onto the old: θ_old = A θ_new + B.

    Attributes
    ----------
    A, B : float
    method : str
    n_common : int
        Common items used.
    criterion : float or None
        Value of the Haebara / Stocking–Lord loss at the solution (None for moment methods).
    converged : bool
    """

    A: float
    B: float
    method: str
    n_common: int
    criterion: float | None = None
    converged: bool = True

    def transform(self, params: ItemParameters) -> ItemParameters:
        """New-form parameters on the old scale."""
        return transform(params, self.A, self.B)

    def transform_theta(self, theta: ArrayLike) -> np.ndarray:
        return transform_theta(theta, self.A, self.B)

    def summary(self) -> Table:
        rows = [(self.method, self.A, self.B, self.n_common, self.criterion, self.converged)]
        return Table(
            "การเชื่อมโยงสเกล (linking): θ_old = A θ_new + B",
            ("method", "A", "B", "common items", "criterion", "converged"),
            rows,
        )


def _match_common(
    new: ItemParameters, old: ItemParameters, common: Sequence[tuple[int | str, int | str]] | None
) -> tuple[np.ndarray, np.ndarray]:
    def index(params: ItemParameters, key: int | str, side: str) -> int:
        if isinstance(key, str):
            if key not in params.item_ids:
                raise PsychometricsError(
                    f"ไม่พบข้อสอบร่วม {key!r} ในฉบับ{side} (common item {key!r} "
                    f"not in the {'new' if side == 'ใหม่' else 'old'} form)"
                )
            return params.item_ids.index(key)
        if not 0 <= int(key) < params.n_items:
            raise PsychometricsError(f"ลำดับข้อสอบร่วม {key} เกินจำนวนข้อ (common item index {key} out of range)")
        return int(key)

    if common is None:
        if not (new.item_ids and old.item_ids):
            raise PsychometricsError(
                "ต้องระบุข้อสอบร่วม หรือให้รหัสข้อสอบทั้งสองฉบับ (give common item pairs, or item_ids on both forms)"
            )
        shared = [i for i in new.item_ids if i in set(old.item_ids)]
        pairs = [(new.item_ids.index(i), old.item_ids.index(i)) for i in shared]
    else:
        pairs = [(index(new, n, "ใหม่"), index(old, o, "เดิม")) for n, o in common]
    if not pairs:
        raise PsychometricsError("ไม่มีข้อสอบร่วมระหว่างสองฉบับ (the two forms share no common items)")
    idx_new = np.array([p[0] for p in pairs])
    idx_old = np.array([p[1] for p in pairs])
    for i, j in pairs:
        same_family = (new.model[i] in ("1pl", "rasch", "2pl", "3pl")) == (
            old.model[j] in ("1pl", "rasch", "2pl", "3pl")
        )
        if not same_family or new.n_categories[i] != old.n_categories[j]:
            raise PsychometricsError(
                f"ข้อสอบร่วมคู่ที่ {i + 1}/{j + 1} ใช้โมเดลหรือจำนวนหมวดคะแนนต่างกัน "
                f"(common item pair {i + 1}/{j + 1} differs in model or number of categories)"
            )
    return idx_new, idx_old


def _locations(params: ItemParameters) -> np.ndarray:
    """All location parameters: b of dichotomous items, every threshold of polytomous items."""
    thr = params.thresholds
    return thr[~np.isnan(thr)]


def _moments(new: ItemParameters, old: ItemParameters, method: str) -> tuple[float, float]:
    b_new, b_old = _locations(new), _locations(old)
    if method == "mean_mean":
        A = float(np.mean(new.a) / np.mean(old.a))
    elif method == "mean_gmean":
        A = float(np.exp(np.mean(np.log(new.a / old.a))))
    else:
        sd_new = float(np.std(b_new))
        if sd_new == 0:
            raise PsychometricsError(
                "ข้อสอบร่วมมีค่าความยากเท่ากันทุกข้อ ใช้ mean/sigma ไม่ได้ "
                "(common items have equal difficulties: mean/sigma is undefined)"
            )
        A = float(np.std(b_old) / sd_new)
    return A, float(np.mean(b_old) - A * np.mean(b_new))


def _grid(
    theta: tuple[float, float, int], weights: str, nodes: tuple[ArrayLike, ArrayLike] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    if nodes is not None:
        grid, w = (np.asarray(v, float) for v in nodes)
        if grid.ndim != 1 or grid.shape != w.shape or np.any(w < 0) or not w.sum() > 0:
            raise PsychometricsError(
                "nodes ต้องเป็น (จุด θ, น้ำหนักไม่ติดลบ) ขนาดเท่ากัน (nodes must be (points, non-negative weights))"
            )
        return grid, w / w.sum()
    grid = np.linspace(theta[0], theta[1], int(theta[2]))
    if weights == "uniform":
        w = np.ones_like(grid)
    elif weights == "normal":
        w = norm.pdf(grid)
    else:
        raise PsychometricsError(f"น้ำหนักต้องเป็น uniform หรือ normal ได้ {weights!r} (weights: uniform|normal)")
    return grid, w / w.sum()


def _curve_loss(
    new: ItemParameters, old: ItemParameters, grid: np.ndarray, w: np.ndarray, method: str, symmetric: bool
):
    """Loss and exact gradient in (A, B) for Haebara or Stocking–Lord."""
    n_cat = int(max(new.n_categories.max(), old.n_categories.max()))
    score = np.arange(n_cat, dtype=float)

    def curve(p: np.ndarray) -> np.ndarray:
        """(q, items, K) category curves → what the criterion compares: the curves (Haebara) or TCC."""
        p = p[:, :, :n_cat]
        return p if method == "haebara" else p @ score[: p.shape[2]] @ np.ones(p.shape[1])

    def part(diff: np.ndarray, d_a: np.ndarray, d_b: np.ndarray) -> tuple[float, float, float]:
        wd = w.reshape((-1,) + (1,) * (diff.ndim - 1)) * diff
        return float((wd * diff).sum()), float(-2 * (wd * d_a).sum()), float(-2 * (wd * d_b).sum())

    def column(v: np.ndarray, like: np.ndarray) -> np.ndarray:
        return v.reshape((-1,) + (1,) * (like.ndim - 1))

    target_old = curve(category_probabilities(old, grid))  # old items on the old scale
    target_new = curve(category_probabilities(new, grid))  # new items on the new scale

    def loss(x: np.ndarray) -> tuple[float, np.ndarray]:
        A, B = float(x[0]), float(x[1])
        if not A > 0:
            return np.inf, np.zeros(2)
        # new items on the old scale answer like the untransformed items at θ' = (θ − B) / A
        t_prime = (grid - B) / A
        p, dp, _ = response_derivatives(new, t_prime)
        model, slope = curve(p), curve(dp)
        value, g_a, g_b = part(target_old - model, slope * column(-t_prime / A, slope), slope * (-1.0 / A))
        if symmetric:
            # old items on the new scale answer like the untransformed old items at A θ + B
            q, dq, _ = response_derivatives(old, A * grid + B)
            model2, slope2 = curve(q), curve(dq)
            v2, a2, b2 = part(target_new - model2, slope2 * column(grid, slope2), slope2)
            value, g_a, g_b = value + v2, g_a + a2, g_b + b2
        return value, np.array([g_a, g_b])

    return loss


def link(
    new: ItemParameters,
    old: ItemParameters,
    method: str = "stocking_lord",
    *,
    common: Sequence[tuple[int | str, int | str]] | None = None,
    theta: tuple[float, float, int] = (-4.0, 4.0, 61),
    weights: str = "normal",
    symmetric: bool = False,
    start: tuple[float, float] | None = None,
    nodes: tuple[ArrayLike, ArrayLike] | None = None,
) -> LinkingResult:
    """Linking constants A, B that put the new form's scale on the old form's scale.

    Parameters
    ----------
    new, old : ItemParameters
        Separate calibrations of the new and the old (base) form.
    method : {"mean_mean", "mean_gmean", "mean_sigma", "haebara", "stocking_lord"}
        Mean/mean (Loyd & Hoover 1980): A = mean a_new / mean a_old; mean/geometric mean (as
        equateIRT's "mean-gmean"): A = (Π a_new / a_old)^(1/n); mean/sigma (Marco 1977):
        A = SD b_old / SD b_new; all B = mean b_old − A mean b_new (GRM/GPCM thresholds pooled).
        Haebara (1980): least squares between category response curves; Stocking–Lord (1983):
        least squares between test characteristic curves; both on a θ grid of the old scale.
    common : sequence of (new, old) pairs of indices or item ids, optional
        Default: the item ids that both forms share.
    theta : (low, high, n)
        The θ grid of the characteristic-curve criteria.
    weights : {"normal", "uniform"}
        Grid weights: the N(0, 1) density (default, as Python mirt) or equal.
    symmetric : bool
        Add the criterion in the other direction (old items on the new scale), Kolen & Brennan §6.5.
    start : (A, B), optional
        Start of the characteristic-curve minimisation; default mean/sigma (or (1, 0)).
    nodes : (points, weights), optional
        Explicit θ points and weights for the criteria, overriding `theta` and `weights` (equateIRT
        uses the 30 Gauss–Hermite nodes of N(0, 1): ``numpy.polynomial.hermite_e.hermegauss(30)``).

    Returns
    -------
    LinkingResult
    """
    if method not in LINKING_METHODS:
        raise PsychometricsError(
            f"ไม่รู้จักวิธีเชื่อมโยง {method!r} ต้องเป็น {', '.join(LINKING_METHODS)} "
            f"(unknown linking method; expected one of {', '.join(LINKING_METHODS)})"
        )
    idx_new, idx_old = _match_common(new, old, common)
    sub_new, sub_old = new.subset(idx_new), old.subset(idx_old)
    if method in MOMENT_METHODS:
        A, B = _moments(sub_new, sub_old, method)
        return LinkingResult(A, B, method, idx_new.size)
    if start is None:
        try:
            start = _moments(sub_new, sub_old, "mean_sigma")
        except PsychometricsError:
            start = (1.0, 0.0)
        if not (np.isfinite(start[0]) and start[0] > 0):
            start = (1.0, 0.0)
    grid, w = _grid(theta, weights, nodes)
    loss = _curve_loss(sub_new, sub_old, grid, w, method, symmetric)
    res = minimize(
        loss, np.asarray(start, float), jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 500}
    )
    converged = bool(res.success) or float(np.max(np.abs(res.jac))) < 1e-8
    if not converged:
        warnings.warn(
            f"การเชื่อมโยงแบบ {method} ยังไม่ลู่เข้า: {res.message} (linking {method} stopped before converging)",
            ConvergenceWarning,
            stacklevel=2,
        )
    return LinkingResult(float(res.x[0]), float(res.x[1]), method, idx_new.size, float(res.fun), converged)

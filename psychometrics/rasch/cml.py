"""Rasch, partial credit and rating scale models by conditional maximum likelihood (as R eRm's RM, PCM, RSM).

Category h of item i has probability ∝ exp(h θ − Σ_{l ≤ h} δ_il); the Rasch model has one threshold
per item (its difficulty b), the PCM free thresholds δ_ih, the RSM δ_ih = δ_i + τ_h with Σ τ_h = 0.
Given the raw score r the ability cancels, and the conditional log-likelihood is

    log L = Σ_v [ Σ_i ψ_{i, x_vi} − log γ_{r_v}(ψ) ],   ψ_ih = −Σ_{l ≤ h} δ_il,

with γ_r the elementary symmetric functions (:mod:`psychometrics.rasch._esf`).  The data enter only as
category counts n_ih and score-group sizes N_r, per pattern of answered items (persons who skipped
different items have their own γ, as eRm).  Its gradient is n_ih − Σ_r N_r P(X_i = h | r); the
maximum is found by BFGS, polished by one Newton step, and the standard errors invert the analytic
Hessian of the conditional log-likelihood, −Σ_r N_r Cov(1[X_i = h], 1[X_j = l] | r) from the
leave-two-out ESFs (eRm differentiates its gradient numerically, in `nlm`; the two agree to 1e-8).
Thresholds are reported centred on their mean by default (for the Rasch model the item difficulties
sum to 0), or normalised as eRm's ``sum0 = TRUE`` (``normalization="erm"``: for RM and PCM its category parameters
β_ih = −Σ_{l ≤ h} δ_il sum to 0, for RSM its item parameters; for the PCM and RSM that shifts every
threshold, and so every person's θ, by one constant); their covariance by the same linear map.  Persons with a zero or full score
carry no information about the items and change nothing.

References
----------
Andersen, E. B. (1972). The numerical solution of a set of conditional estimation equations. JRSS B, 34.
Fischer, G. H., & Molenaar, I. W. (Eds.). (1995). Rasch models: Foundations, recent developments,
    and applications. Springer.
Mair, P., & Hatzinger, R. (2007). Extended Rasch modeling: The eRm package for the application of IRT
    models in R. Journal of Statistical Software, 20(9), 1–20.
Masters, G. N. (1982). A Rasch model for partial credit scoring. Psychometrika, 47(2), 149–174.
Andrich, D. (1978). A rating formulation for ordered response categories. Psychometrika, 43(4), 561–573.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize

from psychometrics.errors import ConvergenceWarning, PsychometricsError
from psychometrics.irt.models import ItemParameters
from psychometrics.rasch._esf import category_given_score, log_esf
from psychometrics.tables import Table, table_from_columns

MODELS = ("rasch", "pcm", "rsm")
NORMALIZATIONS = ("thresholds", "erm")


# ----------------------------------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Pattern:
    """Persons who answered the same items: their category counts and score-group sizes."""

    items: np.ndarray  # (m_p,)
    counts: np.ndarray  # (m_p, K) n_ih
    score_counts: np.ndarray  # (R_p + 1,) N_r


def check_scores(responses: ArrayLike) -> np.ndarray:
    """Persons × items as float, NaN = not answered; integer categories 0, 1, 2, … or PsychometricsError."""
    x = np.asarray(responses, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise PsychometricsError(
            "ข้อมูลต้องเป็นตาราง ผู้สอบ × ข้อ อย่างน้อย 2 × 2 (responses must be persons × items, at least 2 × 2)"
        )
    seen = x[~np.isnan(x)]
    if np.any(seen < 0) or np.any(seen != np.round(seen)):
        raise PsychometricsError(
            "คะแนนต้องเป็นจำนวนเต็ม 0, 1, 2, … หรือว่าง (scores must be integers 0, 1, 2, … or missing)"
        )
    return x


def _patterns(x: np.ndarray, n_cat: np.ndarray) -> list[_Pattern]:
    answered = ~np.isnan(x)
    if answered.all():
        groups = [(np.arange(x.shape[1]), np.arange(x.shape[0]))]
    else:
        kinds, which = np.unique(answered, axis=0, return_inverse=True)
        which = which.reshape(-1)
        groups = [(np.flatnonzero(k), np.flatnonzero(which == g)) for g, k in enumerate(kinds) if k.sum() > 1]
    k_max = int(n_cat.max())
    out = []
    for items, persons in groups:
        sub = x[np.ix_(persons, items)].astype(np.int64)
        counts = np.stack([(sub == h).sum(axis=0) for h in range(k_max)], axis=1)
        top = int((n_cat[items] - 1).sum())
        out.append(_Pattern(items, counts, np.bincount(sub.sum(axis=1), minlength=top + 1)))
    return out


# ----------------------------------------------------------------------------------------------------
# model design: thresholds δ = D φ, log-weights ψ = −L δ
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Design:
    item: np.ndarray  # (T,) item of each threshold slot
    step: np.ndarray  # (T,) its category h = 1 … m_i
    D: np.ndarray  # (T, p) thresholds from the free parameters
    W: np.ndarray  # (T, p) log-weights ψ_ih from the free parameters
    centre: np.ndarray  # (T, p) centred thresholds (sum 0) from the free parameters


def _design(model: str, n_cat: np.ndarray) -> _Design:
    m = n_cat.size
    steps = n_cat - 1
    item = np.repeat(np.arange(m), steps)
    step = np.concatenate([np.arange(1, s + 1) for s in steps])
    T = item.size
    if model == "rsm":
        M = int(steps[0])
        D = np.zeros((T, (m - 1) + (M - 1)))
        for t in range(T):
            if item[t] > 0:
                D[t, item[t] - 1] = 1.0
            if step[t] < M:
                D[t, m - 1 + step[t] - 1] = 1.0
            else:
                D[t, m - 1 :] = -1.0
    else:
        D = np.eye(T)[:, 1:]
    # ψ_ih = −Σ_{l ≤ h} δ_il: cumulative sums within each item
    L = (item[:, None] == item[None, :]) & (step[None, :] <= step[:, None])
    centre = D - D.mean(axis=0, keepdims=True)
    return _Design(item, step, D, -L.astype(float) @ D, centre)


def _erm_normalised(design: _Design, model: str) -> _Design:
    """The design with eRm's sum0 map, a shift of every threshold by one constant.

    RM and PCM: the category parameters sum to 0, Σ β_ih = −Σ_ih Σ_{l ≤ h} δ_il = −cᵀδ with c_t the
    item's categories from slot t upwards.  RSM: eRm's item parameters sum to 0, which is Σ_i δ_i1 = 0.
    """
    if model == "rsm":
        c = (design.step == 1).astype(float)
    else:
        c = (design.item[:, None] == design.item[None, :]) & (design.step[:, None] <= design.step[None, :])
        c = c.sum(axis=1).astype(float)
    shift = np.eye(c.size) - np.outer(np.ones_like(c), c) / c.sum()
    return replace(design, centre=shift @ design.D)


def _psi(design: _Design, phi: np.ndarray, m: int, k: int) -> np.ndarray:
    psi = np.full((m, k), -np.inf)
    psi[:, 0] = 0.0
    psi[design.item, design.step] = design.W @ phi
    return psi


def _loglik(phi: np.ndarray, design: _Design, patterns: list[_Pattern], m: int, k: int):
    """Conditional log-likelihood and its gradient in the free parameters."""
    psi = _psi(design, phi, m, k)
    value = 0.0
    grad = np.zeros((m, k))
    for pat in patterns:
        sub = psi[pat.items]
        log_gamma, loo = log_esf(sub)
        expected = category_given_score(sub, log_gamma, loo) @ pat.score_counts
        value += float((pat.counts * np.where(np.isfinite(sub), sub, 0.0)).sum() - pat.score_counts @ log_gamma)
        grad[pat.items] += pat.counts - expected
    return value, design.W.T @ grad[design.item, design.step]


def _pair_log_esf(psi: np.ndarray) -> np.ndarray:
    """log γ^(ij)_r: ESFs of the items without i and j, shape (m, m, R + 1), −inf on the diagonal.

    One leave-one-out pass (:func:`log_esf`) per removed item i gives γ^(ij) for every j ≠ i: m passes
    of 3(m − 1) convolutions, a loop over items (never over persons).
    """
    m = psi.shape[0]
    total = int(sum(np.flatnonzero(np.isfinite(row)).max() for row in psi)) + 1
    out = np.full((m, m, total), -np.inf)
    for i in range(m):
        rest = np.delete(np.arange(m), i)
        if rest.size == 0:
            continue
        _, loo = log_esf(psi[rest])
        out[i, rest, : loo.shape[1]] = loo
    return out


def _pattern_hessian(psi: np.ndarray, score_counts: np.ndarray) -> np.ndarray:
    """Hessian of one pattern's conditional log-likelihood in its log-weights ψ_ih (h ≥ 1).

    ∂² log L / ∂ψ_ih ∂ψ_jl = −Σ_r N_r Cov(1[X_i = h], 1[X_j = l] | r), with
    P(X_i = h, X_j = l | r) = e^{ψ_ih + ψ_jl} γ^(ij)_{r−h−l} / γ_r for i ≠ j and δ_hl P(X_i = h | r)
    for i = j.  Shape (m, K − 1, m, K − 1).
    """
    m, k = psi.shape
    log_gamma, loo = log_esf(psi)
    total = log_gamma.size
    p = category_given_score(psi, log_gamma, loo)[:, 1:]  # (m, K−1, R+1)
    pair = _pair_log_esf(psi)
    weights = score_counts[:total]
    joint = np.zeros((m, k - 1, m, k - 1))
    with np.errstate(invalid="ignore"):
        for h in range(1, k):
            for g in range(1, k):
                if h + g >= total:
                    continue
                shifted = np.full((m, m, total), -np.inf)
                shifted[:, :, h + g :] = pair[:, :, : total - h - g]
                z = psi[:, h, None, None] + psi[None, :, g, None] + shifted - log_gamma
                e = np.where(np.isfinite(z), np.exp(np.where(np.isfinite(z), z, 0.0)), 0.0)
                joint[:, h - 1, :, g - 1] = e @ weights
    diag = np.arange(m)
    joint[diag, :, diag, :] = 0.0
    for h in range(k - 1):
        joint[diag, h, diag, h] = p[:, h] @ weights
    outer = np.einsum("ihr,jlr,r->ihjl", p, p, weights)
    return -(joint - outer)


def _hessian(phi, design, patterns, m, k) -> np.ndarray:
    """Analytic Hessian of the conditional log-likelihood in the free parameters: Wᵀ H_ψ W."""
    psi = _psi(design, phi, m, k)
    slot = np.full((m, k), -1)
    slot[design.item, design.step] = np.arange(design.item.size)
    h_psi = np.zeros((design.item.size, design.item.size))
    for pat in patterns:
        sub = psi[pat.items]
        hp = _pattern_hessian(sub, pat.score_counts).reshape(pat.items.size * (k - 1), -1)
        idx = slot[pat.items][:, 1:].reshape(-1)
        ok = idx >= 0
        h_psi[np.ix_(idx[ok], idx[ok])] += hp[np.ix_(ok, ok)]
    return design.W.T @ h_psi @ design.W


@dataclass(frozen=True)
class _Fit:
    phi: np.ndarray
    log_likelihood: float
    hessian: np.ndarray
    n_iter: int
    converged: bool


def _start(design: _Design, patterns: list[_Pattern], m: int, k: int) -> np.ndarray:
    counts = sum(_scatter_counts(p, m, k) for p in patterns)
    lo = counts[design.item, design.step - 1] + 0.5
    hi = counts[design.item, design.step] + 0.5
    delta = np.log(lo / hi)  # adjacent-category log odds
    return np.linalg.lstsq(design.D, delta - delta[0], rcond=None)[0]


def _scatter_counts(pat: _Pattern, m: int, k: int) -> np.ndarray:
    out = np.zeros((m, k))
    out[pat.items] = pat.counts
    return out


def fit_cml(model: str, x: np.ndarray, n_cat: np.ndarray, max_iter: int, tol: float) -> tuple[_Design, _Fit]:
    """Maximise the conditional likelihood; `tol` bounds the largest gradient entry per person."""
    design = _design(model, n_cat)
    m, k = n_cat.size, int(n_cat.max())
    patterns = _patterns(x, n_cat)
    n = sum(int(p.score_counts.sum()) for p in patterns)

    def negative(phi):
        value, grad = _loglik(phi, design, patterns, m, k)
        return -value / n, -grad / n

    res = minimize(negative, _start(design, patterns, m, k), jac=True, method="BFGS",
                   options={"gtol": tol, "maxiter": max_iter})
    phi = res.x
    hess = _hessian(phi, design, patterns, m, k)
    value, grad = _loglik(phi, design, patterns, m, k)
    try:  # one Newton step from BFGS's answer: the conditional log-likelihood is concave
        newton = phi - np.linalg.solve(hess, grad)
        new_value, new_grad = _loglik(newton, design, patterns, m, k)
        if new_value >= value:
            phi, value, grad = newton, new_value, new_grad
    except np.linalg.LinAlgError:
        pass
    converged = bool(np.max(np.abs(grad)) / n < max(tol, 1e-8) * 10)
    return design, _Fit(phi, value, hess, int(res.nit), converged)


# ----------------------------------------------------------------------------------------------------
# estimators
# ----------------------------------------------------------------------------------------------------
class _CML:
    """Shared fit / person parameters / fit statistics of the three CML models.

    Parameters
    ----------
    max_iter : int, default=500
    tol : float, default=1e-9
        Gradient tolerance (per person) of the BFGS iterations.
    item_ids : sequence of str, optional
    normalization : {"thresholds", "erm"}, default="thresholds"
        Which sum is 0: all thresholds δ_ih, or eRm's parameters (``sum0 = TRUE``: the category
        parameters β_ih = −Σ_{l ≤ h} δ_il, for RSM the item parameters; then thresholds, SEs and
        person parameters equal eRm's).  The same for
        the Rasch model; a constant shift of the scale for the PCM and RSM.

    Attributes
    ----------
    thresholds_ : ndarray (n_items, max_categories − 1)
        δ_ih, normalised by `normalization`; NaN-padded.  One column for the Rasch model.
    threshold_se_ : ndarray like thresholds_
    difficulty_ : ndarray (n_items,)
        Item location: the mean of its thresholds (the Rasch difficulty b).
    difficulty_se_ : ndarray (n_items,)
    covariance_ : ndarray (T, T)
        Covariance of the centred thresholds in item-major order.
    log_likelihood_ : float
        The conditional log-likelihood at the maximum.
    n_parameters_ : int
    n_iter_ : int
    converged_ : bool
    params_ : ItemParameters
        The same model for ability, fit and information (a = 1; Rasch as "rasch", others as "pcm").
    n_categories_ : ndarray (n_items,)
    n_persons_, n_extreme_ : int
        Persons fitted, and how many of them have a zero or full score (no item information).
    """

    _model = "rasch"

    def __init__(self, max_iter: int = 500, tol: float = 1e-9, item_ids: Sequence[str] | None = None,
                 normalization: str = "thresholds") -> None:
        self.max_iter = max_iter
        self.tol = tol
        self.item_ids = item_ids
        self.normalization = normalization

    def fit(self, responses: ArrayLike) -> _CML:
        if self.normalization not in NORMALIZATIONS:
            raise PsychometricsError(f"normalization ต้องเป็น {' หรือ '.join(NORMALIZATIONS)} "
                                     f"(normalization must be one of {', '.join(NORMALIZATIONS)})")
        x = check_scores(responses)
        n_cat = _categories(x, self._model)
        design, est = fit_cml(self._model, x, n_cat, self.max_iter, self.tol)
        if self.normalization == "erm":
            design = _erm_normalised(design, self._model)
        m, width = n_cat.size, int(n_cat.max()) - 1
        try:
            cov_free = np.linalg.inv(-est.hessian)
        except np.linalg.LinAlgError:
            cov_free = np.linalg.pinv(-est.hessian)
        centred = design.centre @ est.phi
        cov = design.centre @ cov_free @ design.centre.T
        thr = np.full((m, width), np.nan)
        se = np.full((m, width), np.nan)
        thr[design.item, design.step - 1] = centred
        se[design.item, design.step - 1] = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        # item location = mean of its thresholds: a linear map of the centred thresholds
        avg = (design.item[None, :] == np.arange(m)[:, None]) / (n_cat - 1)[:, None]
        self.thresholds_, self.threshold_se_, self.covariance_ = thr, se, cov
        self.difficulty_ = avg @ centred
        self.difficulty_se_ = np.sqrt(np.clip(np.einsum("it,ts,is->i", avg, cov, avg), 0.0, None))
        self.log_likelihood_, self.n_parameters_ = est.log_likelihood, int(est.phi.size)
        self.n_iter_, self.converged_, self.n_categories_ = est.n_iter, est.converged, n_cat
        ids = tuple(self.item_ids) if self.item_ids is not None else tuple(f"I{j + 1}" for j in range(m))
        if len(ids) != m:
            raise PsychometricsError(f"item_ids ต้องมี {m} ชื่อ (item_ids must name every item)")
        self.item_ids_ = ids
        self.params_ = (
            ItemParameters.dichotomous(np.ones(m), thr[:, 0], model="rasch", item_ids=ids)
            if self._model == "rasch"
            else ItemParameters.polytomous(np.ones(m), thr, model="pcm", item_ids=ids)
        )
        answered = ~np.isnan(x)
        score = np.nansum(x, axis=1)
        top = answered @ (n_cat - 1)
        self.n_persons_ = int(x.shape[0])
        self.n_extreme_ = int(np.sum((score == 0) | (score == top)))
        if not est.converged:
            warnings.warn(
                f"CML ({self._model}) ยังไม่ลู่เข้าใน {est.n_iter} รอบ (CML stopped before converging)",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def covariance_labels(self) -> tuple[tuple[str, str], ...]:
        """(item, threshold) of each row and column of `covariance_`: ``b`` for a Rasch item, ``tau1`` … else."""
        _fitted(self)
        keep = np.argwhere(~np.isnan(self.thresholds_))
        return tuple((self.item_ids_[i], "b" if self._model == "rasch" else f"tau{h + 1}") for i, h in keep)

    def covariance_table(self) -> Table:
        """`covariance_` as a table: item, parameter, then one column per parameter (``item:parameter``)."""
        labels = self.covariance_labels()
        data: dict[str, Sequence] = {"item": [i for i, _ in labels], "parameter": [p for _, p in labels]}
        for k, (item, par) in enumerate(labels):
            data[f"{item}:{par}"] = self.covariance_[:, k]
        return table_from_columns(
            "เมทริกซ์ความแปรปรวนร่วมของพารามิเตอร์ (CML)", data,
            notes=("covariance of the reported thresholds (inverse of the analytic CML information, "
                   f"normalization {self.normalization!r})",))

    def summary(self) -> Table:
        _fitted(self)
        data = {"item": self.item_ids_, "difficulty": self.difficulty_.round(4), "se": self.difficulty_se_.round(4)}
        if self._model != "rasch":
            for h in range(self.thresholds_.shape[1]):
                data[f"tau{h + 1}"] = self.thresholds_[:, h].round(4)
                data[f"se{h + 1}"] = self.threshold_se_[:, h].round(4)
        names = {"rasch": "Rasch", "pcm": "partial credit", "rsm": "rating scale"}
        return table_from_columns(
            f"โมเดล {names[self._model]} โดย conditional ML (CML)",
            data,
            notes=(
                f"conditional log-likelihood {self.log_likelihood_:.4f}; {self.n_parameters_} parameters; "
                f"{'converged' if self.converged_ else 'NOT converged'}",
                f"{self.n_persons_} persons ({self.n_extreme_} with zero or full scores); thresholds sum to 0",
            ),
        )


def _categories(x: np.ndarray, model: str) -> np.ndarray:
    top = np.nanmax(x, axis=0)
    low = np.nanmin(x, axis=0)
    if np.any(np.isnan(top)) or np.any(top == low):
        bad = np.flatnonzero(np.isnan(top) | (top == low)) + 1
        raise PsychometricsError(
            f"ข้อ {', '.join(map(str, bad))} มีคำตอบเหมือนกันทุกคน ประมาณค่าแบบ CML ไม่ได้ "
            f"(items {', '.join(map(str, bad))} have no variation: CML cannot estimate them)"
        )
    n_cat = top.astype(int) + 1
    if model == "rasch" and np.any(n_cat > 2):
        raise PsychometricsError("โมเดล Rasch ใช้ได้กับคะแนน 0/1 เท่านั้น (the Rasch model needs 0/1 scores; use PCM)")
    if model == "rsm" and np.unique(n_cat).size > 1:
        raise PsychometricsError(
            "โมเดล rating scale ต้องมีจำนวนหมวดคะแนนเท่ากันทุกข้อ (the rating scale model needs equal categories)"
        )
    return n_cat


def _fitted(est) -> None:
    if not hasattr(est, "thresholds_"):
        raise PsychometricsError("ต้องเรียก fit ก่อน (call fit first)")


class RaschCML(_CML):
    """Dichotomous Rasch model by conditional ML (eRm's `RM`): P(X = 1 | θ) = 1 / (1 + e^{−(θ − b)})."""

    _model = "rasch"


class PartialCreditCML(_CML):
    """Partial credit model by conditional ML (eRm's `PCM`; Masters 1982): free thresholds per item."""

    _model = "pcm"


class RatingScaleCML(_CML):
    """Rating scale model by conditional ML (eRm's `RSM`; Andrich 1978): δ_ih = δ_i + τ_h, Σ τ_h = 0.

    Extra attributes: ``category_thresholds_`` (τ_h, summing to 0).
    """

    _model = "rsm"

    def fit(self, responses: ArrayLike) -> RatingScaleCML:
        super().fit(responses)
        self.category_thresholds_ = self.thresholds_[0] - self.difficulty_[0]
        return self

"""IRT calibration as estimators: settings in ``__init__``, data in ``fit``, learned state ends in ``_``.

Each class is a thin, typed front to `calibrate` (marginal maximum likelihood, Bock–Aitkin EM):

>>> model = TwoPL(n_quadrature=61).fit(responses)          # doctest: +SKIP
>>> model.params_.a, model.standard_errors_.a, model.converged_   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from psychometrics.irt._families import Priors
from psychometrics.irt.calibration import Calibration, IterationRecord, StandardErrors, calibrate
from psychometrics.irt.models import ItemParameters
from psychometrics.tables import Table

__all__ = ["GPCM", "PCM", "GradedResponse", "OnePL", "Rasch", "ThreePL", "TwoPL"]


class _IRTEstimator:
    """Shared fit/summary; subclasses fix the model name and document it.

    Parameters
    ----------
    n_quadrature : int, default=61
        Gauss–Hermite nodes per group for the ability prior.
    max_iter : int, default=500
        EM cycles allowed.
    tol : float, default=1e-4
        Stop when no internal parameter moves more than `tol` in one EM step.
    standard_errors : {"auto", "oakes", "xpd", "none"}, default="auto"
        Observed information by Oakes' identity for small problems, cross-product for large ones.
    item_ids : sequence of str, optional
        Item names for messages, results and matching anchors.

    Attributes
    ----------
    params_ : ItemParameters
    standard_errors_ : StandardErrors (a, b, c, thresholds; NaN where not estimated)
    log_likelihood_ : float
    n_iter_ : int
    converged_ : bool
    history_ : tuple of IterationRecord (iteration, log_likelihood, max_change, e_steps)
    group_means_, group_variances_ : ndarray of shape (n_groups,)
    result_ : Calibration
    """

    _model = "2pl"

    def __init__(self, n_quadrature: int = 61, max_iter: int = 500, tol: float = 1e-4,
                 standard_errors: str = "auto", item_ids: Sequence[str] | None = None) -> None:
        self.n_quadrature = n_quadrature
        self.max_iter = max_iter
        self.tol = tol
        self.standard_errors = standard_errors
        self.item_ids = item_ids

    def _extra(self) -> dict[str, Any]:
        return {}

    def fit(self, responses, groups=None,
            fixed: ItemParameters | Mapping[int, Any] | None = None) -> _IRTEstimator:
        """Calibrate on persons × items `responses` (NaN = missing); returns self."""
        result = calibrate(responses, self._model, n_quadrature=self.n_quadrature, max_iter=self.max_iter,
                           tol=self.tol, groups=groups, fixed=fixed, item_ids=self.item_ids,
                           standard_errors=self.standard_errors, **self._extra())
        self.result_: Calibration = result
        self.params_: ItemParameters = result.params
        self.standard_errors_: StandardErrors = result.standard_errors
        self.log_likelihood_: float = result.log_likelihood
        self.n_iter_: int = result.n_iter
        self.converged_: bool = result.converged
        self.history_: tuple[IterationRecord, ...] = result.history
        self.group_means_: np.ndarray = result.group_means
        self.group_variances_: np.ndarray = result.group_variances
        return self

    @property
    def discrimination_(self) -> np.ndarray:
        return self.params_.a

    @property
    def difficulty_(self) -> np.ndarray:
        return self.params_.b

    def summary(self) -> Table:
        if not hasattr(self, "result_"):
            from psychometrics.errors import PsychometricsError
            raise PsychometricsError("ยังไม่ได้ fit / call fit() first")
        return self.result_.summary()


class Rasch(_IRTEstimator):
    """Rasch model by MML: P(X = 1 | θ) = 1 / (1 + exp(−(θ − b))), a = 1.

    The ability variance of the reference group is estimated (``estimate_variance=True``), as in
    R mirt's and TAM's MML Rasch; with ``False`` θ ~ N(0, 1).
    """

    _model = "rasch"

    def __init__(self, n_quadrature: int = 61, max_iter: int = 500, tol: float = 1e-4,
                 standard_errors: str = "auto", item_ids: Sequence[str] | None = None,
                 estimate_variance: bool = True) -> None:
        super().__init__(n_quadrature, max_iter, tol, standard_errors, item_ids)
        self.estimate_variance = estimate_variance

    def _extra(self) -> dict[str, Any]:
        return {"estimate_variance": self.estimate_variance}


class OnePL(_IRTEstimator):
    """One-parameter logistic: one common slope a for all items, θ ~ N(0, 1).

    P(X = 1 | θ) = 1 / (1 + exp(−a (θ − b_j))); the same model as `Rasch` in another metric.
    """

    _model = "1pl"


class TwoPL(_IRTEstimator):
    """Two-parameter logistic by MML: P(X = 1 | θ) = 1 / (1 + exp(−a (θ − b))), no 1.7; θ ~ N(0, 1).

    References: Bock, R. D., & Aitkin, M. (1981). Psychometrika, 46(4), 443–459.
    """

    _model = "2pl"


class ThreePL(_IRTEstimator):
    """Three-parameter logistic: P = c + (1 − c) / (1 + exp(−a (θ − b))).

    Priors (posterior-mode estimates) by default: log a ~ N(0, 0.5²) and c ~ Beta(5, 17);
    ``a_prior=None`` / ``c_prior=None`` switch them off.
    """

    _model = "3pl"

    def __init__(self, n_quadrature: int = 61, max_iter: int = 500, tol: float = 1e-4,
                 standard_errors: str = "auto", item_ids: Sequence[str] | None = None,
                 a_prior: tuple[float, float] | None = (0.0, 0.5),
                 c_prior: tuple[float, float] | None = (5.0, 17.0)) -> None:
        super().__init__(n_quadrature, max_iter, tol, standard_errors, item_ids)
        self.a_prior = a_prior
        self.c_prior = c_prior

    def _extra(self) -> dict[str, Any]:
        return {"priors": Priors(self.a_prior, self.c_prior)}


class GradedResponse(_IRTEstimator):
    """Samejima's graded response model: P(X ≥ k | θ) = 1 / (1 + exp(−a (θ − b_k)))."""

    _model = "grm"


class GPCM(_IRTEstimator):
    """Generalised partial credit (Muraki 1992): P(X = k | θ) ∝ exp(Σ_{j ≤ k} a (θ − b_j))."""

    _model = "gpcm"


class PCM(_IRTEstimator):
    """Partial credit model (Masters 1982): the GPCM with a = 1; ability variance estimated.

    ``estimate_variance=False`` fixes θ ~ N(0, 1) instead.
    """

    _model = "pcm"

    def __init__(self, n_quadrature: int = 61, max_iter: int = 500, tol: float = 1e-4,
                 standard_errors: str = "auto", item_ids: Sequence[str] | None = None,
                 estimate_variance: bool = True) -> None:
        super().__init__(n_quadrature, max_iter, tol, standard_errors, item_ids)
        self.estimate_variance = estimate_variance

    def _extra(self) -> dict[str, Any]:
        return {"estimate_variance": self.estimate_variance}

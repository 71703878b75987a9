"""Item response functions and information for every model Khlang fits.

Logistic metric, no 1.7 constant, θ ~ N(0, 1) in the base group.

* 1PL / Rasch and 2PL, 3PL:  P(X=1 | θ) = c + (1 − c) / (1 + exp(−a (θ − b)))
* GRM (Samejima 1969):       P(X ≥ k | θ) = 1 / (1 + exp(−a (θ − b_k))),  k = 1..K−1
* GPCM (Muraki 1992), PCM:   P(X = k | θ) ∝ exp(Σ_{j ≤ k} a (θ − b_j)),   PCM has a = 1

Every function takes all items and all θ at once; shapes are (n_theta, n_items[, n_categories]).
This module is the stable public API that ability, fit, DIF, linking and the assembler build on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from psychometrics.errors import PsychometricsError
from psychometrics.irt._special import expit, log_softmax

DICHOTOMOUS = ("1pl", "rasch", "2pl", "3pl")
POLYTOMOUS = ("grm", "gpcm", "pcm")
MODELS = DICHOTOMOUS + POLYTOMOUS


@dataclass(frozen=True)
class ItemParameters:
    """IRT parameters of `n_items` items, each with its own model.

    a, b, c : ndarray (n_items,)  discrimination, difficulty (NaN for polytomous), lower asymptote (0 if none)
    thresholds : ndarray (n_items, max_categories − 1)  b_1..b_{K−1} for GRM/GPCM/PCM, NaN-padded;
        for dichotomous items column 0 repeats b so that category code works uniformly.
    """

    model: tuple[str, ...]
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    thresholds: np.ndarray
    item_ids: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        n = len(self.model)
        bad = [m for m in self.model if m not in MODELS]
        if bad:
            raise PsychometricsError(f"unknown IRT model {bad[0]!r}; expected one of {', '.join(MODELS)}")
        for name in ("a", "b", "c"):
            if np.shape(getattr(self, name)) != (n,):
                raise PsychometricsError(f"{name} must have shape ({n},)")
        if self.thresholds.ndim != 2 or self.thresholds.shape[0] != n:
            raise PsychometricsError(f"thresholds must have shape ({n}, K-1)")
        if self.item_ids and len(self.item_ids) != n:
            raise PsychometricsError("item_ids must name every item")

    @property
    def n_items(self) -> int:
        return len(self.model)

    @property
    def n_categories(self) -> np.ndarray:
        """Number of score categories per item (2 for dichotomous)."""
        return 1 + np.sum(~np.isnan(self.thresholds), axis=1)

    @property
    def max_categories(self) -> int:
        return self.thresholds.shape[1] + 1

    @classmethod
    def dichotomous(cls, a, b, c=None, model: str | Sequence[str] = "2pl", item_ids=()) -> ItemParameters:
        a, b = np.asarray(a, float), np.asarray(b, float)
        c = np.zeros_like(b) if c is None else np.asarray(c, float)
        models = (model,) * b.size if isinstance(model, str) else tuple(model)
        return cls(models, a, b, c, b[:, None].copy(), tuple(item_ids))

    @classmethod
    def polytomous(cls, a, thresholds, model: str | Sequence[str] = "grm", item_ids=()) -> ItemParameters:
        a = np.asarray(a, float)
        thr = np.atleast_2d(np.asarray(thresholds, float))
        n = a.size
        models = (model,) * n if isinstance(model, str) else tuple(model)
        return cls(models, a, np.full(n, np.nan), np.zeros(n), thr, tuple(item_ids))

    def subset(self, idx) -> ItemParameters:
        idx = np.asarray(idx)
        ids = tuple(np.asarray(self.item_ids, dtype=object)[idx]) if self.item_ids else ()
        return ItemParameters(tuple(np.asarray(self.model, dtype=object)[idx]), self.a[idx], self.b[idx],
                              self.c[idx], self.thresholds[idx], ids)


def _model_groups(params: ItemParameters) -> dict[str, np.ndarray]:
    models = np.asarray(params.model)
    groups = {}
    for key, names in (("dich", DICHOTOMOUS), ("grm", ("grm",)), ("gpcm", ("gpcm", "pcm"))):
        idx = np.flatnonzero(np.isin(models, names))
        if idx.size:
            groups[key] = idx
    return groups


def category_probabilities(params: ItemParameters, theta) -> np.ndarray:
    """P(X = k | θ), shape (n_theta, n_items, max_categories); unused categories are 0."""
    theta = np.atleast_1d(np.asarray(theta, float))
    out = np.zeros((theta.size, params.n_items, params.max_categories))
    for key, idx in _model_groups(params).items():
        a = params.a[idx]
        if key == "dich":
            p1 = params.c[idx] + (1 - params.c[idx]) * expit(a * (theta[:, None] - params.b[idx]))
            out[:, idx, 0], out[:, idx, 1] = 1 - p1, p1
        elif key == "grm":
            thr = params.thresholds[idx]                                     # (m, K-1)
            star = expit(a[:, None] * (theta[:, None, None] - thr))          # (t, m, K-1), NaN where unused
            star = np.nan_to_num(star, nan=0.0)
            ones = np.ones(star.shape[:2] + (1,))
            zeros = np.zeros(star.shape[:2] + (1,))
            cum = np.concatenate([ones, star, zeros], axis=2)                # P(X >= k), k = 0..K
            probs = cum[:, :, :-1] - cum[:, :, 1:]
            out[:, idx, : probs.shape[2]] = np.clip(probs, 0.0, 1.0)
        else:
            thr = params.thresholds[idx]
            steps = a[:, None] * (theta[:, None, None] - thr)                # (t, m, K-1)
            z = np.concatenate([np.zeros(steps.shape[:2] + (1,)), np.cumsum(np.nan_to_num(steps), axis=2)], 2)
            valid = np.concatenate([np.ones((len(idx), 1), bool), ~np.isnan(thr)], axis=1)
            z = np.where(valid[None], z, -np.inf)
            out[:, idx, : z.shape[2]] = np.exp(log_softmax(z, axis=2))
    return out


def expected_score(params: ItemParameters, theta) -> np.ndarray:
    """E[X | θ] per item, shape (n_theta, n_items)."""
    p = category_probabilities(params, theta)
    return p @ np.arange(p.shape[2], dtype=float)


def item_information(params: ItemParameters, theta) -> np.ndarray:
    """Fisher information of each item at each θ, shape (n_theta, n_items)."""
    theta = np.atleast_1d(np.asarray(theta, float))
    info = np.zeros((theta.size, params.n_items))
    for key, idx in _model_groups(params).items():
        a = params.a[idx]
        if key == "dich":
            c = params.c[idx]
            p_star = expit(a * (theta[:, None] - params.b[idx]))
            p = c + (1 - c) * p_star
            info[:, idx] = a**2 * ((p - c) / (1 - c)) ** 2 * (1 - p) / p
        elif key == "grm":
            thr = params.thresholds[idx]
            star = np.nan_to_num(expit(a[:, None] * (theta[:, None, None] - thr)), nan=0.0)
            ones = np.ones(star.shape[:2] + (1,))
            zeros = np.zeros(star.shape[:2] + (1,))
            cum = np.concatenate([ones, star, zeros], axis=2)
            dcum = a[None, :, None] * cum * (1 - cum)                        # derivative of P(X >= k)
            p = cum[:, :, :-1] - cum[:, :, 1:]
            dp = dcum[:, :, :-1] - dcum[:, :, 1:]
            with np.errstate(divide="ignore", invalid="ignore"):
                info[:, idx] = np.where(p > 1e-300, dp**2 / p, 0.0).sum(axis=2)
        else:
            sub = params.subset(idx)
            p = category_probabilities(sub, theta)
            k = np.arange(p.shape[2], dtype=float)
            mean = p @ k
            var = p @ k**2 - mean**2
            info[:, idx] = a**2 * var
    return info


def test_information(params: ItemParameters, theta) -> np.ndarray:
    """Sum of item information, shape (n_theta,)."""
    return item_information(params, theta).sum(axis=1)


def standard_error(params: ItemParameters, theta) -> np.ndarray:
    """SE(θ) = 1 / sqrt(test information), shape (n_theta,)."""
    with np.errstate(divide="ignore"):
        return 1.0 / np.sqrt(test_information(params, theta))

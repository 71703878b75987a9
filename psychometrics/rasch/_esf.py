"""Elementary symmetric functions of the Rasch family by the summation algorithm, in scaled arithmetic.

For items with category log-weights ψ_ih (ψ_i0 = 0), γ_r = Σ over answer patterns with total r of
exp(Σ_i ψ_i,x_i).  The summation algorithm adds one item at a time, γ ← Σ_h e^{ψ_ih} γ_{r−h}; after
each item the vector is divided by its largest entry and the log of the factor is kept, so no product
of weights overflows however long the test (Fischer & Molenaar 1995, ch. 3; Verhelst, Glas & van der
Sluis 1984).  Leave-one-out functions γ^(i) come from the prefix (items before i) and suffix (items
after i) functions, convolved: 2m + m convolutions in all, each vectorised.
"""

from __future__ import annotations

import numpy as np


def _add_item(gamma: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, float]:
    """Σ_h w_h γ_{r−h} for one item (weights already divided by their maximum), rescaled."""
    out = np.convolve(gamma, weights)
    top = out.max()
    return out / top, float(np.log(top))


def prefix_suffix(psi: np.ndarray) -> tuple[list, list]:
    """Scaled ESFs of the first k items and of the items from k on, k = 0 … m, with their log scales.

    Parameters
    ----------
    psi : ndarray (m, K)
        Category log-weights, −inf for categories an item does not have (column 0 is 0).
    """
    m = psi.shape[0]
    top = np.max(psi, axis=1)
    weights = np.exp(psi - top[:, None])
    sizes = [int(np.flatnonzero(np.isfinite(row)).max()) + 1 for row in psi]
    prefix = [(np.ones(1), 0.0)]
    for i in range(m):
        g, s = _add_item(prefix[-1][0], weights[i, : sizes[i]])
        prefix.append((g, prefix[-1][1] + s + top[i]))
    suffix = [(np.ones(1), 0.0)]
    for i in range(m - 1, -1, -1):
        g, s = _add_item(suffix[-1][0], weights[i, : sizes[i]])
        suffix.append((g, suffix[-1][1] + s + top[i]))
    return prefix, suffix[::-1]


def log_esf(psi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log γ_r (r = 0 … R) and the leave-one-out log γ^(i)_r, shape (m, R + 1), −inf where empty."""
    prefix, suffix = prefix_suffix(psi)
    gamma, scale = prefix[-1]
    total = gamma.size
    with np.errstate(divide="ignore"):
        log_gamma = np.log(gamma) + scale
        loo = np.full((psi.shape[0], total), -np.inf)
        for i in range(psi.shape[0]):
            g = np.convolve(prefix[i][0], suffix[i + 1][0])
            loo[i, : g.size] = np.log(g) + prefix[i][1] + suffix[i + 1][1]
    return log_gamma, loo


def category_given_score(psi: np.ndarray, log_gamma: np.ndarray, loo: np.ndarray) -> np.ndarray:
    """P(X_i = h | r) = e^{ψ_ih} γ^(i)_{r−h} / γ_r, shape (m, K, R + 1) (0 where impossible)."""
    m, k = psi.shape
    total = log_gamma.size
    out = np.zeros((m, k, total))
    for h in range(k):
        shifted = np.full((m, total), -np.inf)
        shifted[:, h:] = loo[:, : total - h]
        with np.errstate(invalid="ignore"):
            z = psi[:, h : h + 1] + shifted - log_gamma
        out[:, h] = np.where(np.isfinite(z), np.exp(np.where(np.isfinite(z), z, 0.0)), 0.0)
    return out

"""Logistic helpers in plain numpy, so `khlang irt calibrate` starts without importing scipy (~0.3 s)."""

from __future__ import annotations

import numpy as np


def expit(x):
    """1 / (1 + exp(−x)) for any x, with full relative precision in both tails (no overflow)."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))


def log_expit(x):
    """log(1 / (1 + exp(−x))) without underflow for large negative x."""
    return -np.logaddexp(0.0, -np.asarray(x, dtype=float))


def logit(p):
    p = np.asarray(p, dtype=float)
    return np.log(p) - np.log1p(-p)


def logsumexp(z, axis: int, keepdims: bool = False):
    m = np.max(z, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(z, axis: int):
    return z - logsumexp(z, axis=axis, keepdims=True)

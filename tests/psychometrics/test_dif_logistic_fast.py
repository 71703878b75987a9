"""Logistic-regression DIF fitted for all items at once on (score, group) counts equals the per-item,
per-person fit it replaced (Newton–Raphson with step halving, kept here as the reference) to 1e-6."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit, log_expit

from psychometrics.dif import logistic_dif


def _reference_fit(design: np.ndarray, y: np.ndarray, max_iter: int = 50, tol: float = 1e-10) -> float:
    beta = np.zeros(design.shape[1])

    def loglik(b):
        eta = design @ b
        return float(np.sum(y * log_expit(eta) + (1 - y) * log_expit(-eta)))

    current = loglik(beta)
    for _ in range(max_iter):
        p = expit(design @ beta)
        step = np.linalg.solve((design * (p * (1 - p))[:, None]).T @ design + 1e-10 * np.eye(design.shape[1]),
                               design.T @ (y - p))
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


def _reference_chi2(x: np.ndarray, g: np.ndarray, score: np.ndarray) -> np.ndarray:
    s = (score - score.mean()) / score.std()
    out = []
    for j in range(x.shape[1]):
        ok = ~np.isnan(x[:, j])
        y, sj, gj, one = x[ok, j], s[ok], g[ok], np.ones(ok.sum())
        ll = [_reference_fit(np.column_stack(cols), y)
              for cols in ([one, sj], [one, sj, gj], [one, sj, gj, sj * gj])]
        out.append([2 * (ll[1] - ll[0]), 2 * (ll[2] - ll[1]), 2 * (ll[2] - ll[0])])
    return np.maximum(np.array(out), 0.0)


def _data(n=1500, m=12, missing=0.0, seed=4):
    rng = np.random.default_rng(seed)
    theta, g = rng.standard_normal(n), (rng.random(n) < 0.4).astype(float)
    a, b = rng.uniform(0.7, 2.0, m), rng.normal(0, 1, m)
    shift = np.where(g[:, None] == 1, np.r_[0.6, 0.0, -0.5, np.zeros(m - 3)], 0.0)
    slope = np.where(g[:, None] == 1, np.r_[1.0, 0.5, 1.0, np.ones(m - 3)], 1.0)
    x = (rng.random((n, m)) < expit(a * slope * (theta[:, None] - b - shift))).astype(float)
    x[:, 5] = 1.0  # everyone right: nothing to fit, χ² = 0
    if missing:
        x[rng.random((n, m)) < missing] = np.nan
    return x, g, rng


@pytest.mark.parametrize("missing", [0.0, 0.25])
def test_batched_fits_equal_the_per_item_fits(missing):
    x, g, _ = _data(missing=missing)
    res = logistic_dif(x, g, 1)
    ref = _reference_chi2(x, g, np.nansum(x, axis=1))
    np.testing.assert_allclose(np.column_stack([res.chi2_uniform, res.chi2_nonuniform, res.chi2_total]), ref,
                               atol=1e-6)
    assert res.chi2_total[5] < 1e-8 and res.p_total[0] < 1e-3


def test_a_continuous_matching_variable_gives_one_row_per_person_and_the_same_answer():
    x, g, rng = _data(n=600, m=6)
    matching = np.nansum(x, axis=1) + rng.normal(0, 0.3, x.shape[0])
    res = logistic_dif(x, g, 1, matching=matching)
    np.testing.assert_allclose(res.chi2_total, _reference_chi2(x, g, matching)[:, 2], atol=1e-6)


def test_int8_answers_with_negative_missing_codes_equal_float_nan():
    x, g, _ = _data(n=800, missing=0.2)
    codes = np.where(np.isnan(x), -1, x).astype(np.int8)
    np.testing.assert_allclose(logistic_dif(codes, g, 1).chi2_total, logistic_dif(x, g, 1).chi2_total, atol=1e-9)

"""The calibration's full parameter covariance (issue 15): ``Calibration.covariance``.

Its diagonal gives the SEs already reported; the whole matrix (within items and across items) is
checked against the inverse of the numerical Hessian of LSAT7's marginal log-likelihood in (a, b),
computed here from scratch with 121 Gauss–Hermite nodes.  mirt's published Richardson SEs of the
intercepts, which need cov(a, b), are checked in test_irt_mirt_published.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.polynomial.hermite_e import hermegauss

from psychometrics.irt import ParameterCovariance, calibrate

PATTERNS = np.array([[(k >> (4 - j)) & 1 for j in range(5)] for k in range(32)], dtype=float)
FREQUENCIES = np.array([12, 19, 1, 7, 3, 19, 3, 17, 10, 5, 3, 7, 7, 23, 8, 28,
                        7, 39, 11, 34, 14, 51, 15, 90, 6, 25, 7, 35, 18, 136, 32, 308])


def _loglik(v: np.ndarray) -> float:
    a, b = v[:5], v[5:]
    nodes, w = hermegauss(121)
    w = w / w.sum()
    z = a[None, :] * (nodes[:, None] - b[None, :])
    like = np.exp(PATTERNS @ -np.logaddexp(0, -z).T + (1 - PATTERNS) @ -np.logaddexp(0, z).T)
    return float(FREQUENCIES @ np.log(like @ w))


@pytest.fixture(scope="module")
def fit():
    return calibrate(np.repeat(PATTERNS, FREQUENCIES, axis=0), "2pl", tol=1e-7, item_ids=list("ABCDE"))


def test_covariance_equals_the_inverse_observed_information_of_the_marginal_likelihood(fit):
    p = fit.params
    theta = np.concatenate([p.a, p.b])
    n, h = theta.size, 1e-4
    hess = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            e_i, e_j = np.eye(n)[i] * h, np.eye(n)[j] * h
            hess[i, j] = (_loglik(theta + e_i + e_j) - _loglik(theta + e_i - e_j)
                          - _loglik(theta - e_i + e_j) + _loglik(theta - e_i - e_j)) / (4 * h * h)
    reference = np.linalg.inv(-hess)          # order a1..a5, b1..b5
    cov = fit.covariance
    assert isinstance(cov, ParameterCovariance)
    assert cov.labels == tuple((item, par) for item in "ABCDE" for par in ("a", "b"))
    order = [k for j in range(5) for k in (j, 5 + j)]   # ours is item-major: A:a, A:b, B:a, …
    np.testing.assert_allclose(cov.matrix, reference[np.ix_(order, order)], atol=0.01 * np.abs(reference).max())
    assert np.abs(cov.matrix - reference[np.ix_(order, order)]).max() < 2e-4


def test_covariance_diagonal_gives_the_reported_standard_errors(fit):
    se = fit.covariance.standard_errors()
    np.testing.assert_allclose(se[0::2], fit.standard_errors.a, rtol=1e-12)
    np.testing.assert_allclose(se[1::2], fit.standard_errors.b, rtol=1e-12)
    names, block = fit.covariance.block("C")
    assert names == ("a", "b")
    assert block[0, 1] == block[1, 0] != 0.0


@pytest.mark.parametrize(("model", "params_per_item"), [("grm", ("a", "b1", "b2", "b3")),
                                                        ("gpcm", ("a", "b1", "b2", "b3")),
                                                        ("3pl", ("a", "b", "c")), ("rasch", ("b",))])
def test_covariance_names_the_estimated_parameters_of_each_model(model, params_per_item):
    rng = np.random.default_rng(11)
    theta = rng.normal(size=(800, 1))
    if model in ("grm", "gpcm"):
        x = np.clip(np.round(theta + rng.normal(size=(800, 4)) + 1.5), 0, 3)
    else:
        x = (rng.random((800, 4)) < 1 / (1 + np.exp(-(theta - np.linspace(-1, 1, 4))))).astype(float)
    fit = calibrate(x, model)
    assert [par for _, par in fit.covariance.labels] == list(params_per_item) * 4
    assert np.all(np.linalg.eigvalsh(fit.covariance.matrix) > -1e-12)


def test_no_covariance_without_standard_errors():
    x = np.repeat(PATTERNS, FREQUENCIES, axis=0)
    assert calibrate(x, "2pl", standard_errors="none").covariance is None

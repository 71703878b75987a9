"""Ability standard errors (issue 15 part 2): observed information by default, expected on request.

The oracle is independent of our analytic derivatives: second central differences of the log
likelihood, log posterior and Warm's weighted log likelihood, built from `category_probabilities`
and `item_information` only, at the estimates. R mirt's ``fscores`` inverts the Hessian that
``nlm`` returns for the function it maximises (philchalmers/mirt R/fscores.internal.R: ``ML``,
``MAP`` and ``WLE`` with ``hessian=TRUE``, ``vcov <- solve(estimate$hessian)``); Python mirt's ML and
WLE invert the Fisher information (checked in test_irt_ability.py with ``information="expected"``).
"""

from __future__ import annotations

import numpy as np
import pytest

from psychometrics.errors import PsychometricsError
from psychometrics.irt.ability import ability
from psychometrics.irt.models import ItemParameters, category_probabilities, item_information


def _simulate(params: ItemParameters, theta: np.ndarray, rng: np.random.Generator, missing: float = 0.0):
    probs = category_probabilities(params, theta)
    cum = np.cumsum(probs, axis=2)[:, :, :-1]
    x = (rng.random(probs.shape[:2])[:, :, None] > cum).sum(axis=2).astype(float)
    x[x >= params.n_categories[None, :]] = np.nan
    if missing:
        x[rng.random(x.shape) < missing] = np.nan
    return x


def _loglik(params: ItemParameters, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    probs = category_probabilities(params, theta)  # (n, items, K)
    seen = ~np.isnan(x)
    codes = np.where(seen, x, 0).astype(int)
    p = np.take_along_axis(probs, codes[..., None], axis=2)[..., 0]
    return np.where(seen, np.log(p), 0.0).sum(axis=1)


def _test_info(params: ItemParameters, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    info = np.stack([item_information(params, np.array([t]))[0] for t in theta])  # (n, items)
    return np.where(np.isnan(x), 0.0, info).sum(axis=1)


def _curvature(f, theta: np.ndarray, h: float = 1e-4) -> np.ndarray:
    return (f(theta + h) - 2 * f(theta) + f(theta - h)) / h**2


@pytest.fixture(scope="module")
def grm():
    rng = np.random.default_rng(151)
    m = 12
    a = np.clip(rng.lognormal(0.3, 0.3, m), 0.8, 3.0)
    thr = np.sort(rng.normal(0, 1.2, (m, 4)), axis=1)
    params = ItemParameters.polytomous(a, thr, "grm")
    x = _simulate(params, rng.normal(size=60), rng, missing=0.1)
    return params, x


def test_ml_se_inverts_the_observed_information_by_default(grm):
    params, x = grm
    res = ability(params, x, "ml")
    assert res.information == "observed"
    ok = np.isfinite(res.se)
    th, xs = res.theta[ok], x[ok]
    hess = _curvature(lambda t: _loglik(params, t, xs), th)
    np.testing.assert_allclose(res.se[ok], 1 / np.sqrt(-hess), rtol=2e-5)
    # and the expected information on request, which for GRM items differs noticeably
    exp = ability(params, x, "ml", information="expected")
    np.testing.assert_allclose(exp.theta, res.theta, atol=1e-12)
    np.testing.assert_allclose(exp.se[ok], 1 / np.sqrt(_test_info(params, th, xs)), rtol=1e-8)
    assert np.abs(exp.se[ok] - res.se[ok]).max() > 0.01


def test_map_se_inverts_the_curvature_of_the_log_posterior(grm):
    params, x = grm
    mu, sd = 0.3, 1.4
    res = ability(params, x, "map", prior_mean=mu, prior_sd=sd)
    log_post = lambda t: _loglik(params, t, x) - 0.5 * ((t - mu) / sd) ** 2  # noqa: E731
    np.testing.assert_allclose(res.se, 1 / np.sqrt(-_curvature(log_post, res.theta)), rtol=2e-5)
    exp = ability(params, x, "map", prior_mean=mu, prior_sd=sd, information="expected")
    np.testing.assert_allclose(exp.se, 1 / np.sqrt(_test_info(params, res.theta, x) + 1 / sd**2), rtol=1e-6)


def test_wle_se_is_the_curvature_of_warms_weighted_likelihood_as_r_mirt(grm):
    params, x = grm
    res = ability(params, x, "wle")
    ok = np.isfinite(res.se) & ~res.at_bound
    th, xs = res.theta[ok], x[ok]

    def weighted(t):
        return _loglik(params, t, xs) + 0.5 * np.log(_test_info(params, t, xs))

    np.testing.assert_allclose(res.se[ok], 1 / np.sqrt(-_curvature(weighted, th, 1e-3)), rtol=1e-4)
    exp = ability(params, x, "wle", information="expected")
    np.testing.assert_allclose(exp.se[ok], 1 / np.sqrt(_test_info(params, th, xs)), rtol=1e-8)


def test_observed_equals_expected_for_2pl_ml():
    rng = np.random.default_rng(5)
    params = ItemParameters.dichotomous(rng.uniform(0.7, 2, 15), rng.normal(size=15))
    x = _simulate(params, rng.normal(size=40), rng)
    obs, exp = ability(params, x, "ml"), ability(params, x, "ml", information="expected")
    np.testing.assert_allclose(obs.se, exp.se, rtol=1e-10)


def test_3pl_observed_information_is_used_and_any_fallback_is_flagged():
    rng = np.random.default_rng(6)
    m = 20
    params = ItemParameters.dichotomous(
        rng.uniform(0.8, 2, m), rng.normal(size=m), rng.uniform(0.15, 0.3, m), "3pl"
    )
    x = _simulate(params, rng.normal(size=80), rng)
    res = ability(params, x, "ml")
    assert res.expected_fallback is not None and res.expected_fallback.shape == (80,)
    ok = np.isfinite(res.se) & ~res.expected_fallback
    hess = _curvature(lambda t: _loglik(params, t, x[ok]), res.theta[ok])
    np.testing.assert_allclose(res.se[ok], 1 / np.sqrt(-hess), rtol=2e-5)
    notes = " ".join(res.summary().notes)
    assert "observed" in notes


def test_eap_reports_the_posterior_sd_and_bad_information_is_refused(grm):
    params, x = grm
    assert ability(params, x, "eap").information == "posterior"
    with pytest.raises(PsychometricsError, match="information"):
        ability(params, x, "ml", information="fisher")

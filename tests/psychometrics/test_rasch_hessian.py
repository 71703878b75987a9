"""The CML Hessian is analytic (issue 15): second derivatives of the conditional log-likelihood.

∂² log L / ∂ψ_ih ∂ψ_jl = −Σ_r N_r Cov(1[X_i = h], 1[X_j = l] | r), with the joint conditional
probabilities from the leave-two-out elementary symmetric functions γ^(ij).  Checked here against
central differences of the exact analytic gradient (the numerical Hessian eRm's ``nlm`` returns),
for the three models, with missing answers (several patterns) and with categories an item never
uses; the SEs against R eRm are in test_rasch_erm.py (≤ 7e-5 on eRm's examples).
"""

from __future__ import annotations

import numpy as np
import pytest

from psychometrics.rasch import PartialCreditCML, RaschCML, RatingScaleCML, cml


def _numeric(phi, design, patterns, m, k, step=1e-5):
    cols = []
    for j in range(phi.size):
        up, dn = phi.copy(), phi.copy()
        up[j] += step
        dn[j] -= step
        cols.append((cml._loglik(up, design, patterns, m, k)[1] - cml._loglik(dn, design, patterns, m, k)[1])
                    / (2 * step))
    h = np.column_stack(cols)
    return 0.5 * (h + h.T)


def _data(rng, n, m, n_cat, missing):
    theta = rng.normal(size=(n, 1))
    x = np.clip(np.round(theta + rng.normal(size=(n, m)) + (n_cat - 1) / 2), 0, n_cat - 1)
    x[rng.random(x.shape) < missing] = np.nan
    return x


@pytest.mark.parametrize(("model", "n_cat", "missing"),
                         [("rasch", 2, 0.0), ("rasch", 2, 0.1), ("pcm", 4, 0.0), ("pcm", 4, 0.1),
                          ("rsm", 3, 0.05)])
def test_analytic_hessian_equals_central_differences_of_the_gradient(model, n_cat, missing):
    rng = np.random.default_rng(15)
    x = _data(rng, 400, 7, n_cat, missing)
    n_cat_items = cml._categories(x, model)
    design, fit = cml.fit_cml(model, x, n_cat_items, 500, 1e-9)
    patterns = cml._patterns(x, n_cat_items)
    m, k = n_cat_items.size, int(n_cat_items.max())
    analytic = cml._hessian(fit.phi, design, patterns, m, k)
    numeric = _numeric(fit.phi, design, patterns, m, k)
    np.testing.assert_allclose(analytic, numeric, atol=1e-6 * np.abs(numeric).max())
    assert np.all(np.linalg.eigvalsh(analytic) < 0)   # concave: a maximum


def test_pcm_item_without_a_middle_category_keeps_a_finite_hessian():
    rng = np.random.default_rng(7)
    x = _data(rng, 300, 5, 4, 0.0)
    x[:, 0] = np.where(x[:, 0] == 1, 0, x[:, 0])          # item 1 never scored 1
    model = PartialCreditCML().fit(x)
    assert np.isfinite(model.covariance_).all()
    assert np.isfinite(model.threshold_se_[1:]).all()


@pytest.mark.parametrize("cls", [RaschCML, PartialCreditCML, RatingScaleCML])
def test_covariance_is_the_inverse_information_mapped_to_the_reported_thresholds(cls):
    rng = np.random.default_rng(3)
    x = _data(rng, 500, 6, 2 if cls is RaschCML else 3, 0.0)
    est = cls().fit(x)
    keep = ~np.isnan(est.thresholds_)
    np.testing.assert_allclose(np.sqrt(np.diag(est.covariance_)), est.threshold_se_[keep], rtol=1e-12)
    # centred thresholds sum to 0, so the covariance is singular along the ones vector
    np.testing.assert_allclose(est.covariance_ @ np.ones(est.covariance_.shape[0]), 0.0, atol=1e-10)

"""IRT likelihood-ratio DIF with warm-started free models equals one cold calibration per item
(the procedure it replaced) to EM's tolerance, for dichotomous and graded items."""

from __future__ import annotations

import numpy as np
import pytest

from psychometrics.dif import irt_likelihood_ratio
from psychometrics.irt.calibration import calibrate


def _cold_g2(x: np.ndarray, g: np.ndarray, model: str, items) -> np.ndarray:
    base = calibrate(x, model, groups=g, standard_errors="none")
    out = []
    for j in items:
        col = x[:, j]
        split = np.column_stack([np.delete(x, j, axis=1), np.where(g == 1, np.nan, col), np.where(g == 1, col, np.nan)])
        out.append(2 * (calibrate(split, model, groups=g, standard_errors="none").log_likelihood - base.log_likelihood))
    return np.maximum(np.array(out), 0.0)


@pytest.mark.parametrize("model", ["2pl", "grm"])
def test_warm_started_free_models_give_the_cold_g2(model):
    rng = np.random.default_rng(8)
    n, m = 1500, 8
    theta, g = rng.standard_normal(n), (rng.random(n) < 0.5).astype(int)
    a, b = rng.uniform(0.7, 2.0, m), rng.normal(0, 1, m)
    shift = np.where(g[:, None] == 1, np.r_[0.6, np.zeros(m - 1)], 0.0)
    if model == "grm":
        latent = a * (theta[:, None] - b - shift) + rng.logistic(size=(n, m))
        x = (latent[:, :, None] > np.array([-1.0, 0.0, 1.2])).sum(axis=2).astype(float)
    else:
        x = (rng.random((n, m)) < 1 / (1 + np.exp(-a * (theta[:, None] - b - shift)))).astype(float)
    res = irt_likelihood_ratio(x, g, 1, model, items=range(4))
    # both stop EM at calibrate's tol = 1e-4: log-likelihoods agree to about 1e-4
    np.testing.assert_allclose(res.statistic, _cold_g2(x, g, model, range(4)), atol=2e-3)
    assert res.p_value[0] < 0.01 and (res.df == (2 if model == "2pl" else 4)).all()

"""Calibration, parameter covariance and ability scores against R mirt's own published test values.

Source: mirt's test file ``tests/testthat/test-01-mirtOne.R`` (repository philchalmers/mirt, commit
099d6d7e57fc82cf5f9f67bc7cd5945defcbc9d0), test 'dich', on ``expand.table(LSAT7)`` (the LSAT7
pattern table of test_irt_calibration.py, Bock & Lieberman 1970).  The numbers below are copied from
its ``expect_equal`` / ``closeEnough`` calls; mirt checks them at tolerance 1e-2, we at tighter ones:

* ``modm2 <- mirt(data, 1, SE = TRUE, SE.type = 'Richardson')``: ``coef`` prints each slope a1 and
  intercept d with its 95 % interval (est ± 1.96 SE, 4 decimals).  Richardson extrapolation of the
  numerical Hessian is the observed information, as our Oakes SEs; the SE of d = −a·b needs
  cov(a, b), so this checks the covariance matrix (``Calibration.covariance``), not only the SEs.
* ``fscores(modm1)`` EAP and ``fscores(modm2, method = 'MAP')`` for the first 6 response patterns.
* ``fscores(modm1, method = 'EAPsum')``: θ and SE for each summed score 0–5, and its rxx (0.4319948).
* ``modm4 <- mirt(data, 'F = 1-5  CONSTRAIN = (1-5, a1)')`` (one common slope) and
  ``fscores(modm4, method = 'ML')`` of expanded rows 13, 34, 40 (patterns 00001, 00011, 00100);
  its crossprod SE intervals give the common slope 1.011 and the intercepts.

Max abs differences found (printed by ``benchmarks/reference_figures.py``): slopes ≤ 1.5e-3 and
intercepts ≤ 1e-3 (mirt stops EM at TOL = 1e-4), their SEs ≤ 7e-4, EAP θ ≤ 3.2e-3 (pattern 00000;
the others ≤ 6e-4), MAP θ ≤ 7e-4, EAPsum θ and SE ≤ 1e-5 and its expected counts ≤ 1e-3, the common
slope ≤ 3e-4 and ML θ ≤ 2e-3.  Tolerances below are about twice these.
"""

from __future__ import annotations

import numpy as np
import pytest

from psychometrics.irt import calibrate
from psychometrics.irt.ability import ability, summed_score_table

MIRT_COMMIT = "099d6d7e57fc82cf5f9f67bc7cd5945defcbc9d0"
Z975 = 1.959963984540054

# LSAT7: 32 patterns, item 1 most significant, with their frequencies (as test_irt_calibration.py)
PATTERNS = np.array([[(k >> (4 - j)) & 1 for j in range(5)] for k in range(32)], dtype=float)
FREQUENCIES = np.array([12, 19, 1, 7, 3, 19, 3, 17, 10, 5, 3, 7, 7, 23, 8, 28,
                        7, 39, 11, 34, 14, 51, 15, 90, 6, 25, 7, 35, 18, 136, 32, 308])

# coef(modm2), Richardson SEs: per item (a1, a1 2.5 %, a1 97.5 %, d, d 2.5 %, d 97.5 %)
RICHARDSON = np.array([
    [0.988, 0.6406, 1.3354, 1.8561, 1.5984, 2.1138],
    [1.081, 0.7501, 1.4119, 0.808, 0.6291, 0.9869],
    [1.706, 1.0779, 2.334, 1.8043, 1.4036, 2.205],
    [0.7651, 0.5022, 1.028, 0.486, 0.3392, 0.6328],
    [0.7358, 0.4395, 1.032, 1.8545, 1.6302, 2.0787],
])
EAP_FIRST6 = [-1.8665957, -1.5266920, -1.5134024, -1.1852276, -1.0946830, -0.7666992]   # fscores(modm1)
MAP_FIRST6 = [-1.8165552, -1.4946906, -1.4822982, -1.1789899, -1.0958928, -0.7951026]   # fscores(modm2, 'MAP')
EAPSUM_THETA = [-1.86979, -1.431861, -0.9488463, -0.4131963, 0.1517289, 0.7271877]
EAPSUM_SE = [0.6927032, 0.6838697, 0.6942298, 0.7210951, 0.758772, 0.8009335]
EAPSUM_EXPECTED = [10.08994, 44.65882, 109.773, 207.7391, 319.1854, 308.5536]
EAPSUM_RXX = 0.4319948
# modm4: common slope and intercepts (coef, crossprod SEs) and ML θ of patterns 00001, 00011, 00100
COMMON_SLOPE = 1.011
COMMON_D = [1.868, 0.791, 1.461, 0.521, 1.993]
ML_THETA = {(0, 0, 0, 0, 1): -2.783489, (0, 0, 0, 1, 1): -1.750890, (0, 0, 1, 0, 0): -2.783489}


@pytest.fixture(scope="module")
def lsat7() -> np.ndarray:
    return np.repeat(PATTERNS, FREQUENCIES, axis=0)


@pytest.fixture(scope="module")
def fit2pl(lsat7):
    return calibrate(lsat7, "2pl", tol=1e-7, standard_errors="oakes")


def intercept_and_se(fit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slope-intercept form d = −a b and the SEs of a and d from the full covariance (delta method)."""
    p, cov = fit.params, fit.covariance
    d = -p.a * p.b
    se_a, se_d = np.empty(p.n_items), np.empty(p.n_items)
    for j, item in enumerate(p.item_ids or [f"#{k + 1}" for k in range(p.n_items)]):
        names, block = cov.block(item)
        ia, ib = names.index("a"), names.index("b")
        grad = np.zeros(len(names))
        grad[ia], grad[ib] = -p.b[j], -p.a[j]
        se_a[j] = np.sqrt(block[ia, ia])
        se_d[j] = np.sqrt(grad @ block @ grad)
    return d, se_a, se_d


def test_2pl_slopes_intercepts_and_their_richardson_ses_equal_mirt(fit2pl):
    d, se_a, se_d = intercept_and_se(fit2pl)
    np.testing.assert_allclose(fit2pl.params.a, RICHARDSON[:, 0], atol=3e-3)
    np.testing.assert_allclose(d, RICHARDSON[:, 3], atol=2e-3)
    np.testing.assert_allclose(se_a, (RICHARDSON[:, 2] - RICHARDSON[:, 1]) / (2 * Z975), atol=1.5e-3)
    np.testing.assert_allclose(se_d, (RICHARDSON[:, 5] - RICHARDSON[:, 4]) / (2 * Z975), atol=1e-3)


def test_eap_and_map_scores_of_the_first_patterns_equal_mirt_fscores(fit2pl):
    first6 = PATTERNS[:6]
    eap = ability(fit2pl.params, first6, "eap")
    map_ = ability(fit2pl.params, first6, "map")
    np.testing.assert_allclose(eap.theta, EAP_FIRST6, atol=6e-3)
    np.testing.assert_allclose(map_.theta, MAP_FIRST6, atol=1.5e-3)


def test_summed_score_eap_table_equals_mirt_eapsum(fit2pl, lsat7):
    table = summed_score_table(fit2pl.params)
    np.testing.assert_allclose(table.theta, EAPSUM_THETA, atol=5e-5)
    np.testing.assert_allclose(table.sd, EAPSUM_SE, atol=5e-5)
    np.testing.assert_allclose(table.probability * lsat7.shape[0], EAPSUM_EXPECTED, atol=2e-3)
    # mirt's rxx: var(EAP) / (var(EAP) + mean SE²) over the score distribution
    w = table.probability / table.probability.sum()
    mean = w @ table.theta
    var_eap = w @ (table.theta - mean) ** 2
    rxx = var_eap / (var_eap + w @ table.sd**2)
    assert rxx == pytest.approx(EAPSUM_RXX, abs=2e-3)


def test_common_slope_model_and_its_ml_scores_equal_mirt(lsat7):
    fit = calibrate(lsat7, "1pl", tol=1e-7)
    np.testing.assert_allclose(fit.params.a, COMMON_SLOPE, atol=1e-3)
    np.testing.assert_allclose(-fit.params.a * fit.params.b, COMMON_D, atol=1.5e-3)
    patterns = np.array(list(ML_THETA), dtype=float)
    ml = ability(fit.params, patterns, "ml")
    np.testing.assert_allclose(ml.theta, list(ML_THETA.values()), atol=4e-3)

"""GRM, GPCM and PCM by MML, their SEs and EAP scores, and PCM by CML, against published R output.

Source: Martinková & Hladká, *Computational Aspects of Psychometric Methods: With R* (2023), ch. 8,
script ``Ch8-IRTmoreComplex.R`` of repository patriciamar/PsychometricsBook (commit
0c34a08612314e0c21054681475ccb826a248f00), printing for the anxiety data (``data/anxiety/``, 766 × 29,
scores 1–5, used here as 0–4):

* R mirt ``mirt(anxiety_items, 1, itemtype = "graded", SE = TRUE)``: a and b1–b4 of items R1, R2 and
  R25 (3 decimals), R1's SEs, ``logLik`` −17420.41, EAP ``fscores`` of the first six persons and the
  posterior SDs of the first two;
* ``itemtype = "gpcm"``: R1, R2, R25 and ``logLik`` −17518.42; the PCM (``gpcm`` with a fixed at 1,
  θ ~ N(0, 1)): R1, R2, R25 and ``logLik`` −18200.25;
* R eRm ``PCM(anxiety_items - 1)``: ``thresholds`` (location and thresholds of R1 and R2, 5 decimals)
  and ``person.parameter``: θ and SE for raw scores 1 and 2.

mirt integrates over 61 equally spaced nodes on ±6; Khlang's ``quadrature="grid"`` is that rule.
With the default 61 Gauss–Hermite nodes the GRM slopes of this very informative test (posterior SD
0.16) come out about 0.1 lower and the log-likelihood 5 lower: an approximation error of the rule,
which 201 Gauss–Hermite nodes remove (log-likelihood within 0.03 of mirt's).

Max abs differences found (grid rule): GRM parameters ≤ 3.7e-3, log-likelihood 2e-3, R1's SEs
(observed information, Oakes) ≤ 6e-4, EAP θ ≤ 1.1e-3 and SD ≤ 5e-5; GPCM parameters ≤ 1.1e-2 with a
log-likelihood 0.026 above mirt's (mirt stops EM at TOL = 1e-4); PCM ≤ 2.1e-3; eRm's CML thresholds
≤ 1.6e-3 (R2's last; the rest ≤ 3e-4), locations ≤ 4.2e-4, person θ ≤ 6e-5 and SE ≤ 9e-5.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from psychometrics.irt import calibrate
from psychometrics.irt.ability import ability
from psychometrics.rasch import PartialCreditCML, person_parameters

X = np.loadtxt(Path(__file__).parent / "data" / "anxiety" / "anxiety.csv", delimiter=",", skiprows=1) - 1
ITEMS = {"R1": 0, "R2": 1, "R25": 24}

MIRT = {  # model: ({item: (a, b1, b2, b3, b4)}, logLik)
    "grm": ({"R1": (3.449, 0.494, 1.251, 2.031, 2.814), "R2": (3.168, 0.568, 1.426, 2.253, 3.253),
             "R25": (1.372, -0.762, 0.154, 1.377, 2.592)}, -17420.41),
    "gpcm": ({"R1": (2.935, 0.614, 1.204, 1.859, 2.439), "R2": (2.823, 0.680, 1.355, 2.012, 2.829),
              "R25": (0.741, 0.013, -0.182, 1.468, 2.119)}, -17518.42),
    "pcm": ({"R1": (1.0, 1.305, 1.948, 3.184, 4.106), "R2": (1.0, 1.390, 2.243, 3.434, 4.814),
             "R25": (1.0, -0.462, -0.106, 1.639, 2.670)}, -18200.25),
}
GRM_R1_SE = (0.238, 0.051, 0.069, 0.106, 0.186)
GRM_EAP = (-0.14263, -1.41719, -0.12252, -0.25884, -1.70984, -0.04914)
GRM_EAP_SD = (0.1618, 0.4356)
ERM_THRESHOLDS = {"R1": (1.03102, (-0.51016, 0.30948, 1.61451, 2.71025)),
                  "R2": (1.42850, (-0.41343, 0.62015, 1.87947, 3.62780))}
ERM_PERSONS = {1: (-4.72024, 1.0066), 2: (-4.01317, 0.7172)}
TOLERANCE = {"grm": 6e-3, "gpcm": 1.5e-2, "pcm": 4e-3}


@cache
def _fit(model: str):
    extra = {"estimate_variance": False} if model == "pcm" else {}
    se = "oakes" if model == "grm" else "none"
    return calibrate(X, model, quadrature="grid", standard_errors=se, **extra)


@pytest.mark.parametrize("model", list(MIRT))
def test_item_parameters_and_log_likelihood_equal_mirt(model):
    fit = _fit(model)
    params, log_lik = MIRT[model]
    for item, values in params.items():
        j = ITEMS[item]
        ours = np.r_[fit.params.a[j], fit.params.thresholds[j]]
        np.testing.assert_allclose(ours, values, atol=TOLERANCE[model], err_msg=f"{model} {item}")
    # ours may sit slightly higher: mirt stops EM at TOL = 1e-4
    assert fit.log_likelihood == pytest.approx(log_lik, abs=0.05)


def test_grm_standard_errors_and_eap_scores_equal_mirt():
    fit = _fit("grm")
    se = fit.standard_errors
    np.testing.assert_allclose(np.r_[se.a[0], se.thresholds[0]], GRM_R1_SE, atol=1.5e-3)
    eap = ability(fit.params, X[:6], "eap")
    np.testing.assert_allclose(eap.theta, GRM_EAP, atol=3e-3)
    np.testing.assert_allclose(eap.se[:2], GRM_EAP_SD, atol=5e-4)


def test_partial_credit_cml_equals_erm_on_the_anxiety_data():
    model = PartialCreditCML(normalization="erm").fit(X)
    for item, (location, thresholds) in ERM_THRESHOLDS.items():
        j = ITEMS[item]
        assert model.difficulty_[j] == pytest.approx(location, abs=1e-3)
        np.testing.assert_allclose(model.thresholds_[j], thresholds, atol=3e-3)
    persons = person_parameters(model, X)
    score = X.sum(axis=1)
    for raw, (theta, se) in ERM_PERSONS.items():
        k = np.flatnonzero(score == raw)[0]
        assert persons.theta[k] == pytest.approx(theta, abs=2e-4)
        assert persons.se[k] == pytest.approx(se, abs=2e-4)


def test_gauss_hermite_with_enough_nodes_reaches_the_same_grm_likelihood():
    fit = calibrate(X, "grm", n_quadrature=201, tol=1e-6, standard_errors="none")
    assert fit.log_likelihood == pytest.approx(MIRT["grm"][1], abs=0.1)
    assert fit.params.a[0] == pytest.approx(MIRT["grm"][0]["R1"][0], abs=0.02)


def test_unknown_quadrature_rule_is_refused():
    from psychometrics.errors import PsychometricsError

    with pytest.raises(PsychometricsError, match="quadrature"):
        calibrate(X[:50, :3], "grm", quadrature="simpson")

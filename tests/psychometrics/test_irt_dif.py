"""DIF: Mantel–Haenszel against a 2×2×2 example worked by hand, logistic regression against scipy
optimisation, Lord's Wald against its closed form, and every method on simulated DIF."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.special import log_expit
from scipy.stats import chi2, contingency

from psychometrics.errors import PsychometricsError
from psychometrics.irt.dif import (
    ets_class,
    irt_likelihood_ratio,
    item_covariance,
    logistic_dif,
    lord_wald,
    lord_wald_calibrated,
    mantel_dif,
    mantel_haenszel,
)
from psychometrics.irt.models import ItemParameters


def table_rows(a: int, b: int, c: int, d: int, stratum: int):
    """Persons of one stratum: A reference right, B reference wrong, C focal right, D focal wrong."""
    answers = [1] * a + [0] * b + [1] * c + [0] * d
    groups = ["ref"] * (a + b) + ["foc"] * (c + d)
    return answers, groups, [stratum] * len(answers)


@pytest.fixture(scope="module")
def worked_example():
    # stratum 1: A=6 B=4 C=3 D=7 (N=20); stratum 2: A=8 B=2 C=5 D=5 (N=20)
    x, g, s = [], [], []
    for counts, k in (((6, 4, 3, 7), 1), ((8, 2, 5, 5), 2)):
        ans, grp, strat = table_rows(*counts, k)
        x += ans
        g += grp
        s += strat
    return np.array(x, float)[:, None], np.array(g, object), np.array(s, float)


def test_mantel_haenszel_worked_example(worked_example):
    x, g, s = worked_example
    res = mantel_haenszel(x, g, "foc", matching=s)
    # α_MH = Σ AD/N / Σ BC/N = (42/20 + 40/20) / (12/20 + 10/20) = 82/22
    assert res.alpha_mh[0] == pytest.approx(82 / 22, rel=1e-14)
    # Σ A = 14; Σ E(A) = 10·9/20 + 10·13/20 = 11; Σ Var(A) = (9900 + 9100) / (20²·19) = 2.5
    # χ²_MH = (|14 − 11| − ½)² / 2.5 = 2.5
    assert res.chi2[0] == pytest.approx(2.5, rel=1e-14)
    assert res.p_value[0] == pytest.approx(chi2.sf(2.5, 1), rel=1e-12)
    assert res.delta[0] == pytest.approx(-2.35 * np.log(82 / 22), rel=1e-14)
    # Robins–Breslow–Greenland: P=(A+D)/N = .65,.65; Q = .35,.35; R_k = 2.1, 2.0; S_k = .6, .5
    # Var ln α = 2.665/(2·4.1²) + 2.15/(2·4.1·1.1) + .385/(2·1.1²)
    var = 2.665 / (2 * 4.1**2) + 2.15 / (2 * 4.1 * 1.1) + 0.385 / (2 * 1.1**2)
    assert res.delta_se[0] == pytest.approx(2.35 * np.sqrt(var), rel=1e-12)
    assert res.n_strata[0] == 2
    assert res.ets_class == ("A",)  # χ² p = 0.11: not significant


def test_single_stratum_alpha_is_the_sample_odds_ratio(worked_example):
    x, g, s = worked_example
    first = s == 1
    res = mantel_haenszel(x[first], g[first], "foc", matching=s[first])
    sample = contingency.odds_ratio([[6, 4], [3, 7]], kind="sample").statistic
    assert res.alpha_mh[0] == pytest.approx(sample, rel=1e-14)


def test_ets_classes_follow_the_zwick_rules():
    delta = np.array([0.5, -1.2, 1.6, -1.6, 2.0, -0.9])
    se = np.array([0.1, 0.2, 0.1, 0.5, 0.2, 0.1])
    p = np.array([0.001, 0.001, 0.001, 0.001, 0.2, 0.001])
    # 1.6 with SE .1: (1.6−1)/.1 = 6 > 1.645 → C+; −1.6 with SE .5: 1.2 < 1.645 → B−; 2.0 but p = .2 → A
    assert ets_class(delta, se, p) == ("A", "B-", "C+", "B-", "A", "A")


def simulate_dif(n: int = 4000, m: int = 12, seed: int = 4):
    rng = np.random.default_rng(seed)
    a, b = np.clip(rng.lognormal(0, 0.3, m), 0.6, 2), rng.normal(0, 1, m)
    g = np.repeat([0, 1], n // 2)
    theta = rng.normal(size=n) - 0.3 * g
    bb = np.tile(b, (n, 1))
    aa = np.tile(a, (n, 1))
    bb[g == 1, 3] += 0.9  # item 4: uniform DIF against the focal group
    aa[g == 1, 7] *= 0.3  # item 8: non-uniform DIF
    x = (rng.random((n, m)) < 1 / (1 + np.exp(-aa * (theta[:, None] - bb)))).astype(float)
    return x, g


def test_mantel_haenszel_flags_the_dif_item():
    x, g = simulate_dif()
    res = mantel_haenszel(x, g, 1)
    assert res.ets_class[3] == "C-"
    clean = [j for j in range(x.shape[1]) if j not in (3, 7)]
    assert sum(res.ets_class[j] == "A" for j in clean) >= len(clean) - 1
    assert "Mantel" in res.summary().title


def test_purified_matching_drops_flagged_items_from_the_other_items_scores():
    x, g = simulate_dif()
    first = mantel_haenszel(x, g, 1)
    # flagged by ETS class B/C (the old criterion; difR's χ² is the default now). Purification now
    # iterates to a stable set (issue 15 part 3): the first pass flags item4 only, the second also
    # item8 (the other simulated DIF item), the third confirms {item4, item8}
    res = mantel_haenszel(x, g, 1, purify=True, flag_by="ets")
    assert [j for j, c in enumerate(first.ets_class) if c != "A"] == [3]
    flagged = [j for j, c in enumerate(res.ets_class) if c != "A"]
    assert res.converged and res.dropped_from_matching == tuple(f"item{j + 1}" for j in flagged)
    assert flagged == [3, 7] and res.ets_class[3] == "C-"
    # an unflagged item is matched on the total without the flagged items: same as passing it explicitly
    j = next(k for k in range(x.shape[1]) if k not in flagged)
    keep = [k for k in range(x.shape[1]) if k not in flagged]
    explicit = mantel_haenszel(x, g, 1, matching=x[:, keep].sum(axis=1))
    assert res.alpha_mh[j] == pytest.approx(explicit.alpha_mh[j], rel=1e-14)
    assert res.chi2[j] == pytest.approx(explicit.chi2[j], rel=1e-14)
    # a flagged item is matched on that score plus itself
    own = mantel_haenszel(x, g, 1, matching=x[:, keep].sum(axis=1) + x[:, 3])
    assert res.delta[3] == pytest.approx(own.delta[3], rel=1e-14)
    assert "purified" in "\n".join(res.summary().notes)


def test_logistic_dif_matches_direct_likelihood_maximisation():
    x, g = simulate_dif(n=1200, m=8, seed=5)
    res = logistic_dif(x, g, 1)
    score = x.sum(axis=1)
    s = (score - score.mean()) / score.std()
    j = 3
    y = x[:, j]

    def max_loglik(design):
        def negll(beta):
            eta = design @ beta
            return -np.sum(y * log_expit(eta) + (1 - y) * log_expit(-eta))

        return -minimize(negll, np.zeros(design.shape[1]), method="BFGS", options={"gtol": 1e-10}).fun

    one = np.ones_like(y)
    ll0 = max_loglik(np.c_[one, s])
    ll1 = max_loglik(np.c_[one, s, g])
    ll2 = max_loglik(np.c_[one, s, g, s * g])
    assert res.chi2_uniform[j] == pytest.approx(2 * (ll1 - ll0), abs=1e-5)
    assert res.chi2_nonuniform[j] == pytest.approx(2 * (ll2 - ll1), abs=1e-5)
    assert res.chi2_total[j] == pytest.approx(2 * (ll2 - ll0), abs=1e-5)
    # Nagelkerke from the intercept-only model
    p = y.mean()
    ll_null = len(y) * (p * np.log(p) + (1 - p) * np.log(1 - p))

    def nagelkerke(ll):
        return (1 - np.exp(2 * (ll_null - ll) / len(y))) / (1 - np.exp(2 * ll_null / len(y)))

    assert res.r2_delta[j] == pytest.approx(nagelkerke(ll2) - nagelkerke(ll0), abs=1e-7)


def test_logistic_dif_separates_uniform_from_non_uniform():
    x, g = simulate_dif()
    res = logistic_dif(x, g, 1)
    assert res.p_uniform[3] < 1e-6 and res.p_nonuniform[3] > 0.001
    assert res.p_nonuniform[7] < 1e-6
    assert np.argmax(res.r2_delta) in (3, 7) and res.r2_delta[3] > 0.02
    # the published bounds: Jodoin & Gierl .035 / .070, Zumbo & Thomas .13 / .26, with a significant 2-df χ²
    for j, r2 in enumerate(res.r2_delta):
        significant = res.p_total[j] < 0.05
        jg = "A" if not significant or r2 < 0.035 else ("B" if r2 < 0.070 else "C")
        zt = "A" if not significant or r2 < 0.13 else ("B" if r2 < 0.26 else "C")
        assert (res.jodoin_gierl[j], res.zumbo_thomas[j]) == (jg, zt)
    assert len(res.summary().rows) == x.shape[1]


def test_lord_wald_closed_form():
    ref = ItemParameters.dichotomous([1.0, 1.5], [0.0, 0.5])
    foc = ItemParameters.dichotomous([1.2, 1.5], [0.4, 0.5])
    se_r = np.array([[0.1, 0.2], [0.1, 0.1]])
    se_f = np.array([[0.1, 0.1], [0.1, 0.1]])
    res = lord_wald(ref, foc, se_r, se_f)
    # item 1: d = (−0.2, −0.4), Σ = diag(.02, .05): χ² = .04/.02 + .16/.05 = 5.2, df 2
    assert res.statistic[0] == pytest.approx(5.2, rel=1e-12)
    assert res.statistic[1] == pytest.approx(0.0, abs=1e-15)
    assert res.df.tolist() == [2, 2]
    assert res.p_value[0] == pytest.approx(chi2.sf(5.2, 2), rel=1e-12)
    # a full covariance block changes the quadratic form
    cov = np.array([[[0.01, 0.005], [0.005, 0.04]], [[0.01, 0.0], [0.0, 0.01]]])
    res2 = lord_wald(ref, foc, cov, np.zeros((2, 2, 2)))
    d = np.array([-0.2, -0.4])
    assert res2.statistic[0] == pytest.approx(d @ np.linalg.solve(cov[0], d), rel=1e-12)


@pytest.mark.parametrize("model", ["2pl", "grm"])
def test_item_covariance_agrees_with_the_calibration_standard_errors(model):
    from psychometrics.irt.calibration import calibrate
    from psychometrics.irt.models import category_probabilities

    rng = np.random.default_rng(61)
    m = 10
    a = np.clip(rng.lognormal(0, 0.3, m), 0.6, 2)
    truth = (
        ItemParameters.dichotomous(a, rng.normal(0, 1, m))
        if model == "2pl"
        else ItemParameters.polytomous(a, np.sort(rng.normal(0, 1, (m, 3)), axis=1), "grm")
    )
    probs = category_probabilities(truth, rng.normal(size=5000))
    x = (
        (rng.random(probs.shape[:2])[:, :, None] > np.cumsum(probs, axis=2)[:, :, :-1])
        .sum(axis=2)
        .astype(float)
    )
    # 2PL: against the calibration's Oakes information (a different estimator of the same asymptotic
    # covariance: about 10 % at n = 5,000); GRM: against its full-matrix cross-product (Oakes is slow there)
    cal = calibrate(x, model, standard_errors="oakes" if model == "2pl" else "xpd")
    cov = item_covariance(cal.params, x)
    se_loc = cal.standard_errors.b if model == "2pl" else cal.standard_errors.thresholds[:, 0]
    np.testing.assert_allclose(np.sqrt(cov[:, 0, 0]), cal.standard_errors.a, rtol=0.1)
    np.testing.assert_allclose(np.sqrt(cov[:, 1, 1]), se_loc, rtol=0.15)
    assert np.all(np.abs(cov[:, 0, 1]) > 0)  # a and b are correlated: the blocks are not diagonal


def test_lord_wald_from_group_calibrations_flags_the_dif_item():
    x, g = simulate_dif(n=4000, m=10)
    res = lord_wald_calibrated(x, g, 1)
    assert res.p_value[3] < 1e-4 and res.p_value[7] < 1e-4
    assert np.median(res.p_value) > 0.01
    # purified anchors: the DIF items no longer pull the linking, the clean items look cleaner
    pure = lord_wald_calibrated(x, g, 1, purify=True)
    assert pure.p_value[3] < 1e-4 and pure.p_value[7] < 1e-4
    clean = [j for j in range(10) if j not in (3, 7)]
    assert np.median(pure.statistic[clean]) < np.median(res.statistic[clean])


def test_irt_likelihood_ratio_flags_the_dif_item():
    x, g = simulate_dif(n=3000, m=10)
    res = irt_likelihood_ratio(x, g, 1, items=[0, 3, 7])
    assert res.df.tolist() == [2, 2, 2]
    assert res.p_value[1] < 1e-6 and res.p_value[2] < 1e-6
    assert res.p_value[0] > 0.001


def test_refusals():
    x, g = simulate_dif(n=200, m=8)
    with pytest.raises(PsychometricsError, match="0/1"):
        mantel_haenszel(x * 2, g, 1)
    with pytest.raises(PsychometricsError, match="focal group"):
        mantel_haenszel(x, g, "nobody")
    with pytest.raises(PsychometricsError, match="one label per person"):
        logistic_dif(x, g[:-1], 1)


def test_persons_without_a_group_are_left_out(worked_example):
    x, g, s = worked_example
    x2 = np.vstack([x, [[1.0]], [[0.0]]])
    g2 = np.concatenate([g, np.array([None, float("nan")], object)])
    s2 = np.concatenate([s, [1.0, 2.0]])
    assert mantel_haenszel(x2, g2, "foc", matching=s2).alpha_mh[0] == pytest.approx(82 / 22, rel=1e-14)


def test_integer_codes_with_negative_missing_equal_nan_input():
    x, g = simulate_dif(n=1500, m=8)
    x[::5, 2] = np.nan
    as_int8 = np.where(np.isnan(x), -1, x).astype(np.int8)
    for purify in (False, True):
        a, b = mantel_haenszel(x, g, 1, purify=purify), mantel_haenszel(as_int8, g, 1, purify=purify)
        np.testing.assert_array_equal(a.chi2, b.chi2)
        np.testing.assert_array_equal(a.alpha_mh, b.alpha_mh)
    np.testing.assert_array_equal(logistic_dif(x, g, 1).chi2_total, logistic_dif(as_int8, g, 1).chi2_total)
    with pytest.raises(PsychometricsError, match="0/1"):
        mantel_haenszel(as_int8 * 2, g, 1)


def test_mantel_polytomous_statistic_on_the_worked_example(worked_example):
    x, g, s = worked_example
    res = mantel_dif(x, g, "foc", matching=s)
    # focal sums F = 3 + 5 = 8; E(F) = 10·9/20 + 10·13/20 = 11; Var = 2.5 as for the MH test
    # χ² = (8 − 11)² / 2.5 = 3.6 (the MH χ² without its continuity correction)
    assert res.chi2[0] == pytest.approx(3.6, rel=1e-14)
    # SMD: stratum means focal .3/.5, reference .6/.8, focal weights ½ each → −0.3
    assert res.smd[0] == pytest.approx(-0.3, rel=1e-14)
    # SD over all 40 answers: p = 22/40, √(p(1 − p))
    assert res.smd_over_sd[0] == pytest.approx(-0.3 / np.sqrt(0.55 * 0.45), rel=1e-12)
    assert res.ets_class == ("AA",)  # p = 0.058


def test_mantel_polytomous_flags_a_rubric_item_with_dif():
    from psychometrics.irt.models import category_probabilities

    rng = np.random.default_rng(71)
    n, m = 4000, 8
    params = ItemParameters.polytomous(
        np.clip(rng.lognormal(0, 0.3, m), 0.6, 2), np.sort(rng.normal(0, 1, (m, 3)), axis=1), "grm"
    )
    g = np.repeat([0, 1], n // 2)
    theta = rng.normal(size=n) - 0.3 * g
    probs = category_probabilities(params, theta)
    shifted = ItemParameters.polytomous(params.a[[2]], params.thresholds[[2]] + 0.8, "grm")
    probs[g == 1, 2] = category_probabilities(shifted, theta[g == 1])[
        :, 0
    ]  # item 3 harder for the focal group
    x = (rng.random(probs.shape[:2])[:, :, None] > np.cumsum(probs, axis=2)[:, :, :-1]).sum(axis=2)
    res = mantel_dif(x, g, 1)
    assert res.ets_class[2] == "CC-"
    others = [res.ets_class[j] for j in range(m) if j != 2]
    assert sum(c == "AA" for c in others) >= len(others) - 1
    assert res.summary().columns[-1] == "ETS"

"""Ability scoring checked against Python mirt 1.2.0 and against direct root-finding with scipy.

Oracles and tolerances:
* EAP: mirt.fscores(method="EAP", n_quadpts=61) with our Gauss–Hermite rule (quadrature_rule=
  "hermite"): θ and posterior SD agree to 1e-10 (same integral; only floating-point order differs).
  Our default equally spaced rule is checked against adaptive integration (scipy.integrate.quad).
* MAP / ML: mirt's optimiser stops at |Δθ| ≈ 1e-6, ours at 1e-8: θ within 2e-5, SE within 1e-4.
* WLE: mirt maximises L·√I, which is Warm's (1989) estimator for 1PL/2PL/GPCM/PCM (exponential
  families) but not for 3PL/GRM; there the check is a scipy brentq root of Warm's corrected score
  built from finite differences of the response functions (independent of our analytic derivatives).
* Summed-score EAP: mirt.fscores(method="EAPsum") per person, 1e-8.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from psychometrics.errors import PsychometricsError
from psychometrics.irt.ability import (
    ability,
    plausible_values,
    quadrature,
    score_distribution,
    summed_score_table,
)
from psychometrics.irt.models import ItemParameters, category_probabilities, item_information

mirt = pytest.importorskip("mirt")


# ----------------------------------------------------------------------------------------------------
# data and oracle helpers
# ----------------------------------------------------------------------------------------------------
def simulate(
    params: ItemParameters, theta: np.ndarray, rng: np.random.Generator, missing: float = 0.0
) -> np.ndarray:
    probs = category_probabilities(params, theta)
    cum = np.cumsum(probs, axis=2)[:, :, :-1]
    u = rng.random(probs.shape[:2])
    x = (u[:, :, None] > cum).sum(axis=2).astype(float)
    x[x >= params.n_categories[None, :]] = np.nan
    if missing:
        x[rng.random(x.shape) < missing] = np.nan
    return x


def mirt_model(params: ItemParameters):
    model = params.model[0]
    m, k = params.n_items, int(params.max_categories)
    if model == "2pl":
        mm = mirt.TwoParameterLogistic(n_items=m)
        mm.set_parameters(discrimination=params.a, difficulty=params.b)
    elif model == "3pl":
        mm = mirt.ThreeParameterLogistic(n_items=m)
        mm.set_parameters(discrimination=params.a, difficulty=params.b, guessing=params.c)
    elif model == "grm":
        mm = mirt.GradedResponseModel(n_items=m, n_categories=k)
        mm.set_parameters(discrimination=params.a, thresholds=params.thresholds)
    elif model == "gpcm":
        mm = mirt.GeneralizedPartialCredit(n_items=m, n_categories=k)
        mm.set_parameters(discrimination=params.a, steps=params.thresholds)
    else:
        mm = mirt.PartialCreditModel(n_items=m, n_categories=k)
        mm.set_parameters(steps=params.thresholds)
    mm._is_fitted = True  # parameters set by hand: let fscores use them as fitted
    return mm


def mirt_scores(params, x, method):
    xm = np.where(np.isnan(x), -1, x).astype(int)
    name = "EAPsum" if method == "eapsum" else method.upper()
    res = mirt.fscores(mirt_model(params), xm, method=name, n_quadpts=61)
    return np.asarray(res.theta, float).ravel(), np.asarray(res.standard_error, float).ravel()


def make_params(model: str, m: int, rng: np.random.Generator, k: int = 4) -> ItemParameters:
    a = np.clip(rng.lognormal(0, 0.3, m), 0.5, 2.5)
    if model in ("2pl", "3pl"):
        c = rng.uniform(0.1, 0.3, m) if model == "3pl" else None
        return ItemParameters.dichotomous(a, rng.normal(0, 1, m), c, model)
    thr = np.sort(rng.normal(0, 1, (m, k - 1)), axis=1)
    return ItemParameters.polytomous(np.ones(m) if model == "pcm" else a, thr, model)


@pytest.fixture(scope="module")
def twopl():
    rng = np.random.default_rng(20261125)
    params = make_params("2pl", 25, rng)
    x = simulate(params, rng.normal(size=1500), rng)
    return params, x


# ----------------------------------------------------------------------------------------------------
# agreement with mirt
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["eap", "map", "ml", "wle"])
def test_2pl_scores_match_mirt(twopl, method):
    params, x = twopl
    # Python mirt's ML and WLE SEs invert the expected (Fisher) test information; ours default to
    # the observed information (R mirt), so ask for the expected one here (issue 15 part 2)
    ours = ability(params, x, method, quadrature_rule="hermite", information="expected")
    theta, se = mirt_scores(params, x, method)
    inner = ~ours.at_bound
    tol_theta, tol_se = (1e-10, 1e-10) if method == "eap" else (2e-5, 1e-4)
    np.testing.assert_allclose(ours.theta[inner], theta[inner], atol=tol_theta)
    np.testing.assert_allclose(ours.se[inner], se[inner], atol=tol_se)


@pytest.mark.parametrize("model", ["grm", "gpcm", "pcm"])
@pytest.mark.parametrize("method", ["eap", "map", "ml"])
def test_polytomous_scores_with_missing_match_mirt(model, method):
    rng = np.random.default_rng(7)
    params = make_params(model, 10, rng, k=4)
    x = simulate(params, rng.normal(size=800), rng, missing=0.1)
    # Python mirt's ML SE inverts the expected information (differs from observed for GRM items);
    # its MAP SE is the observed curvature of the log posterior, our default
    kind = "expected" if method == "ml" else "observed"
    ours = ability(params, x, method, quadrature_rule="hermite", information=kind)
    theta, se = mirt_scores(params, x, method)
    inner = ~ours.at_bound
    tol = 1e-10 if method == "eap" else 2e-5
    np.testing.assert_allclose(ours.theta[inner], theta[inner], atol=tol)
    # MAP: both use the curvature of the log posterior, mirt's by finite differences (≈1e-4 apart)
    np.testing.assert_allclose(
        ours.se[inner], se[inner], atol={"eap": 1e-10, "ml": 1e-4, "map": 5e-4}[method]
    )


@pytest.mark.parametrize("model", ["gpcm", "pcm"])
def test_wle_matches_mirt_where_warm_equals_weighted_likelihood(model):
    rng = np.random.default_rng(8)
    params = make_params(model, 12, rng, k=3)
    x = simulate(params, rng.normal(size=600), rng, missing=0.05)
    ours = ability(params, x, "wle")
    theta, _ = mirt_scores(params, x, "wle")
    np.testing.assert_allclose(ours.theta, theta, atol=2e-5)


def test_3pl_eap_map_ml_match_mirt():
    rng = np.random.default_rng(9)
    params = make_params("3pl", 30, rng)
    x = simulate(params, rng.normal(size=1000), rng)
    for method, tol in (("eap", 1e-10), ("map", 2e-5), ("ml", 2e-5)):
        ours = ability(params, x, method, quadrature_rule="hermite")
        theta, _ = mirt_scores(params, x, method)
        inner = ~ours.at_bound
        np.testing.assert_allclose(ours.theta[inner], theta[inner], atol=tol, err_msg=method)


# ----------------------------------------------------------------------------------------------------
# WLE against Warm's equation solved directly
# ----------------------------------------------------------------------------------------------------
def warm_score(params: ItemParameters, x_row: np.ndarray, theta: float, h: float = 1e-4) -> float:
    """Warm's corrected score S + J/(2I) from finite differences of P (no analytic derivative used)."""
    obs = ~np.isnan(x_row)
    sub = params.subset(np.flatnonzero(obs))
    codes = x_row[obs].astype(int)
    p = category_probabilities(sub, theta)[0]
    p_hi = category_probabilities(sub, theta + h)[0]
    p_lo = category_probabilities(sub, theta - h)[0]
    d1 = (p_hi - p_lo) / (2 * h)
    d2 = (p_hi - 2 * p + p_lo) / h**2
    valid = p > 0
    rows = np.arange(sub.n_items)
    score = float(np.sum(d1[rows, codes] / p[rows, codes]))
    info = float(np.sum(np.where(valid, d1**2 / np.where(valid, p, 1), 0)))
    j = float(np.sum(np.where(valid, d1 * d2 / np.where(valid, p, 1), 0)))
    return score + j / (2 * info)


@pytest.mark.parametrize("model", ["3pl", "grm"])
def test_wle_solves_warms_equation(model):
    rng = np.random.default_rng(11)
    params = make_params(model, 15, rng, k=4)
    x = simulate(params, rng.normal(size=40), rng, missing=0.1)
    ours = ability(params, x, "wle")
    for i in range(8):
        if ours.at_bound[i]:
            continue
        f = lambda t, i=i: warm_score(params, x[i], t)  # noqa: E731
        grid = np.linspace(-6, 6, 241)
        values = np.array([f(t) for t in grid])
        # the root of Warm's equation nearest our estimate
        crossings = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))
        roots = [brentq(f, grid[c], grid[c + 1], xtol=1e-12) for c in crossings]
        nearest = min(roots, key=lambda r: abs(r - ours.theta[i]))
        assert abs(nearest - ours.theta[i]) < 1e-5, (i, nearest, ours.theta[i])


# ----------------------------------------------------------------------------------------------------
# extremes, missing codes, chunks
# ----------------------------------------------------------------------------------------------------
def test_ml_extreme_patterns_are_bounded_and_flagged(twopl):
    params, _ = twopl
    x = np.vstack([np.zeros(params.n_items), np.ones(params.n_items), np.full(params.n_items, np.nan)])
    res = ability(params, x, "ml", bounds=(-5, 5))
    assert res.theta[0] == -5 and res.theta[1] == 5 and np.isnan(res.theta[2])
    assert res.at_bound.tolist() == [True, True, False]
    assert np.isinf(res.se[:2]).all()
    wle = ability(params, x[:2], "wle")
    assert np.all(np.isfinite(wle.theta)) and not wle.at_bound.any()
    assert wle.theta[0] < -2 and wle.theta[1] > 2
    eap = ability(params, x, "eap")  # nothing answered: the prior (the 61-point grid's SD is 1 − 2e-8)
    assert eap.theta[2] == pytest.approx(0.0, abs=1e-12) and eap.se[2] == pytest.approx(1.0, abs=1e-7)


def test_integer_codes_with_negative_missing_equal_nan(twopl):
    params, x = twopl
    x = x.copy()
    x[::7, 3] = np.nan
    as_int8 = np.where(np.isnan(x), -1, x).astype(np.int8)
    for method in ("eap", "wle"):
        np.testing.assert_array_equal(
            ability(params, as_int8, method).theta, ability(params, x, method).theta
        )


def test_chunking_does_not_change_estimates(twopl):
    params, x = twopl
    for method in ("eap", "map"):
        whole = ability(params, x, method)
        np.testing.assert_allclose(ability(params, x, method, chunk_size=97).theta, whole.theta, atol=1e-12)


def test_bad_code_is_refused_with_row_and_column(twopl):
    params, x = twopl
    bad = x.copy()
    bad[4, 2] = 2
    with pytest.raises(PsychometricsError, match="แถว 5 คอลัมน์ 3"):
        ability(params, bad)
    with pytest.raises(PsychometricsError, match="row 5, column 3"):
        ability(params, np.nan_to_num(bad).astype(np.int8))
    with pytest.raises(PsychometricsError, match="unknown ability method"):
        ability(params, x, "bayes")
    with pytest.raises(PsychometricsError, match="columns"):
        ability(params, x[:, :5])
    with pytest.raises(PsychometricsError, match="must be numbers"):
        ability(params, np.full((2, params.n_items), "ก", dtype=object))
    as_objects = x[:3].astype(object)
    as_objects[0, 0] = None  # None is a blank answer
    expected = x[:3].copy()
    expected[0, 0] = np.nan
    np.testing.assert_array_equal(ability(params, as_objects).theta, ability(params, expected).theta)


def test_summary_is_a_table(twopl):
    params, x = twopl
    table = ability(params, x, "ml").summary()
    assert table.columns == ("statistic", "value")
    assert dict(table.rows)["persons"] == x.shape[0]


# ----------------------------------------------------------------------------------------------------
# plausible values and the summed-score table
# ----------------------------------------------------------------------------------------------------
def test_plausible_values_follow_the_posterior(twopl):
    params, x = twopl
    sub = x[:200]
    draws = plausible_values(params, sub, 400, np.random.default_rng(3))
    eap = ability(params, sub, "eap", n_quadrature=121)
    # Monte Carlo error of a 400-draw mean is PSD/20 ≈ 0.02; of the SD about PSD/28
    assert np.abs(draws.mean(axis=1) - eap.theta).max() < 5 * eap.se.max() / 20
    assert np.abs(draws.std(axis=1) / eap.se - 1).mean() < 0.03
    again = plausible_values(params, sub, 400, np.random.default_rng(3))
    np.testing.assert_array_equal(draws, again)


def test_summed_score_table_matches_mirt_eapsum():
    rng = np.random.default_rng(12)
    params = make_params("2pl", 15, rng)
    x = simulate(params, rng.normal(size=500), rng)
    table = summed_score_table(params, scale=(10.0, 50.0), quadrature_rule="hermite")
    theta, se = mirt_scores(params, x, "eapsum")
    raw = x.sum(axis=1).astype(int)
    ours_theta, ours_sd = table.lookup(raw)
    np.testing.assert_allclose(ours_theta, theta, atol=1e-8)
    np.testing.assert_allclose(ours_sd, se, atol=1e-8)
    np.testing.assert_allclose(table.scale_score, 10 * table.theta + 50)
    np.testing.assert_allclose(table.scale_sd, 10 * table.sd)
    assert table.probability.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.diff(table.theta) > 0)
    assert len(table.summary().rows) == params.n_items + 1


def test_eapsum_scores_every_person_from_the_table():
    rng = np.random.default_rng(16)
    params = make_params("grm", 8, rng, k=3)
    x = simulate(params, rng.normal(size=300), rng)
    ours = ability(params, x, "eapsum", quadrature_rule="hermite")
    theta, se = mirt_scores(params, x, "eapsum")
    np.testing.assert_allclose(ours.theta, theta, atol=1e-8)
    np.testing.assert_allclose(ours.se, se, atol=1e-8)
    raw = x.sum(axis=1)
    same = raw == raw[0]
    assert np.all(ours.theta[same] == ours.theta[0])  # equal raw scores, equal θ
    x[5, 2] = np.nan
    with pytest.raises(PsychometricsError, match="row 6, column 3"):
        ability(params, x, "eapsum")


def test_score_distribution_mixed_items_matches_brute_force():
    rng = np.random.default_rng(13)
    dich = make_params("3pl", 3, rng)
    poly = make_params("grm", 2, rng, k=3)
    mixed = ItemParameters(
        dich.model + poly.model,
        np.r_[dich.a, poly.a],
        np.r_[dich.b, poly.b],
        np.r_[dich.c, poly.c],
        np.vstack([np.c_[dich.thresholds, np.full((3, 1), np.nan)], poly.thresholds]),
    )
    theta = np.array([-1.0, 0.3, 2.0])
    dist = score_distribution(mixed, theta)
    probs = category_probabilities(mixed, theta)
    brute = np.zeros_like(dist)
    cats = [range(int(k)) for k in mixed.n_categories]
    for pattern in np.array(np.meshgrid(*cats, indexing="ij")).reshape(len(cats), -1).T:
        p = np.prod(probs[:, np.arange(len(cats)), pattern], axis=1)
        brute[:, pattern.sum()] += p
    np.testing.assert_allclose(dist, brute, atol=1e-14)


# ----------------------------------------------------------------------------------------------------
# invariants
# ----------------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_q=st.integers(5, 81),
    mean=st.floats(-2, 2),
    sd=st.floats(0.3, 3),
    rule=st.sampled_from(["grid", "hermite"]),
)
def test_eap_lies_within_the_quadrature_range(seed, n_q, mean, sd, rule):
    rng = np.random.default_rng(seed)
    params = make_params(["2pl", "3pl", "grm", "gpcm"][seed % 4], 8, rng, k=3)
    x = simulate(params, rng.normal(0, 3, size=30), rng, missing=0.2)
    nodes, _ = quadrature(n_q, mean, sd, rule)
    res = ability(params, x, "eap", n_quadrature=n_q, quadrature_rule=rule, prior_mean=mean, prior_sd=sd)
    assert np.all(res.theta >= nodes.min() - 1e-9) and np.all(res.theta <= nodes.max() + 1e-9)
    assert np.all(res.se >= 0) and np.all(res.se <= (nodes.max() - nodes.min()) / 2 + 1e-9)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_ml_se_is_inverse_root_test_information(seed):
    rng = np.random.default_rng(seed)
    params = make_params("2pl", 10, rng)
    x = simulate(params, rng.normal(size=20), rng)
    res = ability(params, x, "ml")
    inner = ~res.at_bound
    info = item_information(params, res.theta[inner]).sum(axis=1)
    np.testing.assert_allclose(res.se[inner], 1 / np.sqrt(info), rtol=1e-10)


# ----------------------------------------------------------------------------------------------------
# mixed dichotomous / polytomous forms, against direct integration and root-finding
# ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mixed():
    rng = np.random.default_rng(14)
    dich = make_params("3pl", 6, rng)
    grm = make_params("grm", 3, rng, k=4)
    gpcm = make_params("gpcm", 3, rng, k=3)
    width = 3
    thr = np.vstack(
        [
            np.c_[dich.thresholds, np.full((6, width - 1), np.nan)],
            grm.thresholds,
            np.c_[gpcm.thresholds, np.full((3, 1), np.nan)],
        ]
    )
    params = ItemParameters(
        dich.model + grm.model + gpcm.model,
        np.r_[dich.a, grm.a, gpcm.a],
        np.r_[dich.b, grm.b, gpcm.b],
        np.r_[dich.c, grm.c, gpcm.c],
        thr,
    )
    x = simulate(params, rng.normal(size=12), rng, missing=0.15)
    return params, x


def likelihood(params: ItemParameters, row: np.ndarray, theta: float) -> float:
    """Product of the answered items' category probabilities (no logs, no matrix products)."""
    p = category_probabilities(params, theta)[0]
    return float(np.prod([p[j, int(v)] for j, v in enumerate(row) if not np.isnan(v)]))


def test_mixed_form_eap_equals_adaptive_integration(mixed):
    from scipy.integrate import quad
    from scipy.stats import norm

    params, x = mixed
    res = ability(params, x, "eap", n_quadrature=121)
    for i in range(x.shape[0]):
        mass = quad(
            lambda t, i=i: likelihood(params, x[i], t) * norm.pdf(t), -10, 10, epsabs=0, epsrel=1e-11
        )[0]
        first = quad(
            lambda t, i=i: t * likelihood(params, x[i], t) * norm.pdf(t), -10, 10, epsabs=0, epsrel=1e-11
        )[0]
        assert res.theta[i] == pytest.approx(first / mass, abs=1e-7)


def test_mixed_form_ml_is_the_likelihood_maximum(mixed):
    from scipy.optimize import minimize_scalar

    params, x = mixed
    res = ability(params, x, "ml")
    for i in np.flatnonzero(~res.at_bound):
        best = minimize_scalar(
            lambda t, i=i: -np.log(likelihood(params, x[i], t)),
            bounds=(-6, 6),
            method="bounded",
            options={"xatol": 1e-10},
        )
        # a 3PL likelihood can have a second local maximum: ours must be at least as high
        assert -best.fun <= np.log(likelihood(params, x[i], res.theta[i])) + 1e-9
        h = 1e-5
        slope = (
            np.log(likelihood(params, x[i], res.theta[i] + h))
            - np.log(likelihood(params, x[i], res.theta[i] - h))
        ) / (2 * h)
        assert abs(slope) < 1e-5


def test_eap_memory_is_bounded_by_the_chunk_not_the_persons():
    """400,000 × 60 persons in a fresh process: the call's peak RSS above its start stays small
    (an unchunked posterior alone would be 400,000 × 61 × 8 B = 186 MiB)."""
    import subprocess
    import sys

    script = """
import numpy as np
from psychometrics.irt.ability import ability
from psychometrics.irt.models import ItemParameters
rng = np.random.default_rng(1)
params = ItemParameters.dichotomous(rng.lognormal(0, 0.3, 60), rng.normal(0, 1, 60))
x = (rng.random((400_000, 60)) < 0.5).astype(np.int8)
ability(params, x[:100])
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
open("/proc/self/clear_refs", "w").write("5")
before = status("VmRSS")
theta = ability(params, x).theta
print(status("VmHWM") - before)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    grown_mib = float(out.stdout.strip())
    # outputs (θ, SD, counts: 9 MiB) plus a few 4 MiB work arrays per thread
    assert grown_mib < 80, grown_mib


def test_newton_that_runs_out_of_steps_warns_and_flags(twopl):
    from psychometrics.errors import ConvergenceWarning

    params, x = twopl
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = ability(params, x[:50], "ml", max_iter=1, tol=1e-14)
    assert not res.converged.all()
    assert dict(res.summary().rows)["not converged"] == int((~res.converged).sum())
    assert ability(params, x[:50], "ml").converged.all()


@pytest.mark.parametrize("n_items", [60, 200, 500])
def test_default_grid_stays_accurate_on_long_tests(n_items):
    """The default grid (61 points, more when posteriors get narrower than the spacing) against a
    2001-point rule: within 1e-4, where 61 Gauss–Hermite nodes drift (1.2e-3 at 60 items, 4.8e-2 at 200)."""
    rng = np.random.default_rng(15)
    params = make_params("2pl", n_items, rng)
    x = simulate(params, rng.normal(size=400), rng)
    dense = ability(params, x, "eap", n_quadrature=2001)
    grid = ability(params, x, "eap")
    hermite = ability(params, x, "eap", quadrature_rule="hermite")
    assert np.abs(grid.theta - dense.theta).max() < 1e-4
    assert np.abs(grid.se - dense.se).max() < 1e-4
    assert np.abs(grid.theta - dense.theta).max() < np.abs(hermite.theta - dense.theta).max()


def test_each_person_can_have_the_prior_of_his_group(twopl):
    """Scoring two groups together with per-person priors equals scoring each group on its own."""
    params, x = twopl
    group = np.arange(x.shape[0]) % 2
    mean, sd = np.where(group == 1, 0.6, 0.0), np.where(group == 1, 1.3, 1.0)
    together = ability(params, x, "map", prior_mean=mean, prior_sd=sd)
    for g, (m, s) in enumerate(((0.0, 1.0), (0.6, 1.3))):
        alone = ability(params, x[group == g], "map", prior_mean=m, prior_sd=s)
        np.testing.assert_allclose(together.theta[group == g], alone.theta, atol=1e-9)
        np.testing.assert_allclose(together.se[group == g], alone.se, atol=1e-9)
    # EAP integrates every person on one grid covering both groups' ±6 SD (wider than one group's:
    # extreme patterns differ by the alone run's truncation, ~1e-6)
    eap = ability(params, x, "eap", prior_mean=mean, prior_sd=sd, n_quadrature=401)
    for g, (m, s) in enumerate(((0.0, 1.0), (0.6, 1.3))):
        alone = ability(params, x[group == g], "eap", prior_mean=m, prior_sd=s, n_quadrature=401)
        np.testing.assert_allclose(eap.theta[group == g], alone.theta, atol=1e-5)
        np.testing.assert_allclose(eap.se[group == g], alone.se, atol=1e-5)
    with pytest.raises(PsychometricsError, match="grid"):
        ability(params, x, "eap", prior_mean=mean, quadrature_rule="hermite")
    with pytest.raises(PsychometricsError, match="one per person"):
        ability(params, x, "map", prior_mean=mean[:10])
    with pytest.raises(PsychometricsError, match="prior_sd"):
        ability(params, x, "eap", prior_sd=0.0)


def test_plausible_values_of_unanswered_persons_follow_their_group_prior(twopl):
    params, _ = twopl
    empty = np.full((2, params.n_items), np.nan)
    draws = plausible_values(
        params, empty, 20000, np.random.default_rng(4), prior_mean=[-1.0, 3.0], prior_sd=[0.5, 1.3]
    )
    # 20,000 draws: Monte Carlo SE of the mean ≤ 0.01, of the SD ≤ 0.007
    np.testing.assert_allclose(draws.mean(axis=1), [-1.0, 3.0], atol=0.04)
    np.testing.assert_allclose(draws.std(axis=1), [0.5, 1.3], atol=0.03)

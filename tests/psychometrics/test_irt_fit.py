"""Item and person fit checked against Python mirt 1.2.0 (itemfit / personfit with the same fixed
parameters and the same θ) and on simulated fitting and misfitting data.

Tolerances: infit/outfit, their z, S-X2 and Zh (lz) are the same closed forms, so 1e-8. mirt counts
no free parameters for a model whose parameters were fixed, so its S-X2 df is ours + n_parameters.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kstest

from psychometrics.errors import PsychometricsError
from psychometrics.irt.ability import ability
from psychometrics.irt.fit import infit_outfit, person_fit, s_x2
from psychometrics.irt.models import ItemParameters, category_probabilities

mirt = pytest.importorskip("mirt")
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:mirt.*")


def simulate(params: ItemParameters, theta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    probs = category_probabilities(params, theta)
    cum = np.cumsum(probs, axis=2)[:, :, :-1]
    return (rng.random(probs.shape[:2])[:, :, None] > cum).sum(axis=2).astype(float)


def fixed_mirt(params: ItemParameters, x: np.ndarray):
    """A mirt FitResult whose item parameters are held at `params`."""
    model = params.model[0]
    if model in ("2pl", "rasch", "1pl"):
        start = {"discrimination": params.a, "difficulty": params.b}
        name, kw = "2PL", {}
    elif model in ("grm", "gpcm"):
        key = "thresholds" if model == "grm" else "steps"
        start = {"discrimination": params.a, key: params.thresholds}
        name, kw = model.upper(), {"n_categories": int(params.max_categories)}
    else:
        start = {"steps": params.thresholds}
        name, kw = "PCM", {"n_categories": int(params.max_categories)}
    return mirt.fit_mirt(
        x.astype(int),
        model=name,
        start_values=start,
        fixed={k: True for k in start},
        compute_standard_errors=False,
        **kw,
    )


@pytest.fixture(scope="module")
def rasch():
    rng = np.random.default_rng(51)
    m = 20
    params = ItemParameters.dichotomous(np.ones(m), rng.normal(0, 1, m), model="rasch")
    x = simulate(params, rng.normal(size=2000), rng)
    return params, x


def test_item_infit_outfit_match_mirt(rasch):
    params, x = rasch
    theta = ability(params, x, "wle").theta
    ours = infit_outfit(params, x, theta)
    theirs = mirt.itemfit(
        fixed_mirt(params, x),
        x.astype(int),
        statistics=["infit", "outfit", "z_infit", "z_outfit"],
        theta=theta,
    )
    np.testing.assert_allclose(ours.item_infit, theirs["infit"], atol=1e-8)
    np.testing.assert_allclose(ours.item_outfit, theirs["outfit"], atol=1e-8)
    np.testing.assert_allclose(ours.item_infit_t, theirs["z_infit"], atol=1e-8)
    np.testing.assert_allclose(ours.item_outfit_t, theirs["z_outfit"], atol=1e-8)
    # on data that fit, mean squares sit near 1 (Wright & Linacre's 0.7–1.3 band)
    assert np.all((ours.item_infit > 0.85) & (ours.item_infit < 1.15))


def test_pcm_infit_outfit_match_mirt():
    rng = np.random.default_rng(52)
    m = 8
    params = ItemParameters.polytomous(np.ones(m), np.sort(rng.normal(0, 1, (m, 3)), axis=1), "pcm")
    x = simulate(params, rng.normal(size=1500), rng)
    theta = ability(params, x, "eap").theta
    ours = infit_outfit(params, x, theta)
    theirs = mirt.itemfit(
        fixed_mirt(params, x),
        x.astype(int),
        statistics=["infit", "outfit", "z_infit", "z_outfit"],
        theta=theta,
    )
    np.testing.assert_allclose(ours.item_infit, theirs["infit"], atol=1e-8)
    np.testing.assert_allclose(ours.item_outfit_t, theirs["z_outfit"], atol=1e-8)


def test_person_fit_matches_mirt(rasch):
    params, x = rasch
    theta = ability(params, x, "eap").theta
    ours_ms = infit_outfit(params, x, theta)
    ours_lz = person_fit(params, x, theta)
    theirs = mirt.personfit(fixed_mirt(params, x), x.astype(int), theta=theta)
    np.testing.assert_allclose(ours_ms.person_infit, theirs["infit"], atol=1e-8)
    np.testing.assert_allclose(ours_ms.person_outfit, theirs["outfit"], atol=1e-8)
    np.testing.assert_allclose(ours_lz.lz, theirs["Zh"], atol=1e-8)


def test_s_x2_matches_mirt():
    rng = np.random.default_rng(53)
    m = 15
    params = ItemParameters.dichotomous(np.clip(rng.lognormal(0, 0.3, m), 0.5, 2.5), rng.normal(0, 1, m))
    x = simulate(params, rng.normal(size=3000), rng)
    ours = s_x2(params, x, n_quadrature=41)
    theirs = mirt.itemfit(fixed_mirt(params, x), x.astype(int), statistics=["S_X2"], n_quadpts=41)
    np.testing.assert_allclose(ours.s_x2, theirs["S_X2"], rtol=1e-8)
    np.testing.assert_array_equal(ours.df + 2, theirs["df"].astype(int))


@pytest.mark.parametrize("model", ["grm", "gpcm"])
def test_polytomous_s_x2_matches_mirt(model):
    rng = np.random.default_rng(57)
    m = 6
    a = np.clip(rng.lognormal(0, 0.3, m), 0.6, 2)
    params = ItemParameters.polytomous(a, np.sort(rng.normal(0, 1, (m, 3)), axis=1), model)
    x = simulate(params, rng.normal(size=2500), rng)
    ours = s_x2(params, x, n_quadrature=41)
    theirs = mirt.itemfit(fixed_mirt(params, x), x.astype(int), statistics=["S_X2"], n_quadpts=41)
    np.testing.assert_allclose(ours.s_x2, theirs["S_X2"], rtol=1e-8)
    np.testing.assert_array_equal(ours.df + 4, theirs["df"].astype(int))  # a + 3 thresholds estimated
    assert np.all(ours.df > 0)


def test_s_x2_is_calm_on_fitting_data_and_flags_a_misfitting_item():
    rng = np.random.default_rng(54)
    m = 30
    params = ItemParameters.dichotomous(np.clip(rng.lognormal(0, 0.3, m), 0.6, 2), rng.normal(0, 1, m))
    theta = rng.normal(size=5000)
    x = simulate(params, theta, rng)
    # true parameters, none estimated: the p-values of fitting items are close to uniform
    calm = s_x2(params, x, n_parameters=[0] * m)
    assert kstest(calm.p_value, "uniform").pvalue > 0.01
    assert np.mean(calm.p_value < 0.05) < 0.2
    # item 1 really follows a 3PL with heavy guessing: a 2PL with a = 2, b = 1 misfits it
    p_guess = 0.35 + 0.65 / (1 + np.exp(-2.0 * (theta - 1.0)))
    x[:, 0] = (rng.random(theta.size) < p_guess).astype(float)
    params_claimed = ItemParameters.dichotomous(np.r_[2.0, params.a[1:]], np.r_[1.0, params.b[1:]])
    res = s_x2(params_claimed, x)
    assert res.p_value[0] < 1e-6
    assert res.s_x2[0] > 5 * np.median(res.s_x2[1:])
    assert "S-X" in res.summary().title


def test_lz_is_standard_normal_at_true_theta_and_flags_aberrant_patterns():
    rng = np.random.default_rng(55)
    m = 40
    params = ItemParameters.dichotomous(np.clip(rng.lognormal(0, 0.3, m), 0.6, 2), np.linspace(-2, 2, m))
    theta = rng.normal(size=4000)
    x = simulate(params, theta, rng)
    # 100 persons answer the hard half right and the easy half wrong (a reversed Guttman pattern)
    x[:100] = np.r_[np.zeros(m // 2), np.ones(m // 2)]
    res = person_fit(params, x, theta)
    fitting = res.lz[100:]
    assert abs(fitting.mean()) < 0.1 and abs(fitting.std() - 1) < 0.1
    assert np.all(res.lz[:100] < -4)
    assert res.summary().rows[0] == ("persons", 4000)


def test_missing_answers_and_unestimable_persons():
    rng = np.random.default_rng(56)
    params = ItemParameters.dichotomous(np.ones(6), np.linspace(-1, 1, 6), model="rasch")
    x = simulate(params, rng.normal(size=50), rng)
    x[0, :3] = np.nan
    x[1] = np.nan
    theta = ability(params, x, "ml").theta  # person 2 answered nothing: NaN θ
    res = infit_outfit(params, x, theta)
    assert np.isnan(res.person_infit[1]) and np.isfinite(res.person_infit[0])
    assert res.n_persons_used.sum() == np.isfinite(x[np.isfinite(theta)]).sum()
    assert np.isnan(person_fit(params, x, theta).lz[1])


def test_refusals(rasch):
    params, x = rasch
    with pytest.raises(PsychometricsError, match="theta needs one value per person"):
        infit_outfit(params, x, np.zeros(3))
    two = ItemParameters.polytomous(np.ones(2), np.zeros((2, 2)), "grm")
    with pytest.raises(PsychometricsError, match="at least 3 items"):
        s_x2(two, np.zeros((5, 2)))

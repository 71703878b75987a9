"""IRT true-score equating checked against Python mirt 1.2.0 and Kolen & Brennan identities.

* mirt.true_score_equating(model_old=X, model_new=Y) maps X scores to Y true scores by the same
  Newton solution and the same linear rule below Σc: equal to 1e-10 (measured: ~1e-14).
* Equating a form to itself is the identity; the conversion is monotone (Hypothesis, any models);
  each θ solves TCC_X(θ) = τ_X (checked with scipy brentq on the curve alone).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from psychometrics.errors import PsychometricsError
from psychometrics.irt.equating import (
    equipercentile,
    observed_score_equating,
    test_characteristic_curve,
    theta_for_true_score,
    true_score_equating,
)
from psychometrics.irt.linking import link, transform
from psychometrics.irt.models import ItemParameters

mirt = pytest.importorskip("mirt")


def make_params(model: str, m: int, rng: np.random.Generator, k: int = 4) -> ItemParameters:
    a = np.clip(rng.lognormal(0, 0.3, m), 0.5, 2.5)
    if model in ("2pl", "3pl"):
        c = rng.uniform(0.1, 0.3, m) if model == "3pl" else None
        return ItemParameters.dichotomous(a, rng.normal(0, 1, m), c, model)
    thr = np.sort(rng.normal(0, 1, (m, k - 1)), axis=1)
    return ItemParameters.polytomous(a, thr, model)


def mirt_3pl(params: ItemParameters):
    mm = mirt.ThreeParameterLogistic(n_items=params.n_items)
    mm.set_parameters(discrimination=params.a, difficulty=params.b, guessing=params.c)
    mm._is_fitted = True
    return mm


def test_3pl_equating_matches_mirt():
    rng = np.random.default_rng(41)
    form_x, form_y = make_params("3pl", 25, rng), make_params("3pl", 25, rng)
    ours = true_score_equating(form_x, form_y)
    theirs = mirt.true_score_equating(mirt_3pl(form_x), mirt_3pl(form_y))
    np.testing.assert_allclose(ours.score_x, theirs.old_scores)
    np.testing.assert_allclose(ours.score_y, theirs.new_scores, atol=1e-10)


def test_thetas_solve_the_test_characteristic_curve():
    rng = np.random.default_rng(42)
    form = make_params("3pl", 20, rng)
    floor = form.c.sum()
    tau = np.arange(int(np.ceil(floor)), 20)
    theta = theta_for_true_score(form, tau)
    for t, th in zip(tau, theta, strict=True):
        expected = brentq(lambda v, t=t: test_characteristic_curve(form, v)[0] - t, -30, 30, xtol=1e-13)
        assert th == pytest.approx(expected, abs=1e-8)
    assert np.isnan(theta_for_true_score(form, [floor - 0.5, 20.0])).all()


def test_scores_below_the_guessing_floor_follow_the_linear_rule():
    rng = np.random.default_rng(43)
    form_x, form_y = make_params("3pl", 20, rng), make_params("3pl", 30, rng)
    res = true_score_equating(form_x, form_y, [0, 1, 2, form_x.c.sum(), 20])
    ratio = form_y.c.sum() / form_x.c.sum()
    np.testing.assert_allclose(res.score_y[:4], res.score_x[:4] * ratio, atol=1e-8)
    assert res.score_y[-1] == 30


def test_equating_a_form_to_itself_is_identity():
    rng = np.random.default_rng(44)
    for model in ("2pl", "3pl", "grm", "gpcm"):
        form = make_params(model, 10, rng)
        res = true_score_equating(form, form)
        np.testing.assert_allclose(res.score_y, res.score_x, atol=1e-8, err_msg=model)


def test_linked_forms_equate_through_the_common_scale():
    rng = np.random.default_rng(45)
    base = make_params("2pl", 15, rng)
    shifted = transform(base, 1 / 1.2, 0.3 / 1.2)  # the same form, calibrated on another scale
    linked = link(shifted, base, "stocking_lord", common=[(j, j) for j in range(15)]).transform(shifted)
    res = true_score_equating(linked, base)
    np.testing.assert_allclose(res.score_y, res.score_x, atol=1e-6)


def test_out_of_range_scores_are_refused():
    form = make_params("2pl", 5, np.random.default_rng(1))
    with pytest.raises(PsychometricsError, match="0–5"):
        true_score_equating(form, form, [6])


def test_summary_lists_every_score():
    form = make_params("grm", 4, np.random.default_rng(2), k=3)
    res = true_score_equating(form, form)
    assert [r[0] for r in res.summary().rows] == list(range(9))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    mx=st.sampled_from(["2pl", "3pl", "grm", "gpcm"]),
    my=st.sampled_from(["2pl", "3pl", "grm", "gpcm"]),
    nx=st.integers(2, 20),
    ny=st.integers(2, 20),
)
def test_equating_is_monotone(seed, mx, my, nx, ny):
    rng = np.random.default_rng(seed)
    form_x, form_y = make_params(mx, nx, rng, k=3), make_params(my, ny, rng, k=3)
    top_x = float((form_x.n_categories - 1).sum())
    scores = np.linspace(0, top_x, 4 * int(top_x) + 1)
    res = true_score_equating(form_x, form_y, scores)
    assert np.all(np.diff(res.score_y) >= -1e-9)
    assert res.score_y[0] >= -1e-12 and res.score_y[-1] == float((form_y.n_categories - 1).sum())


def test_mixed_format_forms_equate_monotonically_to_their_maxima():
    rng = np.random.default_rng(46)
    dich, grm = make_params("3pl", 8, rng), make_params("grm", 3, rng, k=4)
    mixed = ItemParameters(
        dich.model + grm.model,
        np.r_[dich.a, grm.a],
        np.r_[dich.b, grm.b],
        np.r_[dich.c, grm.c],
        np.vstack([np.c_[dich.thresholds, np.full((8, 2), np.nan)], grm.thresholds]),
    )
    other = make_params("2pl", 12, rng)
    res = true_score_equating(mixed, other)
    assert res.score_x[-1] == 17 and res.score_y[-1] == 12
    # form Y has no guessing floor: X scores up to Σc_X all map to 0, then the conversion rises strictly
    assert np.all(np.diff(res.score_y) >= 0)
    above = res.score_x > mixed.c.sum()
    assert np.all(np.diff(res.score_y[above]) > 0) and np.all(res.score_y[~above] == 0)
    np.testing.assert_allclose(true_score_equating(mixed, mixed).score_y, res.score_x, atol=1e-8)


# ----------------------------------------------------------------------------------------------------
# observed-score equating
# ----------------------------------------------------------------------------------------------------
def test_observed_score_equating_matches_mirt():
    rng = np.random.default_rng(47)
    form_x, form_y = make_params("3pl", 20, rng), make_params("3pl", 25, rng)
    grid = np.linspace(-4, 4, 61)
    ours = observed_score_equating(form_x, form_y, theta=(grid, np.exp(-0.5 * grid**2)))
    theirs = mirt.observed_score_equating(mirt_3pl(form_x), mirt_3pl(form_y))
    np.testing.assert_allclose(ours.score_y, theirs.new_scores, atol=1e-10)


def test_equipercentile_worked_example():
    # X: P = (.2, .5, .3); Y: Q = (.5, .5).  P(0) = .1 → y_u = 0: −.5 + .1/.5 = −0.3
    # P(1) = .2 + .25 = .45 → y_u = 0: −.5 + .45/.5 = 0.4;  P(2) = .7 + .15 = .85 → y_u = 1: .5 + .35/.5 = 1.2
    np.testing.assert_allclose(equipercentile([0.2, 0.5, 0.3], [0.5, 0.5]), [-0.3, 0.4, 1.2], atol=1e-15)
    with pytest.raises(PsychometricsError, match="sum to 1"):
        equipercentile([0.2, 0.5], [0.5, 0.5])


def test_observed_score_equating_of_a_form_to_itself_is_identity():
    form = make_params("grm", 6, np.random.default_rng(48), k=3)
    res = observed_score_equating(form, form)
    np.testing.assert_allclose(res.score_y, res.score_x, atol=1e-9)
    assert res.distribution_x.sum() == pytest.approx(1.0)
    assert len(res.summary().rows) == 13


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    mx=st.sampled_from(["2pl", "3pl", "grm"]),
    my=st.sampled_from(["2pl", "gpcm"]),
)
def test_observed_score_equating_is_monotone(seed, mx, my):
    rng = np.random.default_rng(seed)
    res = observed_score_equating(make_params(mx, 8, rng, k=3), make_params(my, 10, rng, k=3))
    assert np.all(np.diff(res.score_y) > 0)

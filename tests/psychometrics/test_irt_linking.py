"""Linking constants checked against Python mirt 1.2.0 and against exact Kolen & Brennan identities.

* mean/mean, mean/sigma: closed forms, equal to mirt.link to 1e-12.
* Haebara, Stocking–Lord: mirt.link with the same grid (−4..4, 61 points, N(0, 1) weights) to 1e-6
  (both minimise the same smooth criterion; the residual is the optimisers' tolerance).
* A scale linked onto itself gives A = 1, B = 0; parameters transformed by a known (A, B) give back
  exactly that (A, B) by every method (Kolen & Brennan 2014, ch. 6), for 2PL, 3PL, GRM and GPCM.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psychometrics.errors import PsychometricsError
from psychometrics.irt.linking import LINKING_METHODS, link, transform, transform_theta
from psychometrics.irt.models import ItemParameters, category_probabilities

mirt = pytest.importorskip("mirt")


def make_params(
    model: str, m: int, rng: np.random.Generator, k: int = 4, ids: bool = False
) -> ItemParameters:
    a = np.clip(rng.lognormal(0, 0.3, m), 0.5, 2.5)
    names = tuple(f"q{j}" for j in range(m)) if ids else ()
    if model in ("2pl", "3pl"):
        c = rng.uniform(0.1, 0.3, m) if model == "3pl" else None
        return ItemParameters.dichotomous(a, rng.normal(0, 1, m), c, model, item_ids=names)
    thr = np.sort(rng.normal(0, 1, (m, k - 1)), axis=1)
    return ItemParameters.polytomous(a, thr, model, item_ids=names)


def mirt_3pl(params: ItemParameters):
    mm = mirt.ThreeParameterLogistic(n_items=params.n_items)
    mm.set_parameters(discrimination=params.a, difficulty=params.b, guessing=params.c)
    mm._is_fitted = True
    return mm


@pytest.fixture(scope="module")
def forms():
    """An old form and a new form on a scale shifted by A = 1.25, B = −0.4, with estimation noise."""
    rng = np.random.default_rng(31)
    old = make_params("3pl", 20, rng)
    A, B = 1.25, -0.4
    noisy = ItemParameters.dichotomous(
        old.a * A + rng.normal(0, 0.05, 20), (old.b - B) / A + rng.normal(0, 0.05, 20), old.c, "3pl"
    )
    return old, noisy


@pytest.mark.parametrize("method", ["mean_mean", "mean_sigma", "haebara", "stocking_lord"])  # mirt's four
def test_constants_match_mirt(forms, method):
    old, new = forms
    common = list(range(old.n_items))
    ours = link(new, old, method, common=[(j, j) for j in common])
    theirs = mirt.link(
        mirt_3pl(old), mirt_3pl(new), common, common, method=method, compute_diagnostics=False
    ).constants
    tol = 1e-12 if method.startswith("mean") else 1e-6
    assert ours.A == pytest.approx(theirs.A, abs=tol)
    assert ours.B == pytest.approx(theirs.B, abs=tol)
    assert ours.converged


@pytest.mark.parametrize("model", ["2pl", "3pl", "grm", "gpcm"])
@pytest.mark.parametrize("method", LINKING_METHODS)
def test_known_transformation_is_recovered(model, method):
    rng = np.random.default_rng(5)
    old = make_params(model, 12, rng)
    A, B = 0.8, 0.55
    # new-form parameters are the old ones expressed on θ_new = (θ_old − B)/A
    new = transform(old, 1 / A, -B / A)
    res = link(new, old, method, common=[(j, j) for j in range(12)])
    assert res.A == pytest.approx(A, abs=1e-7)
    assert res.B == pytest.approx(B, abs=1e-7)
    moved = res.transform(new)
    np.testing.assert_allclose(moved.a, old.a, atol=1e-6)
    np.testing.assert_allclose(np.nan_to_num(moved.thresholds), np.nan_to_num(old.thresholds), atol=1e-6)


def test_transform_leaves_response_probabilities_invariant():
    rng = np.random.default_rng(6)
    params = make_params("3pl", 6, rng)
    theta = np.linspace(-3, 3, 13)
    moved = transform(params, 1.7, -0.3)
    np.testing.assert_allclose(
        category_probabilities(moved, transform_theta(theta, 1.7, -0.3)),
        category_probabilities(params, theta),
        atol=1e-14,
    )


def test_common_items_are_matched_by_id():
    rng = np.random.default_rng(8)
    old = make_params("2pl", 10, rng, ids=True)
    new = transform(old.subset([7, 2, 5, 0]), 1 / 1.1, 0.2 / 1.1)
    res = link(new, old, "stocking_lord")
    assert res.n_common == 4
    assert res.A == pytest.approx(1.1, abs=1e-7) and res.B == pytest.approx(-0.2, abs=1e-7)


def test_symmetric_criterion_recovers_known_constants():
    rng = np.random.default_rng(9)
    old = make_params("grm", 8, rng)
    new = transform(old, 1 / 1.3, 0.1 / 1.3)
    for method in ("haebara", "stocking_lord"):
        res = link(new, old, method, common=[(j, j) for j in range(8)], symmetric=True, weights="uniform")
        assert res.A == pytest.approx(1.3, abs=1e-6) and res.B == pytest.approx(-0.1, abs=1e-6)


def test_refusals_name_the_problem():
    rng = np.random.default_rng(10)
    old = make_params("2pl", 5, rng)
    poly = make_params("grm", 5, rng)
    with pytest.raises(PsychometricsError, match="unknown linking method"):
        link(old, old, "irt_magic", common=[(0, 0)])
    with pytest.raises(PsychometricsError, match="differs in model"):
        link(poly, old, "haebara", common=[(0, 0)])
    with pytest.raises(PsychometricsError, match="item_ids"):
        link(old, old, "haebara")
    with pytest.raises(PsychometricsError, match="> 0"):
        transform(old, -1.0, 0.0)


def test_summary_reports_the_constants(forms):
    old, new = forms
    table = link(new, old, "haebara", common=[(j, j) for j in range(old.n_items)]).summary()
    assert table.columns[:3] == ("method", "A", "B") and table.rows[0][0] == "haebara"


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    method=st.sampled_from(LINKING_METHODS),
    model=st.sampled_from(["2pl", "3pl", "grm", "gpcm"]),
    m=st.integers(3, 15),
)
def test_linking_a_scale_onto_itself_is_identity(seed, method, model, m):
    params = make_params(model, m, np.random.default_rng(seed))
    res = link(params, params, method, common=[(j, j) for j in range(m)])
    assert res.A == pytest.approx(1.0, abs=1e-7)
    assert res.B == pytest.approx(0.0, abs=1e-7)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    model=st.sampled_from(["2pl", "3pl", "grm", "gpcm"]),
    slope=st.floats(0.5, 2.0),
    shift=st.floats(-1.5, 1.5),
)
def test_scores_move_with_the_scale(seed, model, slope, shift):
    """Kolen & Brennan's scale invariance: on θ* = A θ + B, ML estimates become A θ + B, and EAP with
    the prior moved the same way (N(B, A²)) becomes A·EAP + B with SD A·SD."""
    from psychometrics.irt.ability import ability

    rng = np.random.default_rng(seed)
    params = make_params(model, 8, rng, k=3)
    probs = category_probabilities(params, rng.normal(size=25))
    x = (rng.random(probs.shape[:2])[:, :, None] > np.cumsum(probs, axis=2)[:, :, :-1]).sum(axis=2)
    moved = transform(params, slope, shift)
    ml, ml_moved = ability(params, x, "ml", bounds=(-30, 30)), ability(moved, x, "ml", bounds=(-30, 30))
    # a 3PL likelihood may have two near-equal maxima: compare ML only where it is log-concave
    inner = ~ml.at_bound & ~ml_moved.at_bound & (model != "3pl")
    np.testing.assert_allclose(ml_moved.theta[inner], slope * ml.theta[inner] + shift, atol=1e-6)
    eap = ability(params, x, "eap")
    eap_moved = ability(moved, x, "eap", prior_mean=shift, prior_sd=slope)
    np.testing.assert_allclose(eap_moved.theta, slope * eap.theta + shift, atol=1e-9)
    np.testing.assert_allclose(eap_moved.se, slope * eap.se, atol=1e-9)


def mixed_form(rng: np.random.Generator) -> ItemParameters:
    """Six 3PL items, three GRM items (4 categories) and two GPCM items (3 categories)."""
    dich, grm, gpcm = (
        make_params("3pl", 6, rng),
        make_params("grm", 3, rng, k=4),
        make_params("gpcm", 2, rng, k=3),
    )
    thr = np.vstack(
        [
            np.c_[dich.thresholds, np.full((6, 2), np.nan)],
            grm.thresholds,
            np.c_[gpcm.thresholds, np.full((2, 1), np.nan)],
        ]
    )
    return ItemParameters(
        dich.model + grm.model + gpcm.model,
        np.r_[dich.a, grm.a, gpcm.a],
        np.r_[dich.b, grm.b, gpcm.b],
        np.r_[dich.c, grm.c, gpcm.c],
        thr,
    )


@pytest.mark.parametrize("method", LINKING_METHODS)
def test_mixed_format_common_items_recover_a_known_transformation(method):
    """Kim & Lee (2006): the characteristic-curve criteria over dichotomous and polytomous items together."""
    old = mixed_form(np.random.default_rng(77))
    new = transform(old, 1 / 0.9, -0.25 / 0.9)
    res = link(new, old, method, common=[(j, j) for j in range(old.n_items)])
    assert res.A == pytest.approx(0.9, abs=1e-7) and res.B == pytest.approx(0.25, abs=1e-7)

"""Item response functions and information (issue 4 part 7) for every model, with Hypothesis.

Invariants: probabilities in [0, 1] summing to 1 per item; information ≥ 0 and equal to the
Fisher information Σ_k P_k (d log P_k / dθ)² computed here by central differences of log P
(tolerance 1e-5 relative); SE = 1 / sqrt(test information).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from psychometrics.irt import models as irt_models
from psychometrics.irt.models import (
    ItemParameters,
    category_probabilities,
    expected_score,
    item_information,
    standard_error,
)

slopes = st.floats(0.2, 3.0)
locations = st.floats(-3.0, 3.0)
thetas = st.lists(st.floats(-6.0, 6.0), min_size=1, max_size=7)


@st.composite
def item_sets(draw) -> ItemParameters:
    kind = draw(st.sampled_from(["2pl", "3pl", "1pl", "grm", "gpcm", "pcm"]))
    n = draw(st.integers(1, 4))
    a = np.array([1.0 if kind in ("1pl", "pcm") else draw(slopes) for _ in range(n)])
    if kind in ("2pl", "3pl", "1pl"):
        b = np.array([draw(locations) for _ in range(n)])
        c = np.array([draw(st.floats(0.0, 0.4)) if kind == "3pl" else 0.0 for _ in range(n)])
        return ItemParameters.dichotomous(a, b, c, model=kind)
    k = draw(st.integers(1, 4))
    thr = np.array([[draw(locations) for _ in range(k)] for _ in range(n)])
    if kind == "grm":
        thr = np.sort(thr, axis=1) + np.arange(k) * 1e-3          # GRM thresholds are ordered
    return ItemParameters.polytomous(a, thr, kind)


@settings(max_examples=150, deadline=None)
@given(item_sets(), thetas)
def test_probabilities_are_in_0_1_and_sum_to_one(params, theta):
    p = category_probabilities(params, np.array(theta))
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=2), 1.0, atol=1e-12)
    assert np.all(expected_score(params, np.array(theta)) <= params.n_categories - 1 + 1e-12)


@settings(max_examples=150, deadline=None)
@given(item_sets(), thetas)
def test_information_is_nonnegative_and_the_fisher_information(params, theta):
    theta = np.array(theta)
    info = item_information(params, theta)
    assert np.all(info >= 0)
    h = 1e-5
    lp_up = np.log(np.maximum(category_probabilities(params, theta + h), 1e-300))
    lp_dn = np.log(np.maximum(category_probabilities(params, theta - h), 1e-300))
    p = category_probabilities(params, theta)
    fisher = np.where(p > 1e-12, p * ((lp_up - lp_dn) / (2 * h)) ** 2, 0.0).sum(axis=2)
    np.testing.assert_allclose(info, fisher, rtol=1e-4, atol=1e-8)
    total = irt_models.test_information(params, theta)
    np.testing.assert_allclose(total, info.sum(axis=1))
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(standard_error(params, theta), 1 / np.sqrt(total))


def test_2pl_information_peaks_at_b_with_a_squared_over_four():
    params = ItemParameters.dichotomous([1.7], [0.4])
    info = item_information(params, np.array([0.4, 1.4]))
    assert abs(info[0, 0] - 1.7**2 / 4) < 1e-12
    assert info[1, 0] < info[0, 0]

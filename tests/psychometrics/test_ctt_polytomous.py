"""CTT for every item type (issue 15 part 1): polytomous and mixed tests, one variance divisor.

References: psych::alpha's documented example (R documentation of ``alpha``, example
``alpha(sim.congeneric())``, output as printed in rubenarslan/codebook docs/reference/knit_print.alpha.html
which runs ``example("alpha", "psych")``), girth's Cronbach α, Python mirt's ``itemstats`` and
hand computations of Whitney and Sabers' (1970) indices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from girth.common import cronbach_alpha as girth_alpha
from mirt.utils.classical import itemstats

from psychometrics.ctt import analyze_items, analyze_test, inter_item_correlations, test_statistics
from psychometrics.errors import PsychometricsError


def _data_with_correlation(r: np.ndarray, n: int, seed: int = 3) -> np.ndarray:
    """n × k data whose sample correlation matrix is exactly `r` (whitened normals times chol(r))."""
    z = np.random.default_rng(seed).normal(size=(n, r.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return z @ np.linalg.cholesky(r).T


# psych::alpha(sim.congeneric()): the population correlation of four congeneric measures with
# loadings .8 .7 .6 .5 (sim.congeneric with N = NULL returns that matrix, so the seed is irrelevant).
PSYCH_CONGENERIC = {
    "raw_alpha": 0.74,
    "average_r": 0.42,
    "median_r": 0.41,
    "alpha_drop": [0.62, 0.66, 0.70, 0.74],
    "var_r_drop": [0.0036, 0.0081, 0.0120, 0.0049],
    "r": [0.81, 0.78, 0.73, 0.68],
    "r_drop": [0.64, 0.57, 0.51, 0.43],
}


@pytest.fixture(scope="module")
def congeneric() -> np.ndarray:
    load = np.array([0.8, 0.7, 0.6, 0.5])
    r = np.outer(load, load)
    np.fill_diagonal(r, 1.0)
    return _data_with_correlation(r, 500)


def test_alpha_item_total_and_inter_item_r_match_psych_alpha_documented_example(congeneric):
    # the data are real-valued, so give them a wide score range; psych divides by N − 1
    lo, hi = congeneric.min() - 1, congeneric.max() + 1
    stats = test_statistics(congeneric, ddof=1, max_scores=hi, min_scores=lo)
    items = analyze_items(congeneric, ddof=1, max_scores=hi, min_scores=lo)
    ref = PSYCH_CONGENERIC
    assert stats.alpha == pytest.approx(ref["raw_alpha"], abs=0.005)
    assert stats.inter_item_r_mean == pytest.approx(ref["average_r"], abs=0.005)
    np.testing.assert_allclose(stats.alpha_if_deleted, ref["alpha_drop"], atol=0.005)
    np.testing.assert_allclose(items.item_total, ref["r"], atol=0.005)
    np.testing.assert_allclose(items.item_rest, ref["r_drop"], atol=0.005)
    # psych's var.r is the N − 1 variance of the pairs' r: check ours on the test without item 1
    without_1 = test_statistics(congeneric[:, 1:], ddof=1, max_scores=hi, min_scores=lo)
    assert without_1.inter_item_r_sd**2 == pytest.approx(ref["var_r_drop"][0], abs=5e-5)
    np.testing.assert_allclose(items.sd, 1.0, atol=1e-12)  # unit-variance data: sd with N − 1
    assert stats.sem_coefficient == "alpha" and np.isnan(stats.kr20)
    assert stats.sem == pytest.approx(stats.sd * np.sqrt(1 - stats.alpha), abs=1e-12)


@pytest.fixture(scope="module")
def mixed() -> tuple[np.ndarray, np.ndarray]:
    """300 persons: six 0/1 items, three 0–4 rubric items, one 1–5 rating item."""
    rng = np.random.default_rng(15)
    theta = rng.normal(size=300)
    mc = (rng.random((300, 6)) < 1 / (1 + np.exp(-(theta[:, None] - np.linspace(-1, 1, 6))))).astype(float)
    rubric = np.clip(np.round(2 + 1.2 * theta[:, None] + rng.normal(size=(300, 3))), 0, 4)
    rating = np.clip(np.round(3 + theta[:, None] + rng.normal(size=(300, 1))), 1, 5)
    x = np.column_stack([mc, rubric, rating])
    max_scores = np.r_[np.ones(6), 4, 4, 4, 5]
    return x, max_scores


def test_mixed_test_alpha_equals_girth_and_item_moments_equal_mirt(mixed):
    x, max_scores = mixed
    mins = np.r_[np.zeros(9), 1]
    stats = test_statistics(x, max_scores=max_scores, min_scores=mins)
    assert stats.alpha == pytest.approx(girth_alpha(x.T), abs=1e-12)
    expected = [girth_alpha(np.delete(x, j, axis=1).T) for j in range(x.shape[1])]
    np.testing.assert_allclose(stats.alpha_if_deleted, expected, atol=1e-12)
    items = analyze_items(x, max_scores=max_scores, min_scores=mins, ddof=1)
    ref = itemstats(x)  # mirt: mean and N − 1 SD per item
    np.testing.assert_allclose(items.mean, ref.mean, atol=1e-12)
    np.testing.assert_allclose(items.sd, ref.sd, atol=1e-12)
    total = x.sum(axis=1)
    np.testing.assert_allclose(
        items.item_rest, [np.corrcoef(x[:, j], total - x[:, j])[0, 1] for j in range(10)], atol=1e-12
    )
    r = np.corrcoef(x, rowvar=False)[np.triu_indices(10, 1)]
    assert stats.inter_item_r_mean == pytest.approx(r.mean(), abs=1e-12)
    assert stats.inter_item_r_sd == pytest.approx(r.std(ddof=0), abs=1e-12)
    assert stats.max_score == 6 + 3 * 4 + 5


def test_one_divisor_throughout_and_a_setting_for_the_other(mixed):
    x, max_scores = mixed
    pop = test_statistics(x, max_scores=max_scores)
    sample = test_statistics(x, max_scores=max_scores, ddof=1)
    n = x.shape[0]
    assert pop.alpha == pytest.approx(sample.alpha, abs=1e-12)
    assert sample.sd == pytest.approx(pop.sd * np.sqrt(n / (n - 1)), rel=1e-12)
    for s in (pop, sample):
        assert s.sem == pytest.approx(s.sd * np.sqrt(1 - s.alpha), rel=1e-12)
    pop_items = analyze_items(x, max_scores=max_scores)
    np.testing.assert_allclose(pop_items.sd, x.std(axis=0), atol=1e-12)


def test_zero_one_items_keep_kr20_as_the_named_coefficient_and_equal_alpha():
    rng = np.random.default_rng(4)
    x = (rng.random((60, 8)) < np.linspace(0.2, 0.8, 8)).astype(float)
    for ddof in (0, 1):
        s = test_statistics(x, ddof=ddof)
        assert s.sem_coefficient == "KR-20"
        assert s.kr20 == pytest.approx(s.alpha, abs=1e-12)
        assert s.sem == pytest.approx(s.sd * np.sqrt(1 - s.kr20), abs=1e-12)
        assert s.kr21 <= s.kr20 + 1e-12
    # giving max_scores = 1 changes nothing
    a, b = analyze_items(x), analyze_items(x, max_scores=1)
    np.testing.assert_allclose(a.r, b.r)
    np.testing.assert_allclose(a.p, b.p)
    assert a.summary().columns == b.summary().columns


def test_whitney_sabers_p_and_r_by_hand():
    # ten persons, one 0–4 essay item and three 0/1 items; 27 % groups: g = round(2.7) = 3
    essay = np.array([4, 4, 3, 3, 2, 2, 1, 1, 0, 1], dtype=float)
    mc = np.array([[1, 1, 1]] * 3 + [[1, 1, 0]] * 2 + [[1, 0, 0]] * 2 + [[0, 0, 0]] * 3, dtype=float)
    x = np.column_stack([essay, mc])  # totals 7 7 6 5 4 3 2 1 0 1: upper rows 0–2, lower rows 7–9
    items = analyze_items(x, max_scores=[4, 1, 1, 1], min_n=2)
    assert items.groups.g == 3
    s_h, s_l = 4 + 4 + 3, 1 + 0 + 1
    assert items.h[0] == s_h and items.l[0] == s_l
    assert items.p_groups[0] == pytest.approx((s_h + s_l - 2 * 3 * 0) / (2 * 3 * 4))  # 13/24
    assert items.r[0] == pytest.approx((s_h - s_l) / (3 * 4))  # 9/12 = .75
    assert items.p[0] == pytest.approx(essay.mean() / 4)
    # a 1–5 rating item: X_min = 1 enters both indices
    rating = essay + 1
    rated = analyze_items(
        np.column_stack([rating, mc]), max_scores=[5, 1, 1, 1], min_scores=[1, 0, 0, 0], min_n=2
    )
    assert rated.p_groups[0] == pytest.approx((s_h + 3 + s_l + 3 - 2 * 3 * 1) / (2 * 3 * 4))
    assert rated.r[0] == pytest.approx(items.r[0])
    # the 0/1 items of the same call use (H − L)/g
    np.testing.assert_allclose(items.r[1:], [(3 - 0) / 3] * 3)  # every upper person has them, no lower one
    assert np.isnan(items.biserial[0]) and not np.isnan(items.biserial[2])
    # verdict words apply to the Whitney–Sabers values
    assert items.discrimination_verdicts()[0] == "อำนาจจำแนกดีมาก"
    table = items.summary()
    assert "คะแนนเต็ม" in table.columns and "ค่าเฉลี่ย" in table.columns
    assert any("Whitney" in n for n in table.notes)


def test_pairwise_inter_item_r_with_missing_equals_pandas(mixed):
    x, max_scores = mixed
    x = x.copy()
    rng = np.random.default_rng(9)
    x[rng.random(x.shape) < 0.1] = np.nan
    r = inter_item_correlations(x)
    expected = pd.DataFrame(x).corr().to_numpy()  # pairwise complete observations
    np.testing.assert_allclose(r, expected, atol=1e-10)
    stats = test_statistics(x, max_scores=max_scores)
    assert stats.inter_item_r_mean == pytest.approx(expected[np.triu_indices(10, 1)].mean(), abs=1e-10)


def test_polytomous_report_names_alpha_and_refuses_evana(mixed):
    x, max_scores = mixed
    report = analyze_test(x, max_scores=max_scores)
    summary = report.test.summary("en")
    assert any("SEM = SD·√(1 − alpha)" in n for n in summary.notes)
    assert dict(summary.rows)["reliability (KR-20)"] is None
    with pytest.raises(PsychometricsError, match="0/1"):
        analyze_test(x, max_scores=max_scores, evana=True)


def test_scores_outside_the_stated_range_are_refused():
    with pytest.raises(PsychometricsError, match="นอกช่วง"):
        analyze_items([[1, 5], [0, 2]], max_scores=4)
    with pytest.raises(PsychometricsError):
        test_statistics([[1, 2], [0, 2]], max_scores=[2, 2], min_scores=[2, 2])

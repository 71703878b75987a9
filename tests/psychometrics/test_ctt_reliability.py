"""Whole-test statistics, criterion-referenced indices and EVANA mode, against outside numbers."""

from __future__ import annotations

import numpy as np
import pytest
from girth.common import cronbach_alpha as girth_alpha
from scipy.stats import multivariate_normal, norm

from psychometrics.ctt import (
    analyze_test,
    brennan_b,
    criterion_analysis,
    evana_analysis,
    evana_delta,
    fan_table,
    kr20_from_moments,
    kr21_from_moments,
    livingston_reliability,
    score_answers,
    test_statistics,
)
from psychometrics.ctt.evana import FAN_K27, bivariate_normal_upper
from psychometrics.errors import PsychometricsError


@pytest.fixture(scope="module")
def responses() -> np.ndarray:
    rng = np.random.default_rng(7)
    theta = rng.normal(size=300)
    b = np.linspace(-2, 2, 20)
    return (rng.random((300, 20)) < 1 / (1 + np.exp(-(theta[:, None] - b)))).astype(float)


# --- reliability ---------------------------------------------------------------------------------


def test_kr20_and_kr21_of_the_stou_worked_example():
    # STOU การวิจัยและสถิติทางการศึกษา unit 6 p. 6-52: k = 5, Σpq = 1.1, S² = 2.3, X̄ = 3 -> .65 and .60
    assert round(kr20_from_moments(5, 1.1, 2.3), 2) == 0.65
    assert round(kr21_from_moments(5, 3.0, 2.3), 2) == 0.60


def test_kr20_equals_alpha_on_zero_one_data(responses):
    stats = test_statistics(responses)
    assert stats.kr20 == pytest.approx(stats.alpha, abs=1e-12)
    assert stats.kr21 <= stats.kr20


def test_alpha_and_alpha_if_deleted_equal_girth(responses):
    stats = test_statistics(responses)
    assert stats.alpha == pytest.approx(girth_alpha(responses.T), abs=1e-12)
    expected = [girth_alpha(np.delete(responses, j, axis=1).T) for j in range(responses.shape[1])]
    np.testing.assert_allclose(stats.alpha_if_deleted, expected, atol=1e-12)


def test_kr21_equals_kr20_when_every_item_has_the_same_p():
    # every column has p = .5, in different patterns
    x = np.array(
        [[1, 1, 0, 1], [1, 0, 1, 0], [0, 1, 1, 1], [0, 0, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]], dtype=float
    )
    stats = test_statistics(x)
    np.testing.assert_allclose(x.mean(axis=0), 0.5)
    assert stats.kr21 == pytest.approx(stats.kr20, abs=1e-12)


def test_sem_mean_sd_and_the_variance_divisor(responses):
    stats = test_statistics(responses)
    total = responses.sum(axis=1)
    assert stats.mean == pytest.approx(total.mean())
    assert stats.sd == pytest.approx(total.std(ddof=0))
    assert stats.sem == pytest.approx(stats.sd * np.sqrt(1 - stats.kr20))
    textbook = test_statistics(responses, ddof=1)
    assert textbook.sd == pytest.approx(total.std(ddof=1))
    assert textbook.alpha == pytest.approx(stats.alpha, abs=1e-12)  # α does not depend on the divisor
    # one divisor throughout (issue 15 part 1): Σpq now divides like S², so KR-20 = α at either
    # divisor and the SEM is SD·√(1 − KR-20) with that divisor's SD (it used to mix Σpq/N with S²/(N−1))
    assert textbook.kr20 == pytest.approx(stats.kr20, abs=1e-12)
    assert textbook.sem == pytest.approx(textbook.sd * np.sqrt(1 - textbook.alpha), abs=1e-12)


def test_test_statistics_summary_uses_evanas_words(responses):
    table = test_statistics(responses).summary("th")
    labels = [r[0] for r in table.rows]
    assert "ค่าความเชื่อมั่น (KR-20)" in labels and "ความคลาดเคลื่อนมาตรฐานของการวัด (SEM)" in labels
    assert test_statistics(responses).summary("en").columns == ("statistic", "value")


def test_no_variance_gives_nan_not_an_error():
    stats = test_statistics(np.ones((5, 3)))
    assert np.isnan(stats.kr20) and np.isnan(stats.alpha)
    assert all(v is None or v == v for _, v in stats.summary().rows)


# --- criterion-referenced ------------------------------------------------------------------------


def test_brennan_b_by_hand():
    x = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float)  # totals 3 2 1 1 0
    b, n_m, n_n = brennan_b(x, cut=2)
    assert (n_m, n_n) == (2, 3)
    np.testing.assert_allclose(b, [1 - 1 / 3, 1 - 1 / 3, 0.5 - 0])


def test_livingston_equals_kr20_at_the_mean_and_grows_away_from_it(responses):
    stats = test_statistics(responses)
    at_mean = livingston_reliability(stats.kr20, stats.mean, stats.variance, stats.mean)
    assert at_mean == pytest.approx(stats.kr20)
    far = criterion_analysis(responses, cut=stats.mean + 4).livingston
    near = criterion_analysis(responses, cut=stats.mean + 1).livingston
    assert stats.kr20 < near < far < 1


def test_cut_outside_the_score_range_is_refused(responses):
    with pytest.raises(PsychometricsError, match="จุดตัด"):
        criterion_analysis(responses, cut=99)


# --- EVANA: Chung-Teh Fan table ------------------------------------------------------------------

# Computed by the EVANA port's own fan() (GitHub file "สำเนาจาก ScanGrade lib/evana.js", Genz BVNU and
# a finite-difference Newton; its header reports agreement with real EVANA output on 80/80 rows to
# p ±.01, r ±.02, Δ ±.1). Run with node, not part of this repository: numbers nobody here computed.
EVANA_PORT_FAN = [
    # pH, pL, p, r, Δ
    (0.90, 0.30, 0.6230, 0.6209, 11.746),
    (0.80, 0.40, 0.6077, 0.4177, 11.906),
    (0.30, 0.60, 0.4481, -0.3066, 13.522),
    (0.99, 0.01, 0.5000, 0.9334, 13.000),
    (0.10, 0.05, 0.0734, 0.1471, 18.805),
    (0.60, 0.20, 0.3922, 0.4177, 14.094),
    (0.45, 0.12, 0.2715, 0.4020, 15.433),
    (1.00, 0.00, 0.5000, 0.9334, 13.000),
    (0.95, 0.85, 0.9050, 0.2426, 7.759),
    (0.22, 0.02, 0.0998, 0.4740, 18.131),
    (0.67, 0.33, 0.5000, 0.3436, 13.000),
    (0.50, 0.17, 0.3259, 0.3697, 14.805),
    (0.83, 0.61, 0.7256, 0.2682, 10.602),
    (0.70, 0.70, 0.7000, 0.0000, 10.902),
]


def test_fan_table_matches_the_evana_port():
    ref = np.array(EVANA_PORT_FAN)
    p, r, delta = fan_table(ref[:, 0], ref[:, 1])
    np.testing.assert_allclose(p, ref[:, 2], atol=2e-4)
    np.testing.assert_allclose(r, ref[:, 3], atol=2e-4)
    np.testing.assert_allclose(delta, ref[:, 4], atol=2e-3)


def test_fan_table_solves_its_defining_equations_without_table_rounding():
    ph = np.array([0.873, 0.612, 0.333, 0.951])
    pl = np.array([0.214, 0.405, 0.087, 0.602])
    p, r, delta = fan_table(ph, pl, table_resolution=False)
    c = (delta - 13) / 4
    # forward again with scipy's own bivariate normal: P(Y > c, X > k)/.27 and P(Y > c, X < −k)/.27
    for i in range(ph.size):
        cov = [[1, r[i]], [r[i], 1]]
        upper = multivariate_normal(cov=cov).cdf([-c[i], -FAN_K27]) / 0.27
        lower = multivariate_normal(cov=[[1, -r[i]], [-r[i], 1]]).cdf([-c[i], -FAN_K27]) / 0.27
        assert upper == pytest.approx(ph[i], abs=1e-5)
        assert lower == pytest.approx(pl[i], abs=1e-5)
    np.testing.assert_allclose(p, 1 - norm.cdf(c), atol=1e-12)


def test_bivariate_normal_upper_equals_scipy():
    for h, k, rho in [(0.3, 0.6128, 0.5), (-1.2, 0.6128, -0.7), (0.0, 0.6128, 0.95), (1.5, -0.4, 0.2)]:
        expected = multivariate_normal(cov=[[1, rho], [rho, 1]]).cdf([-h, -k])
        assert bivariate_normal_upper(h, k, rho) == pytest.approx(expected, abs=1e-7)


def test_fan_symmetries():
    p, r, delta = fan_table([0.8, 0.3], [0.3, 0.8])
    assert r[0] == pytest.approx(-r[1])
    p, r, delta = fan_table(0.75, 0.25)  # pH = 1 − pL: the item is of middle difficulty
    assert float(p) == pytest.approx(0.5, abs=1e-9) and float(delta) == pytest.approx(13.0, abs=1e-8)
    assert np.isnan(fan_table(np.nan, 0.3)[0])


def test_delta_of_the_25_percent_technique():
    np.testing.assert_allclose(
        evana_delta([0.5, 0.8413447460685429, 0.15865525393145707]), [13, 9, 17], atol=1e-9
    )


def test_evana_25_percent_uses_the_simple_formulas():
    x = np.array([[1, 1], [1, 0], [1, 1], [0, 0], [0, 1], [0, 0], [1, 0], [0, 0]], dtype=float)
    ev = evana_analysis(x, technique=25)
    assert ev.groups.g == 2
    np.testing.assert_allclose(ev.p, (ev.h + ev.l) / 4)
    np.testing.assert_allclose(ev.r, (ev.h - ev.l) / 2)
    with pytest.raises(PsychometricsError):
        evana_analysis(x, technique=33)


def test_evana_mode_decisions_and_option_rows():
    rng = np.random.default_rng(11)
    theta = rng.normal(size=200)
    key = np.tile([1, 2, 3, 4], 5)
    b = np.r_[-2.2, np.linspace(-1, 1, 19)]
    right = rng.random((200, 20)) < 1 / (1 + np.exp(-1.7 * (theta[:, None] - b)))
    wrong = (key + rng.integers(1, 4, size=(200, 20)) - 1) % 4 + 1
    answers = np.where(right, key, wrong)
    labels = np.array(["", "ก", "ข", "ค", "ง"])
    key_file = list(labels[key])
    key_file[19] = "ก"  # the right answer of item 20 is ง but the key file says ก: a mis-key
    keyed = score_answers(labels[answers], key_file)
    report = analyze_test(keyed=keyed, evana=True)
    ev = report.evana
    assert ev is not None and ev.technique == 27 and ev.groups.g == 54
    assert ev.decision[0] == "revise" and ev.p[0] > 0.8  # too easy
    assert ev.decision[9] == ev.decision[10] == "good"
    assert ev.decision[19] == "drop" and ev.r[19] < 0.2
    assert report.distractors is not None and report.distractors.check_key[19]
    table = ev.option_summary("th")
    assert table is not None and len(table.rows) == 20 * 4
    summary = ev.summary("th")
    assert summary.title == "EVANA 27% (ตาราง Fan)" and len(summary.title) <= 31  # a legal XLSX sheet name
    assert "CHUNG TEH FAN" in summary.notes[0]


def test_python_mirt_traditional_agrees(responses):
    from mirt.utils.classical import traditional

    from psychometrics.ctt import analyze_items

    corrected = traditional(responses, use_corrected_correlation=True)
    uncorrected = traditional(responses, use_corrected_correlation=False)
    items = analyze_items(responses)
    stats = test_statistics(responses, ddof=1)  # mirt divides by N − 1
    np.testing.assert_allclose(items.p, corrected.difficulty, atol=1e-12)
    np.testing.assert_allclose(items.item_rest, corrected.discrimination, atol=1e-10)
    np.testing.assert_allclose(items.point_biserial, uncorrected.discrimination, atol=1e-10)
    assert stats.alpha == pytest.approx(corrected.alpha, abs=1e-10)
    assert stats.sd == pytest.approx(corrected.sd_score, abs=1e-10)
    np.testing.assert_allclose(stats.alpha_if_deleted, corrected.alpha_if_deleted, atol=1e-10)


def test_lovett_is_livingston_with_kr21(responses):
    from psychometrics.ctt import lovett_reliability

    stats = test_statistics(responses)  # population variance, as in Lovett's sums
    total = responses.sum(axis=1)
    for cut in (5.0, stats.mean, 14.0):
        lovett = lovett_reliability(total, responses.shape[1], cut)
        assert lovett == pytest.approx(
            livingston_reliability(stats.kr21, stats.mean, stats.variance, cut), abs=1e-12
        )
    assert criterion_analysis(responses, cut=14).lovett == pytest.approx(lovett, abs=1e-12)

"""Item analysis: groups, p, r, correlations, verdicts on half-up 2-decimal values, distractors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from girth.utilities.ctt_statistics import classical_test_statistics
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import norm

from psychometrics.ctt import (
    analyze_items,
    analyze_test,
    difficulty_verdicts,
    discrimination_verdicts,
    group_size,
    round_half_up,
    score_answers,
    split_groups,
)
from psychometrics.ctt.verdicts import band_table, distractor_verdicts
from psychometrics.errors import PsychometricsError


@pytest.fixture(scope="module")
def responses() -> np.ndarray:
    rng = np.random.default_rng(20261125)
    theta = rng.normal(size=400)
    b = np.linspace(-1.5, 1.5, 15)
    return (rng.random((400, 15)) < 1 / (1 + np.exp(-1.3 * (theta[:, None] - b)))).astype(float)


# --- group size and ties -------------------------------------------------------------------------


def test_group_size_matches_evana_and_rounds_half_up():
    assert group_size(66) == 18  # EVANA's own output: 66 papers -> 18 (thai-practice.md §1.2)
    assert group_size(150) == 41 and round(0.27 * 150) == 40  # 40.5: Python's round would give 40
    assert group_size(50) == 14  # 13.5 -> 14
    assert group_size(10, 25) == 3  # 2.5 -> 3
    assert group_size(10, "27%") == group_size(10, 0.27) == 3
    assert group_size(7, 50) == 3  # 3.5 would be 4: capped at N // 2 so the groups never overlap
    assert group_size(2, 27) == 1


def test_group_share_out_of_range_is_refused():
    with pytest.raises(PsychometricsError):
        group_size(100, 60)
    with pytest.raises(PsychometricsError):
        group_size(100, "abc")


def test_ties_at_the_cut_are_broken_by_seat_order_and_reported():
    #         seat: 0  1  2  3  4  5  6  7  8  9
    total = np.array([5, 9, 7, 7, 7, 3, 1, 3, 2, 3])
    split = split_groups(total, 25)  # g = round(2.5) = 3
    assert split.g == 3
    assert split.upper.tolist() == [1, 2, 3]  # 9, then the first two sevens by seat
    assert split.upper_tie and split.upper_tied_in == 2 and split.upper_tied_out == 1
    assert sorted(split.lower.tolist()) == [6, 8, 9]  # 1, 2 and the *last* of the threes by seat
    assert split.lower_tie and split.lower_tied_in == 1 and split.lower_tied_out == 2
    assert any("เลขที่" in note for note in split.notes("th"))


def test_no_tie_flag_when_the_cut_falls_between_scores():
    split = split_groups(np.arange(10.0), 27)
    assert not split.upper_tie and not split.lower_tie
    assert split.upper.tolist() == [9, 8, 7] and split.lower.tolist() == [2, 1, 0]


# --- p, r and correlations -----------------------------------------------------------------------


def test_p_and_r_by_hand():
    x = np.array([[1, 1], [1, 0], [1, 1], [0, 0], [0, 1], [0, 0], [1, 0], [0, 0]], dtype=float)
    res = analyze_items(x, ["a", "b"], groups=25, min_n=2)  # totals 2 1 2 0 1 0 1 0, g = 2
    assert res.groups.upper.tolist() == [0, 2] and sorted(res.groups.lower.tolist()) == [5, 7]
    np.testing.assert_allclose(res.p, [4 / 8, 3 / 8])
    np.testing.assert_allclose(res.p_upper, [1.0, 1.0])
    np.testing.assert_allclose(res.p_lower, [0.0, 0.0])
    np.testing.assert_allclose(res.r, [1.0, 1.0])  # (H − L)/g = (2 − 0)/2
    np.testing.assert_allclose(res.p_groups, [0.5, 0.5])


def test_point_biserial_and_item_rest_equal_pandas_pearson(responses):
    res = analyze_items(responses)
    df = pd.DataFrame(responses)
    total = df.sum(axis=1)
    expected_pb = [df[j].corr(total) for j in df.columns]
    expected_rest = [df[j].corr(total - df[j]) for j in df.columns]
    np.testing.assert_allclose(res.point_biserial, expected_pb, atol=1e-12)
    np.testing.assert_allclose(res.item_rest, expected_rest, atol=1e-12)


def test_item_rest_equals_girth_item_score_correlation(responses):
    girth = classical_test_statistics(responses.T.astype(int), start_value=0, stop_value=1)
    np.testing.assert_allclose(
        analyze_items(responses).item_rest, girth["Item-Score Correlation"], atol=1e-10
    )


def test_biserial_relation_to_point_biserial(responses):
    res = analyze_items(responses)
    p = res.p
    expected = res.point_biserial * np.sqrt(p * (1 - p)) / norm.pdf(norm.ppf(p))
    np.testing.assert_allclose(res.biserial, expected, rtol=1e-12)
    assert (np.abs(res.biserial) >= np.abs(res.point_biserial)).all()  # φ(z) ≤ √(pq) always


def test_missing_cells_leave_p_over_the_persons_who_have_the_item():
    x = np.array([[1, np.nan], [0, 1], [1, 0], [1, 1], [0, np.nan], [1, 1]])
    res = analyze_items(x, min_n=2)
    np.testing.assert_allclose(res.p, [4 / 6, 3 / 4])
    assert res.n.tolist() == [6, 4]


def test_constant_item_gives_nan_correlations_and_a_nan_safe_summary():
    x = np.column_stack([np.ones(10), np.r_[np.ones(5), np.zeros(5)], np.r_[np.ones(3), np.zeros(7)]])
    res = analyze_items(x)
    assert np.isnan(res.point_biserial[0]) and np.isnan(res.biserial[0])
    row = res.summary().rows[0]
    assert None in row and not any(isinstance(v, float) and v != v for v in row)


def test_too_few_persons_gives_no_r_and_says_so():
    res = analyze_items([[1, 0], [0, 1], [1, 1]], min_n=6)
    assert np.isnan(res.r).all()
    assert res.discrimination_verdicts() == ["n น้อยเกินไป", "n น้อยเกินไป"]


def test_scores_that_are_not_zero_one_are_refused():
    with pytest.raises(PsychometricsError, match="0 หรือ 1"):
        analyze_items([[1, 2], [0, 1]])


# --- verdicts on 2-decimal half-up values --------------------------------------------------------


def test_round_half_up_like_excel_not_like_python():
    assert round(0.125, 2) == 0.12 and round(0.145, 2) == 0.14  # banker's rounding / binary value
    assert round_half_up([0.125, 0.145, 0.195, 0.395, -0.125, 0.8049]).tolist() == [
        0.13,
        0.15,
        0.2,
        0.4,
        -0.13,
        0.8,
    ]


def test_p_of_0_195_is_judged_as_0_20():
    # 39 of 200 right: p = .195, shown .20: usable difficulty, "ค่อนข้างยาก" and not "ยากมาก"
    assert difficulty_verdicts([39 / 200]) == ["ค่อนข้างยาก"]
    assert difficulty_verdicts([0.194]) == ["ยากมาก"]


def test_evana_and_bu_disagree_at_0_80_as_the_sources_do():
    assert difficulty_verdicts([0.80], "evana") == ["ง่ายมาก"]
    assert difficulty_verdicts([0.80], "bu") == ["ค่อนข้างง่าย (เหมาะสม)"]
    assert difficulty_verdicts([0.81], "bu") == ["ง่ายมาก (ควรปรับปรุง)"]
    assert difficulty_verdicts([0.60, 0.61], "researchstat") == ["ปานกลาง", "ค่อนข้างง่าย"]
    assert difficulty_verdicts([0.50, 0.51, 0.49], "tou") == ["ยากง่ายพอเหมาะ", "ค่อนข้างง่าย", "ค่อนข้างยาก"]


def test_r_of_0_395_is_very_good_as_evana_judges_it():
    # thai-practice.md §1.10 gotcha 1: .395 rounds to .40 -> "ดีมาก"
    assert discrimination_verdicts([0.395]) == ["อำนาจจำแนกดีมาก"]
    assert discrimination_verdicts([0.394, 0.2, 0.19, 0.0, -0.01]) == [
        "อำนาจจำแนกดี",
        "อำนาจจำแนกพอใช้ได้",
        "อำนาจจำแนกไม่ดี",
        "ไม่มีอำนาจจำแนก",
        "ไม่ดี คนเก่งหลงทำผิด",
    ]
    assert discrimination_verdicts([0.45, 0.35, 0.25, 0.1, -0.2], "ebel") == [
        "ดีมาก",
        "ดี",
        "พอใช้",
        "ต่ำ (ควรปรับปรุง)",
        "ติดลบ (ตัดทิ้งหรือตรวจเฉลย)",
    ]
    assert discrimination_verdicts([np.nan]) == [None]


def test_distractor_verdicts_follow_evana():
    assert distractor_verdicts([0.1, -0.1, 0.0, 0.0], [5, 5, 4, 0]) == [
        "ดี คนอ่อนหลงตอบมากกว่า",
        "ไม่ดี คนเก่งหลงตอบมากกว่า",
        "ไม่ดี ไม่มีอำนาจจำแนก",
        "ไม่ดี ไม่มีคนเลือก",
    ]


def test_band_tables_name_their_source_and_unknown_tables_are_refused():
    assert "EVANA" in band_table("difficulty", "evana").source
    with pytest.raises(PsychometricsError, match="ไม่มีตารางเกณฑ์"):
        band_table("difficulty", "nope")


def test_usable_is_judged_on_rounded_p_and_r():
    # 200 persons, item 0 right for 39 of them (p .195 -> .20), item 1 right for 161 (p .805 -> .81)
    n = 200
    x = np.zeros((n, 3))
    x[:39, 0] = 1
    x[:161, 1] = 1
    x[:100, 2] = 1
    res = analyze_items(x)
    assert res.usable.tolist() == [True, False, True]
    assert res.p[0] == pytest.approx(0.195) and res.p[1] == pytest.approx(0.805)


# --- invariants (Hypothesis) ---------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.int8, st.tuples(st.integers(6, 40), st.integers(2, 8)), elements=st.integers(0, 1)),
    st.sampled_from([25, 27, 33, 50]),
)
def test_bounds_of_p_r_and_alpha(x, groups):
    report = analyze_test(x.astype(float), groups=groups)
    items = report.items
    assert ((items.p >= 0) & (items.p <= 1)).all()
    r = items.r[~np.isnan(items.r)]
    assert ((r >= -1) & (r <= 1)).all()
    for v in (items.point_biserial, items.item_rest):
        v = v[~np.isnan(v)]
        assert ((v >= -1 - 1e-12) & (v <= 1 + 1e-12)).all()
    if not np.isnan(report.test.alpha):
        assert report.test.alpha <= 1 + 1e-12
        assert report.test.kr20 == pytest.approx(report.test.alpha, abs=1e-9)
        assert report.test.kr21 <= report.test.kr20 + 1e-9


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.int8, st.tuples(st.integers(2, 30), st.integers(1, 6)), elements=st.integers(0, 1)),
    st.randoms(use_true_random=False),
)
def test_whole_group_p_does_not_depend_on_person_order(x, rnd):
    order = list(range(x.shape[0]))
    rnd.shuffle(order)
    a = analyze_items(x.astype(float), min_n=2)
    b = analyze_items(x[order].astype(float), min_n=2)
    np.testing.assert_allclose(a.p, b.p)
    np.testing.assert_allclose(a.point_biserial, b.point_biserial, equal_nan=True)


# --- distractors ---------------------------------------------------------------------------------


def _miskeyed_class() -> tuple[list[list[str]], list[str]]:
    # item 1 keyed ก but the strong half answer ข (the true key): a classic mis-key;
    # item 2 is fine and ง is a dead distractor (nobody chooses it); 40 persons, strong first
    answers = []
    for i in range(40):
        strong = i < 20
        item1 = "ข" if strong else ("ก" if i % 2 else "ค")
        item2 = "ค" if strong or i % 4 == 0 else ("ก" if i % 2 else "ข")
        item3 = "ก" if strong else ("" if i % 5 == 0 else ("9" if i % 7 == 0 else "ข"))
        answers.append([item1, item2, item3])
    return answers, ["ก", "ค", "ก"]


def test_distractor_table_counts_blank_and_multiple_in_their_own_columns():
    answers, key = _miskeyed_class()
    keyed = score_answers(answers, key, item_ids=["1", "2", "3"])
    report = analyze_test(keyed=keyed)
    d = report.distractors
    assert d is not None
    m = 4
    assert d.count.shape == (3, m + 2)
    assert d.count.sum(axis=1).tolist() == [40, 40, 40]
    assert d.count[2, m] == int(keyed.n_omitted[2] + keyed.n_not_reached[2]) > 0  # blank column
    assert d.count[2, m + 1] == keyed.n_multiple[2] > 0  # several-marks column
    assert d.upper[:, :].sum(axis=1).tolist() == [d.g] * 3


def test_flags_dead_distractor_and_probable_miskey():
    answers, key = _miskeyed_class()
    report = analyze_test(keyed=score_answers(answers, key, item_ids=["1", "2", "3"]))
    d = report.distractors
    assert d is not None
    assert d.more_than_key[0, 1] and d.upper_over_lower[0, 1]  # ข beats the key and draws the strong
    assert d.check_key.tolist() == [True, False, False]
    assert d.dead[1, 3]  # ง of item 2: nobody
    assert not d.dead[1, 2]  # the key is never "dead"
    assert report.decision[0] == "drop"  # r of the wrong key is negative
    rows = d.option_table().as_dicts()
    flagged = next(r for r in rows if r["ข้อ"] == "1" and r["ตัวเลือก"] == "ข")
    assert "ตรวจเฉลย" in flagged["ข้อสังเกต"]
    assert "ตรวจเฉลย" in report.summary().rows[0][-1]


def test_summaries_have_thai_and_english_headers():
    answers, key = _miskeyed_class()
    report = analyze_test(keyed=score_answers(answers, key), cut=2, evana=True)
    th = report.tables("th")
    en = report.tables("en")
    assert len(th) == len(en)
    assert th[0].columns[0] == "ข้อ" and en[0].columns[0] == "item"
    assert "ความยากง่าย" in th[0].columns and "difficulty" in en[0].columns
    for table in th + en:
        for row in table.rows:
            assert not any(isinstance(v, float) and v != v for v in row)  # NaN-safe: NaN -> None


def test_correlations_with_missing_cells_equal_pandas_pairwise(responses):
    rng = np.random.default_rng(3)
    x = responses.copy()
    x[rng.random(x.shape) < 0.1] = np.nan
    res = analyze_items(x)
    df = pd.DataFrame(x)
    total = df.sum(axis=1)  # NaN adds nothing to the total
    np.testing.assert_allclose(res.point_biserial, [df[j].corr(total) for j in df.columns], atol=1e-12)
    np.testing.assert_allclose(
        res.item_rest, [df[j].corr(total - df[j].fillna(0)) for j in df.columns], atol=1e-12
    )
    np.testing.assert_allclose(res.p, df.mean(), atol=1e-12)


def test_stou_worked_example_6_11_upper_lower_difficulty():
    # STOU การวิจัยและสถิติทางการศึกษา unit 6, p. 6-39, example 6.11: 100 examinees, upper and lower
    # groups of 50; item 1 right for 30 in the upper group and 25 in the lower group: p = .55.
    others = np.zeros((100, 10))
    others[:50, :8] = 1  # the first 50 score 8 on the other items, the rest 2
    others[50:, :2] = 1
    item1 = np.zeros(100)
    item1[:30] = 1
    item1[50:75] = 1
    res = analyze_items(np.column_stack([item1, others]), groups=50)
    assert res.groups.g == 50
    assert (res.h[0], res.l[0]) == (30, 25)
    assert res.p_groups[0] == pytest.approx(0.55)
    assert res.r[0] == pytest.approx((30 - 25) / 50)

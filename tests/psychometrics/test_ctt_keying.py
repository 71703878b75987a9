"""Keyed scoring of raw answers: Thai, Latin and digit codes, blanks, multiple marks, cancelled items."""

from __future__ import annotations

import numpy as np
import pytest

from psychometrics.ctt import parse_key, score_answers
from psychometrics.ctt.keying import CANCELLED, CREDIT_ALL, MULTIPLE, NOT_REACHED, OMITTED, answer_codes
from psychometrics.errors import PsychometricsError


def test_every_spelling_of_an_option_gives_the_same_code():
    spellings = [
        ["ก", "ข", "ค", "ง", "จ"],
        ["A", "B", "C", "D", "E"],
        ["a", "b", "c", "d", "e"],
        ["1", "2", "3", "4", "5"],
        ["๑", "๒", "๓", "๔", "๕"],
        [1, 2, 3, 4, 5],
        [1.0, 2.0, 3.0, 4.0, 5.0],
    ]
    codes, invalid = answer_codes(spellings)
    assert not invalid.any()
    assert (codes == np.arange(1, 6)).all()


def test_blank_zero_and_multiple_mark_codes():
    codes, invalid = answer_codes([["", "0", "๐", None, float("nan"), "9", "*", "๙", " ข "]])
    assert not invalid.any()
    assert codes.tolist() == [[OMITTED] * 5 + [MULTIPLE] * 3 + [2]]


def test_trailing_blanks_are_not_reached_and_inner_blanks_are_omitted():
    keyed = score_answers(
        [["ก", "", "ข", "", ""], ["ก", "ข", "ค", "ง", "0"], ["", "", "", "", ""]], ["ก", "ข", "ข", "ง", "ก"]
    )
    assert keyed.choices[0].tolist() == [1, OMITTED, 2, NOT_REACHED, NOT_REACHED]
    assert keyed.choices[1, -1] == NOT_REACHED
    assert (keyed.choices[2] == NOT_REACHED).all()
    assert keyed.n_omitted.tolist() == [0, 1, 0, 0, 0]
    assert keyed.n_not_reached.tolist() == [1, 1, 1, 2, 3]
    assert keyed.scores[0].tolist() == [1, 0, 1, 0, 0]  # blanks score 0 by default


def test_not_reached_as_missing_leaves_nan():
    keyed = score_answers(
        [["ก", "", "ข", ""], ["ก", "ข", "ข", "ก"]], ["ก", "ข", "ข", "ก"], not_reached="missing"
    )
    assert keyed.scores[0, 1] == 0  # omitted inside the row is wrong
    assert np.isnan(keyed.scores[0, 3])  # not reached is missing
    assert keyed.total.tolist() == [2, 4]


def test_several_right_options_cancelled_and_credit_all_items():
    answers = [["ก", "ค", "ข", "9"], ["ค", "ข", "ข", ""], ["ข", "ง", "ก", "ง"]]
    keyed = score_answers(answers, ["ก,ค", "24", "ยกเลิก", "all"], item_ids=["a", "b", "c", "d"])
    assert keyed.item_ids == ("a", "b", "d")
    assert keyed.cancelled_ids == ("c",)
    assert keyed.scores.tolist() == [[1, 0, 1], [1, 1, 1], [0, 1, 1]]
    assert keyed.total.tolist() == [2, 3, 2]  # the cancelled item counts for nobody


def test_multiple_marks_are_wrong_even_when_one_mark_is_the_key():
    keyed = score_answers([["9", "ก"], ["ก", "ก"]], ["ก", "ก"])
    assert keyed.scores[:, 0].tolist() == [0, 1]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [("ค", {3}), ("ก,ค", {1, 3}), ("24", {2, 4}), ("b / D", {2, 4}), ("๒", {2}), ("1 3", {1, 3}), (4, {4})],
)
def test_parse_key(entry, expected):
    assert parse_key(entry) == frozenset(expected)


def test_cancel_and_credit_words():
    for word in ("ยกเลิก", "cancel", "Cancelled"):
        assert parse_key(word) is CANCELLED
    for word in ("all", "ให้คะแนนทุกคน"):
        assert parse_key(word) is CREDIT_ALL


@pytest.mark.parametrize("entry", ["", "ฮ", "10", "Z"])
def test_a_bad_key_entry_is_refused_in_thai(entry):
    with pytest.raises(PsychometricsError, match="ไม่ใช่ตัวเลือก"):
        parse_key(entry)


def test_an_invalid_answer_is_named_by_row_and_item():
    with pytest.raises(PsychometricsError, match=r"แถว 2 ข้อ q2"):
        score_answers([["ก", "ข"], ["ก", "ฮ"]], ["ก", "ข"], item_ids=["q1", "q2"])


def test_an_answer_beyond_the_items_options_is_refused():
    with pytest.raises(PsychometricsError, match="ตัวเลือก"):
        score_answers([["จ", "ข"], ["ก", "ข"]], ["ก", "ข"], n_options=4)


def test_every_item_cancelled_is_refused():
    with pytest.raises(PsychometricsError, match="ยกเลิก"):
        score_answers([["ก"], ["ข"]], ["ยกเลิก"])


def test_default_option_count_is_at_least_four_and_covers_what_was_seen():
    assert score_answers([["ก", "ข"], ["ข", "ก"]], ["ก", "ข"]).n_options.tolist() == [4, 4]
    assert score_answers([["จ", "ข"], ["ข", "ก"]], ["ก", "ข"]).n_options.tolist() == [5, 5]


def test_integer_arrays_are_option_numbers_without_text_decoding():
    codes, invalid = answer_codes(np.array([[1, 4, 0], [9, 5, 12]]))
    assert codes.tolist() == [[1, 4, OMITTED], [MULTIPLE, 5, 0]]
    assert invalid.tolist() == [[False, False, False], [False, False, True]]
    text_codes, _ = answer_codes([["ก", "ง", ""], ["*", "จ", "ข"]])
    keyed_int = score_answers(np.array([[1, 4, 0], [9, 5, 2]]), ["ก", "ง", "ข"])
    keyed_txt = score_answers([["ก", "ง", ""], ["*", "จ", "ข"]], ["ก", "ง", "ข"])
    np.testing.assert_array_equal(keyed_int.scores, keyed_txt.scores)
    np.testing.assert_array_equal(keyed_int.choices, keyed_txt.choices)
    assert text_codes[0].tolist() == [1, 4, OMITTED]


def test_a_key_beyond_the_items_options_is_refused():
    with pytest.raises(PsychometricsError, match="เฉลยตัวเลือกที่ 5"):
        score_answers([["ก", "ข"], ["ก", "ข"]], ["จ", "ข"], item_ids=["1", "2"], n_options=4)


@pytest.mark.parametrize("module", ["keying", "groups", "verdicts", "reliability", "criterion", "__init__"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(
        "psychometrics.ctt" if module == "__init__" else f"psychometrics.ctt.{module}"
    )
    result = doctest.testmod(mod, verbose=False)
    assert result.attempted > 0 and result.failed == 0

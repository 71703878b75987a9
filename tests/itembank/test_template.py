"""The item template: headers in Thai or English, list cells, and the exactly invertible CSV neutralisation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from itembank.template import (
    COLUMNS,
    CSV_DANGEROUS,
    column_for_header,
    csv_neutralise,
    csv_unneutralise,
    format_number,
    join_answers,
    join_codes,
    split_answers,
    split_codes,
)


def test_every_column_is_found_by_its_thai_and_english_header_in_any_spacing():
    for c in COLUMNS:
        assert column_for_header(c.name) == c.name
        assert column_for_header(c.th) == c.name
        assert column_for_header("  " + c.th.replace(" ", "") + " ") == c.name
        assert column_for_header(c.name.upper().replace("_", " ")) == c.name


def test_thai_and_english_headers_are_unambiguous():
    spellings = [s for c in COLUMNS for s in (c.name, c.th, *c.aliases)]
    assert len({column_for_header(s) for s in spellings}) == len(COLUMNS)
    assert column_for_header("ไม่มีคอลัมน์นี้") is None


def test_list_cells_split_on_semicolon_comma_or_new_line():
    assert split_codes("ค 1.1 ป.6/2; ค 1.2 ป.6/1,ค 2.1 ป.6/1\nค 3.1 ป.6/1") == (
        "ค 1.1 ป.6/2", "ค 1.2 ป.6/1", "ค 2.1 ป.6/1", "ค 3.1 ป.6/1")
    assert split_answers("1,000 | ๑,๐๐๐\nพัน") == ("1,000", "๑,๐๐๐", "พัน")


@given(st.lists(st.text(st.characters(blacklist_characters=";,\n\r", blacklist_categories=("Cs",)), min_size=1)
                .map(str.strip).filter(bool), max_size=5))
def test_code_lists_round_trip(codes):
    assert split_codes(join_codes(codes)) == tuple(codes)


@given(st.lists(st.text(st.characters(blacklist_characters="|\n\r", blacklist_categories=("Cs",)), min_size=1)
                .map(str.strip).filter(bool), max_size=5))
def test_answer_lists_round_trip(answers):
    assert split_answers(join_answers(answers)) == tuple(answers)


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_csv_neutralisation_is_exactly_undone_on_import(text):
    assert csv_unneutralise(csv_neutralise(text)) == text


@given(st.sampled_from(CSV_DANGEROUS), st.text(st.characters(blacklist_categories=("Cs",))))
def test_neutralised_cells_never_start_with_a_formula_character(first, rest):
    out = csv_neutralise(" " * (len(rest) % 2) + first + rest)
    assert out.startswith("'") and not out.lstrip(" ").startswith(tuple(c for c in CSV_DANGEROUS if c != "'"))


def test_numbers_are_written_without_a_needless_decimal():
    assert (format_number(2.0), format_number(1.5), format_number(None), format_number(3)) == ("2", "1.5", "", "3")


def test_headers_with_a_required_mark_or_both_names_are_understood():
    assert column_for_header("รหัสข้อสอบ*") == "code"
    assert column_for_header("โจทย์ (stem)") == "stem"
    assert column_for_header("เวลา (นาที)") == "estimated_minutes"
    assert column_for_header("stem (key)") is None  # two different columns: ambiguous, so unknown

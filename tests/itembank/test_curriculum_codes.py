"""Curriculum codes: grammar, normalisation of what people type, canonical form, order (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itembank.curriculum import (
    AREA_LETTERS,
    CompetencyCode,
    CurriculumError,
    Grade,
    IndicatorCode,
    LearningArea,
    StandardCode,
    TraitIndicatorCode,
    load_curriculum,
    normalise,
)
from itembank.errors import ItemBankError

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"


def grades() -> st.SearchStrategy[Grade]:
    return st.one_of(
        st.builds(Grade, st.just("ป"), st.integers(1, 6)),
        st.builds(Grade, st.just("ม"), st.integers(1, 6)),
        st.just(Grade("ม", 4, 6)),
    )


def indicator_codes() -> st.SearchStrategy[IndicatorCode]:
    standards = st.builds(
        StandardCode, st.sampled_from(AREA_LETTERS).map(LearningArea), st.integers(1, 9), st.integers(1, 9)
    )
    return st.builds(IndicatorCode, standards, grades(), st.integers(1, 99))


def thai_digits(text: str) -> str:
    return "".join(THAI_DIGITS[int(c)] if c.isdigit() else c for c in text)


@st.composite
def messy(draw: st.DrawFn, code: IndicatorCode) -> str:
    """How people type a code: Thai digits, no or extra spaces, ป6 / ป 6, NBSP, zero-width, odd dashes."""
    space = st.sampled_from(["", " ", "  ", "\u00a0", "\u200b", " \u200b"])
    grade = code.grade
    dot = draw(st.sampled_from([".", "", ". ", " ", "\uff0e"]))
    grade_text = f"{grade.level}{dot}{grade.year}"
    if grade.year_to:
        grade_text += draw(st.sampled_from(["-", "–", "—", " - ", f"-{grade.level}.", "−"])) + str(
            grade.year_to
        )
    text = (
        f"{draw(space)}{code.area.letter}{draw(space)}{code.strand}.{code.standard.standard}"
        f"{draw(space)}{grade_text}{draw(st.sampled_from(['/', ' / ', '／']))}{code.seq}{draw(space)}"
    )
    if draw(st.booleans()):
        text = thai_digits(text)
    return text


@given(indicator_codes())
def test_indicator_code_round_trips(code: IndicatorCode) -> None:
    assert IndicatorCode.parse(str(code)) == code
    assert hash(IndicatorCode.parse(str(code))) == hash(code)


@given(st.data())
def test_messy_variants_normalise_to_the_canonical_form(data: st.DataObject) -> None:
    code = data.draw(indicator_codes())
    text = data.draw(messy(code))
    assert IndicatorCode.parse(text) == code
    assert str(IndicatorCode.parse(text)) == str(code)


@given(st.lists(indicator_codes(), min_size=2, max_size=8))
def test_codes_order_like_the_curriculum(codes: list[IndicatorCode]) -> None:
    ordered = sorted(codes)
    keys = [
        (AREA_LETTERS.index(c.area.letter), c.strand, c.standard.standard, c.grade, c.seq) for c in ordered
    ]
    assert keys == sorted(keys)


@given(st.text(max_size=20))
@settings(max_examples=300)
def test_anything_else_is_rejected_with_a_thai_curriculum_error(text: str) -> None:
    try:
        code = IndicatorCode.parse(text)
    except CurriculumError as e:
        assert isinstance(e, ItemBankError) and e.is_malformed
        assert "รหัสตัวชี้วัด" in e.text("th")
        assert e.text("en").startswith("indicator code")
    else:  # whatever parsed is a real, canonical code
        assert IndicatorCode.parse(str(code)) == code


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("ค 1.1 ป.6/2", "ค 1.1 ป.6/2"),
        ("ค1.1ป6/2", "ค 1.1 ป.6/2"),
        ("ค ๑.๑ ป.๖/๒", "ค 1.1 ป.6/2"),
        ("ค 1.1 ป 6/2", "ค 1.1 ป.6/2"),
        ("  ค\u00a01.1 \u200bป.6 / 2", "ค 1.1 ป.6/2"),
        ("ว 2.3 ม.1/4", "ว 2.3 ม.1/4"),
        ("ส 2.1 ม.4-6/1", "ส 2.1 ม.4-6/1"),
        ("ส 2.1 ม.4–6/1", "ส 2.1 ม.4-6/1"),
        ("ส 2.1 ม.4-ม.6/1", "ส 2.1 ม.4-6/1"),
        ("ค 1.1 ม.4/1", "ค 1.1 ม.4/1"),
    ],
)
def test_common_variants(typed: str, canonical: str) -> None:
    assert str(IndicatorCode.parse(typed)) == canonical


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "ว่างเปล่า"),
        ("ค 1.1", "รูปแบบต้องเป็น <กลุ่มสาระ> <สาระ>.<มาตรฐาน> <ชั้น>/<ข้อ>"),
        ("MA 1.1 ป.6/2", "ใช้อักษรไทย ค แทน MA"),
        ("ข 1.1 ป.6/2", "ไม่มีกลุ่มสาระ 'ข'"),
        ("ค 1.1 ป.7/2", "ไม่มีชั้น 'ป.7'"),
        ("ค 1.1 ม.4-5/2", "ไม่มีชั้น"),
        ("ค 1.1 ป.6/0", "ข้อของตัวชี้วัด 0 ต้องเป็น 1–99"),
        ("ค 0.1 ป.6/1", "เลขสาระ 0 ต้องเป็น 1–9"),
        ("ค 1.1 P6/2", "ชั้นต้องเขียนด้วยอักษรไทย ป. หรือ ม."),
        ("ค 1.1 ป.6-2", "ต้องมีเครื่องหมาย / คั่นระหว่างชั้นกับข้อ"),
    ],
)
def test_malformed_codes_say_what_is_wrong(typed: str, says: str) -> None:
    with pytest.raises(CurriculumError) as info:
        IndicatorCode.parse(typed)
    assert info.value.is_malformed and info.value.kind == "invalid"
    assert says in info.value.text("th")
    assert f"'{typed.strip()}'" in info.value.text("th")


def test_other_value_objects_parse_and_format() -> None:
    assert str(StandardCode.parse("ค๑.๑")) == "ค 1.1"
    assert str(Grade.parse("ป๖")) == "ป.6" and str(Grade.parse("ม 4 - 6")) == "ม.4-6"
    assert Grade.parse("ป.6") < Grade.parse("ม.1") < Grade.parse("ม.4-6") < Grade.parse("ม.4")
    assert str(TraitIndicatorCode.parse("๑.๒")) == "1.2" == str(TraitIndicatorCode.parse("คุณลักษณะ 1 . 2"))
    assert str(CompetencyCode.parse("สมรรถนะที่ ๓")) == "3"
    assert LearningArea.parse("คณิตศาสตร์") == LearningArea("ค")
    assert sorted(LearningArea(x) for x in "ตคท") == [LearningArea("ท"), LearningArea("ค"), LearningArea("ต")]
    assert repr(IndicatorCode.parse("ค 1.1 ป.6/2")) == "IndicatorCode('ค 1.1 ป.6/2')"
    for bad, cls in [("9.1", TraitIndicatorCode), ("6", CompetencyCode), ("x", StandardCode), ("ป.0", Grade)]:
        with pytest.raises(CurriculumError):
            cls.parse(bad)


def test_value_objects_are_frozen() -> None:
    code = IndicatorCode.parse("ค 1.1 ป.6/2")
    with pytest.raises(AttributeError):
        code.seq = 3  # type: ignore[misc]


def test_normalise_handles_invisible_and_full_width_characters() -> None:
    assert normalise("\ufeffค\u200d ๑.๑\u3000ป．๖／๒") == "ค 1.1 ป.6/2"


def test_every_shipped_code_parses_and_round_trips() -> None:
    for edition in ("2551", "2551-rev2560"):
        cur = load_curriculum(edition)
        codes = [ind.code for ind in cur.indicators()]
        assert codes and len(codes) == len(set(codes))
        for code in codes:
            assert IndicatorCode.parse(str(code)) == code
            assert IndicatorCode.parse(thai_digits(str(code)).replace(" ", "")) == code
        for ti in cur.trait_indicators:
            assert TraitIndicatorCode.parse(str(ti.code)) == ti.code
        for std in cur.standards():
            assert StandardCode.parse(str(std.code)) == std.code

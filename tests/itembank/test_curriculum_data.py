"""The shipped curriculum: lookups, editions, status words, scales, speed, and the CLI."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from click.testing import CliRunner

from itembank.curriculum import (
    EDITIONS,
    CurriculumError,
    IndicatorCode,
    LearningArea,
    load_curriculum,
    register_mapping,
    sources_text,
)
from itembank.curriculum import editions as editions_module
from web.cli import cli

STATUS_WORDS = {"verified", "single_source", "unverified"}


@pytest.fixture(scope="module")
def cur():
    return load_curriculum()


def test_current_edition_is_the_2560_revision_and_is_cached(cur) -> None:
    assert cur.edition == "2551-rev2560"
    assert load_curriculum() is cur and load_curriculum("2551-rev2560") is cur
    assert [a.letter for a in cur.learning_areas] == list("ทควสพศงต")


def test_shipped_data_keeps_sources_and_status_words() -> None:
    data = resources.files("itembank.curriculum.data")
    for name in (
        "curriculum.json",
        "desired_characteristics.json",
        "competencies_and_scales.json",
        "qa_standards.json",
        "indicators_2551_supplement.json",
    ):
        json.loads(data.joinpath(name).read_text(encoding="utf-8"))
    assert "unverified" in sources_text() and "verified" in sources_text()
    for key in EDITIONS:
        c = load_curriculum(key)
        assert {i.status for i in c.indicators()} <= STATUS_WORDS
        assert all(i.sources for i in c.indicators())
        assert {s.status for s in c.standards()} <= STATUS_WORDS


def test_thai_and_math_counts_match_the_reference(cur) -> None:
    expected_th = {"ป.1": 22, "ป.2": 27, "ป.3": 31, "ป.4": 33, "ป.5": 33, "ป.6": 34}
    expected_ma = {"ป.1": 10, "ป.2": 16, "ป.3": 28, "ป.4": 22, "ป.5": 19, "ป.6": 21}
    for grade, n in expected_th.items():
        assert len(cur.indicators(area="ท", grade=grade)) == n
    for grade, n in expected_ma.items():
        assert len(cur.indicators(area="ค", grade=grade)) == n


def test_indicator_lookup_returns_text_and_status(cur) -> None:
    ind = cur.indicator("ค๑.๑ ป๖/๒")
    assert str(ind.code) == "ค 1.1 ป.6/2" and "อัตราส่วน" in ind.text and ind.status in STATUS_WORDS
    assert cur.has_indicator("ค 1.1 ป.6/2") and not cur.has_indicator("ค 1.1 ป.6/99")
    assert not cur.has_indicator("not a code")
    assert [str(s.code) for s in cur.standards("ค", 1)] == ["ค 1.1", "ค 1.2", "ค 1.3"]
    assert {i.code.standard for i in cur.indicators(standard="ท 1.1", grade="ป.3")} == {
        cur.standard("ท 1.1").code
    }


@pytest.mark.parametrize(
    ("code", "error", "says"),
    [
        ("ค 9.9 ป.6/1", "curriculum.unknown.strand", "ไม่มีสาระที่ 9 ในกลุ่มสาระคณิตศาสตร์"),
        ("ค 1.9 ป.6/1", "curriculum.unknown.standard", "ไม่มีมาตรฐาน ค 1.9"),
        ("ค 1.1 ป.6/40", "curriculum.unknown.indicator", "มาตรฐาน ค 1.1 ชั้น ป.6 มี 12 ข้อ"),
        ("ท 1.1 ม.1/1", "curriculum.unknown.no_data", "ยังไม่มีข้อมูลตัวชี้วัดกลุ่มสาระภาษาไทย ชั้น ม.1"),
        ("ว 1.1 ป.6/1", "curriculum.unknown.no_data", "มีในหลักสูตรฉบับ 2551"),
    ],
)
def test_well_formed_but_unknown_codes_say_which_part_is_missing(cur, code, error, says) -> None:
    with pytest.raises(CurriculumError) as info:
        cur.check_indicator(code)
    e = info.value
    assert e.code == error and not e.is_malformed and e.kind == "not_found"
    assert f"รหัสตัวชี้วัด '{code}'" in e.text("th") and says in e.text("th")


def test_malformed_code_is_reported_as_malformed_by_the_curriculum(cur) -> None:
    with pytest.raises(CurriculumError) as info:
        cur.check_indicator("ค 1.1 ป6")
    assert info.value.is_malformed


def test_a_revision_does_not_orphan_items_tagged_with_the_old_edition() -> None:
    old, new = load_curriculum("2551"), load_curriculum("2551-rev2560")
    # science was revised in 2560: the 2551 code stays valid in its own edition …
    assert old.indicator("ว 1.1 ป.6/1").edition == "2551"
    # … and is not silently taken for the 2560 code that looks the same
    assert new.map_from("ว 1.1 ป.6/1", "2551") is None
    # areas that did not change carry over unchanged
    assert new.map_from("ศ 1.1 ป.3/1", "2551") == IndicatorCode.parse("ศ 1.1 ป.3/1")
    assert new.indicator("ศ 1.1 ป.3/1").text == old.indicator("ศ 1.1 ป.3/1").text
    # geography (ส strand 5) was revised in 2560: not carried over
    assert old.has_indicator("ส 5.1 ป.3/1") and not new.has_indicator("ส 5.1 ป.3/1")
    assert new.coverage("ส", "ป.3") == "partial" and new.coverage("ค", "ป.6") == "complete"
    assert new.coverage("ว", "ป.3") == "complete" and new.coverage("ว", "ม.1") == "none"


def test_registered_mapping_between_editions_is_used(monkeypatch) -> None:
    monkeypatch.setattr(editions_module, "_MAPPINGS", {})
    register_mapping("2551", "2551-rev2560", {"ว 1.1 ป.6/2": "ศ 1.1 ป.6/1"})
    new = load_curriculum("2551-rev2560")
    assert new.map_from("ว 1.1 ป.6/2", "2551") == IndicatorCode.parse("ศ 1.1 ป.6/1")
    assert new.map_from("ว 1.1 ป.6/1", "2551") is None


def test_store_edition_name_is_an_alias_of_the_current_edition() -> None:
    assert load_curriculum("2551-2560") is load_curriculum()


def test_grade_level_for_a_percentage(cur) -> None:
    assert [cur.grade_level(p).grade for p in (100, 80, 79.5, 74, 50, 49.9, 0)] == [4, 4, 3.5, 3, 1, 0, 0]
    with pytest.raises(CurriculumError, match="ร้อยละ 101"):
        cur.grade_level(101)


def test_unknown_edition_is_refused() -> None:
    with pytest.raises(CurriculumError, match="ฉบับหลักสูตร '2599'"):
        load_curriculum("2599")


def test_traits_competencies_and_scales(cur) -> None:
    assert len(cur.traits) == 8 and len(cur.trait_indicators) == 18
    assert cur.trait_indicator("1.1").text == "เป็นพลเมืองดีของชาติ"
    with pytest.raises(CurriculumError, match="คุณลักษณะข้อ 3 มี 3.1"):
        cur.trait_indicator("3.4")
    assert [c.name_th for c in cur.competencies][0] == "ความสามารถในการสื่อสาร" and len(cur.competencies) == 5
    assert [q.label for q in cur.quality_scale] == ["ดีเยี่ยม", "ดี", "ผ่าน", "ไม่ผ่าน"]
    assert [q.code for q in cur.quality_scale] == [3, 2, 1, 0]
    assert [g.grade for g in cur.grade_scale] == [4, 3.5, 3, 2.5, 2, 1.5, 1, 0]
    assert cur.grade_scale[-1].min_pct == 0 and cur.grade_scale[0].max_pct == 100
    rtw = cur.reading_thinking_writing
    assert rtw.domains == ("การอ่าน", "การคิดวิเคราะห์", "การเขียนสื่อความ") and len(rtw.criteria) == 7


def test_validating_ten_thousand_codes_is_fast(cur) -> None:
    valid = [str(i.code) for i in cur.indicators()]
    codes = [
        valid[i % len(valid)].replace(" ", "") if i % 3 else valid[i % len(valid)] for i in range(10_000)
    ]
    codes[::500] = ["ค 9.9 ป.6/1"] * len(codes[::500])
    out, errors = cur.check_indicators(codes)  # its speed is part of benchmarks/bank.py's import figure
    assert len(errors) == 20 and out.count(None) == 20


def test_learning_area_names(cur) -> None:
    assert LearningArea("ว").name_th == "วิทยาศาสตร์และเทคโนโลยี" and LearningArea("ง").abbreviation == "CT"
    assert [s.number for s in cur.strands("ส")] == [1, 2, 3, 4, 5]


# -- CLI -------------------------------------------------------------------------------------


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["curriculum", *args], input=input)


def test_cli_show_indicator_standard_area_trait_and_competency() -> None:
    r = run("show", "ค 1.1 ป.6/2")
    assert r.exit_code == 0 and "อัตราส่วน" in r.output and "มาตรฐาน ค 1.1" in r.output
    assert "จำนวนและพีชคณิต" in run("show", "ค").output
    assert "ตัวชี้วัดที่มีข้อมูล" in run("show", "ค", "1.1").output
    assert "เป็นพลเมืองดีของชาติ" in run("show", "1.1").output
    assert "ความสามารถในการคิด" in run("show", "สมรรถนะ", "2").output
    bad = run("show", "ค 9.9 ป.6/1")
    assert bad.exit_code == 1 and "ไม่มีสาระที่ 9 ในกลุ่มสาระคณิตศาสตร์" in bad.output


def test_cli_list_filters_by_area_and_grade() -> None:
    r = run("list", "--area", "ค", "--grade", "ป.6")
    lines = [ln for ln in r.output.splitlines() if ln.startswith("ค ")]
    assert r.exit_code == 0 and len(lines) == 21
    assert run("list", "--area", "ว", "--grade", "ม.1").exit_code == 1
    assert "ดีเยี่ยม" in run("list", "--what", "scales").output
    assert "มีวินัย" in run("list", "--what", "traits").output


def test_cli_check_normalises_and_fails_on_bad_codes() -> None:
    ok = run("check", "ค๑.๑ป๖/๒", "ศ 1.1 ป.3/1")
    assert ok.exit_code == 0 and "ค 1.1 ป.6/2\t(ปรับจาก" in ok.output and "ศ 1.1 ป.3/1\tถูกต้อง" in ok.output
    bad = run("check", "-", input="ค 1.1 ป.6/2\nค 9.9 ป.6/1\n")
    assert bad.exit_code == 1 and "ไม่มีสาระที่ 9" in bad.output and "รหัสผิด 1 จาก 2 รหัส" in bad.output
    assert run("check", "--kind", "trait", "๑.๒").exit_code == 0
    assert run("check", "--edition", "2599", "ค 1.1 ป.6/2").exit_code == 1
    assert "2551-rev2560" in run("editions").output

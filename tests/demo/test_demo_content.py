"""The demo district's content: enough items, real indicators, correct keys, sound rubrics, determinism."""

from __future__ import annotations

import contextlib
import io
import math
import re
from collections import Counter
from fractions import Fraction

import pytest

from demo import (
    COGNITIVE_LEVELS,
    DEFAULT_SEED,
    ITEM_TYPES,
    demo_instruments,
    demo_item_sets,
    demo_items,
    demo_schools,
    demo_users,
    experts_for,
    item_checks,
)
from demo.build import LABELS, fmt, frac, thai_number_words
from demo.items import _build
from itembank.curriculum import IndicatorCode, LearningArea, load_curriculum

CODE = re.compile(r"^(P3|P6|M3)-(TH|MA|SC|SO|PE|AR|CT|FL)-\d{4}$")


@pytest.fixture(scope="module")
def items():
    return demo_items()


@pytest.fixture(scope="module")
def by_code(items):
    return {i.code: i for i in items}


def test_at_least_1200_approved_items_across_grades_areas_types_and_levels(items) -> None:
    assert len(items) >= 1200
    assert len({i.code for i in items}) == len(items)
    assert all(CODE.match(i.code) for i in items)
    assert {i.status for i in items} == {"approved"}
    assert {i.learning_area for i in items} == set("ทควสพศงต")
    assert {i.grade for i in items} == {"ป.3", "ป.6", "ม.3"}
    assert set(Counter(i.type for i in items)) == set(ITEM_TYPES)
    assert set(Counter(i.cognitive_level for i in items)) == set(COGNITIVE_LEVELS)
    area_of = {"TH": "ท", "MA": "ค", "SC": "ว", "SO": "ส", "PE": "พ", "AR": "ศ", "CT": "ง", "FL": "ต"}
    for i in items:
        grade, area, _ = i.code.split("-")
        assert area_of[area] == i.learning_area and grade == {"ป.3": "P3", "ป.6": "P6", "ม.3": "M3"}[i.grade]


def test_every_indicator_is_real_for_the_items_grade_area_and_edition(items) -> None:
    for i in items:
        cur = load_curriculum(i.curriculum_edition)
        assert i.indicator_codes, i.code
        for text in i.indicator_codes:
            code = IndicatorCode.parse(text)
            assert str(code) == text, f"{i.code}: {text} is not canonical"
            assert cur.has_indicator(code), f"{i.code}: {text} not in edition {i.curriculum_edition}"
            assert str(code.grade) == i.grade and code.area == LearningArea(i.learning_area), i.code
        for t in i.trait_codes:
            cur.trait_indicator(t)
        for c in i.competency_codes:
            cur.competency(c)


def test_choice_keys_are_among_the_options_and_options_are_distinct(items) -> None:
    for i in items:
        labels = [o["label"] for o in i.options]
        texts = [o["text"] for o in i.options]
        if i.type in ("mc", "mc_multi", "matching"):
            assert len(set(labels)) == len(labels) and len(set(texts)) == len(texts), i.code
            assert labels == list(LABELS[: len(labels)]), i.code
            assert all(t.strip() for t in texts), i.code
        if i.type == "mc":
            assert len(i.options) == 4 and len(i.key) == 1 and i.key[0] in labels, i.code
        elif i.type == "mc_multi":
            assert len(i.key) >= 2 and set(i.key) <= set(labels), i.code
        elif i.type == "tf":
            assert i.key in (("true",), ("false",)) and not i.options, i.code
        elif i.type == "matching":
            lefts = re.findall(r"<td>(\d+)\. ", i.stem)
            assert [k.split("-")[0] for k in i.key] == lefts, i.code
            assert {k.split("-")[1] for k in i.key} <= set(labels) and len(i.options) > len(i.key), i.code
            assert i.score_points == len(i.key)
        elif i.type in ("numeric", "short"):
            assert i.accepted_answers and not i.key, i.code
        if i.type == "numeric":
            for a in i.accepted_answers:
                float(a.replace(",", ""))


def _value_text(check: dict, value) -> set[str]:
    """The spellings the key may use for `value`."""
    f = check.get("fmt", "{}")
    if "{}" not in f:
        return {f.format(value)}
    texts = {fmt(value)}
    if isinstance(value, Fraction):
        texts |= {frac(value), frac(value, mixed=True)}
    return {f.format(t) for t in texts}


def test_arithmetic_keys_are_correct_when_recomputed(by_code) -> None:
    checks = item_checks()
    assert len(checks) > 250
    n_programs = 0
    for code, check in checks.items():
        item = by_code[code]
        if "program" in check:  # run the Python program shown in the stem
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(check["program"], {})  # noqa: S102 - the program is the item's own stem
            printed = out.getvalue().strip()
            keyed = {o["text"] for o in item.options if o["label"] in item.key}
            assert keyed == {printed}, code
            assert check["program"] in item.stem
            n_programs += 1
            continue
        if "line" in check:  # a point on y = mx + c, the distractors off the line
            m, c = check["line"]
            assert f"y = {m}x" in item.stem
            points = {o["label"]: tuple(map(int, o["text"].strip("()").split(", "))) for o in item.options}
            assert [lbl for lbl, (x, y) in points.items() if y == m * x + c] == list(item.key), code
            continue
        if "data" in check:  # statistics of the data listed in the stem
            assert check["shown"] in item.stem
            assert sorted(map(int, check["shown"].split(", "))) == sorted(check["data"]), code
        safe = {"sum": sum, "sorted": sorted, "max": max, "set": set, "len": len, "round": round}
        env = {"Fraction": Fraction, "math": math, "xs": check.get("data"), **check["inputs"]}
        value = eval(check["expr"], {"__builtins__": safe}, env)  # noqa: S307 - our own arithmetic
        stem = item.stem.replace(",", "")
        must_show = check.get("inputs_in_stem", list(check["inputs"]))
        for name in must_show:
            shown = fmt(check["inputs"][name]).replace(",", "")
            assert re.search(rf"(?<![\d.]){re.escape(shown)}(?![\d])", stem), (
                f"{code}: {name}={shown} not in stem"
            )
        if item.type in ("mc", "mc_multi"):
            keyed = [o["text"] for o in item.options if o["label"] in item.key]
            if check.get("unreduced") or check.get("mixed"):
                parsed = [_parse_number(t) for t in keyed]
                assert parsed == [Fraction(value)], code
            else:
                assert set(keyed) <= _value_text(check, value), (code, keyed, value)
            others = [o["text"] for o in item.options if o["label"] not in item.key]
            assert not set(others) & _value_text(check, value), f"{code}: a distractor equals the key"
            leading = [_leading_number(t) for t in others]
            assert Fraction(value) not in leading, f"{code}: a distractor has the key's value"
        elif item.type in ("numeric", "short"):
            assert {_parse_number(a) for a in item.accepted_answers} == {Fraction(value)}, code
        elif item.type == "constructed":
            top = item.rubric[0]["description"].replace(",", "")
            assert fmt(value).replace(",", "") in top, code
    assert n_programs >= 3


def _leading_number(text: str) -> Fraction | None:
    m = re.match(r"^([\d,]+(?:\.\d+)?(?: \d+/\d+|/\d+)?)(?:\s|$)", text)
    return _parse_number(m[1]) if m else None


def _parse_number(text: str) -> Fraction:
    text = text.replace(",", "").strip()
    m = re.fullmatch(r"(\d+) (\d+)/(\d+)", text)
    if m:
        return int(m[1]) + Fraction(int(m[2]), int(m[3]))
    return Fraction(text)


def test_number_words_follow_thai_usage() -> None:
    assert thai_number_words(45302) == "สี่หมื่นห้าพันสามร้อยสอง"
    assert thai_number_words(21) == "ยี่สิบเอ็ด" and thai_number_words(11) == "สิบเอ็ด"
    assert thai_number_words(10_000) == "หนึ่งหมื่น" and thai_number_words(1) == "หนึ่ง"


def test_rubric_points_add_up(items) -> None:
    constructed = [i for i in items if i.type == "constructed"]
    assert len(constructed) >= 20
    for i in constructed:
        points = [lv["points"] for lv in i.rubric]
        assert points == list(range(int(i.score_points), -1, -1)), i.code
        assert max(points) == i.score_points and all(lv["description"] and lv["level"] for lv in i.rubric)
    for i in items:
        if i.type != "constructed":
            assert not i.rubric


def test_passages_hold_their_items_in_order(items, by_code) -> None:
    sets = demo_item_sets()
    assert len(sets) >= 6
    for s in sets:
        assert len(s.item_codes) >= 3 and len(s.stimulus) > 100, s.code
        members = [by_code[c] for c in s.item_codes]
        assert [m.set_position for m in members] == list(range(1, len(members) + 1))
        assert {m.set_code for m in members} == {s.code} and {m.grade for m in members} == {s.grade}
    in_sets = {c for s in sets for c in s.item_codes}
    assert in_sets == {i.code for i in items if i.set_code}


def test_authors_reviewers_and_expert_ratings(items) -> None:
    users = {u.username: u for u in demo_users()}
    for i in items:
        assert users[i.author].role == "officer" and users[i.reviewer].role == "reviewer"
        assert i.author != i.reviewer
        experts = {e.username for e in experts_for(i.learning_area)}
        raters = [u for u, _ in i.ioc_ratings]
        assert len(raters) >= 3 and set(raters) <= experts and i.author not in raters
        assert i.ioc >= 0.5 and all(r in (-1, 0, 1) for _, r in i.ioc_ratings)


def test_items_convert_to_valid_bank_drafts(items) -> None:
    from itembank.validation import check_draft

    for i in items:
        _, problems = check_draft(i.to_draft())
        assert not problems, (i.code, [p.text("th") for p in problems])


def test_content_is_deterministic_and_seeded() -> None:
    first = [i.as_dict() for i in _build.__wrapped__(DEFAULT_SEED)[0]]
    again = [i.as_dict() for i in _build.__wrapped__(DEFAULT_SEED)[0]]
    assert first == again
    other = [i.as_dict() for i in _build.__wrapped__(7)[0]]
    assert other != first and len(other) >= 1200


def test_schools_and_users() -> None:
    schools = demo_schools()
    assert 28 <= len(schools) <= 32
    assert len({s.code for s in schools}) == len(schools)
    assert all(re.fullmatch(r"10\d{8}", s.code) for s in schools)
    assert all(s.name_th.startswith("โรงเรียน") for s in schools)
    assert len({s.amphoe for s in schools}) >= 3 and any(s.grades.endswith("ม.3") for s in schools)
    users = demo_users()
    assert len({u.username for u in users}) == len(users)
    roles = Counter(u.role for u in users)
    for role in ("officer", "analyst", "supervisor", "qa", "admin"):
        assert roles[role] >= 1
    assert roles["reviewer"] >= 3 and roles["school"] == len(schools)
    assert {u.school_code for u in users if u.role == "school"} == {s.code for s in schools}
    for area in "ทควสพศงต":
        assert len(experts_for(area)) >= 3
    assert all(re.search(r"[ก-๙]", u.display_name) for u in users)


def test_instruments_use_the_curriculum_traits_and_four_levels() -> None:
    cur = load_curriculum()
    instruments = {i.code: i for i in demo_instruments()}
    traits = [i for i in instruments.values() if i.purpose == "desired_trait"]
    assert len(traits) >= 8
    for inst in traits:
        assert [lv["label"] for lv in inst.levels] == ["ดีเยี่ยม", "ดี", "ผ่าน", "ไม่ผ่าน"]
        assert [lv["score"] for lv in inst.levels] == [3, 2, 1, 0]
        for c in inst.criteria:
            cur.trait_indicator(c["trait_code"])
    assert sum(len(instruments[f"DT-{n}"].criteria) for n in range(1, 9)) == 18
    rtw = instruments["RTW-1"]
    assert rtw.kind == "rubric" and len(rtw.criteria) == 7
    assert instruments["KC-1"].kind == "rating_scale" and len(instruments["KC-1"].criteria) == 5
    for inst in instruments.values():
        inst.to_draft()
        assert inst.as_dict()["code"] == inst.code


def test_instruments_are_complete_as_printed() -> None:
    """No double numbering, every level described, the right kind, no cut-off text, no programmers' notes."""
    notes = re.compile(r"verified|single_source|TODO|ซอฟต์แวร์|\bunverified\b|ยังไม่ได้ตรวจ")
    for inst in demo_instruments():
        d = inst.as_dict()
        texts = [d["title"], d.get("description") or "", d.get("decision_rule") or ""]
        texts += [c["text"] for c in d["criteria"]] + [lv["description"] for lv in d["levels"]]
        for text in texts:
            assert not notes.search(text), (inst.code, text)
            assert not text.rstrip().endswith(("…", "...")), (inst.code, text)
        for c in d["criteria"]:
            assert c["text"].strip() and not re.match(r"^\s*[0-9๐-๙]+[.)]", c["text"]), (inst.code, c)
            assert set(c) <= {"text", "trait_code", "competency_code", "max_score"}, (inst.code, c)
        assert all(lv["label"].strip() and lv["description"].strip() for lv in d["levels"]), inst.code
        assert d.get("decision_rule"), inst.code
        # the printed table gives levels and scores in the document's digits: no second spelling beside it
        assert not re.search(r"[0-9๐-๙]", d.get("description") or ""), inst.code
        scores = {lv["score"] for lv in d["levels"]}
        if inst.kind == "checklist":   # a checklist marks done / not done, never a quality level
            assert scores == {0, 1}, inst.code
        else:
            assert len(scores) >= 3, inst.code
    kinds = {i.kind for i in demo_instruments()}
    assert kinds == {"rating_scale", "rubric", "checklist"}


def test_the_bank_holds_no_clones_within_a_grade_and_learning_area(items) -> None:
    """No exact or near copy of another item in one (grade, learning area) bank; number variants may stay
    (parallel items), and the assembler keeps them apart."""
    from itembank.duplicates import find_duplicates, item_text

    banks: dict[tuple[str, str], list] = {}
    for i in items:
        banks.setdefault((i.grade, i.learning_area), []).append(i)
    clones = []
    for group in banks.values():
        pairs = find_duplicates([item_text(i.stem, i.options, i.key) for i in group])
        clones += [(p.kind, group[p.first].code, group[p.second].code) for p in pairs if p.kind != "numbers"]
    assert clones == []
    stems = Counter((i.grade, i.learning_area, i.stem) for i in items if i.options)
    prism = [k for k, n in stems.items() if n > 1 and "ปริซึม" in k[2]]
    assert prism == []


def test_item_figures_are_labelled_in_thai_and_shipped_up_to_date() -> None:
    """The demo's figures say ซม., never cm, and carry their labels as outlines (no font needed to print)."""
    from demo.content.figures import ASSETS, FIGURES

    for name, draw in FIGURES.items():
        svg = draw()
        assert (ASSETS / name).read_text(encoding="utf-8") == svg, f"run demo.content.figures.write_assets(): {name}"
        assert "<text" not in svg and not re.search(r"\bcm\b|\bmm\b", svg)
    for path in ASSETS.glob("*.svg"):
        assert not re.search(r">[^<]*\b(cm|mm|m|kg)\b[^<]*<", path.read_text(encoding="utf-8")), path.name

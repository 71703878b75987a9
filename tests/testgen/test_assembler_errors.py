"""Shortage report, infeasibility diagnosis and bad input: one TestGenError, Thai messages naming rows."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from testgen_pools import AREAS, LEVELS, build_pool

from testgen.assembler import assemble, conflicting_groups, prepare, shortage_report, shortage_table
from testgen.blueprint import Blueprint, BlueprintRow, QuantityLimit, SetRule, TifTarget
from testgen.errors import TestGenError as GenError

T = dict(time_limit=3.0, seed=1, workers=2)
TIF = TifTarget((-1.0, 0.0, 1.0), (1.2, 1.6, 1.2))


def cell_rows(n: int = 1) -> tuple[BlueprintRow, ...]:
    return tuple(BlueprintRow.exactly(f"{a} {lv}", n, area=a, level=lv) for a in AREAS for lv in LEVELS)


def blueprint(**kw) -> Blueprint:
    base = dict(name="ป.6", rows=cell_rows(), test_length=6, enemies=False, sets=SetRule(enforce=False), objective=TIF)
    base.update(kw)
    return Blueprint(**base)


def texts(err: GenError) -> list[str]:
    return [p.text("th") for p in err.problems]


def test_shortage_report_names_the_row_in_thai():
    pool = build_pool(60)
    tags = dict(pool.tags)
    tags["indicator"] = [("ค 1.1 ป.6/1",) if i == 5 else ("ค 1.2 ป.6/1",) for i in range(60)]
    pool = dataclasses.replace(pool, tags=tags)
    row = BlueprintRow.exactly("ค 1.1 ป.6 ระดับวิเคราะห์", 3, indicator="ค 1.1 ป.6/1")
    bp = blueprint(rows=(row,), test_length=10)
    found = shortage_report(pool, bp)
    assert [s.text_th(1) for s in found] == [
        "ผังต้องการ ค 1.1 ป.6 ระดับวิเคราะห์ 3 ข้อ แต่คลังมีข้อสอบที่อนุมัติแล้ว 1 ข้อ"]
    with pytest.raises(GenError) as e:
        assemble(pool, bp, **T)
    assert e.value.code == "blueprint.shortage"
    assert texts(e.value) == ["ผังต้องการ ค 1.1 ป.6 ระดับวิเคราะห์ 3 ข้อ แต่คลังมีข้อสอบที่อนุมัติแล้ว 1 ข้อ"]
    assert "ไม่พอ" in str(shortage_table(prepare(pool, bp)))


def test_shortage_counts_every_form_and_excluded_items():
    pool = build_pool(30)
    excluded = np.zeros(30, dtype=bool)
    excluded[:6] = True
    bp = blueprint(n_forms=6)
    found = shortage_report(dataclasses.replace(pool, excluded=excluded), bp)
    assert found and all("× 6 ฉบับ" in s.text_th(6) for s in found)


def test_infeasible_blueprint_names_the_conflicting_rows():
    pool = build_pool(60)
    rows = (*cell_rows(), BlueprintRow("กลุ่มสาระ ท อย่างน้อย 4 ข้อ", {"area": "ท"}, min_items=4))
    with pytest.raises(GenError) as e:
        assemble(pool, blueprint(rows=rows), **T)
    err = e.value
    assert err.code == "assembly.infeasible" and err.kind == "conflict"
    text = err.text("th")
    assert "ทำพร้อมกันไม่ได้" in text and "กลุ่มสาระ ท อย่างน้อย 4 ข้อ" in text
    groups = set(err.params["groups"])
    # the three ท cells (exactly 1 each) against "ท at least 4": irreducible, and nothing else
    assert groups == {"row:0", "row:1", "row:2", "row:6"}
    assert "แถวผัง ท knowledge (1 ข้อ)" in text


def test_time_limit_conflict_is_diagnosed_as_time_against_rows():
    pool = build_pool(60)
    bp = blueprint(quantities=(QuantityLimit("time", max=100.0),))
    prob = prepare(pool, bp)
    groups = conflicting_groups(prob, time_limit=10, workers=2)
    assert "qty:0" in groups
    with pytest.raises(GenError) as e:
        assemble(pool, bp, **T)
    assert "เวลาทำข้อสอบรวม ≤ 100 ต่อฉบับ" in e.value.text("th")


def test_contradictory_rows_and_other_bad_input_in_one_error():
    pool = build_pool(60, n_sets=1, set_size=8, enemies=3)
    anchors = np.zeros(60, dtype=bool)
    anchors[[0, 4]] = True  # enemies (0, 4) in the pool
    a = pool.parameters.a.copy()
    a[[10, 11]] = np.nan  # two items without IRT parameters
    pool = dataclasses.replace(pool, anchors=anchors, parameters=dataclasses.replace(pool.parameters, a=a))
    rows = (
        BlueprintRow("ค ความรู้ อย่างน้อย 3", {"area": "ค", "level": "knowledge"}, 3, 3),
        BlueprintRow("ค ความรู้ ไม่เกิน 1", {"area": "ค", "level": "knowledge"}, 0, 1),
        BlueprintRow("ท ย้อนช่วง", {"area": "ท"}, 4, 2),
    )
    bp = blueprint(rows=rows, n_forms=2, anchor_count=2, enemies=True, sets=SetRule(), test_length=6)
    with pytest.raises(GenError) as e:
        assemble(pool, bp, **T)
    err = e.value
    codes = {p.code for p in err.problems}
    assert err.code == "blueprint.invalid"
    assert {"blueprint.rows_contradict", "blueprint.row_range", "pool.anchor_enemy", "pool.set_too_large",
            "pool.missing_parameters"} <= codes
    msgs = "\n".join(texts(err))
    assert "ค ความรู้ อย่างน้อย 3 และ ค ความรู้ ไม่เกิน 1" in msgs
    assert "I000 และ I004" in msgs and "S0" in msgs and "I010" in msgs and "I011" in msgs
    assert "ท ย้อนช่วง" in msgs
    assert all(p.text("en") for p in err.problems)  # English second


def test_unknown_attribute_and_row_longer_than_the_form():
    pool = build_pool(30)
    rows = (BlueprintRow("ตัวชี้วัดที่ไม่มี", {"indicator": "ค 9.9"}, 1, 1),
            BlueprintRow("ยาวเกินฉบับ", {"area": "ค"}, 8, 8))
    with pytest.raises(GenError) as e:
        prepare(pool, blueprint(rows=rows))
    codes = {p.code for p in e.value.problems}
    assert {"blueprint.unknown_attribute", "blueprint.row_exceeds_length"} <= codes


def test_row_labels_read_like_the_blueprint_officers_write():
    from testgen.blueprint import BlueprintRow

    row = BlueprintRow.over(3, standard="ค 1.1", grade="ป.6", level="analysis")
    assert row.label == "ค 1.1 ป.6 ระดับวิเคราะห์"
    assert (row.min_items, row.max_items) == (3, 3)
    ranged = BlueprintRow.over((2, None), area="ท", trait="3", points=(4, 8))
    assert ranged.label == "ท คุณลักษณะ 3" and ranged.max_items is None and ranged.max_points == 8


def test_anchor_rules_that_contradict_each_other_are_named():
    pool = build_pool(90)
    bp = blueprint(n_forms=2, anchor_count=1,
                   anchor_rows=(BlueprintRow("ข้อสอบร่วม ท อย่างน้อย 2", {"area": "ท"}, 2),))
    with pytest.raises(GenError) as e:
        assemble(pool, bp, **T)
    assert set(e.value.params["groups"]) == {"anchors", "anchor_row:0"}
    assert "ข้อสอบร่วม ท อย่างน้อย 2" in e.value.text("th") and "ข้อสอบร่วม (anchor) 1 ข้อ" in e.value.text("th")

"""Each constraint type: the solver's forms satisfy it, and a form that breaks it is caught."""

from __future__ import annotations

import dataclasses

import numpy as np
from testgen_pools import AREAS, LEVELS, build_pool

from testgen.assembler import assemble, prepare, validate
from testgen.blueprint import Blueprint, BlueprintRow, QuantityLimit, SetRule, TifTarget

T = dict(time_limit=3.0, seed=1, workers=2)


def cell_rows(n: int = 1) -> tuple[BlueprintRow, ...]:
    return tuple(BlueprintRow.exactly(f"{a} {lv}", n, area=a, level=lv) for a in AREAS for lv in LEVELS)


def blueprint(**kw) -> Blueprint:
    base = dict(name="ทดสอบ", rows=cell_rows(), test_length=6, enemies=False, sets=SetRule(enforce=False),
                objective=TifTarget((-1.0, 0.0, 1.0), (1.2, 1.6, 1.2)))
    base.update(kw)
    return Blueprint(**base)


def groups(prob, forms, anchors=None) -> set[str]:
    return {v.group for v in validate(prob, forms, anchors)}


def solved(pool, bp):
    res = assemble(pool, bp, **T)
    prob = prepare(pool, bp)
    forms = [np.asarray(f) for f in res.indices]
    assert validate(prob, forms) == []
    return res, prob, forms


def swap_in(prob, form: np.ndarray, out: int, new: int) -> np.ndarray:
    f = form.copy()
    f[f == out] = new
    return f


def test_length_and_rows_hold_and_breaks_are_caught():
    pool = build_pool(60)
    res, prob, forms = solved(pool, blueprint())
    assert len(res.forms[0]) == 6
    area = [pool.tags["area"][i][0] for i in forms[0]]
    assert area.count("ท") == 3 and area.count("ค") == 3
    # drop one item: length and its row both fail
    assert {"length", "row:0"} <= groups(prob, [forms[0][1:]]) or "length" in groups(prob, [forms[0][1:]])
    # replace an item by one of another cell: two rows break
    i = forms[0][0]
    other = next(j for j in range(pool.n_items) if j not in forms[0]
                 and pool.tags["level"][j] != pool.tags["level"][i])
    assert any(g.startswith("row:") for g in groups(prob, [swap_in(prob, forms[0], i, other)]))


def test_multi_tagged_items_count_where_the_blueprint_says():
    pool = build_pool(60)
    ind = [(f"ค 1.1 ป.6/{i // 7 % 3 + 1}", f"ค 1.1 ป.6/{(i // 7 + 1) % 3 + 1}") for i in range(60)]
    pool = dataclasses.replace(pool, tags={**pool.tags, "indicator": ind})
    each = BlueprintRow("ตัวชี้วัด /1 (นับทุกตัวชี้วัด)", {"indicator": "ค 1.1 ป.6/1"}, min_items=4, count="each")
    primary = BlueprintRow("ตัวชี้วัด /2 (นับตัวชี้วัดหลัก)", {"indicator": "ค 1.1 ป.6/2"}, max_items=1, count="primary")
    bp = blueprint(rows=(*cell_rows(), each, primary))
    prob = prepare(pool, bp)
    # item 0 carries (/1, /2): it counts in the "each" row of /1; item 14 carries (/3, /1): also;
    # item 7 carries (/2, /3): it counts in the primary row of /2, item 0 does not
    assert prob.row_items[6, 0] == 1 and prob.row_items[6, 14] == 1 and prob.row_items[6, 7] == 0
    assert prob.row_items[7, 7] == 1 and prob.row_items[7, 0] == 0
    res, prob, forms = solved(pool, bp)
    tags = [ind[i] for i in forms[0]]
    assert sum("ค 1.1 ป.6/1" in t for t in tags) >= 4
    assert sum(t[0] == "ค 1.1 ป.6/2" for t in tags) <= 1


def test_quantities_time_and_points():
    pool = build_pool(60)
    t = pool.quantities["time"]
    prob0 = prepare(pool, blueprint())
    fastest = sum(t[prob0.row_items[r] > 0].min() for r in range(6))
    bp = blueprint(quantities=(QuantityLimit("time", max=float(fastest + 20)),))
    res, prob, forms = solved(pool, bp)
    assert t[forms[0]].sum() <= fastest + 20
    slow = next(j for j in np.argsort(-t) if j not in forms[0])
    victim = next(i for i in forms[0] if prob.row_items[:, i].tolist() == prob.row_items[:, slow].tolist())
    assert "qty:0" in groups(prob, [swap_in(prob, forms[0], victim, slow)])
    # points bounds on a row
    pts = np.where(np.arange(60) % 4 == 0, 2.0, 1.0)
    pool2 = dataclasses.replace(pool, quantities={**pool.quantities, "points": pts})
    row = BlueprintRow("ท คะแนน", {"area": "ท"}, 3, 3, min_points=5, max_points=5)
    res, prob, forms = solved(pool2, blueprint(rows=(*cell_rows(), row)))
    sel = [i for i in forms[0] if pool2.tags["area"][i][0] == "ท"]
    assert pts[sel].sum() == 5


def test_enemies_never_together():
    pool = build_pool(60, enemies=20)
    bp = blueprint(enemies=True)
    res, prob, forms = solved(pool, bp)
    inside = set(forms[0].tolist())
    assert not any(i in inside and j in inside for i, j in pool.enemies)
    i, j = pool.enemies[0]
    f = forms[0].copy()
    f[0], f[1] = i, j
    assert "enemies" in groups(prob, [f])


def test_passage_sets_all_or_none_in_order_with_count():
    pool = build_pool(60, n_sets=3, set_size=3)
    bp = blueprint(rows=cell_rows(2), test_length=12, sets=SetRule(min_sets=1, max_sets=1))
    res, prob, forms = solved(pool, bp)
    sets = [pool.set_ids[i] for i in forms[0] if pool.set_ids[i]]
    assert len(set(sets)) == 1 and len(sets) == 3
    order = [pool.set_order[i] for i in res.indices[0] if pool.set_ids[i]]
    assert order == sorted(order)  # printed in set order, together
    pos = [k for k, i in enumerate(res.indices[0]) if pool.set_ids[i]]
    assert pos == list(range(pos[0], pos[0] + 3))
    member = next(i for i in forms[0] if pool.set_ids[i])
    partner = next(j for j in range(60) if j not in forms[0] and not pool.set_ids[j]
                   and prob.row_items[:, j].tolist() == prob.row_items[:, member].tolist())
    assert "sets" in groups(prob, [swap_in(prob, forms[0], member, partner)])


def test_partial_sets_min_max_items():
    pool = build_pool(60, n_sets=2, set_size=4)
    bp = blueprint(rows=cell_rows(2), test_length=12, sets=SetRule(min_items=2, max_items=2, min_sets=1))
    res, prob, forms = solved(pool, bp)
    from collections import Counter

    counts = Counter(pool.set_ids[i] for i in forms[0] if pool.set_ids[i])
    assert counts and all(v == 2 for v in counts.values())


def test_anchors_common_overlap_and_anchor_rows():
    pool = build_pool(90)
    anchor_rows = tuple(BlueprintRow(f"ข้อสอบร่วม {a}", {"area": a}, 1) for a in AREAS)
    bp = blueprint(n_forms=3, anchor_count=2, anchor_rows=anchor_rows)
    res, prob, forms = solved(pool, bp)
    common = set.intersection(*[set(f.tolist()) for f in forms])
    assert len(common) == 2 and set(res.anchors) == {pool.item_ids[i] for i in common}
    assert {pool.tags["area"][i][0] for i in common} == set(AREAS)
    rest = [set(f.tolist()) - common for f in forms]
    assert not (rest[0] & rest[1]) and not (rest[1] & rest[2])
    # break: share one more item between forms 1 and 2
    extra = next(iter(rest[0]))
    f1 = forms[1].copy()
    victim = next(i for i in f1 if i not in common and prob.row_items[:, i].tolist() == prob.row_items[:, extra].tolist())
    f1[f1 == victim] = extra
    assert "overlap" in groups(prob, [forms[0], f1, forms[2]])
    # break: take an anchor out of one form
    a = next(iter(common))
    f2 = forms[2].copy()
    alt = next(j for j in range(90) if all(j not in f for f in forms)
               and prob.row_items[:, j].tolist() == prob.row_items[:, a].tolist())
    f2[f2 == a] = alt
    assert "anchors" in groups(prob, [forms[0], forms[1], f2])


def test_max_overlap_allows_some_sharing():
    pool = build_pool(40)
    bp = blueprint(n_forms=2, max_overlap=2)
    res, prob, forms = solved(pool, bp)
    assert len(set(forms[0]) & set(forms[1])) <= 2


def test_excluded_forced_and_usage_caps():
    pool = build_pool(60)
    excluded = np.zeros(60, dtype=bool)
    excluded[:10] = True
    forced = np.zeros(60, dtype=bool)
    forced[[11, 13]] = True
    caps = np.full(60, 1)
    pool2 = dataclasses.replace(pool, excluded=excluded, forced=forced, usage_cap=caps)
    bp = blueprint(n_forms=2, max_overlap=6)
    res, prob, forms = solved(pool2, bp)
    used = np.concatenate(forms)
    assert not excluded[used].any()
    assert {11, 13} <= set(used.tolist())
    assert len(used) == len(set(used.tolist()))  # cap 1 beats the allowed overlap
    f0 = forms[0].copy()
    f0[0] = 0
    assert "excluded" in groups(prob, [f0, forms[1]])
    assert "usage" in groups(prob, [forms[0], forms[0]])
    without = [f[~np.isin(f, [11, 13])] for f in forms]
    assert "forced" in groups(prob, without)


def test_pool_anchor_items_are_in_every_form():
    pool = build_pool(90)
    anchors = np.zeros(90, dtype=bool)
    anchors[[4, 9]] = True
    bp = blueprint(n_forms=2, anchor_count=3)
    res, prob, forms = solved(dataclasses.replace(pool, anchors=anchors), bp)
    common = set(forms[0]) & set(forms[1])
    assert {4, 9} <= common and len(common) == 3


def test_swap_search_keeps_enemies_time_and_sets_across_forms():
    pool = build_pool(150, enemies=40, n_sets=4, set_size=2)
    t = pool.quantities["time"]
    theta = (-1.0, 0.0, 1.0)
    target = tuple(np.median(pool.information(theta), axis=0) * 12)
    bp = blueprint(rows=cell_rows(2), test_length=12, n_forms=3, enemies=True, sets=SetRule(min_sets=1),
                   quantities=(QuantityLimit("time", max=float(np.median(t) * 12)),),
                   objective=TifTarget(theta, target))
    res, prob, forms = solved(pool, bp)
    for f in forms:
        assert t[f].sum() <= np.median(t) * 12
        inside = set(f.tolist())
        assert not any(i in inside and j in inside for i, j in pool.enemies)
        assert len({pool.set_ids[i] for i in f if pool.set_ids[i]}) >= 1
    assert any("swap search" in line for line in res.log)

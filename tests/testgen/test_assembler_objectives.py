"""Objectives: maximin and cut score are optimal (checked by brute force), minimax approaches its
target, CTT targets hold, polytomous items enter the information, and the result summarises."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
from testgen_pools import AREAS, LEVELS, build_pool

from psychometrics.irt.models import ItemParameters, item_information
from testgen.assembler import assemble, prepare, validate
from testgen.blueprint import Blueprint, BlueprintRow, CttTarget, CutScore, RelativeTarget, SetRule, TifTarget

T = dict(time_limit=3.0, seed=1, workers=2)


def area_blueprint(objective, n: int = 2, **kw) -> Blueprint:
    rows = tuple(BlueprintRow.exactly(f"กลุ่มสาระ {a}", n, area=a) for a in AREAS)
    return Blueprint(name="ทดสอบ", rows=rows, test_length=2 * n, enemies=False, sets=SetRule(enforce=False),
                     objective=objective, **kw)


def brute_force(pool, bp, value):
    prob = prepare(pool, bp)
    best = None
    for combo in itertools.combinations(range(pool.n_items), bp.test_length):
        f = np.array(combo)
        if validate(prob, [f]):
            continue
        v = value(prob, f)
        best = v if best is None else max(best, v)
    return best


def test_maximin_is_optimal():
    pool = build_pool(14, seed=3)
    bp = area_blueprint(RelativeTarget((-1.0, 0.0, 1.0), (1.0, 1.5, 1.0)), n=2)
    res = assemble(pool, bp, **T)
    assert res.status == "optimal"
    best = brute_force(pool, bp, lambda p, f: float((p.info[f].sum(0) / np.array([1.0, 1.5, 1.0])).min()))
    assert abs(res.objective - best) < 1e-3


def test_cut_score_maximises_information_at_the_cut():
    pool = build_pool(14, seed=4)
    bp = area_blueprint(CutScore(0.5), n=2)
    res = assemble(pool, bp, **T)
    best = brute_force(pool, bp, lambda p, f: float(p.info[f, 0].sum()))
    assert abs(res.objective - best) < 1e-3
    assert res.tif.shape == (1, 1)


def test_minimax_gets_close_to_an_attainable_target():
    pool = build_pool(80, seed=5)
    chosen = [0, 1, 2, 3, 10, 11]
    theta = (-1.0, 0.0, 1.0)
    target = tuple(pool.information(theta)[chosen].sum(axis=0))  # a target some form meets exactly
    rows = tuple(BlueprintRow.exactly(f"{a} {lv}", 1, area=a, level=lv) for a in AREAS for lv in LEVELS)
    bp = Blueprint(name="เป้า TIF", rows=rows, test_length=6, enemies=False, sets=SetRule(enforce=False),
                   objective=TifTarget(theta, target))
    res = assemble(pool, bp, **T)
    assert res.objective < 0.02
    assert np.abs(res.tif[0] - np.array(target)).max() == res.objective


def test_parallel_minimax_forms_are_all_close():
    pool = build_pool(120, seed=6)
    rows = tuple(BlueprintRow.exactly(f"{a} {lv}", 1, area=a, level=lv) for a in AREAS for lv in LEVELS)
    theta = (-1.0, 0.0, 1.0)
    target = tuple(np.median(pool.information(theta), axis=0) * 6)
    bp = Blueprint(name="คู่ขนาน", rows=rows, test_length=6, n_forms=3, enemies=False,
                   sets=SetRule(enforce=False), objective=TifTarget(theta, target))
    res = assemble(pool, bp, **T)
    dev = np.abs(res.tif - np.array(target)).max(axis=1)
    assert dev.max() == res.objective < 0.1
    assert len(set(res.forms[0]) & set(res.forms[1])) == 0


def test_ctt_target_mean_p_and_r_floor():
    pool = build_pool(60, seed=7)
    bp = area_blueprint(CttTarget(p_min=0.5, p_max=0.6, r_min=0.2), n=3)
    res = assemble(pool, bp, **T)
    f = np.asarray(res.indices[0])
    assert 0.5 - 1e-9 <= pool.p_value[f].mean() <= 0.6 + 1e-9
    assert (pool.discrimination[f] >= 0.2).all()
    prob = prepare(pool, bp)
    bad = f.copy()
    bad[0] = int(np.argmin(np.where(prob.row_items[0] == prob.row_items[0, f[0]], pool.discrimination, 9)))
    assert "ctt" in {v.group for v in validate(prob, [bad])}


def test_ctt_without_parameters_needs_no_irt():
    pool = dataclasses.replace(build_pool(40, seed=8), parameters=None)
    res = assemble(pool, area_blueprint(CttTarget(0.3, 0.8), n=2), **T)
    assert len(res.forms[0]) == 4


def test_polytomous_items_grm_and_gpcm_count_their_information():
    pool = build_pool(30, seed=9)
    n = pool.n_items
    models = ["2pl"] * 20 + ["grm"] * 5 + ["gpcm"] * 5
    a = np.r_[pool.parameters.a[:20], np.full(10, 1.8)]
    thr = np.full((n, 3), np.nan)
    thr[:20, 0] = pool.parameters.b[:20]
    thr[20:] = [-1.0, 0.0, 1.0]
    params = ItemParameters(tuple(models), a, np.r_[pool.parameters.b[:20], np.full(10, np.nan)],
                            np.zeros(n), thr, pool.item_ids)
    pool = dataclasses.replace(pool, parameters=params)
    bp = area_blueprint(RelativeTarget((0.0,)), n=2)
    res = assemble(pool, bp, **T)
    f = np.asarray(res.indices[0])
    expected = item_information(params, [0.0])[0, f].sum()
    assert abs(res.tif[0, 0] - expected) < 1e-9
    assert (f >= 20).any()  # the 4-category items carry more information at θ = 0


def test_summary_and_provenance():
    pool = build_pool(40, seed=10)
    res = assemble(pool, area_blueprint(RelativeTarget((0.0,))), **T)
    text = str(res.summary())
    assert "ฉบับที่ 1" in text and "TIF" in text and "CP-SAT" in text
    assert res.seed == 1 and res.seconds > 0
    again = assemble(pool, area_blueprint(RelativeTarget((0.0,))), **T)
    assert again.forms == res.forms


def test_parallel_maximin_forms_are_balanced():
    pool = build_pool(90, seed=11)
    bp = area_blueprint(RelativeTarget((-1.0, 1.0)), n=3, n_forms=3)
    res = assemble(pool, bp, **T)
    levels = res.tif.min(axis=1)
    assert res.objective == levels.min() > 0
    single = assemble(pool, area_blueprint(RelativeTarget((-1.0, 1.0)), n=3), **T)
    assert levels.min() <= single.objective + 1e-9  # three disjoint forms cannot beat the best one
    assert levels.max() - levels.min() < 0.5 * single.objective


def test_no_objective_still_meets_the_blueprint():
    pool = build_pool(40, seed=12)
    res = assemble(pool, area_blueprint(None, n=2, n_forms=2), **T)
    assert res.objective_kind == "none" and all(len(f) == 4 for f in res.forms)

"""scoring.analysis: the item analysis of an administration on simulated answers, written back to the bank.

Simulated from known 2PL parameters with planted defects: item 3 mis-keyed, item 6 with two dead
distractors, item 9 harder for girls (DIF), item 12 drifted from its banked b.
"""

from __future__ import annotations

import numpy as np
import pytest
from forms_bank import make_forms_bank

from itembank.authz import Actor
from itembank.parameter_sets import get_parameter_set, latest_parameter_set
from itembank.review_tasks import decide_review_task, list_review_tasks
from itembank.statistics import exposure_counts, statistics_history
from psychometrics.irt.models import ItemParameters
from scoring.analysis import analyse_matrix, write_back

N, M = 3000, 20


def simulate(seed: int = 3):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.8, 1.8, M), rng.normal(0, 0.8, M)
    sex = rng.choice(["M", "F"], N)
    theta = rng.normal(0, 1, N)
    shift = np.zeros((N, M))
    shift[:, 8] = np.where(sex == "F", -1.5, 0.0)   # item 9 harder for girls at the same θ
    b_true = b.copy()
    b_true[11] += 1.2                                 # item 12 drifted
    x = (rng.random((N, M)) < 1 / (1 + np.exp(-a * (theta[:, None] - b_true + shift)))).astype(float)
    keys = rng.integers(1, 5, M)
    wrong = (keys[None, :] + rng.integers(1, 4, (N, M)) - 1) % 4 + 1
    choices = np.where(x == 1, keys[None, :], wrong).astype(np.int8)
    other = keys[5] % 4 + 1
    choices[:, 5] = np.where(x[:, 5] == 1, keys[5], other)        # only one distractor chosen
    key_sets = [frozenset([int(k)]) for k in keys]
    bad_key = int(keys[2] % 4 + 1)
    key_sets[2] = frozenset([bad_key])                            # the key file says another option
    x[:, 2] = choices[:, 2] == bad_key
    ids = [f"F6-{j:03d}" for j in range(M)]
    banked = ItemParameters.dichotomous(a, b, item_ids=tuple(ids))
    return x, ids, choices, key_sets, sex, banked


def test_analysis_flags_the_planted_defects_and_recovers_parameters():
    x, ids, choices, keys, sex, banked = simulate()
    steps = []
    result = analyse_matrix(x, ids, choices=choices, keys=keys, n_options=[4] * M, sex=sex, anchors=banked,
                            anchor_mode="link", scale="district-p6", progress=lambda *a: steps.append(a[0]))
    flags = {(result.items[j].item_id, kind) for j, kind, _ in result.flags}
    assert ("F6-002", "mis_key") in flags
    assert ("F6-005", "dead_distractor") in flags
    assert ("F6-008", "dif_c") in flags
    assert ("F6-011", "drift") in flags
    assert not any(kind == "mis_key" for item, kind in flags if item not in ("F6-002",))
    assert steps == sorted(steps) and steps[-1] == 4
    good = [j for j in range(M) if j not in (2, 8, 11)]
    b = np.array([result.items[j].b for j in good])
    assert np.max(np.abs(b - banked.b[good])) < 0.35           # linked onto the banked scale
    assert result.linking["method"] == "stocking_lord" and abs(result.linking["A"] - 1) < 0.15
    it = result.items[0]
    assert 0 < it.p < 1 and it.verdict_p and it.verdict_r and it.infit is not None
    assert result.items[2].verdict_r == "ไม่ดี คนเก่งหลงทำผิด" and result.items[2].r < 0
    assert set(result.items[5].distractors) == {"ก", "ข", "ค", "ง"}
    assert 0.7 < result.kr20 < 1 and result.n_persons == N


def test_fixed_anchors_keep_the_scale_and_no_irt_still_gives_ctt():
    x, ids, choices, keys, sex, banked = simulate(5)
    fixed = analyse_matrix(x, ids, anchors=banked.subset(np.arange(10)), anchor_mode="fixed")
    # the mis-keyed F6-002 (negative r) is no anchor: 9 of the 10 banked items hold the scale
    assert fixed.linking["method"] == "fixed_anchor" and fixed.linking["n_common"] == 9
    np.testing.assert_allclose([fixed.items[j].b for j in (0, 1)], np.round(banked.b[:2], 4), atol=1e-4)
    plain = analyse_matrix(x, ids, model=None)
    assert plain.model is None and plain.items[0].a is None and plain.items[0].p == pytest.approx(x[:, 0].mean())


def test_write_back_stores_history_parameter_set_and_tasks_once(session):
    codes = make_forms_bank(session)
    x, ids, choices, keys, sex, banked = simulate()
    vids = [codes[c] for c in ids]
    result = analyse_matrix(x, ids, version_ids=vids, choices=choices, keys=keys, n_options=[4] * M, sex=sex,
                            anchors=banked, anchor_mode="link", scale="district-p6")
    actor = Actor.system()
    first = write_back(session, actor, "admin:P6-2567", result)
    assert first["n_statistics"] == M and first["parameter_set"] == "district-p6@v1" and first["n_new_tasks"] >= 4
    again = write_back(session, actor, "admin:P6-2567", result)
    assert again["n_new_tasks"] == 0 and again["parameter_set"] == "district-p6@v2"
    tasks = list_review_tasks(session, actor, source="admin:P6-2567")
    assert len(tasks) == first["n_new_tasks"]
    mis = next(t for t in tasks if t.kind == "mis_key")
    assert mis.item_code == "F6-002" and mis.kind_text() == "เฉลยอาจผิด (r ติดลบ)" and mis.details["r"] < 0
    decided = decide_review_task(session, Actor(None, "นักวัดผล", "officer"), mis.id, "rekeyed", "เฉลยคือ ค")
    assert decided.status == "rekeyed" and decided.decided_by_name == "นักวัดผล"
    assert mis.id not in {t.id for t in list_review_tasks(session, actor)}
    history = statistics_history(session, actor, "F6-002")
    assert [h.source for h in history] == ["pilot", "admin:P6-2567"]
    h = history[-1]
    assert h.n == N and h.r < 0 and h.irt_model == "2pl" and h.scale == "district-p6" and "mis_key" in h.flags
    assert statistics_history(session, actor, "F6-008")[-1].dif_class == "C"
    assert exposure_counts(session, [codes["F6-002"]]) == {codes["F6-002"]: (1, N)}
    ps = get_parameter_set(session, actor, "district-p6", 1)
    assert len(ps.items) == M and ps.linking["method"] == "stocking_lord" and ps.n_persons == N
    assert latest_parameter_set(session, actor, "district-p6").number == 2


def test_an_item_everyone_got_right_keeps_its_ctt_and_gets_no_irt_estimate():
    x, ids, *_ = simulate(7)
    x[:, 4] = 1.0
    result = analyse_matrix(x, ids)
    assert result.items[4].p == 1.0 and result.items[4].a is None and result.items[4].b is None
    assert result.items[5].a is not None and result.items[4].infit is None


def test_the_fast_dichotomous_fit_agrees_with_the_engines_infit_outfit():
    from psychometrics.irt.ability import ability
    from psychometrics.irt.fit import infit_outfit
    from scoring.analysis import _dichotomous_fit

    x, ids, *_, banked = simulate(9)
    x[::7, 3] = np.nan
    ours = _dichotomous_fit(banked.a, banked.b, banked.c, x, 61)
    theta = ability(banked, x, "eap", n_quadrature=61).theta
    engine = infit_outfit(banked, x, theta)
    np.testing.assert_allclose(ours.item_infit, engine.item_infit, atol=0.01)
    np.testing.assert_allclose(ours.item_outfit, engine.item_outfit, atol=0.03)

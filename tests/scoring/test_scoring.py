"""Scoring: cancelled, held and re-keyed items, partial credit, θ from banked parameters, cuts, trends."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scoring_world import ITEM_CODES, SCHOOLS, SYSTEM, answers_csv, make_world, roster_csv

from itembank.statistics import StatisticInput, record_statistics
from scoring.administrations import create_administration
from scoring.exports import export_scores
from scoring.rescoring import decide_item, hold_items
from scoring.responses import load_scored_matrix
from scoring.rosters import import_roster
from scoring.uploads import import_answers
from scoring.warehouse import district_results, school_results
from testgen.forms import form_variants, get_form

S1 = SCHOOLS[0]
NOW = dt.datetime.now(dt.UTC)


def _form_cells(session, variant: str, form_answers: list[str]) -> list[str]:
    """Cells in `variant`'s printed order for answers given in FORM order and FORM option letters."""
    v = next(x for x in form_variants(session, get_form(session, SYSTEM, "F-1")) if x.label == variant)
    letters = "กขคง"
    cells = []
    for p, q in enumerate(v.order):
        a = form_answers[q]
        if a and all(c in letters for c in a):
            inverse = {f: vo for vo, f in enumerate(v.option_maps[p])}
            a = "".join(letters[inverse[letters.index(c)]] for c in a)
        cells.append(a)
    return cells


@pytest.fixture
def world(session, tmp_path):
    w = make_world(session)
    import_roster(session, SYSTEM, S1, roster_csv(tmp_path), 2568)
    # form order: keys ก ข ค ง ก ข, then ก+ค (several), then a 2-point rubric item
    right = ["ก", "ข", "ค", "ง", "ก", "ข", "กค", "2"]
    wrong0 = ["ข", "ข", "ค", "ง", "ก", "ข", "ก", "1"]
    rows = [("10001", "A", _form_cells(session, "A", right)), ("10002", "B", _form_cells(session, "B", wrong0))]
    import_answers(session, SYSTEM, "ADM-1", S1, answers_csv(tmp_path, rows))
    return w


def _raw(session):
    m = load_scored_matrix(session, SYSTEM, "ADM-1")
    return dict(zip(m.student_codes, m.raw.tolist(), strict=True))


def test_answers_map_back_to_form_order(session, world):
    m = load_scored_matrix(session, SYSTEM, "ADM-1")
    assert m.codes[0].tolist() == [0, 1, 2, 3, 0, 1, 0b101, 2]
    assert _raw(session) == {"10001": 9.0, "10002": 6.0}


def test_cancelled_held_and_rekeyed_items_rescore_from_the_stored_answers(session, world):
    first = ITEM_CODES[0]
    decide_item(session, SYSTEM, "ADM-1", first, "cancel", cancel_mode="credit")
    assert _raw(session) == {"10001": 9.0, "10002": 7.0}
    decide_item(session, SYSTEM, "ADM-1", first, "cancel", cancel_mode="drop")
    assert _raw(session) == {"10001": 8.0, "10002": 6.0}
    decide_item(session, SYSTEM, "ADM-1", first, "rekey", key=["ข"])
    assert _raw(session) == {"10001": 8.0, "10002": 7.0}
    decide_item(session, SYSTEM, "ADM-1", first, "rekey", key=["ก", "ข"], any_of=True)
    assert _raw(session) == {"10001": 9.0, "10002": 7.0}
    hold_items(session, SYSTEM, "ADM-1", [ITEM_CODES[6]])
    assert _raw(session) == {"10001": 8.0, "10002": 7.0}
    r = decide_item(session, SYSTEM, "ADM-1", ITEM_CODES[6], "keep")
    assert r.n_students == 2 and _raw(session) == {"10001": 9.0, "10002": 7.0}
    d = district_results(session, SYSTEM, "ADM-1").district
    assert d.n == 2 and d.mean == pytest.approx(8.0)
    exported = {row[1]: row[6] for row in export_scores(session, SYSTEM, "ADM-1").rows}
    assert exported == {"10001": 9.0, "10002": 7.0}


def test_partial_credit_where_the_administration_says_so(session, world, tmp_path):
    create_administration(session, SYSTEM, "ADM-P", "ทดสอบ", "F-1", year_be=2568, term=2, release_at=NOW,
                          results_release_at=NOW, settings={"partial_credit": [ITEM_CODES[6]]})
    import_answers(session, SYSTEM, "ADM-P", S1, answers_csv(tmp_path, [
        ("10001", "A", _form_cells(session, "A", ["", "", "", "", "", "", "ก", ""])),
        ("10002", "A", _form_cells(session, "A", ["", "", "", "", "", "", "กข", ""])),
        ("10003", "A", _form_cells(session, "A", ["", "", "", "", "", "", "กคง", ""]))], name="p.csv"))
    m = load_scored_matrix(session, SYSTEM, "ADM-P")
    assert dict(zip(m.student_codes, m.raw.tolist(), strict=True)) == {"10001": 0.5, "10002": 0.0, "10003": 0.5}


def test_theta_eap_and_wle_from_banked_parameters_and_cuts_per_administration(session, world, tmp_path):
    from itembank.service import get_version

    rng = np.random.default_rng(3)
    record_statistics(session, SYSTEM, "pilot", [
        StatisticInput(version_id=get_version(session, c).id, n=500, irt_model="2pl", a=float(rng.uniform(0.8, 1.5)),
                       b=float(rng.normal())) for c in ITEM_CODES[:7]])
    session.commit()
    create_administration(session, SYSTEM, "ADM-T", "ทดสอบ", "F-1", year_be=2568, term=2, release_at=NOW,
                          results_release_at=NOW, settings={"cancelled": {ITEM_CODES[7]: "drop"},
                                                            "quality_cuts": [90, 80, 60],
                                                            "scale": {"intercept": 300, "slope": 50}})
    import_answers(session, SYSTEM, "ADM-T", S1, answers_csv(tmp_path, [
        ("10001", "A", _form_cells(session, "A", ["ก", "ข", "ค", "ง", "ก", "ข", "กค", ""])),
        ("10002", "A", _form_cells(session, "A", ["ก", "ข", "ค", "", "", "", "", ""]))], name="t.csv"))
    rows = {r[1]: r for r in export_scores(session, SYSTEM, "ADM-T").rows}
    hi, lo = rows["10001"], rows["10002"]
    assert hi[7] == 7.0 and hi[9] == 4.0 and hi[10] == "ดีมาก"
    assert lo[10] == "ปรับปรุง" and lo[9] == 0.0  # 3/7 = 43 %
    assert hi[12] > lo[12] and hi[13] > 0 and hi[14] > lo[14]  # θ EAP, its SE, θ WLE
    assert hi[16] == pytest.approx(300 + 50 * hi[12], abs=1e-3)
    assert hi[11] == 75.0 and lo[11] == 25.0  # percentile ranks in the district


def test_three_year_trend_of_the_same_grade_and_area(session, world, tmp_path):
    create_administration(session, SYSTEM, "ADM-NEXT", "ปีถัดไป", "F-1", year_be=2569, term=2, release_at=NOW,
                          results_release_at=NOW)
    import_roster(session, SYSTEM, S1, roster_csv(tmp_path, name="r2569.csv"), 2569)
    import_answers(session, SYSTEM, "ADM-NEXT", S1, answers_csv(tmp_path, [
        ("10001", "A", _form_cells(session, "A", ["ก", "", "", "", "", "", "", ""]))], name="n.csv"))
    s = school_results(session, SYSTEM, "ADM-NEXT", world["schools"][S1])
    assert [(t.year_be, t.administration, t.n) for t in s.trend] == [(2568, "ADM-1", 2), (2569, "ADM-NEXT", 1)]
    assert s.trend[0].mean_percent == pytest.approx(100 * 7.5 / 9)


def test_indicator_mastery_and_the_four_level_result_of_trait_instruments(session, world, tmp_path):
    s = school_results(session, SYSTEM, "ADM-1", world["schools"][S1])
    # ค 1.1 ป.6/1 holds the 1st, 3rd and 5th items: 10001 has all three, 10002 misses the 1st (2/3 ≥ 0.6)
    assert s.school.indicator_mastery["ค 1.1 ป.6/1"] == 1.0
    assert s.school.indicator_percent["ค 1.1 ป.6/1"] == pytest.approx(100 * 5 / 6)
    create_administration(session, SYSTEM, "ADM-4", "คุณลักษณะ", "F-1", year_be=2568, term=2, release_at=NOW,
                          results_release_at=NOW, settings={"result_scale": "trait4"})
    import_answers(session, SYSTEM, "ADM-4", S1, answers_csv(tmp_path, [
        ("10001", "A", _form_cells(session, "A", ["ก", "ข", "ค", "ง", "ก", "ข", "กค", "2"])),
        ("10002", "A", _form_cells(session, "A", ["ก", "ข", "ค", "ง", "", "", "", "2"]))], name="t4.csv"))
    rows = {r[1]: r[10] for r in export_scores(session, SYSTEM, "ADM-4").rows}
    assert rows == {"10001": "ดีเยี่ยม", "10002": "ดี"}  # 100 % and 6/9 = 67 %


def test_province_and_nation_figures_stand_beside_the_school_and_district(session, world):
    from scoring.warehouse import enter_reference

    enter_reference(session, SYSTEM, "ADM-1", "nation", 41.5, sd=12.0, n=300000)
    s = school_results(session, SYSTEM, "ADM-1", world["schools"][S1])
    assert s.references["nation"].mean_percent == 41.5 and s.references["nation"].n == 300000
    assert "nation" in district_results(session, SYSTEM, "ADM-1").references
    with pytest.raises(Exception, match="0 ถึง 100"):
        enter_reference(session, SYSTEM, "ADM-1", "province", 140)


def test_closing_stores_final_district_percentile_ranks(session, world):
    from sqlalchemy import select

    from scoring.administrations import close_administration
    from scoring.models import StudentScore

    assert set(session.scalars(select(StudentScore.percentile))) == {None}
    close_administration(session, SYSTEM, "ADM-1")
    assert sorted(session.scalars(select(StudentScore.percentile))) == [25.0, 75.0]

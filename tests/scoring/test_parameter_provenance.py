"""Parameter sets are versioned so scoring and assembly say which set they used: θ is estimated with the newest
set of the administration's scale that holds every scored item (stored with each score, named in the export),
and a frozen form records the sets its items' parameters came from (`khlang forms show`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from click.testing import CliRunner
from scoring_world import ITEM_CODES, SCHOOLS, SYSTEM, answers_csv, make_world, roster_csv
from sqlalchemy import select
from test_scoring import _form_cells

from itembank.parameter_sets import ParameterRow, create_parameter_set
from itembank.service import get_version
from itembank.statistics import StatisticInput, record_statistics
from scoring.administrations import create_administration
from scoring.exports import COLUMNS, STATISTICS_TH, export_scores
from scoring.models import StudentScore
from scoring.rescoring import recompute_scores
from scoring.rosters import import_roster
from scoring.uploads import import_answers
from testgen.forms import freeze_items, get_form
from web.cli import cli

NOW = dt.datetime.now(dt.UTC)
SCORED = ITEM_CODES[:7]  # the 2-point rubric item is dropped: θ needs dichotomous items


@pytest.fixture
def world(session, tmp_path):
    make_world(session)
    import_roster(session, SYSTEM, SCHOOLS[0], roster_csv(tmp_path), 2568)
    ids = [get_version(session, c).id for c in SCORED]
    rng = np.random.default_rng(7)
    record_statistics(session, SYSTEM, "pilot", [
        StatisticInput(version_id=v, n=500, irt_model="2pl", a=float(rng.uniform(0.8, 1.5)), b=float(rng.normal()))
        for v in ids])
    create_administration(session, SYSTEM, "ADM-T", "ทดสอบ", "F-1", year_be=2568, term=2, grade="ป.6",
                          release_at=NOW, results_release_at=NOW, settings={"cancelled": {ITEM_CODES[7]: "drop"}})
    import_answers(session, SYSTEM, "ADM-T", SCHOOLS[0], answers_csv(tmp_path, [
        ("10001", "A", _form_cells(session, "A", ["ก", "ข", "ค", "ง", "ก", "ข", "กค", ""])),
        ("10002", "A", _form_cells(session, "A", ["ก", "ข", "ค", "", "", "", "", ""]))], name="t.csv"))
    return ids


def _export(session):
    table = export_scores(session, SYSTEM, "ADM-T")
    col = COLUMNS.index("ชุดพารามิเตอร์")
    return {r[1]: (r[12], r[col]) for r in table.rows}, table.notes


def test_theta_from_the_statistics_says_so(session, world):
    rows, notes = _export(session)
    assert {name for _, name in rows.values()} == {STATISTICS_TH}
    assert all(theta is not None for theta, _ in rows.values())
    assert any(STATISTICS_TH in n for n in notes)
    assert set(session.scalars(select(StudentScore.parameter_set_id))) == {None}


def test_theta_is_estimated_with_the_newest_set_of_the_scale_and_names_it(session, world):
    before, _ = _export(session)
    easier = [ParameterRow(v, "2pl", a=1.0, b=-1.5) for v in world]
    create_parameter_set(session, SYSTEM, "district-ป.6", "admin:OLD", "2pl", easier[:3])  # holds 3 items only
    other = create_parameter_set(session, SYSTEM, "district-ป.5", "admin:P5", "2pl", easier)  # another scale
    ps = create_parameter_set(session, SYSTEM, "district-ป.6", "admin:ADM-0", "2pl", easier)
    recompute_scores(session, SYSTEM, "ADM-T")
    assert set(session.scalars(select(StudentScore.parameter_set_id))) == {ps.id} != {other.id}
    rows, notes = _export(session)
    assert {name for _, name in rows.values()} == {"district-ป.6@v2"}
    assert f"district-ป.6@v2 (id {ps.id})" in notes[-1]
    assert rows["10001"][0] != pytest.approx(before["10001"][0], abs=1e-3)  # the set's parameters, not the pilot's
    later = create_parameter_set(session, SYSTEM, "district-ป.6", "admin:ADM-T", "2pl",
                                 [ParameterRow(v, "2pl", a=1.2, b=0.5) for v in world])
    recompute_scores(session, SYSTEM, "ADM-T")
    assert set(session.scalars(select(StudentScore.parameter_set_id))) == {later.id}
    assert {name for _, name in _export(session)[0].values()} == {"district-ป.6@v3"}


def test_a_frozen_form_records_the_parameter_sets_behind_its_items(session, world, db_url, tmp_path):
    from itembank.statistics import record_statistics as record

    calibrated = [StatisticInput(version_id=v, n=900, irt_model="2pl", a=1.1, b=0.2) for v in world[:5]]
    record(session, SYSTEM, "admin:ADM-X", calibrated)
    ps = create_parameter_set(session, SYSTEM, "district-ป.6", "admin:ADM-X", "2pl",
                              [ParameterRow(s.version_id, "2pl", a=1.1, b=0.2) for s in calibrated])
    freeze_items(session, SYSTEM, "F-2", "ฉบับที่สอง", list(ITEM_CODES))
    found = get_form(session, SYSTEM, "F-2").provenance["parameters"]
    assert found["parameter_sets"] == [{"id": ps.id, "ref": "district-ป.6@v1", "n_items": 5}]
    assert found["other_sources"] == ["pilot"] and found["n_items"] == 8 and found["n_in_sets"] == 5
    session.commit()
    out = CliRunner().invoke(cli, ["--instance", str(tmp_path / "i"), "forms", "show", "F-2"],
                             env={"DATABASE_URL": db_url})
    assert out.exit_code == 0, out.output
    assert f"ชุดพารามิเตอร์: district-ป.6@v1 (id {ps.id}, 5); ค่าสถิติที่ไม่อยู่ในชุดใด: pilot" in out.output

"""The join to the score warehouse: real uploads scored into scoring.warehouse, read by WarehouseResults."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "scoring"))  # the scoring tests' world of two schools

from reports_world import answered_world  # noqa: E402
from scoring_world import SCHOOLS  # noqa: E402
from test_uploads import key_cells  # noqa: E402

from itembank.authz import Actor  # noqa: E402
from supervision.qa import QaRow, qa_summary, save_qa_ratings  # noqa: E402
from supervision.results import WarehouseResults  # noqa: E402


def test_year_results_come_from_the_warehouse(session, tmp_path):
    world = answered_world(session, tmp_path, key_cells)
    year = WarehouseResults().year_results(session, Actor.system(), 2568)
    assert [a.code for a in year.administrations] == ["ADM-1"]
    line = year.administrations[0]
    assert line.n == 80 and 0 < line.mean_percent < 100
    means = year.school_means()
    assert set(means) == {world["schools"][c] for c in SCHOOLS}
    assert sum(line.quality_shares.values()) == pytest.approx(100.0)
    assert WarehouseResults().year_results(session, Actor.system(), 2567).administrations == ()


def test_qa_summary_puts_results_beside_the_self_rating(session, tmp_path):
    world = answered_world(session, tmp_path, key_cells)
    save_qa_ratings(session, Actor.system(), [QaRow(SCHOOLS[0], 2568, "1.1", 5), QaRow(SCHOOLS[1], 2568, "1", 3)])
    summary = qa_summary(session, Actor.system(), 2568)
    rows = {r.school_code: r for r in summary.schools}
    assert rows[SCHOOLS[0]].result_percent is not None and rows[SCHOOLS[1]].result_percent is not None
    assert summary.mismatches == ()  # two schools are too few for a quartile: nobody is flagged
    assert world["schools"][SCHOOLS[0]] in WarehouseResults().year_results(session, Actor.system(), 2568).school_means()

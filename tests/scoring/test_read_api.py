"""The read API other parts build on: an administration with no answers yet reads as empty."""

from __future__ import annotations

import numpy as np
from scoring_world import SYSTEM, make_world

from scoring.responses import load_scored_matrix
from scoring.warehouse import district_results, school_results


def test_an_administration_without_answers_reads_as_empty_matrix_and_results(session):
    world = make_world(session)
    m = load_scored_matrix(session, SYSTEM, world["admin"])
    assert m.scores.shape == (0, 8) and m.codes.dtype == np.int16
    assert m.kinds == ["single"] * 6 + ["multi", "rubric"] and m.keys[6] == (0, 2)
    assert list(m.max_points) == [1.0] * 7 + [2.0]
    d = district_results(session, SYSTEM, world["admin"])
    assert d.district.n == 0 and d.schools == () and d.trend[0].administration == "ADM-1"
    s = school_results(session, SYSTEM, world["admin"], world["schools"]["1040120001"])
    assert s.school.n == 0 and s.grade == "ป.6" and s.year_be == 2568

"""The scoring world with answers: 2 schools × 40 students simulated from abilities, uploaded through the service."""

from __future__ import annotations

import numpy as np
from scoring_world import SCHOOLS, SYSTEM, answers_csv, make_world, roster_csv

from scoring.rosters import import_roster
from scoring.uploads import import_answers

N_PER_SCHOOL = 40


def answered_world(session, tmp_path, key_cells, *, seed: int = 4) -> dict:
    """make_world, rosters and one answer file per school (variant A), abilities N(0, 1)."""
    world = make_world(session)
    rng = np.random.default_rng(seed)
    key = key_cells(session, "A")
    for s, code in enumerate(SCHOOLS, start=1):
        import_roster(session, SYSTEM, code, roster_csv(tmp_path, N_PER_SCHOOL, school=s, name=f"r{s}.csv"), 2568)
        rows = []
        for k in range(1, N_PER_SCHOOL + 1):
            theta = rng.normal(0.3 if s == 1 else -0.2, 1)
            cells = []
            for j, right in enumerate(key):
                p = 1 / (1 + np.exp(-1.3 * (theta - (j - 3.5) / 3)))
                if right.isdigit():  # rubric points
                    cells.append(str(int(rng.random() < p) + int(rng.random() < p)))
                elif rng.random() < p:
                    cells.append(right)
                else:
                    cells.append(next(o for o in "กขคง" if o not in right))
            rows.append((f"{s}{k:04d}", "A", cells))
        import_answers(session, SYSTEM, "ADM-1", code, answers_csv(tmp_path, rows, name=f"a{s}.csv"))
    return world

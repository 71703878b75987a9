"""Small item pools for the assembler tests (fast: tens of items, short time limits)."""

from __future__ import annotations

import numpy as np

from psychometrics.irt.models import ItemParameters
from testgen.assembler import ItemPool

AREAS = ("ท", "ค")
LEVELS = ("knowledge", "application", "analysis")


def build_pool(n: int = 60, seed: int = 1, *, n_sets: int = 0, set_size: int = 3, enemies: int = 0,
               **extra) -> ItemPool:
    """`n` 2PL/3PL items over 2 areas × 3 levels, with times, points, p and r, optional sets and enemies."""
    rng = np.random.default_rng(seed)
    area = [AREAS[i % 2] for i in range(n)]
    level = [LEVELS[(i // 2) % 3] for i in range(n)]
    a = rng.uniform(0.6, 2.0, n)
    b = rng.normal(0, 1, n)
    c = np.where(rng.random(n) < 0.5, rng.uniform(0.1, 0.25, n), 0.0)
    params = ItemParameters.dichotomous(a, b, c, model=["3pl" if x > 0 else "2pl" for x in c],
                                        item_ids=[f"I{i:03d}" for i in range(n)])
    set_ids = [""] * n
    order = np.zeros(n, dtype=int)
    for s in range(n_sets):  # set s holds items of one area at positions n-1-s*set_size ...
        for k in range(set_size):
            i = n - 1 - s * set_size * 2 - 2 * k
            set_ids[i] = f"S{s}"
            order[i] = k
    pairs = [(2 * k, 2 * k + 4) for k in range(enemies)]
    kw = dict(
        item_ids=tuple(f"I{i:03d}" for i in range(n)),
        tags={"area": [(x,) for x in area], "level": [(x,) for x in level]},
        quantities={"time": rng.integers(40, 120, n).astype(float), "points": np.ones(n)},
        parameters=params,
        p_value=rng.uniform(0.2, 0.9, n),
        discrimination=rng.uniform(0.05, 0.6, n),
        set_ids=tuple(set_ids),
        set_order=order,
        enemies=np.array(pairs, dtype=int).reshape(-1, 2),
    )
    kw.update(extra)
    return ItemPool(**kw)



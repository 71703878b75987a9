#!/usr/bin/env python3
"""`khlang analysis run` speed (issue 10, "Speed"): 40,000 × 60 from the store, goal ≤ 10 s.

    .venv/bin/python benchmarks/analysis.py                               # SQLite and PostgreSQL
    .venv/bin/python benchmarks/analysis.py --databases sqlite --schools 40

Setup (not timed, shared with benchmarks/ingest.py): a fresh database, a 60-item ป.6 form with two
variants and pilot 2PL parameters, an administration and 400 schools × 100 students whose answers are
simulated from the 2PL parameters and uploaded through :func:`scoring.uploads.import_answers`.

Timed: :func:`scoring.analysis.run_analysis` as ``khlang analysis run`` calls it (read and key the
responses from the store, CTT with the distractor table, 2PL on the pilot's fixed anchors, EAP θ and
infit/outfit, Mantel–Haenszel DIF by sex and school size, write-back of statistics, parameter set and
review tasks), with its parts. Peer on the same matrix in the same run: girth's ``twopl_mml`` (the
calibration part alone; girth has no CTT, fit or DIF), beside Khlang's own calibration time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ingest  # noqa: E402  (benchmarks/ingest.py: fresh_database, seed, simulate_file)

GOAL_S = 10.0


def bench(kind: str, n_schools: int, per_school: int, folder: Path) -> dict[str, float]:
    from itembank.store import Store
    from scoring.analysis import run_analysis
    from scoring.responses import load_scored_matrix
    from scoring.uploads import import_answers

    out: dict[str, float] = {}
    with ingest.fresh_database(kind, folder) as url:
        store = Store(url)
        try:
            t = time.perf_counter()
            world = ingest.seed(store, n_schools, per_school, folder)
            variants = ingest.variant_tables(store)
            rng = np.random.default_rng(11)
            ids = [f"{k:05d}" for k in range(per_school)]
            for k, code in enumerate(world["codes"][1:]):
                path = folder / f"{kind}-{k}.csv"
                ingest.simulate_file(path, ids, world, variants, rng)
                with store.session() as s:
                    import_answers(s, ingest.SYSTEM, "BENCH", code, path)
            print(f"  [{kind}] setup {time.perf_counter() - t:.1f} s", file=sys.stderr)
            with store.session() as s:
                t = time.perf_counter()
                res = run_analysis(s, ingest.SYSTEM, "BENCH")
                out["run_s"] = time.perf_counter() - t
            out.update({k: v for k, v in res["timings"].items() if k != "total_s"})
            out["n_persons"], out["n_items"] = res["n_persons"], res["n_items"]
            with store.read_session() as s:
                x = load_scored_matrix(s, ingest.SYSTEM, "BENCH").scores
            out["girth_s"] = girth_2pl(x)
        finally:
            store.dispose()
    return out


def girth_2pl(x: np.ndarray) -> float:
    """girth's 2PL MML on the same 0/1 matrix (items × persons, missing as girth's invalid code)."""
    try:
        from girth import twopl_mml
    except ImportError:
        return float("nan")
    data = np.where(np.isnan(x), 0, x).astype(int).T  # girth has no missing-data path in twopl_mml
    t = time.perf_counter()
    twopl_mml(data)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--databases", default="sqlite,postgresql")
    p.add_argument("--schools", type=int, default=400)
    p.add_argument("--per-school", type=int, default=100)
    args = p.parse_args(argv)
    rows = {}
    t = time.perf_counter()   # one-time imports of a fresh process, timed apart so both databases compare
    import psychometrics.ctt  # noqa: F401
    import psychometrics.dif  # noqa: F401
    import psychometrics.irt.calibration  # noqa: F401
    import scoring.analysis  # noqa: F401
    imports_s = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.databases.split(","):
            rows[kind] = bench(kind, args.schools, args.per_school, Path(tmp))
    kinds = list(rows)
    n = next(iter(rows.values()))
    print(f"khlang analysis run, {int(n['n_persons']):,} persons x {int(n['n_items'])} items "
          f"(goal <= {GOAL_S:g} s)")
    print(f"{'':34}" + "".join(f"{k:>14}" for k in kinds))
    labels = (("run_s", "analysis run, whole (s)"), ("read_s", "  read + key from the store"),
              ("ctt_s", "  CTT + distractors"), ("irt_s", "  2PL, fixed anchors (khlang)"),
              ("fit_s", "  EAP + infit/outfit"), ("dif_s", "  MH DIF sex + school size"),
              ("write_s", "  write-back"), ("girth_s", "peer: girth twopl_mml (s)"))
    for key, label in labels:
        print(f"{label:34}" + "".join(f"{rows[k].get(key, float('nan')):>14.2f}" for k in kinds))
    print(f"{'goal met':34}" + "".join(f"{'yes' if rows[k]['run_s'] <= GOAL_S else 'NO':>14}" for k in kinds))
    print(f"one-time imports of a fresh process (not in the rows above): {imports_s:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

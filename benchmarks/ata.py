"""Khlang's assembler on the ATA reference benchmark (../shared/bench/ata), beside the reference solvers.

    python benchmarks/ata.py --pool POOL.csv --blueprint TASK.json --out FORMS.csv [--time-limit S]
    python benchmarks/ata.py --suite [--time-limit-b 15] [--reference run|stored|none]

One task: reads the bench pool and blueprint, runs ``testgen.assembler.assemble``, writes
``form_id,item_id``, verifies the file with the bench's own ``check.py`` and prints the objective
and wall time beside the reference solvers (``solve.py``: HiGHS and CP-SAT on the same task, run
in a subprocess in the same run; ``--reference stored`` shows the stored results instead).
``--suite`` does tasks a500, a2000, a10000, b, c and d (10 forms from 10,000 items with c's
constraints); the 10,000-item pool and task d's blueprint are generated (byte-identically, by
the bench's own pool.py / solve.py) into a cache folder, since the bench folder is read-only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from psychometrics.irt.models import ItemParameters  # noqa: E402
from testgen.assembler import ItemPool, assemble  # noqa: E402
from testgen.blueprint import Blueprint, BlueprintRow, QuantityLimit, RelativeTarget, SetRule, TifTarget  # noqa: E402

BENCH = Path(os.environ.get("KHLANG_ATA_BENCH", ROOT.parent / "shared" / "bench" / "ata"))
CACHE = Path(tempfile.gettempdir()) / "khlang-ata"
LEVELS = ("knowledge", "application", "analysis")
SUITE = {  # task: (pool, blueprint, our time limit)
    "a500": ("pool_500.csv", "task_a.json", 10.0),
    "a2000": ("pool_2000.csv", "task_a.json", 10.0),
    "a10000": ("pool_10000.csv", "task_a.json", 10.0),
    "b": ("pool_2000.csv", "task_b.json", 15.0),
    "c": ("pool_2000.csv", "task_c.json", 15.0),
    "d": ("pool_10000.csv", "task_d.json", 60.0),
}


def read_pool(path: Path) -> ItemPool:
    """The bench pool CSV as an ItemPool (2PL/3PL, logistic metric with D = 1)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids = tuple(r["item_id"] for r in rows)
    pos = {k: i for i, k in enumerate(ids)}
    pairs = {tuple(sorted((i, pos[e]))) for i, r in enumerate(rows)
             for e in (r.get("enemy_ids") or "").split(";") if e}
    set_ids = tuple(r.get("set_id") or "" for r in rows)
    order: dict[str, int] = {}
    set_order = np.zeros(len(rows), dtype=int)
    for i, s in enumerate(set_ids):
        if s:
            set_order[i] = order.get(s, 0)
            order[s] = set_order[i] + 1
    params = ItemParameters.dichotomous(
        [float(r["a"]) for r in rows], [float(r["b"]) for r in rows], [float(r["c"] or 0) for r in rows],
        model=[r.get("model", "3PL").lower() for r in rows], item_ids=ids)
    return ItemPool(
        item_ids=ids,
        tags={"area": [(r["area"],) for r in rows], "level": [(r["cog_level"],) for r in rows],
              "indicator": [(r["indicator"],) for r in rows], "item_type": [(r["item_type"],) for r in rows]},
        quantities={"time": np.array([float(r["est_time_sec"]) for r in rows])},
        parameters=params, set_ids=set_ids, set_order=set_order,
        enemies=np.array(sorted(pairs), dtype=int).reshape(-1, 2))


def read_blueprint(path: Path, pool: ItemPool) -> Blueprint:
    """The bench blueprint JSON as a Khlang Blueprint (cells missing from `counts` must stay empty)."""
    bp = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for area, levels in bp["counts"].items():
        for lev, spec in levels.items():
            lo, hi = (spec[0], spec[1]) if isinstance(spec, list) else (int(spec), int(spec))
            rows.append(BlueprintRow(f"{area} {lev}", {"area": area, "level": lev}, lo, hi))
    present = {(a[0], v[0]) for a, v in zip(pool.tags["area"], pool.tags["level"], strict=True)}
    for area, lev in sorted(present):
        if lev not in bp["counts"].get(area, {}):
            rows.append(BlueprintRow(f"{area} {lev}", {"area": area, "level": lev}, 0, 0))
    obj = bp["objective"]
    theta = tuple(float(t) for t in obj["theta"])
    objective = (RelativeTarget(theta) if obj["type"] == "maximin"
                 else TifTarget(theta, tuple(float(t) for t in obj["target"])))
    amin = int(bp.get("anchor_min_per_area", 0) or 0)
    anchor_rows = tuple(BlueprintRow(f"ข้อสอบร่วม {a}", {"area": a}, amin) for a in bp["counts"]) if amin else ()
    tmax = bp.get("max_total_time_sec")
    return Blueprint(
        name=f"task {bp.get('task', Path(path).stem)}", rows=tuple(rows), test_length=int(bp["test_length"]),
        quantities=(QuantityLimit("time", max=float(tmax)),) if tmax else (), n_forms=int(bp["n_forms"]),
        anchor_count=int(bp.get("anchor_items", 0) or 0), anchor_rows=anchor_rows, max_overlap=0,
        enemies=bool(bp.get("enemies")),
        sets=SetRule(enforce=bool(bp.get("item_sets")), min_sets=int(bp.get("min_sets_per_form", 0) or 0)),
        objective=objective)


def run_khlang(pool_path: Path, bp_path: Path, out: Path, time_limit: float, seed: int, workers: int | None) -> dict:
    t0 = time.perf_counter()
    pool = read_pool(pool_path)
    blueprint = read_blueprint(bp_path, pool)
    t_read = time.perf_counter() - t0
    res = assemble(pool, blueprint, time_limit=time_limit, seed=seed, workers=workers)
    wall = time.perf_counter() - t0
    with open(out, "w", newline="", encoding="utf-8") as fh:
        fh.write("form_id,item_id\n")
        for f, items in enumerate(res.forms):
            for iid in items:
                fh.write(f"F{f + 1},{iid}\n")
    return {"objective": res.objective, "wall_s": wall, "read_s": t_read, "assemble_s": res.seconds,
            "status": res.status, "log": list(res.log), "solver": res.solver}


def run_check(pool_path: Path, bp_path: Path, forms: Path) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        report = tmp.name
    proc = subprocess.run([sys.executable, str(BENCH / "check.py"), str(pool_path), str(bp_path), str(forms),
                           "--json", report], capture_output=True, text=True, check=False)
    rep = json.loads(Path(report).read_text())
    os.unlink(report)
    return {"valid": proc.returncode == 0 and rep["valid"], "violations": rep["violations"],
            "objective": rep.get("objective", {}).get("value")}


def ensure_cache() -> Path:
    """A bench-shaped folder with the stored pools, the generated 10,000-item pool and task d's blueprint."""
    (CACHE / "pools").mkdir(parents=True, exist_ok=True)
    (CACHE / "blueprints").mkdir(parents=True, exist_ok=True)
    for p in (BENCH / "pools").glob("*.csv"):
        if not (CACHE / "pools" / p.name).exists():
            (CACHE / "pools" / p.name).symlink_to(p)
    if not (CACHE / "pools" / "pool_10000.csv").exists():
        subprocess.run([sys.executable, str(BENCH / "pool.py"), "--sizes", "10000", "--outdir",
                        str(CACHE / "pools")], check=True, cwd=BENCH)
    code = ("import json,sys; sys.path.insert(0, {!r}); import solve; "
            "[open({!r} + '/' + k + '.json', 'w').write(json.dumps(v, indent=2, ensure_ascii=False) + '\\n') "
            "for k, v in solve.BLUEPRINTS.items()]").format(str(BENCH), str(CACHE / "blueprints"))
    if not (CACHE / "blueprints" / "task_d.json").exists():
        subprocess.run([sys.executable, "-c", code], check=True, cwd=BENCH)
    return CACHE


def run_reference(task: str, solvers: str, time_limit: float) -> dict[str, dict]:
    """Run the bench's solve.py on `task` in a subprocess (HiGHS and OR-Tools cannot share a process)."""
    cache = ensure_cache()
    out = Path(tempfile.mkdtemp(prefix="khlang-ata-ref-"))
    code = (f"import sys; sys.path.insert(0, {str(BENCH)!r}); import solve; solve.HERE = {str(cache)!r}; "
            f"solve.main(['run', '--tasks', {task!r}, '--solvers', {solvers!r}, '--reps', '1', '--time-limit', {str(time_limit)!r}, '--out', {str(out)!r}])")
    subprocess.run([sys.executable, "-c", code], check=False, cwd=BENCH, capture_output=True, text=True)
    found = {}
    for p in out.glob(f"{task}.*.json"):
        r = json.loads(p.read_text())
        found[r["solver"]] = {"objective": r["median_objective"], "wall_s": r["median_wall_s"],
                              "status": ",".join(sorted({x["status"] for x in r["runs"]})),
                              "valid": r["all_valid"]}
    return found


def stored_reference(task: str) -> dict[str, dict]:
    found = {}
    for p in (BENCH / "results").glob(f"{task}.*.json"):
        r = json.loads(p.read_text())
        found[r["solver"] + " (stored)"] = {"objective": r["median_objective"], "wall_s": r["median_wall_s"],
                                            "status": ",".join(sorted({x["status"] for x in r["runs"]})),
                                            "valid": r["all_valid"]}
    return found


def task_paths(pool: str, blueprint: str) -> tuple[Path, Path]:
    cache = ensure_cache()
    return cache / "pools" / pool, cache / "blueprints" / blueprint


def report_line(name: str, r: dict) -> str:
    obj = "–" if r.get("objective") is None else f"{r['objective']:.4f}"
    return f"  {name:22s} objective {obj:>8s}   wall {r['wall_s']:7.2f} s   {r.get('status', '')}  valid {r.get('valid')}"


def one(task: str, pool_path: Path, bp_path: Path, out: Path, time_limit: float, args) -> dict:
    print(f"task {task}: {pool_path.name} + {bp_path.name}, time limit {time_limit:g} s", flush=True)
    ours = run_khlang(pool_path, bp_path, out, time_limit, args.seed, args.workers)
    chk = run_check(pool_path, bp_path, out)
    ours.update(valid=chk["valid"], check_objective=chk["objective"])
    print(report_line("khlang", ours), flush=True)
    if chk["violations"]:
        for v in chk["violations"][:10]:
            print("    VIOLATION", v)
    refs = {}
    if args.reference == "run" and task == "d" and not args.ref_d:
        print("  (reference solvers on d are skipped: their LP bound alone can take minutes; --ref-d runs them)")
    elif args.reference == "run":
        refs = run_reference(task, args.ref_solvers, args.ref_time_limit)
    elif args.reference == "stored":
        refs = stored_reference(task)
    for name, r in sorted(refs.items()):
        print(report_line(name, r), flush=True)
    return {"task": task, "khlang": ours, "reference": refs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pool", type=Path)
    ap.add_argument("--blueprint", type=Path)
    ap.add_argument("--out", type=Path, default=Path("forms.csv"))
    ap.add_argument("--time-limit", type=float, default=None, help="seconds for Khlang (suite: per-task defaults)")
    ap.add_argument("--suite", action="store_true", help="tasks a500, a2000, a10000, b, c, d")
    ap.add_argument("--tasks", default=",".join(SUITE), help="with --suite: which tasks")
    ap.add_argument("--reference", choices=("run", "stored", "none"), default="run")
    ap.add_argument("--ref-solvers", default="highs,cpsat")
    ap.add_argument("--ref-time-limit", type=float, default=60.0)
    ap.add_argument("--ref-d", action="store_true", help="also run the reference solvers on task d")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None, help="CP-SAT workers (default: cores, ≤ 8)")
    ap.add_argument("--json", type=Path, help="write all figures here")
    args = ap.parse_args(argv)
    results = []
    if args.suite:
        outdir = Path(tempfile.mkdtemp(prefix="khlang-ata-forms-"))
        for task in args.tasks.split(","):
            pool, bp, tl = SUITE[task]
            pool_path, bp_path = task_paths(pool, bp)
            results.append(one(task, pool_path, bp_path, outdir / f"{task}.csv", args.time_limit or tl, args))
        print(f"forms written to {outdir}")
    else:
        if not (args.pool and args.blueprint):
            ap.error("--pool and --blueprint are needed (or --suite)")
        task = json.loads(args.blueprint.read_text()).get("task", "?")
        name = {"a": {"pool_500.csv": "a500", "pool_2000.csv": "a2000", "pool_10000.csv": "a10000"}
                .get(args.pool.name, "a")}.get(task, task)
        results.append(one(name, args.pool, args.blueprint, args.out, args.time_limit or 15.0, args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float))
    return 0 if all(r["khlang"]["valid"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

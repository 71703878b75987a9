#!/usr/bin/env python3
"""EAP scoring benchmark: Khlang vs Python mirt (and girth) on the same 2PL data, one run.

    .venv/bin/python benchmarks/ability.py                       # 1,000,000 × 60, all engines
    .venv/bin/python benchmarks/ability.py --persons 100000 --engines khlang,mirt

The data are the bench suite's `2pl_xlarge_s1` (../shared/bench/irt/gen.py, seed 1: 1,000,000 persons
× 60 items, true item parameters), generated once into a temporary .npy file. Each engine then runs
in a fresh Python process that loads the file, makes an untimed warm-up call on 200 rows, resets the
kernel's peak-RSS mark (/proc/self/clear_refs) and times the scoring call alone, as the bench
harness does for its peers. Printed side by side: wall and CPU seconds of the call, peak RSS during
the call and of the whole process, θ RMSE against the generating θ, the largest difference from
mirt's EAP, and the largest error against the exact EAP (the first 100,000 persons scored by Khlang
with a 2001-point rule in the parent process).

Engines: khlang (psychometrics.irt.ability defaults: 61 equally spaced points over ±6 SD, as R mirt),
khlang-gh49 (Gauss–Hermite, 49 nodes: mirt's rule and size, like for like), mirt (fscores EAP, its
default 49 Gauss–Hermite nodes, item parameters fixed at the truth as in bench/irt/peers.py), girth
(ability_eap, 41 Gauss–Legendre points; optional, --engines to skip).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parents[2] / "shared" / "bench" / "irt"
ENGINES = ("khlang", "khlang-gh49", "mirt", "girth")
REFERENCE_ROWS = 100_000  # persons scored with a 2001-point rule for the accuracy column


# ----------------------------------------------------------------------------------------------------
# memory helpers (Linux)
# ----------------------------------------------------------------------------------------------------
def _status_mib(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


# ----------------------------------------------------------------------------------------------------
# worker: one engine in a fresh process
# ----------------------------------------------------------------------------------------------------
def _score_khlang(x, a, b, n_q, rule="grid"):
    from psychometrics.irt.ability import ability
    from psychometrics.irt.models import ItemParameters

    params = ItemParameters.dichotomous(a, b)

    def run(rows):
        return ability(params, rows, "eap", n_quadrature=n_q, quadrature_rule=rule).theta

    return run


def _score_khlang_hermite(x, a, b, n_q):
    return _score_khlang(x, a, b, n_q, "hermite")


def _score_mirt(x, a, b, _n_q):
    import mirt

    start = {"discrimination": a, "difficulty": b}
    fitted = mirt.fit_mirt(
        x[:500],
        model="2PL",
        start_values=start,
        fixed={k: True for k in start},
        compute_standard_errors=False,
    )

    def run(rows):
        return np.asarray(mirt.fscores(fitted, rows, method="EAP").theta, float).reshape(-1)

    return run


def _score_girth(x, a, b, _n_q):
    import girth
    from girth.utilities import INVALID_RESPONSE

    opts = girth.default_options()

    def run(rows):
        d = rows.T.astype(np.int64)
        d[d < 0] = INVALID_RESPONSE
        return np.asarray(girth.ability_eap(d, b, a, opts), float)

    return run


def worker(engine: str, data: str, out: str) -> int:
    stored = np.load(data)
    x, a, b = stored["x"], stored["a"], stored["b"]
    makers = {
        "khlang": (_score_khlang, 61),  # default: 61 equally spaced points over ±6 SD
        "khlang-gh49": (_score_khlang_hermite, 49),  # mirt's rule and size, like for like
        "mirt": (_score_mirt, 49),
        "girth": (_score_girth, 41),
    }
    maker, n_q = makers[engine]
    run = maker(x, a, b, n_q)
    run(x[:200].copy())  # warm-up (imports, JIT-free caches)
    load_peak = _status_mib("VmHWM")
    reset = _reset_peak()
    c0, t0 = _cpu(), time.perf_counter()
    theta = run(x)
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    peak_call = _status_mib("VmHWM") if reset else float("nan")
    np.save(out + ".theta.npy", theta)
    with open(out, "w") as fh:
        json.dump(
            {
                "engine": engine,
                "quadrature": n_q,
                "time_s": wall,
                "cpu_s": cpu,
                "peak_call_mib": peak_call,
                "peak_process_mib": max(load_peak, _status_mib("VmHWM")),
            },
            fh,
        )
    return 0


# ----------------------------------------------------------------------------------------------------
# parent
# ----------------------------------------------------------------------------------------------------
def make_data(n_persons: int, n_items: int, path: Path, bench_dir: Path) -> np.ndarray:
    sys.path.insert(0, str(bench_dir))
    from gen import generate  # the bench suite's seeded generator

    params, theta, x = generate("2pl", n_persons, n_items, seed=1)
    np.savez(path, x=x, a=params["a"], b=params["b"])
    return theta


def exact_eap(data: Path, rows: int) -> np.ndarray:
    """EAP of the first `rows` persons on a 2001-point grid (converged to ~1e-10 on 60 items)."""
    from psychometrics.irt.ability import ability
    from psychometrics.irt.models import ItemParameters

    stored = np.load(data)
    params = ItemParameters.dichotomous(stored["a"], stored["b"])
    return ability(params, stored["x"][:rows], "eap", n_quadrature=2001).theta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=60)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--timeout", type=int, default=300, help="seconds allowed per engine")
    ap.add_argument("--bench-dir", type=Path, default=BENCH_DIR, help="folder of the bench suite's gen.py")
    args = ap.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    with tempfile.TemporaryDirectory(prefix="khlang-bench-") as tmp:
        data = Path(tmp) / "data.npz"
        t0 = time.perf_counter()
        truth = make_data(args.persons, args.items, data, args.bench_dir)
        print(
            f"data: 2PL {args.persons:,} persons × {args.items} items (gen.py seed 1), "
            f"{time.perf_counter() - t0:.1f} s to generate; {os.cpu_count()} cores"
        )
        results = {}
        for engine in engines:
            out = str(Path(tmp) / f"{engine}.json")
            env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
            try:
                proc = subprocess.run(
                    [sys.executable, __file__, "_worker", engine, str(data), out],
                    capture_output=True,
                    text=True,
                    timeout=args.timeout,
                    env=env,
                )
            except subprocess.TimeoutExpired:
                results[engine] = {"engine": engine, "status": f"timeout after {args.timeout} s"}
                continue
            if proc.returncode != 0 or not Path(out).exists():
                tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["?"]
                results[engine] = {"engine": engine, "status": f"error: {tail[0][:80]}"}
                continue
            with open(out) as fh:
                rec = json.load(fh)
            rec["theta"] = np.load(out + ".theta.npy")
            rec["status"] = "ok"
            results[engine] = rec
        ref = results.get("mirt", {}).get("theta")
        exact = exact_eap(data, REFERENCE_ROWS)
        header = (
            f"{'engine':<12}{'nodes':>6}{'time s':>9}{'cpu s':>8}{'peak MiB':>10}{'proc MiB':>10}"
            f"{'θ RMSE':>9}{'max|Δ| vs mirt':>16}{'max err vs exact':>18}  status"
        )
        print(header)
        print("-" * len(header))
        for engine in engines:
            r = results[engine]
            if r["status"] != "ok":
                print(
                    f"{engine:<12}{'':>6}{'':>9}{'':>8}{'':>10}{'':>10}{'':>9}{'':>16}{'':>18}  {r['status']}"
                )
                continue
            rmse = float(np.sqrt(np.mean((r["theta"] - truth) ** 2)))
            diff = f"{np.max(np.abs(r['theta'] - ref)):.2e}" if ref is not None else "–"
            error = np.max(np.abs(r["theta"][: exact.size] - exact))
            print(
                f"{engine:<12}{r['quadrature']:>6}{r['time_s']:>9.3f}{r['cpu_s']:>8.2f}{r['peak_call_mib']:>10.0f}"
                f"{r['peak_process_mib']:>10.0f}{rmse:>9.4f}{diff:>16}{error:>18.2e}  ok"
            )
        if (
            "khlang" in results
            and "mirt" in results
            and results["khlang"]["status"] == results["mirt"]["status"] == "ok"
        ):
            k, mi = results["khlang"], results["mirt"]
            ratio, cpu_ratio = mi["time_s"] / k["time_s"], mi["cpu_s"] / k["cpu_s"]
            met = ratio >= 2 and k["peak_process_mib"] <= 1024
            print(
                f"khlang (61-point grid) is {ratio:.2f}× mirt (49 Gauss–Hermite nodes) in wall time, "
                f"{cpu_ratio:.2f}× in CPU time; peak {k['peak_process_mib']:.0f} MiB vs {mi['peak_process_mib']:.0f} MiB. "
                f"Goal (≥ 2× mirt, ≤ 1 GiB): {'met' if met else 'NOT met'}"
            )
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        sys.exit(worker(*sys.argv[2:5]))
    sys.exit(main())

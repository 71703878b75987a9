#!/usr/bin/env python3
"""How quickly the command line answers, beside `python -c "import sqlalchemy, flask"` in the same run.

    .venv/bin/python benchmarks/cli.py                       # seeds a demo instance in a temporary folder
    .venv/bin/python benchmarks/cli.py --instance instance   # an instance that is already seeded
    .venv/bin/python benchmarks/cli.py --runs 9 --skip-calibrate

Every figure is the median wall time of `--runs` (at least 7) runs, each a fresh process, on this
machine now (its load average is printed: the goals hold on an idle machine):

- the peer line: ``python -c "import sqlalchemy, flask"``, what any Flask + SQLAlchemy command pays
  (each row also as a multiple of it, which moves less than seconds when the machine is busy);
- ``khlang --help`` (goal ≤ 0.15 s), and which of sqlalchemy, sqlmodel, numpy, scipy, flask it loaded
  (``-X importtime``: it should load none);
- ``khlang bank list`` on a seeded demo instance (goal ≤ 0.6 s); without ``--instance`` one is seeded
  with ``khlang --instance DIR demo seed`` in a temporary folder (a minute or so);
- ``khlang irt calibrate`` of a 20,000 × 60 2PL response file (numpy, seeded; kept in
  benchmarks/data/) as a whole command, against its own fit time from the ``.meta.json``
  (``time_fit_s``): goal whole ≤ 2 × fit, so start-up and CSV reading do not dominate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
KHLANG = Path(sys.executable).with_name("khlang")
HEAVY = ("sqlalchemy", "sqlmodel", "numpy", "scipy", "flask")


def _env() -> dict[str, str]:
    """This environment without a database or instance chosen elsewhere: --instance decides."""
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("KHLANG_")}


def run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def timed(cmd: list[str], cwd: Path, runs: int) -> list[float]:
    """Wall times of `runs` fresh processes of `cmd`, after one untimed run (disk cache warm)."""
    run(cmd, cwd)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        run(cmd, cwd)
        times.append(time.perf_counter() - t0)
    return times


def loaded_by_help(cwd: Path) -> list[str]:
    """The heavy top-level packages `khlang --help` imports (from ``-X importtime``)."""
    done = run([sys.executable, "-X", "importtime", str(KHLANG), "--help"], cwd)
    names = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    return sorted(names & set(HEAVY))


def responses_csv(n_persons: int, n_items: int, seed: int = 2569) -> Path:
    """A 2PL response file (persons × items, 0/1), made once with a seeded rng and kept in benchmarks/data/."""
    import numpy as np

    path = DATA / f"cli_2pl_{n_persons}x{n_items}_s{seed}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=(n_persons, 1))
    a, b = rng.uniform(0.7, 2.0, n_items), rng.normal(0.0, 1.0, n_items)
    x = (rng.random((n_persons, n_items)) < 1 / (1 + np.exp(-a * (theta - b)))).astype(int)
    DATA.mkdir(parents=True, exist_ok=True)
    lines = ["person_id," + ",".join(f"I{j + 1}" for j in range(n_items))]
    lines += [f"P{i + 1}," + ",".join(map(str, row)) for i, row in enumerate(x.tolist())]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def calibrations(csv: Path, out_dir: Path, runs: int) -> tuple[list[float], list[float]]:
    """Whole-command wall times and the fit times the command wrote in its .meta.json."""
    out = out_dir / "params.csv"
    cmd = [str(KHLANG), "irt", "calibrate", str(csv), "--model", "2pl", "--out", str(out)]
    whole, fit = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        run(cmd, out_dir)
        whole.append(time.perf_counter() - t0)
        fit.append(float(json.loads(Path(f"{out}.meta.json").read_text(encoding="utf-8"))["time_fit_s"]))
    return whole, fit


def row(what: str, times: list[float], peer: list[float], goal: str = "", met: bool | None = None) -> tuple[str, ...]:
    """One line: median, spread, the median as a multiple of the peer's (steadier than seconds under load)."""
    spread = f"{min(times):.3f}–{max(times):.3f}"
    verdict = "" if met is None else ("met" if met else "NOT met")
    ratio = statistics.median(times) / statistics.median(peer)
    return what, f"{statistics.median(times):.3f}", spread, f"{ratio:.2f}", goal, verdict


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: Thai vowel and tone marks (Mn) take none."""
    return sum(0 if unicodedata.category(c) == "Mn" else 1 for c in text)


def print_table(rows: list[tuple[str, ...]]) -> None:
    header = ("what", "median s", "min–max s", "× peer", "goal", "")
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)).rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per row, each a fresh process (at least 7)")
    parser.add_argument("--instance", type=Path, default=None, help="a seeded instance folder (default: seed one)")
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--skip-calibrate", action="store_true", help="leave out the calibration row")
    args = parser.parse_args()
    if args.runs < 7:
        parser.error("--runs: at least 7 (the figures are medians)")
    if not KHLANG.exists():
        parser.error(f"{KHLANG} not found: run scripts/setup.sh first")

    with tempfile.TemporaryDirectory(prefix="khlang-cli-bench-") as tmp:
        work = Path(tmp)
        instance = args.instance.resolve() if args.instance else work / "instance"
        if not (args.instance and instance.exists()):
            print(f"seeding a demo instance in {instance} …", file=sys.stderr)
            run([str(KHLANG), "--instance", str(instance), "demo", "seed"], work, timeout=1800)
        listing = run([str(KHLANG), "--instance", str(instance), "bank", "list"], work).stdout.splitlines()[0]

        peer = timed([sys.executable, "-c", "import sqlalchemy, flask"], work, args.runs)
        help_ = timed([str(KHLANG), "--help"], work, args.runs)
        heavy = loaded_by_help(work)
        bank = timed([str(KHLANG), "--instance", str(instance), "bank", "list"], work, args.runs)
        rows = [row('python -c "import sqlalchemy, flask" (peer)', peer, peer),
                row("khlang --help", help_, peer, "≤ 0.15", statistics.median(help_) <= 0.15),
                row(f"khlang bank list ({listing})", bank, peer, "≤ 0.60", statistics.median(bank) <= 0.6)]
        if not args.skip_calibrate:
            csv = responses_csv(args.persons, args.items)
            whole, fit = calibrations(csv, work, args.runs)
            limit = 2 * statistics.median(fit)
            label = f"2PL {args.persons:,} × {args.items}"
            rows += [row(f"khlang irt calibrate {label}: whole command", whole, peer, f"≤ 2 × fit = {limit:.3f}",
                         statistics.median(whole) <= limit),
                     row(f"khlang irt calibrate {label}: fit (.meta.json time_fit_s)", fit, peer)]

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"Khlang command line, {args.runs} fresh processes per row; {os.cpu_count()} CPUs, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (the goals are for an idle machine)")
    print_table(rows)
    print(f"khlang --help loaded: {', '.join(heavy) if heavy else 'none of ' + ', '.join(HEAVY)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Reports from the warehouse (issue 10, "Speed"): every school's report of an administration as PDF
(goal ≤ 60 s for 30 schools) and the district report (goal ≤ 10 s), as the whole commands a user runs.

    .venv/bin/python benchmarks/reports.py                       # seeds a demo instance in a temporary folder
    .venv/bin/python benchmarks/reports.py --instance instance   # an instance already seeded by `khlang demo seed`

Each row is the wall time of one fresh process (`khlang reports all|district ...`, imports included), with
the CPU time of that process and the machine's load average; the files written are checked (every school's
PDF is there, each starts with %PDF). No peer product writes these reports from the same data, so there is
no peer row; the demo's last-year administration (30 schools, ป.6 mathematics) is the data.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KHLANG = Path(sys.executable).with_name("khlang")
ADMINISTRATION = "P6-MA-2568"


def run(instance: Path, *args: str) -> tuple[float, float, str]:
    """Wall and CPU seconds of one `khlang --instance INSTANCE ARGS` process, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([str(KHLANG), "--instance", str(instance), *args], cwd=ROOT, capture_output=True, text=True,
                       env=dict(os.environ, PYTHONUNBUFFERED="1"))
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode:
        raise SystemExit(f"khlang {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), p.stdout + p.stderr


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instance", type=Path, help="an instance folder seeded by `khlang demo seed`")
    ap.add_argument("--administration", default=ADMINISTRATION)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="khlang-reports-") as tmp:
        instance = args.instance
        if instance is None:
            instance = Path(tmp) / "instance"
            print("seeding the demo district (khlang demo seed) …", flush=True)
            run(instance, "demo", "seed")
        out = Path(tmp) / "all"
        load0 = os.getloadavg()[0]
        rows = []
        wall, cpu, _ = run(instance, "reports", "all", args.administration, "--format", "pdf", "--out", str(out))
        pdfs = sorted(out.rglob("*.pdf"))
        bad = [p.name for p in pdfs if not p.read_bytes().startswith(b"%PDF")]
        rows.append((f"every school's report, PDF ({len(pdfs)} files)", wall, cpu, 60.0, not bad and len(pdfs) >= 30))
        district = Path(tmp) / "district.pdf"
        wall, cpu, _ = run(instance, "reports", "district", args.administration, "--format", "pdf",
                           "--out", str(district))
        rows.append(("district report, PDF", wall, cpu, 10.0, district.read_bytes().startswith(b"%PDF")))
        wall, cpu, _ = run(instance, "reports", "district", args.administration, "--format", "docx",
                           "--out", str(Path(tmp) / "district.docx"))
        rows.append(("district report, DOCX", wall, cpu, 10.0, True))
        print(f"\nreports of {args.administration} (issue 10, Speed): whole commands, each a fresh process")
        print(f"{'figure':44}{'wall s':>9}{'cpu s':>9}{'goal s':>9}  result")
        for name, wall, cpu, goal, ok in rows:
            print(f"{name:44}{wall:9.2f}{cpu:9.2f}{goal:9.0f}  {'met' if ok and wall <= goal else 'NOT MET'}")
        print(f"machine: {os.cpu_count()} CPUs, load average {load0:.2f} before, {os.getloadavg()[0]:.2f} after "
              "(wall times grow with the load; CPU times move less)")
        print("peer: none (no other program writes these reports from this warehouse); the files were checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())

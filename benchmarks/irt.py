#!/usr/bin/env python3
"""Khlang's IRT engine next to its peers (Python mirt at 21 and 61 nodes, girth), same data, same run.

    .venv/bin/python benchmarks/irt.py                 # the issue-4 Speed table (several minutes)
    .venv/bin/python benchmarks/irt.py --quick         # smaller sizes, about a minute
    .venv/bin/python benchmarks/irt.py --rows grm,3pl  # some rows only
    .venv/bin/python benchmarks/irt.py --rows dif,dif-lr,rasch-small,rasch-large   # issue 15's DIF, CML rows

Data come from ../shared/bench/irt/gen.py (seeded) into benchmarks/data/ (gitignored). Every engine
runs in a fresh process: the peers through bench/irt/peers.py (untimed 300-row warm-up, then the
timed call, peak RSS of the call with the data resident), Khlang through this script's own worker
with the same protocol, and the "cold" row through the real `khlang irt calibrate` command
(wall time of the whole command: start-up, CSV parsing, fit, writing). Printed: one table,
work | peer | peer time | Khlang time | ratio (peer / Khlang) | a-RMSE | peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(os.environ.get("KHLANG_BENCH_IRT", ROOT.parent / "shared" / "bench" / "irt"))
DATA = ROOT / "benchmarks" / "data"
OUT = ROOT / "benchmarks" / "out" / "irt"
KHLANG = Path(sys.executable).with_name("khlang")

# key: (label, model, persons, items, categories, quick persons, mode, peers)
ROWS = {
    "2pl-large": ("2PL 100,000 x 100, 61 nodes", "2pl", 100_000, 100, 2, 20_000, "fit",
                  ("mirt", "mirt-q61")),
    "2pl-medium": ("2PL 20,000 x 60, cold process", "2pl", 20_000, 60, 2, 5_000, "cli",
                   ("mirt-cli", "mirt", "mirt-q61", "girth")),
    "3pl": ("3PL 20,000 x 60", "3pl", 20_000, 60, 2, 5_000, "fit", ("mirt", "mirt-q61")),
    "grm": ("GRM 20,000 x 20, 5 categories", "grm", 20_000, 20, 5, 5_000, "fit",
            ("mirt", "mirt-q61", "girth")),
    "eap": ("EAP scoring 1,000,000 x 60", "2pl", 1_000_000, 60, 2, 100_000, "score", ("mirt", "girth")),
    # issue 15: Rasch by conditional ML against R eRm's RM() (when Rscript with eRm is installed) and
    # Python mirt's Rasch (MML) on the same data; DIF against the targets (no Python peer)
    "rasch-small": ("Rasch CML 100 x 30", "1pl", 100, 30, 2, 100, "cml", ("erm", "mirt")),
    "rasch-large": ("Rasch CML 10,000 x 60", "1pl", 10_000, 60, 2, 2_000, "cml", ("erm", "mirt")),
    "dif": ("DIF 40,000 x 60", "2pl", 40_000, 60, 2, 10_000, "dif", ()),
    "dif-lr": ("IRT-LR DIF 20,000 x 60", "2pl", 20_000, 60, 2, 5_000, "dif-lr", ()),
}
DIF_TARGETS = {"time_mh_s": ("Mantel–Haenszel", 0.2), "time_mh_purified_s": ("Mantel–Haenszel, purified", 0.2),
               "time_logistic_s": ("logistic regression", 2.0), "time_irt_lr_s": ("IRT likelihood ratio, 2PL", 10.0)}


# ------------------------------------------------------------------------------------------------
# worker: one Khlang call in a fresh process, the harness's protocol
# ------------------------------------------------------------------------------------------------
def worker(spec_path: str) -> int:
    sys.path.insert(0, str(BENCH))
    from benchio import peak_rss_mb, reset_peak_rss

    from scoring.ingest.responses import read_responses

    spec = json.loads(Path(spec_path).read_text())
    t0 = time.perf_counter()
    x, item_ids, _ = read_responses(Path(spec["csv"]))
    out: dict = {"time_load_s": time.perf_counter() - t0, "n_persons": int(x.shape[0])}
    if spec["mode"] in ("cml", "dif", "dif-lr"):
        out.update(_cml_or_dif(spec["mode"], x, item_ids))
    elif spec["mode"] == "score":
        from psychometrics.irt.ability import ability
        from psychometrics.irt.models import ItemParameters

        truth = json.loads(Path(spec["truth"]).read_text())
        params = ItemParameters.dichotomous([it["a"] for it in truth["items"]],
                                            [it["b"] for it in truth["items"]])
        ability(params, x[:200])                                         # warm-up, untimed
        reset_peak_rss()
        t0 = time.perf_counter()
        res = ability(params, x)
        out["time_fit_s"] = time.perf_counter() - t0
        theta_true = np.load(spec["truth"].replace(".truth.json", ".theta.npy"))
        out["theta_rmse"] = float(np.sqrt(np.mean((np.asarray(res.theta) - theta_true) ** 2)))
    else:
        import warnings

        from psychometrics.irt import calibrate

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            calibrate(x[:300], spec["model"], item_ids=item_ids)            # warm-up, untimed
        reset_peak_rss()
        t0 = time.perf_counter()        # like the peers: estimates only, no standard errors
        res = calibrate(x, spec["model"], item_ids=item_ids, standard_errors="none")
        out["time_fit_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with_se = calibrate(x, spec["model"], item_ids=item_ids)
        out["time_fit_with_se_s"] = time.perf_counter() - t0
        out["se_method"] = with_se.standard_errors.method
        out["iterations"] = res.n_iter
        out["converged"] = res.converged
        out["settings"] = res.settings
        out["items"] = _items(res.params)
    out["peak_rss_fit_mb"] = peak_rss_mb()
    Path(spec["out"]).write_text(json.dumps(out))
    return 0


def _cml_or_dif(mode: str, x: np.ndarray, item_ids: list[str]) -> dict:
    """Rasch by CML (with its SEs; eRm's peer computes none), or the three DIF fits, timed warm."""
    from benchio import reset_peak_rss

    if mode == "cml":
        from psychometrics.rasch import RaschCML

        RaschCML().fit(x[:100])                                           # warm-up, untimed
        reset_peak_rss()
        t0 = time.perf_counter()
        est = RaschCML(item_ids=item_ids).fit(x)
        return {"time_fit_s": time.perf_counter() - t0, "converged": bool(est.converged_),
                "items": [{"item_id": i, "a": 1.0, "b": float(b), "c": 0.0, "thresholds": None}
                          for i, b in zip(item_ids, est.difficulty_, strict=True)]}
    from psychometrics.dif import irt_likelihood_ratio, logistic_dif, mantel_haenszel

    group = (np.random.default_rng(15).random(x.shape[0]) < 0.5).astype(int)    # seeded focal half
    if mode == "dif-lr":
        t0 = time.perf_counter()
        irt_likelihood_ratio(x, group, 1, "2pl")                          # every item, 61 nodes
        return {"time_irt_lr_s": time.perf_counter() - t0, "time_fit_s": time.perf_counter() - t0}
    mantel_haenszel(x[:300], group[:300], 1)                              # warm-up, untimed
    logistic_dif(x[:300], group[:300], 1)
    reset_peak_rss()
    out = {}
    for key, call in (("time_mh_s", lambda: mantel_haenszel(x, group, 1)),
                      ("time_mh_purified_s", lambda: mantel_haenszel(x, group, 1, purify=True)),
                      ("time_logistic_s", lambda: logistic_dif(x, group, 1))):
        t0 = time.perf_counter()
        call()
        out[key] = time.perf_counter() - t0
    out["time_fit_s"] = out["time_mh_s"]
    return out


def rmse_b(rec: dict, truth: dict) -> str:
    """Difficulty RMSE after centring (CML and eRm centre the difficulties; MML does not)."""
    items = rec.get("items") or []
    if rec.get("status") != "ok" or len(items) != len(truth["items"]):
        return "–"
    b = np.array([float(it["b"]) for it in items])
    tb = np.array([t["b"] for t in truth["items"]])
    return f"{np.sqrt(np.mean(((b - b.mean()) - (tb - tb.mean())) ** 2)):.4f}"


def _items(p) -> list[dict]:
    rows = []
    for j in range(p.n_items):
        poly = p.model[j] in ("grm", "gpcm", "pcm")
        rows.append({"item_id": p.item_ids[j], "a": float(p.a[j]), "b": None if poly else float(p.b[j]),
                     "c": float(p.c[j]),
                     "thresholds": [float(t) for t in p.thresholds[j] if not np.isnan(t)] if poly else None})
    return rows


# ------------------------------------------------------------------------------------------------
# parent
# ------------------------------------------------------------------------------------------------
def dataset(model: str, persons: int, items: int, k: int) -> tuple[Path, Path]:
    name = f"{model}_{persons}p_{items}i" + (f"_k{k}" if model in ("grm", "pcm") else "") + "_s1"
    csv = DATA / f"{name}.csv"
    truth = DATA / f"{name}.truth.json"
    if not truth.exists():
        cmd = [sys.executable, str(BENCH / "gen.py"), "--model", model, "--size", "small",
               "--persons", str(persons), "--items", str(items), "--categories", str(k),
               "--name", name, "--out", str(DATA)]
        subprocess.run(cmd, cwd=BENCH, check=True, stdout=subprocess.DEVNULL)
    return csv, truth


def run_command(cmd: list[str], out_csv: Path, timeout: int) -> dict:
    """Whole command in a fresh process, measured by bench/irt's helper (wall time, peak RSS)."""
    helper = [sys.executable, str(BENCH / "peers.py"), "_exec", "--", *cmd]
    proc = subprocess.run(helper, capture_output=True, text=True, timeout=timeout)
    info = next((json.loads(line[7:]) for line in proc.stdout.splitlines() if line.startswith("@@EXEC ")), {})
    if info.get("returncode") != 0 or not out_csv.exists():
        return {"status": "error", "error": proc.stdout[-500:] + proc.stderr[-500:]}
    sys.path.insert(0, str(BENCH))
    from benchio import read_params_csv

    meta = json.loads(Path(f"{out_csv}.meta.json").read_text())
    return {"status": "ok", "time_fit_s": info["wall_s"], "time_fit_self_s": meta["time_fit_s"],
            "peak_rss_fit_mb": info["peak_rss_mb"], "items": read_params_csv(out_csv),
            "iterations": meta.get("iterations")}


def theta_python() -> str | None:
    """The interpreter of a venv with theta-irt and JAX (KHLANG_THETA_PYTHON), if there is one."""
    path = os.environ.get("KHLANG_THETA_PYTHON")
    return path if path and Path(path).exists() else None


def run_theta(csv: Path, protocol: str, timeout: int) -> dict:
    """theta-irt in a fresh process of its own venv (benchmarks/theta_peer.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = {"csv": str(csv), "bench": str(BENCH), "protocol": protocol, "out": str(Path(tmp) / "r.json")}
        Path(tmp, "spec.json").write_text(json.dumps(spec))
        proc = subprocess.run([theta_python(), str(ROOT / "benchmarks" / "theta_peer.py"), str(Path(tmp) / "spec.json")],
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0 or not Path(spec["out"]).exists():
            return {"status": "error", "error": proc.stderr[-500:]}
        return json.loads(Path(spec["out"]).read_text())


def run_peer(peer: str, csv: Path, mode: str, truth: Path, timeout: int) -> dict:
    label = peer
    if peer in ("theta", "theta-cold"):
        return run_theta(csv, "cold" if peer == "theta-cold" else "warm", timeout)
    if peer == "mirt-cli":      # Python mirt (21 nodes) as a whole command: bench/irt/example_cli.py
        out_csv = OUT / f"{csv.stem}.mirt-cli.params.csv"
        model = json.loads(truth.read_text())["model"]
        return run_command([sys.executable, str(BENCH / "example_cli.py"), str(csv), "--model", model,
                            "--out", str(out_csv)], out_csv, timeout)
    args = ["--peers", peer.split("-")[0], "--label", label, "--outdir", str(OUT), "--timeout", str(timeout)]
    if peer == "mirt-q61":
        args += ["--quad", "61"]
    task = "score" if mode == "score" else "calibrate"
    if task == "score":
        args += ["--params", str(truth)]
    cmd = [sys.executable, str(BENCH / "peers.py"), task, "--data", str(csv), *args]
    subprocess.run(cmd, cwd=BENCH, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = OUT / f"{csv.stem}.{task}.{label}.json"
    rec = json.loads(path.read_text()) if path.exists() else {"status": "error", "error": "no result"}
    if task == "score" and rec.get("status") == "ok" and rec.get("theta_file"):
        theta = np.load(BENCH / rec["theta_file"]) if not Path(rec["theta_file"]).is_absolute() \
            else np.load(rec["theta_file"])
        truth_theta = np.load(str(truth).replace(".truth.json", ".theta.npy"))
        rec["theta_rmse"] = float(np.sqrt(np.mean((theta - truth_theta) ** 2)))
    return rec


def run_khlang(model: str, csv: Path, mode: str, truth: Path, timeout: int) -> dict:
    if mode == "cli":
        out_csv = OUT / f"{csv.stem}.khlang-cli.params.csv"
        return run_command([str(KHLANG), "irt", "calibrate", str(csv), "--model", model, "--out", str(out_csv)],
                           out_csv, timeout)
    with tempfile.TemporaryDirectory() as tmp:
        spec = {"csv": str(csv), "model": model, "mode": mode, "truth": str(truth),
                "out": str(Path(tmp) / "result.json")}
        Path(tmp, "spec.json").write_text(json.dumps(spec))
        proc = subprocess.run([sys.executable, __file__, "_worker", str(Path(tmp) / "spec.json")],
                              capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        if proc.returncode != 0 or not Path(spec["out"]).exists():
            return {"status": "error", "error": proc.stderr[-800:]}
        rec = json.loads(Path(spec["out"]).read_text())
        rec["status"] = "ok"
        return rec


def rmse_a(rec: dict, truth: dict) -> str:
    if rec.get("status") != "ok":
        return "–"
    if "theta_rmse" in rec:
        return f"θ {rec['theta_rmse']:.3f}"
    items = rec.get("items") or []
    est = {str(it["item_id"]): it for it in items}
    true_items = truth["items"]
    if not all(t["item_id"] in est for t in true_items) and len(items) == len(true_items):
        est = {t["item_id"]: it for t, it in zip(true_items, items, strict=True)}
    a = np.array([float(est[t["item_id"]]["a"]) for t in true_items])
    ta = np.array([t["a"] for t in true_items])
    return f"{np.sqrt(np.mean((a - ta) ** 2)):.4f}"


def fmt_time(rec: dict) -> str:
    if rec.get("status") != "ok":
        return rec.get("status", "error")
    t = rec["time_fit_s"]
    return f"{t:.3f}" if t < 10 else f"{t:.1f}"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_worker":
        return worker(argv[1])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes (see ROWS)")
    ap.add_argument("--rows", default=",".join(ROWS), help=f"comma list of {', '.join(ROWS)}")
    ap.add_argument("--timeout", type=int, default=540, help="wall limit per engine run, s")
    ap.add_argument("--girth-large", action="store_true", help="also run girth on 2pl-large (~130 s)")
    args = ap.parse_args(argv)
    if not (BENCH / "peers.py").exists():
        print(f"bench harness not found at {BENCH} (set KHLANG_BENCH_IRT)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    lines = ["| work | peer | peer time s | Khlang time s | ratio | a-RMSE Khlang / peer | "
             "peak RSS MiB Khlang / peer |", "|---|---|---|---|---|---|---|"]
    notes = []
    for key in [r.strip() for r in args.rows.split(",") if r.strip()]:
        label, model, persons, items, k, quick_persons, mode, peers = ROWS[key]
        if args.quick:
            persons = quick_persons
            label = label.split(" ")[0] + f" {persons:,} x {items}" + (" (quick)")
        if key == "2pl-large" and args.girth_large:
            peers = peers + ("girth",)
        if model == "2pl" and mode != "score" and theta_python():
            peers = peers + (("theta", "theta-cold") if mode == "cli" else ("theta",))
        csv, truth_path = dataset(model, persons, items, k)
        truth = json.loads(truth_path.read_text())
        if mode == "score":
            try:
                import psychometrics.irt.ability  # noqa: F401
            except ImportError:
                notes.append(f"{label}: skipped, psychometrics.irt.ability is not there yet")
                continue
        ours = run_khlang(model, csv, mode, truth_path, args.timeout)
        if ours.get("status") != "ok":
            notes.append(f"{label}: Khlang failed: {ours.get('error', '')[:300]}")
        if mode in ("dif", "dif-lr") and ours.get("status") == "ok":
            for field, (name, target) in [(f, t) for f, t in DIF_TARGETS.items() if f in ours]:
                lines.append(f"| {label}: {name} | target (issue 15) | ≤ {target} | {ours[field]:.3f} | "
                             f"{target / ours[field]:.1f}x | – | {round(ours.get('peak_rss_fit_mb') or 0)} / – |")
        if mode == "dif" and ours.get("status") == "ok":
            notes.append(f"{label}: no Python DIF peer (R difR is not packaged for Debian); the focal group is a "
                         "seeded random half, matching by number right, warm in-process calls")
        if mode == "cml":
            b_note = [f"Khlang {rmse_b(ours, truth)}"]
        for peer in peers:
            rec = run_peer(peer, csv, mode, truth_path, args.timeout)
            ratio = (f"{rec['time_fit_s'] / ours['time_fit_s']:.1f}x"
                     if rec.get("status") == "ok" and ours.get("status") == "ok" else "–")
            peak_o = ours.get("peak_rss_fit_mb")
            peak_p = rec.get("peak_rss_fit_mb")
            lines.append(f"| {label} | {peer} | {fmt_time(rec)} | {fmt_time(ours)} | {ratio} | "
                         f"{rmse_a(ours, truth)} / {rmse_a(rec, truth)} | "
                         f"{peak_o and round(peak_o)} / {peak_p and round(peak_p)} |")
            if rec.get("status") != "ok":
                notes.append(f"{label} {peer}: {rec.get('status')} {str(rec.get('error', ''))[:200]}")
            if mode == "cml":
                b_note.append(f"{peer} {rmse_b(rec, truth)}")
        if mode == "cml":
            notes.append(f"{label}: centred b-RMSE {', '.join(b_note)}; Khlang's CML includes its Hessian SEs, "
                         "eRm's RM(se = FALSE) none; mirt's Rasch is marginal ML")
        if ours.get("time_fit_with_se_s"):
            notes.append(f"{label}: Khlang with standard errors ({ours['se_method']}): "
                         f"{ours['time_fit_with_se_s']:.3f} s (the peers compute none)")
        if mode == "cli" and ours.get("status") == "ok":
            notes.append(f"{label}: Khlang time is the whole `khlang irt calibrate` command from a cold process "
                         f"(start-up, CSV, fit with SEs, output; its fit alone: {ours['time_fit_self_s']:.3f} s); "
                         "mirt-cli is Python mirt (21 nodes) as a whole command (bench/irt/example_cli.py), "
                         "the other peers are warm in-process fits")
    if theta_python():
        notes.append("theta = theta-irt (JAX, 61 nodes) warm: after a 300-row fit and one full-shape fit that "
                     "compiles; theta-cold = its first full-shape fit in a fresh process (compilation included)")
    else:
        notes.append("theta-irt (JAX) not run: set KHLANG_THETA_PYTHON to a venv's python that has theta-irt and "
                     "jax (see benchmarks/theta_peer.py); its figures are in bench/irt/results-theta/")
    print("\n".join(lines))
    for n in notes:
        print(f"* {n}")
    print(f"* machine: nproc={os.cpu_count()}, load average {os.getloadavg()[0]:.2f} at the end; "
          "ratio = peer time / Khlang time (above 1 = Khlang faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

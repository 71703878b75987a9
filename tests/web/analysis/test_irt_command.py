"""`khlang irt calibrate` / `khlang irt score`: the bench/irt CLI contract, through click's CliRunner
and once as a real subprocess (cold start, as the benchmark runs it)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from scoring.ingest.params import read_params
from web.cli import cli

PATTERNS = np.array([[(k >> (4 - j)) & 1 for j in range(5)] for k in range(32)], dtype=np.int8)
FREQUENCIES = np.array([12, 19, 1, 7, 3, 19, 3, 17, 10, 5, 3, 7, 7, 23, 8, 28,
                        7, 39, 11, 34, 14, 51, 15, 90, 6, 25, 7, 35, 18, 136, 32, 308])


def write_csv(path: Path, x: np.ndarray, item_ids, extra: dict | None = None) -> Path:
    extra = extra or {}
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", *extra, *item_ids])
        for i, row in enumerate(x):
            w.writerow([f"p{i:05d}", *(v[i] for v in extra.values()), *("" if v < 0 else int(v) for v in row)])
    return path


@pytest.fixture()
def lsat7_csv(tmp_path) -> Path:
    x = np.repeat(PATTERNS, FREQUENCIES, axis=0)
    return write_csv(tmp_path / "lsat7.csv", x, [f"Item.{j + 1}" for j in range(5)])


def test_calibrate_writes_params_and_meta(lsat7_csv, tmp_path):
    out = tmp_path / "params.csv"
    res = CliRunner().invoke(cli, ["irt", "calibrate", str(lsat7_csv), "--model", "2pl", "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert list(rows[0])[:5] == ["item_id", "model", "a", "b", "c"]
    assert {"se_a", "se_b", "se_c"} <= set(rows[0])
    a = np.array([float(r["a"]) for r in rows])
    np.testing.assert_allclose(a, [0.988, 1.081, 1.706, 0.765, 0.736], atol=0.002)
    assert rows[0]["c"] == "" and float(rows[0]["se_a"]) > 0
    meta = json.loads(Path(f"{out}.meta.json").read_text())
    assert meta["converged"] is True and meta["iterations"] > 0
    assert abs(meta["log_likelihood"] + 2658.805) < 0.01
    assert meta["time_fit_s"] > 0 and meta["settings"]["n_quadrature"] == 61


def test_polytomous_calibration_writes_thresholds(tmp_path):
    rng = np.random.default_rng(2)
    theta = rng.standard_normal(800)
    latent = theta[:, None] + rng.logistic(size=(800, 4))                   # graded: count cut points passed
    x = (latent[:, :, None] > np.array([-1.0, 0.0, 1.0])).sum(axis=2).astype(np.int8)
    x[rng.random(x.shape) < 0.05] = -1
    path = write_csv(tmp_path / "poly.csv", x, ["q1", "q2", "q3", "q4"])
    out = tmp_path / "p.csv"
    res = CliRunner().invoke(cli, ["irt", "calibrate", str(path), "--model", "grm", "--out", str(out)])
    assert res.exit_code == 0, res.output
    head = next(csv.reader(out.read_text().splitlines()))
    assert head[:8] == ["item_id", "model", "a", "b", "c", "b1", "b2", "b3"]
    assert "se_b3" in head
    params = read_params(out)
    assert params.model == ("grm",) * 4
    assert np.all(np.diff(params.thresholds, axis=1) > 0)


def test_malformed_csv_is_refused_with_row_and_column(tmp_path):
    bad = tmp_path / "responses.csv"
    bad.write_text("person_id,i1,i2,i3\np1,0,1,1\np2,1,0,x\np3,1,1,0\n")
    res = CliRunner().invoke(cli, ["irt", "calibrate", str(bad), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 1
    assert "responses.csv แถว 3 คอลัมน์ i3: ค่า 'x' ไม่ใช่คะแนน" in res.output
    short = tmp_path / "short.csv"
    short.write_text("person_id,i1,i2\np1,0,1\np2,1\n")
    res = CliRunner().invoke(cli, ["irt", "calibrate", str(short), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 1 and "แถว 3" in res.output
    header = tmp_path / "header.csv"
    header.write_text("id,i1\np1,0\n")
    res = CliRunner().invoke(cli, ["irt", "calibrate", str(header), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 1 and "person_id" in res.output


def test_model_refusal_names_the_item(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("person_id,i1,i2\n" + "".join(f"p{k},{k % 2},{(k // 2) % 3}\n" for k in range(40)))
    res = CliRunner().invoke(cli, ["irt", "calibrate", str(path), "--model", "2pl", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "ข้อ i2" in res.output


def test_group_column_and_anchor_file(tmp_path, lsat7_csv):
    rng = np.random.default_rng(4)
    a, b = rng.uniform(0.8, 1.8, 12), rng.normal(0, 1, 12)
    theta = np.concatenate([rng.normal(0, 1, 1500), rng.normal(0.5, 1, 1500)])
    x = (rng.random((3000, 12)) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(np.int8)
    ids = [f"i{j}" for j in range(12)]
    path = write_csv(tmp_path / "two.csv", x, ids, {"year": ["2566"] * 1500 + ["2567"] * 1500})
    out = tmp_path / "p.csv"
    res = CliRunner().invoke(cli, ["irt", "calibrate", str(path), "--group-column", "year", "--out", str(out)])
    assert res.exit_code == 0, res.output
    meta = json.loads(Path(f"{out}.meta.json").read_text())
    assert meta["group_labels"] == ["2566", "2567"]
    assert abs(meta["group_means"][1] - 0.5) < 0.15
    anchors = tmp_path / "anchors.csv"
    anchors.write_text("item_id,model,a,b,c\n" + "".join(f"i{j},2pl,{a[j]},{b[j]},\n" for j in range(6)))
    out2 = tmp_path / "p2.csv"
    res = CliRunner().invoke(cli, ["irt", "calibrate", str(path), "--group-column", "year", "--anchors", str(anchors),
                                   "--out", str(out2)])
    assert res.exit_code == 0, res.output
    fitted = read_params(out2)
    np.testing.assert_allclose(fitted.a[:6], a[:6], atol=1e-7)
    assert json.loads(Path(f"{out2}.meta.json").read_text())["settings"]["n_anchors"] == 6


def test_score_writes_theta_and_se_for_every_person(lsat7_csv, tmp_path):
    pytest.importorskip("psychometrics.irt.ability")
    params = tmp_path / "params.csv"
    assert CliRunner().invoke(cli, ["irt", "calibrate", str(lsat7_csv), "--out", str(params)]).exit_code == 0
    scores = tmp_path / "scores.csv"
    res = CliRunner().invoke(cli, ["irt", "score", str(lsat7_csv), "--params", str(params), "--method", "eap",
                                   "--out", str(scores)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(scores.read_text().splitlines()))
    assert len(rows) == 1000 and rows[0]["person_id"] == "p00000"
    theta = np.array([float(r["theta"]) for r in rows])
    assert theta[0] < theta[-1]                              # 00000 pattern below 11111
    assert np.all(np.array([float(r["se"]) for r in rows]) > 0)


@pytest.mark.parametrize("method", ["map", "ml", "wle", "eapsum"])
def test_every_scoring_method_runs_from_the_command_line(lsat7_csv, tmp_path, method):
    params = tmp_path / "params.csv"
    assert CliRunner().invoke(cli, ["irt", "calibrate", str(lsat7_csv), "--out", str(params)]).exit_code == 0
    scores = tmp_path / "scores.csv"
    res = CliRunner().invoke(cli, ["irt", "score", str(lsat7_csv), "--params", str(params), "--method", method,
                                   "--out", str(scores)])
    assert res.exit_code == 0, res.output
    x = np.repeat(PATTERNS, FREQUENCIES, axis=0)
    theta = np.array([float(r["theta"] or "nan") for r in csv.DictReader(scores.read_text().splitlines())])
    if method == "eapsum":   # the paper-exam conversion: one θ per raw score, rising with it
        raw = x.sum(1)
        per_score = [np.unique(theta[raw == r]) for r in range(6)]
        assert all(len(v) == 1 for v in per_score)
        assert np.all(np.diff([v[0] for v in per_score]) > 0)
    else:
        mixed = (x.sum(1) > 0) & (x.sum(1) < 5)
        assert np.isfinite(theta[mixed]).all()


def test_cold_subprocess_run(lsat7_csv, tmp_path):
    out = tmp_path / "p.csv"
    exe = Path(sys.executable).with_name("khlang")
    proc = subprocess.run([str(exe), "irt", "calibrate", str(lsat7_csv), "--model", "1pl", "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert read_params(out).model == ("1pl",) * 5

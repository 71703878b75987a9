"""`khlang irt calibrate --covariance COV.csv`: the full parameter covariance beside PARAMS.csv."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from scoring.ingest.params import read_params
from web.cli import cli

PATTERNS = np.array([[(k >> (4 - j)) & 1 for j in range(5)] for k in range(32)], dtype=np.int8)
FREQUENCIES = np.array([12, 19, 1, 7, 3, 19, 3, 17, 10, 5, 3, 7, 7, 23, 8, 28,
                        7, 39, 11, 34, 14, 51, 15, 90, 6, 25, 7, 35, 18, 136, 32, 308])


def _lsat7_csv(path: Path) -> Path:
    x = np.repeat(PATTERNS, FREQUENCIES, axis=0)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", *(f"Item.{j + 1}" for j in range(5))])
        for i, row in enumerate(x):
            w.writerow([f"p{i:05d}", *(int(v) for v in row)])
    return path


def test_calibrate_writes_the_covariance_matrix_on_request(tmp_path):
    data = _lsat7_csv(tmp_path / "lsat7.csv")
    out, cov = tmp_path / "PARAMS.csv", tmp_path / "COV.csv"
    res = CliRunner().invoke(cli, ["irt", "calibrate", str(data), "--model", "2pl", "--out", str(out),
                                   "--covariance", str(cov)])
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(cov.read_text(encoding="utf-8").splitlines()))
    assert rows[0][:4] == ["item_id", "parameter", "Item.1:a", "Item.1:b"]
    assert [(r[0], r[1]) for r in rows[1:3]] == [("Item.1", "a"), ("Item.1", "b")]
    matrix = np.array([[float(v) for v in r[2:]] for r in rows[1:]])
    assert matrix.shape == (10, 10)
    np.testing.assert_allclose(matrix, matrix.T, atol=1e-15)
    # its diagonal is PARAMS.csv's SEs squared
    params = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    se = np.array([[float(p["se_a"]), float(p["se_b"])] for p in params]).reshape(-1)
    np.testing.assert_allclose(np.sqrt(np.diag(matrix)), se, rtol=1e-6)
    assert read_params(out).n_items == 5


def test_covariance_without_standard_errors_is_refused_before_the_fit(tmp_path):
    data = _lsat7_csv(tmp_path / "lsat7.csv")
    out, cov = tmp_path / "PARAMS.csv", tmp_path / "COV.csv"
    res = CliRunner().invoke(cli, ["irt", "calibrate", str(data), "--out", str(out), "--se", "none",
                                   "--covariance", str(cov)])
    assert res.exit_code == 1
    assert "SE" in res.output
    assert not out.exists() and not cov.exists()


def test_rasch_writes_the_cml_covariance_on_request(tmp_path):
    data = _lsat7_csv(tmp_path / "lsat7.csv")
    out = tmp_path / "rasch.csv"
    res = CliRunner().invoke(cli, ["irt", "rasch", str(data), "--covariance", "--out", str(out)])
    assert res.exit_code == 0, res.output
    cov_file = tmp_path / "rasch.covariance.csv"
    assert str(cov_file) in res.output
    rows = list(csv.reader(cov_file.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["item", "parameter", *(f"Item.{j}:b" for j in range(1, 6))]
    matrix = np.array([[float(v) for v in r[2:]] for r in rows[1:]])
    items = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    np.testing.assert_allclose(np.sqrt(np.diag(matrix)), [float(r["se"]) for r in items], atol=1e-4)
    np.testing.assert_allclose(matrix.sum(axis=1), 0.0, atol=1e-8)   # difficulties sum to 0
    plain = CliRunner().invoke(cli, ["irt", "rasch", str(data), "--out", str(tmp_path / "plain.csv")])
    assert plain.exit_code == 0 and not (tmp_path / "plain.covariance.csv").exists()

"""`khlang irt calibrate --covariance COV.csv`: the full parameter covariance beside PARAMS.csv."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
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


def _two_forms(tmp_path: Path) -> dict[str, Path]:
    """Two 2PL forms sharing 8 items, the second group abler, calibrated with their COV.csv."""
    rng = np.random.default_rng(11)
    a, b = rng.uniform(0.8, 2.0, 24), rng.normal(0, 1, 24)
    ids = [f"q{j + 1}" for j in range(24)]
    files: dict[str, Path] = {}
    for name, cols, mean in (("x", slice(0, 16), 0.0), ("y", slice(8, 24), 0.5)):
        theta = rng.normal(mean, 1.0, 1000)
        x = (rng.random((1000, 16)) < 1 / (1 + np.exp(-a[cols] * (theta[:, None] - b[cols])))).astype(int)
        data = tmp_path / f"form_{name}.csv"
        with data.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["person_id", *ids[cols]])
            w.writerows([f"p{i}", *row] for i, row in enumerate(x))
        files[name], files[f"cov_{name}"] = tmp_path / f"params_{name}.csv", tmp_path / f"cov_{name}.csv"
        res = CliRunner().invoke(cli, ["irt", "calibrate", str(data), "--out", str(files[name]),
                                       "--covariance", str(files[f"cov_{name}"])])
        assert res.exit_code == 0, res.output
    return files


def test_link_and_equate_take_the_full_covariances_as_equateirt(tmp_path):
    from psychometrics.irt import chains
    from scoring.ingest.params import read_covariance

    f = _two_forms(tmp_path)
    diag_out, full_out = tmp_path / "diag.csv", tmp_path / "full.csv"
    assert CliRunner().invoke(cli, ["irt", "link", str(f["x"]), str(f["y"]), "--out", str(diag_out)]).exit_code == 0
    res = CliRunner().invoke(cli, ["irt", "link", str(f["x"]), str(f["y"]), "--covariance", str(f["cov_x"]),
                                   "--covariance", str(f["cov_y"]), "--out", str(full_out)])
    assert res.exit_code == 0, res.output
    diag = list(csv.DictReader(diag_out.read_text(encoding="utf-8-sig").splitlines()))[0]
    full = list(csv.DictReader(full_out.read_text(encoding="utf-8-sig").splitlines()))[0]
    assert diag["A"] == full["A"] and diag["B"] == full["B"]          # the same link, other SEs
    forms = {"params_x": read_params(f["x"]), "params_y": read_params(f["y"])}
    covs = {"params_x": read_covariance(f["cov_x"], forms["params_x"]),
            "params_y": read_covariance(f["cov_y"], forms["params_y"])}
    # the file holds what the calibration estimated: its diagonal is PARAMS.csv's SEs squared
    labels = chains.parameter_labels(forms["params_x"])
    assert labels[:2] == ("a.q1", "b.q1") and covs["params_x"][0, 1] != 0.0
    direct = chains.direct_link(forms, "params_x", "params_y", "stocking_lord", covariances=covs)
    assert float(full["se_A"]) == pytest.approx(direct.se_A, rel=1e-6)
    assert float(full["se_B"]) == pytest.approx(direct.se_B, rel=1e-6)
    assert float(full["se_B"]) != pytest.approx(float(diag["se_B"]), rel=1e-3)
    eq = CliRunner().invoke(cli, ["irt", "equate", str(f["x"]), str(f["y"]), "--covariance", str(f["cov_x"]),
                                  "--covariance", str(f["cov_y"]), "--out", str(tmp_path / "eq.csv")])
    assert eq.exit_code == 0, eq.output


def test_link_refuses_a_covariance_file_per_form_missing_or_foreign(tmp_path):
    f = _two_forms(tmp_path)
    one = CliRunner().invoke(cli, ["irt", "link", str(f["x"]), str(f["y"]), "--covariance", str(f["cov_x"]),
                                   "--out", str(tmp_path / "l.csv")])
    assert one.exit_code == 1 and "ฉบับละหนึ่งไฟล์" in one.output
    swapped = CliRunner().invoke(cli, ["irt", "link", str(f["x"]), str(f["y"]), "--covariance", str(f["cov_y"]),
                                       "--covariance", str(f["cov_x"]), "--out", str(tmp_path / "l.csv")])
    assert swapped.exit_code == 1 and "cov_y.csv" in swapped.output and "q17" in swapped.output


def test_calibrate_integrates_on_r_mirts_grid_on_request(tmp_path):
    import json

    data = _lsat7_csv(tmp_path / "lsat7.csv")
    out = tmp_path / "PARAMS.csv"
    res = CliRunner().invoke(cli, ["irt", "calibrate", str(data), "--out", str(out), "--quadrature-rule", "grid"])
    assert res.exit_code == 0, res.output
    meta = json.loads((tmp_path / "PARAMS.csv.meta.json").read_text(encoding="utf-8"))
    assert "grid" in json.dumps(meta)
    # LSAT7 is not informative enough for the rule to matter: R mirt's published slopes either way
    np.testing.assert_allclose(read_params(out).a, [0.988, 1.081, 1.706, 0.7651, 0.7358], atol=4e-3)

"""scoring.calibration: one service calibrates a matrix or a file and keeps its provenance record."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scoring.calibration import CalibrationRun, calibrate_file, calibrate_matrix, meta_path
from scoring.errors import ScoringError

META_KEYS = {"time_fit_s", "time_total_s", "log_likelihood", "iterations", "converged", "n_persons", "n_items",
             "group_labels", "group_means", "group_variances", "engine", "settings"}


def _responses(n_persons: int = 400, n_items: int = 6, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    b = np.linspace(-1, 1, n_items)
    theta = rng.normal(size=n_persons)
    return (rng.random((n_persons, n_items)) < 1 / (1 + np.exp(-(theta[:, None] - b)))).astype(np.int8)


def _write(path, x):
    rows = [",".join(["person_id", *(f"I{j + 1}" for j in range(x.shape[1]))])]
    rows += [",".join([f"P{i}", *map(str, row)]) for i, row in enumerate(x)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_calibrate_matrix_returns_the_estimates_and_their_record():
    x = _responses()
    run = calibrate_matrix(x, "2pl", item_ids=[f"I{j + 1}" for j in range(6)])
    assert isinstance(run, CalibrationRun) and run.converged and run.n_items == 6 and run.n_persons == 400
    assert np.all(np.diff(run.params.b) > 0) and np.all(run.standard_errors.b > 0)
    meta = run.meta()
    assert META_KEYS - {"time_total_s"} == set(meta) and meta["engine"] == "khlang"
    assert meta["settings"]["quadrature_n"] == 61 and meta["settings"]["engine"] == "khlang"
    assert "ลู่เข้า" in run.message("th") and "converged" in run.message("en")


def test_convergence_warnings_are_kept_on_the_result_not_raised():
    run = calibrate_matrix(_responses(), "2pl", max_iter=2)
    assert not run.converged and run.warnings and "EM" in run.warnings[0]


def test_an_unknown_model_and_an_engine_refusal_become_scoring_errors():
    with pytest.raises(ScoringError) as info:
        calibrate_matrix(_responses(), "5pl")
    assert info.value.code == "calibration.model_unknown" and "ไม่รู้จักโมเดล" in info.value.text("th")
    x = np.zeros((40, 3))
    x[:, 1] = np.arange(40) % 3                     # three categories: not a 2PL item
    with pytest.raises(ScoringError) as info:
        calibrate_matrix(x, "2pl", item_ids=["a", "b", "c"], source="r.csv")
    assert info.value.code == "calibration.refused" and info.value.where.file == "r.csv"
    assert info.value.text("th").startswith("r.csv: ") and " / " not in info.value.text("th")


def test_calibrate_file_writes_params_and_meta_beside_it(tmp_path):
    responses = _write(tmp_path / "responses.csv", _responses())
    out = tmp_path / "params.csv"
    run = calibrate_file(responses, "1pl", out)
    assert run.out == out and run.time_total_s >= run.result.time_fit_s
    assert out.read_text().startswith("item_id,model,a,b,c,se_a")
    meta = json.loads(meta_path(out).read_text())
    assert set(meta) == META_KEYS and meta == json.loads(json.dumps(run.meta(), default=str))


def test_calibrate_file_checks_everything_before_the_fit_and_writes_nothing(tmp_path):
    responses = _write(tmp_path / "responses.csv", _responses())
    with pytest.raises(ScoringError) as info:
        calibrate_file(responses, "2pl", tmp_path / "nope" / "params.csv")
    assert info.value.code == "file.no_folder" and "ไม่มีโฟลเดอร์" in info.value.text("th")
    with pytest.raises(ScoringError) as info:
        calibrate_file(tmp_path / "nowhere.csv", "2pl", tmp_path / "p.csv")
    assert info.value.kind == "not_found" and "ไม่พบไฟล์" in info.value.text("th")
    with pytest.raises(ScoringError) as info:
        calibrate_file(responses, "2pl", None)
    assert info.value.code == "file.out_missing"
    assert not (tmp_path / "p.csv").exists()

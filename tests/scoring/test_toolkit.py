"""scoring.toolkit: fit, DIF, Rasch CML, linking and equating of files give the engine's numbers."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from psychometrics.dif import logistic_dif, mantel_haenszel
from psychometrics.irt.ability import ability
from psychometrics.irt.fit import infit_outfit
from scoring.calibration import calibrate_file
from scoring.errors import ScoringError
from scoring.ingest.params import read_params
from scoring.toolkit import dif_file, equate_files, fit_file, link_files, rasch_file, transformed_params

ERM = Path(__file__).parents[1] / "psychometrics" / "data" / "erm"


def write_responses(path: Path, x: np.ndarray, item_ids, extra: dict | None = None) -> Path:
    extra = extra or {}
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", *extra, *item_ids])
        for i, row in enumerate(x):
            w.writerow([f"p{i:05d}", *(v[i] for v in extra.values()), *("" if v < 0 else int(v) for v in row)])
    return path


def write_params(path: Path, a, b, ids, se: float | None = None) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["item_id", "model", "a", "b", "c"] + (["se_a", "se_b", "se_c"] if se else []))
        for i, aa, bb in zip(ids, a, b, strict=True):
            w.writerow([i, "2pl", aa, bb, ""] + ([se, se, ""] if se else []))
    return path


def simulate(n=1200, m=15, dif_item=2, seed=3):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.8, 2.0, m), rng.normal(0, 1, m)
    group = np.where(rng.random(n) < 0.5, "F", "M")
    theta = rng.standard_normal(n)
    shift = np.zeros((n, m))
    shift[group == "F", dif_item] = 1.2
    x = (rng.random((n, m)) < 1 / (1 + np.exp(-a * (theta[:, None] - b - shift)))).astype(np.int8)
    return x, group, [f"q{j + 1}" for j in range(m)]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("toolkit")
    x, group, ids = simulate()
    responses = write_responses(tmp / "responses.csv", x, ids, {"sex": group})
    plain = write_responses(tmp / "plain.csv", x, ids)
    calibrate_file(plain, "2pl", tmp / "params.csv")
    return {"x": x, "group": group, "ids": ids, "responses": responses, "plain": plain,
            "params": tmp / "params.csv"}


def test_fit_file_gives_the_engines_infit_outfit_and_ignores_other_columns(files):
    run = fit_file(files["responses"], files["params"])
    params = read_params(files["params"])
    x = files["x"].astype(float)
    direct = infit_outfit(params, x, ability(params, x, "eap").theta)
    items = dict(run.tables)["items"]
    assert items.columns[:5] == ("item", "infit", "infit_zstd", "outfit", "outfit_zstd")
    np.testing.assert_allclose([r[1] for r in items.rows], direct.item_infit.round(4))
    np.testing.assert_allclose([r[3] for r in items.rows], direct.item_outfit.round(4))
    assert "S_X2" in items.columns and len(dict(run.tables)["persons"].rows) == x.shape[0]
    assert "ข้อที่ควรตรวจสอบ" in run.message("th") and "items to check" in run.message("en")


@pytest.mark.parametrize("method", ["mh", "logistic"])
def test_dif_file_finds_the_planted_item_with_the_engines_numbers(files, method):
    run = dif_file(files["responses"], "sex", "F", method=method)
    assert run.extra["flagged"][2]
    x = files["x"].astype(float)
    if method == "mh":
        direct = mantel_haenszel(x, files["group"], "F", item_ids=files["ids"])
        np.testing.assert_allclose(run.tables[0][1].as_dicts()[2]["chi2_MH"], direct.chi2[2].round(3))
    else:
        direct = logistic_dif(x, files["group"], "F", item_ids=files["ids"])
        np.testing.assert_allclose(run.tables[0][1].as_dicts()[2]["chi2_2df"], direct.chi2_total[2].round(3))
    assert "q3" in run.message("th")


def test_dif_file_refuses_an_unknown_focal_group_or_column(files):
    with pytest.raises(ScoringError) as e:
        dif_file(files["responses"], "sex", "X")
    assert e.value.code == "dif.focal" and "F, M" in e.value.text("th")
    with pytest.raises(ScoringError):
        dif_file(files["responses"], "school", "F")


def test_rasch_file_equals_erm_on_raschdat1(tmp_path):
    with (ERM / "raschdat1.csv").open() as fh:
        rows = list(csv.reader(fh))
    x = np.array(rows[1:], dtype=np.int8)
    path = write_responses(tmp_path / "raschdat1.csv", x, rows[0])
    run = rasch_file(path, normalization="erm")
    reference = {}
    with (ERM / "erm_reference.csv").open() as fh:
        for r in csv.DictReader(fh):
            if r["example"] == "RM(raschdat1)" and r["quantity"] == "betapar":
                reference[r["label"].removeprefix("beta ")] = float(r["value"])
    items = dict(run.tables)["items"].as_dicts()
    np.testing.assert_allclose([-r["difficulty"] for r in items], [reference[r["item"]] for r in items], atol=2e-4)
    assert {"andersen", "fit", "persons", "map"} <= set(dict(run.tables))
    assert "Andersen LR = 32.54" in run.message("en")  # eRm's LRtest(RM(raschdat1)) median split: 32.5415


def test_link_files_recovers_exact_constants_directly_and_along_a_chain(tmp_path):
    rng = np.random.default_rng(5)
    a, b = rng.uniform(0.8, 2, 30), rng.normal(0, 1, 30)
    ids = [f"q{j}" for j in range(30)]
    # θ_Y = 1.2 θ_X − 0.3 and θ_Z = 0.9 θ_Y + 0.5: X's parameters are Y's mapped back
    y = write_params(tmp_path / "Y.csv", a[:20], b[:20], ids[:20])
    x = write_params(tmp_path / "X.csv", a[:10] * 1.2, (b[:10] + 0.3) / 1.2, ids[:10])
    z = write_params(tmp_path / "Z.csv", a[10:30] / 0.9, 0.9 * b[10:30] + 0.5, ids[10:30])
    direct = link_files([x, y]).extra["link"]
    assert (direct.A, direct.B) == pytest.approx((1.2, -0.3), abs=1e-5)
    chained = link_files([x, y, z], method="mean-sigma").extra["link"]
    assert chained.kind == "chain" and (chained.A, chained.B) == pytest.approx((1.08, 0.23), abs=1e-6)
    moved = transformed_params(link_files([x, y]))
    np.testing.assert_allclose(moved.params.b, b[:10], atol=1e-5)


def test_link_files_with_parameter_ses_reports_delta_method_ses(tmp_path):
    ids = [f"q{j}" for j in range(8)]
    a, b = np.linspace(0.8, 1.8, 8), np.linspace(-1.5, 1.5, 8)
    run = link_files([write_params(tmp_path / "X.csv", a, b, ids, se=0.05),
                      write_params(tmp_path / "Y.csv", a, b + 0.1, ids, se=0.05)])
    link = run.extra["link"]
    assert link.B == pytest.approx(0.1, abs=1e-5) and 0 < link.se_B < 0.1
    assert "SE" in run.message("th")


def test_equate_files_on_one_scale_is_the_identity(tmp_path):
    ids = [f"q{j}" for j in range(10)]
    a, b = np.linspace(0.8, 1.8, 10), np.linspace(-1.5, 1.5, 10)
    x = write_params(tmp_path / "X.csv", a, b, ids)
    y = write_params(tmp_path / "Y.csv", a, b, ids)
    for link in ("none", "stocking_lord"):
        table = equate_files(x, y, link_method=link).tables[0][1]
        rows = table.as_dicts()
        np.testing.assert_allclose([r["score_y"] for r in rows[1:-1]], [r["score_x"] for r in rows[1:-1]], atol=1e-3)


def test_refusals_name_the_problem(tmp_path, files):
    with pytest.raises(ScoringError) as e:
        link_files([files["params"]])
    assert e.value.code == "link.forms"
    with pytest.raises(ScoringError) as e:
        equate_files(files["params"], files["params"], method="kernel")
    assert e.value.code == "equate.method"
    with pytest.raises(ScoringError) as e:
        rasch_file(files["plain"], model="grm")
    assert e.value.code == "rasch.model"

"""`khlang ctt --max-score N | --max-scores MAX.csv`: rubric and rating-scale scores get the classical
analysis (Whitney–Sabers p and r, α, SEM) the engine gives; scores out of range are refused in Thai."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from psychometrics.ctt import analyze_test
from web.cli import cli


@pytest.fixture()
def rubric(tmp_path) -> tuple[Path, np.ndarray]:
    rng = np.random.default_rng(2)
    theta = rng.standard_normal(200)
    x = np.clip(np.round(1.2 * theta[:, None] + 2 + rng.normal(0, 1, (200, 6))), 0, 4).astype(int)
    x[:, 5] = np.minimum(x[:, 5], 2)  # a 0–2 item beside 0–4 items
    path = tmp_path / "rubric.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", *(f"r{j + 1}" for j in range(6))])
        w.writerows([f"s{i + 1}", *row] for i, row in enumerate(x))
    return path, x


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_rubric_scores_with_a_max_score_file_give_the_engines_alpha_and_item_means(rubric, tmp_path):
    path, x = rubric
    max_file = tmp_path / "max.csv"
    max_file.write_text("item_id,max_score\n" + "".join(f"r{j + 1},{4 if j < 5 else 2}\n" for j in range(6)))
    out = tmp_path / "stats.csv"
    res = _run("ctt", path, "--max-scores", max_file, "--out", out)
    assert res.exit_code == 0, res.output
    report = analyze_test(x.astype(float), [f"r{j + 1}" for j in range(6)], max_scores=[4, 4, 4, 4, 4, 2])
    assert f"{report.test.alpha:.3f}" in res.output
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    means = [float(r[3]) for r in rows[1:]]
    np.testing.assert_allclose(means, x.mean(axis=0), atol=1e-3)
    assert [r[2] for r in rows[1:]] == ["4", "4", "4", "4", "4", "2"]


def test_one_max_score_for_every_item_writes_a_workbook(rubric, tmp_path):
    path, _ = rubric
    res = _run("ctt", path, "--max-score", 4, "--out", tmp_path / "stats.xlsx")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "stats.xlsx").exists() and "ข้อสอบที่ใช้ได้" in res.output


def test_irt_dif_by_mantels_test_for_rubric_scores(rubric, tmp_path):
    path, _ = rubric
    rows = path.read_text().splitlines()
    grouped = tmp_path / "grouped.csv"
    grouped.write_text("\n".join([rows[0].replace("person_id,", "person_id,school,")]
                                 + [r.replace(",", f",{'A' if i % 2 else 'B'},", 1) for i, r in enumerate(rows[1:])]))
    res = _run("irt", "dif", grouped, "--group-column", "school", "--focal", "A", "--method", "mantel",
               "--out", tmp_path / "dif.csv")
    assert res.exit_code == 0, res.output
    assert "Mantel (ordinal scores)" in res.output
    assert len(list(csv.reader((tmp_path / "dif.csv").read_text(encoding="utf-8-sig").splitlines()))) == 7


@pytest.mark.parametrize(
    ("extra", "thai", "english"),
    [
        (("--max-score", 3), "'4' ไม่ใช่คะแนนระหว่าง 0 ถึง 3", "'4' is not a score from 0 to 3"),
        (("--max-score", 4, "--key", "{key}"), "เลือกอย่างเดียว", "give one"),
        (("--max-scores", "{bad_max}"), "item_id,max_score", "item_id,max_score"),
    ],
)
def test_bad_scores_or_settings_are_refused_in_thai(rubric, tmp_path, extra, thai, english):
    path, _ = rubric
    (tmp_path / "key.csv").write_text("item_id,key\nr1,ก\n")
    (tmp_path / "bad_max.csv").write_text("item,max\nr1,4\n")
    files = {"key": tmp_path / "key.csv", "bad_max": tmp_path / "bad_max.csv"}
    argv = ["ctt", path, *(str(a).format(**files) for a in extra), "--out", tmp_path / "s.csv"]
    res = _run(*argv)
    assert res.exit_code == 1 and thai in res.output and "Traceback" not in res.output
    assert english in _run("--lang", "en", *argv).output
    assert not (tmp_path / "s.csv").exists()

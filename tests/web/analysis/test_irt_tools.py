"""`khlang irt fit|dif|rasch|link|equate` end to end through click's CliRunner on generated files,
and bad files refused in Thai (English under --lang en), exit status 1, no traceback."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scoring.calibration import calibrate_file
from web.cli import cli


def _write(path: Path, x: np.ndarray, ids, extra: dict | None = None) -> Path:
    extra = extra or {}
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", *extra, *ids])
        for i, row in enumerate(x):
            w.writerow([f"p{i:05d}", *(v[i] for v in extra.values()), *(int(v) for v in row)])
    return path


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    """Two 2PL forms sharing 8 items (the second group abler), DIF planted on q3 for group F."""
    tmp = tmp_path_factory.mktemp("irt_tools")
    rng = np.random.default_rng(11)
    a, b = rng.uniform(0.8, 2.0, 24), rng.normal(0, 1, 24)
    n = 1000
    group = np.where(rng.random(n) < 0.5, "F", "M")
    theta = rng.standard_normal(n)
    shift = np.zeros((n, 16))
    shift[group == "F", 2] = 1.2
    x = (rng.random((n, 16)) < 1 / (1 + np.exp(-a[:16] * (theta[:, None] - b[:16] - shift)))).astype(int)
    theta2 = rng.normal(0.5, 1.0, n)
    x2 = (rng.random((n, 16)) < 1 / (1 + np.exp(-a[8:] * (theta2[:, None] - b[8:])))).astype(int)
    ids = [f"q{j + 1}" for j in range(24)]
    files = {
        "x": _write(tmp / "form_x.csv", x, ids[:16], {"sex": group}),
        "x_plain": _write(tmp / "form_x_plain.csv", x, ids[:16]),
        "y": _write(tmp / "form_y.csv", x2, ids[8:]),
    }
    calibrate_file(files["x_plain"], "2pl", tmp / "params_x.csv")
    calibrate_file(files["y"], "2pl", tmp / "params_y.csv")
    files.update(params_x=tmp / "params_x.csv", params_y=tmp / "params_y.csv")
    return files


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_irt_fit_writes_item_and_person_fit(forms, tmp_path):
    out = tmp_path / "fit.csv"
    res = _run("irt", "fit", forms["x"], "--params", forms["params_x"], "--out", out)
    assert res.exit_code == 0, res.output
    items = _rows(out)
    assert [r["item"] for r in items] == [f"q{j + 1}" for j in range(16)]
    assert all(0.5 < float(r["infit"]) < 1.5 for r in items) and "S_X2" in items[0]
    assert len(_rows(tmp_path / "fit.persons.csv")) == 1000
    assert "ความสอดคล้องกับโมเดล: 16 ข้อ ผู้สอบ 1000 คน" in res.output and "fit.persons.csv" in res.output


@pytest.mark.parametrize("method", ["mh", "logistic"])
def test_irt_dif_flags_the_planted_item(forms, tmp_path, method):
    out = tmp_path / "dif.xlsx"
    res = _run("irt", "dif", forms["x"], "--group-column", "sex", "--focal", "F", "--method", method,
               "--purify", "--out", out)
    assert res.exit_code == 0, res.output
    assert "q3" in res.output.splitlines()[1] and "กลุ่มเป้าหมาย F" in res.output
    sheet = load_workbook(out).worksheets[0]
    assert sheet.cell(1, 1).value == "item" and sheet.cell(4, 1).value == "q3"


def test_irt_dif_with_lord_on_two_calibrations(forms, tmp_path):
    res = _run("--lang", "en", "irt", "dif", forms["x"], "--group-column", "sex", "--focal", "F",
               "--method", "lord", "--out", tmp_path / "lord.csv")
    assert res.exit_code == 0, res.output
    assert "DIF by Lord's Wald (2pl)" in res.output and "q3" in res.output.splitlines()[1]


def test_irt_rasch_writes_every_table_to_one_workbook(forms, tmp_path):
    out = tmp_path / "rasch.xlsx"
    res = _run("irt", "rasch", forms["x"], "--split", "sex", "--out", out)
    assert res.exit_code == 0, res.output
    assert "Andersen LR" in res.output and "conditional log-likelihood" in res.output
    assert len(load_workbook(out).worksheets) == 5


def test_irt_link_and_equate_through_the_common_items(forms, tmp_path):
    out, moved = tmp_path / "link.csv", tmp_path / "x_on_y.csv"
    res = _run("irt", "link", forms["params_x"], forms["params_y"], "--out", out, "--transformed", moved)
    assert res.exit_code == 0, res.output
    link = _rows(out)[0]
    # form Y's persons are 0.5 abler: on Y's scale, X's θ = 0 sits near −0.5
    assert link["path"] == "params_x.params_y" and float(link["B"]) == pytest.approx(-0.5, abs=0.2)
    assert float(link["se_B"]) > 0 and _rows(moved)[0]["item_id"] == "q1"
    res = _run("irt", "equate", forms["params_x"], forms["params_y"], "--out", tmp_path / "eq.csv")
    assert res.exit_code == 0, res.output
    table = _rows(tmp_path / "eq.csv")
    assert len(table) == 17 and {"score_x", "score_y", "se"} <= set(table[0])
    assert "เทียบคะแนนจริง" in res.output


def test_irt_link_chains_three_forms(forms, tmp_path):
    res = _run("irt", "link", forms["params_x"], forms["params_y"], forms["params_y"], "--out", tmp_path / "l.csv")
    assert res.exit_code == 0, res.output
    kinds = [r["kind"] for r in _rows(tmp_path / "l.csv")]
    assert kinds == ["direct", "direct", "chain"]


@pytest.mark.parametrize(
    ("args", "thai", "english"),
    [
        (("dif", "{x}", "--group-column", "sex", "--focal", "X"), "ไม่มีกลุ่ม 'X'", "no group 'X'"),
        (("dif", "{x}", "--group-column", "school", "--focal", "F"), "ไม่พบคอลัมน์", "column not found"),
        (("fit", "{y}", "--params", "{params_x}"), "ไม่มีคอลัมน์ของข้อ 'q1'", "no column for item 'q1'"),
        (("rasch", "{bad}"), "ไม่ใช่คะแนน", "is not a score"),
        (("link", "{params_x}"), "อย่างน้อยสองฉบับ", "at least two parameter files"),
        (("equate", "{bad}", "{params_y}"), "ไม่ใช่ไฟล์พารามิเตอร์", "not a parameter file"),
    ],
)
def test_bad_files_are_refused_in_thai_and_english(forms, tmp_path, args, thai, english):
    bad = tmp_path / "bad.csv"
    bad.write_text("person_id,q1,q2\np1,1,ก\n", encoding="utf-8")
    paths = {**{k: str(v) for k, v in forms.items()}, "bad": str(bad)}
    argv = ["irt", *(a.format(**paths) for a in args), "--out", tmp_path / "out.csv"]
    res = _run(*argv)
    assert res.exit_code == 1 and thai in res.output and "Traceback" not in res.output
    res = _run("--lang", "en", *argv)
    assert res.exit_code == 1 and english in res.output
    assert not (tmp_path / "out.csv").exists()


def test_the_lazy_irt_group_names_every_toolkit_command_and_loads_no_toolkit_for_calibrate() -> None:
    """`khlang irt` lists web.analysis.irt_tools' commands by name (TOOLS) without importing it: the names
    must be exactly the commands that module attaches, and calibrate must not import it."""
    import subprocess
    import sys

    from web.analysis import irt_tools  # noqa: F401  (attaches its commands)
    from web.analysis.cli import TOOLS, irt

    assert sorted(c for c in irt.commands if c not in ("calibrate", "score")) == sorted(TOOLS)
    probe = ("import sys; from click.testing import CliRunner; from web.cli import cli; "
             "CliRunner().invoke(cli, ['irt', 'calibrate', '--help']); "
             "print('web.analysis.irt_tools' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"

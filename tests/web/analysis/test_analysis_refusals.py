"""khlang ctt / khlang irt and the calibrate job: every bad file refused in Thai (exit 1, no traceback),
one calibration record whichever channel asks for it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from web.cli import cli

ANSWERS = [["person_id", "q1", "q2", "q3"]] + [
    [f"{i:02d}", "กขคง"[i % 4], "กขคง"[(i // 2) % 4], "กขคง"[(i // 3) % 4]] for i in range(1, 21)
]
KEY = [["item_id", "key"], ["q1", "ก"], ["q2", "ข"], ["q3", "ค"]]


def _bytes(rows: list[list[str]], encoding: str, sep: str = ",") -> bytes:
    return "".join(sep.join(r) + "\r\n" for r in rows).encode(encoding)


def _run(*args: object):
    return CliRunner().invoke(cli, [*map(str, args)])


def _refused(result) -> str:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert "Traceback" not in result.output
    return result.output


def _responses(path: Path, n_persons: int = 300, n_items: int = 5, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=n_persons)
    x = (rng.random((n_persons, n_items)) < 1 / (1 + np.exp(-(theta[:, None] - np.linspace(-1, 1, n_items)))))
    lines = ["person_id," + ",".join(f"i{j}" for j in range(n_items))]
    lines += [f"p{i}," + ",".join(str(int(v)) for v in row) for i, row in enumerate(x)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("encoding", "sep"), [("utf-16", ","), ("utf-16", "\t"), ("cp874", ",")])
def test_an_answer_file_from_excel_in_utf16_or_cp874_gives_the_same_statistics(tmp_path, encoding, sep):
    key = tmp_path / "key.csv"
    key.write_bytes(_bytes(KEY, "utf-8-sig"))
    outputs = []
    for name, enc, s in (("utf8.csv", "utf-8", ","), ("other.csv", encoding, sep)):
        (tmp_path / name).write_bytes(_bytes(ANSWERS, enc, s))
        out = tmp_path / f"stats_{name}"
        result = _run("ctt", tmp_path / name, "--key", key, "--out", out)
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text(encoding="utf-8-sig"))
    assert outputs[0] == outputs[1]


def test_a_garbage_encoded_answer_file_is_refused_in_thai(tmp_path):
    bad = tmp_path / "answers.csv"
    bad.write_bytes(b"person_id,q1\n01,\x81\x82\n02,1\n")
    output = _refused(_run("ctt", bad, "--out", tmp_path / "o.csv"))
    assert "answers.csv แถว 2" in output and "อ่านไม่ได้ทั้งแบบ UTF-8 และ cp874" in output
    output = _refused(_run("irt", "calibrate", bad, "--out", tmp_path / "p.csv"))
    assert "answers.csv แถว 2" in output and "UTF-8" in output
    output = _refused(_run("--lang", "en", "irt", "calibrate", bad, "--out", tmp_path / "p.csv"))
    assert "answers.csv row 2" in output and "neither UTF-8 nor cp874" in output
    assert not (tmp_path / "o.csv").exists() and not (tmp_path / "p.csv").exists()


def test_a_missing_output_folder_is_refused_before_any_work(tmp_path):
    responses = _responses(tmp_path / "r.csv")
    for command in (["irt", "calibrate", responses], ["ctt", responses]):
        output = _refused(_run(*command, "--out", tmp_path / "nope" / "o.csv"))
        assert "ไม่มีโฟลเดอร์" in output
    params = tmp_path / "params.csv"
    assert _run("irt", "calibrate", responses, "--out", params).exit_code == 0
    output = _refused(_run("irt", "score", responses, "--params", params, "--out", tmp_path / "nope" / "s.csv"))
    assert "ไม่มีโฟลเดอร์" in output


def test_a_missing_input_is_refused_in_thai(tmp_path):
    output = _refused(_run("irt", "calibrate", tmp_path / "nowhere.csv", "--out", tmp_path / "p.csv"))
    assert "ไม่พบไฟล์" in output and "nowhere.csv" in output
    output = _refused(_run("ctt", tmp_path / "nowhere.csv", "--out", tmp_path / "o.csv"))
    assert "ไม่พบไฟล์" in output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "ไฟล์ ZIP"),
        (b"person_id,theta,se\np1,0.1,0.3\n", "ไม่ใช่ไฟล์พารามิเตอร์"),
        (b"item_id,model,a,b,c\ni0,2pl,abc,0,\n", "params.csv แถว 2 คอลัมน์ a: ค่า 'abc' ไม่ใช่ตัวเลข"),
    ],
)
def test_an_unreadable_parameter_file_is_refused_in_thai(tmp_path, content, expected):
    responses = _responses(tmp_path / "r.csv")
    params = tmp_path / "params.csv"
    params.write_bytes(content)
    output = _refused(_run("irt", "score", responses, "--params", params, "--out", tmp_path / "s.csv"))
    assert expected in output
    output = _refused(_run("irt", "calibrate", responses, "--anchors", params, "--out", tmp_path / "p.csv"))
    assert expected in output
    assert not (tmp_path / "s.csv").exists() and not (tmp_path / "p.csv").exists()


def test_calibration_writes_the_same_record_from_the_command_and_the_job(tmp_path):
    from web.jobs.tasks import calibrate as calibrate_job

    responses = _responses(tmp_path / "r.csv")
    by_cli, by_job = tmp_path / "cli.csv", tmp_path / "job.csv"
    assert _run("irt", "calibrate", responses, "--model", "2pl", "--out", by_cli).exit_code == 0
    outcome = calibrate_job(None, str(responses), "2pl", str(by_job))
    assert outcome["ok"] is True and outcome["converged"] is True
    metas = [json.loads(Path(f"{p}.meta.json").read_text()) for p in (by_cli, by_job)]
    for meta in metas:
        del meta["time_fit_s"], meta["time_total_s"]
    assert metas[0] == metas[1] and metas[0]["engine"] == "khlang" and metas[0]["n_persons"] == 300
    assert by_cli.read_text() == by_job.read_text()


def test_the_job_refuses_a_bad_file_as_the_command_does(tmp_path):
    from web.jobs.tasks import calibrate as calibrate_job

    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"person_id,I1\nP1,1\nP2," + "ก".encode("cp874") + b"\xff\n")
    outcome = calibrate_job(None, str(bad), "2pl", str(tmp_path / "never.csv"))
    assert outcome["ok"] is False and outcome["code"] == "import.unknown_encoding"
    assert outcome["problems"][0].startswith("bad.csv แถว 3: ")
    outcome = calibrate_job(None, str(bad), "2pl", str(tmp_path / "nope" / "never.csv"))
    assert outcome["ok"] is False and "ไม่มีโฟลเดอร์" in outcome["problems"][0]
    outcome = calibrate_job(None, str(bad), "9pl", str(tmp_path / "never.csv"))
    assert outcome["ok"] is False and outcome["code"] == "calibration.model_unknown"
    assert not (tmp_path / "never.csv").exists()

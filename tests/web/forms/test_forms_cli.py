"""`khlang forms ...` end to end on the test database: assemble, freeze, variants, show, render, key, sheet."""

from __future__ import annotations

import csv
import json
import subprocess

import pytest
from click.testing import CliRunner

from web.cli import cli

pytestmark = pytest.mark.slow

BLUEPRINT = {
    "name": "คณิตศาสตร์ ป.6 ทดสอบ", "grade": "ป.6", "test_length": 10, "n_forms": 1,
    "rows": [{"label": "เข้าใจ", "where": {"level": "understand"}, "items": 3},
             {"label": "นำไปใช้", "where": {"level": "apply"}, "items": 4},
             {"label": "วิเคราะห์", "where": {"level": "analyze"}, "items": 3}],
    "objective": {"kind": "maximin", "theta": [-1, 0, 1]},
}


def _run(db_url, tmp_path, *args):
    result = CliRunner().invoke(cli, ["--instance", str(tmp_path / "instance"), *args], env={"DATABASE_URL": db_url})
    return result


def test_officer_assembles_freezes_and_prints_a_form(db_url, bank, tmp_path):
    bp = tmp_path / "bp.json"
    bp.write_text(json.dumps(BLUEPRINT, ensure_ascii=False), encoding="utf-8")
    r = _run(db_url, tmp_path, "forms", "save-blueprint", str(bp), "--code", "BP-T")
    assert r.exit_code == 0, r.output
    r = _run(db_url, tmp_path, "forms", "assemble", "BP-T", "--time-limit", "10", "--freeze", "CLI", "--minutes", "40")
    assert r.exit_code == 0, r.output
    assert "ยืนยันฉบับ CLI-1: 10 ข้อ" in r.output
    assert _run(db_url, tmp_path, "forms", "variants", "CLI-1", "--count", "2").exit_code == 0
    shown = _run(db_url, tmp_path, "forms", "show", "CLI-1").output
    assert "TIF" in shown and "θ=+0" in shown and "ผัง BP-T: ครบทุกแถว" in shown and "ชุดสลับข้อ: A, B" in shown

    pdf = tmp_path / "b.pdf"
    r = _run(db_url, tmp_path, "forms", "render", "CLI-1", "--variant", "B", "--out", str(pdf))
    assert r.exit_code == 0, r.output
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "คณิตศาสตร์" in text and "CLI-1" in text

    key = tmp_path / "key.csv"
    assert _run(db_url, tmp_path, "forms", "key", "CLI-1", "--variant", "B", "--out", str(key)).exit_code == 0
    with key.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 10 and all(row["key"] in "กขคง" for row in rows)

    sheet = tmp_path / "sheet.pdf"
    assert _run(db_url, tmp_path, "forms", "answer-sheet", "CLI-1", "--out", str(sheet)).exit_code == 0
    layout = json.loads(sheet.with_suffix(".json").read_text(encoding="utf-8"))
    assert layout and sheet.stat().st_size > 1000

    docx = tmp_path / "b.docx"
    assert _run(db_url, tmp_path, "forms", "render", "CLI-1", "--variant", "A", "--format", "docx",
                "--out", str(docx)).exit_code == 0
    assert docx.read_bytes()[:2] == b"PK"


def test_unknown_form_and_bad_blueprint_exit_1_in_thai(db_url, bank, tmp_path):
    r = _run(db_url, tmp_path, "forms", "show", "NOPE")
    assert r.exit_code == 1 and "ไม่พบฉบับข้อสอบ NOPE" in r.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "rows": [{"where": {"level": "apply"}, "items": 99}]}', encoding="utf-8")
    r = _run(db_url, tmp_path, "forms", "assemble", str(bad), "--grade", "ป.6", "--time-limit", "5")
    assert r.exit_code == 1 and "นำไปใช้" not in r.output and "99" in r.output


def test_an_output_that_does_not_match_its_format_is_refused_in_thai_before_any_work(tmp_path):
    # no database behind --instance: the refusal comes before the command opens it
    r = CliRunner().invoke(cli, ["--instance", str(tmp_path / "instance"), "forms", "render", "ANY",
                                 "--out", str(tmp_path / "x.pdf"), "--format", "docx"])
    assert r.exit_code == 1 and "นามสกุลไฟล์ไม่ตรงกับรูปแบบ docx" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["--instance", str(tmp_path / "instance"), "forms", "key", "ANY",
                                 "--out", str(tmp_path / "missing" / "key.csv")])
    assert r.exit_code == 1 and "ไม่มีโฟลเดอร์" in r.output
    assert not (tmp_path / "instance").exists() and not (tmp_path / "x.pdf").exists()

"""`khlang ctt`: answer files in, statistics out; malformed files refused with row and column, exit 1."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from psychometrics.ctt import analyze_test, score_answers
from web.cli import cli

LETTERS = "กขคง"


def _class(n: int = 60, k: int = 10, seed: int = 5) -> tuple[list[list[str]], list[str]]:
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=n)
    b = np.linspace(-1.2, 1.2, k)
    right = rng.random((n, k)) < 1 / (1 + np.exp(-1.5 * (theta[:, None] - b)))
    key = rng.integers(0, 4, size=k)
    wrong = (key + rng.integers(1, 4, size=(n, k))) % 4
    answers = np.where(right, key, wrong)
    rows = [[LETTERS[a] for a in row] for row in answers]
    rows[3][4] = ""  # omitted
    rows[5][2] = "9"  # several marks
    rows[7][-2:] = ["", ""]  # not reached
    return rows, [LETTERS[c] for c in key]


def _write(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, list[list[str]], list[str]]:
    answers, key = _class()
    items = [f"q{j + 1}" for j in range(len(key))]
    resp = _write(
        tmp_path / "answers.csv",
        [["person_id", *items]] + [[f"{i + 1:02d}", *r] for i, r in enumerate(answers)],
    )
    # the key CSV that exports.keys writes: item_id,key plus more columns; one item cancelled
    key_rows = [["item_id", "key", "number", "variant"]] + [
        [i, k, n + 1, "A"] for n, (i, k) in enumerate(zip(items, key, strict=True))
    ]
    key_rows[2][1] = "ยกเลิก"
    key_path = _write(tmp_path / "key.csv", key_rows)
    return resp, key_path, answers, key


def _run(*args: object) -> object:
    return CliRunner().invoke(cli, ["ctt", *map(str, args)])


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_raw_answers_with_a_key_give_the_same_numbers_as_the_library(files, tmp_path):
    resp, key_path, answers, key = files
    out = tmp_path / "stats.csv"
    result = _run(resp, "--key", key_path, "--cut", 5, "--out", out)
    assert result.exit_code == 0, result.output
    assert "KR-20" in result.output and "กลุ่มละ 16 คน" in result.output  # round(0.27 × 60) = 16

    key_entries = list(key)
    key_entries[1] = "ยกเลิก"
    report = analyze_test(
        keyed=score_answers(answers, key_entries, item_ids=[f"q{j + 1}" for j in range(10)]), cut=5
    )
    rows = _read_csv(out)
    assert [r["ข้อ"] for r in rows] == [f"q{j}" for j in (1, *range(3, 11))]  # q2 cancelled
    np.testing.assert_allclose([float(r["p (ทั้งกลุ่ม)"]) for r in rows], report.items.p, atol=5e-4)
    np.testing.assert_allclose([float(r["r (H−L)/g"]) for r in rows], report.items.r, atol=5e-4)
    for part in ("test", "alpha", "options", "option_rows", "answer_codes", "criterion"):
        assert (tmp_path / f"stats.{part}.csv").exists()
    test_rows = {r["รายการ"]: r["ค่า"] for r in _read_csv(tmp_path / "stats.test.csv")}
    assert float(test_rows["ค่าความเชื่อมั่น (KR-20)"]) == pytest.approx(report.test.kr20, abs=1e-4)
    codes = {r["ข้อ"]: r for r in _read_csv(tmp_path / "stats.answer_codes.csv")}
    assert codes["q5"]["ไม่ตอบ"] == "1" and codes["q10"]["ทำไม่ถึง"] == "1"


def test_xlsx_output_has_one_sheet_per_table(files, tmp_path):
    resp, key_path, _, _ = files
    out = tmp_path / "stats.xlsx"
    result = _run(resp, "--key", key_path, "--evana", "--out", out)
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert len(wb.sheetnames) >= 7
    first = wb[wb.sheetnames[0]]
    assert first["A1"].value == "ข้อ"


def test_scored_file_in_cp874_without_a_key(tmp_path):
    rows = [["person_id", "ข้อ1", "ข้อ2", "ข้อ3"]] + [
        [f"นักเรียน{i}", i % 2, (i // 2) % 2, int(i > 3)] for i in range(8)
    ]
    resp = _write(tmp_path / "scored.csv", rows, encoding="cp874")
    out = tmp_path / "s.csv"
    result = _run(resp, "--groups", 25, "--out", out)
    assert result.exit_code == 0, result.output
    assert [r["ข้อ"] for r in _read_csv(out)] == ["ข้อ1", "ข้อ2", "ข้อ3"]


def test_english_headers_on_request(files, tmp_path):
    resp, key_path, _, _ = files
    out = tmp_path / "en.csv"
    result = _run(resp, "--key", key_path, "--locale", "en", "--out", out)
    assert result.exit_code == 0, result.output
    assert "difficulty" in _read_csv(out)[0]


def test_a_ragged_row_is_refused_with_its_row_and_column(tmp_path):
    resp = _write(
        tmp_path / "bad.csv", [["person_id", "q1", "q2"], ["1", "1", "0"], ["2", "1"], ["3", "0", "1"]]
    )
    result = _run(resp, "--out", tmp_path / "o.csv")
    assert result.exit_code == 1
    assert "bad.csv แถว 3 คอลัมน์ q2" in result.output


def test_an_invalid_answer_is_refused_with_its_row_and_item(files, tmp_path):
    resp, key_path, answers, _ = files
    lines = resp.read_text(encoding="utf-8-sig").splitlines()
    lines[4] = lines[4].replace("ก", "ฮ", 1) if "ก" in lines[4] else lines[4].replace("ข", "ฮ", 1)
    bad = tmp_path / "bad_answers.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run(bad, "--key", key_path, "--out", tmp_path / "o.csv")
    assert result.exit_code == 1
    assert "bad_answers.csv แถว 5 คอลัมน์ q" in result.output and "ไม่ใช่คำตอบ" in result.output


def test_a_bad_key_entry_and_a_missing_key_are_refused(files, tmp_path):
    resp, _, _, key = files
    items = [f"q{j + 1}" for j in range(10)]
    bad_key = _write(
        tmp_path / "k.csv", [["item_id", "key"]] + [[i, "ฮ" if i == "q3" else "ก"] for i in items]
    )
    result = _run(resp, "--key", bad_key, "--out", tmp_path / "o.csv")
    assert result.exit_code == 1 and "k.csv แถว 4 คอลัมน์ key" in result.output
    short_key = _write(tmp_path / "k2.csv", [["item_id", "key"]] + [[i, "ก"] for i in items[:-1]])
    result = _run(resp, "--key", short_key, "--out", tmp_path / "o.csv")
    assert result.exit_code == 1 and "ไม่มีเฉลยของข้อ q10" in result.output


def test_raw_letters_without_a_key_are_refused_with_a_hint(files, tmp_path):
    resp, _, _, _ = files
    result = _run(resp, "--out", tmp_path / "o.csv")
    assert result.exit_code == 1 and "--key" in result.output and "แถว 2" in result.output


def test_wrong_first_column_duplicate_person_and_bad_encoding(tmp_path):
    r1 = _write(tmp_path / "h.csv", [["student", "q1"], ["1", "1"], ["2", "0"]])
    assert "คอลัมน์แรกต้องชื่อ person_id" in _run(r1, "--out", tmp_path / "o.csv").output
    r2 = _write(tmp_path / "d.csv", [["person_id", "q1"], ["1", "1"], ["1", "0"], ["2", "1"]])
    result = _run(r2, "--out", tmp_path / "o.csv")
    assert result.exit_code == 1 and "d.csv แถว 3 คอลัมน์ person_id" in result.output
    r3 = tmp_path / "e.csv"
    r3.write_bytes(b"person_id,q1\n1,\xff\xfe\n")
    result = _run(r3, "--out", tmp_path / "o.csv")
    assert result.exit_code == 1 and "UTF-8" in result.output


def test_out_must_be_csv_or_xlsx_in_an_existing_folder(files, tmp_path):
    resp, key_path, _, _ = files
    assert _run(resp, "--key", key_path, "--out", tmp_path / "x.txt").exit_code == 1
    result = _run(resp, "--key", key_path, "--out", tmp_path / "nope" / "x.csv")
    assert result.exit_code == 1 and "ไม่มีโฟลเดอร์" in result.output


def test_a_formula_like_item_id_is_neutralised_in_the_csv(tmp_path):
    rows = [["person_id", "=cmd()", "q2"]] + [[str(i), i % 2, int(i > 2)] for i in range(6)]
    out = tmp_path / "o.csv"
    result = _run(_write(tmp_path / "f.csv", rows), "--out", out)
    assert result.exit_code == 0, result.output
    assert _read_csv(out)[0]["ข้อ"] == "'=cmd()"


def test_band_tables_and_limits_are_options(files, tmp_path):
    resp, key_path, _, _ = files
    out = tmp_path / "bands.csv"
    args = [
        "--discrimination-bands",
        "ebel",
        "--difficulty-bands",
        "tou",
        "--p-basis",
        "groups",
        "--r-min",
        1.01,
    ]
    result = _run(resp, "--key", key_path, *args, "--out", out)
    assert result.exit_code == 0, result.output
    rows = _read_csv(out)
    assert {r["อำนาจจำแนก"] for r in rows} <= {
        "ดีมาก",
        "ดี",
        "พอใช้",
        "ต่ำ (ควรปรับปรุง)",
        "ติดลบ (ตัดทิ้งหรือตรวจเฉลย)",
    }
    assert all(r["ใช้ได้"] == "" for r in rows)  # no r reaches 1.01
    assert "ข้อสอบที่ใช้ได้ 0 จาก 9 ข้อ" in result.output


def test_plain_quoted_and_spaced_files_give_the_same_statistics(files, tmp_path):
    resp, key_path, answers, _ = files
    items = [f"q{j + 1}" for j in range(10)]
    header = "person_id," + ",".join(items)
    body = [f"{i + 1:02d}," + ",".join(r) for i, r in enumerate(answers)]
    quoted = tmp_path / "quoted.csv"  # quotes: read by the csv module
    quoted.write_text(
        header
        + "\n"
        + "\n".join(f'"{line.split(",", 1)[0]}",{line.split(",", 1)[1]}' for line in body)
        + "\n",
        encoding="utf-8",
    )
    spaced = tmp_path / "spaced.csv"  # a cell with spaces: no one-character fast path
    spaced_body = list(body)
    spaced_body[0] = spaced_body[0].replace(",", ", ", 1)
    spaced.write_text(header + "\n" + "\n".join(spaced_body) + "\n", encoding="utf-8")
    outputs = []
    for source in (resp, quoted, spaced):
        out = tmp_path / f"{source.stem}_stats.csv"
        result = _run(source, "--key", key_path, "--out", out)
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text(encoding="utf-8-sig"))
    assert outputs[0] == outputs[1] == outputs[2]


def test_bad_cell_is_shown_as_typed(tmp_path):
    rows = [["person_id", "q1", "q2"], ["1", "ก", "ข"], ["2", "ฮ", "ข"], ["3", "ค", "ง"]]
    key = _write(tmp_path / "k.csv", [["item_id", "key"], ["q1", "ก"], ["q2", "ข"]])
    result = _run(
        _write(tmp_path / "a.csv", rows, encoding="utf-8"), "--key", key, "--out", tmp_path / "o.csv"
    )
    assert result.exit_code == 1
    assert "a.csv แถว 3 คอลัมน์ q1: 'ฮ' ไม่ใช่คำตอบ" in result.output

"""scoring.ingest: answer, key, response and parameter files under the bank's one decoding policy."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from itembank import decoding
from itembank.errors import KhlangError
from itembank.importing import files as bank_files
from scoring.abilities import fixed_point as _fixed
from scoring.errors import ScoringError
from scoring.ingest.answers import read_answers
from scoring.ingest.keys import read_key
from scoring.ingest.params import read_params
from scoring.ingest.responses import read_responses
from scoring.ingest.table import read_csv

RESPONSES = "person_id,i1,i2,i3\np1,0,1,1\np2,1,0,\np3,1,1,0\n"
ANSWERS = [["person_id", "q1", "q2"], ["01", "ก", "ข"], ["02", "ค", ""], ["03", "ง", "ก"]]


def _csv_text(rows: list[list[str]], sep: str = ",") -> str:
    return "".join(sep.join(r) + "\r\n" for r in rows)


def test_reader_handles_crlf_bom_blank_lines_quotes_and_two_digit_scores(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b'\xef\xbb\xbfperson_id,g,i1,i2\r\n"p1",A,0,12\r\n\r\np2,B,,1\r\n')
    x, items, texts = read_responses(path, ("person_id", "g"))
    assert items == ["i1", "i2"]
    np.testing.assert_array_equal(x, [[0, 12], [-1, 1]])
    assert texts["person_id"].tolist() == [b"p1", b"p2"] and texts["g"].tolist() == [b"A", b"B"]


def test_fixed_point_formatting_matches_python():
    v = np.array([0.0, -0.5, 1.23456789, -12.0000004, 123.9999996, np.nan, -0.0000004])
    grid = _fixed(v)
    text = [bytes(r[r != 0]).decode() for r in grid]
    assert text == ["0.000000", "-0.500000", "1.234568", "-12.000000", "124.000000", "", "0.000000"]


def test_the_bank_and_scoring_share_one_decoding_policy():
    assert bank_files.decode_text is decoding.decode_text
    assert decoding.decode_text("ก,ข\n".encode("cp874"), "a.csv") == "ก,ข\n"
    assert decoding.decode_text("ก,ข\n".encode("utf-16"), "a.csv") == "ก,ข\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp874"])
def test_a_response_file_reads_the_same_in_every_accepted_encoding(tmp_path, encoding):
    path = tmp_path / "r.csv"
    path.write_bytes(RESPONSES.replace("\np", "\nผ").encode(encoding))
    x, items, texts = read_responses(path)
    assert items == ["i1", "i2", "i3"]
    np.testing.assert_array_equal(x, [[0, 1, 1], [1, 0, -1], [1, 1, 0]])
    assert [t.decode() for t in texts["person_id"]] == ["ผ1", "ผ2", "ผ3"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp874"])
@pytest.mark.parametrize("sep", [",", "\t"])
def test_an_answer_file_in_utf16_cp874_or_tabs_reads_like_utf8(tmp_path, encoding, sep):
    path = tmp_path / "answers.csv"
    path.write_bytes(_csv_text(ANSWERS, sep).encode(encoding))
    persons, items, cells = read_answers(read_csv(path))
    assert persons == ["01", "02", "03"] and items == ["q1", "q2"]
    assert cells.astype(str).tolist() == [["ก", "ข"], ["ค", ""], ["ง", "ก"]]


def test_a_key_file_in_cp874_with_a_cancelled_item(tmp_path):
    path = tmp_path / "key.csv"
    path.write_bytes(_csv_text([["item_id", "key"], ["q1", "ก"], ["q2", "ยกเลิก"]]).encode("cp874"))
    key = read_key(path, ["q1", "q2"])
    assert len(key) == 2


def test_a_garbage_encoded_file_is_refused_in_thai_with_its_line(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_bytes(b"person_id,q1\n1,0\n2,\xff\xfe\n")
    for read in (lambda: read_csv(path), lambda: read_responses(path)):
        with pytest.raises(ScoringError) as info:
            read()
        e = info.value
        assert isinstance(e, KhlangError) and e.code == "import.unknown_encoding" and e.kind == "invalid"
        assert e.where.file == "answers.csv" and e.where.row == 3
        assert "UTF-8" in e.text("th") and "อ่านไม่ได้" in e.text("th") and "neither" in e.text("en")


def test_mojibake_cp874_is_refused_not_guessed(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("person_id,q1\n1,é\n".encode("latin-1") + bytes([0xD4, 0xE8]) + b"\n")  # marks after Latin
    with pytest.raises(ScoringError) as info:
        read_csv(path)
    assert info.value.code == "import.unknown_encoding" and "cp874" in info.value.text("th")


def test_a_renamed_xlsx_and_a_missing_file_are_refused_in_thai(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b"PK\x03\x04rest of a zip")
    with pytest.raises(ScoringError) as info:
        read_responses(path)
    assert info.value.code == "import.csv_is_zip" and "ZIP" in info.value.text("th")
    with pytest.raises(ScoringError) as info:
        read_csv(tmp_path / "nowhere.csv")
    assert info.value.kind == "not_found" and info.value.text("th") == "nowhere.csv: ไม่พบไฟล์"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x00\x01\x02binary", "ไบนารี"),
        (b"person,theta\np1,0.5\n", "ไม่ใช่ไฟล์พารามิเตอร์"),
        (b"item_id,model,a,b,c\ni1,2pl,x,0,\n", "แถว 2 คอลัมน์ a: ค่า 'x' ไม่ใช่ตัวเลข"),
        (b"item_id,model,a,b,c\ni1,5pl,1,0,\n", "ไม่รู้จักโมเดล '5pl'"),
        (b"item_id,model,a,b,c\n", "ไม่มีแถวพารามิเตอร์"),
    ],
)
def test_an_unreadable_parameter_file_is_refused_in_thai(tmp_path, content, expected):
    path = tmp_path / "params.csv"
    path.write_bytes(content)
    with pytest.raises(ScoringError) as info:
        read_params(path)
    assert info.value.where.file == "params.csv" and expected in info.value.text("th")


def test_a_parameter_file_from_excel_in_utf16(tmp_path):
    path = tmp_path / "params.csv"
    with path.open("w", encoding="utf-16", newline="") as f:
        csv.writer(f, delimiter="\t").writerows([["item_id", "model", "a", "b", "c"], ["ข้อ1", "2pl", "1.2", "-0.5", ""]])
    params = read_params(path)
    assert params.item_ids == ("ข้อ1",) and params.a[0] == 1.2 and params.b[0] == -0.5


def test_many_bad_cells_are_listed_up_to_the_limit_and_counted(tmp_path):
    path = Path(tmp_path / "a.csv")
    path.write_text("person_id,q1\n" + "".join(f"{i},x\n" for i in range(30)), encoding="utf-8")
    from scoring.ingest.answers import scored_matrix

    data = read_csv(path)
    _, items, cells = read_answers(data)
    with pytest.raises(ScoringError) as info:
        scored_matrix(data, items, cells)
    problems = info.value.problems
    assert len(problems) == 21 and problems[0].where.row == 2 and "อีก 10 ปัญหา" in problems[-1].text("th")

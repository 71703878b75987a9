"""Answer keys per variant: CSV that scoring reads, PDF with rubrics."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from exports_pdftools import needs_poppler, text

from demo.documents import demo_booklet
from exports.data import AnswerKey, KeyEntry
from exports.keys import CSV_COLUMNS, key_csv, render_key_pdf, write_key_csv


def test_csv_keys_match_each_variant_and_parse_for_scoring(tmp_path: Path) -> None:
    from psychometrics.ctt import parse_key

    for variant in "ABC":
        booklet = demo_booklet(variant)
        path = write_key_csv(AnswerKey.from_booklet(booklet), tmp_path / f"key_{variant}.csv")
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens Thai correctly
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert tuple(rows[0]) == CSV_COLUMNS
        keyed = [(n, i) for n, i in enumerate(booklet.items, start=1) if i.item_key is not None]
        assert [r["item_id"] for r in rows] == [i.item_id for _, i in keyed]
        for r, (n, item) in zip(rows, keyed, strict=True):
            assert int(r["number"]) == n and r["variant"] == variant
            if item.is_choice:
                assert r["key"] == "กขคง"[item.key - 1] and r["answer_type"] == "single"
                parse_key(r["key"])  # the letter is a key scoring understands
            else:
                assert r["answer_type"] == "rubric" and float(r["key"]) == item.points


def test_variant_keys_point_at_the_same_answer_text() -> None:
    a, b = demo_booklet("A"), demo_booklet("B")
    text_a = {i.item_id: i.options[i.key - 1] for i in a.items if i.is_choice}
    text_b = {i.item_id: i.options[i.key - 1] for i in b.items if i.is_choice}
    assert text_a == text_b
    assert key_csv(AnswerKey.from_booklet(a)) != key_csv(AnswerKey.from_booklet(b))


def test_csv_cells_are_neutralised() -> None:
    key = AnswerKey("F", "A", "t", (KeyEntry(1, "=HYPERLINK(1)", 1, indicator="+x"),))
    row = list(csv.reader(io.StringIO(key_csv(key))))[1]
    assert row[0] == "'=HYPERLINK(1)" and row[6] == "'+x"


@needs_poppler
def test_key_pdf_lists_every_variant_with_letters_and_rubrics(tmp_path: Path) -> None:
    keys = [AnswerKey.from_booklet(demo_booklet(v)) for v in "AB"]
    out = tmp_path / "key.pdf"
    render_key_pdf(keys, out)
    got = text(out)
    assert "ชุด A" in got and "ชุด B" in got and "เกณฑ์การให้คะแนนข้อเขียนตอบ" in got
    first = re.search(r"๑\. ([กขคง])", got)
    assert first is not None and first[1] == "กขคง"[keys[0].entries[0].key - 1]
    assert "216 บาท" in got  # a rubric line of the written item

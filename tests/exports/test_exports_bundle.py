"""One call writes a variant's booklet, key and answer sheet; the pieces agree with each other."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from demo.bundle import main
from demo.documents import demo_booklet
from exports.bundle import safe_stem, write_form_documents
from exports.stamp import SchoolStamp


def test_bundle_pieces_agree(tmp_path: Path) -> None:
    booklet = demo_booklet("C")
    paths = write_form_documents(
        booklet, tmp_path, formats=("pdf",), schools=[SchoolStamp("1040120345", "บ้านโคก")]
    )
    assert {"booklet.pdf", "key.pdf", "key.csv", "answer_sheet.pdf", "answer_sheet.json", "copies"} <= set(
        paths
    )
    assert all(p.exists() for p in paths.values())
    layout = json.loads(paths["answer_sheet.json"].read_text(encoding="utf-8"))
    with paths["key.csv"].open(encoding="utf-8-sig") as f:
        keyed = list(csv.DictReader(f))
    n_choice = sum(1 for i in booklet.items if i.is_choice)
    assert len(keyed) == sum(1 for i in booklet.items if i.item_key is not None)  # written items too
    assert sum(1 for r in keyed if r["answer_type"] == "single") == n_choice == max(b["item"] for b in layout["items"])
    assert layout["variant"] == "C" and "|C|" in layout["qr"]["payload"]
    assert (paths["copies"] / "1040120345.pdf").exists()


def test_file_names_are_safe() -> None:
    assert safe_stem("ค62/2568 ชุด:1") == "ค62_2568_ชุด_1" and safe_stem("../..") == "form"


def test_command_line_writes_docx_too(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    main([str(tmp_path), "--variant", "A", "--arabic-digits"])
    printed = capsys.readouterr().out
    assert "booklet.docx" in printed and len(list(tmp_path.glob("*.docx"))) == 2

"""One dispatch picks the renderer by format; an unknown format is refused in Thai."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from demo.documents import demo_answer_sheet, demo_booklet
from exports.data import AnswerKey
from exports.errors import ExportError
from exports.keys import key_csv
from exports.render import formats_of, render, write


@pytest.mark.parametrize(("data", "fmt"), [(demo_booklet("A"), "csv"), (AnswerKey.from_booklet(demo_booklet("A")), "xlsx"),
                                           (demo_answer_sheet(), "docx"), (demo_booklet("A"), "")])
def test_an_unknown_format_is_refused_in_thai_naming_the_formats_there_are(data, fmt) -> None:
    with pytest.raises(ExportError) as e:
        render(data, fmt)
    assert e.value.code == "render.format_unknown" and e.value.kind == "invalid"
    assert "ไม่รู้จักรูปแบบ" in e.value.text("th") and ", ".join(formats_of(data)) in e.value.text("th")
    assert "unknown format" in e.value.text("en")


def test_the_format_comes_from_the_extension_and_each_document_gets_its_renderer(tmp_path: Path) -> None:
    key = AnswerKey.from_booklet(demo_booklet("B"))
    written = write(key, tmp_path / "key.CSV")
    assert written == (tmp_path / "key.CSV").read_bytes() == key_csv(key).encode("utf-8-sig")
    assert write(key, tmp_path / "key.docx")[:2] == b"PK"
    assert render(demo_booklet("A"), ".docx", thai_digits=False)[:2] == b"PK"
    layout = json.loads(render(demo_answer_sheet(), "json"))
    assert layout["items"] and render(key, "pdf")[:5] == b"%PDF-"

"""Every document of one variant in one call: booklet (PDF, DOCX), key (PDF, CSV, DOCX), answer sheet.

Run on the demo form by :mod:`demo.bundle`::

    .venv/bin/python -m demo.bundle OUT_DIR [--variant A] [--school-code 1040120345 --school-name ...]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from exports.answer_sheet import render_answer_sheet
from exports.data import AnswerKey, AnswerSheetSpec, Booklet
from exports.render import check_format, write
from exports.stamp import SchoolStamp, stamp_copies

FORMATS = ("pdf", "docx")


def safe_stem(text: str) -> str:
    """A file-name-safe version of a code: Thai letters, digits, Latin letters, ``.``, ``_``, ``-``."""
    return re.sub(r"[^0-9A-Za-z\u0e00-\u0e7f._-]+", "_", text).strip("._") or "form"


def write_form_documents(
    booklet: Booklet,
    out_dir: str | Path,
    *,
    formats: Sequence[str] = FORMATS,
    answer_sheet: AnswerSheetSpec | None = None,
    schools: Sequence[SchoolStamp] = (),
    thai_digits: bool = True,
) -> dict[str, Path]:
    """Write the booklet, key and answer sheet of `booklet`'s variant into `out_dir`.

    Returns the paths by role: ``booklet.pdf``, ``booklet.docx``, ``key.pdf``, ``key.csv``, ``key.docx``,
    ``answer_sheet.pdf``, ``answer_sheet.json``, and ``copies`` (a folder) when `schools` is given:
    one stamped PDF per school, made from the single booklet render.
    """
    formats = [check_format(Booklet, f) for f in formats]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{safe_stem(booklet.form_code)}_{safe_stem(booklet.variant)}"
    key = AnswerKey.from_booklet(booklet)
    paths: dict[str, Path] = {}
    for fmt in formats:  # the key's CSV is written once, after the rendered formats
        paths[f"booklet.{fmt}"] = out / f"booklet_{stem}.{fmt}"
        master = write(booklet, paths[f"booklet.{fmt}"], fmt, thai_digits=thai_digits)
        paths[f"key.{fmt}"] = out / f"key_{stem}.{fmt}"
        write(key, paths[f"key.{fmt}"], fmt, thai_digits=thai_digits)
        if fmt == "pdf" and schools:
            paths["copies"] = out / f"copies_{stem}"
            stamp_copies(master, schools, paths["copies"])
    paths["key.csv"] = out / f"key_{stem}.csv"
    write(key, paths["key.csv"], "csv")
    spec = answer_sheet or AnswerSheetSpec(
        administration=booklet.administration or booklet.form_code,
        form_code=booklet.form_code,
        n_items=sum(1 for i in booklet.items if i.is_choice),
        school=booklet.school,
    )
    paths["answer_sheet.pdf"] = out / f"answer_sheet_{stem}.pdf"
    paths["answer_sheet.json"] = out / f"answer_sheet_{stem}.json"
    render_answer_sheet(
        spec, paths["answer_sheet.pdf"], variant=booklet.variant, spec_out=paths["answer_sheet.json"]
    )
    return paths

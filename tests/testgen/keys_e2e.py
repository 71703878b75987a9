"""Helpers of the end-to-end key tests: items of every type, printed keys read back, responses."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from exports.data import THAI_OPTION_LETTERS, AnswerKey, Booklet, ItemKey
from itembank.models import ItemVersion
from testgen.models import FormItem as FormRow
from testgen.variants import Variant, parse_key_cell

LETTERS = THAI_OPTION_LETTERS
THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def version(kind: str, n: int, rnd) -> ItemVersion:
    """An in-memory item version of `kind` (no database), its key drawn from `rnd` (random.Random)."""
    labels = LETTERS[:5]
    base = {"item_id": n, "number": 1, "stem": f"ข้อที่ {n}", "curriculum_edition": "2551-rev2560"}
    if kind in ("single", "several"):
        k = 4 if kind == "single" else 5
        opts = [{"label": labels[i], "text": f"ตัวเลือก {n}-{i}", "fixed": False} for i in range(k)]
        if kind == "single" and rnd.random() < 0.3:
            opts[-1]["fixed"] = True
        right = rnd.sample(range(k), 1 if kind == "single" else rnd.randint(2, 3))
        return ItemVersion(**base, type="multiple_choice", options=opts, key=[labels[i] for i in sorted(right)])
    if kind == "true_false":
        return ItemVersion(**base, type="true_false", key=[rnd.choice(["true", "false"])])
    if kind == "numeric":
        value = rnd.randint(1000, 99999)
        return ItemVersion(**base, type="numeric", accepted_answers=[f"{value:,}", str(value)])
    if kind == "text":
        return ItemVersion(**base, type="short_answer", accepted_answers=[rnd.choice(["สามเหลี่ยม", "วงกลม"])])
    if kind == "matching":
        opts = [{"label": labels[i], "text": f"ขวา {i}", "fixed": False} for i in range(4)]
        rows = rnd.sample(range(4), 3)
        return ItemVersion(**base, type="matching", options=opts, score_points=3.0,
                           key=[f"{r + 1}-{labels[o]}" for r, o in enumerate(rows)])
    rubric = [{"level": str(p), "points": p, "description": f"ระดับ {p}"} for p in range(4, -1, -1)]
    return ItemVersion(**base, type="constructed_response", score_points=4.0, rubric=rubric)


KINDS = ("single", "several", "true_false", "numeric", "text", "matching", "rubric")


def form_row(position: int) -> FormRow:
    return FormRow(form_id=0, position=position, item_version_id=position, section="")


def variant_of(row) -> Variant:
    """A stored FormVariant row (or a Variant) as a Variant."""
    return Variant(row.label, row.seed, tuple(row.order), tuple(tuple(m) for m in row.option_maps),
                   tuple(tuple(k) for k in row.key))


def keys_from_csv(text: str) -> list[tuple[int, str, ItemKey]]:
    """(number, item_id, key) per row of a key CSV, read back as printed."""
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    return [(int(r["number"]), r["item_id"], parse_key_cell(r["key"], r["answer_type"], float(r["points"])))
            for r in rows]


def keys_from_pdf(pdf: Path, key: AnswerKey) -> dict[int, str]:
    """The key cell printed for each item number in the key PDF's detail table (pdftotext -layout):
    the text between the item code and the points."""
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    out = unicodedata.normalize("NFKC", out)
    found: dict[int, str] = {}
    for e in key.entries:
        m = re.search(rf"^\s*(\S+)\s+{re.escape(e.item_id)}\s+(.+?)\s{{2,}}(\S+)\s", out, re.M)
        if m and int(m[1].translate(THAI_TO_ARABIC)) == e.number:
            found[e.number] = m[2].strip()
    return found


def printed_to_key(printed: str, kind: str, points: float) -> ItemKey:
    """A key cell as printed in the PDF (``ข, ง``; ``1-ก, 2-ค``; written answers; ``เขียนตอบ``)."""
    if kind == "rubric":
        return ItemKey("rubric", points=points)
    cell = printed.replace(", ", ",") if kind in ("single", "several", "matching") else printed
    return parse_key_cell(cell, kind, points)


def response_for(key: ItemKey):
    """Exactly the key, as a student would answer it."""
    if key.is_choice:
        return tuple(key.options)
    if key.kind in ("numeric", "text"):
        return key.accepted[0]
    if key.kind == "matching":
        return tuple(key.pairs)
    return key.points


def single_changes(key: ItemKey, n_options: int) -> list:
    """Every answer that differs from the key by one change (one mark more or less, another option,
    another written answer, one row matched differently, one rubric level lower)."""
    if key.is_choice:
        marked = set(key.options)
        out = [tuple(sorted(marked ^ {o})) for o in range(n_options)]
        return [o for o in out if o]  + [None]
    if key.kind in ("numeric", "text"):
        return [key.accepted[0] + "1", "", None]
    if key.kind == "matching":
        out = []
        for r in range(len(key.pairs)):
            for o in range(n_options):
                if o != key.pairs[r]:
                    out.append(tuple(o if i == r else p for i, p in enumerate(key.pairs)))
        return out
    return [key.points - 1, 0.0]


def booklet_of(items, form_code: str, variant: str) -> Booklet:
    import datetime as dt

    return Booklet(form_code=form_code, variant=variant, title="ทดสอบเฉลย", learning_area="คณิตศาสตร์",
                   grade="ป.6", exam_date=dt.date(2026, 2, 20), minutes=60, district="", items=tuple(items))


def n_options_of(printed_options: Sequence[str], key: ItemKey) -> int:
    return len(printed_options) if printed_options else (max(key.pairs) + 2 if key.pairs else 0)


def seeded_demo_url(tmp_path_factory) -> str:
    """A SQLite database holding the whole demo district: this process's copy of the run's one seed
    (:mod:`demodb`, shared with the demo tests and the crawl), or the one KHLANG_DEMO_DB names, already
    seeded with ``khlang demo seed``. Read it only."""
    import os

    if os.environ.get("KHLANG_DEMO_DB"):
        return os.environ["KHLANG_DEMO_DB"]
    if "url" not in _SEEDED:
        from demodb import demo_copy, demo_template

        with demo_copy(demo_template("sqlite", tmp_path_factory), tmp_path_factory.mktemp("demo")) as copy:
            _SEEDED["url"] = copy.url  # a file: nothing to drop after
    return _SEEDED["url"]


_SEEDED: dict[str, str] = {}

"""Poppler helpers for the exports tests: text, word boxes, fonts, rasters, the item-split check."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

from exports.data import THAI_OPTION_LETTERS, Booklet
from exports.text import digits

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext, pdftoppm, pdffonts) not installed"
)


def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def text(pdf: Path, *, raw: bool = True) -> str:
    """pdftotext in content-stream order (-raw), NFKC-normalised (ำ is extracted as ํา)."""
    out = run("pdftotext", *(["-raw"] if raw else []), "-enc", "UTF-8", pdf, "-")
    return unicodedata.normalize("NFKC", out)


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def fonts(pdf: Path) -> list[dict[str, str]]:
    lines = run("pdffonts", pdf).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... emb sub uni object ID: the last five columns are fixed
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    page_width: float
    page_height: float


def words(pdf: Path) -> list[Word]:
    """Every word with its box in points, from pdftotext -bbox (XHTML)."""
    xhtml = run("pdftotext", "-bbox", "-enc", "UTF-8", pdf, "-")
    xhtml = re.sub(r"<!DOCTYPE[^>]*>", "", xhtml)
    root = ElementTree.fromstring(xhtml)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    out = []
    for k, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        w, h = float(page.get("width")), float(page.get("height"))
        for word in page.findall("h:word", ns):
            out.append(
                Word(
                    k,
                    float(word.get("xMin")),
                    float(word.get("yMin")),
                    float(word.get("xMax")),
                    float(word.get("yMax")),
                    nfkc(word.text or ""),
                    w,
                    h,
                )
            )
    return out


def rasterise(pdf: Path, out_dir: Path, dpi: int = 60, first: int = 1, last: int | None = None) -> list[Path]:
    args = ["pdftoppm", "-r", str(dpi), "-png", "-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    run(*args, pdf, out_dir / "page")
    return sorted(out_dir.glob("page*.png"))


def column(w: Word) -> int:
    return 0 if (w.x0 + w.x1) / 2 < w.page_width / 2 else 1


def assert_items_whole(b: Booklet, ws: list[Word]) -> None:
    ws = sorted((w for w in ws if w.page > 1), key=lambda w: (w.page, column(w), round(w.y0), w.x0))
    numbers = {digits(f"{n}."): n for n in range(1, len(b.items) + 1)}
    letters = {f"{letter}.": k for k, letter in enumerate(THAI_OPTION_LETTERS)}
    placed: dict[int, tuple[int, int]] = {}
    options: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    current = None
    for w in ws:
        column_left = 40 if column(w) == 0 else w.page_width / 2 + 8
        if w.text in numbers and abs(w.x0 - column_left) < 12 and numbers[w.text] not in placed:
            current = numbers[w.text]
            placed[current] = (w.page, column(w))
        elif w.text in letters and current is not None:
            options[current].append((letters[w.text], w.page, column(w)))
    assert set(placed) == set(range(1, len(b.items) + 1)), sorted(
        set(range(1, len(b.items) + 1)) - set(placed)
    )
    split = []
    for n, item in enumerate(b.items, start=1):
        if not item.is_choice:
            continue
        got = options[n][: len(item.options)]
        if [k for k, _, _ in got] != list(range(len(item.options))) or any(
            (p, c) != placed[n] for _, p, c in got
        ):
            split.append(n)
    assert split == []

"""Poppler helpers for the exports tests: text, word boxes, fonts, rasters, the item-split check."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
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


_FOLLOWING = set("ะัาำิีึืฺุู็่้๊๋์ํ")


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
            text_ = word.text or ""
            prev = out[-1] if out else None
            if (prev is not None and prev.page == k and text_[:1] in _FOLLOWING
                    and abs(float(word.get("xMin")) - prev.x1) < 1 and abs(float(word.get("yMin")) - prev.y0) < 2):
                # ำ drawn as NIKHAHIT + SARA AA (its own code since exports.pdf._join_sara_am) starts a
                # word of its own in pdftotext's grouping: it belongs to the word before it
                out[-1] = Word(k, prev.x0, prev.y0, float(word.get("xMax")), prev.y1, prev.text + nfkc(text_), w, h)
                continue
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


def _reading_order(ws: list[Word], tolerance: float = 2.5) -> list[Word]:
    """Words by page, column, line and x: words within `tolerance` pt of a line's top share the line
    (options printed side by side sit on baselines a fraction of a point apart)."""
    ws = sorted(ws, key=lambda w: (w.page, column(w), w.y0))
    keyed, line, top, last = [], 0, None, None
    for w in ws:
        where = (w.page, column(w))
        if where != last or top is None or w.y0 - top > tolerance:
            line, top, last = line + 1, w.y0, where
        keyed.append((where, line, w.x0, w))
    return [w for *_, w in sorted(keyed, key=lambda t: t[:3])]


def assert_items_whole(b: Booklet, ws: list[Word]) -> None:
    ws = _reading_order([w for w in ws if w.page > 1])
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


MM = 72 / 25.4
_UNIT_START = ("ซม.", "มม.", "กม.", "กก.", "มล.", "ม.", "น.", "บาท", "ตร.", "ลบ.", "%", "องศา", "นาที",
               "เซนติเมตร", "มิลลิเมตร", "กิโลเมตร", "ตารางเซนติเมตร", "ลูกบาศก์เซนติเมตร", "กิโลกรัม", "สัน")


def body_lines(pdf: Path, top_mm: float = 18, bottom_mm: float = 20) -> list[list[Word]]:
    """The body's lines, words left to right: words of one page and column whose tops lie within 2 pt
    (a mark that GPOS moves, such as ์ over ท, is a word of its own a fraction of a point lower)."""
    ws = [w for w in words(pdf) if top_mm * MM < w.y0 < (297 - bottom_mm) * MM]
    ws.sort(key=lambda w: (w.page, column(w), w.y0, w.x0))
    out: list[list[Word]] = []
    for w in ws:
        last = out[-1][0] if out else None
        if last is not None and (last.page, column(last)) == (w.page, column(w)) and abs(w.y0 - last.y0) < 2:
            out[-1].append(w)
        else:
            out.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in out]


def _fix_am(s: str) -> str:
    return s.replace("\u0e4d\u0e32", "\u0e33")


def line_breaks(lines: list[list[Word]]) -> list[tuple[str, str]]:
    """(end of a line, start of the next) where a paragraph wrapped: consecutive lines of one page and
    column whose first line reaches within 12 pt of the widest line there (a line that ends short
    ended its paragraph; an option label ก. ข. … starts a line of its own)."""
    right: dict[tuple[int, int], float] = {}
    for line in lines:
        k = (line[0].page, column(line[0]))
        right[k] = max(right.get(k, 0.0), line[-1].x1)
    out = []
    for a, b in zip(lines, lines[1:], strict=False):
        k = (a[0].page, column(a[0]))
        if k != (b[0].page, column(b[0])) or b[0].y0 - a[0].y0 > 40 or a[-1].x1 < right[k] - 12:
            continue
        if re.fullmatch(r"[ก-ฉ]\.", b[0].text):
            continue
        out.append((_fix_am(a[-1].text), _fix_am(b[0].text)))
    return out


def bad_line_ends(pairs: list[tuple[str, str]], source: str = "") -> tuple[int, list[tuple[str, str]]]:
    """How many Thai line ends were checked, and those not at a word boundary (Khlang's dictionary):
    a line beginning with punctuation or ๆ, a number parted from its unit, a Thai word cut in two.
    `source` (the printed text) tells a break at a space (``สาย ข ออก``) from one inside a word."""
    spaced = re.sub(r"\s+", " ", source)
    from exports.text import thai_words

    thai = re.compile(r"[\u0e01-\u0e4e]")
    checked, bad = 0, []
    for tail, head in pairs:
        if not tail or not head:
            continue
        if head[0] in ",.;:)]}ๆฯ%" and not head.startswith("..."):  # "17, 35, 53, ..." may wrap before ...
            bad.append((tail, head))
            continue
        if tail[-1].isdigit() and head.startswith(_UNIT_START):
            bad.append((tail, head))
            continue
        if f"{tail} {head}" in spaced:
            continue
        if not (thai.match(tail[-1]) and thai.match(head[0])):
            continue
        checked += 1
        bounds, pos = set(), 0
        for w in thai_words(tail + head):
            pos += len(w)
            bounds.add(pos)
        if len(tail) not in bounds:
            bad.append((tail, head))
    return checked, bad


# ------------------------------------------------------------ which digits were printed (LibreOffice)


@cache
def sarabun(bold: bool) -> object:
    from PIL import ImageFont

    from exports.pdf import sarabun_dir

    return ImageFont.truetype(str(sarabun_dir() / f"Sarabun-{'Bold' if bold else 'Regular'}.ttf"), 100)


THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def printed_digits(w: Word) -> str:
    """"arabic" or "thai": which digits LibreOffice drew in `w`, from its printed width. The point size comes
    from the box's height (Sarabun's ascent + descent); regular and bold are both tried."""
    best = []
    for bold in (False, True):
        font = sarabun(bold)
        ascent, descent = font.getmetrics()
        size = (w.y1 - w.y0) * 100 / (ascent + descent)
        for kind, s in (("arabic", w.text), ("thai", w.text.translate(THAI_DIGITS))):
            best.append((abs(font.getlength(s) * size / 100 - (w.x1 - w.x0)), kind))
    return min(best)[1]

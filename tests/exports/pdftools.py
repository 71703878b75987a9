"""Poppler helpers for the exports tests: text, word boxes, fonts, rasters."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

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

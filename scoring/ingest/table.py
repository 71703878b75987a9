"""A CSV as a table of text cells, with the row numbers a spreadsheet shows (header = row 1).

Answer files and keys are read through here: decoded by the one policy of the bank
(:func:`scoring.ingest.text.read_text`), blank rows skipped, ragged rows refused with their row
and column. A file without quotes keeps its body as lines, split into cells only when asked,
so a large answer file of one-character answers never becomes millions of Python strings.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from itembank.errors import Where, column_letter
from scoring.errors import MAX_PROBLEMS, problem, raise_problems
from scoring.ingest.text import read_text


@dataclass(frozen=True)
class CsvData:
    """A parsed CSV: header and body rows (row numbers as the spreadsheet shows them, header = 1)."""

    path: Path
    header: list[str]
    row_numbers: list[int]
    split_rows: list[list[str]] | None = None
    lines: list[str] | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @cached_property
    def rows(self) -> list[list[str]]:
        if self.split_rows is not None:
            return self.split_rows
        return [line.split(",") for line in self.lines or ()]


def read_csv(path: Path) -> CsvData:
    """Read a CSV under the bank's decoding policy; refuse ragged rows, undecodable bytes, an empty file."""
    name = path.name
    text = read_text(path)
    if '"' not in text:  # plain CSV: keep lines, count commas
        all_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        kept = [(line, i) for i, line in enumerate(all_lines, start=1) if line.replace(",", "")]
        if not kept:
            raise _empty(name)
        header = [h.strip() for h in kept[0][0].split(",")]
        lines = [line for line, _ in kept[1:]]
        numbers = [n for _, n in kept[1:]]
        counts = np.fromiter((line.count(",") + 1 for line in lines), dtype=np.intp, count=len(lines))
        data = CsvData(path, header, numbers, lines=lines)
    else:
        rows, numbers = _split_rows(text, name)
        if not rows:
            raise _empty(name)
        header = [h.strip() for h in rows[0]]
        counts = np.fromiter(map(len, rows[1:]), dtype=np.intp, count=len(rows) - 1)
        data = CsvData(path, header, numbers[1:], split_rows=rows[1:])
    bad = np.flatnonzero(counts != len(header))
    problems = []
    for i in bad[:MAX_PROBLEMS]:
        got = int(counts[i])
        col = header[got] if got < len(header) else column_letter(got)
        problems.append(problem(
            "file.ragged_row",
            f"มี {got} ช่อง แต่หัวตารางมี {len(header)} คอลัมน์",
            f"{got} cells but the header has {len(header)} columns",
            Where(name, data.row_numbers[i], col),
        ))
    raise_problems(problems, bad.size, file=name)
    return data


def _empty(name: str):
    return problem("file.empty", "ไฟล์ว่าง ไม่มีหัวตาราง", "the file is empty", Where(name, 1))


def _split_rows(text: str, name: str) -> tuple[list[list[str]], list[int]]:
    """Non-blank rows of a quoted CSV with their line numbers (the csv module)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, numbers = [], []
    try:
        for cells in reader:
            if any(cells):  # skip blank lines and rows of empty cells
                rows.append(cells)
                numbers.append(reader.line_num)
    except csv.Error as e:
        raise problem("file.csv_syntax", f"รูปแบบ CSV ผิด ({e})", f"malformed CSV ({e})",
                      Where(name, reader.line_num)) from None
    return rows, numbers

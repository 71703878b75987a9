"""ไฟล์คะแนนรายข้อ (response matrix): ``person_id,<item ids>``, one row per person, scores 0..19.

The file IRT calibration and scoring read (the bench/irt CLI contract): an empty cell is
missing; other columns named by the caller (person_id, a group column) are returned as byte
strings. The CSV is parsed with numpy byte operations over the whole file (no row loop, no
pandas), so reading 20,000 × 60 scores costs milliseconds and a cold ``khlang irt calibrate``
imports only click and numpy.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from itembank.errors import Where
from scoring.errors import ScoringError, problem
from scoring.ingest.text import read_utf8

CHUNK_ROWS = 25_000
COMMA, NEWLINE, ZERO = 44, 10, 48


def _fail(path: Path, th: str, en: str, row: int | None = None, column: str | None = None) -> ScoringError:
    return problem("responses.invalid", th, en, Where(path.name, row, column))


def read_responses(path: Path, text_columns: tuple[str, ...] = ("person_id",)):
    """Parse a response CSV into (int8 scores persons × items, -1 = missing; item ids; text columns).

    Cells of item columns must be empty or a whole number 0..19. Columns named in `text_columns`
    (person_id, a group column) are returned as byte strings. Vectorised over the whole file.
    """
    raw = read_utf8(path)
    if b'"' in raw:
        raw = _unquote(path, raw)
    buf = np.frombuffer(raw, dtype=np.uint8)
    if buf.size and (buf == 13).any():
        buf = buf[buf != 13]
    if not buf.size:
        raise _fail(path, "ไฟล์ว่าง", "the file is empty")
    if buf[-1] != NEWLINE:
        buf = np.concatenate([buf, np.array([NEWLINE], np.uint8)])
    nl = np.flatnonzero(buf == NEWLINE)
    header, text_idx, item_idx = _header(path, buf[: nl[0]].tobytes(), text_columns)
    line_starts = np.concatenate([[nl[0] + 1], nl[1:-1] + 1]) if nl.size > 1 else np.zeros(0, np.int64)
    line_ends = nl[1:]
    keep = line_ends > line_starts                                  # skip blank lines
    line_no = np.flatnonzero(keep) + 2                              # spreadsheet row numbers
    line_starts, line_ends = line_starts[keep], line_ends[keep]
    if line_starts.size == 0:
        raise _fail(path, "ไม่มีแถวข้อมูลผู้สอบ", "no data rows")
    scores, texts = [], [[] for _ in text_idx]
    for s in range(0, line_starts.size, CHUNK_ROWS):
        sl = slice(s, s + CHUNK_ROWS)
        sc, tx = _parse_chunk(path, buf, line_starts[sl], line_ends[sl], line_no[sl], header,
                              item_idx, text_idx)
        scores.append(sc)
        for k, t in enumerate(tx):
            texts[k].append(t)
    return (np.concatenate(scores), [header[k] for k in item_idx],
            {c: np.concatenate(texts[k]) for k, c in enumerate(text_columns)})


def _header(path: Path, line: bytes, text_columns: tuple[str, ...]) -> tuple[list[str], list[int], list[int]]:
    """Column names, and the positions of the text and item columns; a wrong header is refused."""
    header = [h.strip() for h in line.decode("utf-8", errors="replace").split(",")]
    if header[0] != "person_id":
        raise _fail(path, f"คอลัมน์แรกต้องชื่อ person_id แต่เป็น {header[0]!r}",
                    "the first column must be person_id", row=1, column=header[0] or "A")
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise _fail(path, f"ชื่อคอลัมน์ {dup[0]!r} ซ้ำกัน", "duplicate column name", row=1, column=dup[0])
    missing_text = [c for c in text_columns if c not in header]
    if missing_text:
        raise _fail(path, f"ไม่พบคอลัมน์ {missing_text[0]!r}", "column not found", row=1)
    text_idx = [header.index(c) for c in text_columns]
    item_idx = [k for k in range(len(header)) if k not in text_idx]
    if not item_idx:
        raise _fail(path, "ไม่มีคอลัมน์ข้อสอบ", "no item columns", row=1)
    return header, text_idx, item_idx


def _parse_chunk(path, buf, starts, ends, rows, header, item_idx, text_idx):
    n_cols = len(header)
    base = int(starts[0])
    seg = buf[base: int(ends[-1]) + 1]
    is_delim = seg == COMMA
    per_line = np.add.reduceat(is_delim, (starts - base).astype(np.intp), dtype=np.int32)
    bad = np.flatnonzero(per_line != n_cols - 1)
    if bad.size:
        i = bad[0]
        raise _fail(path, f"มี {per_line[i] + 1} คอลัมน์ แต่หัวตารางมี {n_cols}",
                    f"{per_line[i] + 1} cells for {n_cols} columns", row=int(rows[i]))
    is_delim[ends - base] = True                                   # kept line ends close the last cell
    n = starts.size
    cell_end = np.flatnonzero(is_delim).astype(np.int32).reshape(n, n_cols)      # within the chunk
    cell_start = np.empty_like(cell_end)
    cell_start[:, 0] = starts - base
    cell_start[:, 1:] = cell_end[:, :-1] + 1
    length = cell_end - cell_start
    is_, il = cell_start[:, item_idx], length[:, item_idx]
    d0 = seg[is_].astype(np.int16) - ZERO                         # first character of every cell
    d1 = seg[np.minimum(is_ + 1, seg.size - 1)].astype(np.int16) - ZERO
    one = (il == 1) & (d0 >= 0) & (d0 <= 9)
    ok = (il == 0) | one
    if not ok.all():
        two = (il == 2) & (d0 == 1) & (d1 >= 0) & (d1 <= 9)        # 10..19
        ok |= two
        if not ok.all():
            r, c = np.argwhere(~ok)[0]
            value = bytes(seg[is_[r, c]: is_[r, c] + il[r, c]]).decode("utf-8", errors="replace")
            raise _fail(path, f"ค่า {value!r} ไม่ใช่คะแนน (ต้องเป็นจำนวนเต็ม 0–19 หรือเว้นว่าง)",
                        f"{value!r} is not a score", row=int(rows[r]), column=header[item_idx[c]])
        d0 = np.where(two, 10 + d1, d0)
    scores = np.where(il == 0, -1, d0).astype(np.int8)
    texts = [_gather(seg, cell_start[:, k], length[:, k]) for k in text_idx]
    return scores, texts


def _gather(buf: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Byte strings buf[start:start+length] for every row at once, as a numpy 'S' array."""
    width = max(int(length.max(initial=0)), 1)
    idx = start[:, None] + np.arange(width)[None, :]
    grid = buf[np.minimum(idx, buf.size - 1)].copy()
    grid[np.arange(width)[None, :] >= length[:, None]] = 0
    return grid.view(f"S{width}").ravel()


def _unquote(path: Path, raw: bytes) -> bytes:
    """Files with quoted cells (rare: spreadsheets quoting ids) are normalised once by the csv module."""
    text = raw.decode("utf-8", errors="replace")
    rows = list(csv.reader(text.splitlines()))
    if any(("," in cell or "\n" in cell) for row in rows for cell in row):
        raise _fail(path, "มีเครื่องหมายจุลภาคอยู่ในช่องข้อมูล", "a cell contains a comma")
    return ("\n".join(",".join(c.strip() for c in row) for row in rows) + "\n").encode()


def select_items(path: Path, x: np.ndarray, item_ids: list[str], wanted: tuple[str, ...], source: str) -> np.ndarray:
    """The columns of `x` for the items `wanted` (those of a parameter file named `source`), in that order."""
    pos = {name: k for k, name in enumerate(item_ids)}
    absent = [i for i in wanted if i not in pos]
    if absent:
        raise _fail(path, f"ไม่มีคอลัมน์ของข้อ {absent[0]!r} ที่อยู่ใน {source}",
                    f"no column for item {absent[0]!r} of {source}", row=1)
    return x[:, [pos[i] for i in wanted]]

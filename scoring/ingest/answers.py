"""ไฟล์คำตอบ (answer file): ``person_id,<item ids>``, one row per person in seat order (เลขที่).

Cells hold raw answers (ก ข ค ง จ, A–E, 1–5, ๑–๕; 0/blank omitted, 9/* several marks) when a key
is given, otherwise 0/1 scores (blank = not presented). Seat order breaks ties at the group cut
of the classical analysis, so rows are kept in file order.
"""

from __future__ import annotations

import numpy as np

from itembank.errors import Where
from scoring.errors import MAX_PROBLEMS, problem, raise_problems
from scoring.ingest.table import CsvData, column_letter


def read_answers(data: CsvData) -> tuple[list[str], list[str], np.ndarray]:
    """person ids, item ids and the raw cells (persons × items array of text) of an answer file."""
    if len(data.header) < 2:
        raise problem("answers.header", "ต้องมีคอลัมน์ person_id และข้อสอบอย่างน้อย 1 ข้อ",
                      "need person_id and at least one item column", Where(data.name, 1))
    items = _item_ids(data)
    n_persons = len(data.row_numbers)
    if n_persons < 2:
        raise problem("answers.too_few_persons", f"มีผู้สอบ {n_persons} คน ต้องมีอย่างน้อย 2 คน",
                      f"{n_persons} persons; need at least 2", Where(data.name))
    fast = _single_character_cells(data.lines, len(items)) if data.lines is not None else None
    if fast is not None:
        persons, cells = fast
    else:
        table = np.array(data.rows, dtype=object)  # rows all have the header's length (read_csv)
        persons, cells = [str(p).strip() for p in table[:, 0]], table[:, 1:]
    _check_persons(data, persons)
    return persons, items, cells


def _item_ids(data: CsvData) -> list[str]:
    """The item ids of the header; a wrong first column, an empty or repeated id is refused."""
    name = data.name
    if data.header[0].strip().lower() != "person_id":
        raise problem("answers.header", f"คอลัมน์แรกต้องชื่อ person_id (รหัสผู้สอบ) แต่พบ {data.header[0]!r}",
                      f"the first column must be person_id, found {data.header[0]!r}",
                      Where(name, 1, column_letter(0)))
    problems, seen = [], set()
    for j, item in enumerate(data.header[1:], start=1):
        if not item:
            problems.append(problem("answers.header", "รหัสข้อว่าง", "empty item id", Where(name, 1, column_letter(j))))
        elif item in seen:
            problems.append(problem("answers.header", f"รหัสข้อ {item} ซ้ำ", f"duplicate item id {item}",
                                    Where(name, 1, item)))
        seen.add(item)
    raise_problems(problems, file=name)
    return data.header[1:]


def _check_persons(data: CsvData, persons: list[str]) -> None:
    problems, first_row = [], {}
    for pid, n in zip(persons, data.row_numbers, strict=True):
        where = Where(data.name, n, "person_id")
        if not pid:
            problems.append(problem("answers.person_id", "รหัสผู้สอบว่าง", "empty person_id", where))
        elif pid in first_row:
            problems.append(problem("answers.person_id", f"รหัสผู้สอบ {pid} ซ้ำกับแถว {first_row[pid]}",
                                    f"person_id {pid} repeats row {first_row[pid]}", where))
        else:
            first_row[pid] = n
    raise_problems(problems, file=data.name)


def _single_character_cells(lines: list[str], n_items: int) -> tuple[list[str], np.ndarray] | None:
    """Person ids and a (persons × items) '<U1' array when every answer cell has at most one character.

    The answers of each row are joined into one string and the whole file becomes one UTF-32 buffer,
    so a 100,000 × 100 file costs one string per row instead of ten million. None when some cell is
    longer (e.g. "10", " ก ", "ก,ค"): the caller then splits the rows.
    """
    commas = "," * (n_items - 1)
    persons, chunks = [], []
    for line in lines:
        pid, _, rest = line.partition(",")
        if len(rest) == 2 * n_items - 1 and rest[1::2] == commas:
            chunks.append(rest[::2])
        else:
            cells = rest.split(",")
            if any(len(c) > 1 for c in cells):
                return None
            chunks.append("".join(c or "\0" for c in cells))  # NUL reads back as "" (blank)
        persons.append(pid.strip())
    buffer = "".join(chunks).encode("utf-32-le")
    return persons, np.frombuffer(buffer, dtype="<U1").reshape(len(lines), n_items)


def option_codes(data: CsvData, items: list[str], cells: np.ndarray) -> np.ndarray:
    """Option codes of every cell (see :func:`psychometrics.ctt.answer_codes`); bad cells named."""
    from psychometrics.ctt import answer_codes

    codes, invalid = answer_codes(cells)
    _refuse_cells(data, items, cells, invalid, "answers.answer",
                  "ไม่ใช่คำตอบ (ใช้ ก–จ, A–E, 1–5, ๑–๕; 0 หรือว่าง = ไม่ตอบ; 9 หรือ * = ตอบซ้อน)",
                  "is not an answer code")
    return codes


def scored_matrix(data: CsvData, items: list[str], cells: np.ndarray) -> np.ndarray:
    """0/1 scores (blank = NaN, not presented); anything else is refused with its row and column."""
    text = cells.astype(str)
    uniq, inverse = np.unique(text.ravel(), return_inverse=True)
    value = {"0": 0.0, "1": 1.0, "": np.nan}
    decoded = np.array([value.get(u.strip(), -1.0) for u in uniq])
    out = decoded[inverse].reshape(cells.shape)
    _refuse_cells(data, items, text, out == -1.0, "answers.score",
                  "ไม่ใช่คะแนน 0 หรือ 1 (ถ้าเป็นคำตอบดิบ ให้ใส่ --key KEY.csv)",
                  "is not a 0/1 score (give --key KEY.csv for raw answers)")
    return out


def _refuse_cells(data: CsvData, items: list[str], cells: np.ndarray, bad: np.ndarray, code: str,
                  th: str, en: str) -> None:
    """One problem per bad cell (the first MAX_PROBLEMS, the rest counted), each shown as typed."""
    problems = [
        problem(code, f"{str(cells[r, c])!r} {th}", f"{str(cells[r, c])!r} {en}",
                Where(data.name, data.row_numbers[r], items[c]))
        for r, c in np.argwhere(bad)[:MAX_PROBLEMS]
    ]
    raise_problems(problems, int(bad.sum()), file=data.name)

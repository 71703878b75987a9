"""ไฟล์เฉลย (key file): ``item_id,key`` (more columns allowed, as exports.keys writes them).

A key may list several options (``ก,ค``); ``ยกเลิก``/``cancel`` cancels the item; ``all``
credits everyone (:func:`psychometrics.ctt.parse_key`).
"""

from __future__ import annotations

from pathlib import Path

from itembank.errors import Where
from scoring.errors import problem, raise_problems
from scoring.ingest.table import read_csv


def read_key(path: Path, items: list[str]) -> list[object]:
    """One parsed key entry per item of the answer file, in its order; every problem named."""
    from psychometrics.ctt import parse_key
    from psychometrics.errors import PsychometricsError

    data = read_csv(path)
    name = path.name
    if [h.strip().lower() for h in data.header[:2]] != ["item_id", "key"]:
        raise problem("key.header", f"หัวตารางเฉลยต้องเป็น item_id,key แต่พบ {','.join(data.header)}",
                      f"the key header must be item_id,key, found {','.join(data.header)}", Where(name, 1))
    keys: dict[str, object] = {}
    problems = []
    wanted = set(items)
    for row, n in zip(data.rows, data.row_numbers, strict=True):
        item, entry = row[0], row[1]
        if item in keys:
            problems.append(problem("key.item", f"ข้อ {item} มีเฉลยซ้ำ", f"item {item} keyed twice",
                                    Where(name, n, "item_id")))
        elif item not in wanted:
            problems.append(problem("key.item", f"ข้อ {item} ไม่มีในไฟล์คำตอบ",
                                    f"item {item} is not in the responses file", Where(name, n, "item_id")))
        else:
            try:
                keys[item] = parse_key(entry)
            except PsychometricsError:
                problems.append(problem(
                    "key.entry",
                    f"เฉลย {entry!r} ของข้อ {item} ไม่ใช่ตัวเลือก (ใช้ ก–ซ, A–H, 1–8, หลายตัวเลือกคั่นด้วย , หรือ ยกเลิก)",
                    f"key {entry!r} of item {item} is not an option",
                    Where(name, n, "key"),
                ))
    missing = [i for i in items if i not in keys]
    if missing and not problems:
        problems.append(problem(
            "key.missing",
            f"ไม่มีเฉลยของข้อ {', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}",
            f"no key for item(s) {', '.join(missing[:10])}",
            Where(name),
        ))
    raise_problems(problems, file=name)
    return [keys[i] for i in items]

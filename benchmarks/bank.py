#!/usr/bin/env python3
"""Item-bank benchmark (issue 3, "Speed"): import a 10,000-item XLSX, refuse a bad one, search 50,000 versions.

    .venv/bin/python benchmarks/bank.py                      # SQLite and PostgreSQL
    .venv/bin/python benchmarks/bank.py --databases sqlite --items 2000 --versions 10000

For each database (a fresh SQLite file in a temporary folder; a fresh PostgreSQL database on
127.0.0.1:5432, dropped afterwards), migrated with the project's migrations (not timed):

1. import: ``itembank.importing.import_items`` of a generated 10,000-item XLSX in the item template
   (realistic ป.1–ป.6 Thai and mathematics items: arithmetic with correct keys, Thai spelling,
   true/false, short answer, rubric items), reading, validation and the one write transaction included.
2. refused: the same file with a wrong key in every row: time until all 10,000 problems are reported
   (``import.invalid``); the database is checked to be unchanged.
3. search: the bank is filled to 50,000 item versions (through ``upsert_items``, not timed; most items
   have two versions, so the default latest-only searches see about 30,000 items), then 200
   searches with three filters each (learning area + grade + cognitive level; indicator + type +
   status; text + grade + area) through ``itembank.search.search_items`` (page 1 of 20, with the total);
   p50 and p95 of the wall time per search.

There is no peer tool for these figures: the goals come from the issue and are printed beside them.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from itembank.authz import Actor  # noqa: E402
from itembank.schemas import ItemDraft, OptionDraft, RubricLevel, SearchFilters  # noqa: E402

GOALS = {"import": 10.0, "refused": 5.0, "search_p95_ms": 100.0}
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
LEVELS = ("remember", "understand", "apply", "analyze")
THAI_WORDS = [("กะเพรา", "กระเพรา"), ("ผลลัพธ์", "ผลลัพท์"), ("อนุญาต", "อนุญาติ"), ("โอกาส", "โอกาศ"),
              ("สังเกต", "สังเกตุ"), ("บิณฑบาต", "บิณฑบาตร"), ("ปรัชญา", "ปรัชยา"), ("ไอศกรีม", "ไอศครีม")]


def _indicators() -> dict[tuple[str, int], list[str]]:
    from itembank.curriculum import load_curriculum

    by: dict[tuple[str, int], list[str]] = {}
    for ind in load_curriculum().indicators():
        code = str(ind.code)
        area, grade = code[0], code.split(" ")[-1]
        if area in "ทค" and grade.startswith("ป."):
            by.setdefault((area, int(grade[2])), []).append(code)
    return by


def make_rows(n: int, seed: int = 1, prefix: str = "B") -> list[dict[str, str]]:
    """`n` template rows of plausible items (correct keys), as the item template's cells."""
    rng = random.Random(seed)
    indicators = _indicators()
    rows = []
    for i in range(n):
        grade = rng.randint(1, 6)
        area = "ค" if i % 3 else "ท"
        row = {"code": f"{prefix}{grade}-{i:06d}", "grade": f"ป.{grade}", "score_points": "1",
               "indicators": rng.choice(indicators[(area, grade)]), "cognitive_level": rng.choice(LEVELS),
               "estimated_minutes": rng.choice(("1", "1.5", "2"))}
        kind = i % 10
        if area == "ค" and kind < 7:
            a, b = rng.randint(10, 99 * grade), rng.randint(2, 9 * grade)
            answer = a + b
            wrong = rng.sample([answer + d for d in (-11, -10, -2, -1, 1, 2, 9, 10) if answer + d > 0], 3)
            options = [answer, *wrong]
            rng.shuffle(options)
            row.update(type="เลือกตอบ", stem=f"{a:,} + {b:,} มีค่าเท่าใด", key="กขคง"[options.index(answer)],
                       **{f"option_{j + 1}": f"{o:,}" for j, o in enumerate(options)})
        elif area == "ค" and kind < 9:
            a, b = rng.randint(2, 12), rng.randint(2, 12)
            row.update(type="ตอบเป็นตัวเลข", stem=f"{a} × {b} เท่ากับเท่าใด", key=str(a * b),
                       accepted_answers=f"{a * b}")
        elif area == "ค":
            row.update(type="เขียนตอบ", stem=f"แม่ค้ามีส้ม {grade * 12} ผล แบ่งใส่ถุงละ {grade + 2} ผล "
                                               "จะได้กี่ถุงและเหลือกี่ผล จงแสดงวิธีคิด",
                       score_points="2", rubric="2: แสดงวิธีหารและตอบถูกทั้งจำนวนถุงและเศษ\n"
                                                "1: แสดงวิธีถูกแต่คำตอบผิดบางส่วน\n0: ไม่แสดงวิธีหรือตอบผิด")
        elif kind < 6:
            right, wrong = rng.choice(THAI_WORDS)
            options = [right, wrong, wrong[::-1][:3] + right[3:], right[:2] + "์" + right[2:]]
            rng.shuffle(options)
            row.update(type="เลือกตอบ", stem="คำในข้อใดสะกดถูกต้องตามพจนานุกรมฉบับราชบัณฑิตยสถาน",
                       key="กขคง"[options.index(right)], **{f"option_{j + 1}": o for j, o in enumerate(options)})
        else:
            right, wrong = rng.choice(THAI_WORDS)
            truth = rng.random() < 0.5
            row.update(type="ถูกผิด", stem=f"คำว่า “{right if truth else wrong}” สะกดถูกต้อง",
                       key="ถูก" if truth else "ผิด")
        rows.append(row)
    return rows


def make_drafts(n: int, seed: int, prefix: str) -> list[ItemDraft]:
    """Drafts for filling the bank to many versions (the same generator, without a file)."""
    drafts = []
    for i, row in enumerate(make_rows(n, seed, prefix)):
        t = row["type"]
        common = dict(code=f"{prefix}{i:06d}", stem=row["stem"], grade=row["grade"], learning_area=row["indicators"][0],
                      indicator_codes=(row["indicators"],), cognitive_level=row["cognitive_level"])
        if t == "เลือกตอบ":
            drafts.append(ItemDraft(type="multiple_choice", key=(row["key"],), options=tuple(
                OptionDraft(label, row[f"option_{j + 1}"]) for j, label in enumerate("กขคง")), **common))
        elif t == "ตอบเป็นตัวเลข":
            drafts.append(ItemDraft(type="numeric", accepted_answers=(row["key"],), **common))
        elif t == "เขียนตอบ":
            drafts.append(ItemDraft(type="constructed_response", score_points=2.0, rubric=(
                RubricLevel(2, "ถูกทั้งหมด"), RubricLevel(1, "ถูกบางส่วน"), RubricLevel(0, "ผิด")), **common))
        else:
            drafts.append(ItemDraft(type="true_false", key=("true" if row["key"] == "ถูก" else "false",), **common))
    return drafts


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """A migrated, empty database of `kind`; PostgreSQL's is dropped afterwards."""
    from web.migrations import upgrade

    if kind == "sqlite":
        url = f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:6]}.sqlite3'}"
        upgrade(url)
        yield url
        return
    import psycopg

    name = f"khlang_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _count_versions(store) -> int:
    from sqlmodel import func, select

    from itembank.models import ItemVersion

    with store.read_session() as s:
        return s.exec(select(func.count()).select_from(ItemVersion)).one()


def bench_database(kind: str, good: Path, bad: Path, n_items: int, n_versions: int, n_searches: int,
                   folder: Path) -> dict[str, float]:
    from itembank.errors import ItemBankError
    from itembank.importing import import_items
    from itembank.search import search_items
    from itembank.service import upsert_items
    from itembank.store import Store

    out: dict[str, float] = {}
    with fresh_database(kind, folder) as url:
        store = Store(url)
        try:
            start = time.perf_counter()
            with store.session() as s:
                report = import_items(s, Actor.system(), good)
            out["import"] = time.perf_counter() - start
            assert report.upsert.n_created == n_items, report.summary_th()
            print(f"  {kind}: imported {n_items:,} items in {out['import']:.2f} s", file=sys.stderr)

            before = _count_versions(store)
            start = time.perf_counter()
            with store.session() as s:
                try:
                    import_items(s, Actor.system(), bad)
                    raise AssertionError("the bad file was accepted")
                except ItemBankError as e:
                    out["refused"] = time.perf_counter() - start
                    out["n_problems"] = len(e.problems)
            assert _count_versions(store) == before
            print(f"  {kind}: refused with {out['n_problems']:,.0f} problems in {out['refused']:.2f} s",
                  file=sys.stderr)

            start = time.perf_counter()
            chunk, seed = 10_000, 100
            while _count_versions(store) < n_versions:
                need = min(chunk, n_versions - _count_versions(store))
                with store.session() as s:  # each code twice (new content → a second version), like a real bank
                    upsert_items(s, Actor.system(), make_drafts(need, seed, prefix=f"S{(seed - 100) // 2}-"))
                seed += 1
            out["fill"] = time.perf_counter() - start
            out["n_versions"] = _count_versions(store)
            print(f"  {kind}: filled to {out['n_versions']:,.0f} versions in {out['fill']:.1f} s", file=sys.stderr)

            rng = random.Random(7)
            indicators = [c for codes in _indicators().values() for c in codes]
            queries = []
            for i in range(n_searches):
                g = f"ป.{rng.randint(1, 6)}"
                if i % 3 == 0:
                    queries.append(SearchFilters(learning_area=rng.choice("ทค"), grade=g, cognitive_level=rng.choice(LEVELS)))
                elif i % 3 == 1:
                    queries.append(SearchFilters(indicator=rng.choice(indicators), type="multiple_choice", status="draft"))
                else:
                    queries.append(SearchFilters(text=rng.choice(("มีค่าเท่าใด", "สะกด", "แม่ค้า", "× 7"))
                                                 , grade=g, learning_area=rng.choice("ทค")))
            times = []
            with store.read_session() as s:
                search_items(s, Actor.system(), queries[0])  # warm-up: connection, statement caches
                for q in queries:
                    start = time.perf_counter()
                    search_items(s, Actor.system(), q, page=1, per_page=20)
                    times.append((time.perf_counter() - start) * 1000)
            times.sort()
            out["search_p50_ms"] = statistics.median(times)
            out["search_p95_ms"] = times[int(0.95 * (len(times) - 1))]
            print(f"  {kind}: search p95 {out['search_p95_ms']:.1f} ms", file=sys.stderr)
        finally:
            store.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=50_000)
    parser.add_argument("--searches", type=int, default=200)
    args = parser.parse_args(argv)

    from itembank.exporting import EXPORT_COLUMNS, write_xlsx

    with tempfile.TemporaryDirectory(prefix="khlang-bench-") as tmp:
        folder = Path(tmp)
        rows = make_rows(args.items)
        good = write_xlsx(folder / "items.xlsx", rows)
        bad_rows = [{**r, "key": "จ" if r["type"] == "เลือกตอบ" else ("ไม่รู้" if r["type"] == "ถูกผิด" else r.get("key", ""))}
                    for r in rows]
        for r in bad_rows:
            if r["type"] in ("ตอบเป็นตัวเลข", "เขียนตอบ"):
                r["indicators"] = "ค 9.9 ป.6/1"
        bad = write_xlsx(folder / "items_bad.xlsx", bad_rows)
        assert set(rows[0]) <= set(EXPORT_COLUMNS)
        print(f"files: {good.stat().st_size / 1e6:.1f} MB good, {bad.stat().st_size / 1e6:.1f} MB bad "
              f"({args.items:,} rows each)", file=sys.stderr)
        from itembank.importing.codes import CodeBook
        from itembank.importing.files import read_table
        from itembank.importing.rows import parse_items

        start = time.perf_counter()
        table = read_table(good)
        read_s = time.perf_counter() - start
        parse_items(table, CodeBook())
        file_s = time.perf_counter() - start
        results = {}
        for kind in [d.strip() for d in args.databases.split(",") if d.strip()]:
            results[kind] = bench_database(kind, good, bad, args.items, args.versions, args.searches, folder)
            r = results[kind]
            r["file_read"], r["file_checks"] = read_s, file_s - read_s
            r["service"] = r["import"] - file_s

    kinds = list(results)
    print()
    print("Khlang item bank benchmark (issue 3 'Speed'). There is no peer tool for these figures;")
    print("the goals come from the issue. Wall-clock seconds on this machine, one run.")
    print()
    header = f"{'measurement':<48}" + "".join(f"{k:>12}" for k in kinds) + f"{'goal':>12}  verdict"
    print(header)
    print("-" * len(header))

    def line(label: str, key: str, fmt: str, goal: float | None) -> None:
        values = [results[k].get(key) for k in kinds]
        cells = "".join(f"{format(v, fmt):>12}" if v is not None else f"{'-':>12}" for v in values)
        if goal is None:
            print(f"{label:<48}{cells}{'':>12}")
            return
        ok = all(v is not None and v <= goal for v in values)
        print(f"{label:<48}{cells}{'≤ ' + format(goal, 'g'):>12}  {'met' if ok else 'NOT MET'}")

    line(f"import {args.items:,}-item XLSX, s", "import", ".2f", GOALS["import"])
    line("  of which: read the XLSX (no database), s", "file_read", ".2f", None)
    line("  of which: check every row (no database), s", "file_checks", ".2f", None)
    line("  of which: service checks + one write transaction, s", "service", ".2f", None)
    line(f"refuse bad {args.items:,}-row XLSX (all problems), s", "refused", ".2f", GOALS["refused"])
    line("  problems reported", "n_problems", ",.0f", None)
    line("  (filling the bank through upsert_items, s; no goal)", "fill", ".1f", None)
    line("item versions searched", "n_versions", ",.0f", None)
    line("search, 3 filters: p50 ms", "search_p50_ms", ".1f", None)
    line(f"search, 3 filters: p95 ms ({args.searches} queries)", "search_p95_ms", ".1f", GOALS["search_p95_ms"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

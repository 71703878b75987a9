#!/usr/bin/env python3
"""Answer-ingest benchmark (issue 10, "Speed"): one school's file, and a district morning of uploads.

    .venv/bin/python benchmarks/ingest.py                                  # SQLite and PostgreSQL
    .venv/bin/python benchmarks/ingest.py --databases sqlite --schools 40  # a quick run

For each database (a fresh SQLite file; a fresh PostgreSQL database on 127.0.0.1:5432, dropped
afterwards), migrated with the project's migrations, the setup (not timed) is a 60-item ป.6 form
(4-option items with 2PL parameters, one multiple-answer item) with two booklet variants, an
administration released to every school, and the rosters (one school of 300 students imported with
``khlang students import``'s service; the district's schools of 100 students bulk-inserted).
Answer files are simulated from the items' 2PL parameters and written in each student's variant
order with Thai letters, as schools fill the template.

1. one school: :func:`scoring.uploads.import_answers` of a 300 × 60 CSV (read, validate, map the
   variants, score with EAP and WLE, write response sets, scores and the warehouse): the whole call,
   and the write transaction alone (the time the write lock is held). Median of 5 uploads (each a
   corrected file replacing the previous one).
2. district morning: the district's files (400 × 100 students = 40,000 students, 2.4 million
   answers) uploaded by ``--workers`` processes at once, as web workers would (by default 1 on
   SQLite, whose one writer gains nothing from more, and 2 on PostgreSQL); errors counted; totals checked exact against the
   simulation (students stored, Σ raw scores and the warehouse's district n and Σ).
   The uploading processes' CPU time is printed beside the wall time, and the machine's load average
   at the end: on a shared machine the wall time grows with the load, the CPU time does not.
3. reports: :func:`scoring.warehouse.school_results` (60 schools) and ``district_results`` (20 times)
   on the filled warehouse, p95 of the wall time.

Peer: there is no peer ingest engine for this layout. Beside Khlang's figures the script prints a
naive baseline on the same files: the csv module, per-student Python scoring through
``Variant.to_form``-style loops, and row-by-row ORM inserts with a flush per student (the way a
first implementation would do it), measured on the one-school file and on the first 20 files of
the morning (scaled to the whole morning and labelled as such).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from itembank.authz import Actor  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bank import fresh_database  # noqa: E402,F401  (benchmarks/bank.py: a migrated database, PostgreSQL dropped after)

GOALS = {"school_s": 0.5, "lock_s": 0.1, "morning_s": 30.0, "school_report_ms": 100.0, "district_report_ms": 300.0}
N_ITEMS = 60
SYSTEM = Actor.system()
LETTERS = "กขคง"


def seed(store, n_schools: int, per_school: int, folder: Path) -> dict:
    """Schools, a 60-item form with 2 variants and 2PL parameters, an administration, rosters."""
    from sqlalchemy import insert

    from itembank import service
    from itembank.models import ItemVersion
    from itembank.schemas import ItemDraft, OptionDraft
    from itembank.schools import SchoolBase, add_schools
    from itembank.statistics import StatisticInput, record_statistics
    from scoring.administrations import create_administration, ensure_year
    from scoring.models import Enrolment, SchoolClass, Student
    from scoring.rosters import import_roster
    from testgen.forms import freeze_items, make_form_variants

    rng = np.random.default_rng(5)
    codes = [f"{1040100000 + k}" for k in range(n_schools + 1)]
    drafts = []
    for i in range(N_ITEMS):
        a, b = 10 + i, 3 + i % 7
        key = ("ก", "ค") if i == 7 else ("กขคง"[i % 4],)
        drafts.append(ItemDraft(
            code=f"B6-{i:03d}", type="multiple_choice", stem=f"{a} + {b} เท่ากับเท่าใด (ข้อ {i + 1})",
            options=tuple(OptionDraft(lab, str(a + b + k)) for k, lab in enumerate(LETTERS)), key=key,
            score_points=1.0, indicator_codes=(("ค 1.1 ป.6/1", "ค 1.1 ป.6/2", "ค 2.1 ป.6/1")[i % 3],),
            cognitive_level="apply", grade="ป.6", learning_area="ค", status="approved"))
    a_par, b_par = rng.uniform(0.7, 1.8, N_ITEMS), rng.normal(0, 1, N_ITEMS)
    with store.session() as s:
        add_schools(s, SYSTEM, [SchoolBase(code=c, name_th=f"โรงเรียนทดสอบ {k}") for k, c in enumerate(codes)])
        service.upsert_items(s, SYSTEM, drafts)
        s.commit()
        ids = [v for (v,) in s.execute(ItemVersion.__table__.select().with_only_columns(ItemVersion.id)
                                       .order_by(ItemVersion.id))]
        record_statistics(s, SYSTEM, "pilot", [StatisticInput(version_id=v, n=1000, irt_model="2pl", a=float(a),
                                                              b=float(b)) for v, a, b in zip(ids, a_par, b_par, strict=True)])
        freeze_items(s, SYSTEM, "BENCH-F", "คณิตศาสตร์ ป.6", [d.code for d in drafts])
        make_form_variants(s, SYSTEM, "BENCH-F", 2, seed=3)
        create_administration(s, SYSTEM, "BENCH", "สอบปลายปี ป.6", "BENCH-F", year_be=2568, term=2, grade="ป.6",
                              release_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    roster = folder / "roster.csv"
    with open(roster, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ชั้น", "ห้อง", "เลขที่", "เลขประจำตัว", "คำนำหน้า", "ชื่อ", "นามสกุล", "เพศ"])
        w.writerows(["ป.6", 1 + k // 40, k % 40 + 1, f"9{k:05d}", "ด.ช." if k % 2 else "ด.ญ.", f"ชื่อ{k}", f"สกุล{k}",
                     "ชาย" if k % 2 else "หญิง"] for k in range(300))
    with store.session() as s:
        import_roster(s, SYSTEM, codes[0], roster, 2568)
        year = ensure_year(s, 2568)
        school_ids = dict(s.execute(__import__("sqlalchemy").text("SELECT code, id FROM school")).all())
        s.execute(insert(SchoolClass.__table__), [{"school_id": school_ids[c], "academic_year_id": year.id,
                                                   "grade": "ป.6", "room": "1"} for c in codes[1:]])
        classes = dict(s.execute(__import__("sqlalchemy").text(
            "SELECT school_id, id FROM school_class WHERE room = '1'")).all())
        s.execute(insert(Student.__table__), [{"school_id": school_ids[c], "student_code": f"{k:05d}", "sex": "MF"[k % 2]}
                                              for c in codes[1:] for k in range(per_school)])
        students = s.execute(__import__("sqlalchemy").text("SELECT id, school_id FROM student")).all()
        s.execute(insert(Enrolment.__table__), [{"student_id": sid, "academic_year_id": year.id,
                                                 "class_id": classes[sch], "seat": None}
                                                for sid, sch in students if sch != school_ids[codes[0]]])
        s.commit()
    return {"codes": codes, "a": a_par, "b": b_par}


def variant_tables(store) -> dict[str, tuple[list[int], list[list[int]], list[tuple[int, ...]]]]:
    from testgen.forms import form_variants, get_form

    with store.read_session() as s:
        return {v.label: (list(v.order), [list(m) for m in v.option_maps], [tuple(k) for k in v.key])
                for v in form_variants(s, get_form(s, SYSTEM, "BENCH-F"))}


def simulate_file(path: Path, ids: list[str], world: dict, variants: dict, rng) -> float:
    """An answer file of `ids` from the 2PL model, in each student's variant order; returns Σ raw."""
    n = len(ids)
    theta = rng.normal(0, 1, n)
    p = 1 / (1 + np.exp(-world["a"] * (theta[:, None] - world["b"])))
    right = rng.random((n, N_ITEMS)) < p
    wrong_pick = rng.integers(1, 4, (n, N_ITEMS))
    omit = rng.random((n, N_ITEMS)) < 0.02
    labels = sorted(variants)
    total = 0.0
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["เลขประจำตัว", "ชุด", *map(str, range(1, N_ITEMS + 1))])
        for i, sid in enumerate(ids):
            label = labels[i % len(labels)]
            order, _, key = variants[label]
            cells = []
            for pos, q in enumerate(order):
                k = key[pos]
                if omit[i, q]:
                    cells.append("")
                elif right[i, q]:
                    cells.append("".join(LETTERS[o] for o in k))
                    total += 1
                else:
                    cells.append(LETTERS[(k[0] + wrong_pick[i, q]) % 4])
            w.writerow([sid, label, *cells])
    return total


def naive_import(store, path: Path, school_code: str, variants: dict) -> float:
    """The baseline: csv rows, per-student Python scoring, one ORM insert and flush per student."""
    from sqlalchemy import delete, select

    from itembank.schools import School
    from scoring.models import Administration, AnswerUpload, ResponseSet, Student, StudentScore

    start = time.perf_counter()
    with store.session() as s:
        adm = s.scalar(select(Administration).where(Administration.code == "BENCH"))
        school = s.scalar(select(School).where(School.code == school_code))
        s.execute(delete(StudentScore).where(StudentScore.school_id == school.id))
        s.execute(delete(ResponseSet).where(ResponseSet.school_id == school.id))
        s.execute(delete(AnswerUpload).where(AnswerUpload.school_id == school.id))
        upload = AnswerUpload(administration_id=adm.id, school_id=school.id, file_hash=uuid.uuid4().hex, n_students=0)
        s.add(upload)
        s.flush()
        with open(path, encoding="utf-8") as f:
            rows = list(csv.reader(f))[1:]
        for row in rows:
            student = s.scalar(select(Student).where(Student.school_id == school.id, Student.student_code == row[0]))
            order, maps, key = variants[row[1]]
            answers, raw = [-1] * N_ITEMS, 0.0
            for pos, cell in enumerate(row[2:]):
                chosen = tuple(sorted(maps[pos][LETTERS.index(c)] for c in cell))
                answers[order[pos]] = sum(1 << o for o in chosen) if chosen else -1
                raw += float(bool(cell) and tuple(sorted(LETTERS.index(c) for c in cell)) == key[pos])
            rs = ResponseSet(administration_id=adm.id, student_id=student.id, school_id=school.id,
                             upload_id=upload.id, variant=row[1], answers=answers)
            s.add(rs)
            s.flush()
            s.add(StudentScore(response_set_id=rs.id, administration_id=adm.id, school_id=school.id, raw=raw,
                               max_points=N_ITEMS, percent=raw / N_ITEMS * 100))
            s.flush()
    return time.perf_counter() - start


_STORE = None


def _worker_store(url: str) -> None:
    """One store per uploading process (as each web worker has its own)."""
    global _STORE
    from itembank.store import Store

    _STORE = Store(url)


def _upload(job: tuple[str, Path]) -> int:
    """Import one school's file; 1 when it was refused (counted: the goal is 0)."""
    from scoring.uploads import import_answers

    code, path = job
    try:
        with _STORE.session() as s:
            import_answers(s, SYSTEM, "BENCH", code, path)
        return 0
    except Exception as e:  # noqa: BLE001 - counted and shown
        print(f"  {path.name}: {e}", file=sys.stderr)
        return 1


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished child processes (the uploading workers)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_database(kind: str, n_schools: int, per_school: int, folder: Path, workers: int = 1) -> dict[str, float]:
    from sqlalchemy import func, select

    from itembank.store import Store
    from scoring.models import ResponseSet, ResultSummary, StudentScore
    from scoring.uploads import import_answers

    out: dict[str, float] = {}
    with fresh_database(kind, folder) as url:
        store = Store(url)
        try:
            t = time.perf_counter()
            world = seed(store, n_schools, per_school, folder)
            print(f"  [{kind}] setup {time.perf_counter() - t:.1f} s", file=sys.stderr)
            variants = variant_tables(store)
            rng = np.random.default_rng(11)
            big_ids = [f"9{k:05d}" for k in range(300)]
            walls, locks = [], []
            for rep in range(5):
                path = folder / f"{kind}-school-{rep}.csv"
                simulate_file(path, big_ids, world, variants, rng)
                with store.session() as s:
                    t = time.perf_counter()
                    r = import_answers(s, SYSTEM, "BENCH", world["codes"][0], path)
                    walls.append(time.perf_counter() - t)
                    locks.append(r.write_seconds)
            out["school_s"], out["lock_s"] = statistics.median(walls), statistics.median(locks)
            out["naive_school_s"] = naive_import(store, folder / f"{kind}-school-0.csv", world["codes"][0], variants)
            files, expected = [], 0.0
            ids = [f"{k:05d}" for k in range(per_school)]
            for k, code in enumerate(world["codes"][1:]):
                path = folder / f"{kind}-morning-{k}.csv"
                expected += simulate_file(path, ids, world, variants, rng)
                files.append((code, path))
            t, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
            if workers > 1:
                from concurrent.futures import ProcessPoolExecutor

                with ProcessPoolExecutor(workers, initializer=_worker_store, initargs=(url,)) as pool:
                    errors = sum(pool.map(_upload, files, chunksize=4))
            else:
                _worker_store(url)
                errors = sum(_upload(f) for f in files)
            out["morning_s"] = time.perf_counter() - t
            # the uploading processes' own CPU time: what the morning costs this code, whatever else runs
            out["morning_cpu_s"] = time.process_time() - cpu + _children_cpu() - children
            out["errors"] = errors
            with store.read_session() as s:
                school0 = s.scalar(select(func.count()).select_from(ResponseSet).where(ResponseSet.school_id == 1)) or 0
                n = s.scalar(select(func.count()).select_from(ResponseSet)) - school0
                raw = float(s.scalar(select(func.sum(StudentScore.raw)).where(StudentScore.school_id != 1)) or 0.0)
                district = s.scalar(select(ResultSummary.data).where(ResultSummary.scope == "district"))
            out["students"] = n
            out["exact"] = float(n == n_schools * per_school and abs(raw - expected) < 1e-6
                                 and district["n"] == n + school0)
            from scoring.warehouse import district_results, school_results

            school_ms, district_ms = [], []
            with store.read_session() as s:
                for k in range(60):
                    t = time.perf_counter()
                    school_results(s, SYSTEM, "BENCH", 2 + k % n_schools)
                    school_ms.append((time.perf_counter() - t) * 1000)
                for _ in range(20):
                    t = time.perf_counter()
                    district_results(s, SYSTEM, "BENCH")
                    district_ms.append((time.perf_counter() - t) * 1000)
            out["school_report_p95_ms"] = float(np.percentile(school_ms, 95))
            out["district_report_p95_ms"] = float(np.percentile(district_ms, 95))
            sample = files[:20]
            t = time.perf_counter()
            for code, path in sample:
                naive_import(store, path, code, variants)
            out["naive_morning_s"] = (time.perf_counter() - t) * len(files) / len(sample)
        finally:
            store.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--schools", type=int, default=400)
    parser.add_argument("--students", type=int, default=100, help="students per school in the morning")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes uploading at once in the morning, as web workers do (default: 1 on SQLite, "
                             "whose single writer gains nothing from more, 2 on PostgreSQL)")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="khlang-ingest-") as tmp:
        for kind in [d.strip() for d in args.databases.split(",") if d.strip()]:
            print(f"benchmarking {kind} …", file=sys.stderr)
            workers = args.workers or (1 if kind == "sqlite" else 2)
            results[kind] = bench_database(kind, args.schools, args.students, Path(tmp), workers)
            results[kind]["workers"] = workers
    kinds = list(results)
    n = args.schools * args.students
    print(f"\nanswer ingest: one school 300 × {N_ITEMS}; morning {args.schools} files, {n:,} students, "
          f"{n * N_ITEMS / 1e6:.2f} M answers")
    print(f"{'figure':<44}" + "".join(f"{k:>14}" for k in kinds) + f"{'goal':>10}")

    def line(label: str, key: str, goal: float | None, fmt: str = "{:.3f}") -> None:
        cells = "".join(f"{fmt.format(results[k][key]):>14}" for k in kinds)
        ok = "" if goal is None else ("  met" if all(results[k][key] <= goal for k in kinds) else "  NOT met")
        print(f"{label:<44}{cells}{'' if goal is None else f'{goal:>10g}'}{ok}")

    line("one school: import, whole call (s, median)", "school_s", GOALS["school_s"])
    line("one school: write transaction / lock (s)", "lock_s", GOALS["lock_s"])
    line("  naive baseline (ORM row by row) (s)", "naive_school_s", None)
    line("district morning: all files (s)", "morning_s", GOALS["morning_s"], "{:.1f}")
    line("  CPU time of the uploading processes (s)", "morning_cpu_s", None, "{:.1f}")
    line("  uploading processes", "workers", None, "{:.0f}")
    line("  naive baseline, scaled from 20 files (s)", "naive_morning_s", None, "{:.1f}")
    line("district morning: errors", "errors", 0, "{:.0f}")
    line("district morning: students stored", "students", None, "{:,.0f}")
    line("school report queries, p95 (ms)", "school_report_p95_ms", GOALS["school_report_ms"], "{:.1f}")
    line("district overview queries, p95 (ms)", "district_report_p95_ms", GOALS["district_report_ms"], "{:.1f}")
    print(f"{'totals exact (students, Σ raw, warehouse n)':<44}" +
          "".join(f"{'yes' if results[k]['exact'] else 'NO':>14}" for k in kinds))
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end "
          "(wall times above grow with the load; the CPU time of the morning does not)")
    print("peer: no peer ingest engine exists for this layout; the naive baseline is the same work done "
          "row by row with the ORM (csv module, Python scoring per student, one flush per row).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

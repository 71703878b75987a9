#!/usr/bin/env python3
"""Supervision benchmark (issue 13, "Speed"): the ก.ต.ป.น. report as a job, and the district summary pages.

    .venv/bin/python benchmarks/supervision.py                         # SQLite and PostgreSQL
    .venv/bin/python benchmarks/supervision.py --databases sqlite --keep /tmp/me/sup   # keep the built databases
    .venv/bin/python benchmarks/supervision.py --url sqlite:////tmp/me/sup/bench.sqlite3  # time a kept one again

The district (not timed) is built in a fresh database of each kind (benchmarks/bank.py
``fresh_database``: a migrated SQLite file; a PostgreSQL database on 127.0.0.1:5432, dropped
afterwards unless ``--keep``), only through the services:

- ``demo.seed.seed_demo``: the demo district's 30 schools, accounts for every role, 1,505 banked items,
  three frozen forms, the 2568 supervision plan, visits, recommendations and follow-ups, every school's
  SAR for 2567 and 2568, the committee's notes, and the 2568 ป.6 mathematics results of the 30 schools;
- five more administrations answered by the 30 schools (rosters with ``scoring.rosters.import_roster``,
  answers simulated from the banked 2PL parameters and uploaded with ``scoring.uploads.import_answers``,
  which writes the warehouse): ป.6 mathematics in 2566 and 2567 and ป.3 Thai in 2566, 2567 and 2568 —
  three years of results, two learning areas a year, each with its three-year trend.

Timed, each in a fresh Python process (``khlang worker`` picks a job up in its own process):

1. the committee report job end to end: the secretary (secretary.wilai, signed in through /login)
   presses "render" (POST /supervision/committee/2568/render) with the jobs backend "immediate", so
   the request returns when the job has recorded its outcome: route, job record, the service's
   queries, layout, the file written, and the job's progress steps (each step's time since the press
   is printed). The first job of the process ("cold": Python imports, fonts) and the median of the
   next ``--repeats`` ("warm"), PDF and DOCX. The file is then fetched through its page link and its
   text checked (pdftotext for the PDF).
2. the district summary pages through the Flask test client, signed in: the QA officer (qa.jintana)
   on the QA district summary (/supervision/qa) and the supervision overview (/supervision/), the
   secretary (secretary.wilai) on the plan and its coverage (/supervision/plan) and the committee
   page; one request to warm up, then ``--requests`` (≥ 30) timed, p50 and p95.

There is no peer product for this (no assessment tool writes a ก.ต.ป.น. report): the targets come
from the issue and are printed beside the figures, with the machine's load average (``uptime``), as
other work shares the machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# this file's name is the `supervision` package's: its own folder must not shadow the package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

GOALS = {"job_s": 15.0, "page_ms": 300.0}
YEAR = 2568  # the demo's supervision year: visits, SARs, the committee's notes
PASSWORD = "khlang-demo-2569"
#: (code, title, form, year, grade): with the demo's P6-MA-2568, three years of ป.6 mathematics and ป.3 Thai
MORE_ADMINISTRATIONS = (
    ("P6-MA-2566", "สอบวัดผลสัมฤทธิ์ คณิตศาสตร์ ป.6 ปลายปี 2566", "P6-MA-2568-2", 2566, "ป.6"),
    ("P6-MA-2567", "สอบวัดผลสัมฤทธิ์ คณิตศาสตร์ ป.6 ปลายปี 2567", "P6-MA-2568-2", 2567, "ป.6"),
    ("P3-TH-2566", "สอบวัดความสามารถด้านการอ่าน ภาษาไทย ป.3 ปี 2566", "P3-TH-2568", 2566, "ป.3"),
    ("P3-TH-2567", "สอบวัดความสามารถด้านการอ่าน ภาษาไทย ป.3 ปี 2567", "P3-TH-2568", 2567, "ป.3"),
    ("P3-TH-2568", "สอบวัดความสามารถด้านการอ่าน ภาษาไทย ป.3 ปี 2568", "P3-TH-2568", 2568, "ป.3"),
)
PAGES = (  # (account, endpoint, what it is)
    ("qa.jintana", "/supervision/qa?year=2568", "QA district summary (qa.jintana)"),
    ("qa.jintana", "/supervision/?year=2568", "supervision overview (qa.jintana)"),
    ("secretary.wilai", "/supervision/plan?year=2568", "plan and coverage (secretary.wilai)"),
    ("secretary.wilai", "/supervision/committee?year=2568", "committee page (secretary.wilai)"),
)
#: Text the committee report must carry (checked in the rendered file, whatever the speed)
EXPECTED = ("รายงานผลการติดตาม", "แผนการนิเทศ", "ผลการประกันคุณภาพภายใน", "ตารางที่")


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg} (load {load_average()})", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------- building


def _roster(path: Path, grade: str, ids: list[str], rng) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ชั้น", "ห้อง", "เลขที่", "เลขประจำตัว", "คำนำหน้า", "ชื่อ", "นามสกุล", "เพศ"])
        for k, sid in enumerate(ids):
            boy = rng.random() < 0.5
            w.writerow([grade, 1 + k // 35, k % 35 + 1, sid, "ด.ช." if boy else "ด.ญ.", f"นักเรียน{k + 1}",
                        f"รุ่น{sid[:2]}", "ชาย" if boy else "หญิง"])


def add_years(store, progress=log) -> int:
    """The five more administrations of MORE_ADMINISTRATIONS, each answered by the 30 schools."""
    import numpy as np

    from demo.administrations import _answers, _banked, _n_p6
    from demo.district import demo_schools
    from itembank.accounts import actor_for
    from scoring.administrations import create_administration
    from scoring.rosters import import_roster
    from scoring.uploads import import_answers
    from testgen.forms import form_variants, get_form

    rng = np.random.default_rng(13)
    schools = demo_schools()
    now = dt.datetime.now(dt.UTC)
    with store.read_session() as s:
        officer = actor_for(s, "officer.malee")
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for code, title, form_code, year, grade in MORE_ADMINISTRATIONS:
            age = dt.timedelta(days=365 * (2569 - year))
            with store.session() as s:
                create_administration(s, officer, code, title, form_code, year_be=year, term=2, grade=grade,
                                      release_at=now - age - dt.timedelta(days=300),
                                      key_release_at=now - age - dt.timedelta(days=290),
                                      results_release_at=now - age - dt.timedelta(days=250))
                variants = form_variants(s, get_form(s, officer, form_code))
            a, b = _banked(store, officer, form_code)
            shift_of_year = {2566: -0.15, 2567: -0.05, 2568: 0.0}[year]
            for no, school in enumerate(schools, start=1):
                ids = [f"{year % 100}{grade[-1]}{no:02d}{k:03d}" for k in range(1, _n_p6(school) + 1)]
                roster = folder / f"roster-{code}-{school.code}.csv"
                _roster(roster, grade, ids, rng)
                answers = folder / f"answers-{code}-{school.code}.csv"
                shift = {"large": 0.25, "medium": 0.0, "small": -0.35}.get(school.size, 0.0) + shift_of_year
                _answers(answers, ids, rng.normal(shift, 1.0, len(ids)), a, b, variants, rng)
                with store.session() as s:
                    import_roster(s, officer, school.code, roster, year)
                with store.session() as s:
                    import_answers(s, officer, code, school.code, answers)
                n += len(ids)
            progress(f"  {code}: 30 schools answered")
    return n


def build(url: str, folder: Path) -> dict:
    """The demo district, its demo passwords, and three years of results (see the module's docstring)."""
    from demo import demo_users
    from demo.seed import seed_demo
    from itembank.accounts import set_demo_password
    from itembank.authz import Actor
    from itembank.store import Store

    store = Store(url)
    try:
        t = time.perf_counter()
        seed_demo(store)
        with store.session() as s:
            set_demo_password(s, Actor.system(), [u.username for u in demo_users()], PASSWORD)
        seeded = time.perf_counter() - t
        log(f"demo seeded in {seeded:.0f} s")
        t = time.perf_counter()
        n = add_years(store)
        log(f"five more administrations ({n:,} students) in {time.perf_counter() - t:.0f} s")
        return {"seed_s": seeded, "more_s": time.perf_counter() - t, "more_students": n}
    finally:
        store.dispose()


# ------------------------------------------------------------------------------------------- children


def _app(url: str, instance: Path, **config):
    from web import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "supervision-benchmark-" + "x" * 20, "DEMO_MODE": True,
                       "DISTRICT_NAME": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษานครชัยบุรี เขต 2", **config},
                      instance_path=str(instance))


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _signed_in(app, username: str):
    client = app.test_client()
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": _csrf(client, "/login")})
    if r.status_code != 302:
        raise SystemExit(f"sign-in of {username} failed: {r.status_code}")
    return client


def child_job(url: str, fmt: str, repeats: int, instance: Path) -> dict:
    """Press "render" `1 + repeats` times as the secretary; each job's wall and CPU time and its progress steps."""
    import itembank.jobs as jobs_records

    t_start = time.perf_counter()
    app = _app(url, instance, JOBS_BACKEND="immediate")
    client = _signed_in(app, "secretary.wilai")
    token = _csrf(client, f"/supervision/committee?year={YEAR}")
    setup_s = time.perf_counter() - t_start
    steps: list[tuple[float, int, str]] = []
    original = jobs_records.report_progress

    def observed(session, job_id, kind, done, total, message_th="", message_en=""):  # records when, then writes
        steps.append((time.perf_counter(), done, message_th))
        return original(session, job_id, kind, done, total, message_th, message_en)

    jobs_records.report_progress = observed
    runs = []
    for _ in range(1 + repeats):
        steps.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        r = client.post(f"/supervision/committee/{YEAR}/render", data={"fmt": fmt, "csrf_token": token})
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if r.status_code != 302:
            raise SystemExit(f"render: HTTP {r.status_code}")
        start = time.perf_counter() - wall
        runs.append({"wall_s": wall, "cpu_s": cpu,
                     "steps": [(round(at - start, 2), done, msg) for at, done, msg in steps]})
    page = client.get(f"/supervision/committee?year={YEAR}").get_data(as_text=True)
    link = re.search(rf'href="(/supervision/committee/files/committee-{YEAR}-[^"]+\.{fmt})"', page)
    data = client.get(link.group(1)).data if link else b""
    text = _text(data, fmt, instance)
    missing = [w for w in EXPECTED if w not in text.replace("\n", "").replace(" ", "")]
    return {"setup_s": setup_s, "runs": runs, "bytes": len(data), "missing": missing, "load": load_average()}


def child_direct(url: str, repeats: int, instance: Path) -> dict:
    """The page's direct download (GET /supervision/committee/2568.pdf, no job), first of a process and again."""
    app = _app(url, instance)
    client = _signed_in(app, "secretary.wilai")
    runs = []
    for _ in range(1 + repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        r = client.get(f"/supervision/committee/{YEAR}.pdf")
        runs.append({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu})
        if r.status_code != 200:
            raise SystemExit(f"direct PDF: HTTP {r.status_code}")
    return {"runs": runs, "bytes": len(r.data), "load": load_average()}


def _text(data: bytes, fmt: str, folder: Path) -> str:
    if not data:
        return ""
    if fmt == "docx":
        import io

        from docx import Document

        doc = Document(io.BytesIO(data))
        parts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join(parts).replace("\u200b", "").replace("\u2060", "")
    path = folder / "check.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=False)
    return done.stdout


def child_pages(url: str, n_requests: int, instance: Path) -> dict:
    app = _app(url, instance)
    clients: dict[str, object] = {}
    out = {}
    for user, path, label in PAGES:
        client = clients.get(user) or _signed_in(app, user)
        clients[user] = client
        t = time.perf_counter()
        r = client.get(path)
        first = (time.perf_counter() - t) * 1000
        if r.status_code != 200:
            raise SystemExit(f"{path} as {user}: HTTP {r.status_code}")
        times, cpus = [], []
        for _ in range(n_requests):
            t, c = time.perf_counter(), time.process_time()
            r = client.get(path)
            times.append((time.perf_counter() - t) * 1000)
            cpus.append((time.process_time() - c) * 1000)
            assert r.status_code == 200
        q = statistics.quantiles(times, n=20, method="inclusive")
        out[label] = {"first_ms": first, "p50_ms": statistics.median(times), "p95_ms": q[18], "n": n_requests,
                      "cpu_p50_ms": statistics.median(cpus), "bytes": len(r.data)}
    out["load"] = load_average()
    return out


def run_child(kind: str, url: str, folder: Path, *args: str) -> dict:
    instance = folder / f"instance-{kind}-{args[0]}"
    instance.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, __file__, "--child", *args, "--url", url, "--instance", str(instance)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} {args}: failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------- main


def _bank():
    """benchmarks/bank.py (``fresh_database``, ``PG_DSN``), loaded by its path: see the note on sys.path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("benchmarks_bank", HERE / "bank.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench(kind: str, url: str, folder: Path, args) -> dict:
    out = {}
    for fmt in ("pdf", "docx"):
        r = run_child(kind, url, folder, "job", "--fmt", fmt, "--repeats", str(args.repeats))
        out[fmt] = r
        cold, warm = r["runs"][0], r["runs"][1:]
        log(f"{kind} {fmt}: cold {cold['wall_s']:.1f} s, warm {statistics.median(x['wall_s'] for x in warm):.1f} s"
            if warm else f"{kind} {fmt}: cold {cold['wall_s']:.1f} s")
    out["direct"] = run_child(kind, url, folder, "direct", "--repeats", "1")
    log(f"{kind} direct PDF: first {out['direct']['runs'][0]['wall_s']:.1f} s")
    out["pages"] = run_child(kind, url, folder, "pages", "--requests", str(args.requests))
    return out


def report(results: dict[str, dict], args) -> None:
    kinds = list(results)
    print()
    print("Khlang supervision benchmark (issue 13 'Speed'): the ก.ต.ป.น. report as a job, and the district summary")
    print("pages. There is no peer product for this (no assessment tool writes a ก.ต.ป.น. report): the targets")
    print("come from the issue. District: the demo's 30 schools, 2568 plan, visits and SARs; six administrations")
    print("over 2566–2568 (ป.6 mathematics, ป.3 Thai) answered by the 30 schools. Wall time (CPU time of the process")
    print("in brackets: the machine is shared, so wall time grows with its load, CPU time much less).")
    print()
    width = 58
    header = f"{'measurement':<{width}}" + "".join(f"{k:>22}" for k in kinds) + f"{'target':>10}  verdict"
    print(header)
    print("-" * len(header))

    def line(label: str, values: list[float | None], goal: float | None, fmt: str, extra: list[str] | None = None):
        cells = "".join(f"{(format(v, fmt) + (extra[k] if extra else '')) if v is not None else '-':>22}"
                        for k, v in enumerate(values))
        verdict = ""
        if goal is not None:
            verdict = "met" if all(v is not None and v <= goal for v in values) else "NOT MET"
        print(f"{label:<{width}}{cells}{('≤ ' + format(goal, 'g')) if goal else '':>10}  {verdict}")

    for fmt in ("pdf", "docx"):
        runs = {k: results[k][fmt]["runs"] for k in kinds}
        line(f"report job, {fmt.upper()}, cold (first job of a process), s", [runs[k][0]["wall_s"] for k in kinds],
             GOALS["job_s"], ".1f", [f" ({runs[k][0]['cpu_s']:.1f})" for k in kinds])
        warm = {k: runs[k][1:] for k in kinds}
        if all(warm.values()):
            line(f"report job, {fmt.upper()}, warm (median of {args.repeats}), s",
                 [statistics.median(x["wall_s"] for x in warm[k]) for k in kinds], GOALS["job_s"], ".1f",
                 [f" ({statistics.median(x['cpu_s'] for x in warm[k]):.1f})" for k in kinds])
        line("  file size, kB", [results[k][fmt]["bytes"] / 1000 for k in kinds], None, ".0f")
        print(f"{'  load average (1, 5, 15 min) after the jobs':<{width}}"
              + "".join(f"{results[k][fmt]['load']:>22}" for k in kinds))
    direct = {k: results[k]["direct"]["runs"] for k in kinds}
    line("direct download GET …/2568.pdf (no job), first of a process, s", [direct[k][0]["wall_s"] for k in kinds],
         None, ".1f", [f" ({direct[k][0]['cpu_s']:.1f})" for k in kinds])
    line("direct download GET …/2568.pdf (no job), again, s", [direct[k][1]["wall_s"] for k in kinds], None, ".1f",
         [f" ({direct[k][1]['cpu_s']:.1f})" for k in kinds])
    for label in [p[2] for p in PAGES]:
        pages = {k: results[k]["pages"][label] for k in kinds}
        line(f"{label}: p50 ms", [pages[k]["p50_ms"] for k in kinds], None, ".0f",
             [f" ({pages[k]['cpu_p50_ms']:.0f})" for k in kinds])
        line(f"{label}: p95 ms (n={pages[kinds[0]]['n']})", [pages[k]["p95_ms"] for k in kinds], GOALS["page_ms"], ".0f")
        line("  first request of the process, ms", [pages[k]["first_ms"] for k in kinds], None, ".0f")
    print(f"{'  load average (1, 5, 15 min) after the pages':<{width}}"
          + "".join(f"{results[k]['pages']['load']:>22}" for k in kinds))
    print()
    print("cold: the first job of a fresh worker process, which also imports matplotlib, WeasyPrint and (through")
    print("scoring → testgen) OR-Tools and pandas; warm: the next jobs of the same process.")
    for k in kinds:
        for fmt in ("pdf", "docx"):
            r = results[k][fmt]
            steps = " → ".join(f"{at:.1f} s {done}% {msg}" for at, done, msg in r["runs"][0]["steps"])
            print(f"{k} {fmt} cold job progress: {steps}")
            if r["missing"]:
                print(f"  MISSING TEXT in the {fmt}: {r['missing']}")
    print(f"\nload average at the end: {load_average()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--url", action="append", default=[], help="time an already built database (from --keep)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep the databases (print their URLs)")
    parser.add_argument("--repeats", type=int, default=3, help="warm jobs after the first, per format")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (≥ 30)")
    parser.add_argument("--child", choices=("job", "direct", "pages"), help=argparse.SUPPRESS)
    parser.add_argument("--fmt", default="pdf", help=argparse.SUPPRESS)
    parser.add_argument("--instance", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "job":
        print(json.dumps(child_job(args.url[0], args.fmt, args.repeats, args.instance), ensure_ascii=False))
        return 0
    if args.child == "direct":
        print(json.dumps(child_direct(args.url[0], args.repeats, args.instance), ensure_ascii=False))
        return 0
    if args.child == "pages":
        print(json.dumps(child_pages(args.url[0], args.requests, args.instance), ensure_ascii=False))
        return 0
    args.requests = max(args.requests, 30)

    fresh_database = _bank().fresh_database  # a migrated database, PostgreSQL dropped afterwards

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="khlang-sup-") as tmp:
        folder = Path(tmp)
        if args.url:
            for url in args.url:
                kind = "postgresql" if url.startswith("postgresql") else "sqlite"
                log(f"{kind}: timing {url}")
                results[kind] = bench(kind, url, folder, args)
        else:
            for kind in [d.strip() for d in args.databases.split(",") if d.strip()]:
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    url = kept_database(kind, args.keep)
                    log(f"{kind}: building {url}")
                    build(url, folder)
                    results[kind] = bench(kind, url, folder, args)
                    print(f"kept: --url {url}", file=sys.stderr)
                    continue
                with fresh_database(kind, folder) as url:
                    log(f"{kind}: building the district")
                    build(url, folder)
                    results[kind] = bench(kind, url, folder, args)
    report(results, args)
    return 0


def kept_database(kind: str, folder: Path) -> str:
    """A migrated database that outlives the run (SQLite in `folder`; PostgreSQL named after it)."""
    import uuid

    from web.migrations import upgrade

    if kind == "sqlite":
        url = f"sqlite:///{folder / f'sup-{uuid.uuid4().hex[:6]}.sqlite3'}"
    else:
        import psycopg

        PG_DSN = _bank().PG_DSN
        name = f"khlang_sup_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    upgrade(url)
    return url


if __name__ == "__main__":
    raise SystemExit(main())

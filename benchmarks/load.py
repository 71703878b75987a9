#!/usr/bin/env python3
"""Load benchmark (issue 12, "Speed"): gunicorn with several workers serving the demo district, driven by Locust.

    .venv/bin/python benchmarks/load.py                       # PostgreSQL and SQLite, the full figures
    .venv/bin/python benchmarks/load.py --quick               # fewer schools/files, shorter runs
    .venv/bin/python benchmarks/load.py --databases sqlite --port 5108

For each database (a fresh PostgreSQL database on 127.0.0.1:5432, dropped afterwards; a fresh SQLite
file in a temporary folder), not timed: the demo district is seeded (``demo.seed.seed_demo``), the
district grows to ``--schools`` schools (each with a school account, a bearer token and a roster of
``--students`` ป.6 students), an administration ``BENCH-2569`` of the demo's frozen form P6-MA-2568-1
is released to every school, and its booklets are pre-rendered by the release job
(``web.jobs.tasks.render_release_booklets``; the second database records the same files). Then
gunicorn serves the app as README's production section runs it (``--workers`` sync workers,
``--preload web.wsgi:app``: the app built and warmed once, then forked; 127.0.0.1 only) and Locust 2
(headless, from this script) runs, one after the other:

(a) browse: a mix of bank search, item view, results pages and downloads (pages and API routes, as
    officer, analyst and school with bearer tokens) at ``--rate`` requests/s for ``--seconds`` s;
    target p95 <= 200 ms and no error. Printed for both databases side by side. ``--rate`` users, each
    at 1 request/s on its own Poisson schedule (independent people; ``locustfile.poisson_arrivals``).
    The former pacing (``--arrivals poisson,lockstep`` runs it too, for comparison) had all users send
    together once a second: a 50-request burst each second, whose queueing at the workers Locust
    reported as latency (issue 12: p95 400 ms for requests the workers served in 24 ms). Beside the
    figures: how the requests arrived (count per 100 ms, its variance/mean: 1 for Poisson), gunicorn's
    own request time from its access log (%M, which leaves out the wait in the listen queue) and
    Locust's CPU.
(b) booklets: every school downloads its pre-rendered booklet once within 60 s; target p95 <= 1 s,
    and no render on the request path: the workers count calls of ``exports.render.render`` (a
    gunicorn ``post_fork`` hook) and the count must stay 0; each file's SHA-256 must equal the stored one.
(c) uploads: a district morning, ``--uploads`` answer files (one per school, generated from the
    school's own answer template) sent by a few clients at once (``--upload-users``) through the
    API's upload route when /api/v1 documents one, else through the school portal's check-and-confirm
    pages (with the same bearer tokens); target: done within 10 min, 0 errors, and the totals exact:
    answer uploads, response rows and score rows in the database equal the files' rows.

A table prints each figure beside its target (met / not met). Exit status 0 even when a target is not
met (the figures are the result); 2 when the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The project's packages first: benchmarks/ holds modules named like rooms (supervision.py), which must not
# shadow them; it comes last, for its helpers (bank.fresh_database).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "benchmarks"))

BENCH = "BENCH-2569"
FORM = "P6-MA-2568-1"
YEAR = 2569
DEMO_RESULTS = "P6-MA-2568"  # the demo administration with answers from 29 schools
TARGETS = {"browse_p95_ms": 200.0, "booklet_p95_ms": 1000.0, "upload_minutes": 10.0}
ROSTER_HEADER = ["ชั้น", "ห้อง", "เลขที่", "เลขประจำตัว", "คำนำหน้า", "ชื่อ", "นามสกุล", "เพศ"]
BIN = ROOT / ".venv" / "bin"
#: In-process time of one request of each kind (the probe, one client, no concurrency), by database.
SERVICE_MS: dict[str, list[float]] = {}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ----------------------------------------------------------------------------------------- preparing


def prepare(url: str, folder: Path, args, shared: dict) -> dict:
    """Seed the demo and the benchmark's district in the database; return the Locust plan."""
    from demo import demo_users
    from demo.seed import seed_demo
    from itembank.accounts import UserDraft, create_users, issue_token, set_demo_password
    from itembank.authz import Actor
    from itembank.schools import SchoolBase, add_schools
    from scoring.administrations import create_administration, list_administrations
    from web import create_app
    from web.store_ext import get_store

    system = Actor.system()
    inst = folder / "instance"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "load-benchmark"}, instance_path=str(inst))
    store = get_store(app)
    t = time.perf_counter()
    if args.demo_sqlite and url.startswith("sqlite"):  # an already seeded demo copied in (quick local runs)
        log(f"demo copied from {args.demo_sqlite}")
    else:
        seed_demo(store)
        with store.session() as s:
            set_demo_password(s, system, [u.username for u in demo_users()], "khlang-demo-2569")
        log(f"demo seeded in {time.perf_counter() - t:.0f} s")

    t = time.perf_counter()
    with store.read_session() as s:
        from sqlalchemy import select

        from itembank.schools import School

        existing = list(s.scalars(select(School.code).order_by(School.code)))
    extra = [f"10999{k:05d}" for k in range(max(0, args.schools - len(existing)))]
    with store.session() as s:
        if extra:
            add_schools(s, system, [SchoolBase(code=c, name_th=f"โรงเรียนบ้านทดสอบภาระ {k + 1}", grades="ป.6")
                                    for k, c in enumerate(extra)])
    codes = (existing + extra)[:args.schools]
    with store.session() as s:
        from itembank.schools import School

        ids = dict(s.execute(select(School.code, School.id)).all())
        create_users(s, system, [UserDraft(username=f"bench.{c}", display_name=f"ธุรการ {c}", role="school",
                                           school_id=ids[c]) for c in codes])
        tokens = {c: issue_token(s, system, f"bench.{c}", label="load benchmark") for c in codes}
        for name in ("officer.malee", "analyst.thanet", "school.1029020001"):
            tokens[name] = issue_token(s, system, name, label="load benchmark")
    now = dt.datetime.now(dt.UTC)
    with store.session() as s:
        create_administration(s, system, BENCH, "สอบวัดผลทดสอบภาระ ป.6", FORM, year_be=YEAR, term=1, grade="ป.6",
                              schools=codes, release_at=now - dt.timedelta(hours=1),
                              key_release_at=now - dt.timedelta(minutes=30),
                              results_release_at=now - dt.timedelta(minutes=30))
    _rosters(store, codes, folder, args.students)
    log(f"{len(extra)} more schools ({len(codes)} in all), accounts, tokens, {BENCH} and rosters in "
        f"{time.perf_counter() - t:.0f} s")

    t = time.perf_counter()
    booklets = _prerender(app, store, shared)
    log(f"booklets of {len(booklets)} schools pre-rendered in {time.perf_counter() - t:.0f} s")

    files = _answer_files(store, codes[:args.uploads], folder / "answers", args.seed)
    with store.read_session() as s:
        demo_admins = [a.code for a in list_administrations(s, system)]
    plan = {
        "browse": _browse_steps(app, store, tokens, codes, demo_admins),
        "browse_per_user": 1.0,
        "booklets": [{"url": _booklet_url(app, c, variant), "token": tokens[c], "sha256": sha}
                     for c, (variant, sha) in booklets.items()],
        "uploads": [],
    }
    mode, route = _upload_route(app)
    plan["upload_mode"] = mode
    plan["upload_route"] = route
    for c, path, n_rows in files:
        step = {"file": str(path), "rows": n_rows, "token": tokens[c], "school": c,
                "check_url": page(app, "portal.upload_answers", code=BENCH)}
        if mode == "api":
            step["url"] = route.replace("{code}", BENCH).replace("{school}", c)
        plan["uploads"].append(step)
    get_store(app).dispose()
    return plan


def page(app, endpoint: str, **values) -> str:
    """The path of a page route (the blueprints' prefixes change; their endpoint names do not)."""
    from flask import url_for

    with app.test_request_context():
        return url_for(endpoint, **values)


def _rosters(store, codes: list[str], folder: Path, n: int) -> None:
    from itembank.authz import Actor
    from scoring.rosters import import_roster

    folder.mkdir(parents=True, exist_ok=True)
    for k, code in enumerate(codes):
        path = folder / "roster.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(ROSTER_HEADER)
            for i in range(1, n + 1):
                boy = i % 2
                w.writerow(["ป.6", 1 + i % 2, i // 2 + 1, f"B{k:04d}{i:03d}", "ด.ช." if boy else "ด.ญ.",
                            f"นักเรียน{i}", f"สกุล{k}", "ชาย" if boy else "หญิง"])
        with store.session() as s:
            import_roster(s, Actor.system(), code, path, YEAR)


def _prerender(app, store, shared: dict) -> dict[str, tuple[str, str]]:
    """Booklets of every school (the release job once; the next database records the same files)."""
    from sqlalchemy import select

    from itembank.authz import Actor
    from scoring.administrations import record_booklets
    from web.jobs.tasks import render_release_booklets

    if "booklets" in shared:
        with store.session() as s:
            record_booklets(s, Actor.system(), BENCH, shared["booklets"])
    else:
        out = render_release_booklets(app, BENCH, out_dir=str(shared["folder"] / "booklets"))
        if not out.get("ok"):
            raise SystemExit(f"the release job refused: {out}")
        from scoring.models import AdministrationSchool

        with store.read_session() as s:
            from itembank.schools import School
            from scoring.models import Administration

            adm = s.scalar(select(Administration).where(Administration.code == BENCH))
            rows = s.execute(select(School.code, AdministrationSchool.booklets)
                             .join(School, School.id == AdministrationSchool.school_id)
                             .where(AdministrationSchool.administration_id == adm.id)).all()
        shared["booklets"] = {c: dict(b or {}) for c, b in rows}
    rng = random.Random(7)
    out: dict[str, tuple[str, str]] = {}
    for code, files in shared["booklets"].items():
        if files:
            variant = rng.choice(sorted(files))
            out[code] = (variant, files[variant]["sha256"])
    return out


def _answer_files(store, codes: list[str], folder: Path, seed: int) -> list[tuple[str, Path, int]]:
    """One answer file per school, from its own answer template, with plausible answers."""
    from itembank.authz import Actor
    from scoring.uploads import answer_template

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out = []
    for code in codes:
        with store.read_session() as s:
            table = answer_template(s, Actor.system(), BENCH, code)
        cols = list(table.columns)
        var_col = next((i for i, c in enumerate(cols) if c.strip() in ("ชุด", "variant")), None)
        item_cols = [i for i, c in enumerate(cols) if c.strip().isdigit()]
        path = folder / f"{BENCH}-{code}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(cols)
            for row in table.rows:
                cells = ["" if v is None else str(v) for v in row]
                if var_col is not None:
                    cells[var_col] = rng.choice("ABCD")
                for i in item_cols:
                    cells[i] = rng.choice("กขคง")
                w.writerow(cells)
        out.append((code, path, len(table.rows)))
    return out


API_BOOKLET = "/api/v1/administrations/{code}/schools/{school}/booklet"


def _api_paths(app) -> dict:
    return (app.test_client().get("/api/v1/openapi.json").get_json() or {}).get("paths") or {}


def _booklet_url(app, school: str, variant: str) -> str:
    """The API's booklet route when /api/v1 documents it, else the school portal's page route."""
    if "_booklet_api" not in app.config:
        app.config["_booklet_api"] = API_BOOKLET in _api_paths(app)
        log("booklets through " + (API_BOOKLET if app.config["_booklet_api"] else
                                   "the school portal (no API booklet route documented)"))
    if app.config["_booklet_api"]:
        return API_BOOKLET.format(code=BENCH, school=school) + f"?variant={variant}"
    return page(app, "portal.booklet", code=BENCH, variant=variant)


def _upload_route(app) -> tuple[str, str]:
    """("api", path) when /api/v1 documents an answer-upload route, else ("portal", "")."""
    for path, ops in _api_paths(app).items():
        if "post" in ops and "answers" in path and "{" in path and "confirm" not in path:
            return "api", path.replace("{administration}", "{code}")
    return "portal", ""


def _browse_steps(app, store, tokens: dict, codes: list[str], admins: list[str]) -> list[dict]:
    """The browse mix: candidate pages and API routes, kept when they answer 200 in-process."""
    from sqlalchemy import select

    from itembank.models import Item

    with store.read_session() as s:
        item_codes = list(s.scalars(select(Item.code).order_by(Item.code).limit(2000)))
    rng = random.Random(3)
    items = rng.sample(item_codes, min(40, len(item_codes)))
    officer, analyst, school = tokens["officer.malee"], tokens["analyst.thanet"], tokens["school.1029020001"]
    bench_school = tokens[codes[0]]
    cand: list[tuple[str, str, str]] = []
    for q in ("เศษส่วน", "พื้นที่", "ร้อยละ", "การอ่าน"):
        cand.append(("bank search (page)", f"/bank/?q={q}&grade=ป.6", officer))
        cand.append(("bank search (API)", f"/api/v1/items?q={q}&per_page=20", officer))
    cand.append(("bank filter (page)", "/bank/?learning_area=ค&grade=ป.6&page=2", officer))
    for code in items:
        cand.append(("item view (page)", f"/bank/items/{code}", officer))
        cand.append(("item view (API)", f"/api/v1/items/{code}", officer))
    cand += [
        ("results: school (page)", page(app, "portal.results", code=DEMO_RESULTS), school),
        ("results: school portal (page)", page(app, "portal.show", code=DEMO_RESULTS), school),
        ("results: reports (page)", "/reports/", analyst),
        ("results: analysis (page)", f"/analysis/{DEMO_RESULTS}/", analyst),
        ("results: administration (page)", f"/administrations/{DEMO_RESULTS}", officer),
        ("results: school (API)", f"/api/v1/administrations/{DEMO_RESULTS}/schools/1029020001/results", school),
        ("results: school (API)", f"/api/v1/administrations/{DEMO_RESULTS}/schools/1029020002/results", analyst),
        ("results: item statistics (API)", f"/api/v1/analysis/administrations/{DEMO_RESULTS}/items", analyst),
        ("results: report summary (API)", f"/api/v1/reports/administrations/{DEMO_RESULTS}/summary", analyst),
        ("download: booklet (pre-rendered)", page(app, "portal.booklet", code=BENCH, variant="A"), bench_school),
        ("download: booklet (pre-rendered, API)", API_BOOKLET.format(code=BENCH, school=codes[0]) + "?variant=A",
         bench_school),
        ("download: answer template", page(app, "portal.template", code=BENCH, fmt="csv"), bench_school),
        ("download: IOC form", "/bank/ioc-form.xlsx", officer),
    ]
    client = app.test_client()
    import logging

    app.logger.disabled = logging.getLogger("khlang.web").disabled = True  # a failing candidate is only dropped
    steps, dropped = [], []
    for name, url, token in cand:
        t = time.perf_counter()
        r = client.get(url, headers={"Authorization": f"Bearer {token}"})
        if r.status_code == 200:
            r = client.get(url, headers={"Authorization": f"Bearer {token}"})  # warm: the service time
            SERVICE_MS.setdefault(name, []).append((time.perf_counter() - t) * 500)
            steps.append({"name": name, "url": url, "token": token})
        else:
            dropped.append(f"{name} {url} -> {r.status_code}")
    kinds = sorted({s["name"] for s in steps})
    log(f"browse mix: {len(steps)} URLs of {len(kinds)} kinds: {', '.join(kinds)}")
    for d in dict.fromkeys(x.rsplit(" ", 1)[0].split(" /")[0] + " -> " + x.rsplit(" ", 1)[1] for x in dropped):
        log(f"  not in the mix (does not answer 200 yet): {d}")
    return steps


# ------------------------------------------------------------------------------------------ serving


GUNICORN_CONF = '''
import os

COUNTER = {counter!r}


def post_fork(server, worker):
    """Count every document render in this worker (the booklet scenario expects none)."""
    import exports.render as r

    original = r.render

    def counted(*args, **kwargs):
        with open(COUNTER, "a") as f:
            f.write(f"{{os.getpid()}}\\n")
        return original(*args, **kwargs)

    r.render = counted
'''


@contextmanager
def gunicorn(url: str, folder: Path, port: int, workers: int):
    inst = folder / "instance"
    inst.mkdir(parents=True, exist_ok=True)
    counter = folder / "renders.txt"
    counter.write_text("")
    conf = folder / "gunicorn.conf.py"
    conf.write_text(GUNICORN_CONF.format(counter=str(counter)))
    env = dict(os.environ, KHLANG_INSTANCE=str(inst), DATABASE_URL=url, KHLANG_SECRET_KEY="load-benchmark",
               KHLANG_JOBS_SQLITE_PATH=str(folder / "jobs.sqlite3"))
    log_file = open(folder / "gunicorn.log", "w")
    proc = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(conf), "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--timeout", "120", "--graceful-timeout", "5", "--preload",
                             "--access-logfile", str(folder / "access.log"), "--access-logformat", "%(M)s %(s)s %(U)s",
                             "web.wsgi:app"],
                            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(port, proc, folder / "gunicorn.log")
        yield f"http://127.0.0.1:{port}", counter
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log_file.close()


def _wait_for(port: int, proc, log_path: Path) -> None:
    deadline = time.monotonic() + 180  # --preload: the app is built and warmed before the first answer
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn stopped: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 180 s")


def warm(base: str, steps: list[dict], workers: int) -> None:
    """Each browse URL once, ``workers`` at a time, before the timed runs: every worker has opened its
    database connections and filled its caches (a server that has just started is not what the browse
    target is about; in a first run, requests of freshly forked workers took up to 2 s)."""
    from concurrent.futures import ThreadPoolExecutor

    def get(step: dict) -> None:
        from urllib.parse import quote

        req = urllib.request.Request(base + quote(step["url"], safe="/?=&%:"),
                                     headers={"Authorization": f"Bearer {step['token']}"})
        with urllib.request.urlopen(req, timeout=60) as r:
            r.read()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(get, steps))


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


# ------------------------------------------------------------------------------------------- locust


def locust(user: str, base: str, plan_path: Path, out: Path, users: int, rate: float, seconds: int,
           tag: str = "", env: dict | None = None) -> dict:
    """Run one Locust scenario headless; the aggregated figures of its CSV, and Locust's own CPU time."""
    prefix = out / f"{user}{tag}"
    cmd = [str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless", "-u", str(users),
           "-r", str(rate), "-t", f"{seconds}s", "--csv", str(prefix), "--host", base, "--only-summary",
           "--stop-timeout", "30", "--loglevel", "WARNING", user]
    t = time.perf_counter()
    cpu = _children_cpu()
    subprocess.run(cmd, cwd=ROOT, env=dict(os.environ, KHLANG_LOAD_PLAN=str(plan_path), **(env or {})), check=False,
                   stdout=open(out / f"{user}{tag}.log", "w"), stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t
    cpu = _children_cpu() - cpu
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
    agg = next(r for r in rows if r["Name"] == "Aggregated")
    fails = list(csv.DictReader(open(f"{prefix}_failures.csv", encoding="utf-8")))

    def num(r, k):
        v = r.get(k, "")
        return float(v) if v not in ("", "N/A") else float("nan")

    return {"n": int(agg["Request Count"]), "errors": int(agg["Failure Count"]), "p50": num(agg, "50%"),
            "p95": num(agg, "95%"), "p99": num(agg, "99%"), "rps": num(agg, "Requests/s"), "wall": wall,
            "locust_cpu": cpu / wall,
            "by_name": {r["Name"]: (int(r["Request Count"]), int(r["Failure Count"]), num(r, "95%"))
                        for r in rows if r["Name"] != "Aggregated"},
            "failures": [f"{f['Method']} {f['Name']}: {f['Error']} x{f['Occurrences']}" for f in fails]}


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def arrivals(path: Path) -> dict:
    """How the browse requests arrived (their start times, from the locustfile): requests per 100 ms, its
    variance over its mean (1 for a Poisson stream, ~users for users firing together) and the most requests
    started within any 100 ms; the first 2 s (users starting) left out."""
    import bisect

    starts = sorted(float(line.split()[0]) for line in path.read_text().split("\n") if line.strip())
    starts = [t for t in starts if t >= starts[0] + 2.0] if starts else []
    if len(starts) < 10:
        return {}
    bins = [0] * (int((starts[-1] - starts[0]) * 10) + 1)
    for t in starts:
        bins[int((t - starts[0]) * 10)] += 1
    mean = statistics.fmean(bins)
    return {"per_100ms": mean, "dispersion": statistics.pvariance(bins) / mean,
            "most_in_100ms": max(bisect.bisect_left(starts, t + 0.1) - i for i, t in enumerate(starts))}


def server_times(access_log: Path, start: int, end: int) -> tuple[float, float, int]:
    """(p50, p95 ms, requests) of gunicorn's own request time (%M: request read to response written; not the
    wait in the listen queue) for the access-log lines written between two offsets."""
    with open(access_log, "rb") as f:
        f.seek(start)
        lines = f.read(end - start).decode("utf-8", "replace").split("\n")
    ms = sorted(int(x.split()[0]) for x in lines if x.strip() and x.split()[0].isdigit())
    if not ms:
        return float("nan"), float("nan"), 0
    return ms[len(ms) // 2], ms[min(len(ms) - 1, int(0.95 * len(ms)))], len(ms)


def totals(url: str, plan: dict) -> tuple[int, int, int, int, int]:
    """(files sent, file rows, current uploads, response rows, score rows) of BENCH in the database."""
    from sqlalchemy import func, select

    from itembank.store import Store
    from scoring.models import Administration, AnswerUpload, ResponseSet, StudentScore

    store = Store(url)
    try:
        with store.read_session() as s:
            adm = s.scalar(select(Administration.id).where(Administration.code == BENCH))
            uploads = s.scalar(select(func.count()).select_from(AnswerUpload).where(
                AnswerUpload.administration_id == adm, AnswerUpload.is_current.is_(True)))
            responses = s.scalar(select(func.count()).select_from(ResponseSet).where(
                ResponseSet.administration_id == adm))
            scores = s.scalar(select(func.count()).select_from(StudentScore).where(
                StudentScore.administration_id == adm))
    finally:
        store.dispose()
    return len(plan["uploads"]), sum(u["rows"] for u in plan["uploads"]), uploads, responses, scores


# ---------------------------------------------------------------------------------------------- main


def run_database(kind: str, args, shared: dict, results: list) -> None:
    from bank import fresh_database

    folder = shared["folder"] / kind
    folder.mkdir(parents=True, exist_ok=True)
    log(f"== {kind}: a fresh database")
    with fresh_database(kind, folder) as url:
        if kind == "sqlite" and args.demo_sqlite:
            from web.migrations import upgrade

            shutil.copyfile(args.demo_sqlite, url.removeprefix("sqlite:///"))
            upgrade(url)  # a copy seeded before the latest migrations
        plan = prepare(url, folder, args, shared)
        plan["done_file"] = str(folder / "uploads-done.txt")
        plan["booklet_per_user"] = len(plan["booklets"]) / args.booklet_seconds / args.booklet_users
        plan_path = folder / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False))
        with gunicorn(url, folder, args.port, args.workers) as (base, counter):
            warm(base, plan["browse"], args.workers)
            access = folder / "access.log"
            for pacing in args.arrivals:
                log(f"gunicorn -w {args.workers} on {base}; (a) browse at {args.rate}/s for {args.seconds} s, "
                    f"{pacing} arrivals")
                start = access.stat().st_size
                arrived = folder / f"arrivals-{pacing}.txt"
                a = locust("BrowseUser", base, plan_path, folder, args.rate, args.rate, args.seconds, tag=f"-{pacing}",
                           env={"KHLANG_LOAD_ARRIVALS": pacing, "KHLANG_LOAD_ARRIVALS_FILE": str(arrived)})
                a["service"] = {n: statistics.median(v) for n, v in SERVICE_MS.items()}
                a["pacing"], a["arrivals"] = pacing, arrivals(arrived)
                a["server"] = server_times(access, start, access.stat().st_size)
                results.append((kind, "browse" if pacing == "poisson" else f"browse, {pacing}", a))
            SERVICE_MS.clear()
            before = len(counter.read_text().split())
            log(f"(b) {len(plan['booklets'])} schools download their booklets within {args.booklet_seconds} s")
            b = locust("BookletUser", base, plan_path, folder, args.booklet_users, args.booklet_users,
                       args.booklet_seconds + 60)
            b["renders"] = len(counter.read_text().split()) - before
            b["done"] = b["by_name"].get("booklet (pre-rendered PDF)", (0, 0, 0))[0]
            results.append((kind, "booklets", b))
            route = plan["upload_route"] or "portal check + confirm (no API upload route documented)"
            log(f"(c) {len(plan['uploads'])} answer files, {args.upload_users} at once, through {route}")
            done_file = Path(plan["done_file"])
            started = time.time()
            c = locust("UploadUser", base, plan_path, folder, args.upload_users, args.upload_users, 600)
            stamps = [float(x) for x in done_file.read_text().split()] if done_file.exists() else []
            c["wall"] = (max(stamps) - started) if stamps else c["wall"]
            c["totals"] = totals(url, plan)
            c["route"] = route
            results.append((kind, "uploads", c))


def report(results: list, args) -> None:
    rows: list[tuple[str, str, str, str]] = []

    def add(scenario, figure, target, met):
        rows.append((scenario, figure, target, "met" if met else "NOT MET"))

    for kind, name, r in results:
        tag = f"{kind:10s} {name}"
        if name.startswith("browse"):
            add(tag, f"p50 {r['p50']:.0f} / p95 {r['p95']:.0f} / p99 {r['p99']:.0f} ms, {r['rps']:.1f} req/s, "
                f"{r['n']} requests, {r['errors']} errors", f"p95 <= {TARGETS['browse_p95_ms']:.0f} ms, 0 errors, "
                f"{args.rate} req/s", r["p95"] <= TARGETS["browse_p95_ms"] and r["errors"] == 0
                and r["rps"] >= 0.9 * args.rate)
            if name != "browse":
                rows[-1] = rows[-1][:3] + (rows[-1][3] + " (comparison only)",)
        elif name == "booklets":
            add(tag, f"{r['done']} downloads in {r['wall']:.0f} s, p50 {r['p50']:.0f} / p95 {r['p95']:.0f} / "
                f"p99 {r['p99']:.0f} ms, {r['errors']} errors, {r['renders']} renders",
                f"{args.schools} in <= {args.booklet_seconds} s, p95 <= 1000 ms, 0 renders",
                r["p95"] <= TARGETS["booklet_p95_ms"] and r["errors"] == 0 and r["renders"] == 0
                and r["done"] >= args.schools)
        else:
            files, file_rows, uploads, responses, scores = r["totals"]
            exact = uploads == files and responses == file_rows and scores == file_rows
            add(tag, f"{files} files in {r['wall'] / 60:.1f} min, p95 {r['p95']:.0f} ms per request, "
                f"{r['errors']} errors; DB: {uploads} uploads, {responses} response rows, {scores} scores "
                f"for {file_rows} file rows", "<= 10 min, 0 errors, totals exact",
                r["wall"] <= 600 and r["errors"] == 0 and exact)
    print()
    print("Load benchmark (issue 12, Speed): gunicorn", args.workers, "workers, Locust", _locust_version(),
          "- 127.0.0.1 only" + (" - QUICK mode" if args.quick else ""))
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end "
          f"(Locust runs on the same CPUs; other work on the machine slows every figure)")
    w = [max(len(r[i]) for r in rows + [("scenario", "figure", "target", "")]) for i in range(4)]
    print(f"{'scenario':{w[0]}}  {'figure':{w[1]}}  {'target':{w[2]}}  result")
    for r in rows:
        print(f"{r[0]:{w[0]}}  {r[1]:{w[1]}}  {r[2]:{w[2]}}  {r[3]}")
    for kind, name, r in results:
        for f in r["failures"][:8]:
            print(f"  {kind} {name} failure: {f}")
        if name.startswith("browse"):
            arr, (s50, s95, sn) = r["arrivals"], r["server"]
            print(f"  {kind} {name}: {r['pacing']} arrivals"
                  + (f", {arr['per_100ms']:.1f} requests per 100 ms (variance/mean {arr['dispersion']:.1f}; "
                     f"Poisson 1), at most {arr['most_in_100ms']} started within 100 ms" if arr else "")
                  + f"; gunicorn's own time (%M) p50 {s50:.0f} / p95 {s95:.0f} ms over {sn} requests; "
                  f"Locust {100 * r['locust_cpu']:.0f} % of a core")
        if name == "browse":
            for n, (count, errs, p95) in sorted(r["by_name"].items()):
                alone = r.get("service", {}).get(n)
                print(f"  {kind} browse  {n:38s} {count:6d} requests  p95 {p95:6.0f} ms  {errs} errors"
                      + (f"  (alone, in process: {alone:.0f} ms)" if alone else ""))
        if name == "uploads":
            print(f"  {kind} uploads through: {r['route']}")


def _locust_version() -> str:
    from importlib.metadata import version

    return version("locust")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--databases", default="postgresql,sqlite")
    p.add_argument("--quick", action="store_true", help="60 schools and files, 20 s of browsing")
    p.add_argument("--port", type=int, default=5107)
    p.add_argument("--workers", type=int, default=5)
    p.add_argument("--rate", type=int, default=50, help="browse requests per second (one per user)")
    p.add_argument("--seconds", type=int, help="browse run time (default 60 s, 20 s with --quick)")
    p.add_argument("--arrivals", default="poisson",
                   help="browse pacing, comma-separated to run several: poisson (independent users, the target's "
                        "50 requests/s) or lockstep (the former constant_throughput pacing: all users together "
                        "once a second), e.g. poisson,lockstep")
    p.add_argument("--schools", type=int, default=400)
    p.add_argument("--students", type=int, default=30)
    p.add_argument("--uploads", type=int, default=400)
    p.add_argument("--upload-users", type=int, default=4)
    p.add_argument("--booklet-users", type=int, default=40)
    p.add_argument("--booklet-seconds", type=int, default=60)
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--demo-sqlite", help="an SQLite file already seeded by `khlang demo seed` (skips seeding)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, CSVs)")
    args = p.parse_args(argv)
    if args.quick:
        args.schools, args.uploads, args.booklet_seconds = 60, 60, 15
        args.seconds = args.seconds or 20
        args.booklet_users = 10
    args.seconds = args.seconds or 60
    args.uploads = min(args.uploads, args.schools)
    args.arrivals = [a.strip() for a in args.arrivals.split(",") if a.strip()]
    if not args.arrivals or set(args.arrivals) - {"poisson", "lockstep"}:
        p.error("--arrivals: poisson, lockstep or both")
    if not port_free(args.port):
        print(f"port {args.port} is taken: use --port", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="khlang-load-"))
    shared = {"folder": folder}
    results: list = []
    try:
        for kind in [k.strip() for k in args.databases.split(",") if k.strip()]:
            run_database(kind, args, shared, results)
    finally:
        if results:
            report(results, args)
        if args.keep:
            print(f"logs and CSVs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

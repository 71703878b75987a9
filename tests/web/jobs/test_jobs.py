"""Jobs on a real queue (embedded SQLite and Redis) run by a real consumer: item imports reach the
database, a refused import returns the Thai problem list and writes nothing, a calibration writes
its PARAMS.csv, a booklet render writes its PDF, the unexpected is recorded as a failure, and every
job leaves its record (itembank.jobs) with its outcome."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import numpy as np
from jobs_helpers import WAIT, item_row, write_responses
from sqlmodel import func, select

from itembank.exporting import write_csv, write_xlsx
from itembank.models import Item, ItemVersion


def _counts(session) -> tuple[int, int]:
    """Rows now, read in a transaction of its own: on SQLite an open one would hold the lock the job needs."""
    session.rollback()
    counts = tuple(session.exec(select(func.count()).select_from(m)).one() for m in (Item, ItemVersion))
    session.rollback()
    return counts


def test_item_import_job_writes_every_row(jobs_backend, db_url, session, make_jobs_app, consumer_of, tmp_path):
    from web.jobs import get_jobs

    path = write_xlsx(tmp_path / "items.xlsx", [item_row(f"JOB-{i}") for i in range(1, 13)])
    app = make_jobs_app(jobs_backend, db_url)
    consumer_of(app)
    jobs = get_jobs(app)
    handle = jobs.import_items(path, as_name="officer1")
    outcome = jobs.outcome(handle, timeout=WAIT)
    assert outcome is not None, "the consumer did not run the job"
    assert outcome["ok"] is True and outcome["job"] == "import_items"
    assert (outcome["n_rows"], outcome["n_created"], outcome["n_unchanged"]) == (12, 12, 0)
    assert "นำเข้าแล้ว 12 แถว" in outcome["message_th"]
    assert _counts(session) == (12, 12)
    stem = session.exec(select(ItemVersion.stem).join(Item).where(Item.code == "JOB-7")).one()
    session.rollback()
    assert stem == "ข้อ JOB-7: ๗ × ๘ มีค่าเท่าใด"

    again = jobs.outcome(jobs.import_items(path), timeout=WAIT)       # idempotent, by id this time
    assert (again["n_created"], again["n_unchanged"]) == (0, 12) and _counts(session) == (12, 12)
    assert jobs.outcome(handle.id) is None, "an outcome is removed from the store once read"


def test_refused_import_returns_the_thai_problems_and_writes_nothing(jobs_backend, db_url, session, make_jobs_app,
                                                                     consumer_of, tmp_path):
    from web.jobs import get_jobs

    rows = [item_row("BAD-1"), item_row("BAD-2", indicator="ค 9.9 ป.6/1"), item_row("BAD-3"), item_row("BAD-4", key="จ")]
    path = write_csv(tmp_path / "bad.csv", rows)
    app = make_jobs_app(jobs_backend, db_url)
    consumer_of(app)
    jobs = get_jobs(app)
    outcome = jobs.outcome(jobs.import_items(path), timeout=WAIT)
    assert outcome["ok"] is False and outcome["code"] == "import.invalid"
    assert "ไม่มีการบันทึกใด ๆ" in outcome["message_th"]
    problems = outcome["problems"]
    assert len(problems) == 2 and len(outcome["problems_en"]) == 2
    assert problems[0].startswith("bad.csv แถว 3 คอลัมน์") and "ค 9.9 ป.6/1" in problems[0]
    assert problems[1].startswith("bad.csv แถว 5 คอลัมน์")
    assert _counts(session) == (0, 0)

    missing = jobs.outcome(jobs.import_items(tmp_path / "nowhere.xlsx"), timeout=WAIT)
    assert missing["ok"] is False and missing["problems"] == ["ไม่พบไฟล์ nowhere.xlsx"]


def test_calibration_job_writes_the_params_csv(jobs_backend, make_jobs_app, consumer_of, tmp_path):
    from web.jobs import get_jobs

    app = make_jobs_app(jobs_backend)
    consumer_of(app)
    jobs = get_jobs(app)
    out = tmp_path / "params.csv"
    outcome = jobs.outcome(jobs.calibrate(write_responses(tmp_path / "responses.csv"), "2pl", out), timeout=WAIT)
    assert outcome["ok"] is True and outcome["converged"] is True, outcome
    assert (outcome["n_items"], outcome["n_persons"]) == (6, 400)
    with out.open(encoding="utf-8") as f:
        params = list(csv.DictReader(f))
    assert [p["item_id"] for p in params] == [f"I{j}" for j in range(1, 7)]
    b = np.array([float(p["b"]) for p in params])
    assert all(p["model"] == "2pl" for p in params) and np.all(np.diff(b) > 0)  # ordered as generated
    assert Path(f"{out}.meta.json").exists()

    bad = tmp_path / "bad.csv"
    bad.write_text("person_id,I1,I2\nP1,1,0\nP2,1,x\n", encoding="utf-8")
    refused = jobs.outcome(jobs.calibrate(bad, "2pl", tmp_path / "never.csv"), timeout=WAIT)
    assert refused["ok"] is False and "แถว 3 คอลัมน์ I2" in refused["problems"][0]
    assert not (tmp_path / "never.csv").exists()


def test_booklet_job_renders_a_frozen_form(jobs_backend, db_url, session, make_jobs_app, consumer_of, tmp_path):
    from factories import make_item_draft

    from itembank import service
    from itembank.authz import Actor
    from testgen.forms import freeze_form
    from web.jobs import get_jobs

    drafts = [make_item_draft(code=f"BK-{i}", stem=f"{i} + 3 เท่ากับเท่าใด", status="approved") for i in range(1, 5)]
    service.upsert_items(session, Actor.system(), drafts)
    ids = session.exec(select(ItemVersion.id).order_by(ItemVersion.id)).all()
    freeze_form(session, Actor.system(), "JOB-F1", "คณิตศาสตร์ ป.6 ทดลอง", ids, time_minutes=20)
    session.commit()
    app = make_jobs_app(jobs_backend, db_url)
    consumer_of(app)
    jobs = get_jobs(app)
    out = tmp_path / "booklet.pdf"
    outcome = jobs.outcome(jobs.render_booklet("JOB-F1", None, out), timeout=WAIT)
    assert outcome["ok"] is True and outcome["n_items"] == 4, outcome
    assert out.read_bytes().startswith(b"%PDF") and outcome["n_bytes"] == out.stat().st_size > 5000

    missing = jobs.outcome(jobs.render_booklet("JOB-F1", "Z", tmp_path / "z.pdf"), timeout=WAIT)
    assert missing["ok"] is False and "ไม่มีชุด Z" in missing["problems"][0]


def test_an_unexpected_failure_is_logged_and_recorded(jobs_backend, make_jobs_app, consumer_of, tmp_path, caplog):
    from web.jobs import get_jobs

    app = make_jobs_app(jobs_backend)
    # the worker's database was never migrated: its jobs cannot even open their tables (nor the job's record)
    worker = make_jobs_app(jobs_backend, f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}", DISTRICT_NAME=None)
    consumer_of(worker)
    jobs = get_jobs(app)
    with caplog.at_level(logging.ERROR, logger="khlang.jobs"):
        # the booklet job cannot even open its database: not a refusal of the user's input
        outcome = jobs.outcome(jobs.render_booklet("ANY", None, tmp_path / "x.pdf"), timeout=WAIT)
    assert outcome["ok"] is False and outcome["code"] == "jobs.failed" and outcome["error"]
    assert any("render_booklet" in r.getMessage() for r in caplog.records)


def _record(app, job_id: str, actor=None):
    """The job's record as `actor` (default: the system) reads it, in a session of its own."""
    from itembank.authz import Actor
    from itembank.jobs import get_job
    from web.store_ext import get_store

    with get_store(app).read_session() as s:
        return get_job(s, actor or Actor.system(), job_id)


def test_a_job_leaves_its_record_with_its_outcome(jobs_backend, make_jobs_app, consumer_of, tmp_path):
    from factories import make_actor

    from itembank.jobs import list_jobs
    from web.jobs import get_jobs
    from web.store_ext import get_store

    app = make_jobs_app(jobs_backend)
    jobs = get_jobs(app)
    analyst = make_actor("analyst")
    arguments = {"responses_csv": str(write_responses(tmp_path / "r.csv")), "model": "2pl",
                 "out_csv": str(tmp_path / "p.csv")}
    handle = jobs.enqueue("calibrate", actor=analyst, **arguments)
    queued = _record(app, handle.id, analyst)         # recorded before any worker could see it
    assert (queued.kind, queued.status, queued.created_by_name) == ("calibrate", "queued", analyst.username)
    assert queued.arguments == arguments
    consumer_of(app)
    outcome = jobs.outcome(handle, timeout=WAIT)
    assert outcome["ok"] is True, outcome
    done = _record(app, handle.id, analyst)            # Huey's store forgot the outcome once read: the record keeps it
    assert (done.status, done.progress, done.outcome) == ("done", 1.0, outcome)
    assert done.message_th == outcome["message_th"] and done.started_at <= done.finished_at
    with get_store(app).read_session() as s:
        assert handle.id in [j.id for j in list_jobs(s, analyst)]
        assert handle.id not in [j.id for j in list_jobs(s, make_actor("analyst"))]

    refused = jobs.import_items(tmp_path / "nowhere.xlsx", as_name="officer1")
    assert jobs.outcome(refused, timeout=WAIT)["ok"] is False
    record = _record(app, refused.id)
    assert (record.status, record.created_by_name) == ("refused", "officer1")
    assert record.outcome["problems"] == ["ไม่พบไฟล์ nowhere.xlsx"] and record.message_th.startswith("ไม่ดำเนินการ")


def test_a_failed_job_is_recorded_as_failed(jobs_backend, make_jobs_app, consumer_of, monkeypatch):
    from web.jobs import get_jobs, tasks

    def explode(app, **arguments):
        raise RuntimeError("ระเบิด")

    monkeypatch.setitem(tasks.JOBS, "explode", explode)    # before the app's queue registers its tasks
    app = make_jobs_app(jobs_backend)
    consumer_of(app)
    jobs = get_jobs(app)
    handle = jobs.enqueue("explode")
    outcome = jobs.outcome(handle, timeout=WAIT)
    assert outcome["ok"] is False and outcome["code"] == "jobs.failed"
    record = _record(app, handle.id)
    assert record.status == "failed" and record.outcome["error"] == outcome["error"] == "RuntimeError('ระเบิด')"
    assert record.outcome["job"] == "explode" and record.finished_at is not None


def test_the_immediate_backend_records_its_jobs_too(make_jobs_app, tmp_path):
    from web.jobs import get_jobs

    app = make_jobs_app("immediate")
    jobs = get_jobs(app)
    handle = jobs.import_items(tmp_path / "none.csv")
    assert jobs.outcome(handle)["ok"] is False
    assert _record(app, handle.id).status == "refused"

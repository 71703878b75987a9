"""`khlang jobs list|show` over the job records, progress done/total with a Thai status line, and the
`analyse` job's record through the queue (immediate backend here; the queue tests cover SQLite and Redis)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from itembank.authz import Actor
from itembank.jobs import finish_job, get_job, record_job, report_progress, start_job
from web.cli import cli


@pytest.fixture
def run(session, db_url, tmp_path):
    def invoke(*args: str, lang: str | None = None):
        root = ["--lang", lang] if lang else []
        return CliRunner().invoke(cli, [*root, "--instance", str(tmp_path / "instance"), *args],
                                  env={"DATABASE_URL": db_url}, catch_exceptions=False)

    return invoke


def test_progress_is_recorded_as_done_of_total_with_a_thai_line(session, run):
    actor = Actor(None, "นักวัดผล", "officer")
    record_job(session, actor, "job-1", "analyse", {"administration": "P6-2567"})
    start_job(session, "job-1", "analyse")
    job = report_progress(session, "job-1", "analyse", 2, 6, "ประมาณค่าพารามิเตอร์ IRT", "IRT calibration")
    assert (job.done, job.total, job.progress, job.status) == (2, 6, pytest.approx(1 / 3), "running")
    listing = run("jobs", "list")
    assert listing.exit_code == 0
    assert "job-1\tanalyse\tนักวัดผล" in listing.output and "กำลังทำงาน 2/6 ประมาณค่าพารามิเตอร์ IRT" in listing.output
    assert "running 2/6 IRT calibration" in run("jobs", "list", lang="en").output
    finish_job(session, "job-1", "analyse", {"ok": True, "message_th": "วิเคราะห์ 60 ข้อ", "message_en": "60 items"})
    assert (get_job(session, actor, "job-1").done, get_job(session, actor, "job-1").status) == (6, "done")
    shown = run("jobs", "show", "job-1")
    assert shown.exit_code == 0 and "เสร็จแล้ว 6/6 วิเคราะห์ 60 ข้อ" in shown.output
    assert "administration = P6-2567" in shown.output and "พ.ศ." not in shown.output.split("\n")[0]


def test_a_person_sees_only_their_jobs_and_an_unknown_job_is_refused_in_thai(session, run):
    from itembank.accounts import create_user

    create_user(session, Actor.system(), "ก", "ก", "officer")  # --as names an account (checked)
    record_job(session, Actor(None, "ก", "officer"), "job-a", "analyse", {})
    record_job(session, Actor(None, "ข", "officer"), "job-b", "analyse", {})
    mine = run("jobs", "list", "--as", "ก")
    assert "job-a" in mine.output and "job-b" not in mine.output
    refused = run("jobs", "show", "nope")
    assert refused.exit_code == 1 and "ไม่พบงานเบื้องหลังรหัส nope" in refused.output
    assert run("jobs", "list", "--status", "odd").exit_code == 1


def test_the_analyse_job_keeps_its_refusal_in_its_record(session, db_url, tmp_path, run):
    from web import create_app
    from web.jobs import get_jobs

    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "JOBS_BACKEND": "immediate"},
                     instance_path=str(tmp_path / "instance"))
    from web.store_ext import get_store

    try:
        handle = get_jobs(app).enqueue("analyse", administration="NO-SUCH")
        outcome = get_jobs(app).outcome(handle, timeout=30)
    finally:
        get_store(app).dispose()
    assert outcome["ok"] is False and "NO-SUCH" in " ".join(outcome["problems"])
    shown = run("jobs", "show", handle.id)
    assert "ไม่ดำเนินการ" in shown.output and "NO-SUCH" in shown.output


def test_review_tasks_are_listed_and_decided_from_the_command_line(session, run):
    from forms_bank import make_forms_bank

    from itembank.review_tasks import ReviewFlag, open_review_tasks

    codes = make_forms_bank(session)
    open_review_tasks(session, Actor.system(), "admin:P6-2567",
                      [ReviewFlag(codes["F6-003"], "mis_key", {"position": 4}),
                       ReviewFlag(codes["F6-007"], "dead_distractor", {"position": 8, "options": ["ง"]})])
    session.rollback()
    listing = run("analysis", "tasks", "--admin", "P6-2567")
    assert listing.exit_code == 0
    assert "F6-003\tv1\tเฉลยอาจผิด (r ติดลบ)\tadmin:P6-2567\tข้อ 4\topen" in listing.output
    task_id = listing.output.split("\t")[0].lstrip("#")
    decided = run("analysis", "decide", task_id, "rekeyed", "--comment", "เฉลยที่ถูกคือ ค", "--as", "มาลี")
    assert decided.exit_code == 0 and "rekeyed" in decided.output
    assert task_id not in run("analysis", "tasks").output.split("\t")[0]
    assert "rekeyed" in run("analysis", "tasks", "--all").output
    refused = run("analysis", "decide", task_id, "kept", "--as", "โรงเรียน", "--role", "school")
    assert refused.exit_code == 1

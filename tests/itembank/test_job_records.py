"""Job records (itembank.jobs) on both databases: queued → running → done | refused | failed, read by
the person who started the job, or by an administrator."""

from __future__ import annotations

import uuid

import pytest
from factories import make_actor

from itembank.errors import ItemBankError
from itembank.jobs import finish_job, get_job, list_jobs, record_job, start_job


def _id() -> str:
    return str(uuid.uuid4())


def test_a_job_record_follows_the_job_to_its_outcome(session):
    analyst = make_actor("analyst")
    job_id = _id()
    queued = record_job(session, analyst, job_id, "calibrate", {"responses_csv": "r.csv", "tol": 1e-4})
    assert (queued.status, queued.progress, queued.outcome, queued.started_at) == ("queued", 0.0, None, None)
    assert (queued.created_by_id, queued.created_by_name) == (analyst.user_id, analyst.username)
    running = start_job(session, job_id, "calibrate")
    assert running.status == "running" and running.started_at is not None and not running.is_finished
    outcome = {"ok": True, "job": "calibrate", "n_items": 6, "message_th": "ประมาณค่า 6 ข้อ", "message_en": "6 items"}
    done = finish_job(session, job_id, "calibrate", outcome)
    assert (done.status, done.progress, done.outcome) == ("done", 1.0, outcome)
    assert (done.message_th, done.message_en) == ("ประมาณค่า 6 ข้อ", "6 items")
    session.expire_all()
    again = get_job(session, analyst, job_id)
    assert again.outcome == outcome and again.arguments == {"responses_csv": "r.csv", "tol": 1e-4}
    assert again.created_at <= again.started_at <= again.finished_at and again.is_finished


def test_a_refusal_and_a_failure_are_kept_apart(session):
    refused_id, failed_id = _id(), _id()
    for job_id in (refused_id, failed_id):
        record_job(session, make_actor("officer", "o1", user_id=1), job_id, "import_items")
    refused = finish_job(session, refused_id, "import_items", {"ok": False, "problems": ["แถว 3"]})
    failed = finish_job(session, failed_id, "import_items", {"ok": False, "error": "boom"}, failed=True)
    assert (refused.status, refused.progress) == ("refused", 0.0)
    assert (failed.status, failed.outcome["error"]) == ("failed", "boom")
    assert failed.started_at == failed.finished_at      # it never told us it started


def test_a_job_the_queue_never_recorded_gets_a_record_as_the_systems(session):
    job_id = _id()
    start_job(session, job_id, "render_booklet")
    record = get_job(session, make_actor("admin"), job_id)
    assert (record.kind, record.status, record.created_by_name) == ("render_booklet", "running", "system")


def test_a_person_reads_their_own_jobs_and_an_administrator_everyones(session):
    one, other = make_actor("officer", "one", user_id=1), make_actor("analyst", "other", user_id=2)
    mine, theirs = _id(), _id()
    record_job(session, one, mine, "import_items")
    record_job(session, other, theirs, "calibrate")
    assert [j.id for j in list_jobs(session, one)] == [mine]
    assert [j.id for j in list_jobs(session, other)] == [theirs]
    assert {j.id for j in list_jobs(session, make_actor("admin"))} == {mine, theirs}
    assert [j.id for j in list_jobs(session, make_actor("admin"), kind="calibrate")] == [theirs]
    assert list_jobs(session, make_actor("admin"), status="done") == []
    with pytest.raises(ItemBankError) as info:
        get_job(session, other, mine)
    assert info.value.kind == "forbidden"
    assert get_job(session, one, mine).id == mine


def test_an_unknown_job_or_status_is_refused_in_thai(session):
    with pytest.raises(ItemBankError) as info:
        get_job(session, make_actor("admin"), "no-such-job")
    assert info.value.kind == "not_found" and "ไม่พบงานเบื้องหลัง" in info.value.text("th")
    with pytest.raises(ItemBankError) as info:
        list_jobs(session, make_actor("admin"), status="finished")
    assert info.value.code == "job.bad_status" and "ไม่รู้จักสถานะงาน 'finished'" in info.value.text("th")

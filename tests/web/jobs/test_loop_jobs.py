"""The loop's jobs on a real queue, embedded SQLite and Redis alike: booklets rendered once per school
at release, an answer file imported, the analysis written back; each leaves its record with progress."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scoring"))  # the scoring tests' worlds

import pytest  # noqa: E402
from reports_world import answered_world  # noqa: E402
from scoring_world import SCHOOLS, SYSTEM, answers_csv, make_world, roster_csv  # noqa: E402
from test_uploads import key_cells  # noqa: E402

from scoring.rosters import import_roster  # noqa: E402

WAIT = 120


def _record(app, job_id):
    from itembank.authz import Actor
    from itembank.jobs import get_job
    from web.store_ext import get_store

    with get_store(app).read_session() as s:
        return get_job(s, Actor.system(), job_id)


def test_release_booklets_then_an_answer_upload_on_the_queue(jobs_backend, db_url, session, make_jobs_app,
                                                              consumer_of, tmp_path):
    from web.jobs import get_jobs

    world = make_world(session)
    import_roster(session, SYSTEM, SCHOOLS[0], roster_csv(tmp_path, n=4), 2568)
    cells = key_cells(session, "A")
    session.commit()  # no open transaction of the test holds the SQLite file while the worker writes
    app = make_jobs_app(jobs_backend, db_url)
    consumer_of(app)
    jobs = get_jobs(app)

    handle = jobs.enqueue("render_release_booklets", administration=world["admin"], out_dir=str(tmp_path / "bk"))
    outcome = jobs.outcome(handle, timeout=WAIT)
    assert outcome["ok"] is True and outcome["schools"] == 2, outcome
    assert len(list((tmp_path / "bk").rglob("*.pdf"))) == 2 * 2            # 2 schools × 2 variants, no more
    record = _record(app, handle.id)
    assert record.status == "done" and record.progress == 1 and record.total == 2

    path = answers_csv(tmp_path, [(f"1{k:04d}", "A", cells) for k in range(1, 5)])
    upload = jobs.enqueue("import_answer_file", administration=world["admin"], school=SCHOOLS[0], path=str(path))
    done = jobs.outcome(upload, timeout=WAIT)
    assert done["ok"] is True, done
    bad = answers_csv(tmp_path, [("99999", "A", cells)], name="bad.csv")
    refused = jobs.outcome(jobs.enqueue("import_answer_file", administration=world["admin"], school=SCHOOLS[0],
                                        path=str(bad)), timeout=WAIT)
    assert refused["ok"] is False and refused["problems"] and "99999" in " ".join(refused["problems"])


@pytest.mark.slow
def test_the_analysis_runs_on_the_queue_and_writes_back(jobs_backend, db_url, session, make_jobs_app, consumer_of,
                                                        tmp_path):
    from web.jobs import get_jobs

    world = answered_world(session, tmp_path, key_cells)
    session.commit()
    app = make_jobs_app(jobs_backend, db_url)
    consumer_of(app)
    jobs = get_jobs(app)
    handle = jobs.enqueue("analyse", administration=world["admin"], model="1pl")
    outcome = jobs.outcome(handle, timeout=WAIT)
    assert outcome["ok"] is True, outcome
    record = _record(app, handle.id)
    assert record.status == "done" and record.progress == 1

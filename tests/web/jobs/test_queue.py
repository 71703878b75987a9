"""The queue itself: built from configuration per app, immediate mode, the embedded consumer under
`khlang serve`, only its own Redis keys, and `khlang worker` as a real process on both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jobs_helpers import REDIS_URL, WAIT, item_row, skip_or_fail_without_redis, write_responses
from sqlmodel import func, select

from itembank.exporting import write_xlsx
from itembank.models import Item


def test_every_app_builds_its_own_queue_from_its_configuration(make_jobs_app, tmp_path):
    from huey import SqliteHuey

    from web.jobs import get_jobs

    one = make_jobs_app("sqlite", JOBS_SQLITE_PATH=str(tmp_path / "one.sqlite3"))
    two = make_jobs_app("sqlite")
    q1, q2 = get_jobs(one), get_jobs(two)
    assert isinstance(q1.huey, SqliteHuey) and q1.huey is not q2.huey
    assert q1.huey.storage.filename == str(tmp_path / "one.sqlite3")
    assert q2.huey.storage.filename == str(Path(two.instance_path) / "jobs.sqlite3")
    assert sorted(q1.tasks) == ["analyse", "analysis_calibrate", "analysis_dif", "analysis_link", "assemble", "calibrate",
                                "committee_report", "import_answer_file",
                                "import_items", "render_booklet", "render_form_documents", "render_release_booklets",
                                "school_reports"]
    assert get_jobs(one) is q1


def test_an_unknown_backend_or_job_is_refused_in_thai(make_jobs_app):
    from web.jobs import JobError, get_jobs

    with pytest.raises(JobError) as info:      # raised by create_app once it calls init_app
        get_jobs(make_jobs_app("rabbitmq"))
    assert "JOBS_BACKEND" in info.value.text("th") and "rabbitmq" in info.value.text("th")
    jobs = get_jobs(make_jobs_app("immediate"))
    with pytest.raises(JobError, match="ไม่มีงานชื่อ 'explode'"):
        jobs.enqueue("explode")


def test_immediate_backend_runs_the_job_in_the_caller(db_url, session, make_jobs_app, tmp_path):
    from web.jobs import JobError, get_jobs

    jobs = get_jobs(make_jobs_app("immediate", db_url))
    outcome = jobs.outcome(jobs.import_items(write_xlsx(tmp_path / "i.xlsx", [item_row("IM-1"), item_row("IM-2")])))
    assert outcome["ok"] and outcome["n_created"] == 2     # done before enqueue returned: no waiting
    session.rollback()
    assert session.exec(select(func.count()).select_from(Item)).one() == 2
    session.rollback()
    with pytest.raises(JobError) as info:
        jobs.consumer()
    assert info.value.code == "jobs.no_consumer"


def test_embedded_consumer_runs_jobs_inside_the_web_process(jobs_backend, make_jobs_app, tmp_path):
    from web.jobs import get_jobs, start_embedded_consumer, stop_embedded_consumer

    app = make_jobs_app(jobs_backend)
    # Ctrl-C as `khlang serve` has it, whatever this run inherited (under nohup, SIGINT is ignored)
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    consumer = start_embedded_consumer(app)
    try:
        if jobs_backend == "redis":          # production: `khlang worker` processes run Redis jobs
            assert consumer is None
            return
        assert consumer is not None and start_embedded_consumer(app) is None      # one per app
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler       # serve keeps Ctrl-C
        jobs = get_jobs(app)
        out = tmp_path / "p.csv"
        outcome = jobs.outcome(jobs.calibrate(write_responses(tmp_path / "r.csv"), "1pl", out), timeout=WAIT)
        assert outcome["ok"] and out.exists()
    finally:
        stop_embedded_consumer(app)
        signal.signal(signal.SIGINT, inherited)
    assert get_jobs(app).embedded is None
    assert start_embedded_consumer(make_jobs_app("sqlite", JOBS_EMBEDDED_CONSUMER=False)) is None


def test_flush_removes_only_the_queues_own_redis_keys(make_jobs_app, consumer_of, queue_name, tmp_path):
    import redis

    from web.jobs import get_jobs

    skip_or_fail_without_redis()
    r = redis.Redis.from_url(REDIS_URL)
    bystander = f"{queue_name}_bystander"              # another program's key that shares the prefix
    r.set(bystander, "keep me")
    try:
        app = make_jobs_app("redis")
        jobs = get_jobs(app)
        consumer = consumer_of(app)
        done = jobs.import_items(tmp_path / "none.xlsx")           # an outcome stored, and its notification
        while not r.keys(f"huey.notify.{queue_name}.*"):
            time.sleep(0.01)
        consumer.stop(graceful=True)
        jobs.calibrate("r.csv", "2pl", "p.csv")                    # waits in the queue: no consumer now
        mine = {k.decode() for k in r.scan_iter(match=f"*{queue_name}*", count=1000)} - {bystander}
        assert {f"huey.redis.{queue_name}", f"huey.results.{queue_name}", f"huey.notify.{queue_name}.{done.id}"} \
            <= mine
        jobs.flush()
        assert [k.decode() for k in r.scan_iter(match=f"*{queue_name}*", count=1000)] == [bystander]
        assert r.get(bystander) == b"keep me"
    finally:
        r.delete(bystander)


def _worker(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.Popen:
    """`khlang --instance … worker` as its own process (also before the lead lists it in SUBCOMMANDS).

    The child starts with Python's own SIGINT handler whatever this run inherited (``nohup`` and
    background jobs ignore SIGINT, and an ignored signal stays ignored across exec), and no stdin.
    """
    code = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "import sys; from web.cli import cli; from web.cli.worker import worker; "
            "cli.add_command(worker); cli(sys.argv[1:], prog_name='khlang')")
    return subprocess.Popen([sys.executable, "-c", code, "--instance", str(tmp_path / "instance"), "worker", *args],
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=Path(__file__).resolve().parents[3])


def _stop(proc: subprocess.Popen, timeout: float = 30) -> str:
    """Stop `proc` gracefully (SIGINT: running jobs finish first); SIGKILL if it has not ended in `timeout` s."""
    proc.send_signal(signal.SIGINT)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
        pytest.fail(f"khlang worker did not stop within {timeout} s of SIGINT:\n{output}")
    return output


def test_khlang_worker_process_runs_queued_imports(jobs_backend, db_url, session, make_jobs_app, queue_name,
                                                   tmp_path):
    from web.jobs import get_jobs

    app = make_jobs_app(jobs_backend, db_url)
    jobs = get_jobs(app)
    handle = jobs.import_items(write_xlsx(tmp_path / "w.xlsx", [item_row(f"WK-{i}") for i in range(1, 6)]))
    env = {**os.environ, "DATABASE_URL": db_url, "KHLANG_JOBS_BACKEND": jobs_backend, "KHLANG_JOBS_NAME": queue_name,
           "KHLANG_JOBS_REDIS_URL": REDIS_URL, "KHLANG_JOBS_POLL_MAX_DELAY": "0.05", "KHLANG_JOBS_REDIS_READ_TIMEOUT": "0.1"}
    kind = "process" if jobs_backend == "redis" else "thread"       # both worker types, one per backend
    proc = _worker(tmp_path, env, "--workers", "2", "--worker-type", kind)
    try:
        outcome = jobs.outcome(handle, timeout=WAIT)
    finally:
        t0 = time.monotonic()
        output = _stop(proc)                                      # graceful: running jobs finish first
    assert outcome is not None and outcome["ok"] and outcome["n_created"] == 5, output
    assert proc.returncode == 0 and time.monotonic() - t0 < 10, output
    assert f"คิว {queue_name} ({jobs_backend}" in output and f"2 {kind}" in output
    session.rollback()
    assert session.exec(select(func.count()).select_from(Item)).one() == 5
    session.rollback()


def test_khlang_worker_refuses_an_unreachable_redis_in_thai(tmp_path):
    from click.testing import CliRunner

    from web.cli import cli
    from web.cli.worker import worker

    cli.add_command(worker)
    env = {"KHLANG_JOBS_BACKEND": "redis", "KHLANG_JOBS_REDIS_URL": "redis://:secret@127.0.0.1:1/0"}
    result = CliRunner().invoke(cli, ["--instance", str(tmp_path / "instance"), "worker"], env=env)
    assert result.exit_code == 1
    assert "ติดต่อ Redis ของคิวงานไม่ได้ (redis://:***@127.0.0.1:1/0)" in result.output
    assert "secret" not in result.output

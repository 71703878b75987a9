"""Measure the job queue on each backend: round trip of a tiny job, throughput, a 200-item XLSX import.

    .venv/bin/python tests/web/jobs/measure_queue.py          # needs Redis at 127.0.0.1:6379 for its row

One worker thread per backend, a fresh SQLite database and queue name per backend; the queue's
keys are flushed afterwards. The tiny job is an import of a missing file (refused at once), so
its round trip is the queue's own overhead: enqueue, pick-up, result store, reader woken.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from jobs_helpers import item_row  # noqa: E402


def measure(backend: str, poll: float, folder: Path) -> str:
    from itembank.exporting import write_xlsx
    from web import create_app
    from web.jobs import get_jobs
    from web.migrations import upgrade

    url = f"sqlite:///{folder / 'db.sqlite3'}"
    upgrade(url)
    xlsx = write_xlsx(folder / "items.xlsx", [item_row(f"MS-{i}") for i in range(200)])
    app = create_app({"DATABASE_URL": url, "JOBS_BACKEND": backend, "JOBS_POLL_MAX_DELAY": poll,
                      "JOBS_NAME": f"measure_{uuid.uuid4().hex[:8]}"}, instance_path=str(folder / "instance"))
    jobs = get_jobs(app)
    consumer = jobs.consumer(1, signals=False)
    consumer.start()
    try:
        time.sleep(1.5)                                       # an idle worker, as in production
        trips = []
        for _ in range(21):
            t = time.perf_counter()
            jobs.outcome(jobs.import_items(folder / "none.xlsx"), timeout=30)
            trips.append(time.perf_counter() - t)
        t = time.perf_counter()
        handles = [jobs.import_items(folder / "none.xlsx") for _ in range(300)]
        for h in handles:
            jobs.outcome(h, timeout=60)
        rate = len(handles) / (time.perf_counter() - t)
        t = time.perf_counter()
        done = jobs.outcome(jobs.import_items(xlsx), timeout=120)
        took = time.perf_counter() - t
    finally:
        consumer.stop(graceful=True)
        jobs.flush()
    return (f"{backend:6} (idle poll ≤ {poll} s): round trip median {statistics.median(trips) * 1000:.0f} ms, "
            f"max {max(trips) * 1000:.0f} ms; {rate:.0f} tiny jobs/s; 200-item XLSX import job {took:.2f} s "
            f"({done['n_created']} created)")


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING)
    for backend, poll in (("sqlite", 1.0), ("sqlite", 0.1), ("redis", 1.0)):
        with tempfile.TemporaryDirectory() as d:
            print(measure(backend, poll, Path(d)), flush=True)

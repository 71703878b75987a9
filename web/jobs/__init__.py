"""งานเบื้องหลัง (background jobs): calibrations, bulk renders and big imports on a Huey queue.

One Huey instance per app, from the app's configuration: :func:`init_app` reads and checks it,
the instance is built on first use (nothing at import time, and no huey/redis import for commands
that never queue anything):

- ``JOBS_BACKEND = "sqlite"`` (embedded default): a SQLite file in the instance folder, no server;
  :func:`start_embedded_consumer` runs worker threads inside ``khlang serve``.
- ``"redis"`` (production): Redis at ``JOBS_REDIS_URL``; ``khlang worker`` processes on one or
  more machines run the jobs.
- ``"immediate"``: each job runs at once in the caller (tests of other rooms, scripts).

Tasks are registered per instance. :data:`web.jobs.tasks.JOBS` holds plain functions
``job(app, **arguments) -> dict``; :class:`Jobs` wraps each in a closure bound to the app
(pushing its app context; a refusal is an outcome, only the unexpected is a failure) and registers it
with ``huey.task(name=..., context=True)``. The task's registry name (``web.jobs.tasks.<job>``) is the same in
every process, so a web process enqueues what a ``khlang worker`` of the same code runs. We did not
use ``huey.context_task``: it wraps a context manager object, while a job needs the app *value*
itself (its store and configuration), which a closure gives directly and visibly.

This package only enqueues and consumes. Each job's record is a table of the rooms
(:mod:`itembank.jobs`): :meth:`Jobs.enqueue` records it (queued, with who asked and the arguments)
before a worker can see it, and the task body marks it running, then done, refused or failed with
the job's outcome, through that module's services. A worker that cannot write the record (its
database is down or not migrated) fails the job: Huey keeps that failure as for any other.

A job returns a plain dict (``ok``, Thai and English message, counts, or the Thai problem list of a
refusal), kept in Huey's result store for :meth:`Jobs.outcome` and in the record. An unexpected
exception is logged and re-raised, so Huey records the failure; :meth:`Jobs.outcome` reports it as
``ok=False`` and the record as *failed*.

>>> jobs = get_jobs(app)                                   # doctest: +SKIP
>>> handle = jobs.import_items("items.xlsx")               # doctest: +SKIP
>>> jobs.outcome(handle, timeout=60)["message_th"]         # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import re
import threading
import time
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

from web.jobs.errors import JobError
from web.jobs.tasks import CURRENT_JOB, JOBS, JobFunction, actor_named, failed

if TYPE_CHECKING:  # huey imports redis-py and psycopg: loaded when a queue is built, not with create_app
    from huey import Huey
    from huey.api import Result, Task, TaskWrapper
    from huey.consumer import Consumer

    from itembank.authz import Actor

__all__ = ["BACKENDS", "EXTENSION", "JobError", "Jobs", "get_jobs", "init_app", "safe_url", "start_embedded_consumer",
           "stop_embedded_consumer"]

EXTENSION = "khlang_jobs"
BACKENDS = ("sqlite", "redis", "immediate")

logger = logging.getLogger("khlang.jobs")


class Jobs:
    """The app's queue: its Huey instance, one task per job, and the ways to enqueue and read back.

    The Huey instance (and with it the huey, redis-py and psycopg imports) is built on first use,
    so `create_app` stays quick for commands that never queue anything; the configuration is read
    and checked at once, in :func:`init_app`.
    """

    def __init__(self, app: Flask):
        config = app.config
        self.backend: str = config["JOBS_BACKEND"]
        if self.backend not in BACKENDS:
            raise JobError("jobs.backend_unknown", message_th=f"ค่า JOBS_BACKEND {self.backend!r} ไม่รู้จัก "
                           f"(ใช้ได้: {', '.join(BACKENDS)})", message_en=f"unknown JOBS_BACKEND {self.backend!r}")
        self.name: str = config["JOBS_NAME"]
        self.sqlite_path = os.path.abspath(config.get("JOBS_SQLITE_PATH")
                                           or os.path.join(app.instance_path, "jobs.sqlite3"))
        self.redis_url: str = config["JOBS_REDIS_URL"]
        self.redis_read_timeout = float(config["JOBS_REDIS_READ_TIMEOUT"])
        self.poll_max_delay = float(config["JOBS_POLL_MAX_DELAY"])
        self.default_workers = int(config["JOBS_WORKERS"])
        self.embedded: Consumer | None = None
        self._app = app
        self._huey: Huey | None = None
        self._tasks: dict[str, TaskWrapper] = {}
        self._lock = threading.Lock()

    @property
    def huey(self) -> Huey:
        """The Huey instance of this queue, with every job of :data:`~web.jobs.tasks.JOBS` registered."""
        with self._lock:
            if self._huey is None:
                huey = self._make_huey()
                for name, job in JOBS.items():   # context: the body gets its Task, whose id names the record
                    self._tasks[name] = huey.task(name=name, context=True)(_bind(self._app, name, job))
                self._huey = huey
            return self._huey

    @property
    def tasks(self) -> dict[str, TaskWrapper]:
        """Huey's task of every job, by job name."""
        self.huey  # noqa: B018 - builds the instance and its tasks
        return self._tasks

    def _make_huey(self) -> Huey:
        from huey import MemoryHuey, RedisHuey, SqliteHuey

        if self.backend == "sqlite":
            return SqliteHuey(self.name, filename=self.sqlite_path)
        if self.backend == "redis":
            # notify_result: a waiting reader is woken by BLPOP the moment the outcome is stored
            return RedisHuey(self.name, url=self.redis_url, read_timeout=self.redis_read_timeout, notify_result=True)
        return MemoryHuey(self.name, immediate=True)

    def enqueue(self, job: str, /, *, actor: Actor | None = None, **arguments: Any) -> Result:
        """Put `job` on the queue with keyword `arguments`; the handle's ``id`` finds its outcome later.

        The job's record (:func:`itembank.jobs.record_job`, as `actor`, by default the system) is
        written first, so a worker always finds it.
        """
        from itembank.authz import Actor
        from itembank.jobs import record_job
        from web.store_ext import get_store

        wrapper = self.tasks.get(job)
        if wrapper is None:
            raise JobError("jobs.unknown", kind="not_found",
                           message_th=f"ไม่มีงานชื่อ {job!r} (มี: {', '.join(sorted(self.tasks))})",
                           message_en=f"no job named {job!r}")
        task = wrapper.s(**arguments)
        with get_store(self._app).session() as s:
            record_job(s, actor or Actor.system(), task.id, job, arguments)
        return self.huey.enqueue(task)

    def import_items(self, path: str | os.PathLike[str], dry_run: bool = False,
                     as_name: str | None = None) -> Result:
        """Enqueue an item import of a CSV/XLSX template file (all rows or none)."""
        return self.enqueue("import_items", actor=actor_named(as_name), path=os.fspath(path), dry_run=dry_run,
                            as_name=as_name)

    def calibrate(self, responses_csv: str | os.PathLike[str], model: str, out_csv: str | os.PathLike[str],
                  **settings: Any) -> Result:
        """Enqueue an IRT calibration of RESPONSES.csv writing PARAMS.csv (and its .meta.json)."""
        return self.enqueue("calibrate", responses_csv=os.fspath(responses_csv), model=model,
                            out_csv=os.fspath(out_csv), **settings)

    def render_booklet(self, form_code: str, variant: str | None, out_pdf: str | os.PathLike[str]) -> Result:
        """Enqueue the booklet of a frozen form (a variant, or None: the form's order) as PDF (or .docx)."""
        return self.enqueue("render_booklet", form_code=form_code, variant=variant, out_pdf=os.fspath(out_pdf))

    def outcome(self, handle: Result | str, *, timeout: float | None = None,
                preserve: bool = False) -> dict[str, Any] | None:
        """The dict a job returned; None while it is still waiting or running.

        `timeout` (seconds) waits for it; without, the store is looked at once. A job that failed
        unexpectedly reads as ``ok=False`` with the error. The outcome is removed from the store
        when read, unless `preserve`.
        """
        from huey.api import Result
        from huey.exceptions import ResultTimeout, TaskException

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = {} if deadline is None else {"blocking": True, "max_delay": 0.2,
                                                "timeout": max(deadline - time.monotonic(), 0.05)}
            try:
                if isinstance(handle, Result):
                    return handle.get(preserve=preserve, **wait)
                return self.huey.result(handle, preserve=preserve, **wait)
            except ResultTimeout:
                # Redis' wait gives up at once when its connection drops: wait the time we were given
                if deadline is None or time.monotonic() >= deadline:
                    return None
                time.sleep(0.05)
            except TaskException as e:
                return failed(None, e.metadata.get("error", "") if isinstance(e.metadata, dict) else str(e))

    def consumer(self, workers: int | None = None, worker_type: str = "thread", *, signals: bool = True,
                 **options: Any) -> Consumer:
        """A Huey consumer of this queue (not started): `workers` threads or processes, no periodic tasks.

        With ``signals=False`` it leaves SIGINT/SIGTERM to the host program (a consumer running in
        threads of ``khlang serve`` or of a test); ``consumer.stop(graceful=True)`` ends it.
        """
        if self.backend == "immediate":
            raise JobError("jobs.no_consumer", kind="conflict",
                           message_th="JOBS_BACKEND = 'immediate' ทำงานทันทีในผู้สั่ง ไม่มีคิวให้ worker อ่าน",
                           message_en="the immediate backend runs jobs in the caller; there is no queue")
        options.setdefault("max_delay", self.poll_max_delay)
        options.setdefault("periodic", False)
        from huey.consumer import Consumer

        if not signals:
            options.setdefault("check_worker_health", False)
        kind = Consumer if signals else _embedded_consumer_class()
        return kind(self.huey, workers=workers or self.default_workers, worker_type=worker_type, **options)

    def check(self) -> None:
        """Refuse (JobError ``jobs.unreachable``) when the queue's Redis server does not answer."""
        if self.backend != "redis":
            return
        import redis

        try:
            self.huey.storage.conn.ping()
        except redis.RedisError as e:
            raise JobError("jobs.unreachable", kind="conflict",
                           message_th=f"ติดต่อ Redis ของคิวงานไม่ได้ ({safe_url(self.redis_url)}): {e}",
                           message_en=f"the job queue's Redis does not answer ({safe_url(self.redis_url)}): {e}",
                           ) from None

    def flush(self) -> None:
        """Remove every waiting job, schedule entry and stored outcome of this queue (its own keys only)."""
        self.huey.flush()
        if self.backend == "redis":   # the outcome notifications too (they would expire within a minute)
            storage = self.huey.storage
            pattern = re.sub(r"([*?\[\]\\])", r"\\\1", storage.notify_prefix) + "*"
            keys = list(storage.conn.scan_iter(match=pattern, count=1000))
            if keys:
                storage.conn.delete(*keys)


def safe_url(url: str) -> str:
    """A Redis URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))
    return url


def _bind(app: Flask, name: str, job: JobFunction) -> Any:
    """`job` as a task body for `app`: in its app context, its record kept; the unexpected is logged, then re-raised."""

    @functools.wraps(job)
    def run(task: Task | None = None, **arguments: Any) -> dict[str, Any]:
        job_id = task.id if task is not None else None
        with app.app_context():
            token = CURRENT_JOB.set((job_id, name))   # a long job reports progress to its record
            try:
                _keep_record(app, name, job_id)
                outcome = job(app, **arguments)
            except Exception as e:
                # one line naming the job and its arguments; Huey logs the traceback and records the failure
                logger.error("งาน %s ล้มเหลว (job %s failed) with %r", name, name, arguments)
                _keep_record(app, name, job_id, failed(name, repr(e)), failed=True)
                raise
            finally:
                CURRENT_JOB.reset(token)
            _keep_record(app, name, job_id, outcome)
            return outcome

    return run


def _keep_record(app: Flask, name: str, job_id: str | None, outcome: dict[str, Any] | None = None,
                 failed: bool = False) -> None:
    """Mark the job's record running (no `outcome` yet) or finished with `outcome`, in its own transaction."""
    from itembank.jobs import finish_job, start_job
    from web.store_ext import get_store

    if job_id is None:
        return
    with get_store(app).session() as s:
        if outcome is None:
            start_job(s, job_id, name)
        else:
            finish_job(s, job_id, name, outcome, failed=failed)


def init_app(app: Flask) -> Jobs:
    """The app's queue from its configuration (checked now; the Huey instance is built on first use)."""
    jobs = Jobs(app)
    app.extensions[EXTENSION] = jobs
    return jobs


def get_jobs(app: Flask | None = None) -> Jobs:
    """The app's queue (built on first use if the factory has not built it yet)."""
    app = app or current_app
    jobs = app.extensions.get(EXTENSION)
    return jobs if jobs is not None else init_app(app)


@functools.cache
def _embedded_consumer_class() -> type[Consumer]:
    from huey.consumer import Consumer

    class EmbeddedConsumer(Consumer):
        """A consumer living in threads of another program (``khlang serve``): it leaves signals alone."""

        def _set_signal_handlers(self) -> None:  # the host program owns SIGINT/SIGTERM
            pass

    return EmbeddedConsumer


def start_embedded_consumer(app: Flask, workers: int | None = None) -> Consumer | None:
    """Run the app's jobs in worker threads of this process (``khlang serve`` with the sqlite backend).

    Returns the started consumer, or None when there is nothing to do: the backend is not sqlite
    (Redis has ``khlang worker`` processes; immediate runs jobs in the caller), JOBS_EMBEDDED_CONSUMER
    is off, or the consumer already runs. The threads are daemons; they stop at interpreter exit,
    letting a running job finish.
    """
    jobs = get_jobs(app)
    if jobs.backend != "sqlite" or not app.config["JOBS_EMBEDDED_CONSUMER"] or jobs.embedded is not None:
        return None
    consumer = jobs.consumer(workers, signals=False)
    consumer.start()
    jobs.embedded = consumer
    atexit.register(stop_embedded_consumer, app)
    logger.info("embedded job consumer started: %d thread(s), queue %s", consumer.workers, jobs.huey.name)
    return consumer


def stop_embedded_consumer(app: Flask, graceful: bool = True) -> None:
    """Stop the embedded consumer of `app` (if any), waiting for a running job when `graceful`."""
    jobs = app.extensions.get(EXTENSION)
    if jobs is None or jobs.embedded is None:
        return
    consumer, jobs.embedded = jobs.embedded, None
    consumer.stop(graceful=graceful)

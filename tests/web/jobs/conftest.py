"""The job queue on both backends: the embedded SQLite queue and Redis at 127.0.0.1:6379.

``jobs_backend`` parametrises a test over "sqlite" and "redis". Every test gets its own queue name
(``JOBS_NAME``), and its keys are flushed afterwards: nothing else on the Redis server is touched.
When Redis is unreachable its tests fail in CI (``CI`` set) and are skipped locally.
An app is built on a migrated SQLite database of the run unless the test names one (``db_url``):
enqueuing writes the job's record (:mod:`itembank.jobs`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from jobs_helpers import REDIS_URL, skip_or_fail_without_redis


@pytest.fixture(params=["sqlite", "redis"])
def jobs_backend(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        skip_or_fail_without_redis()
    return request.param


@pytest.fixture
def queue_name() -> str:
    return f"khlang_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def jobs_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite database for the apps of tests that do not name one."""
    from web.migrations import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('jobs-db') / 'khlang.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture
def make_jobs_app(tmp_path: Path, queue_name: str, jobs_db_url: str) -> Iterator[Callable[..., Flask]]:
    """Build apps on a test database and queue; their queues are flushed and stores closed afterwards."""
    from web import create_app
    from web.jobs import EXTENSION
    from web.store_ext import get_store

    apps: list[Flask] = []

    def make(backend: str, database_url: str | None = None, **overrides: Any) -> Flask:
        config = {"JOBS_BACKEND": backend, "JOBS_NAME": queue_name, "JOBS_REDIS_URL": REDIS_URL,
                  "JOBS_POLL_MAX_DELAY": 0.05, "DATABASE_URL": database_url or jobs_db_url,
                  "JOBS_REDIS_READ_TIMEOUT": 0.1, "TESTING": True, **overrides}
        app = create_app(config, instance_path=str(tmp_path / "instance"))
        apps.append(app)
        return app

    yield make
    for app in apps:
        if EXTENSION in app.extensions:
            app.extensions[EXTENSION].flush()
        get_store(app).dispose()


@pytest.fixture
def consumer_of() -> Iterator[Callable[[Flask], Any]]:
    """Start a real Huey consumer (worker threads) on an app's queue; stopped gracefully afterwards."""
    from web.jobs import get_jobs

    started = []

    def start(app: Flask, workers: int = 1) -> Any:
        consumer = get_jobs(app).consumer(workers, signals=False)
        consumer.start()
        started.append(consumer)
        return consumer

    yield start
    for consumer in started:
        consumer.stop(graceful=True)

"""Shared data of the job tests: template rows, a response file, the Redis under test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from needs import missing

WAIT = 60  # seconds: a ceiling for a stuck queue, not what the tests take
REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_unreachable_reason() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
        return None
    except redis.RedisError as e:
        return f"Redis at {REDIS_URL} is unreachable: {e}"


def skip_or_fail_without_redis() -> None:
    """Redis unreachable: fail in CI (``CI`` set), skip locally."""
    reason = redis_unreachable_reason()
    if reason:
        missing(reason)


def item_row(code: str, indicator: str = "ค 1.1 ป.6/2", key: str = "ข") -> dict[str, str]:
    return {"code": code, "type": "เลือกตอบ", "stem": f"ข้อ {code}: ๗ × ๘ มีค่าเท่าใด", "option_1": "54",
            "option_2": "56", "option_3": "58", "option_4": "64", "key": key, "score_points": "1",
            "indicators": indicator, "grade": "ป.6", "learning_area": "ค", "cognitive_level": "apply"}


def write_responses(path: Path, n_persons: int = 400, n_items: int = 6, seed: int = 3) -> Path:
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=(n_persons, 1))
    a, b = rng.uniform(0.8, 2.0, n_items), np.linspace(-1.5, 1.5, n_items)
    x = (rng.random((n_persons, n_items)) < 1 / (1 + np.exp(-a * (theta - b)))).astype(int)
    lines = ["person_id," + ",".join(f"I{j + 1}" for j in range(n_items))]
    lines += [f"P{i + 1}," + ",".join(map(str, row)) for i, row in enumerate(x)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

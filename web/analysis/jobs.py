"""The analysis area's jobs (registered in :data:`web.jobs.tasks.JOBS`): calibration, linking and DIF of one
administration, each :mod:`scoring.analysis_steps` service; the outcome is the result the page shows at
``/analysis/results/<job id>``."""

from __future__ import annotations

from typing import Any

from flask import Flask

from itembank.errors import KhlangError


def _step(app: Flask, job: str, service: str, administration: str, **options: Any) -> dict[str, Any]:
    from itembank.authz import Actor
    from scoring import analysis_steps
    from web.jobs.tasks import CURRENT_JOB, progress_reporter, refused
    from web.store_ext import get_store

    current = CURRENT_JOB.get()
    url = f"/analysis/results/{current[0]}" if current and current[0] else None
    try:
        with get_store(app).session() as s:
            out = getattr(analysis_steps, service)(s, Actor.system(), administration, progress=progress_reporter(app),
                                                   **options)
    except KhlangError as e:
        return refused(job, e)
    return {"ok": True, "job": job, **out, "url": url}


def analysis_calibrate(app: Flask, administration: str, model: str = "2pl", anchored: bool = False,
                       scale: str | None = None, save: bool = False) -> dict[str, Any]:
    """ประมาณค่าพารามิเตอร์ของการสอบ: :func:`scoring.analysis_steps.calibrate_administration`."""
    return _step(app, "analysis_calibrate", "calibrate_administration", administration, model=model,
                 anchored=anchored, scale=scale, save=save)


def analysis_link(app: Flask, administration: str, scale: str | None = None, method: str = "stocking_lord",
                  drift_limit: float = 0.5) -> dict[str, Any]:
    """เชื่อมโยงสเกลของการสอบเข้ากับคลัง: :func:`scoring.analysis_steps.link_administration`."""
    return _step(app, "analysis_link", "link_administration", administration, scale=scale, method=method,
                 drift_limit=drift_limit)


def analysis_dif(app: Flask, administration: str, comparison: str = "sex", purify: bool = True) -> dict[str, Any]:
    """DIF ของการสอบ: :func:`scoring.analysis_steps.dif_administration`."""
    return _step(app, "analysis_dif", "dif_administration", administration, comparison=comparison, purify=purify)

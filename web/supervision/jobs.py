"""The committee report as a background job: ``committee_report(app, year, fmt, out) -> dict``.

A plain job function in the shape of :mod:`web.jobs.tasks` (progress written to the job's record
through :func:`web.jobs.tasks.progress_reporter`, a refusal returned as an outcome). Registering it
in :data:`web.jobs.tasks.JOBS` (one name in that tuple) makes it a queued task.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from itembank.errors import KhlangError

#: The steps :func:`supervision.committee.committee_report` reports, in English
_STEPS_EN = {"แผนและการนิเทศ": "plan and visits", "การประกันคุณภาพ": "quality assurance", "ผลการทดสอบ": "test results"}


def committee_report(app: Flask, year: int, fmt: str = "pdf", out: str = "", without: str = "",
                     as_name: str | None = None) -> dict[str, Any]:
    """รายงาน ก.ต.ป.น. (committee report): :func:`supervision.committee.committee_report`, then rendered."""
    from exports.render import write
    from itembank.accounts import actor_for
    from itembank.authz import Actor
    from supervision.committee import committee_report as build
    from supervision.errors import SupervisionError
    from web.jobs.tasks import progress_reporter, refused
    from web.store_ext import get_store

    report_progress = progress_reporter(app)

    def progress(fraction: float, message: str) -> None:  # the data take the first 40 %, the layout the rest
        if report_progress is not None and fraction < 1:
            report_progress(round(fraction * 40), 100, message, _STEPS_EN.get(message, message))

    try:
        if fmt not in ("pdf", "docx") or not out or not Path(out).parent.is_dir():
            raise SupervisionError("committee.bad_output", message_th=f"ไฟล์ผลลัพธ์ {out!r} ใช้ไม่ได้ (ต้องเป็น .pdf หรือ .docx "
                              "ในโฟลเดอร์ที่มีอยู่)", message_en=f"bad output {out!r}")
        # a read session: the progress reports write the job's row from another connection meanwhile,
        # which a write session's lock (SQLite BEGIN IMMEDIATE) would block until "database is locked"
        with get_store(app).read_session() as s:
            actor = actor_for(s, as_name) if as_name else Actor.system()
            report = build(s, actor, int(year), district=str(app.config.get("DISTRICT_NAME", "")),
                           without=[w for w in without.split(",") if w.strip()], progress=progress)
        if report_progress is not None:
            report_progress(45, 100, f"จัดหน้ารายงานและแผนภูมิ ({fmt.upper()})", f"laying out the report and its charts "
                            f"({fmt.upper()})")
        write(report, out, fmt)
    except KhlangError as e:
        return refused("committee_report", e)
    if report_progress is not None:
        report_progress(100, 100, "เสร็จ", "done")
    return {"ok": True, "job": "committee_report", "out": str(out), "n_sections": len(report.sections),
            "message_th": f"รายงาน ก.ต.ป.น. ปีการศึกษา {year}: {out}", "message_en": f"committee report {year}: {out}"}

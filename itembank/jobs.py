"""งานเบื้องหลัง (job records): what was put on the queue, by whom, and how it ended.

The queue (:mod:`web.jobs`, Huey on SQLite or Redis) only carries jobs; their record is a table of
the rooms, so a page can list a person's jobs and their outcome after Huey's result store has
forgotten them. The queue writes the record through these services: :func:`record_job` when it
enqueues, :func:`start_job` when a worker picks the job up, :func:`finish_job` with the job's outcome.

A job moves ``queued → running → done | refused | failed``: *refused* is a refusal of the user's
input (the outcome lists the problems in Thai), *failed* the unexpected (logged; the outcome holds
the error). A person reads the jobs they started; admin and the system read every job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Text, select
from sqlmodel import Field, Session, SQLModel

from itembank.authz import Actor, authorize
from itembank.errors import ItemBankError
from itembank.models import JSONType, timestamp_field, utcnow

JOB_STATUSES = ("queued", "running", "done", "refused", "failed")
FINISHED = ("done", "refused", "failed")



class Job(SQLModel, table=True):
    """งานเบื้องหลัง (job): one job put on the queue; its id is the queue's task id."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in JOB_STATUSES)})", name="ck_job_status"),
        CheckConstraint("progress >= 0 AND progress <= 1", name="ck_job_progress"),
    )

    id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=64, index=True)        # the job's name: import_items, calibrate, …
    status: str = Field(default="queued", max_length=16, index=True)
    progress: float = 0.0                               # 0..1; 1 when done
    done: int | None = None                             # units of work done (items, schools …) of `total`
    total: int | None = None
    arguments: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    outcome: dict[str, Any] | None = Field(default=None, sa_type=JSONType, nullable=True)
    message_th: str = Field(default="", sa_type=Text)
    message_en: str = Field(default="", sa_type=Text)
    created_by_id: int | None = Field(default=None, index=True)
    created_by_name: str = Field(max_length=150, index=True)
    created_at: datetime = timestamp_field()
    started_at: datetime | None = timestamp_field(nullable=True)
    finished_at: datetime | None = timestamp_field(nullable=True)


@dataclass(frozen=True)
class JobPublic:
    """A job as its owner (or an administrator) reads it."""

    id: str
    kind: str
    status: str
    progress: float
    arguments: dict[str, Any]
    outcome: dict[str, Any] | None
    message_th: str
    message_en: str
    created_by_id: int | None
    created_by_name: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    done: int | None = None
    total: int | None = None

    @classmethod
    def of(cls, job: Job) -> JobPublic:
        return cls(id=job.id, kind=job.kind, status=job.status, progress=job.progress,
                   arguments=dict(job.arguments or {}), outcome=job.outcome, message_th=job.message_th,
                   message_en=job.message_en, created_by_id=job.created_by_id, created_by_name=job.created_by_name,
                   created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
                   done=job.done, total=job.total)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


def _plain(value: Any) -> Any:
    """`value` as JSON would give it back (paths and dates as text), so the record reads as it was written."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _not_found(job_id: str) -> ItemBankError:
    return ItemBankError("job.not_found", kind="not_found", job_id=job_id,
                         message_th=f"ไม่พบงานเบื้องหลังรหัส {job_id}", message_en=f"no job {job_id}")


def record_job(session: Session, actor: Actor, job_id: str, kind: str,
               arguments: dict[str, Any] | None = None) -> JobPublic:
    """Record a job `actor` puts on the queue (status queued), before a worker can pick it up."""
    job = Job(id=job_id, kind=kind, arguments=_plain(arguments or {}), created_by_id=actor.user_id,
              created_by_name=actor.username)
    session.add(job)
    session.commit()
    return JobPublic.of(job)


def _job(session: Session, job_id: str, kind: str) -> Job:
    """The record of `job_id`; a job enqueued without one (by older code) gets one now, as the system's."""
    job = session.get(Job, job_id, with_for_update=True)
    if job is None:
        job = Job(id=job_id, kind=kind, created_by_name=Actor.system().username)
        session.add(job)
    return job


def start_job(session: Session, job_id: str, kind: str) -> JobPublic:
    """A worker runs the job now (the queue's bookkeeping, not a person's use case: no actor)."""
    job = _job(session, job_id, kind)
    job.status, job.started_at, job.progress = "running", utcnow(), 0.0
    session.commit()
    return JobPublic.of(job)


def report_progress(session: Session, job_id: str, kind: str, done: int, total: int, message_th: str = "",
                    message_en: str = "") -> JobPublic:
    """A running job did `done` of `total` units; its Thai status line says what it does now (queue bookkeeping)."""
    job = _job(session, job_id, kind)
    job.done, job.total = int(done), int(total)
    job.progress = min(max(done / total if total else 0.0, 0.0), 1.0)
    if message_th:
        job.message_th, job.message_en = message_th, message_en or job.message_en
    session.commit()
    return JobPublic.of(job)


def finish_job(session: Session, job_id: str, kind: str, outcome: dict[str, Any], *,
               failed: bool = False) -> JobPublic:
    """The job ended with `outcome` (the dict it returned): done when ``ok``, else refused (or `failed`)."""
    job = _job(session, job_id, kind)
    job.status = "failed" if failed else ("done" if outcome.get("ok") else "refused")
    if job.status == "done":
        job.progress = 1.0
        if job.total is not None:
            job.done = job.total
    job.outcome = _plain(outcome)
    job.message_th, job.message_en = str(outcome.get("message_th", "")), str(outcome.get("message_en", ""))
    job.finished_at = utcnow()
    job.started_at = job.started_at or job.finished_at
    session.commit()
    return JobPublic.of(job)


def get_job(session: Session, actor: Actor, job_id: str) -> JobPublic:
    """One job, for the person who started it (or an administrator)."""
    job = session.get(Job, job_id)
    if job is None:
        raise _not_found(job_id)
    if not actor.same_person(job.created_by_id, job.created_by_name):
        authorize(actor, job, "job.read_any")
    else:
        authorize(actor, job, "job.read")
    return JobPublic.of(job)


def list_jobs(session: Session, actor: Actor, *, kind: str | None = None, status: str | None = None,
              limit: int = 100) -> list[JobPublic]:
    """The newest jobs first: the actor's own, or everyone's for an administrator and the system."""
    if status is not None and status not in JOB_STATUSES:
        raise ItemBankError("job.bad_status", status=status,
                            message_th=f"ไม่รู้จักสถานะงาน {status!r} (ใช้ได้: {', '.join(JOB_STATUSES)})",
                            message_en=f"unknown job status {status!r} (one of {', '.join(JOB_STATUSES)})")
    query = select(Job)
    if not actor.may("job.read_any"):
        authorize(actor, None, "job.read")
        by_name = (Job.created_by_name == actor.username) & Job.created_by_id.is_(None)
        query = query.where(by_name | (Job.created_by_id == actor.user_id) if actor.user_id is not None
                            else Job.created_by_name == actor.username)
    if kind is not None:
        query = query.where(Job.kind == kind)
    if status is not None:
        query = query.where(Job.status == status)
    rows = session.scalars(query.order_by(Job.created_at.desc(), Job.id).limit(limit)).all()
    return [JobPublic.of(j) for j in rows]

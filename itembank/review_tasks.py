"""งานตรวจทานข้อสอบ (review tasks) opened by the item analysis of an administration.

Item analysis flags an item version (a probable mis-key from a negative r, a dead distractor, DIF
class C, drift of b beyond the set limit); each flag opens one task in the bank for an officer to
decide. Tasks are idempotent by constraint: one task per version, kind and source, so running the
analysis of an administration again refreshes its tasks' details and opens no duplicates. A decided
task stays decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, UniqueConstraint, select
from sqlmodel import Field, Session, SQLModel

from itembank.authz import Actor, authorize, register_actions
from itembank.errors import ItemBankError
from itembank.models import Item, ItemVersion, JSONType, timestamp_field, utcnow

TASK_KINDS = ("mis_key", "dead_distractor", "dif_c", "drift", "misfit")
TASK_STATUSES = ("open", "kept", "rekeyed", "cancelled", "revised", "dismissed")

#: Thai and English words of each kind (the bank's page and `khlang bank show` print them).
KIND_WORDS = {
    "mis_key": ("เฉลยอาจผิด (r ติดลบ)", "probable mis-key (negative r)"),
    "dead_distractor": ("ตัวลวงไม่มีคนเลือก", "dead distractor"),
    "dif_c": ("ทำหน้าที่ต่างกันระหว่างกลุ่ม ระดับ C", "DIF class C"),
    "drift": ("ค่า b เปลี่ยนเกินเกณฑ์", "drift of b beyond the limit"),
    "misfit": ("ไม่สอดคล้องกับโมเดล", "item misfit"),
}

register_actions(
    {"review_task.read": "ดูงานตรวจทานข้อสอบ", "review_task.decide": "ตัดสินงานตรวจทานข้อสอบ"},
    {"officer": {"review_task.read", "review_task.decide"}, "reviewer": {"review_task.read", "review_task.decide"},
     "analyst": {"review_task.read"}},
)


class ReviewTask(SQLModel, table=True):
    """งานตรวจทานข้อสอบ: one flag on one item version from one source (an administration code)."""

    __tablename__ = "review_task"
    __table_args__ = (
        UniqueConstraint("version_id", "kind", "source", name="uq_review_task"),
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in TASK_KINDS)})", name="ck_review_task_kind"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in TASK_STATUSES)})", name="ck_review_task_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="item_version.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=24)
    source: str = Field(max_length=120, index=True)
    status: str = Field(default="open", max_length=16, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    opened_at: datetime = timestamp_field()
    decided_at: datetime | None = timestamp_field(nullable=True)
    decided_by_name: str | None = Field(default=None, max_length=150)
    comment: str = ""


@dataclass(frozen=True)
class ReviewFlag:
    """What the analysis found: `kind` on `version_id`, with numbers for the officer."""

    version_id: int
    kind: str
    details: dict[str, Any] | None = None


@dataclass(frozen=True)
class ReviewTaskPublic:
    id: int
    item_code: str
    version_number: int
    version_id: int
    kind: str
    source: str
    status: str
    details: dict[str, Any]
    opened_at: datetime
    decided_at: datetime | None
    decided_by_name: str | None
    comment: str

    def kind_text(self, locale: str = "th") -> str:
        th, en = KIND_WORDS.get(self.kind, (self.kind, self.kind))
        return en if locale == "en" else th


def open_review_tasks(session: Session, actor: Actor, source: str, flags: Iterable[ReviewFlag], *,
                      commit: bool = True) -> int:
    """Open (or refresh) one task per flag from `source`, in one transaction; returns the number of new tasks.

    With ``commit=False`` only flushed, for a caller writing more in the same transaction.
    """
    authorize(actor, None, "item.write_statistics")
    flags = list(flags)
    bad = [f.kind for f in flags if f.kind not in TASK_KINDS]
    if bad:
        raise ItemBankError("review_task.bad_kind", message_th=f"ไม่รู้จักชนิดงานตรวจทาน {bad[0]!r}",
                            message_en=f"unknown review task kind {bad[0]!r}")
    existing = {(t.version_id, t.kind): t for t in session.scalars(
        select(ReviewTask).where(ReviewTask.source == source))}
    n_new = 0
    for f in flags:
        task = existing.get((f.version_id, f.kind))
        if task is None:
            task = ReviewTask(version_id=f.version_id, kind=f.kind, source=source)
            existing[(f.version_id, f.kind)] = task
            n_new += 1
        task.details = dict(f.details or {})
        session.add(task)
    if commit:
        session.commit()
    else:
        session.flush()
    return n_new


def list_review_tasks(session: Session, actor: Actor, *, status: str | None = "open", source: str | None = None,
                      item_code: str | None = None, limit: int = 500) -> list[ReviewTaskPublic]:
    """Review tasks, the newest first: open ones by default, of one source or one item when given."""
    authorize(actor, None, "review_task.read")
    query = (select(ReviewTask, Item.code, ItemVersion.number)
             .join(ItemVersion, ItemVersion.id == ReviewTask.version_id).join(Item, Item.id == ItemVersion.item_id))
    if status is not None:
        query = query.where(ReviewTask.status == status)
    if source is not None:
        query = query.where(ReviewTask.source == source)
    if item_code is not None:
        query = query.where(Item.code == item_code)
    rows = session.execute(query.order_by(ReviewTask.opened_at.desc(), ReviewTask.id).limit(limit)).all()
    return [_public(t, code, number) for t, code, number in rows]


def decide_review_task(session: Session, actor: Actor, task_id: int, decision: str, comment: str = "", *,
                       commit: bool = True) -> ReviewTaskPublic:
    """An officer decides a task: kept, rekeyed, cancelled, revised or dismissed (``commit=False``: only
    flushed, for scoring.rescoring.decide_task, which rescores in the same transaction)."""
    task = session.get(ReviewTask, task_id)
    if task is None:
        raise ItemBankError("review_task.not_found", kind="not_found", message_th=f"ไม่พบงานตรวจทานหมายเลข {task_id}",
                            message_en=f"no review task {task_id}")
    authorize(actor, task, "review_task.decide")
    if decision not in TASK_STATUSES or decision == "open":
        raise ItemBankError("review_task.bad_decision", message_th=f"ไม่รู้จักการตัดสิน {decision!r}",
                            message_en=f"unknown decision {decision!r}")
    task.status, task.comment, task.decided_at, task.decided_by_name = decision, comment, utcnow(), actor.username
    if commit:
        session.commit()
    else:
        session.flush()
    version = session.get(ItemVersion, task.version_id)
    item = session.get(Item, version.item_id)
    return _public(task, item.code, version.number)


def tasks_of_versions(session: Session, version_ids: Sequence[int]) -> list[ReviewTask]:
    """Every task of these versions (the item page shows them beside its statistics)."""
    if not version_ids:
        return []
    return list(session.scalars(select(ReviewTask).where(ReviewTask.version_id.in_(list(version_ids)))
                                .order_by(ReviewTask.opened_at, ReviewTask.id)))


def _public(t: ReviewTask, code: str, number: int) -> ReviewTaskPublic:
    return ReviewTaskPublic(id=t.id, item_code=code, version_number=number, version_id=t.version_id, kind=t.kind,
                            source=t.source, status=t.status, details=dict(t.details or {}), opened_at=t.opened_at,
                            decided_at=t.decided_at, decided_by_name=t.decided_by_name, comment=t.comment)

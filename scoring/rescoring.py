"""การตรวจให้คะแนนใหม่ (re-scoring): an officer's decision on a held item, and scores recomputed from
the stored answers.

A probable mis-key found by the analysis *holds* the item (``settings["held"]``: left out of every total
until someone decides). The officer then keeps the key, re-keys the item (one or several right options;
``any_of`` accepts any one of them) or cancels it (ยกเลิกข้อ: ``credit`` gives everyone its points,
``drop`` leaves the total). Every decision rescores the whole administration from the stored response
sets in one transaction: student scores, classes, schools and the district.

The analysis holds an item by opening a ``mis_key`` review task (:func:`hold_flagged`); the officer's
decision on that task (the analysis page, ``khlang analysis decide``) and ``khlang scores decide`` are one
service (:func:`decide_task` → :func:`decide_item`): the settings, the task and the rescored results are
written in one transaction. After the privacy purge deleted an administration's answers nothing can be
recomputed: :func:`recompute_scores` refuses instead of writing empty results over the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy import delete, func, select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.models import Item, ItemVersion
from itembank.review_tasks import ReviewTask, ReviewTaskPublic, decide_review_task
from scoring import settings as cfg
from scoring.administrations import load
from scoring.bulk import insert_rows
from scoring.errors import ScoringError
from scoring.models import Administration, AnswerUpload, Enrolment, ResultSummary, StudentScore, Term
from scoring.responses import load_scored_matrix
from scoring.scores import administration_scale, banked_parameters, percentile_ranks, student_results
from scoring.warehouse import ensure_district_row, figures, refresh_district

DECISIONS = ("keep", "rekey", "cancel")
#: What a decided review task does to the scores (a mis-key dismissed keeps the key); ``revised`` only
#: marks the task (the next version is for the next forms; this administration's item stays held).
TASK_DECISIONS = {"kept": "keep", "rekeyed": "rekey", "cancelled": "cancel", "dismissed": "keep"}
#: The task's status after a scoring decision made without one (``khlang scores decide``).
DECISION_STATUS = {"keep": "kept", "rekey": "rekeyed", "cancel": "cancelled"}


@dataclass(frozen=True)
class Rescored:
    administration: str
    n_students: int
    mean_percent: float | None
    tasks: tuple[ReviewTaskPublic, ...] = ()  # the review tasks decided with it

    def message(self, lang: str = "th") -> str:
        mean = f"{self.mean_percent:.1f}" if self.mean_percent is not None else "-"
        if lang == "en":
            return f"{self.administration}: rescored {self.n_students} students, mean {mean} %"
        return f"การสอบ {self.administration}: คำนวณคะแนนใหม่ {self.n_students} คน เฉลี่ยร้อยละ {mean}"


def _item_codes(session: Session, adm: Administration) -> list[str]:
    from scoring.responses import administration_key

    return [it.item_code for it in administration_key(session, adm).items]


def _item_versions(session: Session, adm: Administration) -> dict[str, int]:
    from scoring.responses import administration_key

    return {it.item_code: it.item_version_id for it in administration_key(session, adm).items}


def check_responses_kept(session: Session, adm: Administration, n_persons: int | None = None) -> None:
    """Refuse when answers counted at upload are gone (the privacy purge deleted them): scores cannot be
    recomputed from answers that no longer exist, and the warehouse keeps the figures made from them."""
    from scoring.models import ResponseSet

    counted = session.scalar(select(func.coalesce(func.sum(AnswerUpload.n_students), 0)).where(
        AnswerUpload.administration_id == adm.id, AnswerUpload.is_current.is_(True))) or 0
    if n_persons is None:
        n_persons = session.scalar(select(func.count()).select_from(ResponseSet)
                                   .where(ResponseSet.administration_id == adm.id)) or 0
    if n_persons < counted:
        raise ScoringError(
            "scores.responses_gone", kind="conflict", administration=adm.code,
            message_th=(f"คำนวณคะแนนของการสอบ {adm.code} ใหม่ไม่ได้: คำตอบรายข้อของนักเรียนถูกลบไปแล้ว "
                        f"(เหลือ {n_persons:,} จาก {int(counted):,} คน) ตามระยะเวลาเก็บรักษาข้อมูลส่วนบุคคล "
                        "(khlang privacy purge); ผลสรุปในคลังผลการสอบยังคงเดิม"),
            message_en=(f"cannot recompute {adm.code}'s scores: the students' answers were deleted "
                        f"({n_persons:,} of {int(counted):,} left) by the privacy purge; the stored result "
                        "summaries stay as they were"))


def hold_items(session: Session, actor: Actor, admin: str, item_codes: list[str]) -> Rescored:
    """Hold items (a probable mis-key): out of every total until an officer decides; rescored at once."""
    adm = load(session, actor, admin, "scores.recompute")
    known = set(_item_codes(session, adm))
    unknown = [c for c in item_codes if c not in known]
    if unknown:
        raise ScoringError("item.not_in_form", kind="not_found",
                           message_th=f"ข้อสอบ {', '.join(unknown)} ไม่อยู่ในฉบับของการสอบ {adm.code}",
                           message_en=f"items {', '.join(unknown)} are not in {adm.code}'s form")
    check_responses_kept(session, adm)
    settings = dict(adm.settings or {})
    settings["held"] = sorted(set(settings.get("held") or ()) | set(item_codes))
    adm.settings = settings
    session.add(adm)
    return _recompute(session, adm)


def hold_flagged(session: Session, actor: Actor, admin: str) -> Rescored | None:
    """Hold every item whose probable mis-key task from this administration's analysis is still open and
    not held yet; rescored once when anything new is held (None: nothing changed). Part of the analysis."""
    adm = load(session, actor, admin, "administration.read", "results")
    authorize(actor, adm, "item.write_statistics")
    versions = _item_versions(session, adm)
    open_ids = set(session.scalars(select(ReviewTask.version_id).where(
        ReviewTask.source == f"admin:{adm.code}", ReviewTask.kind == "mis_key", ReviewTask.status == "open")))
    settings = dict(adm.settings or {})
    decided = set(settings.get("held") or ()) | set(settings.get("rekey") or {}) | set(settings.get("cancelled") or {})
    new = sorted(code for code, vid in versions.items() if vid in open_ids and code not in decided)
    if not new:
        session.commit()  # end the reading transaction (a job's progress is written by another connection)
        return None
    check_responses_kept(session, adm)
    settings["held"] = sorted(set(settings.get("held") or ()) | set(new))
    adm.settings = settings
    session.add(adm)
    return _recompute(session, adm)


@dataclass(frozen=True)
class TaskDecided:
    """A review task decided; `rescored` when the decision changed the administration's scores."""

    task: ReviewTaskPublic
    rescored: Rescored | None

    def message(self, lang: str = "th") -> str:
        t = self.task
        head = (f"review task #{t.id} ({t.item_code}): {t.status}" if lang == "en"
                else f"งานตรวจทาน #{t.id} ({t.item_code}): {t.status}")
        return head + (f" · {self.rescored.message(lang)}" if self.rescored else "")


def decide_task(session: Session, actor: Actor, task_id: int, decision: str, *, key: list[str] | None = None,
                any_of: bool = False, cancel_mode: str = "credit", comment: str = "") -> TaskDecided:
    """An officer decides a review task. A probable mis-key of an administration is decided for its scores
    too (kept/dismissed: the hold lifts; rekeyed: with `key`; cancelled: `cancel_mode`), rescored from the
    stored answers in the same transaction; any other task is only marked. Pages and commands call this."""
    task = session.get(ReviewTask, task_id)
    if task is None:
        raise ScoringError("review_task.not_found", kind="not_found", message_th=f"ไม่พบงานตรวจทานหมายเลข {task_id}",
                           message_en=f"no review task {task_id}")
    authorize(actor, task, "review_task.decide")
    admin = task.source.removeprefix("admin:") if task.source.startswith("admin:") else None
    adm = session.scalar(select(Administration).where(Administration.code == admin)) if admin else None
    if task.kind != "mis_key" or decision not in TASK_DECISIONS or adm is None:
        return TaskDecided(decide_review_task(session, actor, task_id, decision, comment), None)
    code = session.scalar(select(Item.code).join(ItemVersion, ItemVersion.item_id == Item.id)
                          .where(ItemVersion.id == task.version_id))
    rescored = decide_item(session, actor, adm.code, code, TASK_DECISIONS[decision], key=key, any_of=any_of,
                           cancel_mode=cancel_mode, comment=comment, task_status={task_id: decision})
    return TaskDecided(next(t for t in rescored.tasks if t.id == task_id), rescored)


def decide_item(session: Session, actor: Actor, admin: str, item_code: str, decision: str, *,
                key: list[str] | None = None, any_of: bool = False, cancel_mode: str = "credit", comment: str = "",
                task_status: dict[int, str] | None = None) -> Rescored:
    """An officer's decision on an item: keep, rekey (with `key`, option labels) or cancel; the item's open
    mis-key tasks from this administration are decided with it (`task_status` names a task's own status);
    then everything is rescored, in one transaction."""
    adm = load(session, actor, admin, "scores.recompute")
    if decision not in DECISIONS:
        raise ScoringError("decision.unknown", message_th=f"ไม่รู้จักการตัดสิน {decision} (keep, rekey, cancel)",
                           message_en=f"unknown decision {decision} (keep, rekey, cancel)")
    versions = _item_versions(session, adm)
    if item_code not in versions:
        raise ScoringError("item.not_in_form", kind="not_found",
                           message_th=f"ข้อสอบ {item_code} ไม่อยู่ในฉบับของการสอบ {adm.code}",
                           message_en=f"item {item_code} is not in {adm.code}'s form")
    if cancel_mode not in ("credit", "drop"):
        raise ScoringError("decision.cancel_mode", message_th="ยกเลิกข้อได้แบบ credit (ให้คะแนนทุกคน) หรือ drop (ตัดออก)",
                           message_en="cancel with credit or drop")
    if decision == "rekey" and not key:
        raise ScoringError("decision.key", message_th="ต้องระบุเฉลยใหม่ เช่น --key ข หรือ --key ข,ง",
                           message_en="give the new key, e.g. --key ข,ง")
    check_responses_kept(session, adm)
    settings = {k: (dict(v) if isinstance(v, dict) else v) for k, v in (adm.settings or {}).items()}
    settings["held"] = [c for c in settings.get("held") or () if c != item_code]
    settings.setdefault("rekey", {}).pop(item_code, None)
    settings.setdefault("cancelled", {}).pop(item_code, None)
    if decision == "rekey":
        settings["rekey"][item_code] = {"key": list(key), "any_of": bool(any_of)}
    elif decision == "cancel":
        settings["cancelled"][item_code] = cancel_mode
    adm.settings = settings
    session.add(adm)
    statuses = dict(task_status or {})
    for task_id in session.scalars(select(ReviewTask.id).where(
            ReviewTask.source == f"admin:{adm.code}", ReviewTask.kind == "mis_key", ReviewTask.status == "open",
            ReviewTask.version_id == versions[item_code])):
        statuses.setdefault(task_id, DECISION_STATUS[decision])
    decided = tuple(decide_review_task(session, actor, task_id, status, comment, commit=False)
                    for task_id, status in statuses.items())
    return replace(_recompute(session, adm), tasks=decided)


def recompute_scores(session: Session, actor: Actor, admin: str) -> Rescored:
    """Rescore every response set of an administration with its current key and settings (one transaction)."""
    adm = load(session, actor, admin, "scores.recompute")
    authorize(actor, adm, "scores.recompute")
    return _recompute(session, adm)


def _recompute(session: Session, adm: Administration) -> Rescored:
    settings = dict(adm.settings or {})
    m = load_scored_matrix(session, Actor.system(), adm.id)  # keyed with the current settings (held items dropped)
    check_responses_kept(session, adm, m.n_persons)
    params, positions, set_id = banked_parameters(session, m.key, administration_scale(adm))
    res = student_results(m.key, m.scores, params, positions)
    term = session.get(Term, adm.term_id)
    classes = dict(session.execute(select(Enrolment.student_id, Enrolment.class_id).where(
        Enrolment.academic_year_id == term.academic_year_id, Enrolment.student_id.in_(m.student_ids.tolist()))).all())
    class_ids = np.array([classes.get(int(s), 0) for s in m.student_ids], dtype=np.int64)
    session.execute(delete(StudentScore).where(StudentScore.administration_id == adm.id))
    session.execute(delete(ResultSummary).where(ResultSummary.administration_id == adm.id,
                                                ResultSummary.level != "district"))
    insert_rows(session, StudentScore.__table__, _rows(adm.id, m, res, set_id))
    cut = cfg.effective(settings)["mastery_cut"]

    def part(sel: np.ndarray) -> dict:
        ind = {c: (p[sel], t) for c, (p, t) in res.indicator_points.items()}
        return figures(res.raw[sel], res.percent[sel], res.grade[sel], res.quality[sel], ind, cut, res.max_points)

    rows = []
    for sid in np.unique(m.school_ids):
        mine = m.school_ids == sid
        rows.append(ResultSummary(administration_id=adm.id, scope=f"school:{sid}", level="school",
                                  school_id=int(sid), data=part(mine)))
        for cid in np.unique(class_ids[mine]):
            if cid:
                rows.append(ResultSummary(administration_id=adm.id, scope=f"class:{cid}", level="class",
                                          school_id=int(sid), class_id=int(cid), data=part(mine & (class_ids == cid))))
    session.add_all(rows)
    session.flush()
    ensure_district_row(session, adm)
    refresh_district(session, adm)
    session.commit()
    mean = float(np.mean(res.percent)) if m.n_persons else None
    return Rescored(adm.code, m.n_persons, mean)


def _rows(adm_id: int, m, res, set_id: int | None = None) -> list[dict]:
    def col(a):
        if a is None:
            return [None] * m.n_persons
        return [None if not np.isfinite(x) else float(x) for x in np.asarray(a, float)]

    theta, tse, wle, wse, scale = (col(x) for x in (res.theta, res.theta_se, res.wle, res.wle_se, res.scale_score))
    ranks = col(percentile_ranks(res.raw, res.raw))  # the whole district is here: ranks are final
    return [{"response_set_id": int(rs), "administration_id": adm_id, "school_id": int(sch), "raw": float(r),
             "max_points": res.max_points, "percent": float(p), "grade": float(g), "quality": str(q), "theta": th,
             "theta_se": ts, "wle": w, "wle_se": ws, "scale_score": sc, "percentile": pr, "mastery": mm,
             "parameter_set_id": set_id if th is not None else None}
            for rs, sch, r, p, g, q, th, ts, w, ws, sc, pr, mm in zip(
                m.response_set_ids.tolist(), m.school_ids.tolist(), res.raw, res.percent, res.grade, res.quality,
                theta, tse, wle, wse, scale, ranks, res.mastery, strict=True)]

"""การตรวจให้คะแนนใหม่ (re-scoring): an officer's decision on a held item, and scores recomputed from
the stored answers.

A probable mis-key found by the analysis *holds* the item (``settings["held"]``: left out of every total
until someone decides). The officer then keeps the key, re-keys the item (one or several right options;
``any_of`` accepts any one of them) or cancels it (ยกเลิกข้อ: ``credit`` gives everyone its points,
``drop`` leaves the total). Every decision rescores the whole administration from the stored response
sets in one transaction: student scores, classes, schools and the district.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from scoring import settings as cfg
from scoring.administrations import load
from scoring.bulk import insert_rows
from scoring.errors import ScoringError
from scoring.models import Administration, Enrolment, ResultSummary, StudentScore, Term
from scoring.responses import load_scored_matrix
from scoring.scores import banked_parameters, percentile_ranks, student_results
from scoring.warehouse import ensure_district_row, figures, refresh_district

DECISIONS = ("keep", "rekey", "cancel")


@dataclass(frozen=True)
class Rescored:
    administration: str
    n_students: int
    mean_percent: float | None

    def message(self, lang: str = "th") -> str:
        mean = f"{self.mean_percent:.1f}" if self.mean_percent is not None else "-"
        if lang == "en":
            return f"{self.administration}: rescored {self.n_students} students, mean {mean} %"
        return f"การสอบ {self.administration}: คำนวณคะแนนใหม่ {self.n_students} คน เฉลี่ยร้อยละ {mean}"


def _item_codes(session: Session, adm: Administration) -> list[str]:
    from scoring.responses import administration_key

    return [it.item_code for it in administration_key(session, adm).items]


def hold_items(session: Session, actor: Actor, admin: str, item_codes: list[str]) -> Rescored:
    """Hold items (a probable mis-key): out of every total until an officer decides; rescored at once."""
    adm = load(session, actor, admin, "scores.recompute")
    known = set(_item_codes(session, adm))
    unknown = [c for c in item_codes if c not in known]
    if unknown:
        raise ScoringError("item.not_in_form", kind="not_found",
                           message_th=f"ข้อสอบ {', '.join(unknown)} ไม่อยู่ในฉบับของการสอบ {adm.code}",
                           message_en=f"items {', '.join(unknown)} are not in {adm.code}'s form")
    settings = dict(adm.settings or {})
    settings["held"] = sorted(set(settings.get("held") or ()) | set(item_codes))
    adm.settings = settings
    session.add(adm)
    return recompute_scores(session, actor, adm.code)


def decide_item(session: Session, actor: Actor, admin: str, item_code: str, decision: str, *,
                key: list[str] | None = None, any_of: bool = False, cancel_mode: str = "credit") -> Rescored:
    """An officer's decision on an item: keep, rekey (with `key`, option labels) or cancel; then rescore."""
    adm = load(session, actor, admin, "scores.recompute")
    if decision not in DECISIONS:
        raise ScoringError("decision.unknown", message_th=f"ไม่รู้จักการตัดสิน {decision} (keep, rekey, cancel)",
                           message_en=f"unknown decision {decision} (keep, rekey, cancel)")
    if item_code not in _item_codes(session, adm):
        raise ScoringError("item.not_in_form", kind="not_found",
                           message_th=f"ข้อสอบ {item_code} ไม่อยู่ในฉบับของการสอบ {adm.code}",
                           message_en=f"item {item_code} is not in {adm.code}'s form")
    if cancel_mode not in ("credit", "drop"):
        raise ScoringError("decision.cancel_mode", message_th="ยกเลิกข้อได้แบบ credit (ให้คะแนนทุกคน) หรือ drop (ตัดออก)",
                           message_en="cancel with credit or drop")
    settings = {k: (dict(v) if isinstance(v, dict) else v) for k, v in (adm.settings or {}).items()}
    settings["held"] = [c for c in settings.get("held") or () if c != item_code]
    settings.setdefault("rekey", {}).pop(item_code, None)
    settings.setdefault("cancelled", {}).pop(item_code, None)
    if decision == "rekey":
        if not key:
            raise ScoringError("decision.key", message_th="ต้องระบุเฉลยใหม่ เช่น --key ข หรือ --key ข,ง",
                               message_en="give the new key, e.g. --key ข,ง")
        settings["rekey"][item_code] = {"key": list(key), "any_of": bool(any_of)}
    elif decision == "cancel":
        settings["cancelled"][item_code] = cancel_mode
    adm.settings = settings
    session.add(adm)
    return recompute_scores(session, actor, adm.code)


def recompute_scores(session: Session, actor: Actor, admin: str) -> Rescored:
    """Rescore every response set of an administration with its current key and settings (one transaction)."""
    adm = load(session, actor, admin, "scores.recompute")
    authorize(actor, adm, "scores.recompute")
    settings = dict(adm.settings or {})
    m = load_scored_matrix(session, actor, adm.id)  # keyed with the current settings (held items dropped)
    params, positions = banked_parameters(session, m.key)
    res = student_results(m.key, m.scores, params, positions)
    term = session.get(Term, adm.term_id)
    classes = dict(session.execute(select(Enrolment.student_id, Enrolment.class_id).where(
        Enrolment.academic_year_id == term.academic_year_id, Enrolment.student_id.in_(m.student_ids.tolist()))).all())
    class_ids = np.array([classes.get(int(s), 0) for s in m.student_ids], dtype=np.int64)
    session.execute(delete(StudentScore).where(StudentScore.administration_id == adm.id))
    session.execute(delete(ResultSummary).where(ResultSummary.administration_id == adm.id,
                                                ResultSummary.level != "district"))
    insert_rows(session, StudentScore.__table__, _rows(adm.id, m, res))
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


def _rows(adm_id: int, m, res) -> list[dict]:
    def col(a):
        if a is None:
            return [None] * m.n_persons
        return [None if not np.isfinite(x) else float(x) for x in np.asarray(a, float)]

    theta, tse, wle, wse, scale = (col(x) for x in (res.theta, res.theta_se, res.wle, res.wle_se, res.scale_score))
    ranks = col(percentile_ranks(res.raw, res.raw))  # the whole district is here: ranks are final
    return [{"response_set_id": int(rs), "administration_id": adm_id, "school_id": int(sch), "raw": float(r),
             "max_points": res.max_points, "percent": float(p), "grade": float(g), "quality": str(q), "theta": th,
             "theta_se": ts, "wle": w, "wle_se": ws, "scale_score": sc, "percentile": pr, "mastery": mm}
            for rs, sch, r, p, g, q, th, ts, w, ws, sc, pr, mm in zip(
                m.response_set_ids.tolist(), m.school_ids.tolist(), res.raw, res.percent, res.grade, res.quality,
                theta, tse, wle, wse, scale, ranks, res.mastery, strict=True)]

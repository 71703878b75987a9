"""ส่งออกผลคะแนน (score exports): one row per student, and the answers in form order on request.

Raw scores and percentages are recomputed from the stored answers with the administration's key at
the time of the export (re-keys and cancelled items included), so they always agree with the
printed keys of every variant; θ and the scale score are those stored at scoring.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from exports.data import THAI_OPTION_LETTERS
from itembank.authz import Actor, authorize
from itembank.parameter_sets import parameter_set_refs
from itembank.schools import School, get_school
from psychometrics.tables import Table
from scoring import settings as cfg
from scoring.administrations import load
from scoring.keying import NOT_PRESENTED, OMITTED, SEVERAL
from scoring.models import Enrolment, SchoolClass, StudentScore, Term
from scoring.responses import load_scored_matrix
from scoring.scores import percentile_ranks

#: How a θ from the bank's latest statistics (no parameter set holds every item) is named
STATISTICS_TH = "ค่าสถิติล่าสุดของคลัง"
COLUMNS = ("รหัสโรงเรียน", "เลขประจำตัว", "ชั้น", "ห้อง", "เลขที่", "ชุด", "คะแนนดิบ", "คะแนนเต็ม", "ร้อยละ",
           "ระดับผลการเรียน", "ระดับคุณภาพ", "เปอร์เซ็นไทล์", "theta_eap", "se_eap", "theta_wle", "se_wle",
           "คะแนนมาตรฐาน", "ชุดพารามิเตอร์")


def answer_text(code: int, kind: str) -> str:
    """A stored answer code as people write it (form option order)."""
    if code in (OMITTED, NOT_PRESENTED):
        return ""
    if code == SEVERAL:
        return "*"
    if kind == "rubric":
        return str(code)
    if kind == "multi":
        return "".join(THAI_OPTION_LETTERS[b] for b in range(8) if code >> b & 1)
    return THAI_OPTION_LETTERS[code] if 0 <= code < len(THAI_OPTION_LETTERS) else "?"


def export_scores(session: Session, actor: Actor, admin: str, *, school_code: str | None = None,
                  answers: bool = False) -> Table:
    """The scores of an administration (one school's with `school_code`; a school account: its own)."""
    adm = load(session, actor, admin, "scores.export", "results")
    school_id = None
    if school_code:
        school = get_school(session, actor, school_code)
        authorize(actor, school, "scores.export")
        school_id = school.id
    m = load_scored_matrix(session, actor, adm.id, school_id)
    settings = cfg.effective(adm.settings)
    top = float(m.max_points.sum())
    raw = m.raw
    percent = raw / top * 100 if top else np.zeros_like(raw)
    grade = cfg.grades(percent, settings)
    quality = cfg.quality(percent, settings)
    everyone = np.array(session.scalars(select(StudentScore.raw).where(StudentScore.administration_id == adm.id)).all(),
                        dtype=float)
    pr = percentile_ranks(raw, everyone if everyone.size else raw)
    stored = {r.response_set_id: r for r in session.scalars(
        select(StudentScore).where(StudentScore.response_set_id.in_(m.response_set_ids.tolist())))}
    sets = parameter_set_refs(session, [r.parameter_set_id for r in stored.values() if r.parameter_set_id])
    term = session.get(Term, adm.term_id)
    places = {sid: (g, room, seat) for sid, g, room, seat in session.execute(
        select(Enrolment.student_id, SchoolClass.grade, SchoolClass.room, Enrolment.seat)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .where(Enrolment.academic_year_id == term.academic_year_id,
               Enrolment.student_id.in_(m.student_ids.tolist())))}
    codes = {s.id: s.code for s in session.scalars(select(School).where(School.id.in_(set(m.school_ids.tolist()))))}
    columns = COLUMNS + (tuple(f"ข้อ {q + 1}" for q in range(m.n_items)) if answers else ())
    rows = []
    for i, rs_id in enumerate(m.response_set_ids.tolist()):
        s = stored.get(rs_id)
        g, room, seat = places.get(int(m.student_ids[i]), ("", "", None))
        row = [codes.get(int(m.school_ids[i]), ""), m.student_codes[i], g, room, seat, m.variants[i],
               round(float(raw[i]), 4), top, round(float(percent[i]), 2), float(grade[i]),
               cfg.level_label(str(quality[i])), round(float(pr[i]), 1),
               *(_num(getattr(s, f, None)) for f in ("theta", "theta_se", "wle", "wle_se", "scale_score")),
               _set_name(s, sets)]
        if answers:
            row += [answer_text(int(c), k) for c, k in zip(m.codes[i].tolist(), m.kinds, strict=True)]
        rows.append(tuple(row))
    return Table(f"คะแนน {adm.code}", columns, rows, (f"การสอบ {adm.code} {adm.title}", theta_note(stored.values(), sets)))


def _set_name(score: StudentScore | None, sets: dict[int, str]) -> str | None:
    if score is None or score.theta is None:
        return None
    return sets.get(score.parameter_set_id, STATISTICS_TH) if score.parameter_set_id else STATISTICS_TH


def theta_note(scores, sets: dict[int, str]) -> str:
    """The line under a table with θ: which parameter set (``scale@vN``, id) θ was estimated with."""
    used = sorted({s.parameter_set_id for s in scores if s.theta is not None and s.parameter_set_id})
    other = any(s.theta is not None and not s.parameter_set_id for s in scores)
    if not used and not other:
        return "θ: ยังไม่ได้ประมาณค่า (ข้อสอบยังไม่มีค่าพารามิเตอร์ครบทุกข้อ)"
    names = [f"{sets.get(i, '?')} (id {i})" for i in used] + ([STATISTICS_TH] if other else [])
    return "θ และคะแนนมาตรฐานประมาณค่าจากชุดพารามิเตอร์ " + ", ".join(names)


def _num(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)

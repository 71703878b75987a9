"""คลังผลการสอบ (the score warehouse): results per administration and scope, kept year after year.

One :class:`~scoring.models.ResultSummary` row per administration and scope (``district``,
``school:<id>``, ``class:<id>``) holds *mergeable* figures (n, Σx, Σx², min, max, the raw-score
histogram, grade and quality counts, indicator points), so a school's upload rewrites its own school
and class rows and the district row is the merge of the school rows, all in the upload's transaction.

Readers (plain dataclasses, the embargo of :mod:`scoring.administrations` applied):

- :func:`school_results` ``(session, actor, administration, school_id) -> SchoolResults``: the school
  beside the district, its classes, three-year trend for the same grade and learning area;
- :func:`district_results` ``(session, actor, administration) -> DistrictResults``: the district and
  every school, with the trend.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.models import utcnow
from itembank.schools import School
from scoring import settings as cfg
from scoring.administrations import load
from scoring.errors import ScoringError
from scoring.models import AcademicYear, Administration, ResultSummary, SchoolClass, Term
from testgen.models import Form

BANDS = tuple(range(0, 100, 10))  # % bands 0–9, 10–19, …, 90–100 (NT/O-NET style)


# ------------------------------------------------------------------------------- mergeable figures


def figures(raw: np.ndarray, percent: np.ndarray, grade: np.ndarray, quality: np.ndarray,
            indicators: dict[str, tuple[np.ndarray, float]], mastery_cut: float, max_points: float) -> dict[str, Any]:
    """The mergeable figures of one group of students (arrays over its persons)."""
    raw = np.asarray(raw, float)
    values, counts = np.unique(np.round(raw, 4), return_counts=True)
    band = np.clip((np.asarray(percent, float) // 10).astype(int), 0, 9)
    g_values, g_counts = np.unique(np.asarray(grade, float), return_counts=True)
    q_values, q_counts = np.unique(np.asarray(quality, dtype=str), return_counts=True)
    ind = {}
    for code, (points, top) in indicators.items():
        share = points / top if top else np.zeros_like(points)
        ind[code] = [float(points.sum()), float(top) * len(points), int((share >= mastery_cut - 1e-9).sum())]
    return {
        "n": int(raw.size), "sum": float(raw.sum()), "sumsq": float((raw ** 2).sum()),
        "min": float(raw.min()) if raw.size else None, "max": float(raw.max()) if raw.size else None,
        "max_points": float(max_points),
        "hist": {f"{v:g}": int(c) for v, c in zip(values, counts, strict=True)},
        "bands": np.bincount(band, minlength=10).astype(int).tolist(),
        "grades": {f"{v:g}": int(c) for v, c in zip(g_values, g_counts, strict=True)},
        "quality": {str(v): int(c) for v, c in zip(q_values, q_counts, strict=True)},
        "indicators": ind,
    }


def merge(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The figures of the union of disjoint groups."""
    parts = [p for p in parts if p and p.get("n")]
    out: dict[str, Any] = {"n": 0, "sum": 0.0, "sumsq": 0.0, "min": None, "max": None, "max_points": 0.0,
                           "hist": {}, "bands": [0] * 10, "grades": {}, "quality": {}, "indicators": {}}
    for p in parts:
        out["n"] += p["n"]
        out["sum"] += p["sum"]
        out["sumsq"] += p["sumsq"]
        out["min"] = p["min"] if out["min"] is None else min(out["min"], p["min"])
        out["max"] = p["max"] if out["max"] is None else max(out["max"], p["max"])
        out["max_points"] = p["max_points"]
        out["bands"] = [a + b for a, b in zip(out["bands"], p["bands"], strict=True)]
        for k in ("hist", "grades", "quality"):
            for v, c in p[k].items():
                out[k][v] = out[k].get(v, 0) + c
        for code, (earned, top, mastered) in p["indicators"].items():
            e = out["indicators"].setdefault(code, [0.0, 0.0, 0])
            e[0] += earned
            e[1] += top
            e[2] += mastered
    return out


# ----------------------------------------------------------------------------------------- what is read


@dataclass(frozen=True)
class GroupResult:
    """Results of one group (district, a school, a class) as reports show them."""

    scope: str
    label: str
    n: int
    mean: float | None
    sd: float | None
    min: float | None
    max: float | None
    max_points: float
    mean_percent: float | None
    bands: tuple[int, ...]  # counts per 10 % band, 0–9 … 90–100
    grade_counts: dict[str, int]
    quality_counts: dict[str, int]
    indicator_mastery: dict[str, float]  # indicator -> share of students who mastered it
    indicator_percent: dict[str, float]  # indicator -> % of its points earned
    percentiles: dict[str, float]  # P10, P25, P50, P75, P90 of the raw score
    school_code: str | None = None

    def share(self, counts: dict[str, int]) -> dict[str, float]:
        return {k: (100.0 * v / self.n if self.n else 0.0) for k, v in counts.items()}

    @property
    def grade_shares(self) -> dict[str, float]:
        return self.share(self.grade_counts)

    @property
    def quality_shares(self) -> dict[str, float]:
        return self.share(self.quality_counts)


@dataclass(frozen=True)
class TrendPoint:
    year_be: int
    administration: str
    mean_percent: float | None
    district_mean_percent: float | None
    n: int


@dataclass(frozen=True)
class SchoolResults:
    administration: str
    title: str
    year_be: int
    term: int
    grade: str
    school: GroupResult
    district: GroupResult
    classes: tuple[GroupResult, ...]
    trend: tuple[TrendPoint, ...]
    settings: dict[str, Any] = field(default_factory=dict)
    references: dict[str, GroupResult] = field(default_factory=dict)  # province / nation, as the office entered them


@dataclass(frozen=True)
class DistrictResults:
    administration: str
    title: str
    year_be: int
    term: int
    grade: str
    district: GroupResult
    schools: tuple[GroupResult, ...]
    trend: tuple[TrendPoint, ...]
    settings: dict[str, Any] = field(default_factory=dict)
    references: dict[str, GroupResult] = field(default_factory=dict)  # province / nation, as the office entered them


def _percentiles(hist: dict[str, int]) -> dict[str, float]:
    """P10 … P90 of the raw score from its histogram (plain Python: a few dozen values, read 400 times
    for a district overview, where numpy's per-call overhead would dominate)."""
    if not hist:
        return {}
    pairs = sorted((float(v), c) for v, c in hist.items())
    n = sum(c for _, c in pairs)
    out, cum, k = {}, 0, 0
    wanted = (10, 25, 50, 75, 90)
    for value, count in pairs:
        cum += count
        while k < len(wanted) and cum >= wanted[k] / 100 * n:
            out[f"P{wanted[k]}"] = value
            k += 1
    return out


def view(scope: str, label: str, data: dict[str, Any], school_code: str | None = None) -> GroupResult:
    n = int(data.get("n") or 0)
    mean = data["sum"] / n if n else None
    sd = math.sqrt(max(data["sumsq"] / n - mean ** 2, 0.0) * n / (n - 1)) if n > 1 else (0.0 if n else None)
    top = float(data.get("max_points") or 0.0)
    ind = data.get("indicators") or {}
    return GroupResult(
        scope, label, n, mean, sd, data.get("min"), data.get("max"), top,
        (mean / top * 100 if top and mean is not None else None), tuple(data.get("bands") or [0] * 10),
        dict(data.get("grades") or {}), dict(data.get("quality") or {}),
        {c: (m / n if n else 0.0) for c, (_, _, m) in ind.items()},
        {c: (100 * e / t if t else 0.0) for c, (e, t, _) in ind.items()},
        _percentiles(data.get("hist") or {}), school_code)


# ------------------------------------------------------------------------------------------- writing


def subtract(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """The figures of `total` without the disjoint group `part` (min and max are the caller's)."""
    out = {**total, "hist": dict(total["hist"]), "grades": dict(total["grades"]), "quality": dict(total["quality"]),
           "indicators": {k: list(v) for k, v in total["indicators"].items()}}
    if not part or not part.get("n"):
        return out
    out["n"] -= part["n"]
    out["sum"] -= part["sum"]
    out["sumsq"] -= part["sumsq"]
    out["bands"] = [a - b for a, b in zip(total["bands"], part["bands"], strict=True)]
    for k in ("hist", "grades", "quality"):
        for v, c in part[k].items():
            out[k][v] = out[k].get(v, 0) - c
            if not out[k][v]:
                del out[k][v]
    for code, (earned, top, mastered) in part["indicators"].items():
        e = out["indicators"].setdefault(code, [0.0, 0.0, 0])
        e[0] -= earned
        e[1] -= top
        e[2] -= mastered
    return out


def write_school(session: Session, adm_id: int, school_id: int, school_figures: dict[str, Any],
                 class_figures: dict[int, dict[str, Any]], *, replacing: bool = True) -> None:
    """Replace the school's and its classes' rows and update the district row (the caller commits).

    The district row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's write lock is already
    held) and updated by difference: minus the school's old figures, plus its new ones: a few rows
    whatever the district's size.
    """
    t = ResultSummary.__table__
    scopes = ["district", f"school:{school_id}"] if replacing else ["district"]  # a first upload has no rows yet
    by_scope = {r.scope: r for r in session.execute(select(t.c.scope, t.c.id, t.c.data).where(
        t.c.administration_id == adm_id, t.c.scope.in_(scopes)).with_for_update())}
    found = by_scope.get("district")
    old = by_scope[scopes[-1]].data if replacing and scopes[-1] in by_scope else None
    if replacing:
        session.execute(delete(t).where(t.c.administration_id == adm_id, t.c.school_id == school_id))
    now = utcnow()
    rows = [{"administration_id": adm_id, "scope": f"school:{school_id}", "level": "school", "school_id": school_id,
             "class_id": None, "data": school_figures, "updated_at": now}]
    rows += [{"administration_id": adm_id, "scope": f"class:{cid}", "level": "class", "school_id": school_id,
              "class_id": cid, "data": f, "updated_at": now} for cid, f in class_figures.items()]
    session.execute(insert(t), rows)
    district = found.data if found is not None else None
    if found is None or not (district or {}).get("extremes") and (district or {}).get("n"):
        refresh_district(session, adm_id)
        return
    data = merge([subtract(district, old or {}), school_figures])
    extremes = dict(district.get("extremes") or {})
    if school_figures.get("n"):
        extremes[str(school_id)] = [school_figures["min"], school_figures["max"]]
    else:
        extremes.pop(str(school_id), None)
    data["extremes"] = extremes
    data["min"] = min((v[0] for v in extremes.values()), default=None)
    data["max"] = max((v[1] for v in extremes.values()), default=None)
    data["max_points"] = school_figures.get("max_points") or district.get("max_points", 0.0)
    session.execute(update(t).where(t.c.id == found.id).values(data=data, updated_at=now))


def ensure_district_row(session: Session, adm: Administration) -> None:
    """The administration's (empty) district row, so that uploads only ever update it."""
    if session.scalar(select(ResultSummary.id).where(ResultSummary.administration_id == adm.id,
                                                     ResultSummary.scope == "district")) is None:
        session.add(ResultSummary(administration_id=adm.id, scope="district", level="district",
                                  data={**merge([]), "extremes": {}}))
        session.flush()


def refresh_district(session: Session, adm: Administration | int) -> None:
    """Rebuild the district row from every school row (after a recompute, or when it is missing)."""
    adm_id = adm if isinstance(adm, int) else adm.id
    rows = session.execute(select(ResultSummary.school_id, ResultSummary.data).where(
        ResultSummary.administration_id == adm_id, ResultSummary.level == "school")).all()
    row = session.scalar(select(ResultSummary).where(ResultSummary.administration_id == adm_id,
                                                     ResultSummary.scope == "district"))
    if row is None:
        row = ResultSummary(administration_id=adm_id, scope="district", level="district")
    data = merge([d for _, d in rows])
    data["extremes"] = {str(sid): [d["min"], d["max"]] for sid, d in rows if d.get("n")}
    row.data = data
    row.updated_at = utcnow()
    session.add(row)
    session.flush()


# ------------------------------------------------------------------------------------------- reading


def _context(session: Session, adm: Administration) -> tuple[Term, AcademicYear, Form]:
    term = session.get(Term, adm.term_id)
    return term, session.get(AcademicYear, term.academic_year_id), session.get(Form, adm.form_id)


def _summaries(session: Session, adm_ids: Sequence[int], scopes: Sequence[str] | None = None,
               level: str | None = None) -> list[ResultSummary]:
    q = select(ResultSummary).where(ResultSummary.administration_id.in_(list(adm_ids)))
    if scopes is not None:
        q = q.where(ResultSummary.scope.in_(list(scopes)))
    if level is not None:
        q = q.where(ResultSummary.level == level)
    return list(session.scalars(q))


def _trend(session: Session, adm: Administration, form: Form, year: AcademicYear,
           school_id: int | None) -> tuple[TrendPoint, ...]:
    """The last three years' administrations of the same grade and learning area (this one included)."""
    rows = session.execute(
        select(Administration, AcademicYear.year_be).join(Term, Term.id == Administration.term_id)
        .join(AcademicYear, AcademicYear.id == Term.academic_year_id).join(Form, Form.id == Administration.form_id)
        .where(Administration.grade == adm.grade,
               Form.learning_area.is_(None) if form.learning_area is None else Form.learning_area == form.learning_area,
               AcademicYear.year_be <= year.year_be, AcademicYear.year_be > year.year_be - 3)
        .order_by(AcademicYear.year_be, Administration.created_at)).all()
    ids = [a.id for a, _ in rows]
    scopes = ["district"] + ([f"school:{school_id}"] if school_id is not None else [])
    data = {(s.administration_id, s.scope): s.data for s in _summaries(session, ids, scopes)}
    out = []
    for a, year_be in rows:
        d = view("district", "", data.get((a.id, "district"), {}))
        s = view("school", "", data.get((a.id, f"school:{school_id}"), {})) if school_id is not None else d
        out.append(TrendPoint(year_be, a.code, s.mean_percent, d.mean_percent, s.n))
    return tuple(out)


def school_results(session: Session, actor: Actor, administration_id: int | str, school_id: int) -> SchoolResults:
    """A school's results beside the district's, its classes and its three-year trend."""
    adm = load(session, actor, administration_id, "scores.read", "results")
    school = session.get(School, school_id)
    if school is None:
        raise ScoringError("school.not_found", kind="not_found", message_th=f"ไม่พบโรงเรียน {school_id}",
                           message_en=f"no school {school_id}")
    authorize(actor, school, "scores.read")
    term, year, form = _context(session, adm)
    rows = list(session.scalars(select(ResultSummary).where(
        ResultSummary.administration_id == adm.id,
        (ResultSummary.school_id == school_id) | ResultSummary.scope.in_(["district", *REFERENCE_LEVELS]))))
    by_scope = {r.scope: r for r in rows}
    classes = {c.id: c for c in session.scalars(select(SchoolClass).where(SchoolClass.school_id == school_id))}
    class_views = tuple(sorted(
        (view(r.scope, f"{classes[r.class_id].grade}/{classes[r.class_id].room}" if r.class_id in classes else r.scope,
              r.data, school.code)
         for r in rows if r.level == "class" and r.school_id == school_id), key=lambda g: g.label))
    s = by_scope.get(f"school:{school_id}")
    d = by_scope.get("district")
    return SchoolResults(adm.code, adm.title, year.year_be, term.number, adm.grade,
                         view(f"school:{school_id}", school.name_th, s.data if s else {}, school.code),
                         view("district", "เขตพื้นที่", d.data if d else {}), class_views,
                         _trend(session, adm, form, year, school_id), cfg.effective(adm.settings),
                         _references(by_scope))


def district_results(session: Session, actor: Actor, administration_id: int | str) -> DistrictResults:
    """The district and every school, with the district's three-year trend (not for school accounts)."""
    adm = load(session, actor, administration_id, "scores.read", "results")
    if actor.role == "school":
        raise ScoringError("results.district_forbidden", kind="forbidden",
                           message_th="บัญชีโรงเรียนดูผลรายโรงเรียนของทั้งเขตไม่ได้ (ดูผลของโรงเรียนตนเองได้)",
                           message_en="a school account cannot see every school's results")
    term, year, form = _context(session, adm)
    rows = session.execute(select(ResultSummary.scope, ResultSummary.level, ResultSummary.school_id,
                                  ResultSummary.data)
                           .where(ResultSummary.administration_id == adm.id, ResultSummary.level != "class")).all()
    schools = {i: (n, c) for i, n, c in session.execute(select(School.id, School.name_th, School.code).where(
        School.id.in_([r.school_id for r in rows if r.school_id])))}
    school_views = tuple(sorted(
        (view(r.scope, schools[r.school_id][0], r.data, schools[r.school_id][1])
         for r in rows if r.level == "school" and r.school_id in schools), key=lambda g: g.school_code or ""))
    d = next((r for r in rows if r.scope == "district"), None)
    return DistrictResults(adm.code, adm.title, year.year_be, term.number, adm.grade,
                           view("district", "เขตพื้นที่", d.data if d else {}), school_views,
                           _trend(session, adm, form, year, None), cfg.effective(adm.settings),
                           _references({r.scope: r for r in rows if r.scope in REFERENCE_LEVELS}))


# ------------------------------------------------------------------------------- province and nation


REFERENCE_LEVELS = ("province", "nation")
REFERENCE_TH = {"province": "ระดับจังหวัด", "nation": "ระดับประเทศ"}


def _references(by_scope: dict[str, ResultSummary]) -> dict[str, GroupResult]:
    out = {}
    for level in REFERENCE_LEVELS:
        row = by_scope.get(level)
        if row is not None:
            d = row.data
            top = float(d.get("max_points") or 100.0)
            mean = d["mean_percent"] * top / 100
            out[level] = GroupResult(level, REFERENCE_TH[level], int(d.get("n") or 0), mean, d.get("sd"), None, None,
                                     top, d["mean_percent"], (0,) * 10, {}, {}, {}, {}, {})
    return out


def enter_reference(session: Session, actor: Actor, administration: str, level: str, mean_percent: float, *,
                    sd: float | None = None, n: int | None = None) -> None:
    """The office enters the province's or the nation's figures (mean %, SD, n) to show beside its own."""
    adm = load(session, actor, administration, "administration.write")
    if level not in REFERENCE_LEVELS:
        raise ScoringError("reference.level", message_th=f"ระดับ {level} ไม่รู้จัก (province หรือ nation)",
                           message_en=f"unknown level {level} (province or nation)")
    if not 0 <= mean_percent <= 100:
        raise ScoringError("reference.mean", message_th="ค่าเฉลี่ยร้อยละต้องอยู่ระหว่าง 0 ถึง 100",
                           message_en="the mean percentage must be 0 to 100")
    row = session.scalar(select(ResultSummary).where(ResultSummary.administration_id == adm.id,
                                                     ResultSummary.scope == level))
    row = row or ResultSummary(administration_id=adm.id, scope=level, level=level)
    district = session.scalar(select(ResultSummary.data).where(ResultSummary.administration_id == adm.id,
                                                               ResultSummary.scope == "district")) or {}
    row.data = {"mean_percent": float(mean_percent), "sd": sd, "n": n, "max_points": district.get("max_points")}
    row.updated_at = utcnow()
    session.add(row)
    session.commit()

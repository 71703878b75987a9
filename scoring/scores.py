"""Student results from item scores: raw, %, 8-level grade, quality level, θ (EAP and WLE with SE),
the district's scale score, indicator mastery. All persons at once (no loop over persons).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlmodel import Session

from itembank.statistics import ItemStatistic, latest_statistics
from scoring import settings as cfg
from scoring.keying import FormKey

DICHOTOMOUS = ("1pl", "2pl", "3pl", "rasch")


@dataclass(frozen=True)
class StudentResults:
    raw: np.ndarray
    max_points: float
    percent: np.ndarray
    grade: np.ndarray
    quality: np.ndarray
    theta: np.ndarray | None
    theta_se: np.ndarray | None
    wle: np.ndarray | None
    wle_se: np.ndarray | None
    scale_score: np.ndarray | None
    indicator_points: dict[str, tuple[np.ndarray, float]]  # indicator -> (points per person, max)

    def _shares(self) -> tuple[list[str], np.ndarray]:
        """Indicator codes and the share of each one's points every person earned, rounded to 4 places."""
        codes = list(self.indicator_points)
        if not codes:
            return [], np.zeros((len(self.raw), 0))
        cols = [p / m if m else np.zeros_like(p) for p, m in self.indicator_points.values()]
        return codes, np.round(np.column_stack(cols).astype(float), 4)

    @property
    def mastery(self) -> list[dict[str, float]]:
        """Indicator -> share of its points earned, one dict per person."""
        codes, shares = self._shares()
        return [dict(zip(codes, row, strict=True)) for row in shares.tolist()]

    def mastery_json(self) -> list[str]:
        """:attr:`mastery` as JSON text per person (what the store writes), made from one template."""
        codes, shares = self._shares()
        if not codes:
            return ["{}"] * len(self.raw)
        template = "{" + ",".join(json.dumps(c, ensure_ascii=False).replace("%", "%%") + ":%r" for c in codes) + "}"
        return [template % tuple(row) for row in shares.tolist()]


#: (version ids, positions, scale, fingerprint) -> (parameters, positions, set id): sets and statistics only
#: ever get added, so the count and newest row of each name the state
_PARAMS: dict[tuple, tuple] = {}


def administration_scale(adm) -> str:
    """The scale an administration's θ is on: its settings' ``scale_name``, else ``district-<grade>``."""
    return (adm.settings or {}).get("scale_name") or f"district-{adm.grade}"


def banked_parameters(session: Session, key: FormKey, scale: str | None = None):
    """(ItemParameters, positions, parameter set id) of the form's scored items when every one of them is
    calibrated (dichotomous); (None, [], None) otherwise.

    The parameters come from the newest :class:`~itembank.parameter_sets.ParameterSet` of `scale` that holds
    every scored item (its id is stored with the scores, so exports say which set θ was estimated with);
    without one, from the bank's latest statistics (a pilot's), and the set id is None.
    """
    from itembank.parameter_sets import ParameterSet

    used = [it for it in key.items if it.cancelled is None]
    if not used or any(it.kind == "rubric" and it.points != 1 for it in used):
        return None, [], None
    ids = tuple(it.item_version_id for it in used)
    fingerprint = tuple(session.execute(select(  # one query: statistics and sets only ever get added
        select(func.count(ItemStatistic.id)).scalar_subquery(), select(func.max(ItemStatistic.computed_at)).scalar_subquery(),
        select(func.max(ParameterSet.id)).scalar_subquery())).one())
    cache_key = (ids, tuple(it.position for it in used), scale, str(fingerprint))
    if cache_key not in _PARAMS:
        if len(_PARAMS) > 64:
            _PARAMS.clear()
        _PARAMS[cache_key] = _banked_parameters(session, used, scale)
    return _PARAMS[cache_key]


def _banked_parameters(session: Session, used, scale: str | None):
    from itembank.parameter_sets import covering_parameter_set
    from psychometrics.irt.models import ItemParameters

    ps = covering_parameter_set(session, [it.item_version_id for it in used], scale=scale) if scale else None
    by_version = {r.version_id: r for r in ps.items} if ps is not None else {}
    rows = [by_version.get(it.item_version_id) for it in used]
    set_id = ps.id if ps is not None else None
    if any(r is None or (r.model or "").lower() not in DICHOTOMOUS or r.b is None for r in rows):
        stats = latest_statistics(session, [it.item_version_id for it in used])
        rows, set_id = [stats.get(it.item_version_id) for it in used], None
        if any(r is None or (r.irt_model or "").lower() not in DICHOTOMOUS or r.b is None for r in rows):
            return None, [], None
    models = [(getattr(r, "model", None) or getattr(r, "irt_model", None) or "").lower() for r in rows]
    a = np.array([r.a if r.a is not None else 1.0 for r in rows], float)
    b = np.array([r.b for r in rows], float)
    c = np.array([r.c or 0.0 for r in rows], float)
    model = tuple("3pl" if m == "3pl" else "2pl" for m in models)
    return ItemParameters(model, a, b, c, b[:, None].copy()), [it.position for it in used], set_id


def student_results(key: FormKey, item_scores: np.ndarray, params=None, positions=()) -> StudentResults:
    """Every person's results from item scores (persons × items, NaN = not presented or dropped)."""
    s = cfg.effective(key.settings)
    raw = np.nansum(item_scores, axis=1)
    max_points = float(key.max_points.sum())
    percent = raw / max_points * 100 if max_points else np.zeros_like(raw)
    theta = theta_se = wle = wle_se = scale = None
    if params is not None and len(item_scores):
        from psychometrics.irt.ability import ability

        x = item_scores[:, list(positions)]
        x = np.where(np.isnan(x), np.nan, (x > 0).astype(float))
        eap = ability(params, x, method="eap")
        w = ability(params, x, method="wle")
        theta, theta_se = np.asarray(eap.theta, float), np.asarray(eap.se, float)
        wle, wle_se = np.asarray(w.theta, float), np.asarray(w.se, float)
        scale = s["scale"]["intercept"] + s["scale"]["slope"] * theta
    indicator_points: dict[str, tuple[np.ndarray, float]] = {}
    groups: dict[str, list[int]] = {}
    for it in key.items:
        if it.cancelled == "drop":
            continue
        for code in it.indicators:
            groups.setdefault(code, []).append(it.position)
    for code, cols in groups.items():
        indicator_points[code] = (np.nansum(item_scores[:, cols], axis=1), float(key.max_points[cols].sum()))
    return StudentResults(raw, max_points, percent, cfg.grades(percent, key.settings), cfg.quality(percent, key.settings),
                          theta, theta_se, wle, wle_se, scale, indicator_points)


def percentile_ranks(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Percentile rank of each value in `reference`: % below + half of % equal (0–100)."""
    ref = np.sort(np.asarray(reference, float))
    if not ref.size:
        return np.full(len(values), np.nan)
    below = np.searchsorted(ref, values, side="left")
    upto = np.searchsorted(ref, values, side="right")
    return (below + (upto - below) / 2) / ref.size * 100

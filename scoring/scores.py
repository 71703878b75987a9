"""Student results from item scores: raw, %, 8-level grade, quality level, θ (EAP and WLE with SE),
the district's scale score, indicator mastery. All persons at once (no loop over persons).
"""

from __future__ import annotations

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
    mastery: list[dict[str, float]]
    indicator_points: dict[str, tuple[np.ndarray, float]]  # indicator -> (points per person, max)


#: (version ids, statistics fingerprint) -> (parameters, positions): statistics rows only ever get added
_PARAMS: dict[tuple, tuple] = {}


def banked_parameters(session: Session, key: FormKey):
    """ItemParameters of the form's scored items when every one of them is calibrated (dichotomous); else None."""
    used = [it for it in key.items if it.cancelled is None]
    if not used or any(it.kind == "rubric" and it.points != 1 for it in used):
        return None, []
    ids = tuple(it.item_version_id for it in used)
    fingerprint = tuple(session.execute(select(func.count(), func.max(ItemStatistic.computed_at))
                                        .where(ItemStatistic.version_id.in_(list(ids)))).one())
    cache_key = (ids, tuple(it.position for it in used), str(fingerprint))
    if cache_key not in _PARAMS:
        if len(_PARAMS) > 64:
            _PARAMS.clear()
        _PARAMS[cache_key] = _banked_parameters(session, used)
    return _PARAMS[cache_key]


def _banked_parameters(session: Session, used):
    from psychometrics.irt.models import ItemParameters

    stats = latest_statistics(session, [it.item_version_id for it in used])
    rows = [stats.get(it.item_version_id) for it in used]
    if any(r is None or (r.irt_model or "").lower() not in DICHOTOMOUS or r.b is None for r in rows):
        return None, []
    a = np.array([r.a if r.a is not None else 1.0 for r in rows], float)
    b = np.array([r.b for r in rows], float)
    c = np.array([r.c or 0.0 for r in rows], float)
    model = tuple("3pl" if (r.irt_model or "").lower() == "3pl" else "2pl" for r in rows)
    return ItemParameters(model, a, b, c, b[:, None].copy()), [it.position for it in used]


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
    shares = {c: (p / m if m else np.zeros_like(p)) for c, (p, m) in indicator_points.items()}
    mastery = [dict(zip(shares, (round(float(v[i]), 4) for v in shares.values()), strict=True))
               for i in range(len(raw))] if shares else [{} for _ in range(len(raw))]
    return StudentResults(raw, max_points, percent, cfg.grades(percent, key.settings), cfg.quality(percent, key.settings),
                          theta, theta_se, wle, wle_se, scale, mastery, indicator_points)


def percentile_ranks(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Percentile rank of each value in `reference`: % below + half of % equal (0–100)."""
    ref = np.sort(np.asarray(reference, float))
    if not ref.size:
        return np.full(len(values), np.nan)
    below = np.searchsorted(ref, values, side="left")
    upto = np.searchsorted(ref, values, side="right")
    return (below + (upto - below) / 2) / ref.size * 100

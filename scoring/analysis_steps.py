"""ประมาณค่าพารามิเตอร์ เชื่อมโยงสเกล และ DIF ของการสอบหนึ่งครั้ง ทีละขั้น (calibration, linking and DIF on
their own), the three analyses an analyst starts one by one from the analysis page, each as a job.

:func:`scoring.analysis.run_analysis` does all of it at once and writes everything back. These use
cases answer one question each and keep their result for the analyst to read first:

- :func:`calibrate_administration`: IRT parameters with SEs of every item (free, or with the bank's
  parameters of the scale held fixed); with ``save`` the next parameter set of the scale;
- :func:`link_administration`: a free calibration linked onto the bank's scale (Stocking–Lord,
  Haebara or a moment method) with the linking constants' delta-method SEs (Battauz 2013) and the
  common items' b before and after the link;
- :func:`dif_administration`: Mantel–Haenszel DIF by sex or by school size with the ETS class of
  every 0/1 item.

Each reads the scored answers (:func:`scoring.responses.load_scored_matrix`), ends its read
transaction before the computation (a job's progress is written by another connection meanwhile) and
returns a plain, JSON-safe dict: the job keeps it as its outcome and the result page shows it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from scoring.errors import ScoringError, from_engine

if TYPE_CHECKING:
    from sqlmodel import Session

    from itembank.authz import Actor

__all__ = ["CALIBRATION_MODELS", "DIF_COMPARISONS", "LINK_METHODS", "calibrate_administration",
           "dif_administration", "link_administration"]

#: progress(done, total, message_th, message_en)
Progress = Callable[[int, int, str, str], None]

CALIBRATION_MODELS = ("2pl", "1pl", "rasch", "3pl")
LINK_METHODS = ("stocking_lord", "haebara", "mean_sigma", "mean_mean")
DIF_COMPARISONS = ("sex", "school_size")
_DIF_GROUPS = {"sex": ("F", "M", "หญิง", "ชาย", "girls", "boys"),
               "school_size": ("small", "other", "โรงเรียนขนาดเล็ก", "ขนาดอื่น", "small schools", "other schools")}
_METHOD_NAMES = {"stocking_lord": "Stocking–Lord", "haebara": "Haebara", "mean_sigma": "mean/sigma",
                 "mean_mean": "mean/mean"}


def _noop(done: int, total: int, th: str = "", en: str = "") -> None:
    pass


def _f(v: Any, digits: int = 4) -> float | None:
    """A finite float rounded for the record, else None (PostgreSQL's JSON has no NaN)."""
    if v is None:
        return None
    v = float(v)
    return round(v, digits) + 0.0 if np.isfinite(v) else None  # + 0.0: -0.0 (a rounded -0.00001) is 0.0


def _answers(session: Session, actor: Actor, administration: str):
    """The administration (its code, grade, settings) and its scored matrix; refused below two persons."""
    from itembank.authz import authorize
    from scoring.administrations import load
    from scoring.analysis import _no_school
    from scoring.responses import load_scored_matrix

    _no_school(actor)
    adm = load(session, actor, administration, "administration.read", "results")
    authorize(actor, adm, "item.write_statistics")
    m = load_scored_matrix(session, actor, adm.id)
    if m.n_persons < 2:
        raise ScoringError("analysis.no_answers", kind="conflict",
                           message_th=f"การสอบ {adm.code} ยังไม่มีคำตอบพอให้วิเคราะห์ ({m.n_persons} คน)",
                           message_en=f"administration {adm.code} has too few answers to analyse ({m.n_persons})")
    return adm.code, adm.grade, dict(adm.settings or {}), m


def _check(value: str, allowed: tuple[str, ...], code: str, what_th: str, what_en: str) -> str:
    if value not in allowed:
        raise ScoringError(code, message_th=f"{what_th} {value!r} ไม่รู้จัก (ใช้ได้: {', '.join(allowed)})",
                           message_en=f"unknown {what_en} {value!r} (one of {', '.join(allowed)})")
    return value


def _dichotomous_columns(m) -> np.ndarray:
    """Form positions of the 0/1 items that somebody got right and somebody wrong (IRT and MH need both)."""
    x = m.scores
    binary = (np.asarray(m.max_points) == 1) & np.all(np.isnan(x) | (x == 0) | (x == 1), axis=0)
    seen = ~np.isnan(x)
    right = np.where(seen, x, 0).sum(axis=0)
    varies = (right > 0) & (right < seen.sum(axis=0))
    return np.flatnonzero(binary & varies)


def _scale(grade: str, settings: dict[str, Any], scale: str | None) -> str:
    return (scale or "").strip() or settings.get("scale_name") or f"district-{grade}"


def _bank(session: Session, actor: Actor, scale: str, version_ids, codes):
    """The bank's parameters of these versions on `scale` (by item code), their SEs and where they come from."""
    from itembank.parameter_sets import latest_parameter_set
    from itembank.statistics import latest_statistics
    from psychometrics.irt.models import ItemParameters

    ps = latest_parameter_set(session, actor, scale, version_ids=list(version_ids))
    found = {r.version_id: (r.a, r.b, r.c, r.se or {}) for r in ps.items} if ps is not None else {}
    source = ps.ref if found else "statistics"
    if not found:
        found = {v: (s.a, s.b, s.c, s.se or {}) for v, s in latest_statistics(session, list(version_ids)).items()
                 if s.irt_model in ("2pl", "1pl", "rasch", "3pl")}
    rows = [(code, *found[v]) for v, code in zip(version_ids, codes, strict=True)
            if v in found and (found[v][0] or 0) > 0 and found[v][1] is not None]
    if not rows:
        return None, {}, None
    params = ItemParameters.dichotomous([r[1] for r in rows], [r[2] for r in rows], [r[3] or 0.0 for r in rows],
                                        item_ids=tuple(r[0] for r in rows))
    return params, {r[0]: r[4] for r in rows}, source


# ------------------------------------------------------------------------------------------ calibration


def calibrate_administration(session: Session, actor: Actor, administration: str, *, model: str = "2pl",
                             anchored: bool = False, scale: str | None = None, save: bool = False,
                             n_quadrature: int = 41, progress: Progress | None = None) -> dict[str, Any]:
    """IRT parameters with SEs of the administration's 0/1 items: free (θ ~ N(0, 1) of this group), or
    `anchored` on the bank's parameters of `scale` (those items held fixed); `save` stores them as the
    scale's next parameter set (source ``calibration:<code>``)."""
    from itembank.parameter_sets import ParameterRow, create_parameter_set
    from scoring.calibration import calibrate_matrix

    progress = progress or _noop
    model = _check(model, CALIBRATION_MODELS, "calibration.model", "โมเดล", "model")
    t0 = time.perf_counter()
    code, grade, settings, m = _answers(session, actor, administration)
    scale = _scale(grade, settings, scale)
    cols = _dichotomous_columns(m)
    if cols.size < 2:
        raise ScoringError("calibration.no_items", kind="conflict",
                           message_th=f"การสอบ {code} มีข้อแบบถูก-ผิดที่ประมาณค่าได้ไม่ถึง 2 ข้อ",
                           message_en=f"administration {code} has fewer than 2 right/wrong items to calibrate")
    ids = [m.item_codes[j] for j in cols]
    anchors, _, anchors_from = (_bank(session, actor, scale, [m.item_version_ids[j] for j in cols], ids)
                                if anchored else (None, {}, None))
    session.commit()  # the read ends before the long computation
    progress(1, 3, "ประมาณค่าพารามิเตอร์", "calibrating")
    run = calibrate_matrix(m.scores[:, cols], model, item_ids=ids, n_quadrature=n_quadrature, fixed=anchors,
                           source=code, standard_errors="auto")
    params, se = run.params, run.standard_errors
    fixed = set(anchors.item_ids) if anchors is not None else set()
    items = [{"position": int(j) + 1, "item_code": m.item_codes[j], "version_id": int(m.item_version_ids[j]),
              "a": _f(params.a[k]), "b": _f(params.b[k]), "c": _f(params.c[k]), "se_a": _f(se.a[k]),
              "se_b": _f(se.b[k]), "se_c": _f(se.c[k]), "anchor": m.item_codes[j] in fixed}
             for k, j in enumerate(cols)]
    skipped = [m.item_codes[j] for j in range(len(m.item_codes)) if j not in set(cols.tolist())]
    ref = None
    if save:
        progress(2, 3, "บันทึกชุดค่าพารามิเตอร์", "saving the parameter set")
        ps = create_parameter_set(
            session, actor, scale, f"calibration:{code}", model,
            [ParameterRow(it["version_id"], model, it["a"], it["b"], it["c"], se={"a": it["se_a"], "b": it["se_b"]},
                          is_anchor=it["anchor"]) for it in items],
            n_persons=run.n_persons, linking={"method": "fixed_anchor", "n_common": len(fixed), "anchors_from": anchors_from}
            if anchored else {},
            meta={"converged": run.converged, "log_likelihood": _f(run.result.log_likelihood, 3)})
        ref = ps.ref
    progress(3, 3, "เสร็จแล้ว", "done")
    state_th, state_en = ("ลู่เข้า", "converged") if run.converged else ("ยังไม่ลู่เข้า", "NOT converged")
    saved_th, saved_en = (f" บันทึกเป็น {ref}", f", saved as {ref}") if ref else ("", "")
    return {
        "kind": "calibration", "administration": code, "model": model, "scale": scale, "anchored": anchored,
        "anchors_from": anchors_from, "n_anchors": len(fixed), "n_persons": run.n_persons, "n_items": len(items),
        "converged": run.converged, "iterations": int(run.result.n_iter),
        "log_likelihood": _f(run.result.log_likelihood, 3), "items": items, "skipped": skipped,
        "parameter_set": ref, "warnings": list(run.warnings), "seconds": round(time.perf_counter() - t0, 2),
        "message_th": f"ประมาณค่าพารามิเตอร์ {model.upper()} ของการสอบ {code}: {len(items)} ข้อ "
                      f"ผู้สอบ {run.n_persons} คน {state_th}{saved_th}",
        "message_en": f"calibrated {model.upper()} on {code}: {len(items)} items, {run.n_persons} persons, "
                      f"{state_en}{saved_en}",
    }


# ------------------------------------------------------------------------------------------ linking


def _covariance_layout(params, covariance) -> np.ndarray:
    """The calibration's parameter covariance in the layout of :func:`psychometrics.irt.chains.parameter_labels`
    (fixed parameters: zero rows)."""
    from psychometrics.irt.chains import parameter_labels

    labels = parameter_labels(params)
    out = np.zeros((len(labels), len(labels)))
    if covariance is None:
        return out
    where = {label: k for k, label in enumerate(labels)}
    idx = np.array([where.get(f"{p}.{item}", -1) for item, p in covariance.labels])
    keep = np.flatnonzero(idx >= 0)
    out[np.ix_(idx[keep], idx[keep])] = np.asarray(covariance.matrix)[np.ix_(keep, keep)]
    return out


def _bank_covariance(params, se: dict[str, dict]) -> np.ndarray:
    """Diagonal covariance of the bank's parameters from their stored SEs (0 where none was stored)."""
    from psychometrics.irt.chains import parameter_labels

    var = []
    for label in parameter_labels(params):
        name, item = label.split(".", 1)
        v = (se.get(item) or {}).get(name)
        var.append(float(v) ** 2 if v is not None and np.isfinite(float(v)) else 0.0)
    return np.diag(var)


def link_administration(session: Session, actor: Actor, administration: str, *, scale: str | None = None,
                        method: str = "stocking_lord", drift_limit: float = 0.5, n_quadrature: int = 41,
                        progress: Progress | None = None) -> dict[str, Any]:
    """A free 2PL calibration of the administration linked onto the bank's `scale`: θ_bank = A θ_new + B,
    with the delta-method SEs of A and B and each common item's b before and after the link."""
    from psychometrics.errors import PsychometricsError
    from psychometrics.irt.chains import direct_link
    from psychometrics.tables import fixed
    from scoring.calibration import calibrate_matrix

    progress = progress or _noop
    method = _check(method, LINK_METHODS, "linking.method", "วิธีเชื่อมโยง", "linking method")
    t0 = time.perf_counter()
    code, grade, settings, m = _answers(session, actor, administration)
    scale = _scale(grade, settings, scale)
    cols = _dichotomous_columns(m)
    ids = [m.item_codes[j] for j in cols]
    bank, bank_se, anchors_from = _bank(session, actor, scale, [m.item_version_ids[j] for j in cols], ids)
    if bank is None or bank.n_items < 2:
        raise ScoringError("linking.no_common", kind="conflict",
                           message_th=f"สเกล {scale} มีค่าพารามิเตอร์ของข้อในการสอบ {code} ไม่ถึง 2 ข้อ จึงเชื่อมโยงไม่ได้",
                           message_en=f"the scale {scale} holds parameters of fewer than 2 items of {code}: nothing to link on")
    session.commit()
    progress(1, 3, "ประมาณค่าพารามิเตอร์อิสระ (2PL)", "free 2PL calibration")
    run = calibrate_matrix(m.scores[:, cols], "2pl", item_ids=ids, n_quadrature=n_quadrature, source=code,
                           standard_errors="auto")
    new = run.params
    # an item that discriminates the wrong way (a probable mis-key) would drag the link: not a common item
    usable = [k for k in range(new.n_items) if new.a[k] > 0]
    excluded = sorted({ids[k] for k in range(new.n_items) if k not in usable} & set(bank.item_ids))
    common = [(i, i) for i in (ids[k] for k in usable) if i in set(bank.item_ids)]
    if len(common) < 2:
        raise ScoringError("linking.no_common", kind="conflict",
                           message_th=f"ข้อร่วมที่ใช้เชื่อมโยงได้มีไม่ถึง 2 ข้อ (สเกล {scale})",
                           message_en=f"fewer than 2 usable common items (scale {scale})")
    progress(2, 3, "เชื่อมโยงสเกล", "linking")
    covs = {"new": _covariance_layout(new, run.result.covariance), "bank": _bank_covariance(bank, bank_se)}
    try:
        lk = direct_link({"new": new, "bank": bank}, "new", "bank", method, covariances=covs, common=common)
    except PsychometricsError as e:
        raise from_engine(e, code, "analysis.linking") from None
    pos_new = {i: k for k, i in enumerate(ids)}
    pos_bank = {i: k for k, i in enumerate(bank.item_ids)}
    rows = []
    for item, _ in common:
        k, q = pos_new[item], pos_bank[item]
        b_linked = lk.A * new.b[k] + lk.B
        rows.append({"position": int(cols[k]) + 1, "item_code": item, "a_new": _f(new.a[k]), "b_new": _f(new.b[k]),
                     "a_linked": _f(new.a[k] / lk.A), "b_linked": _f(b_linked), "a_bank": _f(bank.a[q]),
                     "b_bank": _f(bank.b[q]), "b_diff": _f(b_linked - bank.b[q]),
                     "drift": bool(abs(b_linked - bank.b[q]) > drift_limit)})
    progress(3, 3, "เสร็จแล้ว", "done")
    se_a, se_b = _f(lk.se_A), _f(lk.se_B)
    n_drift = sum(r["drift"] for r in rows)
    return {
        "kind": "linking", "administration": code, "scale": scale, "method": method, "anchors_from": anchors_from,
        "A": _f(lk.A, 6), "B": _f(lk.B, 6), "se_A": se_a, "se_B": se_b, "n_common": len(rows),
        "n_persons": run.n_persons, "converged": bool(run.converged), "drift_limit": drift_limit, "n_drift": n_drift,
        "common": rows, "excluded": excluded, "seconds": round(time.perf_counter() - t0, 2),
        "message_th": f"เชื่อมโยงการสอบ {code} เข้าสเกล {scale} ({_METHOD_NAMES[method]}): A = {fixed(lk.A)} (SE "
                      f"{fixed(lk.se_A)}), B = {fixed(lk.B)} (SE {fixed(lk.se_B)}) ข้อร่วม {len(rows)} ข้อ "
                      f"ค่า b เปลี่ยนเกินเกณฑ์ {n_drift} ข้อ",
        "message_en": f"linked {code} onto {scale} ({_METHOD_NAMES[method]}): A = {fixed(lk.A)} (SE {fixed(lk.se_A)}), "
                      f"B = {fixed(lk.B)} (SE {fixed(lk.se_B)}), {len(rows)} common items, {n_drift} drifting",
    }


# ------------------------------------------------------------------------------------------ DIF


def dif_administration(session: Session, actor: Actor, administration: str, *, comparison: str = "sex",
                       purify: bool = True, progress: Progress | None = None) -> dict[str, Any]:
    """Mantel–Haenszel DIF of every 0/1 item between two groups (female vs male, or small schools vs the
    others; the first is the focal group), with Δ_MH, its SE, χ², p and the ETS class A / B / C."""
    from psychometrics.dif import mantel_haenszel
    from psychometrics.errors import PsychometricsError
    from scoring.analysis import _school_sizes, _sex_groups, _size_groups

    progress = progress or _noop
    comparison = _check(comparison, DIF_COMPARISONS, "dif.comparison", "การเปรียบเทียบ", "comparison")
    t0 = time.perf_counter()
    code, _, _, m = _answers(session, actor, administration)
    group = _sex_groups(m.sex) if comparison == "sex" else _size_groups(_school_sizes(session, m.school_ids))
    session.commit()
    focal, reference, focal_th, reference_th, focal_en, reference_en = _DIF_GROUPS[comparison]
    n_focal, n_reference = int(np.sum(group == focal)), int(np.sum((group != focal) & (group != "")))
    if n_focal < 1 or n_reference < 1:
        raise ScoringError("dif.one_group", kind="conflict",
                           message_th=f"การสอบ {code} มีผู้สอบกลุ่ม{focal_th} {n_focal} คน กลุ่ม{reference_th} "
                                      f"{n_reference} คน: ต้องมีทั้งสองกลุ่ม",
                           message_en=f"{code} has {n_focal} {focal_en} and {n_reference} {reference_en}: both are needed")
    cols = _dichotomous_columns(m)
    progress(1, 2, "Mantel–Haenszel", "Mantel–Haenszel")
    keep = group != ""
    try:
        res = mantel_haenszel(np.where(keep[:, None], m.scores[:, cols], np.nan), np.where(keep, group, None), focal,
                              item_ids=[m.item_codes[j] for j in cols], purify=purify)
    except PsychometricsError as e:
        raise from_engine(e, code, "dif.refused") from None
    rows = [{"position": int(j) + 1, "item_code": m.item_codes[j], "alpha_mh": _f(res.alpha_mh[k]),
             "delta": _f(res.delta[k], 3), "delta_se": _f(res.delta_se[k], 3), "chi2": _f(res.chi2[k], 3),
             "p_value": _f(res.p_value[k]), "ets_class": res.ets_class[k]} for k, j in enumerate(cols)]
    counts = {c: sum(1 for r in rows if r["ets_class"][0] == c) for c in "ABC"}
    progress(2, 2, "เสร็จแล้ว", "done")
    return {
        "kind": "dif", "administration": code, "comparison": comparison, "focal": focal, "reference": reference,
        "n_focal": n_focal, "n_reference": n_reference, "purify": purify,
        "dropped_from_matching": list(res.dropped_from_matching), "items": rows, "counts": counts,
        "seconds": round(time.perf_counter() - t0, 2),
        "message_th": f"DIF ของการสอบ {code} ({focal_th}เทียบกับ{reference_th}): ระดับ A {counts['A']} ข้อ "
                      f"B {counts['B']} ข้อ C {counts['C']} ข้อ",
        "message_en": f"DIF on {code} ({focal_en} vs {reference_en}): A {counts['A']}, B {counts['B']}, C {counts['C']} items",
    }

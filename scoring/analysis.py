"""การวิเคราะห์ข้อสอบหลังการสอบ (item analysis of an administration), written back to the bank.

:func:`analyse_matrix` runs on a persons × items matrix (no database): CTT the Thai way (p, r with
27 % groups, the distractor table and its flags, KR-20, α; :func:`psychometrics.ctt.analyze_test`),
IRT calibration (:func:`scoring.calibration.calibrate_matrix`) free or on the district's scale
(fixed anchors, or a free run linked by Stocking–Lord with the constants kept), item fit (infit and
outfit at EAP θ), and Mantel–Haenszel DIF by sex and by school size. It returns an
:class:`AnalysisResult` with one :class:`ItemResult` per item and the flags that open review tasks:

- ``mis_key``: negative r (27 % groups), or a distractor that draws the upper group more than the key;
- ``dead_distractor``: a distractor chosen by fewer than 5 % (nobody in either group);
- ``dif_c``: ETS class C by sex or by school size;
- ``drift``: |b − banked b| above `drift_limit` (logits) for an item with banked parameters.

:func:`write_back` stores it in one transaction: one :class:`~itembank.statistics.ItemStatistic` per
item version from source ``admin:<code>`` (with n, model, scale, date, fit, DIF class, distractor table,
flags in ``extra``), the next :class:`~itembank.parameter_sets.ParameterSet` of the scale, and the
review tasks (:mod:`itembank.review_tasks`). Running it again replaces the rows of that source and
opens no duplicate tasks, but makes a new parameter set version.

:func:`run_analysis` is the use case behind ``khlang analysis run ADMIN``: it reads the scored
matrix from the store (:func:`scoring.responses.load_scored_matrix`, held items still keyed), analyses
it and writes back; an item with an open probable mis-key task is then held out of every total and the
scores recomputed (:func:`scoring.rescoring.hold_flagged`) until an officer decides.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from scoring.errors import ScoringError, from_engine

if TYPE_CHECKING:
    from sqlmodel import Session

    from itembank.authz import Actor
    from psychometrics.ctt import CttReport
    from psychometrics.irt.models import ItemParameters

__all__ = ["AnalysisResult", "ItemResult", "analyse_matrix", "run_analysis", "write_back"]

#: progress(done, total, message_th, message_en)
Progress = Callable[[int, int, str, str], None]

STEPS = (("อ่านคำตอบจากคลัง", "reading responses"), ("วิเคราะห์แบบดั้งเดิม (CTT)", "classical analysis"),
         ("ประมาณค่าพารามิเตอร์ IRT", "IRT calibration"), ("ความสอดคล้องกับโมเดล", "item fit"),
         ("DIF ตามเพศและขนาดโรงเรียน", "DIF by sex and school size"), ("บันทึกกลับคลังข้อสอบ", "writing back"))

_ETS_RANK = {"A": 0, "B+": 1, "B-": 1, "C+": 2, "C-": 2}
OPTION_LABELS = "กขคงจฉชซ"


@dataclass(frozen=True)
class ItemResult:
    """Everything the analysis found about one item of the form (in form order)."""

    position: int                    # 1-based item number in the form
    item_id: str                     # the bank code (or any label)
    version_id: int | None
    n: int
    p: float
    r: float                         # (H − L)/g with 27 % groups
    r_pbis: float                    # corrected item-rest correlation
    verdict_p: str | None            # Thai verdict words (EVANA)
    verdict_r: str | None
    decision: str                    # good | revise | drop
    a: float | None = None
    b: float | None = None
    c: float | None = None
    se_a: float | None = None
    se_b: float | None = None
    infit: float | None = None
    outfit: float | None = None
    dif: dict[str, str] = field(default_factory=dict)     # comparison → ETS class
    dif_class: str | None = None                          # worst of A / B / C
    banked_b: float | None = None
    distractors: dict[str, Any] | None = None             # option → share, r, dead
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnalysisResult:
    """The analysis of one administration: per item, whole test, IRT provenance and timings."""

    items: tuple[ItemResult, ...]
    n_persons: int
    kr20: float
    alpha: float
    sem: float
    mean: float
    sd: float
    minimum: float
    maximum: float
    model: str | None
    scale: str | None
    linking: dict[str, Any]
    converged: bool | None
    timings: dict[str, float]
    ctt: CttReport | None = None

    @property
    def flags(self) -> list[tuple[int, str, dict[str, Any]]]:
        """(item index, kind, details) of every flag."""
        out = []
        for j, it in enumerate(self.items):
            for kind in it.flags:
                details = {"p": _r(it.p), "r": _r(it.r), "b": _r(it.b), "banked_b": _r(it.banked_b),
                           "dif": it.dif, "position": it.position}
                if kind == "dead_distractor" and it.distractors:
                    details["options"] = [k for k, v in it.distractors.items() if v.get("dead")]
                out.append((j, kind, details))
        return out

    def message(self, locale: str = "th") -> str:
        n_flags = len(self.flags)
        if locale == "en":
            return (f"{len(self.items)} items, {self.n_persons} persons: KR-20 {self.kr20:.2f}, "
                    f"{self.model or 'no IRT'}, {n_flags} flags")
        return (f"วิเคราะห์ {len(self.items)} ข้อ ผู้สอบ {self.n_persons} คน KR-20 {self.kr20:.2f} "
                f"{self.model or 'ไม่ประมาณค่า IRT'} พบข้อที่ต้องตรวจ {n_flags} รายการ")


def _r(v: float | None, d: int = 4) -> float | None:
    return None if v is None or not np.isfinite(v) else round(float(v), d)


def _noop(done: int, total: int, th: str = "", en: str = "") -> None:
    pass


def analyse_matrix(
    scores: np.ndarray,
    item_ids: Sequence[str],
    *,
    version_ids: Sequence[int] | None = None,
    choices: np.ndarray | None = None,
    keys: Sequence[frozenset[int]] | None = None,
    n_options: Sequence[int] | None = None,
    sex: np.ndarray | None = None,
    school_size: np.ndarray | None = None,
    model: str | None = "2pl",
    anchors: ItemParameters | None = None,
    anchor_mode: str = "fixed",
    scale: str | None = None,
    drift_limit: float = 0.5,
    groups: int = 27,
    n_quadrature: int = 41,
    progress: Progress | None = None,
    source: str | None = None,
    max_scores: Sequence[float] | None = None,
    option_tables: dict[int, dict[str, Any]] | None = None,
) -> AnalysisResult:
    """Analyse a persons × items 0/1 matrix (NaN = not presented); see the module's docstring.

    `choices` (1..m chosen option, 0 omitted, 9 several marks), `keys` (right options per item) and
    `n_options` add the distractor table. `sex` ("M"/"F" or 1/2) and `school_size` (1–4, 4 = small)
    per person add DIF (female and small schools as focal groups). `anchors` (banked parameters with
    item ids) put the calibration on their scale: ``anchor_mode="fixed"`` fixes them in the EM,
    ``"link"`` calibrates freely and links by Stocking–Lord; either way b drift is judged against them.
    `option_tables` (item index → distractor table, :func:`single_choice_tables`) give the single-choice
    items of a mixed form their distractor table when `choices` cannot be passed for the whole form.
    """
    from psychometrics.ctt import KeyedResponses, analyze_test
    from psychometrics.errors import PsychometricsError

    progress = progress or _noop
    t = {}
    t0 = time.perf_counter()
    x = np.asarray(scores, dtype=float)
    ids = tuple(str(i) for i in item_ids)
    n_persons, n_items = x.shape
    progress(1, len(STEPS), *STEPS[1])
    try:
        if choices is not None and keys is not None:
            keyed = KeyedResponses(ids, (), x, np.asarray(choices, dtype=np.int8), tuple(keys),
                                   np.asarray(n_options if n_options is not None else
                                              np.full(n_items, max(4, int(np.max(choices) % 9 or 4))), int))
            ctt = analyze_test(keyed=keyed, groups=groups)
        else:
            poly = max_scores is not None and np.any(np.asarray(max_scores) != 1)
            ctt = analyze_test(x, ids, groups=groups, max_scores=max_scores if poly else None)
    except PsychometricsError as e:
        raise from_engine(e, source, "analysis.refused") from None
    t["ctt_s"] = time.perf_counter() - t0

    # a negatively discriminating item (a probable mis-key) would drag the link: not a common item
    unusable = {code for code, r in zip(ids, ctt.items.r, strict=True) if not r >= 0}
    irt = _irt(x, ids, model, anchors, anchor_mode, n_quadrature, source, progress, t, unusable)
    dif = _dif(x, ids, sex, school_size, progress, t)
    return _result(ctt, irt, dif, ids, version_ids, anchors, drift_limit, scale, model, t, option_tables)


@dataclass(frozen=True)
class _Irt:
    params: Any = None
    se_a: np.ndarray | None = None
    se_b: np.ndarray | None = None
    infit: np.ndarray | None = None
    outfit: np.ndarray | None = None
    linking: dict[str, Any] = field(default_factory=dict)
    converged: bool | None = None


def _irt(x, ids, model, anchors, anchor_mode, n_quadrature, source, progress, t, unusable=frozenset()) -> _Irt:
    if not model:
        return _Irt()
    from psychometrics.errors import PsychometricsError
    from psychometrics.irt.ability import ability
    from psychometrics.irt.fit import infit_outfit
    from scoring.calibration import calibrate_matrix

    progress(2, len(STEPS), *STEPS[2])
    t0 = time.perf_counter()
    if anchors is not None and anchors.item_ids:
        keep = [k for k, code in enumerate(anchors.item_ids) if code not in unusable]
        anchors = anchors.subset(np.asarray(keep, int))
    fixed = anchors if anchors is not None and anchor_mode == "fixed" else None
    # an item everyone answered alike (all right, all wrong) has no IRT estimate: CTT only for it
    varies = np.array([np.unique(col[~np.isnan(col)]).size > 1 for col in x.T])
    cols = np.flatnonzero(varies)
    run = calibrate_matrix(x[:, cols], model, item_ids=[ids[j] for j in cols], n_quadrature=n_quadrature,
                           fixed=fixed, source=source, standard_errors="auto")
    params, se = run.params, run.standard_errors
    linking: dict[str, Any] = {}
    if anchors is not None and anchor_mode == "fixed":
        common = sorted(set(anchors.item_ids) & set(ids))
        linking = {"method": "fixed_anchor", "A": 1.0, "B": 0.0, "n_common": len(common)}
    elif anchors is not None:
        from psychometrics.irt.linking import link

        try:
            lk = link(params, anchors, "stocking_lord")
        except PsychometricsError as e:
            raise from_engine(e, source, "analysis.linking") from None
        params = lk.transform(params)
        se_a, se_b = np.asarray(se.a) / lk.A, np.asarray(se.b) * lk.A
        linking = {"method": "stocking_lord", "A": lk.A, "B": lk.B, "n_common": lk.n_common,
                   "converged": lk.converged}
        se = type("SE", (), {"a": se_a, "b": se_b})()
    t["irt_s"] = time.perf_counter() - t0
    progress(3, len(STEPS), *STEPS[3])
    t0 = time.perf_counter()
    if all(mod in ("1pl", "rasch", "2pl", "3pl") for mod in params.model):
        fit = _dichotomous_fit(params.a, params.b, params.c, x[:, cols], n_quadrature)
    else:
        theta = ability(params, x[:, cols], "eap", n_quadrature=n_quadrature).theta
        fit = infit_outfit(params, x[:, cols], theta)
    t["fit_s"] = time.perf_counter() - t0
    if cols.size < len(ids):  # back to every item of the form, NaN where there is no estimate
        params = _widen(params, cols, len(ids))
        spread = [np.asarray(v) for v in (se.a, se.b, fit.item_infit, fit.item_outfit)]
        se_a, se_b, infit, outfit = (_spread(v, cols, len(ids)) for v in spread)
    else:
        se_a, se_b, infit, outfit = np.asarray(se.a), np.asarray(se.b), fit.item_infit, fit.item_outfit
    return _Irt(params, se_a, se_b, infit, outfit, linking, run.converged)


@dataclass(frozen=True)
class _Fit:
    item_infit: np.ndarray
    item_outfit: np.ndarray


def _dichotomous_fit(a, b, c, x: np.ndarray, n_quadrature: int) -> _Fit:
    """EAP θ (N(0, 1) prior, `n_quadrature` equally spaced nodes on ±5) and item infit/outfit mean squares
    for 0/1 items, as :func:`psychometrics.irt.fit.infit_outfit` defines them, in a few float32 matrix
    products (40,000 × 60 in a fraction of a second)."""
    nodes = np.linspace(-5.0, 5.0, n_quadrature)
    log_w = -0.5 * nodes ** 2
    seen = ~np.isnan(x)
    x0 = np.where(seen, x, 0.0).astype(np.float32)
    p_nodes = c + (1 - c) / (1 + np.exp(-a * (nodes[:, None] - b)))                 # (q, m)
    log_p, log_q = np.log(p_nodes).astype(np.float32), np.log1p(-p_nodes).astype(np.float32)
    loglik = x0 @ log_p.T + (seen.astype(np.float32) - x0) @ log_q.T + log_w            # (n, q)
    loglik -= loglik.max(axis=1, keepdims=True)
    post = np.exp(loglik)
    theta = (post @ nodes) / post.sum(axis=1)
    p = c + (1 - c) / (1 + np.exp(-a * (theta[:, None] - b)))                          # (n, m)
    w = p * (1 - p)
    r2 = np.where(seen, (x0 - p) ** 2, 0.0)
    n_seen = seen.sum(axis=0)
    outfit = np.where(seen, r2 / w, 0.0).sum(axis=0) / np.maximum(n_seen, 1)
    infit = r2.sum(axis=0) / np.where(seen, w, 0.0).sum(axis=0)
    return _Fit(infit, outfit)


def _spread(values: np.ndarray, cols: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, np.nan)
    out[cols] = values
    return out


def _widen(params, cols: np.ndarray, n: int):
    """`params` of the items `cols` as parameters of all n items (NaN a and b elsewhere)."""

    thr = np.full((n, params.thresholds.shape[1]), np.nan)
    thr[cols] = params.thresholds
    models = ["2pl"] * n
    for k, j in enumerate(cols):
        models[j] = params.model[k]
    return type("Widened", (), {"a": _spread(params.a, cols, n), "b": _spread(params.b, cols, n),
                                "c": _spread(params.c, cols, n), "thresholds": thr, "model": tuple(models),
                                "n_items": n})()


def _dif(x, ids, sex, school_size, progress, t) -> dict[str, Any]:
    from psychometrics.dif import mantel_haenszel

    progress(4, len(STEPS), *STEPS[4])
    t0 = time.perf_counter()
    out = {}
    # Mantel–Haenszel needs 0/1 items: polytomous (rubric) items get no class, the rest match on their sum
    binary = np.all(np.isnan(x) | (x == 0) | (x == 1), axis=0)
    cols = np.flatnonzero(binary)
    for name, group, focal in (("sex", _sex_groups(sex), "F"), ("school_size", _size_groups(school_size), "small")):
        if group is None or len(set(group[group != ""].tolist())) < 2 or cols.size < 2:
            continue
        keep = group != ""
        res = mantel_haenszel(np.where(keep[:, None], x[:, cols], np.nan), np.where(keep, group, None), focal,
                              item_ids=[ids[j] for j in cols])
        classes = ["-"] * len(ids)
        for k, j in enumerate(cols):
            classes[j] = res.ets_class[k]
        out[name] = tuple(classes)
    t["dif_s"] = time.perf_counter() - t0
    return out


def _sex_groups(sex: np.ndarray | None) -> np.ndarray | None:
    if sex is None:
        return None
    s = np.asarray(sex).astype(str)
    return np.select([np.isin(s, ("F", "f", "2", "หญิง", "ญ")), np.isin(s, ("M", "m", "1", "ชาย", "ช"))],
                     ["F", "M"], "")


def _size_groups(size: np.ndarray | None) -> np.ndarray | None:
    if size is None:
        return None
    s = np.asarray(size).astype(str)
    return np.where(np.isin(s, ("4", "small", "เล็ก")), "small", np.where(np.isin(s, ("", "None", "nan")), "", "other"))


def _result(ctt, irt: _Irt, dif, ids, version_ids, anchors, drift_limit, scale, model, t,
            option_tables: dict[int, dict[str, Any]] | None = None) -> AnalysisResult:
    it, test, dis = ctt.items, ctt.test, ctt.distractors
    banked = _banked_b(anchors, ids)
    vp, vr = it.difficulty_verdicts("th"), it.discrimination_verdicts("th")
    from psychometrics.ctt import round_half_up

    r_rounded = round_half_up(it.r)
    items = []
    for j, code in enumerate(ids):
        flags = []
        if np.isfinite(r_rounded[j]) and r_rounded[j] < 0 or (dis is not None and bool(dis.check_key[j])):
            flags.append("mis_key")
        table = _distractor_table(dis, j) if dis is not None else (option_tables or {}).get(j)
        if table and any(v["dead"] for v in table.values()):
            flags.append("dead_distractor")
        classes = {name: cls[j] for name, cls in dif.items() if cls[j] and cls[j] != "-"}
        worst = max(classes.values(), key=lambda c: _ETS_RANK.get(c, 0), default=None)
        dif_class = None if worst is None else worst[0]
        if dif_class == "C":
            flags.append("dif_c")
        b = None if irt.params is None else _r(_location(irt.params, j))
        if b is not None and banked[j] is not None and abs(b - banked[j]) > drift_limit:
            flags.append("drift")
        items.append(ItemResult(
            position=j + 1, item_id=code, version_id=None if version_ids is None else int(version_ids[j]),
            n=int(it.n[j]), p=float(it.p[j]), r=float(it.r[j]), r_pbis=float(it.item_rest[j]), verdict_p=vp[j],
            verdict_r=vr[j], decision=ctt.decision[j],
            a=None if irt.params is None else _r(irt.params.a[j]), b=b,
            c=None if irt.params is None else _r(irt.params.c[j]),
            se_a=None if irt.se_a is None else _r(irt.se_a[j]), se_b=None if irt.se_b is None else _r(irt.se_b[j]),
            infit=None if irt.infit is None else _r(irt.infit[j], 3),
            outfit=None if irt.outfit is None else _r(irt.outfit[j], 3),
            dif=classes, dif_class=dif_class, banked_b=banked[j], distractors=table, flags=tuple(flags)))
    return AnalysisResult(
        items=tuple(items), n_persons=int(test.n_persons), kr20=float(test.kr20), alpha=float(test.alpha),
        sem=float(test.sem), mean=float(test.mean), sd=float(test.sd), minimum=float(test.minimum),
        maximum=float(test.maximum), model=model if irt.params is not None else None, scale=scale,
        linking=irt.linking, converged=irt.converged, timings={k: round(v, 4) for k, v in t.items()}, ctt=ctt)


def _location(params, j: int) -> float:
    """b of a dichotomous item; the mean threshold of a polytomous one (its location on θ)."""
    b = float(params.b[j])
    if np.isfinite(b):
        return b
    thr = params.thresholds[j]
    thr = thr[np.isfinite(thr)]
    return float(thr.mean()) if thr.size else float("nan")


def _banked_b(anchors, ids) -> list[float | None]:
    if anchors is None or not anchors.item_ids:
        return [None] * len(ids)
    pos = {name: k for k, name in enumerate(anchors.item_ids)}
    return [None if code not in pos or not np.isfinite(anchors.b[pos[code]]) else float(anchors.b[pos[code]])
            for code in ids]


def _distractor_table(dis, j: int) -> dict[str, Any]:
    """Option label → share chosen, upper and lower counts, r, key / dead / upper-over-lower flags."""
    m = int(dis.n_options[j])
    n = max(int(dis.n_persons), 1)
    out = {}
    for k in range(m):
        out[OPTION_LABELS[k] if k < len(OPTION_LABELS) else str(k + 1)] = {
            "share": round(float(dis.count[j, k]) / n, 4), "upper": int(dis.upper[j, k]),
            "lower": int(dis.lower[j, k]), "r": _r(dis.r[j, k]), "key": bool(dis.is_key[j, k]),
            "dead": bool(dis.dead[j, k]), "upper_over_lower": bool(dis.upper_over_lower[j, k])}
    return out


def _json_safe(value: Any) -> Any:
    """NaN and ±inf as None (PostgreSQL's JSON has no NaN), recursively."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _json_safe_input(row: Any) -> Any:
    clean = {k: (None if isinstance(v, float) and not np.isfinite(v) else v)
             for k, v in (("p", row.p), ("r_pbis", row.r_pbis), ("discrimination_index", row.discrimination_index))}
    return replace(row, se=_json_safe(row.se), extra=_json_safe(row.extra), **clean)


def write_back(session: Session, actor: Actor, source: str, result: AnalysisResult, *,
               scale: str | None = None) -> dict[str, Any]:
    """Store the statistics, the next parameter set of `scale` and the review tasks, in one transaction.

    `source` names the administration (``admin:<code>``); every item needs its version id.
    """
    from itembank.models import utcnow
    from itembank.parameter_sets import ParameterRow, create_parameter_set
    from itembank.review_tasks import ReviewFlag, open_review_tasks
    from itembank.statistics import StatisticInput, record_statistics

    missing = [it.item_id for it in result.items if it.version_id is None]
    if missing:
        raise ScoringError("analysis.no_versions", message_th=f"ข้อ {missing[0]} ไม่มีฉบับในคลัง บันทึกกลับไม่ได้",
                           message_en=f"item {missing[0]} has no bank version to write back to")
    scale = scale or result.scale
    when = utcnow().isoformat()
    rows = [_json_safe_input(StatisticInput(
        version_id=it.version_id, n=it.n, p=it.p, r_pbis=it.r_pbis, discrimination_index=it.r,
        irt_model=result.model, a=it.a, b=it.b, c=it.c, se={"a": it.se_a, "b": it.se_b},
        scale=scale if result.model else None,
        extra={"kind": "administration", "position": it.position, "verdict_p": it.verdict_p,
               "verdict_r": it.verdict_r, "decision": it.decision,
               "fit": {"infit": it.infit, "outfit": it.outfit}, "dif": it.dif, "dif_class": it.dif_class,
               "distractors": it.distractors, "flags": list(it.flags), "kr20": _r(result.kr20), "alpha": _r(result.alpha),
               "linking": result.linking, "analysed_at": when}))
        for it in result.items]
    n_rows = record_statistics(session, actor, source, rows, commit=False)
    ref = None
    if result.model and scale:
        ps = create_parameter_set(
            session, actor, scale, source, result.model,
            [ParameterRow(it.version_id, result.model, it.a, it.b, it.c, se={"a": it.se_a, "b": it.se_b},
                          is_anchor=it.banked_b is not None) for it in result.items if it.a is not None],
            n_persons=result.n_persons, linking=_json_safe(result.linking),
            meta={"converged": result.converged, "kr20": _r(result.kr20), "alpha": _r(result.alpha)}, commit=False)
        ref = ps.ref
    flags = [ReviewFlag(result.items[j].version_id, kind, _json_safe(details)) for j, kind, details in result.flags]
    n_tasks = open_review_tasks(session, actor, source, flags, commit=False)
    session.commit()
    return {"n_statistics": n_rows, "parameter_set": ref, "n_flags": len(flags), "n_new_tasks": n_tasks}


def run_analysis(session: Session, actor: Actor, administration: int | str, *, model: str | None = "2pl",
                 anchor_mode: str = "fixed", scale: str | None = None, drift_limit: float = 0.5,
                 progress: Progress | None = None) -> dict[str, Any]:
    """``khlang analysis run ADMIN``: read the stored answers, analyse them and write everything back.

    Anchors are the newest parameter set of the scale (``district-<grade>`` unless the administration's
    settings name one), else the banked parameters of the latest statistics (the pilot).
    """
    from itembank.authz import authorize
    from scoring.administrations import load
    from scoring.responses import load_scored_matrix

    progress = progress or _noop
    t0 = time.perf_counter()
    adm = load(session, actor, administration, "administration.read", "results")
    authorize(actor, adm, "item.write_statistics")
    code, grade, settings = adm.code, adm.grade, dict(adm.settings or {})
    m = load_scored_matrix(session, actor, adm.id, apply_holds=False)  # a held item is still measured
    if m.n_persons < 2:
        raise ScoringError("analysis.no_answers", kind="conflict",
                           message_th=f"การสอบ {code} ยังไม่มีคำตอบพอให้วิเคราะห์ ({m.n_persons} คน)",
                           message_en=f"administration {code} has too few answers to analyse ({m.n_persons})")
    scale = scale or settings.get("scale_name") or f"district-{grade}"
    anchors, anchors_from = banked_parameters(session, actor, scale, m.item_version_ids, m.item_codes)
    sizes = _school_sizes(session, m.school_ids)
    # end the read transaction before the long computation: a write session holds SQLite's write lock,
    # and the job's progress is written by another connection meanwhile
    session.commit()
    t_read = time.perf_counter() - t0
    progress(1, len(STEPS), *STEPS[0])
    single = all(k == "single" for k in m.kinds)
    dichotomous = bool(np.all(m.max_points == 1))
    choices = _choices(m.codes) if single else None
    keys = [frozenset(int(k) + 1 for k in ks) for ks in m.keys] if single else None
    tables = None if single else single_choice_tables(m.scores, _choices(m.codes), m.kinds, m.keys, m.n_options)
    result = analyse_matrix(
        m.scores if dichotomous else np.round(m.scores), m.item_codes, version_ids=m.item_version_ids,
        choices=choices, keys=keys, n_options=m.n_options if single else None, sex=m.sex,
        school_size=sizes, model=None if not model else (model if dichotomous else "gpcm"), anchors=anchors,
        anchor_mode=anchor_mode, scale=scale, drift_limit=drift_limit, progress=progress, source=code,
        max_scores=None if dichotomous else m.max_points, option_tables=tables)
    if result.linking:  # which versioned parameters the scale was held by (scale@vN, or the bank's statistics)
        result = replace(result, linking={**result.linking, "anchors_from": anchors_from})
    progress(5, len(STEPS), *STEPS[5])
    t1 = time.perf_counter()
    written = write_back(session, actor, f"admin:{code}", result, scale=scale)
    from scoring.rescoring import hold_flagged

    held = hold_flagged(session, actor, code)  # a probable mis-key holds its item until an officer decides
    written["n_rescored"] = held.n_students if held else 0
    timings = {"read_s": round(t_read, 4), **result.timings, "write_s": round(time.perf_counter() - t1, 4),
               "total_s": round(time.perf_counter() - t0, 4)}
    progress(len(STEPS), len(STEPS), "เสร็จแล้ว", "done")
    return {"administration": code, "n_persons": result.n_persons, "n_items": len(result.items),
            "kr20": _r(result.kr20), "alpha": _r(result.alpha), "model": result.model, "scale": scale,
            "linking": _json_safe(result.linking), **written,
            "timings": timings, "message_th": result.message("th"), "message_en": result.message("en"),
            "result": result}


def banked_parameters(session: Session, actor: Actor, scale: str, version_ids: Sequence[int],
                      codes: Sequence[str]) -> tuple[ItemParameters | None, str | None]:
    """The parameters the bank holds for these versions (named by item code) and where they come from: the
    scale's newest parameter set (``scale@vN``), else the latest calibrated statistics (``statistics``);
    (None, None) when no version has any."""
    from itembank.parameter_sets import latest_parameter_set
    from itembank.statistics import latest_statistics
    from psychometrics.irt.models import ItemParameters

    ps = latest_parameter_set(session, actor, scale, version_ids=version_ids)
    found = {r.version_id: (r.a, r.b, r.c) for r in ps.items} if ps is not None else {}
    source = ps.ref if found else "statistics"
    if not found:
        found = {v: (s.a, s.b, s.c) for v, s in latest_statistics(session, version_ids).items()
                 if s.irt_model in ("2pl", "1pl", "rasch", "3pl")}
    rows = [(code, *found[v]) for v, code in zip(version_ids, codes, strict=True)
            if v in found and (found[v][0] or 0) > 0 and found[v][1] is not None]  # a usable anchor slopes up
    if not rows:
        return None, None
    return ItemParameters.dichotomous([r[1] for r in rows], [r[2] for r in rows], [r[3] or 0.0 for r in rows],
                                      item_ids=tuple(r[0] for r in rows)), source


def single_choice_tables(scores: np.ndarray, choices: np.ndarray, kinds: Sequence[str], keys: Sequence[Any],
                         n_options: Sequence[int], groups: int = 27) -> dict[int, dict[str, Any]]:
    """The distractor table of each single-choice item of a mixed form (rubric or multiple-answer items
    beside them): upper and lower groups by the total score of the whole form, as for a form of choices only."""
    from psychometrics.ctt import KeyedResponses
    from psychometrics.ctt.distractors import analyze_distractors
    from psychometrics.ctt.groups import split_groups
    from psychometrics.errors import PsychometricsError

    cols = [j for j, k in enumerate(kinds) if k == "single"]
    x = np.asarray(scores, dtype=float)
    if not cols or x.shape[0] < 2:
        return {}
    try:
        split = split_groups(np.nansum(x, axis=1), groups)
        keyed = KeyedResponses(tuple(str(j) for j in cols), (), x[:, cols], np.asarray(choices)[:, cols].astype(np.int8),
                               tuple(frozenset(int(k) + 1 for k in keys[j]) for j in cols),
                               np.asarray([max(2, int(n_options[j])) for j in cols], int))
        dis = analyze_distractors(keyed, split)
    except PsychometricsError:
        return {}
    return {j: _distractor_table(dis, k) for k, j in enumerate(cols)}


def _choices(codes: np.ndarray) -> np.ndarray:
    """Stored answer codes (0-based option, -1 omitted, -2 several, -9 not presented) → CTT choices (1.., 0, 9)."""
    c = np.asarray(codes, dtype=np.int16)
    return np.where(c >= 0, c + 1, np.where(c == -2, 9, 0)).astype(np.int8)


def _school_sizes(session: Session, school_ids: np.ndarray) -> np.ndarray:
    """Each person's school size: "small" (โรงเรียนขนาดเล็ก) or "other"."""
    from sqlalchemy import select

    from itembank.schools import School

    ids = np.unique(school_ids)
    sizes = dict(session.execute(select(School.id, School.size).where(School.id.in_(ids.tolist()))).all())
    small = np.array([sizes.get(int(i)) in ("small", "เล็ก", "4") for i in ids])
    return np.where(small[np.searchsorted(ids, school_ids)], "small", "other")


# ------------------------------------------------------------------ what the pages and the API read

#: Thai and English words of every flag a page shows (stored flags of the analysis, and flags read
#: from p, r, the distractor table and fit), with a severity: "bad" opens a review task or needs a
#: decision, "warn" asks for a look.
FLAG_WORDS: dict[str, tuple[str, str, str]] = {
    "mis_key": ("เฉลยอาจผิด (r ติดลบ)", "probable mis-key (negative r)", "bad"),
    "negative_distractor": ("ตัวลวงที่กลุ่มสูงเลือกมากกว่ากลุ่มต่ำ", "a distractor drawing the upper group", "bad"),
    "dif_c": ("ทำหน้าที่ต่างกันระหว่างกลุ่ม (DIF ระดับ C)", "DIF class C", "bad"),
    "drift": ("ค่า b เปลี่ยนเกินเกณฑ์", "drift of b beyond the limit", "bad"),
    "too_hard": ("ยากเกินไป (p ต่ำกว่า 0.20)", "too hard (p below 0.20)", "warn"),
    "too_easy": ("ง่ายเกินไป (p สูงกว่า 0.80)", "too easy (p above 0.80)", "warn"),
    "low_r": ("อำนาจจำแนกต่ำ (r ต่ำกว่า 0.20)", "low discrimination (r below 0.20)", "warn"),
    "dead_distractor": ("ตัวลวงไม่มีคนเลือก", "dead distractor", "warn"),
    "misfit": ("ไม่สอดคล้องกับโมเดล (infit นอกช่วง 0.7–1.3)", "misfit (infit outside 0.7–1.3)", "warn"),
}
FLAG_ORDER = tuple(FLAG_WORDS)


def flag_text(kind: str, locale: str = "th") -> str:
    th, en, _ = FLAG_WORDS.get(kind, (kind, kind, "warn"))
    return en if locale == "en" else th


def page_flags(p: float | None, r: float | None, extra: dict[str, Any] | None) -> tuple[str, ...]:
    """The flags of one statistics row as pages show them: the stored ones and those read from the numbers."""
    e = extra or {}
    found = set(e.get("flags") or ())
    if p is not None and np.isfinite(p):
        if p < 0.20:
            found.add("too_hard")
        elif p > 0.80:
            found.add("too_easy")
    if r is not None and np.isfinite(r) and 0 <= round(r, 2) < 0.20:
        found.add("low_r")
    for o in (e.get("distractors") or {}).values():
        if o.get("upper_over_lower") and not o.get("key"):
            found.add("negative_distractor")
    infit = (e.get("fit") or {}).get("infit")
    if infit is not None and not 0.7 <= infit <= 1.3:
        found.add("misfit")
    return tuple(k for k in FLAG_ORDER if k in found) + tuple(sorted(found - set(FLAG_ORDER)))


def _no_school(actor: Actor) -> None:
    if actor.role == "school":
        raise ScoringError("results.items_forbidden", kind="forbidden",
                           message_th="บัญชีโรงเรียนดูการวิเคราะห์ข้อสอบของเขตไม่ได้",
                           message_en="a school account cannot read the item analysis")


@dataclass(frozen=True)
class AdministrationAnalysis:
    """One administration on the analysis page: is it analysed, when, with how many flags and open tasks."""

    code: str
    title: str
    grade: str
    year_be: int
    term: int
    form_code: str
    n_items: int
    n_analysed: int
    n_persons: int
    analysed_at: Any
    kr20: float | None
    model: str | None
    n_flagged: int
    n_open_tasks: int

    @property
    def status(self) -> str:
        return "analysed" if self.n_analysed else "not_analysed"


def analysis_overview(session: Session, actor: Actor) -> list[AdministrationAnalysis]:
    """Every administration the actor may see, with its analysis status (not for school accounts)."""
    from sqlalchemy import select

    from itembank.review_tasks import ReviewTask
    from itembank.statistics import ItemStatistic
    from scoring.administrations import list_administrations

    _no_school(actor)
    infos = list_administrations(session, actor)
    sources = [f"admin:{a.code}" for a in infos]
    stats: dict[str, list[Any]] = {}
    if sources:
        for row in session.execute(select(ItemStatistic.source, ItemStatistic.n, ItemStatistic.p,
                                          ItemStatistic.discrimination_index, ItemStatistic.irt_model,
                                          ItemStatistic.extra, ItemStatistic.computed_at)
                                   .where(ItemStatistic.source.in_(sources))):
            stats.setdefault(row[0], []).append(row)
    open_tasks: dict[str, int] = {}
    if sources:
        for source, in session.execute(select(ReviewTask.source).where(ReviewTask.source.in_(sources),
                                                                        ReviewTask.status == "open")):
            open_tasks[source] = open_tasks.get(source, 0) + 1
    out = []
    for a in infos:
        rows = stats.get(f"admin:{a.code}", [])
        kr20 = next(((r[5] or {}).get("kr20") for r in rows if (r[5] or {}).get("kr20") is not None), None)
        out.append(AdministrationAnalysis(
            a.code, a.title, a.grade, a.year_be, a.term, a.form_code, a.n_items, len(rows),
            max((r[1] for r in rows), default=0), max((r[6] for r in rows), default=None), kr20,
            next((r[4] for r in rows if r[4]), None), sum(1 for r in rows if page_flags(r[2], r[3], r[5])),
            open_tasks.get(f"admin:{a.code}", 0)))
    return out


@dataclass(frozen=True)
class ItemStatRow:
    """One item of an administration's statistics table (None everywhere before the analysis)."""

    position: int
    item_code: str
    version_id: int
    version_number: int
    stem: str
    n: int | None = None
    p: float | None = None
    r: float | None = None
    r_pbis: float | None = None
    verdict_p: str | None = None
    verdict_r: str | None = None
    decision: str | None = None
    irt_model: str | None = None
    a: float | None = None
    b: float | None = None
    c: float | None = None
    se_b: float | None = None
    infit: float | None = None
    outfit: float | None = None
    dif_class: str | None = None
    flags: tuple[str, ...] = ()
    distractors: dict[str, Any] | None = None
    tasks: tuple[Any, ...] = ()  # itembank.review_tasks.ReviewTaskPublic opened from this administration
    dif: dict[str, str] = field(default_factory=dict)  # comparison (sex | school_size) → ETS class


@dataclass(frozen=True)
class AdministrationStatistics:
    """The item statistics of one administration, in form order, and the whole test's figures."""

    code: str
    title: str
    grade: str
    year_be: int
    term: int
    analysed: bool
    analysed_at: Any
    n_persons: int
    kr20: float | None
    alpha: float | None
    model: str | None
    scale: str | None
    linking: dict[str, Any]
    items: tuple[ItemStatRow, ...]

    @property
    def n_flagged(self) -> int:
        return sum(1 for it in self.items if it.flags)

    def conclusion(self, locale: str = "th") -> str:
        """The plain-language first line for officers: how many items are good, to revise, to drop, to check."""
        if not self.analysed:
            return ""
        counts = {d: sum(1 for it in self.items if it.decision == d) for d in ("good", "revise", "drop")}
        n = len(self.items)
        if locale == "en":
            return (f"Of {n} items, {counts['good']} are good, {counts['revise']} to revise and {counts['drop']} "
                    f"to drop; {self.n_flagged} need a look.")
        return (f"ข้อสอบ {n} ข้อ ใช้ได้ {counts['good']} ข้อ ควรปรับปรุง {counts['revise']} ข้อ "
                f"ควรตัดทิ้ง {counts['drop']} ข้อ และมีข้อที่ต้องตรวจ {self.n_flagged} ข้อ")

    def curves(self) -> list[Any]:
        """exports.data.ItemCurve of every calibrated item (the TIF and the ICCs)."""
        from exports.data import ItemCurve

        return [ItemCurve(it.item_code, it.a, it.b, it.c or 0.0) for it in self.items
                if it.a is not None and it.b is not None and np.isfinite(it.a) and np.isfinite(it.b)]


def administration_statistics(session: Session, actor: Actor, administration: str) -> AdministrationStatistics:
    """The statistics table of an administration with its flags and the review tasks they opened."""
    from sqlalchemy import select

    from itembank.models import ItemVersion
    from itembank.review_tasks import list_review_tasks
    from itembank.statistics import ItemStatistic
    from scoring.administrations import load
    from scoring.keying import form_key
    from scoring.models import AcademicYear, Term
    from scoring.reports import _plain
    from testgen.models import Form

    _no_school(actor)
    adm = load(session, actor, administration, "scores.read", "results")
    term = session.get(Term, adm.term_id)
    year = session.get(AcademicYear, term.academic_year_id)
    key = form_key(session, session.get(Form, adm.form_id), adm.settings or {})
    vids = [it.item_version_id for it in key.items]
    source = f"admin:{adm.code}"
    stats = {s.version_id: s for s in session.scalars(select(ItemStatistic).where(
        ItemStatistic.source == source, ItemStatistic.version_id.in_(vids)))} if vids else {}
    versions = {v: (number, stem) for v, number, stem in session.execute(
        select(ItemVersion.id, ItemVersion.number, ItemVersion.stem).where(ItemVersion.id.in_(vids)))} if vids else {}
    tasks: dict[int, list[Any]] = {}
    if actor.may("review_task.read"):
        for t in list_review_tasks(session, actor, status=None, source=source, limit=10_000):
            tasks.setdefault(t.version_id, []).append(t)
    rows = []
    for it in key.items:
        number, stem = versions.get(it.item_version_id, (0, ""))
        s = stats.get(it.item_version_id)
        base = {"position": it.position + 1, "item_code": it.item_code, "version_id": it.item_version_id,
                "version_number": number, "stem": _plain(stem)[:120],
                "tasks": tuple(tasks.get(it.item_version_id, ()))}
        if s is None:
            rows.append(ItemStatRow(**base))
            continue
        e = s.extra or {}
        fit = e.get("fit") or {}
        rows.append(ItemStatRow(
            **base, n=s.n, p=s.p, r=s.discrimination_index, r_pbis=s.r_pbis, verdict_p=e.get("verdict_p"),
            verdict_r=e.get("verdict_r"), decision=e.get("decision"), irt_model=s.irt_model, a=s.a, b=s.b, c=s.c,
            se_b=(s.se or {}).get("b"), infit=fit.get("infit"), outfit=fit.get("outfit"), dif_class=e.get("dif_class"),
            flags=page_flags(s.p, s.discrimination_index, e), distractors=e.get("distractors"),
            dif=dict(e.get("dif") or {})))
    first = next(iter(stats.values()), None)
    e0 = (first.extra or {}) if first is not None else {}
    return AdministrationStatistics(
        adm.code, adm.title, adm.grade, year.year_be, term.number, bool(stats),
        max((s.computed_at for s in stats.values()), default=None), max((s.n for s in stats.values()), default=0),
        e0.get("kr20"), e0.get("alpha"), first.irt_model if first is not None else None,
        first.scale if first is not None else None, dict(e0.get("linking") or {}), tuple(rows))


@dataclass(frozen=True)
class ItemHistory:
    """An item across administrations: its current text, one statistics row per source, its tasks."""

    code: str
    stem: str
    version_number: int
    rows: tuple[Any, ...]  # itembank.statistics.StatisticHistoryRow, oldest first
    flags: tuple[tuple[str, ...], ...]  # page_flags of each row
    n_administrations: int
    n_examinees: int
    tasks: tuple[Any, ...]

    @property
    def calibrated(self) -> Any:
        """The newest row with IRT parameters (the ICC is drawn from it), or None."""
        return next((h for h in reversed(self.rows) if h.a is not None and h.b is not None), None)

    def curve(self) -> Any:
        from exports.data import ItemCurve

        h = self.calibrated
        return None if h is None else ItemCurve(self.code, h.a, h.b, h.c or 0.0)

    def options(self, source: str | None = None) -> Any:
        """exports.data.OptionChoices of the newest row with a distractor table (or of `source`)."""
        from exports.data import OptionChoices

        rows = [h for h in self.rows if (h.extra or {}).get("distractors") and (source is None or h.source == source)]
        if not rows:
            return None
        h = rows[-1]
        table = h.extra["distractors"]
        labels = tuple(table)
        upper = tuple(int(table[k].get("upper") or 0) for k in labels)
        lower = tuple(int(table[k].get("lower") or 0) for k in labels)
        return OptionChoices(f"{self.code} ({h.source.removeprefix('admin:')})", labels,
                             tuple(k + 1 for k, lab in enumerate(labels) if table[lab].get("key")), upper, lower,
                             max(sum(upper), sum(lower), 1))


def item_history(session: Session, actor: Actor, code: str) -> ItemHistory:
    """:func:`itembank.statistics.item_record` of item `code` with the page's flags (not_found when no such item)."""
    from sqlalchemy import select

    from itembank.models import Item, ItemVersion
    from itembank.statistics import item_record
    from scoring.reports import _plain

    _no_school(actor)
    item = session.scalar(select(Item).where(Item.code == code))
    if item is None:
        raise ScoringError("item.not_found", kind="not_found", message_th=f"ไม่พบข้อสอบรหัส {code}",
                           message_en=f"no item {code}")
    record = item_record(session, actor, code)
    newest = session.scalars(select(ItemVersion).where(ItemVersion.item_id == item.id)
                             .order_by(ItemVersion.number.desc()).limit(1)).first()
    return ItemHistory(code, _plain(newest.stem if newest else "")[:300], newest.number if newest else 0,
                       tuple(record.history), tuple(page_flags(h.p, h.r, h.extra) for h in record.history),
                       record.n_administrations, record.n_examinees, tuple(record.tasks))


def parameter_sets(session: Session, actor: Actor, scale: str | None = None) -> list[Any]:
    """The bank's parameter sets (itembank.parameter_sets), the newest first, with their number of items."""
    from sqlalchemy import func, select

    from itembank.parameter_sets import ParameterSetItem, list_parameter_sets

    _no_school(actor)
    sets = list_parameter_sets(session, actor, scale)
    counts = dict(session.execute(select(ParameterSetItem.parameter_set_id, func.count(ParameterSetItem.id))
                                  .group_by(ParameterSetItem.parameter_set_id)).all())
    return [(ps, int(counts.get(ps.id, 0))) for ps in sets]


def check_can_analyse(session: Session, actor: Actor, administration: str) -> str:
    """Refuse before a job is queued: the administration must exist and the actor may write statistics.
    Returns its code."""
    from itembank.authz import authorize
    from scoring.administrations import load

    _no_school(actor)
    adm = load(session, actor, administration, "administration.read", "results")
    authorize(actor, adm, "item.write_statistics")
    return adm.code

"""เครื่องมือนักวิเคราะห์ (the analyst's toolkit) on files: item fit, DIF, Rasch by CML, linking, equating.

The services behind ``khlang irt fit|dif|rasch|link|equate``. They read the files ``khlang irt
calibrate`` reads and writes (RESPONSES.csv persons × items with ``person_id`` and group columns,
:mod:`scoring.ingest.responses`; PARAMS.csv, :mod:`scoring.ingest.params`) and return an
:class:`AnalysisRun`: named tables (:class:`psychometrics.tables.Table`, rendered by the caller to
CSV or XLSX) and a short summary in Thai and English.  The engine's refusals come back as
:class:`~scoring.errors.ScoringError` naming the file.  Only numpy and the engine are imported.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from itembank.errors import Where
from psychometrics.tables import fixed
from scoring.errors import from_engine, problem, raise_problems
from scoring.ingest.answers import read_answers
from scoring.ingest.params import read_covariance, read_params
from scoring.ingest.responses import read_responses, select_items
from scoring.ingest.table import read_csv
from scoring.ingest.text import read_text

if TYPE_CHECKING:
    from psychometrics.irt.chains import ScaleLink
    from psychometrics.irt.models import ItemParameters
    from psychometrics.tables import Table

__all__ = ["DIF_METHODS", "LINK_METHODS", "AnalysisRun", "analyze_score_file", "dif_file", "equate_files", "fit_file", "link_files",
           "rasch_file"]

DIF_METHODS = ("mh", "logistic", "mantel", "lord", "lr")
LINK_METHODS = ("stocking_lord", "haebara", "mean_sigma", "mean_mean")
RASCH_MODELS = ("rasch", "pcm", "rsm")


@dataclass(frozen=True)
class AnalysisRun:
    """Named tables (the first is the main one) and a summary of a few lines in Thai and English."""

    tables: tuple[tuple[str, Table], ...]
    lines_th: tuple[str, ...]
    lines_en: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def message(self, locale: str = "th") -> str:
        return "\n".join(self.lines_en if locale == "en" else self.lines_th)


@contextmanager
def _engine(source: str, code: str = "analysis.refused"):
    """The engine's refusals as this room's error naming `source`."""
    from psychometrics.errors import PsychometricsError

    try:
        yield
    except PsychometricsError as e:
        raise from_engine(e, source, code) from None


def _scores(x: np.ndarray) -> np.ndarray:
    """int8 scores with −1 = missing → float with NaN."""
    out = x.astype(float)
    out[x < 0] = np.nan
    return out


def _labels(raw: np.ndarray) -> np.ndarray:
    """Group labels decoded once per distinct value; an empty cell is None (the person is left out)."""
    values, inverse = np.unique(raw, return_inverse=True)
    decoded = [v.decode("utf-8", errors="replace").strip() or None for v in values]
    return np.array(decoded, dtype=object)[inverse.reshape(-1)]


def _header(path: Path) -> list[str]:
    """Column names of a CSV file (its first line), read without the rest of the file."""
    with path.open("rb") as fh:
        first = fh.readline()
    text = first.decode("utf-8-sig", errors="replace").strip()
    return [h.strip().strip('"') for h in text.split(",")]


def _flag_list(ids: Sequence[str], flagged: np.ndarray, limit: int = 15) -> str:
    names = [i for i, f in zip(ids, flagged.tolist(), strict=True) if f]
    if not names:
        return "-"
    return ", ".join(names[:limit]) + (f" … (+{len(names) - limit})" if len(names) > limit else "")


# ----------------------------------------------------------------------------------------------------
# item and person fit
# ----------------------------------------------------------------------------------------------------
def fit_file(responses_path: Path, params_path: Path, *, method: str = "eap") -> AnalysisRun:
    """Item fit (infit/outfit with ZSTD, S-X2) and person fit of PARAMS.csv on RESPONSES.csv.

    Columns of RESPONSES.csv that are not items of PARAMS.csv (a group column) are ignored.
    """
    from psychometrics.irt.ability import ability
    from psychometrics.irt.fit import infit_outfit, s_x2
    from psychometrics.tables import table_from_columns

    responses_path, params_path = Path(responses_path), Path(params_path)
    params = read_params(params_path)
    others = tuple(c for c in _header(responses_path) if c not in set(params.item_ids) and c != "person_id")
    x, item_ids, cols = read_responses(responses_path, ("person_id",) + others)
    x = _scores(select_items(responses_path, x, item_ids, params.item_ids, params_path.name))
    with _engine(responses_path.name):
        theta = ability(params, x, method).theta
        ms = infit_outfit(params, x, theta)
        sx = s_x2(params, np.where(np.isnan(x), 0.0, x)) if not np.isnan(x).any() else None
    bad = (ms.item_infit < 0.7) | (ms.item_infit > 1.3) | (ms.item_outfit < 0.7) | (ms.item_outfit > 1.3)
    data: dict[str, Sequence[Any]] = {
        "item": params.item_ids, "infit": ms.item_infit.round(4), "infit_zstd": ms.item_infit_t.round(3),
        "outfit": ms.item_outfit.round(4), "outfit_zstd": ms.item_outfit_t.round(3), "n": ms.n_persons_used,
    }
    notes = ["ช่วงที่ยอมรับได้ของ MNSQ 0.7–1.3 (Wright & Linacre 1994); ZSTD แบบ Wilson–Hilferty เหมือน Winsteps",
             f"θ ของผู้สอบโดยวิธี {method}"]
    if sx is not None:
        data.update({"S_X2": sx.s_x2.round(3), "df": sx.df, "p": sx.p_value.round(4)})
        bad = bad | (sx.p_value < 0.05)
        notes.append("S-X2 ของ Orlando & Thissen (2000) จุดที่คาดหวังน้อยกว่า 1 รวมกลุ่มแบบ mirt")
    else:
        notes.append("ไม่คำนวณ S-X2 เพราะมีคำตอบที่ขาดหาย (S-X2 needs complete answers)")
    data["flag"] = tuple("ตรวจสอบ" if b else "" for b in bad.tolist())
    items = table_from_columns("ความสอดคล้องของข้อสอบกับโมเดล (item fit)", data, notes=tuple(notes))
    person_ids = [p.decode("utf-8", errors="replace") for p in cols["person_id"]]
    persons = table_from_columns("ความสอดคล้องของผู้สอบ (person fit)", {
        "person_id": person_ids, "theta": np.round(theta, 4),
        "infit": ms.person_infit.round(4), "infit_zstd": ms.person_infit_t.round(3),
        "outfit": ms.person_outfit.round(4), "outfit_zstd": ms.person_outfit_t.round(3)})
    n_bad, m = int(bad.sum()), params.n_items
    misfit_persons = int(np.sum(np.abs(np.nan_to_num(ms.person_outfit_t)) > 2))
    return AnalysisRun(
        (("items", items), ("persons", persons)),
        (f"ความสอดคล้องกับโมเดล: {m} ข้อ ผู้สอบ {x.shape[0]} คน",
         f"ข้อที่ควรตรวจสอบ {n_bad} ข้อ: {_flag_list(params.item_ids, bad)}",
         f"ผู้สอบที่ outfit ZSTD เกิน ±2: {misfit_persons} คน"),
        (f"Model fit: {m} items, {x.shape[0]} persons",
         f"{n_bad} items to check: {_flag_list(params.item_ids, bad)}",
         f"{misfit_persons} persons with |outfit ZSTD| > 2"),
    )


# ----------------------------------------------------------------------------------------------------
# DIF
# ----------------------------------------------------------------------------------------------------
def dif_file(
    responses_path: Path,
    group_column: str,
    focal: str,
    *,
    method: str = "mh",
    purify: bool = False,
    model: str = "2pl",
    alpha: float = 0.05,
) -> AnalysisRun:
    """DIF of every item between the focal group and the others (`group_column` of RESPONSES.csv)."""
    from psychometrics.dif import (
        irt_likelihood_ratio,
        logistic_dif,
        lord_wald_calibrated,
        mantel_dif,
        mantel_haenszel,
    )

    responses_path = Path(responses_path)
    if method not in DIF_METHODS:
        raise problem("dif.method", f"ไม่รู้จักวิธี {method!r} (ใช้ได้: {', '.join(DIF_METHODS)})",
                      f"unknown DIF method {method!r} (one of {', '.join(DIF_METHODS)})")
    x, item_ids, cols = read_responses(responses_path, ("person_id", group_column))
    group = _labels(cols[group_column])
    present = sorted({g for g in group.tolist() if g is not None})
    if focal not in present:
        raise problem("dif.focal", f"ไม่มีกลุ่ม {focal!r} ในคอลัมน์ {group_column} (มี: {', '.join(present[:10])})",
                      f"no group {focal!r} in column {group_column} (found: {', '.join(present[:10])})",
                      Where(responses_path.name, None, group_column))
    if len(present) < 2:
        raise problem("dif.groups", f"คอลัมน์ {group_column} มีกลุ่มเดียว ต้องมีกลุ่มอ้างอิงด้วย",
                      f"column {group_column} holds one group only", Where(responses_path.name, None, group_column))
    y = _scores(x)
    with _engine(responses_path.name):
        if method == "mh":
            res = mantel_haenszel(y, group, focal, item_ids=item_ids, alpha=alpha, purify=purify)
            flagged = np.asarray(res.flagged if res.flagged is not None else res.p_value < alpha)
        elif method == "logistic":
            res = logistic_dif(y, group, focal, item_ids=item_ids, alpha=alpha)
            flagged = res.p_total < alpha
        elif method == "mantel":
            res = mantel_dif(y, group, focal, item_ids=item_ids, alpha=alpha)
            flagged = res.p_value < alpha
        elif method == "lord":
            res = lord_wald_calibrated(y, group, focal, model, item_ids=item_ids, purify=purify, alpha=alpha)
            flagged = res.p_value < alpha
        else:
            res = irt_likelihood_ratio(y, group, focal, model, item_ids=item_ids)
            flagged = res.p_value < alpha
    table = res.summary()
    n_focal = int(sum(g == focal for g in group.tolist()))
    n_ref = int(sum(g is not None and g != focal for g in group.tolist()))
    names = {"mh": "Mantel–Haenszel", "logistic": "logistic regression", "mantel": "Mantel (ordinal scores)", "lord": f"Lord's Wald ({model})",
             "lr": f"IRT likelihood ratio ({model})"}
    return AnalysisRun(
        (("dif", table),),
        (f"DIF แบบ {names[method]}{' (ทำให้บริสุทธิ์)' if purify else ''}: กลุ่มเป้าหมาย {focal} {n_focal} คน "
         f"กลุ่มอ้างอิง {n_ref} คน {len(item_ids)} ข้อ",
         f"ข้อที่มี DIF ที่ระดับ {alpha:g}: {int(flagged.sum())} ข้อ: {_flag_list(item_ids, flagged)}"),
        (f"DIF by {names[method]}{' (purified)' if purify else ''}: focal {focal} {n_focal} persons, "
         f"reference {n_ref} persons, {len(item_ids)} items",
         f"{int(flagged.sum())} items with DIF at {alpha:g}: {_flag_list(item_ids, flagged)}"),
        {"flagged": flagged},
    )


# ----------------------------------------------------------------------------------------------------
# Rasch by conditional ML
# ----------------------------------------------------------------------------------------------------
def rasch_file(
    responses_path: Path, *, model: str = "rasch", split: str = "median", normalization: str = "thresholds",
    covariance: bool = False,
) -> AnalysisRun:
    """Rasch, PCM or RSM by CML (as eRm): items, Andersen's LR and Wald tests, fit, persons, the map.

    `split` is "median", "mean" or the name of a column of RESPONSES.csv holding groups; `covariance`
    adds the thresholds' covariance matrix as a table of its own.
    """
    from psychometrics.rasch import (
        PartialCreditCML,
        RaschCML,
        RatingScaleCML,
        andersen_test,
        person_item_map,
        person_parameters,
        rasch_fit,
    )
    from psychometrics.tables import table_from_columns

    responses_path = Path(responses_path)
    if model not in RASCH_MODELS:
        raise problem("rasch.model", f"ไม่รู้จักโมเดล {model!r} (ใช้ได้: {', '.join(RASCH_MODELS)})",
                      f"unknown model {model!r} (one of {', '.join(RASCH_MODELS)})")
    by_column = split not in ("median", "mean")
    x, item_ids, cols = read_responses(responses_path, ("person_id",) + ((split,) if by_column else ()))
    y = _scores(x)
    cls = {"rasch": RaschCML, "pcm": PartialCreditCML, "rsm": RatingScaleCML}[model]
    with _engine(responses_path.name):
        est = cls(item_ids=item_ids, normalization=normalization).fit(y)
        persons = person_parameters(est, y)
        fit = rasch_fit(est, y, persons)
        pim = person_item_map(est, persons)
    tables = [("items", est.summary())]
    if covariance:
        tables.append(("covariance", est.covariance_table()))
    groups = _labels(cols[split]) if by_column else split
    from psychometrics.errors import PsychometricsError

    try:
        lr = andersen_test(est, y, groups)
        tables.append(("andersen", lr.summary()))
        lr_th = f"Andersen LR = {lr.statistic:.3f} df = {lr.df} p = {lr.p_value:.4f} (แบ่งกลุ่มตาม {lr.split})"
        lr_en = f"Andersen LR = {lr.statistic:.3f}, df = {lr.df}, p = {lr.p_value:.4f} (split: {lr.split})"
    except PsychometricsError as e:
        lr_th, lr_en = f"ทดสอบ Andersen LR ไม่ได้: {e}", f"no Andersen LR test: {e}"
    tables.append(("fit", fit.summary()))
    tables.append(("persons", table_from_columns("ความสามารถของผู้สอบ (person parameters, ML)", {
        "person_id": [p.decode("utf-8", errors="replace") for p in cols["person_id"]],
        "raw_score": persons.raw_score, "theta": persons.theta.round(4), "se": persons.se.round(4),
        "infit": fit.person_infit.round(4), "outfit": fit.person_outfit.round(4),
        "outfit_zstd": fit.person_outfit_t.round(3)})))
    tables.append(("map", pim))
    bad = (fit.item_infit < 0.7) | (fit.item_infit > 1.3) | (fit.item_outfit < 0.7) | (fit.item_outfit > 1.3)
    state_th, state_en = ("ลู่เข้า", "converged") if est.converged_ else ("ยังไม่ลู่เข้า", "NOT converged")
    return AnalysisRun(
        tuple(tables),
        (f"โมเดล {model} โดย CML: {len(item_ids)} ข้อ ผู้สอบ {y.shape[0]} คน (คะแนนสุดขั้ว {est.n_extreme_} คน) "
         f"conditional log-likelihood {est.log_likelihood_:.3f} {state_th}",
         lr_th, f"ข้อที่ infit/outfit นอกช่วง 0.7–1.3: {int(bad.sum())} ข้อ: {_flag_list(item_ids, bad)}"),
        (f"{model} by CML: {len(item_ids)} items, {y.shape[0]} persons ({est.n_extreme_} extreme), "
         f"conditional log-likelihood {est.log_likelihood_:.3f}, {state_en}",
         lr_en, f"{int(bad.sum())} items with infit/outfit outside 0.7–1.3: {_flag_list(item_ids, bad)}"),
    )


# ----------------------------------------------------------------------------------------------------
# linking and equating
# ----------------------------------------------------------------------------------------------------
def _form_names(paths: Sequence[Path]) -> list[str]:
    names: list[str] = []
    for p in paths:
        name, k = Path(p).stem, 2
        while name in names:
            name, k = f"{Path(p).stem}_{k}", k + 1
        names.append(name)
    return names


def _diagonal_covariance(path: Path, params: ItemParameters) -> np.ndarray | None:
    """Variances from PARAMS.csv's se_* columns in the layout of chains.parameter_labels (None if none)."""
    from psychometrics.irt.chains import parameter_labels

    rows = list(csv.DictReader(io.StringIO(read_text(path), newline="")))
    se: dict[str, float] = {}
    for row in rows:
        item = (row.get("item_id") or "").strip()
        for key, value in row.items():
            if key and key.strip().startswith("se_") and value and value.strip():
                try:
                    se[f"{key.strip()[3:]}.{item}"] = float(value)
                except ValueError:
                    continue
    if not se:
        return None
    var = [se.get(label, 0.0) ** 2 for label in parameter_labels(params)]
    return np.diag([v if math.isfinite(v) else 0.0 for v in var])


def _read_forms(
    paths: Sequence[Path], covariance_paths: Sequence[Path] = ()
) -> tuple[dict[str, ItemParameters], dict[str, np.ndarray] | None]:
    """The forms' parameters and covariances: full ones from COV.csv files (one per form, in order), else
    PARAMS.csv's SEs on the diagonal (None when a form has no SEs)."""
    if len(paths) < 2:
        raise problem("link.forms", "ต้องมีไฟล์พารามิเตอร์อย่างน้อยสองฉบับ", "at least two parameter files are needed")
    if covariance_paths and len(covariance_paths) != len(paths):
        raise problem("link.covariances", f"ต้องมีไฟล์ความแปรปรวนร่วมฉบับละหนึ่งไฟล์ ({len(paths)} ไฟล์ เรียงตามฉบับ)",
                      f"one covariance file per form is needed ({len(paths)}, in the forms' order)")
    names = _form_names(paths)
    forms = {n: read_params(Path(p)) for n, p in zip(names, paths, strict=True)}
    if covariance_paths:
        return forms, {n: read_covariance(Path(c), forms[n]) for n, c in zip(names, covariance_paths, strict=True)}
    covs = {n: _diagonal_covariance(Path(p), forms[n]) for n, p in zip(names, paths, strict=True)}
    return forms, (None if any(c is None for c in covs.values()) else covs)


def _checked_link_method(method: str) -> str:
    name = method.replace("-", "_").lower()
    if name not in LINK_METHODS:
        raise problem("link.method", f"ไม่รู้จักวิธีเชื่อมโยง {method!r} (ใช้ได้: {', '.join(LINK_METHODS)})",
                      f"unknown linking method {method!r} (one of {', '.join(LINK_METHODS)})")
    return name


SE_NOTE_TH = "SE โดยวิธีเดลตาจาก SE ของพารามิเตอร์ใน PARAMS.csv (ไม่รวมความแปรปรวนร่วมระหว่างพารามิเตอร์ของข้อเดียวกัน)"
SE_NOTE_EN = "SEs by the delta method from PARAMS.csv's parameter SEs (covariances within an item not held there)"
SE_NOTE_FULL_TH = "SE โดยวิธีเดลตาจากเมทริกซ์ความแปรปรวนร่วมเต็มของแต่ละฉบับ (COV.csv) แบบ equateIRT"


def link_files(paths: Sequence[Path], *, method: str = "stocking_lord", bisector: bool = False,
               covariance_paths: Sequence[Path] = ()) -> AnalysisRun:
    """Link the first form's scale onto the last's: directly (two files) or chained through the others.

    With `bisector`, every path from the first to the last form through direct links is composed and
    their bisector reported (equateIRT's ``bisectorec``).  ``extra["link"]`` holds the final ScaleLink.
    """
    from psychometrics.irt import chains

    method = _checked_link_method(method)
    forms, covs = _read_forms(paths, covariance_paths)
    names = list(forms)
    source = Path(paths[0]).name
    with _engine(source, "link.refused"):
        if bisector:
            links = chains.link_all(forms, method, covariances=covs)
            routes = chains.paths(links, names[0], names[-1])
            shown = [chains.chain(links, r) for r in routes]
            final = chains.bisector(shown) if len(shown) > 1 else shown[0]
            shown = shown + ([final] if len(routes) > 1 else [])
        else:
            steps = {(s, t): chains.direct_link(forms, s, t, method, covariances=covs)
                     for s, t in zip(names[:-1], names[1:], strict=True)}
            final = chains.chain(steps, names)
            shown = list(steps.values()) + ([final] if len(names) > 2 else [])
    table = chains.links_table(shown)
    se_note = SE_NOTE_FULL_TH if covariance_paths else SE_NOTE_TH
    notes = table.notes + ((se_note,) if covs is not None else ("ไม่มี SE ใน PARAMS.csv จึงไม่คำนวณ SE",))
    table = type(table)(table.title, table.columns, table.rows, notes)
    se_th = f" (SE {fixed(final.se_A, 4)}, {fixed(final.se_B, 4)})" if covs is not None else ""
    return AnalysisRun(
        (("links", table),),
        (f"เชื่อมโยงสเกล {' → '.join(final.path)} ({final.kind}, {method}): θ = {fixed(final.A, 4)} θ_{names[0]} "
         f"+ {fixed(final.B, 4)}{se_th}",),
        (f"Scale link {' → '.join(final.path)} ({final.kind}, {method}): θ = {fixed(final.A, 4)} θ_{names[0]} "
         f"+ {fixed(final.B, 4)}{se_th}",),
        {"link": final, "forms": forms},
    )


def transformed_params(run: AnalysisRun):
    """The first form's parameters on the last form's scale, as a calibration-like record for write_params."""
    from psychometrics.irt.calibration import StandardErrors

    link: ScaleLink = run.extra["link"]
    moved = link.transform(run.extra["forms"][link.source])
    nan = np.full(moved.n_items, np.nan)

    class _Moved:  # write_params reads .params and .standard_errors only
        params = moved
        standard_errors = StandardErrors(nan, nan, nan, np.full_like(moved.thresholds, np.nan), "none")

    return _Moved()


def equate_files(
    x_path: Path, y_path: Path, *, method: str = "true_score", link_method: str = "stocking_lord",
    covariance_paths: Sequence[Path] = (),
) -> AnalysisRun:
    """Equate form X's scores to form Y's (IRT true- or observed-score), linking X onto Y first.

    `link_method` "none" takes both parameter files as already on one scale (no SEs then).
    """
    from psychometrics.irt import chains
    from psychometrics.irt.equating import linked_equating, observed_score_equating, true_score_equating

    if method not in ("true_score", "observed_score"):
        raise problem("equate.method", f"ไม่รู้จักวิธีเทียบคะแนน {method!r} (true_score หรือ observed_score)",
                      f"unknown equating method {method!r} (true_score or observed_score)")
    forms, covs = _read_forms([Path(x_path), Path(y_path)], covariance_paths)
    nx, ny = list(forms)
    with _engine(Path(x_path).name, "equate.refused"):
        if link_method == "none":
            equate = true_score_equating if method == "true_score" else observed_score_equating
            res = equate(forms[nx], forms[ny])
            link_th = "ไม่เชื่อมโยง (ถือว่าอยู่บนสเกลเดียวกัน)"
            link_en = "no linking (both forms on one scale)"
        else:
            lk = chains.direct_link(forms, nx, ny, _checked_link_method(link_method), covariances=covs)
            res = linked_equating(forms, lk, method=method)
            link_th = f"เชื่อมโยงด้วย {link_method}: A = {fixed(lk.A, 4)}, B = {fixed(lk.B, 4)} ข้อร่วม {lk.n_common[0]} ข้อ"
            link_en = f"linked by {link_method}: A = {fixed(lk.A, 4)}, B = {fixed(lk.B, 4)}, {lk.n_common[0]} common items"
    table = res.summary()
    if getattr(res, "se", None) is not None:
        note = SE_NOTE_FULL_TH if covariance_paths else SE_NOTE_TH
        table = type(table)(table.title, table.columns, table.rows, table.notes + (note,))
    kind = "คะแนนจริง (true score)" if method == "true_score" else "คะแนนที่สังเกตได้ (observed score)"
    return AnalysisRun(
        (("equating", table),),
        (f"เทียบ{kind} ฉบับ {nx} → ฉบับ {ny}: {len(res.score_x)} คะแนน", link_th),
        (f"IRT {method.replace('_', '-')} equating {nx} → {ny}: {len(res.score_x)} scores", link_en),
    )



# ----------------------------------------------------------------------------------------------------
# CTT of rubric and rating-scale scores
# ----------------------------------------------------------------------------------------------------
def analyze_score_file(
    responses_path: Path,
    *,
    max_scores_path: Path | None = None,
    max_score: float | None = None,
    key_path: Path | None = None,
    **settings: Any,
):
    """Classical analysis of item scores of any type (0/1, rubric, rating scale): ``khlang ctt --max-score``.

    RESPONSES.csv holds ``person_id,<item ids>`` with numeric scores (blank = not presented). The
    possible maximum of every item comes from MAX.csv (``item_id,max_score``, optional ``min_score``)
    or is `max_score` for all; p and r are then Whitney–Sabers' and α names the SEM
    (:func:`psychometrics.ctt.analyze_test` with ``max_scores``).
    """
    from psychometrics.ctt import analyze_test

    responses_path = Path(responses_path)
    if key_path is not None:
        raise problem("ctt.key_and_max", "--key ใช้กับคำตอบดิบ ส่วน --max-score/--max-scores ใช้กับคะแนนรายข้อ เลือกอย่างเดียว",
                      "--key is for raw answers, --max-score(s) for item scores: give one")
    if (max_scores_path is None) == (max_score is None):
        raise problem("ctt.max_scores", "ระบุ --max-scores MAX.csv หรือ --max-score N อย่างใดอย่างหนึ่ง",
                      "give either --max-scores MAX.csv or --max-score N")
    data = read_csv(responses_path)
    _, items, cells = read_answers(data)
    text = np.char.strip(cells.astype(str))
    values = np.full(text.shape, np.nan)
    bad = np.zeros(text.shape, bool)
    for u in np.unique(text):
        where = text == u
        if u == "":
            continue
        try:
            values[where] = float(u)
        except ValueError:
            bad |= where
    hi, lo = (np.full(len(items), float(max_score)), np.zeros(len(items))) if max_scores_path is None else \
        _read_max_scores(Path(max_scores_path), items)
    bad |= ~np.isnan(values) & ((values > hi) | (values < lo))
    problems = [
        problem("answers.score", f"{str(text[r, c])!r} ไม่ใช่คะแนนระหว่าง {lo[c]:g} ถึง {hi[c]:g}",
                f"{str(text[r, c])!r} is not a score from {lo[c]:g} to {hi[c]:g}",
                Where(data.name, data.row_numbers[r], items[c]))
        for r, c in np.argwhere(bad)[:20]
    ]
    raise_problems(problems, int(bad.sum()), file=data.name)
    with _engine(responses_path.name):
        return analyze_test(values, items, max_scores=hi, min_scores=lo, **settings)


def _read_max_scores(path: Path, items: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """MAX.csv (``item_id,max_score[,min_score]``): the score range of every item of the answer file."""
    rows = list(csv.DictReader(io.StringIO(read_text(path), newline="")))
    head = [h.strip() for h in (rows[0].keys() if rows else [])]
    if "item_id" not in head or "max_score" not in head:
        raise problem("max_scores.header", "หัวตารางคะแนนเต็มต้องมี item_id,max_score",
                      "the max-score file needs the columns item_id,max_score", Where(path.name, 1))
    hi, lo = {}, {}
    for r, row in enumerate(rows, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        try:
            hi[row["item_id"]] = float(row["max_score"])
            lo[row["item_id"]] = float(row.get("min_score") or 0.0)
        except ValueError:
            raise problem("max_scores.value", f"คะแนนเต็ม {row['max_score']!r} ไม่ใช่ตัวเลข",
                          "the max score is not a number", Where(path.name, r, "max_score")) from None
    missing = [i for i in items if i not in hi]
    if missing:
        raise problem("max_scores.missing", f"ไม่มีคะแนนเต็มของข้อ {', '.join(missing[:10])}",
                      f"no max score for item(s) {', '.join(missing[:10])}", Where(path.name))
    return np.array([hi[i] for i in items]), np.array([lo[i] for i in items])

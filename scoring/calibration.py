"""การประมาณค่าพารามิเตอร์ข้อสอบ (IRT calibration) with its provenance record: one service for every caller.

``khlang irt calibrate``, the ``calibrate`` job and the demo pilot all calibrate here:

>>> run = calibrate_matrix(x, "2pl", item_ids=ids)                      # doctest: +SKIP
>>> run.params.b, run.standard_errors.b, run.converged, run.meta()      # doctest: +SKIP
>>> run = calibrate_file(Path("responses.csv"), "2pl", Path("params.csv"))  # doctest: +SKIP

:func:`calibrate_file` reads RESPONSES.csv (:mod:`scoring.ingest.responses`), writes PARAMS.csv
(:mod:`scoring.ingest.params`) and beside it ``PARAMS.csv.meta.json``, the provenance record:
time_fit_s, time_total_s, log_likelihood, iterations, converged, n_persons, n_items, the ability
distribution of each group, engine and the estimator's settings. The engine's refusals
(:class:`~psychometrics.errors.PsychometricsError`) come back as :class:`~scoring.errors.ScoringError`
naming the file; its convergence warnings are kept on the result, not raised.

Model names are those of bench/irt and Python mirt: "1pl" and "pcm" fix a = 1 and θ ~ N(0, 1);
"rasch" fixes a = 1 and estimates the ability variance.

This module imports numpy and the engine only (no Flask, no database), so a cold command is fast.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from scoring.errors import from_engine, problem
from scoring.ingest.params import MODELS, read_params, write_covariance, write_params
from scoring.ingest.responses import read_responses
from scoring.ingest.text import output_path, writing

if TYPE_CHECKING:
    from psychometrics.irt.calibration import Calibration, StandardErrors
    from psychometrics.irt.models import ItemParameters

__all__ = ["ENGINE", "MODELS", "CalibrationRun", "calibrate_file", "calibrate_matrix", "meta_path"]

ENGINE = "khlang"


@dataclass(frozen=True)
class CalibrationRun:
    """One calibration: the engine's result, what it warned about, and where it came from and went."""

    model: str  # as asked: "1pl", "rasch", "2pl", "3pl", "grm", "gpcm" or "pcm"
    result: Calibration  # psychometrics.irt.calibration.Calibration
    n_quadrature: int
    warnings: tuple[str, ...] = ()
    source: str | None = None  # the responses file, if there was one
    out: Path | None = None  # PARAMS.csv, once written
    time_total_s: float | None = None  # reading, fitting and writing

    @property
    def params(self) -> ItemParameters:
        return self.result.params

    @property
    def standard_errors(self) -> StandardErrors:
        return self.result.standard_errors

    @property
    def converged(self) -> bool:
        return bool(self.result.converged)

    @property
    def n_items(self) -> int:
        return int(self.result.params.n_items)

    @property
    def n_persons(self) -> int:
        return int(self.result.n_persons)

    def meta(self) -> dict[str, Any]:
        """The provenance record written beside PARAMS.csv as PARAMS.csv.meta.json."""
        r = self.result
        record: dict[str, Any] = {
            "time_fit_s": round(r.time_fit_s, 4),
            "time_total_s": None if self.time_total_s is None else round(self.time_total_s, 4),
            "log_likelihood": r.log_likelihood,
            "iterations": r.n_iter,
            "converged": r.converged,
            "n_persons": r.n_persons,
            "n_items": r.params.n_items,
            "group_labels": list(r.group_labels),
            "group_means": r.group_means.tolist(),
            "group_variances": r.group_variances.tolist(),
            "engine": ENGINE,
            "settings": {**r.settings, "quadrature_n": self.n_quadrature, "engine": ENGINE},
        }
        if record["time_total_s"] is None:
            del record["time_total_s"]
        return record

    def message(self, locale: str = "th") -> str:
        """One line for a person: what was estimated, from whom, and whether EM converged."""
        r = self.result
        name = self.out.name if self.out else (self.source or "")
        head = f"{name}: " if name else ""
        if locale == "en":
            state = "converged" if r.converged else "NOT converged"
            return (f"{head}{self.n_items} items, {self.n_persons} persons ({self.model}), "
                    f"log-likelihood {r.log_likelihood:.3f}, {r.n_iter} EM cycles, {state}, {r.time_fit_s:.2f} s")
        state = "ลู่เข้า" if r.converged else "ยังไม่ลู่เข้า"
        return (f"{head}ประมาณค่า {self.n_items} ข้อ จากผู้สอบ {self.n_persons} คน ({self.model}) "
                f"log-likelihood {r.log_likelihood:.3f} EM {r.n_iter} รอบ {state} {r.time_fit_s:.2f} วินาที")


def calibrate_matrix(
    x: np.ndarray,
    model: str = "2pl",
    *,
    item_ids: Sequence[str] | None = None,
    n_quadrature: int = 61,
    max_iter: int = 500,
    tol: float = 1e-4,
    groups: np.ndarray | None = None,
    fixed: ItemParameters | None = None,
    standard_errors: str = "auto",
    source: str | None = None,
    quadrature: str = "hermite",
) -> CalibrationRun:
    """Calibrate a persons × items score matrix (NaN or a negative integer = missing).

    Raises :class:`ScoringError` for an unknown model or data the engine refuses, naming
    `source` (a file name) when given. Convergence warnings are collected on the result.
    """
    from psychometrics.errors import ConvergenceWarning, PsychometricsError
    from psychometrics.irt.calibration import calibrate

    name = _checked_model(model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        try:
            result = calibrate(x, "rasch" if name == "1pl" else name, n_quadrature=n_quadrature,
                               max_iter=max_iter, tol=tol, groups=groups, fixed=fixed, item_ids=item_ids,
                               standard_errors=standard_errors, quadrature=quadrature,
                               estimate_variance=False if name in ("1pl", "pcm") else None)
        except PsychometricsError as e:
            raise from_engine(e, source, "calibration.refused") from None
    return CalibrationRun(name, result, n_quadrature, tuple(str(w.message) for w in caught), source)


def calibrate_file(
    responses_path: Path,
    model: str = "2pl",
    out_path: Path | None = None,
    *,
    n_quadrature: int = 61,
    max_iter: int = 500,
    tol: float = 1e-4,
    group_column: str | None = None,
    anchors_path: Path | None = None,
    standard_errors: str = "auto",
    covariance_path: Path | None = None,
    quadrature: str = "hermite",
) -> CalibrationRun:
    """Calibrate RESPONSES.csv and write PARAMS.csv (`out_path`) with its ``.meta.json`` beside it.

    With `covariance_path`, the full covariance matrix of the estimated parameters is written there too
    (refused before the fit when the standard errors are turned off).

    Everything is checked before the fit (the model, the output folder, both input files); a
    refused input writes nothing.
    """
    t0 = time.perf_counter()
    responses_path = Path(responses_path)
    _checked_model(model)
    out = output_path(out_path, "PARAMS.csv")
    cov_out = output_path(covariance_path, "COV.csv") if covariance_path is not None else None
    if cov_out is not None and standard_errors == "none":
        raise problem("calibration.covariance_without_se", "ขอเมทริกซ์ความแปรปรวนร่วมแต่ปิดการคำนวณ SE (--se none)",
                      "a covariance matrix needs standard errors (not --se none)")
    texts = ("person_id",) + ((group_column,) if group_column else ())
    x, item_ids, cols = read_responses(responses_path, texts)
    fixed = read_params(Path(anchors_path)) if anchors_path else None
    groups = None
    if group_column:  # decode each distinct label once, not every person's
        labels, inverse = np.unique(cols[group_column], return_inverse=True)
        groups = np.array([lab.decode("utf-8", errors="replace") for lab in labels])[inverse]
    run = calibrate_matrix(x, model, item_ids=item_ids, n_quadrature=n_quadrature, max_iter=max_iter, tol=tol,
                           groups=groups, fixed=fixed, standard_errors=standard_errors, quadrature=quadrature,
                           source=responses_path.name)
    with writing(out):
        write_params(out, run.result)
        if cov_out is not None and run.result.covariance is not None:
            write_covariance(cov_out, run.result)
        run = replace(run, out=out, time_total_s=time.perf_counter() - t0)
        meta_path(out).write_text(json.dumps(run.meta(), indent=1, default=str), encoding="utf-8")
    return run


def meta_path(params_path: Path) -> Path:
    """Where the provenance record of PARAMS.csv is written: ``PARAMS.csv.meta.json``."""
    return Path(f"{params_path}.meta.json")


def _checked_model(model: str) -> str:
    name = str(model).lower()
    if name not in MODELS:
        raise problem("calibration.model_unknown", f"ไม่รู้จักโมเดล {model!r} (ใช้ได้: {', '.join(MODELS)})",
                      f"unknown model {model!r} (one of {', '.join(MODELS)})")
    return name

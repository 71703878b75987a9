"""ไฟล์พารามิเตอร์ข้อสอบ (PARAMS.csv): ``item_id,model,a,b,c,b1..bK`` and ``se_a,se_b,se_c,se_b1..``.

Written by calibration, read back by scoring and as anchors. A hand-made file is accepted with
any subset of the columns after ``item_id`` and ``a`` (missing values take the model's defaults).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from itembank.errors import Where
from scoring.errors import ScoringError, from_engine, problem
from scoring.ingest.text import read_text

MODELS = ("1pl", "rasch", "2pl", "3pl", "grm", "gpcm", "pcm")
POLYTOMOUS = ("grm", "gpcm", "pcm")


def _fail(path: Path, th: str, en: str, row: int | None = None, column: str | None = None) -> ScoringError:
    return problem("params.invalid", th, en, Where(path.name, row, column))


def write_params(path: Path, result) -> None:
    """PARAMS.csv of a :class:`psychometrics.irt.calibration.Calibration` (estimates, then their SEs)."""
    p, se = result.params, result.standard_errors
    poly = any(m in POLYTOMOUS for m in p.model)
    width = p.thresholds.shape[1] if poly else 0
    head = (["item_id", "model", "a", "b", "c"] + [f"b{k + 1}" for k in range(width)]
            + ["se_a", "se_b", "se_c"] + [f"se_b{k + 1}" for k in range(width)])
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(head)
        for j in range(p.n_items):
            is_poly = p.model[j] in POLYTOMOUS
            model = "1pl" if p.model[j] == "rasch" else p.model[j]
            row = [p.item_ids[j], model, _cell(p.a[j]), _cell(p.b[j]),
                   _cell(p.c[j]) if p.model[j] == "3pl" else ""]
            row += [_cell(p.thresholds[j, k]) if is_poly else "" for k in range(width)]
            row += [_cell(se.a[j]), _cell(se.b[j]), _cell(se.c[j])]
            row += [_cell(se.thresholds[j, k]) if is_poly else "" for k in range(width)]
            w.writerow(row)


def write_covariance(path: Path, result) -> None:
    """COV.csv: the covariance of the estimated parameters (``item_id``, ``parameter``, then one column each)."""
    cov = result.covariance
    names = [f"{item}:{par}" for item, par in cov.labels]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["item_id", "parameter", *names])
        for (item, par), row in zip(cov.labels, cov.matrix, strict=True):
            w.writerow([item, par, *(repr(float(v)) for v in row)])


def read_covariance(path: Path, params) -> np.ndarray:
    """A COV.csv (as `write_covariance` writes it) in the layout of ``chains.parameter_labels(params)``.

    Parameters the file does not hold (fixed ones) get zero rows and columns; a row of the file
    naming an item or parameter not in `params` is refused, as are cells that are not numbers.
    """
    from psychometrics.irt.chains import parameter_labels

    try:
        rows = list(csv.reader(io.StringIO(read_text(path), newline="")))
    except csv.Error as e:
        raise _fail(path, f"รูปแบบ CSV ผิด ({e})", f"malformed CSV ({e})") from None
    if not rows or [h.strip() for h in rows[0][:2]] != ["item_id", "parameter"] or len(rows[0]) != len(rows) + 1:
        raise _fail(path, "ไม่ใช่ไฟล์ความแปรปรวนร่วม: หัวตารางต้องเป็น item_id, parameter แล้วหนึ่งคอลัมน์ต่อหนึ่งแถว",
                    "not a covariance file: the header must be item_id, parameter, then one column per row", row=1)
    layout = {label: k for k, label in enumerate(parameter_labels(params))}
    where, values = [], []
    for r, row in enumerate(rows[1:], start=2):
        label = f"{row[1].strip()}.{row[0].strip()}"
        if label not in layout:
            raise _fail(path, f"ไม่มีพารามิเตอร์ {row[1]} ของข้อ {row[0]} ในไฟล์พารามิเตอร์",
                        f"parameter {row[1]} of item {row[0]} is not in the parameter file", row=r, column="item_id")
        try:
            values.append([float(v) for v in row[2:]])
        except ValueError:
            raise _fail(path, "ค่าความแปรปรวนร่วมต้องเป็นตัวเลข", "covariances must be numbers", row=r) from None
        where.append(layout[label])
    out = np.zeros((len(layout), len(layout)))
    idx = np.array(where, dtype=int)
    out[np.ix_(idx, idx)] = np.array(values)
    return out


def _cell(v: float) -> str:
    v = float(v)
    return "" if math.isnan(v) else repr(round(v, 8))


def read_params(path: Path):
    """ItemParameters from a PARAMS.csv (as written by calibration, or by hand)."""
    from psychometrics.errors import PsychometricsError
    from psychometrics.irt.models import ItemParameters

    try:
        rows = list(csv.reader(io.StringIO(read_text(path), newline="")))
    except csv.Error as e:
        raise _fail(path, f"รูปแบบ CSV ผิด ({e})", f"malformed CSV ({e})") from None
    if not rows or "item_id" not in [h.strip() for h in rows[0]] or "a" not in [h.strip() for h in rows[0]]:
        raise _fail(path, "ไม่ใช่ไฟล์พารามิเตอร์: หัวตารางต้องมี item_id, model, a, b, c",
                    "not a parameter file: the header needs item_id, model, a, b, c", row=1)
    head = [h.strip() for h in rows[0]]
    col = {h: k for k, h in enumerate(head)}
    thr_cols = sorted((int(h[1:]), k) for h, k in col.items() if h[:1] == "b" and h[1:].isdigit())
    ids, models, a, b, c, thr = [], [], [], [], [], []
    for r, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(head):
            raise _fail(path, f"มี {len(row)} คอลัมน์ แต่หัวตารางมี {len(head)}", "wrong number of cells", row=r)

        def num(name: str, default: float = math.nan, r=r, row=row) -> float:
            if name not in col or not row[col[name]].strip():
                return default
            try:
                return float(row[col[name]])
            except ValueError:
                raise _fail(path, f"ค่า {row[col[name]]!r} ไม่ใช่ตัวเลข", "not a number",
                            row=r, column=name) from None

        model = row[col["model"]].strip().lower() if "model" in col else "2pl"
        if model not in MODELS:
            raise _fail(path, f"ไม่รู้จักโมเดล {model!r}", "unknown model", row=r, column="model")
        ids.append(row[col["item_id"]].strip())
        models.append(model)
        a.append(num("a", 1.0))
        b.append(num("b"))
        c.append(num("c", 0.0))
        thr.append([num(f"b{k}") for k, _ in thr_cols])
    if not ids:
        raise _fail(path, "ไม่มีแถวพารามิเตอร์ของข้อสอบ", "no item rows")
    width = max(len(thr_cols), 1)
    t = np.full((len(ids), width), np.nan)
    for j, m in enumerate(models):
        if m in POLYTOMOUS:
            t[j, : len(thr[j])] = thr[j]
        else:
            t[j, 0] = b[j]
    b_arr = np.where([m in POLYTOMOUS for m in models], np.nan, np.array(b, float))
    try:
        return ItemParameters(tuple(models), np.array(a, float), b_arr, np.array(c, float), t, tuple(ids))
    except PsychometricsError as e:
        raise from_engine(e, path.name, "params.invalid") from None

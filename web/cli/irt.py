"""`khlang irt`: IRT calibration and scoring from CSV files (the bench/irt CLI contract).

    khlang irt calibrate RESPONSES.csv --model 1pl|rasch|2pl|3pl|grm|gpcm|pcm --out PARAMS.csv
    khlang irt score RESPONSES.csv --params PARAMS.csv --method eap|map|ml|wle --out SCORES.csv

RESPONSES.csv: header ``person_id,<item ids>``, one row per person, scores 0..K−1, empty cell =
missing. PARAMS.csv: ``item_id,model,a,b,c,b1..bK`` and ``se_a,se_b,se_c,se_b1..``; beside it
``PARAMS.csv.meta.json`` (time_fit_s, log_likelihood, iterations, converged, settings).
The CSV is parsed with numpy byte operations (no row loop, no pandas), so a cold
`khlang irt calibrate` imports only click and numpy. A malformed file is refused with its row
(as a spreadsheet shows it, header = row 1) and column named; exit status 1.
"""

from __future__ import annotations

import csv
import json
import math
import time
from pathlib import Path

import click
import numpy as np

MODELS = ("1pl", "rasch", "2pl", "3pl", "grm", "gpcm", "pcm")
CHUNK_ROWS = 25_000
COMMA, NEWLINE, ZERO = 44, 10, 48


class CsvProblem(click.ClickException):
    """A refused input file: Thai first, English second; exit status 1."""

    exit_code = 1


def _fail(path: Path, th: str, en: str, row: int | None = None, column: str | None = None) -> CsvProblem:
    where = path.name
    if row is not None:
        where += f" แถว {row}"
    if column is not None:
        where += f" คอลัมน์ {column}"
    return CsvProblem(f"{where}: {th} / {en}")


# --------------------------------------------------------------------------------------------
# reading responses
# --------------------------------------------------------------------------------------------
def read_responses(path: Path, text_columns: tuple[str, ...] = ("person_id",)):
    """Parse a response CSV into (int8 scores persons × items, -1 = missing; item ids; text columns).

    Cells of item columns must be empty or a whole number 0..19. Columns named in `text_columns`
    (person_id, a group column) are returned as byte strings. Vectorised over the whole file.
    """
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise _fail(path, f"เปิดไฟล์ไม่ได้ ({e.strerror})", "cannot open the file") from e
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b'"' in raw:
        raw = _unquote(path, raw)
    buf = np.frombuffer(raw, dtype=np.uint8)
    if buf.size and (buf == 13).any():
        buf = buf[buf != 13]
    if not buf.size:
        raise _fail(path, "ไฟล์ว่าง", "the file is empty")
    if buf[-1] != NEWLINE:
        buf = np.concatenate([buf, np.array([NEWLINE], np.uint8)])
    nl = np.flatnonzero(buf == NEWLINE)
    header = buf[: nl[0]].tobytes().decode("utf-8", errors="replace").split(",")
    header = [h.strip() for h in header]
    if header[0] != "person_id":
        raise _fail(path, f"คอลัมน์แรกต้องชื่อ person_id แต่เป็น {header[0]!r}",
                    "the first column must be person_id", row=1, column=header[0] or "A")
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise _fail(path, f"ชื่อคอลัมน์ {dup[0]!r} ซ้ำกัน", "duplicate column name", row=1, column=dup[0])
    missing_text = [c for c in text_columns if c not in header]
    if missing_text:
        raise _fail(path, f"ไม่พบคอลัมน์ {missing_text[0]!r}", "column not found", row=1)
    text_idx = [header.index(c) for c in text_columns]
    item_idx = [k for k in range(len(header)) if k not in text_idx]
    if not item_idx:
        raise _fail(path, "ไม่มีคอลัมน์ข้อสอบ", "no item columns", row=1)
    line_starts = np.concatenate([[nl[0] + 1], nl[1:-1] + 1]) if nl.size > 1 else np.zeros(0, np.int64)
    line_ends = nl[1:]
    keep = line_ends > line_starts                                  # skip blank lines
    line_no = np.flatnonzero(keep) + 2                              # spreadsheet row numbers
    line_starts, line_ends = line_starts[keep], line_ends[keep]
    if line_starts.size == 0:
        raise _fail(path, "ไม่มีแถวข้อมูลผู้สอบ", "no data rows")
    scores, texts = [], [[] for _ in text_idx]
    for s in range(0, line_starts.size, CHUNK_ROWS):
        sl = slice(s, s + CHUNK_ROWS)
        sc, tx = _parse_chunk(path, buf, line_starts[sl], line_ends[sl], line_no[sl], header,
                              item_idx, text_idx)
        scores.append(sc)
        for k, t in enumerate(tx):
            texts[k].append(t)
    return (np.concatenate(scores), [header[k] for k in item_idx],
            {c: np.concatenate(texts[k]) for k, c in enumerate(text_columns)})


def _parse_chunk(path, buf, starts, ends, rows, header, item_idx, text_idx):
    n_cols = len(header)
    base = int(starts[0])
    seg = buf[base: int(ends[-1]) + 1]
    is_delim = seg == COMMA
    per_line = np.add.reduceat(is_delim, (starts - base).astype(np.intp), dtype=np.int32)
    bad = np.flatnonzero(per_line != n_cols - 1)
    if bad.size:
        i = bad[0]
        raise _fail(path, f"มี {per_line[i] + 1} คอลัมน์ แต่หัวตารางมี {n_cols}",
                    f"{per_line[i] + 1} cells for {n_cols} columns", row=int(rows[i]))
    is_delim[ends - base] = True                                   # kept line ends close the last cell
    n = starts.size
    cell_end = np.flatnonzero(is_delim).astype(np.int32).reshape(n, n_cols)      # within the chunk
    cell_start = np.empty_like(cell_end)
    cell_start[:, 0] = starts - base
    cell_start[:, 1:] = cell_end[:, :-1] + 1
    length = cell_end - cell_start
    is_, il = cell_start[:, item_idx], length[:, item_idx]
    d0 = seg[is_].astype(np.int16) - ZERO                         # first character of every cell
    d1 = seg[np.minimum(is_ + 1, seg.size - 1)].astype(np.int16) - ZERO
    one = (il == 1) & (d0 >= 0) & (d0 <= 9)
    ok = (il == 0) | one
    if not ok.all():
        two = (il == 2) & (d0 == 1) & (d1 >= 0) & (d1 <= 9)        # 10..19
        ok |= two
        if not ok.all():
            r, c = np.argwhere(~ok)[0]
            value = bytes(seg[is_[r, c]: is_[r, c] + il[r, c]]).decode("utf-8", errors="replace")
            raise _fail(path, f"ค่า {value!r} ไม่ใช่คะแนน (ต้องเป็นจำนวนเต็ม 0–19 หรือเว้นว่าง)",
                        f"{value!r} is not a score", row=int(rows[r]), column=header[item_idx[c]])
        d0 = np.where(two, 10 + d1, d0)
    scores = np.where(il == 0, -1, d0).astype(np.int8)
    texts = [_gather(seg, cell_start[:, k], length[:, k]) for k in text_idx]
    return scores, texts


def _gather(buf: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Byte strings buf[start:start+length] for every row at once, as a numpy 'S' array."""
    width = max(int(length.max(initial=0)), 1)
    idx = start[:, None] + np.arange(width)[None, :]
    grid = buf[np.minimum(idx, buf.size - 1)].copy()
    grid[np.arange(width)[None, :] >= length[:, None]] = 0
    return grid.view(f"S{width}").ravel()


def _unquote(path: Path, raw: bytes) -> bytes:
    """Files with quoted cells (rare: spreadsheets quoting ids) are normalised once by the csv module."""
    text = raw.decode("utf-8", errors="replace")
    rows = list(csv.reader(text.splitlines()))
    if any(("," in cell or "\n" in cell) for row in rows for cell in row):
        raise _fail(path, "มีเครื่องหมายจุลภาคอยู่ในช่องข้อมูล", "a cell contains a comma")
    return ("\n".join(",".join(c.strip() for c in row) for row in rows) + "\n").encode()


# --------------------------------------------------------------------------------------------
# parameter files
# --------------------------------------------------------------------------------------------
def write_params(path: Path, result) -> None:
    p, se = result.params, result.standard_errors
    poly = any(m in ("grm", "gpcm", "pcm") for m in p.model)
    width = p.thresholds.shape[1] if poly else 0
    head = (["item_id", "model", "a", "b", "c"] + [f"b{k + 1}" for k in range(width)]
            + ["se_a", "se_b", "se_c"] + [f"se_b{k + 1}" for k in range(width)])
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(head)
        for j in range(p.n_items):
            is_poly = p.model[j] in ("grm", "gpcm", "pcm")
            model = "1pl" if p.model[j] == "rasch" else p.model[j]
            row = [p.item_ids[j], model, _cell(p.a[j]), _cell(p.b[j]),
                   _cell(p.c[j]) if p.model[j] == "3pl" else ""]
            row += [_cell(p.thresholds[j, k]) if is_poly else "" for k in range(width)]
            row += [_cell(se.a[j]), _cell(se.b[j]), _cell(se.c[j])]
            row += [_cell(se.thresholds[j, k]) if is_poly else "" for k in range(width)]
            w.writerow(row)


def _cell(v: float) -> str:
    v = float(v)
    return "" if math.isnan(v) else repr(round(v, 8))


def read_params(path: Path):
    """ItemParameters from a PARAMS.csv (as written by `calibrate`, or by hand)."""
    from psychometrics.irt.models import ItemParameters

    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except OSError as e:
        raise _fail(path, f"เปิดไฟล์ไม่ได้ ({e.strerror})", "cannot open the file") from e
    if not rows or "item_id" not in rows[0] or "a" not in rows[0]:
        raise _fail(path, "หัวตารางต้องมี item_id, model, a, b, c", "header needs item_id, model, a, b, c", row=1)
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
    width = max(len(thr_cols), 1)
    t = np.full((len(ids), width), np.nan)
    for j, m in enumerate(models):
        if m in ("grm", "gpcm", "pcm"):
            t[j, : len(thr[j])] = thr[j]
        else:
            t[j, 0] = b[j]
    b_arr = np.where([m in ("grm", "gpcm", "pcm") for m in models], np.nan, np.array(b, float))
    return ItemParameters(tuple(models), np.array(a, float), b_arr, np.array(c, float), t, tuple(ids))


# --------------------------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------------------------
@click.group()
def irt() -> None:
    """IRT: ประมาณค่าพารามิเตอร์ข้อสอบ (calibrate) และประมาณความสามารถผู้สอบ (score)."""


@irt.command("calibrate")
@click.argument("responses", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--model", type=click.Choice(MODELS, case_sensitive=False), default="2pl", show_default=True,
              help="1pl, pcm: a = 1, θ ~ N(0, 1); rasch: a = 1, ability variance estimated; 3pl with priors")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="PARAMS.csv to write (and PARAMS.csv.meta.json beside it)")
@click.option("--quadrature", default=61, show_default=True, help="Gauss–Hermite nodes")
@click.option("--max-iter", default=500, show_default=True)
@click.option("--tol", default=1e-4, show_default=True, help="largest parameter change at convergence")
@click.option("--group-column", default=None, help="column with group labels (multiple-group calibration)")
@click.option("--anchors", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PARAMS.csv of anchor items held fixed (matched by item_id)")
@click.option("--se", "se", type=click.Choice(("auto", "oakes", "xpd", "none")), default="auto",
              show_default=True, help="standard errors")
@click.option("--categories", default=None, type=int, hidden=True, help="accepted for the bench contract")
def calibrate_command(responses: Path, model: str, out: Path, quadrature: int, max_iter: int, tol: float,
                      group_column: str | None, anchors: Path | None, se: str, categories: int | None) -> None:
    """Calibrate items by marginal maximum likelihood (EM) and write PARAMS.csv."""
    import warnings

    from psychometrics.errors import ConvergenceWarning, PsychometricsError
    from psychometrics.irt.calibration import calibrate

    t0 = time.perf_counter()
    texts = ("person_id",) + ((group_column,) if group_column else ())
    x, item_ids, cols = read_responses(responses, texts)
    fixed = read_params(anchors) if anchors else None
    groups = None
    if group_column:                     # decode each distinct label once, not every person's
        labels, inverse = np.unique(cols[group_column], return_inverse=True)
        groups = np.array([lab.decode("utf-8", errors="replace") for lab in labels])[inverse]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        try:
            # "1pl" and "pcm" here are bench/irt's and Python mirt's: a = 1 and θ ~ N(0, 1);
            # "rasch" estimates the ability variance instead
            kind = "rasch" if model.lower() == "1pl" else model.lower()
            variance = False if model.lower() in ("1pl", "pcm") else None
            result = calibrate(x, kind, n_quadrature=quadrature, max_iter=max_iter, tol=tol,
                               groups=groups, fixed=fixed, item_ids=item_ids, standard_errors=se,
                               estimate_variance=variance)
        except PsychometricsError as e:
            raise CsvProblem(f"{responses.name}: {e}") from None
    for w in caught:
        click.echo(f"คำเตือน / warning: {w.message}", err=True)
    write_params(out, result)
    meta = {
        "time_fit_s": round(result.time_fit_s, 4),
        "time_total_s": round(time.perf_counter() - t0, 4),
        "log_likelihood": result.log_likelihood,
        "iterations": result.n_iter,
        "converged": result.converged,
        "n_persons": result.n_persons,
        "n_items": result.params.n_items,
        "group_labels": list(result.group_labels),
        "group_means": result.group_means.tolist(),
        "group_variances": result.group_variances.tolist(),
        "settings": {**result.settings, "quadrature_n": quadrature, "engine": "khlang"},
    }
    Path(f"{out}.meta.json").write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")
    click.echo(f"{out}: {result.params.n_items} items, {result.n_persons} persons, "
               f"log-likelihood {result.log_likelihood:.3f}, {result.n_iter} EM cycles, "
               f"{'converged' if result.converged else 'NOT converged'}, {result.time_fit_s:.2f} s")


@irt.command("score")
@click.argument("responses", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--params", "params_path", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--method", type=click.Choice(("eap", "map", "ml", "wle", "eapsum")), default="eap", show_default=True,
              help="eapsum: summed-score EAP (equal raw scores get equal θ), as paper exams report")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def score_command(responses: Path, params_path: Path, method: str, out: Path) -> None:
    """Estimate every person's ability (θ) and its SE with known item parameters; write SCORES.csv."""
    from psychometrics.errors import PsychometricsError
    from psychometrics.irt.ability import ability

    x, item_ids, cols = read_responses(responses)
    params = read_params(params_path)
    pos = {name: k for k, name in enumerate(item_ids)}
    absent = [i for i in params.item_ids if i not in pos]
    if absent:
        raise _fail(responses, f"ไม่มีคอลัมน์ของข้อ {absent[0]!r} ที่อยู่ใน {params_path.name}",
                    "an item of the parameter file is missing", row=1)
    x = x[:, [pos[i] for i in params.item_ids]]                   # int8, -1 = not answered
    try:
        res = ability(params, x, method=method)
    except PsychometricsError as e:
        raise CsvProblem(f"{responses.name}: {e}") from None
    write_scores(out, cols["person_id"], np.asarray(res.theta, float), np.asarray(res.se, float))
    click.echo(f"{out}: {x.shape[0]} persons, {method}")


def write_scores(path: Path, ids: np.ndarray, theta: np.ndarray, se: np.ndarray) -> None:
    """person_id,theta,se with 6 decimals, formatted for all rows at once."""
    id_bytes = ids.astype("S").view(np.uint8).reshape(ids.size, -1)
    parts = [id_bytes, _fixed(theta), _fixed(se)]
    width = sum(p.shape[1] for p in parts) + 3
    grid = np.zeros((ids.size, width), np.uint8)
    pos = 0
    for k, p in enumerate(parts):
        grid[:, pos:pos + p.shape[1]] = p
        pos += p.shape[1]
        grid[:, pos] = COMMA if k < 2 else NEWLINE
        pos += 1
    body = grid[grid != 0].tobytes()
    with path.open("wb") as fh:
        fh.write(b"person_id,theta,se\n")
        fh.write(body)


def _fixed(v: np.ndarray, decimals: int = 6) -> np.ndarray:
    """Fixed-point text of every value as a zero-padded byte grid (0 = no character); NaN/inf = empty."""
    ok = np.isfinite(v) & (np.abs(v) < 1e9)
    scaled = np.rint(np.abs(np.where(ok, v, 0.0)) * 10**decimals).astype(np.int64)
    int_part, frac = scaled // 10**decimals, scaled % 10**decimals
    n_int = int(np.floor(np.log10(max(int(int_part.max(initial=0)), 1)))) + 1
    width = 1 + n_int + 1 + decimals
    grid = np.zeros((v.size, width), np.uint8)
    neg = ok & (v < 0) & (scaled > 0)
    digits_int = np.stack([(int_part // 10**k) % 10 for k in range(n_int - 1, -1, -1)], axis=1) + ZERO
    lead = np.ones((v.size, n_int), bool)
    for k in range(n_int - 1):                     # drop leading zeros (columns, not persons)
        lead[:, k] = (int_part // 10 ** (n_int - 1 - k)) == 0
    digits_int = np.where(lead & (np.arange(n_int) < n_int - 1), 0, digits_int)
    grid[:, 0] = np.where(neg, ord("-"), 0)
    grid[:, 1:1 + n_int] = digits_int
    grid[:, 1 + n_int] = ord(".")
    grid[:, 2 + n_int:] = np.stack([(frac // 10**k) % 10 for k in range(decimals - 1, -1, -1)], axis=1) + ZERO
    grid[~ok] = 0
    return grid

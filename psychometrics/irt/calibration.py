"""IRT calibration (การประมาณค่าพารามิเตอร์ข้อสอบ) by marginal maximum likelihood, Bock–Aitkin EM.

Models: Rasch, 1PL (one common slope), 2PL, 3PL (lognormal prior on a and Beta prior on c by
default), GRM, GPCM and PCM; logistic metric without the 1.7 constant, θ ~ N(0, 1) in the
reference group. Missing responses (NaN) are skipped. Anchor items can be held at known values
(fixed-item calibration), and several groups can be calibrated together, each with its own normal
ability distribution (the first group label, in sorted order, is the reference N(0, 1)).

References
----------
Bock, R. D., & Aitkin, M. (1981). Marginal maximum likelihood estimation of item parameters:
    application of an EM algorithm. Psychometrika, 46(4), 443–459.
Varadhan, R., & Roland, C. (2008). Scandinavian Journal of Statistics, 35(2), 335–353 (SQUAREM).
Oakes, D. (1999). Direct calculation of the information matrix via the EM algorithm.
    Journal of the Royal Statistical Society B, 61(2), 479–482.
"""

from __future__ import annotations

import contextlib
import os
import time
import warnings
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from psychometrics.errors import ConvergenceWarning, PsychometricsError
from psychometrics.irt import _engine as eng
from psychometrics.irt import _errors_se as se_mod
from psychometrics.irt._data import item_label, prepare, to_codes
from psychometrics.irt._families import Priors, make_family
from psychometrics.irt.models import ItemParameters
from psychometrics.tables import Table

MODEL_NAMES = ("rasch", "1pl", "2pl", "3pl", "grm", "gpcm", "pcm")
DEFAULT_A_PRIOR = (0.0, 0.5)       # log a ~ N(0, 0.5²), as BILOG-MG's default slope prior
DEFAULT_C_PRIOR = (5.0, 17.0)      # c ~ Beta(5, 17): mode 0.2, four- or five-option items


class IterationRecord(NamedTuple):
    """One EM cycle: log-likelihood at its start, largest parameter change, E-steps so far."""

    iteration: int
    log_likelihood: float
    max_change: float
    e_steps: int


@dataclass(frozen=True)
class StandardErrors:
    """Standard errors in the layout of ItemParameters (NaN where a parameter is not estimated)."""

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    thresholds: np.ndarray
    method: str


@dataclass(frozen=True)
class ParameterCovariance:
    """Covariance matrix of the estimated item parameters as reported (a, b, c, thresholds b1 …).

    ``labels[k]`` is ``(item_id, parameter)`` of row and column k, parameter one of ``a``, ``b``, ``c``,
    ``b1`` …; items in calibration order, their parameters in that order.  Fixed parameters (anchors,
    a = 1 of the Rasch family, c of a 2PL) have no row.  ``sqrt(diag(matrix))`` are the SEs of
    ``Calibration.standard_errors``; the off-diagonal entries (within an item, and between items that
    share the ability scale) are what linking SEs by the delta method need (equateIRT's ``var``).
    """

    labels: tuple[tuple[str, str], ...]
    matrix: np.ndarray
    method: str

    def standard_errors(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.matrix), 0.0, None))

    def block(self, item_id: str) -> tuple[tuple[str, ...], np.ndarray]:
        """One item's parameter names and their covariance (the within-item block)."""
        idx = [k for k, (i, _) in enumerate(self.labels) if i == item_id]
        return tuple(self.labels[k][1] for k in idx), self.matrix[np.ix_(idx, idx)]


@dataclass(frozen=True)
class Calibration:
    """Result of `calibrate`: item parameters, their SEs, the ability distributions, the EM record."""

    params: ItemParameters
    standard_errors: StandardErrors
    log_likelihood: float
    n_iter: int
    converged: bool
    history: tuple[IterationRecord, ...]
    group_labels: tuple
    group_means: np.ndarray
    group_variances: np.ndarray
    group_mean_se: np.ndarray
    group_variance_se: np.ndarray
    n_persons: int
    time_fit_s: float
    settings: dict[str, Any]
    covariance: ParameterCovariance | None = None    # None when standard_errors="none"

    def summary(self) -> Table:
        p, s = self.params, self.standard_errors
        width = p.thresholds.shape[1]
        poly = any(m in ("grm", "gpcm", "pcm") for m in p.model)
        cols = ["item", "model", "a", "se_a", "b", "se_b", "c", "se_c"]
        if poly:
            for k in range(width):
                cols += [f"b{k + 1}", f"se_b{k + 1}"]
        rows = []
        for j in range(p.n_items):
            row: list[Any] = [item_label(p.item_ids, j), p.model[j]]
            for v, e in ((p.a, s.a), (p.b, s.b), (p.c, s.c)):
                row += [_num(v[j]), _num(e[j])]
            if poly:
                for k in range(width):
                    is_poly = p.model[j] in ("grm", "gpcm", "pcm")
                    row += [_num(p.thresholds[j, k]) if is_poly else None,
                            _num(s.thresholds[j, k]) if is_poly else None]
            rows.append(tuple(row))
        groups = ", ".join(f"{g}: mean {m:.3f}, var {v:.3f}" for g, m, v in
                           zip(self.group_labels, self.group_means, self.group_variances, strict=True))
        notes = (f"log-likelihood {self.log_likelihood:.3f}; {self.n_iter} EM cycles; "
                 f"{'converged' if self.converged else 'NOT converged'}; SE: {s.method}",
                 f"ability distribution(s): {groups}",
                 f"{self.n_persons} persons, {self.settings['n_quadrature']} quadrature nodes, "
                 f"{self.time_fit_s:.2f} s")
        return Table("IRT calibration (MML-EM)", tuple(cols), rows, notes)


def _num(v) -> float | None:
    v = float(v)
    return None if np.isnan(v) else v


def calibrate(responses, model: str | Sequence[str] = "2pl", *, n_quadrature: int = 61,
              max_iter: int = 500, tol: float = 1e-4, groups=None,
              fixed: ItemParameters | Mapping[int, Any] | None = None,
              item_ids: Sequence[str] | None = None, priors: Priors | str | None = "default",
              estimate_variance: bool | None = None, standard_errors: str = "auto",
              accelerate: bool = True, precision: str = "auto", quadrature: str = "hermite") -> Calibration:
    """Calibrate IRT item parameters by marginal maximum likelihood (Bock–Aitkin EM).

    Parameters
    ----------
    responses : array_like, shape (n_persons, n_items)
        Scores 0..K−1; NaN (or a negative integer) = missing.
    model : {"rasch", "1pl", "2pl", "3pl", "grm", "gpcm", "pcm"} or one per item
        "rasch" fixes a = 1 (ability variance estimated); "1pl" estimates one common slope.
    n_quadrature : int, default 61
        Quadrature nodes per group (21 is too coarse for 60+ items).
    quadrature : {"hermite", "grid"}, default "hermite"
        Gauss–Hermite nodes, or R mirt's rule: `n_quadrature` equally spaced nodes on ±6 with normal
        weights (``"grid"``).  For very informative tests (29 five-category items with slopes near 3:
        posterior SDs of 0.16) 61 Gauss–Hermite nodes are too far apart near 0 and bias the slopes
        (by 0.1 on the anxiety data of tests/psychometrics/test_irt_mirt_polytomous.py); use the grid
        rule or more nodes there.
    max_iter, tol : EM cycles allowed; stop when no internal parameter moves more than `tol`
        in one EM step (slope, intercepts, logit c, group mean and log SD). With SQUAREM the default
        1e-4 leaves the estimates within about 1e-3 of the optimum, far inside their standard
        errors; use 1e-6 or less to compare with another engine digit by digit.
    groups : array_like of shape (n_persons,), optional
        Group labels; the first in sorted order is the reference N(0, 1), the others get their own
        mean and variance.
    fixed : ItemParameters or mapping item index -> ItemParameters (one item) / dict, optional
        Anchor items held at the given values. With anchors, every group's mean and variance are
        estimated (the anchors carry the scale).
    item_ids : names of the items (used in messages, the result and to match `fixed` by id).
    priors : "default" (3PL: log a ~ N(0, 0.5²), c ~ Beta(5, 17)), None, or a Priors.
    estimate_variance : estimate the reference group's variance (default: True for Rasch/PCM only).
    standard_errors : "auto", "oakes" (observed information), "xpd" (cross-product) or "none".
    accelerate : SQUAREM acceleration of EM.
    precision : "auto" (float32 products for 1,000,000+ person × category cells when tol ≥ 1e-5), "double"
        or "single".

    Returns
    -------
    Calibration
    """
    t0 = time.perf_counter()
    codes = to_codes(responses, item_ids or ())
    n_items = codes.shape[1]
    ids = tuple(str(i) for i in item_ids) if item_ids is not None else ()
    if ids and len(ids) != n_items:
        raise PsychometricsError(f"item_ids มี {len(ids)} ชื่อ แต่มี {n_items} ข้อ / "
                                 f"{len(ids)} item_ids for {n_items} items")
    models = _models(model, n_items)
    if n_quadrature < 5:
        raise PsychometricsError("n_quadrature ต้องไม่น้อยกว่า 5 / n_quadrature must be at least 5")
    if quadrature not in ("hermite", "grid"):
        raise PsychometricsError(f"quadrature ต้องเป็น hermite หรือ grid / quadrature must be hermite or grid, not {quadrature!r}")
    data = prepare(codes, groups, models, ids)
    pri, default_priors = _priors(priors)
    anchors = _anchors(fixed, n_items, ids, models, data.n_cat)
    blocks = _blocks(models, data, anchors, pri, default_priors)
    if not any(b.free.any() for b in blocks) and groups is None and not anchors:
        raise PsychometricsError("ไม่มีข้อที่ต้องประมาณค่า / nothing to estimate")
    n_groups = len(data.group_slices)
    free_items_slopes_fixed = all(b.family.model in ("rasch", "pcm") for b in blocks)
    est_var = free_items_slopes_fixed if estimate_variance is None else estimate_variance
    latent = eng.LatentSpec(np.arange(n_groups) > 0, np.arange(n_groups) > 0)
    if anchors:
        latent.free_mean[:] = True
        latent.free_var[:] = True
    if est_var and not anchors and len(blocks) == 1 and blocks[0].family.model in ("rasch", "pcm"):
        # θ* = a θ: a common slope with θ ~ N(0, 1) is the same model as a = 1 with a free variance,
        # and EM moves a slope much faster than a variance; reported back with a = 1, var = a².
        blk = blocks[0]
        fam = make_family("1pl" if blk.family.kind == "dich" else "gpcm", blk.family.n_cat, Priors())
        blocks[0] = eng.Block(fam, blk.items, blk.psi, blk.free, common_slope=True, rescale=True)
    elif est_var:
        latent.free_var[0] = True
    x, w = eng.gauss_hermite(n_quadrature) if quadrature == "hermite" else eng.grid_rule(n_quadrature)
    dtype = _dtype(precision, data, tol)
    lay = eng.build_layout(data, blocks, dtype)
    mu, sigma = np.zeros(n_groups), np.ones(n_groups)
    with _compute_threads(data.codes.shape[0]) as pool:
        em, mu, sigma = eng.run_em(data, lay, blocks, x, w, mu, sigma, latent, max_iter, tol, accelerate, pool)
        final = eng.e_step(data, lay, blocks, x, w, mu, sigma, pool)
        se_method, cov, fmap = _covariance(standard_errors, data, lay, blocks, x, w, mu, sigma, latent, pool)
    if not em.converged:
        warnings.warn(
            f"EM ไม่ลู่เข้าใน {em.n_iter} รอบ (การเปลี่ยนแปลงล่าสุด {em.history[-1][2]:.2g} > tol {tol:g}); "
            f"ค่าประมาณยังใช้ได้แต่ควรตรวจสอบ / EM stopped after {em.n_iter} cycles without meeting tol",
            ConvergenceWarning, stacklevel=2)
    log_lik = final.log_likelihood if final is not None else em.log_likelihood
    width = max(int(data.n_cat.max()) - 1, 1)
    params, ses = _report(blocks, models, n_items, width, ids, fmap, cov, se_method)
    param_cov = _parameter_covariance(blocks, fmap, cov, n_items, width, ids, se_method)
    mean_se, var_se = _latent_se(fmap, cov, sigma, n_groups)
    if blocks[0].rescale:
        mu, sigma, mean_se, var_se = _rescale_latent(blocks[0], fmap, cov, mu, sigma, mean_se, var_se)
    return Calibration(
        params=params, standard_errors=ses, log_likelihood=float(log_lik), n_iter=em.n_iter,
        converged=em.converged,
        history=tuple(IterationRecord(*h) for h in em.history), group_labels=data.group_labels,
        group_means=mu, group_variances=sigma**2, group_mean_se=mean_se, group_variance_se=var_se,
        n_persons=data.n_persons, time_fit_s=time.perf_counter() - t0, covariance=param_cov,
        settings={"model": model if isinstance(model, str) else list(model), "n_quadrature": n_quadrature,
                  "n_nodes_used": int(x.size),
                  "quadrature": "Gauss-Hermite" if quadrature == "hermite" else "grid ±6 (R mirt)", "max_iter": max_iter,
                  "tol": tol, "accelerate": "squarem" if accelerate else "none",
                  "precision": np.dtype(dtype).name, "standard_errors": se_method,
                  "priors": _prior_text(pri, models, default_priors), "n_anchors": len(anchors), "e_steps": em.n_estep,
                  "patterns": int(data.codes.shape[0])})


def _models(model, n_items: int) -> list[str]:
    models = [model] * n_items if isinstance(model, str) else list(model)
    models = [str(m).lower() for m in models]
    if len(models) != n_items:
        raise PsychometricsError(f"model ต้องมี {n_items} ค่า / one model per item ({n_items})")
    bad = [m for m in models if m not in MODEL_NAMES]
    if bad:
        raise PsychometricsError(f"ไม่รู้จักโมเดล {bad[0]!r} (ใช้ได้: {', '.join(MODEL_NAMES)}) / "
                                 f"unknown model {bad[0]!r}")
    return models


def _priors(priors) -> tuple[Priors | None, bool]:
    if priors is None or isinstance(priors, Priors):
        return priors, False
    if priors == "default":
        return None, True     # resolved per model in _blocks
    raise PsychometricsError(f"priors ต้องเป็น 'default', None หรือ Priors / bad priors {priors!r}")


def _model_priors(model: str, pri: Priors | None, default: bool) -> Priors:
    if not default:
        return pri or Priors()
    return Priors(DEFAULT_A_PRIOR, DEFAULT_C_PRIOR) if model == "3pl" else Priors()


def _prior_text(pri: Priors | None, models: list[str], default: bool) -> str:
    if default:
        pri = Priors(DEFAULT_A_PRIOR, DEFAULT_C_PRIOR) if "3pl" in models else None
    parts = []
    if pri is not None and pri.a_lognormal is not None and any(m in ("2pl", "3pl") for m in models):
        parts.append(f"log a ~ N({pri.a_lognormal[0]:g}, {pri.a_lognormal[1]:g}^2)")
    if pri is not None and pri.c_beta is not None and "3pl" in models:
        parts.append(f"c ~ Beta({pri.c_beta[0]:g}, {pri.c_beta[1]:g})")
    return ", ".join(parts) or "none"


def _anchors(fixed, n_items: int, ids: tuple[str, ...], models: list[str],
             n_cat: np.ndarray) -> dict[int, tuple[float, float, float, np.ndarray]]:
    if fixed is None:
        return {}
    out: dict[int, tuple[float, float, float, np.ndarray]] = {}
    if isinstance(fixed, ItemParameters):
        if fixed.item_ids and ids:
            pos = {name: j for j, name in enumerate(ids)}
            pairs = [(pos[name], k) for k, name in enumerate(fixed.item_ids) if name in pos]
            if not pairs:
                raise PsychometricsError("ไม่มีข้อยึด (anchor) ที่ชื่อตรงกับข้อในข้อมูล / no anchor id matches")
        elif fixed.n_items == n_items:
            pairs = [(j, j) for j in range(n_items)]
        else:
            raise PsychometricsError(
                f"fixed มี {fixed.n_items} ข้อ แต่ข้อมูลมี {n_items} ข้อ และไม่มีชื่อข้อให้จับคู่ / "
                "fixed parameters need item_ids or one row per item")
        for j, k in pairs:
            if not np.isnan(fixed.a[k]):
                out[j] = (fixed.a[k], fixed.b[k], fixed.c[k], fixed.thresholds[k])
    else:
        for j, spec in fixed.items():
            j = int(j)
            if not 0 <= j < n_items:
                raise PsychometricsError(f"ข้อยึดลำดับ {j} อยู่นอกช่วง 0..{n_items - 1} / anchor index out of range")
            if isinstance(spec, ItemParameters):
                out[j] = (spec.a[0], spec.b[0], spec.c[0], spec.thresholds[0])
            else:
                thr = np.atleast_1d(np.asarray(spec.get("thresholds", [spec.get("b", np.nan)]), float))
                out[j] = (float(spec.get("a", 1.0)), float(spec.get("b", np.nan)),
                          float(spec.get("c", 0.0) or 0.0), thr)
    for j, (a, b, _c, thr) in out.items():
        need = n_cat[j] - 1
        if models[j] in ("grm", "gpcm", "pcm") and np.sum(~np.isnan(thr)) < need:
            raise PsychometricsError(f"ข้อยึด {item_label(ids, j)}: ต้องมี threshold {need} ค่า / "
                                     f"anchor {item_label(ids, j)} needs {need} thresholds")
        if models[j] in ("1pl", "rasch", "2pl", "3pl") and not np.isfinite(b):
            raise PsychometricsError(f"ข้อยึด {item_label(ids, j)}: ไม่มีค่า b / anchor has no b")
        if not np.isfinite(a) or a <= 0:
            raise PsychometricsError(f"ข้อยึด {item_label(ids, j)}: ค่า a={a} ใช้ไม่ได้ / bad anchor slope")
    return out


def _blocks(models, data, anchors, pri, default_priors: bool) -> list[eng.Block]:
    keys: dict[tuple[str, int], list[int]] = {}
    for j, m in enumerate(models):
        keys.setdefault((m, int(data.n_cat[j])), []).append(j)
    marg = np.stack([(data.freq[:, None] * (data.codes == k)).sum(axis=0)
                     for k in range(int(data.n_cat.max()))], axis=1)
    rho = _biserial_start(data)
    blocks = []
    for (m, k), items in keys.items():
        fam = make_family(m, k, _model_priors(m, pri, default_priors))
        idx = np.array(items)
        psi = fam.start(marg[idx, :k], rho[idx])
        free = np.array([j not in anchors for j in items])
        for i, j in enumerate(items):
            if j in anchors:
                a, b, c, thr = anchors[j]
                psi[i] = fam.from_irt(np.array([a]), np.array([b]), np.array([c]), thr[None, :])[0]
        if m == "rasch" or m == "pcm":
            psi[free, 0] = 1.0
        blocks.append(eng.Block(fam, idx, psi, free, common_slope=(m == "1pl")))
    return blocks


@contextlib.contextmanager
def _compute_threads(n_rows: int):
    """Two worker threads over chunks of persons, each with single-threaded BLAS.

    OpenBLAS's own threads spin on a busy shared machine and can make a small product 100x slower;
    splitting the persons between Python threads (matrix products and exp release the GIL) keeps
    both cores busy without that. threadpoolctl is optional: without it BLAS keeps its own threads and
    no worker threads are added.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:                                   # pragma: no cover - optional dependency
        yield None                                        # BLAS threads alone; no oversubscription
        return
    n_threads = min(2, os.cpu_count() or 1)
    with threadpool_limits(limits=1, user_api="blas"):
        if n_threads > 1 and n_rows >= 4096:
            with ThreadPoolExecutor(max_workers=n_threads) as pool:
                yield pool
        else:
            yield None


def _biserial_start(data) -> np.ndarray:
    """Item–rest correlations scaled to a rough biserial (×1.25), clipped to [0.1, 0.85]: start values only."""
    step = max(1, data.codes.shape[0] // 20_000)            # a systematic sample is plenty for a start
    x = np.maximum(data.codes[::step], 0).astype(np.float32)
    w = data.freq[::step]
    w = (w / w.sum()).astype(np.float32)
    rest = x.sum(axis=1, keepdims=True) - x
    mx, mr = w @ x, w @ rest
    cov = w @ (x * rest) - mx * mr
    vx, vr = w @ (x * x) - mx**2, w @ (rest * rest) - mr**2
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov / np.sqrt(vx * vr)
    return np.clip(np.nan_to_num(1.25 * r.astype(float), nan=0.5), 0.1, 0.85)


def _dtype(precision: str, data, tol: float) -> type:
    if precision == "double":
        return np.float64
    if precision == "single":
        return np.float32
    if precision != "auto":
        raise PsychometricsError(f"precision ต้องเป็น auto/double/single / bad precision {precision!r}")
    # single precision halves the cost of the products on large data; its ~1e-6 noise in the expected
    # counts is far below a tolerance of 1e-5 and more
    cells = data.codes.shape[0] * int(np.sum(data.n_cat - 1))         # size of the indicator matrix
    return np.float32 if cells >= 1_000_000 and tol >= 1e-5 else np.float64


def _covariance(method, data, lay, blocks, x, w, mu, sigma, latent, pool=None):
    fmap = se_mod.free_map(blocks, latent)
    n_free = fmap.t.shape[1]
    if method == "none" or n_free == 0:
        return "none", None, fmap
    if method == "auto":
        cost = n_free * data.codes.shape[0] * (lay.n_cols + data.codes.shape[1]) * x.size * mu.size
        method = "oakes" if cost <= se_mod.OAKES_BUDGET else "xpd"
    if method == "oakes":
        info = se_mod.oakes_information(data, lay, blocks, x, w, mu, sigma, fmap, pool=pool)
    elif method == "xpd":
        info = se_mod.xpd_information(data, lay, blocks, x, w, mu, sigma, fmap, pool=pool)
        info += fmap.t.T @ se_mod.prior_information(blocks, mu.size) @ fmap.t
    else:
        raise PsychometricsError(f"standard_errors ต้องเป็น auto/oakes/xpd/none / bad method {method!r}")
    return method, se_mod.covariance(info), fmap


def _report(blocks, models, n_items, width, ids, fmap, cov, se_method):
    a, b, c = np.zeros(n_items), np.full(n_items, np.nan), np.zeros(n_items)
    thr = np.full((n_items, width), np.nan)
    for blk in blocks:
        fa, fb, fc, ft = se_mod.reported(blk, blk.psi)
        a[blk.items], b[blk.items], c[blk.items] = fa, fb, fc
        thr[blk.items, : ft.shape[1]] = ft
    params = ItemParameters(tuple(models), a, b, c, thr, ids)
    if cov is None:
        nan = np.full(n_items, np.nan)
        return params, StandardErrors(nan, nan.copy(), nan.copy(), np.full_like(thr, np.nan), se_method)
    sa, sb, sc, st = se_mod.item_standard_errors(blocks, fmap, cov, n_items, width)
    return params, StandardErrors(sa, sb, sc, st, se_method)


def _parameter_covariance(blocks, fmap, cov, n_items, width, ids, se_method) -> ParameterCovariance | None:
    if cov is None:
        return None
    where, matrix = se_mod.reported_covariance(blocks, fmap, cov, n_items, width)
    names = ("a", "b", "c") + tuple(f"b{k + 1}" for k in range(width))
    labels = tuple((item_label(ids, j), names[o]) for j, o in where)
    return ParameterCovariance(labels, matrix, se_method)


def _latent_se(fmap, cov, sigma, n_groups):
    mean_se, var_se = np.full(n_groups, np.nan), np.full(n_groups, np.nan)
    if cov is None:
        return mean_se, var_se
    for f, name in enumerate(fmap.names):
        if name[0] == "mean":
            mean_se[name[1]] = np.sqrt(cov[f, f])
        elif name[0] == "logsd":
            var_se[name[1]] = 2 * sigma[name[1]] ** 2 * np.sqrt(cov[f, f])
    return mean_se, var_se


def _rescale_latent(blk, fmap, cov, mu, sigma, mean_se, var_se):
    """Rasch/PCM fitted as a common slope a with θ ~ N(0, 1): report θ* = a θ (means a μ, variances a² σ²)."""
    a = float(blk.psi[blk.free][0, 0]) if blk.free.any() else 1.0
    if cov is None:
        return a * mu, a * sigma, mean_se, var_se
    idx = {name[0] + str(name[1]) if name[0] != "slope" else "slope": f for f, name in enumerate(fmap.names)}
    f_a = idx.get("slope")
    new_mean_se, new_var_se = mean_se.copy(), var_se.copy()
    for g in range(mu.size):
        f_m, f_s = idx.get(f"mean{g}"), idx.get(f"logsd{g}")
        # gradients of a μ_g and a² σ_g² with respect to (slope, mean_g, logsd_g)
        terms_m = [(f_a, mu[g]), (f_m, a)]
        terms_v = [(f_a, 2 * a * sigma[g] ** 2), (f_s, 2 * a**2 * sigma[g] ** 2)]
        for terms, out in ((terms_m, new_mean_se), (terms_v, new_var_se)):
            fs = [(f, gr) for f, gr in terms if f is not None]
            if fs:
                ii = np.array([f for f, _ in fs])
                gg = np.array([gr for _, gr in fs])
                out[g] = float(np.sqrt(max(gg @ cov[np.ix_(ii, ii)] @ gg, 0.0)))
    return a * mu, a * sigma, new_mean_se, new_var_se

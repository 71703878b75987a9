"""Person ability (θ) from item parameters: EAP, MAP, ML, WLE, plausible values, summed-score EAP.

Every estimator works on all persons at once, chunk by chunk (persons × items, NaN = missing), so the
memory stays bounded whatever the number of persons.  The log-likelihood of every person at every
quadrature node is one matrix product per score category:

    log L(θ_q | x_i) = Σ_j m_ij log P_j0(θ_q) + Σ_k Σ_j [x_ij = k] (log P_jk(θ_q) − log P_j0(θ_q))

with m_ij = 1 when person i answered item j.  EAP integrates on R mirt's rule, 61 equally spaced
points over ±6 prior SD (refined automatically for long tests), or on Gauss–Hermite nodes as Python
mirt does.  ML, MAP and WLE start at the best point of a θ grid
(evaluated the same way, so a multimodal 3PL likelihood does not trap them) and are polished by a
Newton iteration run on all persons together.

References
----------
Bock, R. D., & Mislevy, R. J. (1982). Adaptive EAP estimation of ability in a microcomputer
    environment. Applied Psychological Measurement, 6(4), 431–444.
Warm, T. A. (1989). Weighted likelihood estimation of ability in item response theory.
    Psychometrika, 54(3), 427–450.
Lord, F. M., & Wingersky, M. S. (1984). Comparison of IRT true-score and equipercentile observed-score
    "equatings". Applied Psychological Measurement, 8(4), 453–461.
Thissen, D., Pommerich, M., Billeaud, K., & Williams, V. S. L. (1995). Item response theory for scores
    on tests including polytomous items with ordered responses. Applied Psychological Measurement,
    19(1), 39–49.
Mislevy, R. J. (1991). Randomization-based inference about latent variables from complex samples.
    Psychometrika, 56(2), 177–196.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, roots_hermite

from psychometrics.errors import ConvergenceWarning, PsychometricsError
from psychometrics.irt.models import ItemParameters, category_probabilities
from psychometrics.tables import Table, table_from_columns

METHODS = ("eap", "map", "ml", "wle", "eapsum")
_LOG_FLOOR = 1e-300  # P = 0 only at the edge of floating point; keeps log finite
_DEFAULT_CHUNK = 1 << 13  # persons per chunk: 8,192 × 61 nodes × 8 B = 4 MiB per work array


# ----------------------------------------------------------------------------------------------------
# responses
# ----------------------------------------------------------------------------------------------------
def check_responses(responses: ArrayLike, params: ItemParameters) -> np.ndarray:
    """Return the response matrix as an array without copying large integer data.

    Accepted: floats with NaN = missing, or integers with a negative code = missing (int8 keeps a
    1,000,000 × 60 matrix at 60 MB).  Codes are checked chunk by chunk when they are used.
    """
    x = np.asarray(responses)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2:
        raise PsychometricsError(
            f"คำตอบต้องเป็นตารางผู้สอบ × ข้อสอบ แต่ได้ {x.ndim} มิติ "
            f"(responses must be a persons × items matrix, got {x.ndim} dimensions)"
        )
    if x.shape[1] != params.n_items:
        raise PsychometricsError(
            f"คำตอบมี {x.shape[1]} คอลัมน์ แต่พารามิเตอร์มี {params.n_items} ข้อ "
            f"(responses have {x.shape[1]} columns for {params.n_items} items)"
        )
    if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating) or x.dtype == bool):
        try:
            x = x.astype(float)  # None → NaN
        except (TypeError, ValueError):
            raise PsychometricsError(
                "คำตอบต้องเป็นตัวเลข (ช่องว่างใช้ NaN) (responses must be numbers, NaN for not answered)"
            ) from None
    return x


def chunk_as_float(x: np.ndarray, start: int, stop: int, n_categories: np.ndarray) -> np.ndarray:
    """Rows start:stop as float64 with NaN = missing, after checking every code.

    Raises PsychometricsError naming the first bad cell (row and column, counted from 1).
    """
    block = x[start:stop]
    if np.issubdtype(block.dtype, np.integer) or block.dtype == bool:
        if block.dtype == bool:
            block = block.view(np.uint8)
        # integer codes: compare in their own dtype (one cheap pass each), convert once
        k_max = int(n_categories.max())
        uniform = bool(np.all(n_categories == k_max))
        too_high = (block.max() >= k_max) if uniform else bool(np.any(block >= n_categories))
        if too_high:
            _raise_bad_cell(block >= n_categories, block, start, n_categories)
        out = block.astype(np.float64)
        if block.size and block.min() < 0:
            out[block < 0] = np.nan
        return out
    out = np.array(block, dtype=np.float64)
    bad = ~np.isnan(out) & ((out < 0) | (out >= n_categories) | (out != np.floor(out)))
    if bad.any():
        _raise_bad_cell(bad, out, start, n_categories)
    return out


def _raise_bad_cell(bad: np.ndarray, values: np.ndarray, start: int, n_categories: np.ndarray) -> None:
    r, c = np.argwhere(bad)[0]
    top = int(n_categories[c]) - 1
    raise PsychometricsError(
        f"แถว {start + r + 1} คอลัมน์ {c + 1}: คะแนน {values[r, c]:g} อยู่นอกช่วง 0–{top} "
        f"(row {start + r + 1}, column {c + 1}: score {values[r, c]:g} is outside 0–{top})"
    )


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for s in range(0, n, size):
        yield s, min(n, s + size)


def gauss_hermite(n: int, mean: float = 0.0, sd: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Hermite nodes and weights for N(mean, sd²); weights sum to 1.

    Nodes whose weight underflows to 0 (far tails of rules with more than ~150 nodes) are dropped.

    Parameters
    ----------
    n : int
        Number of nodes (≥ 2).
    mean, sd : float
        Normal prior.

    Returns
    -------
    nodes, weights : ndarray of shape (≤ n,)
    """
    _check_rule(n, sd)
    t, w = roots_hermite(n)
    keep = w > 0
    return mean + sd * np.sqrt(2.0) * t[keep], w[keep] / np.sqrt(np.pi)


GRID_HALF_WIDTH = 6.0  # the equally spaced rule covers prior_mean ± 6 prior_sd, as R mirt's fscores


def quadrature(
    n: int, mean: float = 0.0, sd: float = 1.0, kind: str = "grid"
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and normalised weights for integrating over θ ~ N(mean, sd²).

    Parameters
    ----------
    n : int
        Number of nodes.
    mean, sd : float
        Normal prior.
    kind : {"grid", "hermite"}
        "grid": n equally spaced points over mean ± 6 sd, weights ∝ the normal density (R mirt's
        EAP rule). It stays accurate for long tests whose posteriors are narrow: with 61 points the
        EAP of 200 2PL items is within 4e-5 of the exact integral, where 61 Gauss–Hermite nodes are
        off by 5e-2 (their spacing near the centre, ~0.4 sd, is wider than the posterior).
        "hermite": Gauss–Hermite (Python mirt's rule), exact for smooth integrands and short tests.

    Returns
    -------
    nodes, weights : ndarray of shape (n,)
    """
    if kind == "hermite":
        return gauss_hermite(n, mean, sd)
    if kind != "grid":
        raise PsychometricsError(
            f"ชนิดจุดคำนวณต้องเป็น grid หรือ hermite ได้ {kind!r} (quadrature must be 'grid' or 'hermite')"
        )
    _check_rule(n, sd)
    z = np.linspace(-GRID_HALF_WIDTH, GRID_HALF_WIDTH, n)
    w = np.exp(-0.5 * z**2)
    return mean + sd * z, w / w.sum()


def grid_points(params: ItemParameters, n_quadrature: int, low: float, high: float, prior_sd: float) -> int:
    """Points for the equally spaced rule over [low, high]: at least `n_quadrature`, and enough that
    the spacing stays within 1.25 of the narrowest posterior SD, 1/√(max test information + 1/prior_sd²).

    Measured on 2PL forms against a 3001-point rule: 61 points suffice to 1e-5 up to about 200 items;
    spacing/SD of 1.3 keeps the EAP within 1e-5, 2.2 costs 9e-3 (500 items at 61 points).
    """
    from psychometrics.irt.models import test_information

    peak = float(np.max(test_information(params, np.linspace(low, high, 121))))
    spacing = 1.25 / np.sqrt(peak + 1.0 / prior_sd**2)
    return int(max(n_quadrature, np.ceil((high - low) / spacing) + 1))


def _check_rule(n: int, sd: float) -> None:
    if n < 2:
        raise PsychometricsError(f"จำนวนจุดคำนวณ (quadrature) ต้องมีอย่างน้อย 2 ได้ {n} (n_quadrature must be ≥ 2)")
    if not sd > 0:
        raise PsychometricsError(f"prior_sd ต้องมากกว่า 0 ได้ {sd} (prior_sd must be > 0)")


# ----------------------------------------------------------------------------------------------------
# log-likelihood on a θ grid, for a chunk of persons
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _GridTables:
    """log P_j0 (items, q) and log P_jk − log P_j0 (K−1, items, q) on a grid of θ."""

    log_p0: np.ndarray
    log_ratio: np.ndarray
    log_p0_sum: np.ndarray

    @classmethod
    def build(cls, params: ItemParameters, grid: np.ndarray) -> _GridTables:
        logp = np.log(np.maximum(category_probabilities(params, grid), _LOG_FLOOR))  # (q, items, K)
        log_p0 = np.ascontiguousarray(logp[:, :, 0].T)
        log_ratio = np.ascontiguousarray(
            np.moveaxis(logp[:, :, 1:] - logp[:, :, :1], 2, 0).transpose(0, 2, 1)
        )
        return cls(log_p0, log_ratio, log_p0.sum(axis=0))

    def loglik(self, xf: np.ndarray) -> np.ndarray:
        """log L for every person (rows of xf, NaN = missing) at every grid point: (n, q)."""
        missing = np.isnan(xf)
        if not missing.any():
            out = self.loglik_complete(xf)
            out += self.log_p0_sum
            return out
        out = self.loglik_complete(np.where(missing, 0.0, xf))
        out += (~missing).astype(np.float64) @ self.log_p0
        return out

    def loglik_complete(self, xf: np.ndarray) -> np.ndarray:
        """Σ_k [x = k] (log P_k − log P_0) summed over items, (n, q); NaN-free xf (0 for missing)."""
        if self.log_ratio.shape[0] == 1:  # all items dichotomous: one product
            return xf @ self.log_ratio[0]
        out = np.zeros((xf.shape[0], self.log_p0.shape[1]))
        for k in range(1, self.log_ratio.shape[0] + 1):
            out += (xf == k).astype(np.float64) @ self.log_ratio[k - 1]
        return out


# ----------------------------------------------------------------------------------------------------
# result
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AbilityResult:
    """Ability estimates for every person.

    Attributes
    ----------
    theta : ndarray (n_persons,)
        Estimate (NaN for ML/WLE when the person answered nothing).
    se : ndarray (n_persons,)
        Standard error, 1/√(information) at the estimate; inf where the estimate sits on a bound.
        EAP, EAPsum: the posterior SD. With ``information="observed"`` (the default, as R mirt's
        ``fscores``, which inverts the Hessian of the objective it maximises):
        ML: −d²/dθ² log L(θ); MAP: −d²/dθ² [log L(θ) + log φ(θ; μ, σ)] = −d²/dθ² log L + 1/σ²;
        WLE: −d²/dθ² [log L(θ) + ½ log I(θ)], the curvature of Warm's weighted likelihood.
        With ``information="expected"``: the test (Fisher) information I(θ) of the answered items
        for ML and WLE (Warm's asymptotic SE, and Python mirt's), I(θ) + 1/σ² for MAP. For 1PL,
        2PL, PCM and GPCM items observed and expected information are equal for ML (canonical
        links); they differ for 3PL and GRM items.
    information : str
        "observed", "expected" or "posterior" (EAP, EAPsum): what `se` inverts.
    expected_fallback : ndarray of bool (n_persons,) or None
        Persons whose observed information was not positive (possible with 3PL or GRM items far
        from the item locations): their `se` uses the expected information instead.
    method : str
        "eap", "map", "ml", "wle" or "eapsum".
    at_bound : ndarray of bool (n_persons,)
        The estimate was stopped at a bound (ML for all-0 / all-maximum patterns and any estimate
        that ran out of `bounds`).
    n_answered : ndarray of int (n_persons,)
        Items each person answered.
    converged : ndarray of bool (n_persons,)
        The Newton iteration met `tol` (always True for EAP); a ConvergenceWarning names the others.
    """

    theta: np.ndarray
    se: np.ndarray
    method: str
    at_bound: np.ndarray
    n_answered: np.ndarray
    converged: np.ndarray
    information: str = "posterior"
    expected_fallback: np.ndarray | None = None

    def summary(self) -> Table:
        ok = np.isfinite(self.theta)
        th, se = self.theta[ok], self.se[ok & np.isfinite(self.se)]
        rows = [
            ("persons", int(self.theta.size)),
            ("estimated", int(ok.sum())),
            ("at bound", int(self.at_bound.sum())),
            ("not converged", int((~self.converged).sum())),
            ("mean θ", float(th.mean()) if th.size else None),
            ("SD θ", float(th.std()) if th.size else None),
            ("min θ", float(th.min()) if th.size else None),
            ("max θ", float(th.max()) if th.size else None),
            ("mean SE", float(se.mean()) if se.size else None),
        ]
        notes = (_SE_NOTES[self.information],)
        if self.expected_fallback is not None and self.expected_fallback.any():
            notes += (
                f"{int(self.expected_fallback.sum())} คนใช้สารสนเทศคาดหมายแทน เพราะสารสนเทศสังเกตไม่เป็นบวก "
                f"({int(self.expected_fallback.sum())} persons: observed information not positive, "
                "expected information used)",
            )
        return Table(
            f"ความสามารถของผู้สอบ (ability, {self.method.upper()})", ("statistic", "value"), rows, notes
        )


_SE_NOTES = {
    "posterior": "SE = ส่วนเบี่ยงเบนมาตรฐานของการแจกแจงภายหลัง (SE = posterior SD)",
    "observed": "SE = 1/√(สารสนเทศสังเกต: ความโค้งของฟังก์ชันที่ใช้ประมาณค่า) "
    "(SE = 1/√observed information, the curvature of the maximised function, as R mirt)",
    "expected": "SE = 1/√(สารสนเทศของแบบทดสอบ) (SE = 1/√expected (Fisher) test information)",
}


# ----------------------------------------------------------------------------------------------------
# EAP
# ----------------------------------------------------------------------------------------------------
def _posterior(tables: _GridTables, log_w: np.ndarray, xf: np.ndarray) -> np.ndarray:
    """Normalised posterior weights at the grid points, (n, q)."""
    lp = tables.loglik(xf)
    lp += log_w
    lp -= lp.max(axis=1, keepdims=True)
    np.exp(lp, out=lp)
    lp /= lp.sum(axis=1, keepdims=True)
    return lp


def _usable_cores() -> int:
    """Cores this process may run on (the affinity mask, not the host's count), at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _map_chunks(work, n: int, chunk_size: int) -> None:
    """Run work(start, stop) over all chunks, on every core when there is more than one chunk.

    numpy releases the GIL in its array loops and BLAS, so threads share the cores without copies.
    """
    spans = list(_chunks(n, chunk_size))
    workers = min(len(spans), _usable_cores())
    if workers <= 1:
        for s, e in spans:
            work(s, e)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(work, s, e) for s, e in spans]:
            future.result()


def _eap(params, x, nodes, weights, chunk_size, n_cat, person_prior=None):
    """EAP and posterior SD; `person_prior` = (means, sds) per person adds each person's own normal
    prior to uniform `weights` on the grid."""
    tables = _GridTables.build(params, nodes)
    log_w = np.log(weights)
    shift = log_w + tables.log_p0_sum  # added once per chunk when nothing is missing
    moments = np.stack([np.ones_like(nodes), nodes, nodes**2], axis=1)  # (q, 3)
    n = x.shape[0]
    theta, se = np.empty(n), np.empty(n)
    answered = np.empty(n, dtype=np.int64)

    def work(s: int, e: int) -> None:
        xf = chunk_as_float(x, s, e, n_cat)
        missing = np.isnan(xf)
        if missing.any():
            lp = tables.loglik(xf)
            lp += log_w
            answered[s:e] = (~missing).sum(axis=1)
        else:
            lp = tables.loglik_complete(xf)
            lp += shift
            answered[s:e] = xf.shape[1]
        if person_prior is not None:
            mu, sd = person_prior[0][s:e, None], person_prior[1][s:e, None]
            lp -= 0.5 * ((nodes - mu) / sd) ** 2
        lp -= lp.max(axis=1, keepdims=True)
        np.exp(lp, out=lp)
        m = lp @ moments  # Σ w, Σ w θ, Σ w θ² in one product
        mean = m[:, 1] / m[:, 0]
        theta[s:e] = mean
        se[s:e] = np.sqrt(np.maximum(m[:, 2] / m[:, 0] - mean**2, 0.0))

    _map_chunks(work, n, chunk_size)
    return theta, se, answered


# ----------------------------------------------------------------------------------------------------
# ML, MAP, WLE: grid start then Newton over all persons at once
# ----------------------------------------------------------------------------------------------------
def response_derivatives(
    params: ItemParameters, theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P, dP/dθ and d²P/dθ² for each person's own θ: arrays (n, n_items, K).

    Parameters
    ----------
    params : ItemParameters
    theta : ndarray (n,)

    Returns
    -------
    p, dp, d2p : ndarray of shape (n, n_items, max_categories); unused categories are 0.
    """
    theta = np.asarray(theta, float)
    n, m, kmax = theta.size, params.n_items, params.max_categories
    p = np.zeros((n, m, kmax))
    dp = np.zeros_like(p)
    d2p = np.zeros_like(p)
    models = np.asarray(params.model)
    dich = np.flatnonzero(np.isin(models, ("1pl", "rasch", "2pl", "3pl")))
    grm = np.flatnonzero(models == "grm")
    pcm = np.flatnonzero(np.isin(models, ("gpcm", "pcm")))
    if dich.size:
        a, b, c = params.a[dich], params.b[dich], params.c[dich]
        s = expit(a * (theta[:, None] - b))
        p1 = c + (1 - c) * s
        d1 = (1 - c) * a * s * (1 - s)
        d2 = d1 * a * (1 - 2 * s)
        p[:, dich, 1], p[:, dich, 0] = p1, 1 - p1
        dp[:, dich, 1], dp[:, dich, 0] = d1, -d1
        d2p[:, dich, 1], d2p[:, dich, 0] = d2, -d2
    if grm.size:
        a, thr = params.a[grm], params.thresholds[grm]
        s = np.nan_to_num(expit(a[:, None] * (theta[:, None, None] - thr)), nan=0.0)  # (n, g, K-1)
        ds = a[:, None] * s * (1 - s)
        d2s = a[:, None] * ds * (1 - 2 * s)
        one, zero = np.ones(s.shape[:2] + (1,)), np.zeros(s.shape[:2] + (1,))
        cum = np.concatenate([one, s, zero], axis=2)
        dcum = np.concatenate([zero, ds, zero], axis=2)
        d2cum = np.concatenate([zero, d2s, zero], axis=2)
        k = thr.shape[1] + 1
        p[:, grm, :k] = np.maximum(cum[:, :, :-1] - cum[:, :, 1:], 0.0)
        dp[:, grm, :k] = dcum[:, :, :-1] - dcum[:, :, 1:]
        d2p[:, grm, :k] = d2cum[:, :, :-1] - d2cum[:, :, 1:]
    if pcm.size:
        sub = params.subset(pcm)
        a = params.a[pcm]
        k = sub.thresholds.shape[1] + 1
        steps = a[:, None] * (theta[:, None, None] - sub.thresholds)  # (n, g, K-1)
        z = np.concatenate([np.zeros(steps.shape[:2] + (1,)), np.cumsum(np.nan_to_num(steps), axis=2)], 2)
        valid = np.concatenate([np.ones((pcm.size, 1), bool), ~np.isnan(sub.thresholds)], axis=1)
        z = np.where(valid[None], z, -np.inf)
        z -= z.max(axis=2, keepdims=True)
        pk = np.exp(z)
        pk /= pk.sum(axis=2, keepdims=True)
        kk = np.arange(k, dtype=float)
        mean = pk @ kk
        var = pk @ kk**2 - mean**2
        dev = kk - mean[..., None]
        p[:, pcm, :k] = pk
        dp[:, pcm, :k] = a[:, None] * pk * dev
        d2p[:, pcm, :k] = a[:, None] ** 2 * pk * (dev**2 - var[..., None])
    return p, dp, d2p


def _score_terms(params, theta, codes, observed, need_j: bool):
    """Per person: score S, observed Hessian H of log L, Fisher information I and (for WLE) J."""
    if params.max_categories == 2:
        return _dichotomous_terms(params, theta, codes, observed, need_j)
    p, dp, d2p = response_derivatives(params, theta)
    pos = np.maximum(p, _LOG_FLOOR)
    idx = codes[..., None]
    px = np.take_along_axis(pos, idx, 2)[..., 0]
    dpx = np.take_along_axis(dp, idx, 2)[..., 0]
    d2px = np.take_along_axis(d2p, idx, 2)[..., 0]
    obs = observed.astype(float)
    ratio = dpx / px
    score = (obs * ratio).sum(axis=1)
    hess = (obs * (d2px / px - ratio**2)).sum(axis=1)
    info = (obs * (dp**2 / pos).sum(axis=2)).sum(axis=1)
    j = (obs * (dp * d2p / pos).sum(axis=2)).sum(axis=1) if need_j else None
    return score, hess, info, j


def _sigmoid_inplace(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(−z)) written over z (about twice as fast as scipy's expit on large arrays)."""
    np.negative(z, out=z)
    with np.errstate(over="ignore"):  # exp(710+) = inf gives exactly 0, as it should
        np.exp(z, out=z)
    z += 1.0
    return np.reciprocal(z, out=z)


def _dichotomous_terms(params, theta, codes, observed, need_j: bool):
    """The same sums for 0/1 items without the category axis (Warm 1989, eqs. for the 3PL).

    With P' = (1 − c) a s (1 − s), P'' = P' a (1 − 2s):  S = Σ P'(x − P)/(PQ),
    I = Σ P'²/(PQ),  J = Σ P' P''/(PQ),  H = Σ [x (P''/P − P'²/P²) − (1 − x)(P''/Q + P'²/Q²)].
    """
    a, b, c = params.a, params.b, params.c
    s = _sigmoid_inplace(a * (theta[:, None] - b))
    if not c.any():
        # 1PL/2PL: P' = a P Q, so S = Σ a (x − P), I = −H = Σ a² P Q, J = Σ a³ P Q (1 − 2P)
        x = codes.astype(float)
        complete = bool(observed.all())
        if not complete:
            s = np.where(observed, s, 0.0)
        pq = s * (1 - s)
        # einsum, not BLAS gemv: for (n × items) · (items,) it is several times faster here
        score = np.einsum("ij,j->i", x - s, a)
        info = np.einsum("ij,j->i", pq, a**2)
        j = np.einsum("ij,j->i", pq * (1 - 2 * s), a**3) if need_j else None
        return score, -info, info, j
    p = np.clip(c + (1 - c) * s, _LOG_FLOOR, 1 - 1e-16)
    q = 1 - p
    d1 = (1 - c) * a * s * (1 - s)
    d2 = d1 * a * (1 - 2 * s)
    obs = observed.astype(float)
    x = codes.astype(float)
    pq = p * q
    score = (obs * d1 * (x - p) / pq).sum(axis=1)
    r_p, r_q = d1 / p, d1 / q
    hess = (obs * np.where(x > 0, d2 / p - r_p**2, -d2 / q - r_q**2)).sum(axis=1)
    info = (obs * d1**2 / pq).sum(axis=1)
    j = (obs * d1 * d2 / pq).sum(axis=1) if need_j else None
    return score, hess, info, j


def _estimating_function(params, method, theta, codes, observed, prior_mean, prior_sd):
    score, hess, info, j = _score_terms(params, theta, codes, observed, method == "wle")
    if method == "map":
        score = score - (theta - prior_mean) / prior_sd**2
        hess = hess - 1.0 / prior_sd**2
    elif method == "wle":
        with np.errstate(divide="ignore", invalid="ignore"):
            score = score + np.where(info > 0, j / (2 * info), 0.0)
    return score, hess, info


def _grid_start(params, xf, method, bounds, prior_mean, prior_sd):
    # prior_mean, prior_sd: one value per row of xf
    """Best point of the objective on a 0.25-spaced grid, refined by the parabola through it."""
    grid = np.linspace(bounds[0], bounds[1], int(round(4 * (bounds[1] - bounds[0]))) + 1)
    tables = _GridTables.build(params, grid)
    obj = tables.loglik(xf)
    if method == "map":
        obj -= 0.5 * ((grid - prior_mean[:, None]) / prior_sd[:, None]) ** 2
    elif method == "wle":
        from psychometrics.irt.models import item_information

        info_grid = item_information(params, grid)  # (q, items)
        test_info = (~np.isnan(xf)).astype(float) @ info_grid.T  # (n, q)
        with np.errstate(divide="ignore"):
            obj += 0.5 * np.log(test_info)
    k = np.clip(np.argmax(obj, axis=1), 1, grid.size - 2)
    rows = np.arange(obj.shape[0])
    left, mid, right = obj[rows, k - 1], obj[rows, k], obj[rows, k + 1]
    curve = left - 2 * mid + right
    h = grid[1] - grid[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        offset = np.where(curve < 0, 0.5 * h * (left - right) / curve, 0.0)
    return grid[k] + np.clip(np.nan_to_num(offset), -h, h)


def _newton(params, xf, method, bounds, prior_mean, prior_sd, max_iter, tol):
    """Newton steps for all persons at once (ML, MAP: analytic Hessian; WLE: secant slope)."""
    observed = ~np.isnan(xf)
    codes = np.where(observed, xf, 0).astype(np.intp)
    theta = _grid_start(params, xf, method, bounds, prior_mean, prior_sd)
    lo, hi = bounds
    active = np.arange(theta.size)
    prev_theta = np.full(theta.size, np.nan)
    prev_f = np.full(theta.size, np.nan)
    for _ in range(max_iter):
        if active.size == 0:
            break
        th = theta[active]
        f, hess, info = _estimating_function(
            params, method, th, codes[active], observed[active], prior_mean[active], prior_sd[active]
        )
        if method == "wle":
            # Warm's corrected score has no closed-form derivative: the secant through the last two
            # iterates is the Newton slope (Fisher information on the first step or when not negative)
            with np.errstate(divide="ignore", invalid="ignore"):
                hess = (f - prev_f[active]) / (th - prev_theta[active])
            hess = np.where(np.isfinite(hess), hess, 0.0)
            prev_theta[active], prev_f[active] = th, f
        slope = np.where(hess < 0, hess, -np.maximum(info + (method == "map") / prior_sd[active] ** 2, 1e-12))
        step = np.clip(-f / slope, -1.0, 1.0)
        new = np.clip(th + step, lo, hi)
        theta[active] = new
        moved = np.abs(new - th) > tol
        pinned = ((new <= lo) & (f < 0)) | ((new >= hi) & (f > 0))
        active = active[moved & ~pinned]
    converged = np.ones(theta.size, dtype=bool)
    converged[active] = False
    return theta, converged


def _se_information(params, method, kind, theta, codes, observed, hess, fisher, prior_sd):
    """The information whose inverse root is the SE (AbilityResult.se), and where it fell back.

    Observed: minus the second derivative of the maximised function; for WLE the term ½ log I(θ)
    is differentiated twice by central differences of the analytic test information (h = 1e-3:
    truncation ~1e-7, rounding ~1e-10 relative). Where the observed value is not positive the
    expected information is used (flagged).
    """
    if kind == "expected":
        base = fisher.copy()
        fallback = np.zeros(theta.size, dtype=bool)
    else:
        base = -hess
        if method == "wle":
            h = 1e-3
            up = _score_terms(params, theta + h, codes, observed, False)[2]
            down = _score_terms(params, theta - h, codes, observed, False)[2]
            with np.errstate(divide="ignore", invalid="ignore"):
                base = base - 0.5 * (np.log(up) - 2 * np.log(fisher) + np.log(down)) / h**2
        fallback = ~(base > 0)
        base = np.where(fallback, fisher, base)
    if method == "map":
        base = base + 1.0 / prior_sd**2
    return base, fallback


def _point_estimates(
    params, x, method, bounds, prior_mean, prior_sd, chunk_size, n_cat, max_iter, tol, information
):
    n = x.shape[0]
    theta = np.full(n, np.nan)
    se = np.full(n, np.nan)
    fell_back = np.zeros(n, dtype=bool)
    at_bound = np.zeros(n, dtype=bool)
    answered = np.zeros(n, dtype=np.int64)
    converged = np.ones(n, dtype=bool)
    max_score = n_cat - 1

    def work(s: int, e: int) -> None:
        xf = chunk_as_float(x, s, e, n_cat)
        observed = ~np.isnan(xf)
        n_obs = observed.sum(axis=1)
        answered[s:e] = n_obs
        raw = np.where(observed, xf, 0).sum(axis=1)
        top = (observed * max_score).sum(axis=1)
        has = n_obs > 0
        if method == "map":
            has = np.ones_like(has)
        t = np.full(e - s, np.nan)
        ok = np.ones(e - s, dtype=bool)
        ext_lo = has & (raw == 0) & (method == "ml")
        ext_hi = has & (raw == top) & (method == "ml")
        solve = has & ~ext_lo & ~ext_hi
        if solve.any():
            t[solve], ok[solve] = _newton(
                params, xf[solve], method, bounds, prior_mean[s:e][solve], prior_sd[s:e][solve], max_iter, tol
            )
        t[ext_lo], t[ext_hi] = bounds[0], bounds[1]
        bound = has & ((t <= bounds[0]) | (t >= bounds[1]))
        info = np.zeros(e - s)
        if has.any():
            codes = np.where(observed, xf, 0).astype(np.intp)
            _, hess, fisher, _ = _score_terms(params, t[has], codes[has], observed[has], False)
            info[has], fell_back[s:e][has] = _se_information(
                params,
                method,
                information,
                t[has],
                codes[has],
                observed[has],
                hess,
                fisher,
                prior_sd[s:e][has],
            )
        with np.errstate(divide="ignore"):
            err = 1.0 / np.sqrt(info)
        err[bound] = np.inf
        err[~has] = np.nan
        theta[s:e], se[s:e], at_bound[s:e], converged[s:e] = t, err, bound, ok

    _map_chunks(work, n, chunk_size)
    return theta, se, at_bound, answered, converged, fell_back & np.isfinite(se)


# ----------------------------------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------------------------------
def _eapsum(params, x, n_cat, n_quadrature, rule, mu, sd, chunk_size) -> AbilityResult:
    """EAP of each person's summed score from the summed-score table: equal raw scores, equal θ."""
    m0, s0 = (float(mu[0]), float(sd[0])) if x.shape[0] else (0.0, 1.0)
    table = summed_score_table(
        params, n_quadrature=n_quadrature, quadrature_rule=rule, prior_mean=m0, prior_sd=s0
    )
    raw = np.empty(x.shape[0], dtype=np.intp)
    for s, e in _chunks(x.shape[0], chunk_size):
        xf = chunk_as_float(x, s, e, n_cat)
        blank = np.isnan(xf)
        if blank.any():
            r, c = np.argwhere(blank)[0]
            raise PsychometricsError(
                f"แถว {s + r + 1} คอลัมน์ {c + 1}: EAPsum ต้องมีคำตอบทุกข้อ (ให้คะแนนข้อที่เว้นว่างเป็น 0 ก่อน) "
                f"(row {s + r + 1}, column {c + 1}: EAPsum needs every item answered; score blanks as 0 first)"
            )
        raw[s:e] = xf.sum(axis=1).astype(np.intp)
    theta, se = table.theta[raw], table.sd[raw]
    n = x.shape[0]
    return AbilityResult(
        theta, se, "eapsum", np.zeros(n, bool), np.full(n, params.n_items, np.int64), np.ones(n, bool)
    )


def _person_priors(prior_mean, prior_sd, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Prior mean and SD as one value per person (broadcast views of scalars)."""
    try:
        mu = np.broadcast_to(np.asarray(prior_mean, float), (n,))
        sd = np.broadcast_to(np.asarray(prior_sd, float), (n,))
    except ValueError:
        raise PsychometricsError(
            f"prior_mean และ prior_sd ต้องเป็นค่าเดียว หรือหนึ่งค่าต่อผู้สอบ ({n}) "
            f"(prior_mean and prior_sd must be one value or one per person: {n})"
        ) from None
    if not (np.all(np.isfinite(mu)) and np.all(sd > 0) and np.all(np.isfinite(sd))):
        raise PsychometricsError(
            "prior_sd ต้องมากกว่า 0 และ prior ต้องเป็นจำนวนจริง (prior_sd must be > 0, priors finite)"
        )
    return mu, sd


def ability(
    params: ItemParameters,
    responses: ArrayLike,
    method: str = "eap",
    *,
    n_quadrature: int = 61,
    quadrature_rule: str = "grid",
    prior_mean: float | ArrayLike = 0.0,
    prior_sd: float | ArrayLike = 1.0,
    chunk_size: int = _DEFAULT_CHUNK,
    bounds: tuple[float, float] = (-6.0, 6.0),
    max_iter: int = 100,
    tol: float = 1e-8,
    information: str = "observed",
) -> AbilityResult:
    """Estimate θ for every person from fixed item parameters.

    Parameters
    ----------
    params : ItemParameters
        Item parameters (any mix of 1PL/2PL/3PL/GRM/GPCM/PCM items).
    responses : array_like of shape (n_persons, n_items)
        Scores 0..K−1; NaN (float) or a negative code (integer) = not answered.
    method : {"eap", "map", "ml", "wle", "eapsum"}
        EAP: posterior mean and SD on `n_quadrature` nodes (Bock & Mislevy 1982).
        MAP: posterior mode. ML: likelihood maximum; all-0 and all-maximum patterns get the
        bound, se = inf and ``at_bound``. WLE: Warm's (1989) weighted likelihood, finite for
        extreme patterns under 1PL/2PL. EAPsum: the EAP of the summed score (Thissen et al. 1995),
        so equal raw scores get equal θ, as paper exams need; every item must be answered.
    n_quadrature : int, default=61
        Nodes for EAP; the grid rule takes more for tests informative enough that a posterior is
        narrower than the grid spacing (see :func:`grid_points`).
    quadrature_rule : {"grid", "hermite"}, default="grid"
        EAP integration rule (see :func:`quadrature`): 61 equally spaced points over ±6 prior SD
        as R mirt, or Gauss–Hermite as Python mirt.
    prior_mean, prior_sd : float or array_like (n_persons,)
        Normal prior N(prior_mean, prior_sd²) for EAP and MAP; one value per person gives each
        person the ability distribution of his or her group (e.g. a multiple-group calibration's
        group means and variances).  With different priors EAP uses one equally spaced grid of
        `n_quadrature` points over all the groups' ±6 SD ranges.
    chunk_size : int, default=8192
        Persons per chunk (EAP; the Newton methods use smaller chunks of about 2**18 cells); the
        work arrays of one chunk take about chunk_size × n_quadrature × 8 B each, per core.
    bounds : (float, float), default=(-6, 6)
        Range of ML/MAP/WLE estimates.
    max_iter, tol : int, float
        Newton iterations and step tolerance for ML/MAP/WLE.
    information : {"observed", "expected"}, default="observed"
        What the ML, MAP and WLE standard errors invert (see :class:`AbilityResult`): the observed
        information, minus the curvature of the maximised function at the estimate (R mirt's
        ``fscores``), or the expected (Fisher) test information (Python mirt's ML and WLE).
        EAP and EAPsum report the posterior SD either way.

    Returns
    -------
    AbilityResult
    """
    method = method.lower()
    if method not in METHODS:
        raise PsychometricsError(
            f"ไม่รู้จักวิธีประมาณค่าความสามารถ {method!r} ต้องเป็น {', '.join(METHODS)} "
            f"(unknown ability method {method!r}; expected one of {', '.join(METHODS)})"
        )
    if not bounds[0] < bounds[1]:
        raise PsychometricsError(f"ขอบเขต θ ต้องเรียงจากน้อยไปมาก ได้ {bounds} (bounds must be (low, high))")
    if chunk_size < 1:
        raise PsychometricsError("chunk_size ต้องเป็นจำนวนเต็มบวก (chunk_size must be positive)")
    if information not in ("observed", "expected"):
        raise PsychometricsError(
            f"information ต้องเป็น 'observed' หรือ 'expected' (information must be 'observed' or "
            f"'expected', got {information!r})"
        )
    x = check_responses(responses, params)
    n_cat = params.n_categories.astype(float)
    mu, sd = _person_priors(prior_mean, prior_sd, x.shape[0])
    shared = x.shape[0] == 0 or (np.all(mu == mu[0]) and np.all(sd == sd[0]))
    if method == "eapsum":
        if not shared:
            raise PsychometricsError("EAPsum ใช้ prior เดียวกันทุกคน (EAPsum needs one prior for everybody)")
        return _eapsum(params, x, n_cat, n_quadrature, quadrature_rule, mu, sd, chunk_size)
    if method == "eap":
        if shared:
            m0, s0 = (float(mu[0]), float(sd[0])) if x.shape[0] else (0.0, 1.0)
            n_q = n_quadrature
            if quadrature_rule == "grid":  # long, informative tests get a finer grid
                n_q = grid_points(
                    params, n_quadrature, m0 - GRID_HALF_WIDTH * s0, m0 + GRID_HALF_WIDTH * s0, s0
                )
            nodes, weights = quadrature(n_q, m0, s0, quadrature_rule)
            theta, se, answered = _eap(params, x, nodes, weights, chunk_size, n_cat)
        else:
            if quadrature_rule != "grid":
                raise PsychometricsError(
                    "prior รายบุคคลใช้ได้กับ quadrature_rule='grid' เท่านั้น "
                    "(per-person priors need quadrature_rule='grid')"
                )
            lo, hi = float(np.min(mu - GRID_HALF_WIDTH * sd)), float(np.max(mu + GRID_HALF_WIDTH * sd))
            nodes = np.linspace(lo, hi, grid_points(params, n_quadrature, lo, hi, float(np.min(sd))))
            theta, se, answered = _eap(params, x, nodes, np.ones_like(nodes), chunk_size, n_cat, (mu, sd))
        ok = np.ones(theta.size, bool)
        return AbilityResult(theta, se, method, np.zeros(theta.size, bool), answered, ok)
    # Newton works on (chunk × items × K) arrays: keep those near the EAP chunk's footprint
    chunk = max(1, min(chunk_size, (1 << 18) // max(1, params.n_items * params.max_categories)))
    theta, se, at_bound, answered, converged, fallback = _point_estimates(
        params, x, method, bounds, mu, sd, chunk, n_cat, max_iter, tol, information
    )
    if not converged.all():
        warnings.warn(
            f"{method.upper()}: {int((~converged).sum())} คนยังไม่ลู่เข้าใน {max_iter} รอบ "
            f"({int((~converged).sum())} persons did not converge in {max_iter} Newton steps; "
            "see AbilityResult.converged)",
            ConvergenceWarning,
            stacklevel=2,
        )
    return AbilityResult(theta, se, method, at_bound, answered, converged, information, fallback)


def plausible_values(
    params: ItemParameters,
    responses: ArrayLike,
    n_draws: int,
    rng: np.random.Generator,
    *,
    prior_mean: float | ArrayLike = 0.0,
    prior_sd: float | ArrayLike = 1.0,
    n_grid: int = 241,
    chunk_size: int = 1 << 14,
) -> np.ndarray:
    """Draws from each person's posterior of θ (Mislevy 1991), shape (n_persons, n_draws).

    The posterior is evaluated on `n_grid` equally spaced points over prior_mean ± 7 prior_sd (over
    all persons' ranges when the priors differ); a draw picks a cell by the inverse posterior CDF and a
    uniform position inside it, so draws are continuous.

    Parameters
    ----------
    params : ItemParameters
    responses : array_like (n_persons, n_items), NaN = missing
    n_draws : int
        Plausible values per person.
    rng : numpy.random.Generator
        The only source of randomness.
    prior_mean, prior_sd : float or array_like (n_persons,)
        Normal population model, one for all or one per person (e.g. by group).
    n_grid : int
        Grid points.
    chunk_size : int
        Persons per chunk.

    Returns
    -------
    ndarray (n_persons, n_draws)
    """
    if n_draws < 1:
        raise PsychometricsError(f"จำนวนค่าที่สุ่มต้องมากกว่า 0 ได้ {n_draws} (n_draws must be ≥ 1)")
    x = check_responses(responses, params)
    mu, sd = _person_priors(prior_mean, prior_sd, x.shape[0])
    n_cat = params.n_categories.astype(float)
    lo = float(np.min(mu - 7 * sd)) if x.shape[0] else -7.0
    hi = float(np.max(mu + 7 * sd)) if x.shape[0] else 7.0
    grid = np.linspace(lo, hi, n_grid)
    width = grid[1] - grid[0]
    tables = _GridTables.build(params, grid)
    out = np.empty((x.shape[0], n_draws))
    for s, e in _chunks(x.shape[0], chunk_size):
        post = tables.loglik(chunk_as_float(x, s, e, n_cat))
        post -= 0.5 * ((grid - mu[s:e, None]) / sd[s:e, None]) ** 2
        post -= post.max(axis=1, keepdims=True)
        np.exp(post, out=post)
        post /= post.sum(axis=1, keepdims=True)
        cdf = np.cumsum(post, axis=1)
        cdf[:, -1] = 1.0
        u = rng.random((e - s, n_draws))
        cell = np.empty((e - s, n_draws), dtype=np.intp)
        for d in range(n_draws):  # loops over draws, not persons
            cell[:, d] = (cdf < u[:, d : d + 1]).sum(axis=1)
        out[s:e] = grid[cell] + width * (rng.random((e - s, n_draws)) - 0.5)
    return out


# ----------------------------------------------------------------------------------------------------
# summed-score EAP table
# ----------------------------------------------------------------------------------------------------
def score_distribution(params: ItemParameters, theta: ArrayLike) -> np.ndarray:
    """P(total score = s | θ) by the Lord–Wingersky recursion, shape (n_theta, max_score + 1).

    Parameters
    ----------
    params : ItemParameters
        Items of the test (dichotomous and polytomous mixed).
    theta : array_like (n_theta,)

    Returns
    -------
    ndarray (n_theta, 1 + Σ_j (K_j − 1))
    """
    theta = np.atleast_1d(np.asarray(theta, float))
    probs = category_probabilities(params, theta)  # (q, items, K)
    n_cat = params.n_categories
    total = int((n_cat - 1).sum())
    dist = np.zeros((theta.size, total + 1))
    dist[:, 0] = 1.0
    top = 0
    for j in range(params.n_items):  # loops over items only
        k_j = int(n_cat[j])
        new = np.zeros_like(dist[:, : top + k_j])
        for k in range(k_j):
            new[:, k : k + top + 1] += dist[:, : top + 1] * probs[:, j, k : k + 1]
        top += k_j - 1
        dist[:, : top + 1] = new
    return dist


@dataclass(frozen=True)
class SummedScoreTable:
    """Summed-score EAP conversion: raw score → θ (EAP), posterior SD → scale score.

    Attributes
    ----------
    score : ndarray of int (S,)        raw scores 0..max
    theta, sd : ndarray (S,)           EAP[θ | score] and posterior SD
    scale_score, scale_sd : ndarray (S,)  slope × θ + intercept and slope × SD
    probability : ndarray (S,)         model-implied share of persons at each score
    """

    score: np.ndarray
    theta: np.ndarray
    sd: np.ndarray
    scale_score: np.ndarray
    scale_sd: np.ndarray
    probability: np.ndarray

    def lookup(self, raw_scores: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """θ and SD for integer raw scores (vectorised)."""
        raw = np.asarray(raw_scores)
        if np.any((raw < 0) | (raw > self.score[-1]) | (raw != np.round(raw))):
            raise PsychometricsError(
                f"คะแนนดิบต้องเป็นจำนวนเต็ม 0–{int(self.score[-1])} "
                f"(raw scores must be integers 0–{int(self.score[-1])})"
            )
        idx = raw.astype(np.intp)
        return self.theta[idx], self.sd[idx]

    def summary(self) -> Table:
        return table_from_columns(
            "ตารางแปลงคะแนนดิบเป็นคะแนนมาตรฐาน (summed-score EAP)",
            {
                "score": self.score,
                "theta": self.theta.round(4),
                "sd": self.sd.round(4),
                "scale_score": self.scale_score.round(3),
                "scale_sd": self.scale_sd.round(3),
                "probability": self.probability.round(5),
            },
        )


def summed_score_table(
    params: ItemParameters,
    scale: tuple[float, float] = (1.0, 0.0),
    *,
    n_quadrature: int = 61,
    quadrature_rule: str = "grid",
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> SummedScoreTable:
    """The summed-score EAP conversion table (Thissen et al. 1995) that paper exams use.

    EAP[θ | s] = ∫ θ L_s(θ) φ(θ) dθ / ∫ L_s(θ) φ(θ) dθ, with L_s the Lord–Wingersky score likelihood.

    Parameters
    ----------
    params : ItemParameters
        The form's items (mixed dichotomous/polytomous).
    scale : (slope, intercept), default=(1, 0)
        Linear transformation to the reporting scale: scale = slope · θ + intercept (e.g. (100, 500)).
    n_quadrature : int
        Nodes.
    quadrature_rule : {"grid", "hermite"}
        Integration rule, as in :func:`ability`.
    prior_mean, prior_sd : float
        Population N(prior_mean, prior_sd²).

    Returns
    -------
    SummedScoreTable
    """
    slope, intercept = scale
    _check_rule(n_quadrature, prior_sd)
    if quadrature_rule == "grid":
        low, high = prior_mean - GRID_HALF_WIDTH * prior_sd, prior_mean + GRID_HALF_WIDTH * prior_sd
        n_quadrature = grid_points(params, n_quadrature, low, high, prior_sd)
    nodes, weights = quadrature(n_quadrature, prior_mean, prior_sd, quadrature_rule)
    joint = score_distribution(params, nodes) * weights[:, None]  # (q, S)
    marginal = joint.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = nodes @ joint / marginal
        var = (nodes**2) @ joint / marginal - mean**2
    sd = np.sqrt(np.maximum(var, 0.0))
    return SummedScoreTable(
        np.arange(marginal.size), mean, sd, slope * mean + intercept, abs(slope) * sd, marginal
    )

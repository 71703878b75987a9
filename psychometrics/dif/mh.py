"""Mantel–Haenszel DIF for 0/1 items (Holland & Thayer 1988), with difR's iterative purification."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import chi2, norm

from psychometrics.dif._data import (
    _ROWS,
    DELTA_SCALE,
    _as_float,
    _dichotomous_matrix,
    _focal_mask,
    _item_ids,
    _number_right,
)
from psychometrics.errors import PsychometricsError
from psychometrics.tables import Table, table_from_columns


# ----------------------------------------------------------------------------------------------------
# Mantel–Haenszel
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MantelHaenszelResult:
    """Mantel–Haenszel DIF for each item.

    Attributes
    ----------
    item_ids : tuple of str
    alpha_mh : ndarray (n_items,)      common odds ratio (reference : focal)
    chi2 : ndarray                     MH χ² with continuity correction, df = 1
    p_value : ndarray
    delta : ndarray                    ETS Δ_MH = −2.35 ln α_MH (negative: harder for the focal group)
    delta_se : ndarray                 SE of Δ_MH (Robins–Breslow–Greenland variance)
    ets_class : tuple of str           "A", "B+", "B-", "C+", "C-"
    n_strata : ndarray of int          strata that held both groups
    dropped_from_matching : tuple of str
        Items left out of the other items' matching score in the last pass (purification).
    flagged : ndarray of bool (n_items,)
        DIF items by `flag_by` in the last pass (difR's ``DIFitems``).
    flag_by : str                      "chi2", "logor" or "ets"
    n_iterations : int                 purification passes after the first (difR's ``nrPur``)
    converged : bool                   the flagged set was stable (difR's ``convergence``)
    purification_history : ndarray of bool (n_iterations + 1, n_items)
        Flagged items at each pass, the first pass first (difR's ``difPur``).
    """

    item_ids: tuple[str, ...]
    alpha_mh: np.ndarray
    chi2: np.ndarray
    p_value: np.ndarray
    delta: np.ndarray
    delta_se: np.ndarray
    ets_class: tuple[str, ...]
    n_strata: np.ndarray
    dropped_from_matching: tuple[str, ...] = ()
    flagged: np.ndarray | None = None
    flag_by: str = "chi2"
    n_iterations: int = 0
    converged: bool = True
    purification_history: np.ndarray | None = None

    def summary(self) -> Table:
        notes = (
            "A: |Δ| < 1 หรือไม่มีนัยสำคัญ; C: |Δ| ≥ 1.5 และมากกว่า 1 อย่างมีนัยสำคัญ; B: อื่น ๆ "
            "(− ยากกว่าสำหรับกลุ่มเป้าหมาย, + ง่ายกว่า)",
        )
        if self.dropped_from_matching:
            notes += (
                "คะแนนจับคู่ไม่รวมข้อ (purified matching without): " + ", ".join(self.dropped_from_matching),
            )
        if self.n_iterations:
            notes += (
                (
                    f"ทำให้บริสุทธิ์ {self.n_iterations} รอบ ชุดข้อที่ถูกชี้คงที่แล้ว "
                    f"(purification converged after {self.n_iterations} iterations)"
                )
                if self.converged
                else (
                    f"ทำให้บริสุทธิ์ครบ {self.n_iterations} รอบแต่ชุดข้อยังไม่คงที่ ผลจากรอบสุดท้าย "
                    f"(no purification convergence after {self.n_iterations} iterations; last pass shown)"
                ),
            )
        flagged = self.flagged if self.flagged is not None else np.zeros(len(self.item_ids), bool)
        return table_from_columns(
            "DIF แบบ Mantel–Haenszel (ETS Δ_MH)",
            {
                "item": self.item_ids,
                "alpha_MH": self.alpha_mh.round(4),
                "chi2_MH": self.chi2.round(3),
                "p": self.p_value.round(4),
                "delta_MH": self.delta.round(3),
                "se_delta": self.delta_se.round(3),
                "ETS": self.ets_class,
                "DIF": ["DIF" if f else "" for f in flagged],
            },
            notes=notes,
        )


def ets_class(
    delta: np.ndarray, delta_se: np.ndarray, p_value: np.ndarray, alpha: float = 0.05
) -> tuple[str, ...]:
    """ETS A/B/C classes (Zwick 2012).

    A: |Δ| < 1 or the MH χ² is not significant at `alpha`; C: |Δ| ≥ 1.5 and |Δ| significantly
    greater than 1 (one-sided z test of |Δ| − 1 at `alpha`); B: otherwise.  "+" favours the focal
    group (Δ > 0), "−" the reference group.
    """
    delta, delta_se, p_value = map(np.asarray, (delta, delta_se, p_value))
    size = np.abs(delta)
    with np.errstate(divide="ignore", invalid="ignore"):
        above_one = (size - 1.0) / delta_se > norm.ppf(1 - alpha)
    out = []
    for d, s, p, big in zip(delta.tolist(), size.tolist(), p_value.tolist(), above_one.tolist(), strict=True):
        if np.isnan(d):
            out.append("")
        elif s < 1.0 or not p < alpha:
            out.append("A")
        else:
            out.append(("C" if s >= 1.5 and big else "B") + ("+" if d > 0 else "-"))
    return tuple(out)


def mantel_haenszel(
    responses: ArrayLike,
    group: ArrayLike,
    focal: Any = 1,
    *,
    matching: ArrayLike | None = None,
    item_ids: Sequence[str] = (),
    alpha: float = 0.05,
    purify: bool = False,
    flag_by: str = "chi2",
    max_iter: int = 10,
    correct: bool = True,
) -> MantelHaenszelResult:
    """Mantel–Haenszel DIF (Holland & Thayer 1988) for every 0/1 item at once, as difR's ``difMH``.

    For item j and score stratum k, with A/B = reference right/wrong, C/D = focal right/wrong,
    N = A + B + C + D:  α_MH = Σ(A D / N) / Σ(B C / N);
    χ²_MH = (|Σ A − Σ E(A)| − ½)² / Σ Var(A), E(A) = n_R m_1 / N, Var(A) = n_R n_F m_1 m_0 / (N² (N − 1)).
    The continuity correction is applied as difR applies it, with no floor at zero: when
    |Σ A − Σ E(A)| < ½ the statistic is (½ − |Σ A − Σ E(A)|)² / Σ Var(A), not 0.
    Strata holding only one group or one person add nothing.

    Parameters
    ----------
    responses : array_like (n_persons, n_items), 0/1, NaN = not answered (left out for that item)
    group : array_like (n_persons,)
        Group label per person; None/NaN = leave the person out.
    focal : label
        The focal group's label; all other labels form the reference group.
    matching : array_like (n_persons,), optional
        Stratifying score; default the number right over answered items.
    item_ids : sequence of str
    alpha : float
        Significance level for flagging, the χ² test and the ETS classes.
    purify : bool
        Iterative purification (difR ``purify=TRUE``): the items flagged in one pass are taken out
        of the matching score of the others (each item's own score stays in its own matching
        score), every item is tested again, and this repeats until the flagged set no longer
        changes or `max_iter` passes were made. Ignored when `matching` is given.
    flag_by : {"chi2", "logor", "ets"}, default="chi2"
        What flags an item: the MH χ² above χ²₁(1 − α) (difR ``MHstat="MHChisq"``); |ln α_MH| / SE
        above z(1 − α/2) (difR ``"logOR"``); or an ETS class B or C.
    max_iter : int, default=10
        Purification passes after the first (difR ``nrIter``).
    correct : bool, default=True
        Continuity correction of the χ² (difR ``correct``).

    Returns
    -------
    MantelHaenszelResult

    References
    ----------
    Magis, D., Béland, S., Tuerlinckx, F., & De Boeck, P. (2010). A general framework and an R
    package for the detection of dichotomous differential item functioning. Behavior Research
    Methods, 42, 847–862 (difR: R/difMH.r, R/mantelHaenszel.R).
    """
    if flag_by not in ("chi2", "logor", "ets"):
        raise PsychometricsError(
            f"flag_by ต้องเป็น 'chi2', 'logor' หรือ 'ets' (flag_by must be 'chi2', 'logor' or 'ets', got {flag_by!r})"
        )
    if max_iter < 1:
        raise PsychometricsError("max_iter ต้องเป็นจำนวนเต็มบวก (max_iter must be positive)")
    x = _dichotomous_matrix(responses)
    n, m = x.shape
    is_focal, keep = _focal_mask(group, focal, n)
    score = _number_right(x) if matching is None else np.asarray(matching, float)
    if score.shape != (n,) or not np.all(np.isfinite(score[keep])):
        raise PsychometricsError(
            "คะแนนจับคู่ (matching) ต้องมีหนึ่งค่าต่อผู้สอบ (matching must give one finite value per person)"
        )
    if not keep.all():
        x, is_focal, score = x[keep], is_focal[keep], score[keep]
    ids = _item_ids(item_ids, m)
    stats = _mh_statistics(x, is_focal, score, np.zeros(m, bool), alpha, correct)
    flagged = _flags(stats, flag_by, alpha)
    history = [flagged]
    excluded = np.zeros(m, bool)
    converged, passes = True, 0
    if purify and matching is None and flagged.any():
        converged = False
        while passes < max_iter:
            passes += 1
            excluded = flagged
            base = _number_right(x, np.flatnonzero(~excluded))
            stats = _mh_statistics(x, is_focal, base, excluded, alpha, correct)  # own score kept
            new = _flags(stats, flag_by, alpha)
            history.append(new)
            if np.array_equal(new, flagged):
                converged = True
                break
            flagged = new
        flagged = history[-1]
    dropped = tuple(np.asarray(ids, dtype=object)[excluded].tolist())
    return MantelHaenszelResult(
        ids, *stats, dropped, flagged, flag_by, passes, converged, np.array(history, dtype=bool)
    )


def _flags(stats: tuple, flag_by: str, alpha: float) -> np.ndarray:
    """DIF items of one pass by the chosen criterion (NaN statistics flag nothing)."""
    alpha_mh, stat, _, delta, delta_se, classes, _ = stats
    with np.errstate(invalid="ignore", divide="ignore"):
        if flag_by == "chi2":
            return np.nan_to_num(stat, nan=-np.inf) > chi2.ppf(1 - alpha, 1)
        if flag_by == "logor":
            z = np.abs(np.log(alpha_mh)) / (delta_se / abs(DELTA_SCALE))
            return np.nan_to_num(z, nan=-np.inf) > norm.ppf(1 - alpha / 2)
    return np.array([c not in ("A", "") for c in classes], dtype=bool)


def _stratified_counts(x: np.ndarray, is_focal: np.ndarray, base: np.ndarray, add_self: np.ndarray) -> np.ndarray:
    """Counts (n_items, n_strata, group, answer) of every 2 × 2 × K table, one bincount per chunk.

    Each answer gets the code ((item · S + stratum) · 2 + focal) · 2 + answer.  With integer matching
    scores the stratum is the score minus the lowest, so the code is a per-item offset plus a
    per-person offset plus answer · (1 + 4 · add_self): one broadcast sum in 32-bit integers, no search.
    Empty strata (from integer steps no one scored) are counted as zero and add nothing.
    """
    n, m = x.shape
    whole = bool(np.all(base == np.round(base)))
    if whole:
        low = int(base.min()) if n else 0
        levels = np.arange(low, int(base.max() if n else 0) + 2, dtype=float)
    else:
        levels = np.unique(np.concatenate([base, base + 1]) if add_self.any() else base)
    s = levels.size
    size = m * s * 4
    code = np.int32 if size + 8 < 2**31 else np.int64
    item_offset = (np.arange(m) * (s * 4)).astype(code)
    weight = (1 + 4 * add_self).astype(code)
    integer = np.issubdtype(x.dtype, np.integer)
    flat = np.zeros(size + 1)
    for start in range(0, n, _ROWS):
        block = x[start : start + _ROWS]
        focal = is_focal[start : start + _ROWS].astype(code)
        if whole:
            stratum = (base[start : start + _ROWS] - low).astype(code)
            if integer:
                missing = block < 0
                answer = block.astype(code)
            else:
                missing = np.isnan(block)
                answer = np.where(missing, 0, block).astype(code)
            cell = item_offset + (stratum * 4 + focal * 2)[:, None] + answer * weight
        else:
            values = _as_float(block)
            missing = np.isnan(values)
            answer = np.where(missing, 0.0, values)
            score = base[start : start + _ROWS, None] + np.where(add_self, answer, 0.0)
            stratum = np.searchsorted(levels, score).astype(code)
            cell = item_offset + (stratum * 2 + focal[:, None]) * 2 + answer.astype(code)
        if missing.any():
            cell[missing] = size  # the spare last bin
        flat += np.bincount(cell.ravel(), minlength=size + 1)
    return flat[:size].reshape(m, s, 2, 2)


def _mh_statistics(
    x: np.ndarray,
    is_focal: np.ndarray,
    base: np.ndarray,
    add_self: np.ndarray,
    alpha: float,
    correct: bool = True,
):
    """α_MH, χ², p, Δ, SE(Δ), ETS class and strata used.

    Item j is matched on base + (its own score if add_self[j]); one bincount per chunk of persons
    over (item, stratum, group, answer) counts every 2 × 2 × K table at once.
    """
    counts = _stratified_counts(x, is_focal, base, add_self)
    b_, a_ = counts[:, :, 0, 0], counts[:, :, 0, 1]  # reference wrong, right
    d_, c_ = counts[:, :, 1, 0], counts[:, :, 1, 1]  # focal wrong, right
    total = a_ + b_ + c_ + d_
    n_ref, n_foc = a_ + b_, c_ + d_
    m1, m0 = a_ + c_, b_ + d_
    used = (n_ref > 0) & (n_foc > 0) & (total > 1)
    safe = np.where(used, total, 1.0)
    r_k = np.where(used, a_ * d_ / safe, 0.0)
    s_k = np.where(used, b_ * c_ / safe, 0.0)
    p_k = np.where(used, (a_ + d_) / safe, 0.0)
    q_k = np.where(used, (b_ + c_) / safe, 0.0)
    big_r, big_s = r_k.sum(axis=1), s_k.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha_mh = big_r / big_s
        expected = np.where(used, n_ref * m1 / safe, 0.0).sum(axis=1)
        var_a = np.where(used, n_ref * n_foc * m1 * m0 / (safe**2 * (safe - 1)), 0.0).sum(axis=1)
        # difR: (|Σ(A − E A)| − ½)² with no floor at zero
        stat = (
            np.abs(np.where(used, a_, 0.0).sum(axis=1) - expected) - (0.5 if correct else 0.0)
        ) ** 2 / var_a
        # Robins, Breslow & Greenland (1986) variance of ln α_MH
        var_log = (
            (p_k * r_k).sum(axis=1) / (2 * big_r**2)
            + (p_k * s_k + q_k * r_k).sum(axis=1) / (2 * big_r * big_s)
            + (q_k * s_k).sum(axis=1) / (2 * big_s**2)
        )
        delta = DELTA_SCALE * np.log(alpha_mh)
    delta_se = abs(DELTA_SCALE) * np.sqrt(var_log)
    p_value = chi2.sf(stat, 1)
    return (
        alpha_mh,
        stat,
        p_value,
        delta,
        delta_se,
        ets_class(delta, delta_se, p_value, alpha),
        used.sum(axis=1),
    )

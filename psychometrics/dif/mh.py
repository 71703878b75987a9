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

    def summary(self) -> Table:
        notes = (
            "A: |Δ| < 1 หรือไม่มีนัยสำคัญ; C: |Δ| ≥ 1.5 และมากกว่า 1 อย่างมีนัยสำคัญ; B: อื่น ๆ "
            "(− ยากกว่าสำหรับกลุ่มเป้าหมาย, + ง่ายกว่า)",
        )
        if self.dropped_from_matching:
            notes += (
                "คะแนนจับคู่ไม่รวมข้อ (purified matching without): " + ", ".join(self.dropped_from_matching),
            )
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
) -> MantelHaenszelResult:
    """Mantel–Haenszel DIF (Holland & Thayer 1988) for every 0/1 item at once.

    For item j and score stratum k, with A/B = reference right/wrong, C/D = focal right/wrong,
    N = A + B + C + D:  α_MH = Σ(A D / N) / Σ(B C / N);
    χ²_MH = (|Σ A − Σ E(A)| − ½)² / Σ Var(A), E(A) = n_R m_1 / N, Var(A) = n_R n_F m_1 m_0 / (N² (N − 1)).
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
        Significance level for the χ² test and the ETS classes.
    purify : bool
        Two-stage matching (Holland & Thayer 1988): items classed B or C in a first pass are taken
        out of the total score, except from the score that matches themselves; then every item is
        tested again.  Ignored when `matching` is given.

    Returns
    -------
    MantelHaenszelResult
    """
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
    first = _mh_statistics(x, is_focal, score, np.zeros(m, bool), alpha)
    if not purify or matching is not None:
        return MantelHaenszelResult(ids, *first)
    flagged = np.array([c != "A" for c in first[5]])
    if not flagged.any():
        return MantelHaenszelResult(ids, *first)
    base = _number_right(x, np.flatnonzero(~flagged))
    second = _mh_statistics(x, is_focal, base, flagged, alpha)  # flagged items matched with themselves
    return MantelHaenszelResult(ids, *second, tuple(np.asarray(ids, dtype=object)[flagged].tolist()))


def _mh_statistics(x: np.ndarray, is_focal: np.ndarray, base: np.ndarray, add_self: np.ndarray, alpha: float):
    """α_MH, χ², p, Δ, SE(Δ), ETS class and strata used.

    Item j is matched on base + (its own score if add_self[j]); one bincount per chunk of persons
    over (item, stratum, group, answer) counts every 2 × 2 × K table at once.
    """
    n, m = x.shape
    levels = np.unique(np.concatenate([base, base + 1]) if add_self.any() else base)
    s = levels.size
    item_base = np.arange(m) * s
    flat = np.zeros(m * s * 4)
    for start in range(0, n, _ROWS):
        block = _as_float(x[start : start + _ROWS])
        observed = ~np.isnan(block)
        answer = np.where(observed, block, 0.0)
        score = base[start : start + _ROWS, None] + np.where(add_self, answer, 0.0)
        stratum = np.searchsorted(levels, score)
        cell = ((item_base + stratum) * 2 + is_focal[start : start + _ROWS, None]) * 2 + answer.astype(
            np.intp
        )
        flat += np.bincount(cell[observed], minlength=m * s * 4)
    counts = flat.reshape(m, s, 2, 2)
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
        stat = (np.maximum(np.abs(np.where(used, a_, 0.0).sum(axis=1) - expected) - 0.5, 0.0)) ** 2 / var_a
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

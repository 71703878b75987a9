"""DIF of ordered-score items: Mantel's (1963) χ² and the standardized mean difference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import chi2

from psychometrics.dif._data import (
    _ROWS,
    _as_float,
    _focal_mask,
    _item_ids,
    _number_right,
)
from psychometrics.errors import PsychometricsError
from psychometrics.tables import Table, table_from_columns


# ----------------------------------------------------------------------------------------------------
# polytomous items: Mantel's test and the standardized mean difference
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MantelDIFResult:
    """DIF for items scored 0..K−1: Mantel (1963) χ² (df 1) and the standardized mean difference.

    Attributes
    ----------
    item_ids : tuple of str
    chi2, p_value : ndarray (n_items,)
    smd : ndarray                 Σ_k w_Fk (mean_Fk − mean_Rk), focal-group weights (negative: the
                                  item is harder for the focal group)
    smd_over_sd : ndarray         SMD divided by the item's score SD in both groups together
    ets_class : tuple of str      "AA", "BB±", "CC±" (Zwick, Thayer & Mazzeo 1997)
    """

    item_ids: tuple[str, ...]
    chi2: np.ndarray
    p_value: np.ndarray
    smd: np.ndarray
    smd_over_sd: np.ndarray
    ets_class: tuple[str, ...]

    def summary(self) -> Table:
        return table_from_columns(
            "DIF ข้อสอบหลายระดับคะแนน (Mantel χ², SMD)",
            {
                "item": self.item_ids,
                "chi2_Mantel": self.chi2.round(3),
                "p": self.p_value.round(4),
                "SMD": self.smd.round(4),
                "SMD/SD": self.smd_over_sd.round(3),
                "ETS": self.ets_class,
            },
            notes=("AA: ไม่มีนัยสำคัญ หรือ |SMD/SD| ≤ 0.17; CC: มีนัยสำคัญ และ |SMD/SD| > 0.25; BB: อื่น ๆ",),
        )


def mantel_dif(
    responses: ArrayLike,
    group: ArrayLike,
    focal: Any = 1,
    *,
    matching: ArrayLike | None = None,
    item_ids: Sequence[str] = (),
    alpha: float = 0.05,
) -> MantelDIFResult:
    """DIF of ordered-score items (rubrics, rating scales; 0/1 items too) by Mantel's (1963) test.

    In stratum k of the matching score, with F_k the focal group's item-score sum:
    E(F_k) = n_Fk S_k / N_k and Var(F_k) = n_Rk n_Fk (N_k Σy² − S_k²) / (N_k² (N_k − 1)), S_k = Σy;
    χ² = (Σ F_k − Σ E(F_k))² / Σ Var(F_k), df 1.  SMD = Σ_k (n_Fk / n_F)(mean_Fk − mean_Rk)
    (Dorans & Schmitt 1991).  ETS classes: AA if p ≥ α or |SMD/SD| ≤ 0.17, CC if p < α and
    |SMD/SD| > 0.25, otherwise BB; the sign is that of SMD.

    Parameters
    ----------
    responses : array_like (n_persons, n_items)
        Scores 0..K−1; NaN (or a negative integer) = not answered, left out for that item.
    group : array_like (n_persons,)
    focal : label of the focal group
    matching : array_like (n_persons,), optional
        Default: the total score over the answered items.
    item_ids : sequence of str
    alpha : float

    Returns
    -------
    MantelDIFResult
    """
    x = np.asarray(responses)
    if x.ndim != 2:
        raise PsychometricsError("คำตอบต้องเป็นตารางผู้สอบ × ข้อสอบ (responses must be persons × items)")
    if not np.issubdtype(x.dtype, np.integer):
        x = np.asarray(x, float)
        bad = ~np.isnan(x) & ((x < 0) | (x != np.floor(x)))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise PsychometricsError(
                f"แถว {r + 1} คอลัมน์ {c + 1}: คะแนนต้องเป็นจำนวนเต็มตั้งแต่ 0 ได้ {x[r, c]:g} "
                f"(row {r + 1}, column {c + 1}: scores must be whole numbers from 0, got {x[r, c]:g})"
            )
    n, m = x.shape
    is_focal, keep = _focal_mask(group, focal, n)
    score = _number_right(x) if matching is None else np.asarray(matching, float)
    if score.shape != (n,) or not np.all(np.isfinite(score[keep])):
        raise PsychometricsError(
            "คะแนนจับคู่ (matching) ต้องมีหนึ่งค่าต่อผู้สอบ (matching must give one finite value per person)"
        )
    if not keep.all():
        x, is_focal, score = x[keep], is_focal[keep], score[keep]
    levels, stratum = np.unique(score, return_inverse=True)
    s = levels.size
    size = m * s * 2
    n_cell, sum_y, sum_y2 = np.zeros(size), np.zeros(size), np.zeros(size)
    for start in range(0, x.shape[0], _ROWS):  # (item, stratum, group) sums, chunk by chunk
        block = _as_float(x[start : start + _ROWS])
        observed = ~np.isnan(block)
        cell = (
            (np.arange(m) * s + stratum[start : start + _ROWS, None]) * 2
            + is_focal[start : start + _ROWS, None]
        )[observed]
        y = block[observed]
        n_cell += np.bincount(cell, minlength=size)
        sum_y += np.bincount(cell, weights=y, minlength=size)
        sum_y2 += np.bincount(cell, weights=y * y, minlength=size)
    n_cell, sum_y, sum_y2 = (a.reshape(m, s, 2) for a in (n_cell, sum_y, sum_y2))
    n_ref, n_foc = n_cell[:, :, 0], n_cell[:, :, 1]
    total = n_ref + n_foc
    both = sum_y.sum(axis=2)
    used = (n_ref > 0) & (n_foc > 0) & (total > 1)
    safe = np.where(used, total, 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(used, n_foc * both / safe, 0.0).sum(axis=1)
        var = np.where(
            used, n_ref * n_foc * (safe * sum_y2.sum(axis=2) - both**2) / (safe**2 * (safe - 1)), 0.0
        ).sum(axis=1)
        observed_f = np.where(used, sum_y[:, :, 1], 0.0).sum(axis=1)
        stat = (observed_f - expected) ** 2 / var
        mean_f = np.where(n_foc > 0, sum_y[:, :, 1] / np.maximum(n_foc, 1), 0.0)
        mean_r = np.where(n_ref > 0, sum_y[:, :, 0] / np.maximum(n_ref, 1), 0.0)
        weight = np.where(used, n_foc, 0.0)
        smd = (weight * (mean_f - mean_r)).sum(axis=1) / weight.sum(axis=1)
        n_all = n_cell.sum(axis=(1, 2))
        mean_all = sum_y.sum(axis=(1, 2)) / n_all
        sd = np.sqrt(np.maximum(sum_y2.sum(axis=(1, 2)) / n_all - mean_all**2, 0.0))
        effect = smd / sd
    p_value = chi2.sf(stat, 1)
    classes = tuple(
        "AA"
        if not (p < alpha) or not abs(e) > 0.17
        else ("CC" if abs(e) > 0.25 else "BB") + ("+" if e > 0 else "-")
        for p, e in zip(p_value.tolist(), effect.tolist(), strict=True)  # items
    )
    return MantelDIFResult(_item_ids(item_ids, m), stat, p_value, smd, effect, classes)

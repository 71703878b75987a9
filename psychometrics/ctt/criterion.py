"""Criterion-referenced indices (แบบทดสอบอิงเกณฑ์) at a cut score: Brennan's B and Livingston's reliability.

* Brennan's B-index (ดัชนี B) per item: B = U/n₁ − L/n₂, where the n₁ *masters* scored at or above the
  cut, the n₂ *non-masters* below it, and U, L are the right answers in each group (Brennan 1972).
  thai-practice.md §1.6 found the index named in Thai course material but not its formula text, so
  this is the textbook definition; keep an item when B ≥ .20 (configurable).
* Livingston's reliability at the cut C: r_cc = (r_tt·S² + (X̄ − C)²)/(S² + (X̄ − C)²), with r_tt =
  KR-20 and S² the total-score variance (bkw.ac.th livingston.htm, thai-practice.md §1.5). It equals
  r_tt when the cut is the mean and grows towards 1 as the cut moves away from it.
* Lovett's reliability at the cut: r_cc = 1 − [kΣX − ΣX²]/[(k − 1)Σ(X − C)²] (Lovett 1975, ERIC
  ED127347). thai-practice.md §1.5 marks the formula *background, unverified* and its Thai use not
  found; it is reported as a cross-check. Algebraically it is Livingston's formula with KR-21 in
  place of KR-20 (population variance), which the tests confirm.

References
----------
Brennan, R. L. (1972). A generalized upper-lower item discrimination index. Educational and
Psychological Measurement, 32(2), 289–303.
Livingston, S. A. (1972). Criterion-referenced applications of classical test theory. Journal of
Educational Measurement, 9(1), 13–26.
Lovett, H. T. (1975). Criterion-referenced reliability estimated by ANOVA. ERIC ED127347.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from psychometrics.ctt.item_analysis import check_scores
from psychometrics.ctt.reliability import test_statistics
from psychometrics.ctt.verdicts import round_half_up
from psychometrics.errors import PsychometricsError
from psychometrics.tables import Table, table_from_columns

__all__ = [
    "CriterionAnalysis",
    "brennan_b",
    "criterion_analysis",
    "livingston_reliability",
    "lovett_reliability",
]


def livingston_reliability(kr20: float, mean: float, variance: float, cut: float) -> float:
    """Livingston's criterion-referenced reliability r_cc at cut score `cut`.

    Examples
    --------
    >>> round(livingston_reliability(0.65, 3.0, 2.3, 3.0), 6)   # cut at the mean: r_cc = r_tt
    0.65
    """
    d2 = (mean - cut) ** 2
    denom = variance + d2
    if not denom > 0:
        return float("nan")
    return (kr20 * variance + d2) / denom


def lovett_reliability(total: ArrayLike, n_items: int, cut: float) -> float:
    """Lovett's criterion-referenced reliability from raw totals X of a k-item test at cut C.

    r_cc = 1 − [kΣX − ΣX²] / [(k − 1) Σ(X − C)²]; NaN when every total equals the cut or k < 2.
    """
    x = np.asarray(total, dtype=float)
    denom = (n_items - 1) * float(((x - cut) ** 2).sum())
    if n_items < 2 or not denom > 0:
        return float("nan")
    return 1.0 - (n_items * float(x.sum()) - float((x * x).sum())) / denom


def brennan_b(scores: ArrayLike, cut: float) -> tuple[np.ndarray, int, int]:
    """Brennan's B per item at `cut` (masters: total ≥ cut), with the group sizes.

    Returns
    -------
    b : ndarray, shape (n_items,)
        p among masters − p among non-masters; NaN when a group is empty.
    n_masters, n_nonmasters : int
    """
    x, _ = check_scores(scores)
    return _brennan(x, cut)


def _brennan(x: np.ndarray, cut: float) -> tuple[np.ndarray, int, int]:
    present = ~np.isnan(x)
    xz = x if present.all() else np.where(present, x, 0.0)
    master = xz.sum(axis=1) >= cut - 1e-9
    with np.errstate(invalid="ignore", divide="ignore"):
        p_m = xz[master].sum(axis=0) / present[master].sum(axis=0)
        p_n = xz[~master].sum(axis=0) / present[~master].sum(axis=0)
    return p_m - p_n, int(master.sum()), int((~master).sum())


@dataclass(frozen=True, eq=False)
class CriterionAnalysis:
    """Criterion-referenced statistics at one cut score.

    Attributes
    ----------
    cut : float
        Raw cut score (masters score at least this).
    item_ids : tuple of str
    b_index : ndarray, shape (n_items,)
    n_masters, n_nonmasters : int
    livingston : float
    kr20 : float
    b_min : float
        Items with B below this are flagged.
    """

    cut: float
    item_ids: tuple[str, ...]
    b_index: np.ndarray
    n_masters: int
    n_nonmasters: int
    livingston: float
    kr20: float
    lovett: float = float("nan")
    b_min: float = 0.20

    def summary(self, locale: str = "th") -> Table:
        """B per item with the flag, and Livingston's reliability in the notes."""
        th = locale != "en"
        b2 = round_half_up(self.b_index, 2)
        ok = [None if np.isnan(v) else bool(v >= self.b_min - 1e-12) for v in b2]
        cols = {
            ("ข้อ" if th else "item"): self.item_ids,
            ("ดัชนี B (Brennan)" if th else "B (Brennan)"): round_half_up(self.b_index, 3),
            ("ผ่านเกณฑ์ B" if th else "B acceptable"): [
                None if v is None else (("ใช้ได้" if v else "ควรปรับปรุง") if th else v) for v in ok
            ],
        }
        notes = (
            (
                f"คะแนนจุดตัด {self.cut:g}: ผ่านเกณฑ์ {self.n_masters} คน ไม่ผ่าน {self.n_nonmasters} คน; "
                f"ความเชื่อมั่นแบบอิงเกณฑ์ของ Livingston = {self.livingston:.3f} (KR-20 = {self.kr20:.3f}), "
                f"ของ Lovett = {self.lovett:.3f}; "
                f"เกณฑ์ B ≥ {self.b_min:.2f} (Brennan 1972)"
            )
            if th
            else (
                f"Cut score {self.cut:g}: {self.n_masters} masters, {self.n_nonmasters} non-masters; "
                f"Livingston's reliability = {self.livingston:.3f} (KR-20 = {self.kr20:.3f}), "
                f"Lovett's = {self.lovett:.3f}; "
                f"B ≥ {self.b_min:.2f} (Brennan 1972)"
            ),
        )
        return table_from_columns(
            "การวิเคราะห์แบบอิงเกณฑ์" if th else "Criterion-referenced analysis", cols, notes
        )


def criterion_analysis(
    scores: ArrayLike,
    cut: float,
    item_ids: Sequence[str] | None = None,
    *,
    b_min: float = 0.20,
    ddof: int = 0,
) -> CriterionAnalysis:
    """Brennan's B per item and Livingston's reliability at the raw cut score `cut`.

    Parameters
    ----------
    scores : array_like, shape (n_persons, n_items)
    cut : float
        Raw score; masters score at least `cut`. Must lie between 0 and the number of items.
    item_ids : sequence of str, optional
    b_min : float, default=0.20
    ddof : {0, 1}
        Variance divisor for KR-20 and S² (see :func:`.reliability.test_statistics`).
    """
    x, ids = check_scores(scores, item_ids)
    if not (0 <= cut <= x.shape[1]):
        raise PsychometricsError(
            f"คะแนนจุดตัด {cut:g} ต้องอยู่ระหว่าง 0 ถึง {x.shape[1]} (จำนวนข้อ) / cut score out of range"
        )
    b, n_m, n_n = _brennan(x, cut)
    stats = test_statistics(x, ids, ddof=ddof)
    return CriterionAnalysis(
        cut=float(cut),
        item_ids=ids,
        b_index=b,
        n_masters=n_m,
        n_nonmasters=n_n,
        livingston=livingston_reliability(stats.kr20, stats.mean, stats.variance, cut),
        kr20=stats.kr20,
        lovett=lovett_reliability(np.where(np.isnan(x), 0.0, x).sum(axis=1), x.shape[1], cut),
        b_min=b_min,
    )

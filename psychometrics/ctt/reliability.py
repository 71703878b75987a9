"""Whole-test statistics (สถิติทั้งฉบับ): mean, SD, Cronbach's α, KR-20, KR-21, α-if-item-deleted, SEM.

Formulas (thai-practice.md §1.5):

* KR-20 = k/(k−1) · (1 − Σ p q / S²)
* KR-21 = k/(k−1) · (1 − X̄ (k − X̄) / (k S²)), never above KR-20 (equal only when every p is equal)
* α = k/(k−1) · (1 − Σ S²ᵢ / S²); on 0/1 data with the same divisor α = KR-20
* SEM = S · √(1 − KR-20)

Variance divisor: EVANA divides by N (population variance, ``ddof=0``, the default here); many
textbooks and spreadsheets divide by N − 1 (``ddof=1``). α does not depend on the choice (items and
total use the same divisor); KR-20, KR-21, SD and SEM do, noticeably on small classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from psychometrics.ctt.item_analysis import check_scores
from psychometrics.ctt.verdicts import reliability_verdict, round_half_up
from psychometrics.errors import PsychometricsError
from psychometrics.tables import Table, table_from_columns

__all__ = ["TestStatistics", "kr20_from_moments", "kr21_from_moments", "test_statistics"]


def kr20_from_moments(n_items: int, sum_pq: float, variance: float) -> float:
    """KR-20 from k, Σpq and the total-score variance S² (the textbook hand computation).

    Examples
    --------
    STOU unit 6, p. 6-52: k = 5, Σpq = 1.1, S² = 2.3 gives KR-20 = .65.

    >>> round(kr20_from_moments(5, 1.1, 2.3), 2)
    0.65
    """
    if n_items < 2 or not variance > 0:
        return float("nan")
    return n_items / (n_items - 1) * (1.0 - sum_pq / variance)


def kr21_from_moments(n_items: int, mean: float, variance: float) -> float:
    """KR-21 from k, the mean X̄ and the total-score variance S².

    Examples
    --------
    STOU unit 6, p. 6-52: k = 5, X̄ = 3, S² = 2.3 gives KR-21 = .60.

    >>> round(kr21_from_moments(5, 3.0, 2.3), 2)
    0.6
    """
    if n_items < 2 or not variance > 0:
        return float("nan")
    return n_items / (n_items - 1) * (1.0 - mean * (n_items - mean) / (n_items * variance))


@dataclass(frozen=True, eq=False)
class TestStatistics:
    """Whole-test statistics of one administration (over the analysed, non-cancelled items).

    Attributes
    ----------
    item_ids : tuple of str
    n_persons, n_items : int
    mean, sd, variance, minimum, maximum, median : float
        Of the raw total score; `sd` and `variance` use divisor N − `ddof`.
    alpha, kr20, kr21, sem : float
    alpha_if_deleted : ndarray, shape (n_items,)
        Cronbach's α of the test without each item.
    ddof : int
    """

    __test__ = False  # a result type, not a pytest test class

    item_ids: tuple[str, ...]
    n_persons: int
    n_items: int
    mean: float
    sd: float
    variance: float
    minimum: float
    maximum: float
    median: float
    alpha: float
    kr20: float
    kr21: float
    sem: float
    alpha_if_deleted: np.ndarray
    ddof: int = 0

    def summary(self, locale: str = "th") -> Table:
        """The whole-test block of a Thai item-analysis report (EVANA's wording)."""
        th = locale != "en"
        rows = [
            ("จำนวนข้อสอบที่วิเคราะห์", "items analysed", self.n_items),
            ("จำนวนกระดาษคำตอบ", "answer sheets", self.n_persons),
            ("คะแนนเฉลี่ย", "mean", self.mean),
            ("คะแนนสูงสุด", "maximum", self.maximum),
            ("คะแนนต่ำสุด", "minimum", self.minimum),
            ("มัธยฐาน", "median", self.median),
            ("ส่วนเบี่ยงเบนมาตรฐาน", "standard deviation", self.sd),
            ("ความแปรปรวน", "variance", self.variance),
            ("ค่าความเชื่อมั่น (KR-20)", "reliability (KR-20)", self.kr20),
            ("ค่าความเชื่อมั่น (KR-21)", "reliability (KR-21)", self.kr21),
            ("สัมประสิทธิ์แอลฟาของครอนบาค", "Cronbach's alpha", self.alpha),
            ("ความคลาดเคลื่อนมาตรฐานของการวัด (SEM)", "standard error of measurement", self.sem),
        ]
        body = [(th_ if th else en, _plain_num(v)) for th_, en, v in rows]
        verdict = reliability_verdict(self.kr20, locale)
        divisor = "N" if self.ddof == 0 else f"N−{self.ddof}"
        notes = (
            (f"KR-20 {verdict}" if verdict else "KR-20 คำนวณไม่ได้ (คะแนนไม่มีความแปรปรวน)")
            + f"; ความแปรปรวนหารด้วย {divisor}"
            if th
            else (f"KR-20 {verdict}" if verdict else "KR-20 undefined (no score variance)")
            + f"; variances divide by {divisor}",
        )
        return Table(
            "สถิติทั้งฉบับ" if th else "Test statistics",
            ("รายการ", "ค่า") if th else ("statistic", "value"),
            body,
            notes,
        )

    def alpha_if_deleted_table(self, locale: str = "th") -> Table:
        """α if each item were deleted, one row per item."""
        th = locale != "en"
        return table_from_columns(
            "แอลฟาเมื่อตัดข้อนั้นออก" if th else "Alpha if item deleted",
            {
                ("ข้อ" if th else "item"): self.item_ids,
                ("แอลฟาเมื่อตัดข้อออก" if th else "alpha_if_deleted"): round_half_up(self.alpha_if_deleted, 3),
            },
            (f"α ทั้งฉบับ = {self.alpha:.3f}" if th else f"alpha of the whole test = {self.alpha:.3f}",),
        )


def _plain_num(v: float | int) -> float | int | None:
    if isinstance(v, (int, np.integer)):
        return int(v)
    v = float(v)
    return None if np.isnan(v) else float(round_half_up(v, 4))


def test_statistics(
    scores: ArrayLike, item_ids: Sequence[str] | None = None, *, ddof: int = 0
) -> TestStatistics:
    """Mean, SD, α, KR-20, KR-21, SEM and α-if-item-deleted of a 0/1 (or NaN) score matrix.

    Parameters
    ----------
    scores : array_like, shape (n_persons, n_items)
        0/1 scores; NaN adds nothing to a total, and an item's variance uses the persons who have it.
    item_ids : sequence of str, optional
    ddof : {0, 1}, default=0
        Variance divisor N − ddof. 0 is EVANA's; with 0 and complete data KR-20 equals α exactly.

    Returns
    -------
    TestStatistics

    References
    ----------
    Kuder, G. F., & Richardson, M. W. (1937). Psychometrika, 2(3), 151–160.
    Cronbach, L. J. (1951). Psychometrika, 16(3), 297–334.
    """
    x, ids = check_scores(scores, item_ids)
    if ddof not in (0, 1):
        raise PsychometricsError(f"ddof ต้องเป็น 0 หรือ 1 (ได้ {ddof}) / ddof must be 0 or 1")
    n_persons, k = x.shape
    present = ~np.isnan(x)
    complete = bool(present.all())
    xz = x if complete else np.where(present, x, 0.0)
    total = xz.sum(axis=1)
    mean = float(total.mean())
    var = float(total.var(ddof=ddof))
    n_item = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = xz.sum(axis=0) / n_item
        item_var = p * (1 - p) * n_item / (n_item - ddof) if complete else _nan_var(x, present, ddof)
    sum_pq = float(np.nansum(p * (1 - p)))
    kr20 = kr20_from_moments(k, sum_pq, var)
    kr21 = kr21_from_moments(k, mean, var)
    alpha = kr20_from_moments(k, float(np.nansum(item_var)), var)

    # α without item j: Var(T − x_j) = Var(T) + Var(x_j) − 2 Cov(T, x_j), all at once
    # moments of the 0/1 columns (NaN counted as 0, as in the total), no persons × items temporaries
    m = xz.mean(axis=0)
    cov_tx = ((total - mean) @ xz) / (n_persons - ddof)
    var_x = m * (1 - m) * n_persons / (n_persons - ddof)
    var_rest = var + var_x - 2 * cov_tx
    sum_rest = np.nansum(item_var) - item_var
    with np.errstate(invalid="ignore", divide="ignore"):
        aid = (k - 1) / (k - 2) * (1 - sum_rest / var_rest) if k > 2 else np.full(k, np.nan)
    aid = np.where(var_rest > 1e-12, aid, np.nan)
    sd = float(np.sqrt(var))
    return TestStatistics(
        item_ids=ids,
        n_persons=n_persons,
        n_items=k,
        mean=mean,
        sd=sd,
        variance=var,
        minimum=float(total.min()),
        maximum=float(total.max()),
        median=float(np.median(total)),
        alpha=alpha,
        kr20=kr20,
        kr21=kr21,
        sem=sd * float(np.sqrt(max(0.0, 1 - kr20))) if not np.isnan(kr20) else float("nan"),
        alpha_if_deleted=np.asarray(aid, dtype=float),
        ddof=ddof,
    )


def _nan_var(x: np.ndarray, present: np.ndarray, ddof: int) -> np.ndarray:
    n = present.sum(axis=0)
    m = np.nansum(x, axis=0) / n
    d = np.where(present, x - m, 0.0)
    return (d * d).sum(axis=0) / np.maximum(n - ddof, 1)


# a function named test_* is collected by pytest wherever it is imported; it is not a test
test_statistics.__test__ = False  # type: ignore[attr-defined]

"""Whole-test statistics (สถิติทั้งฉบับ): mean, SD, α, KR-20, KR-21, α-if-deleted, inter-item r, SEM.

Formulas (thai-practice.md §1.5), for 0/1, polytomous and mixed tests:

* α = k/(k−1) · (1 − Σ S²ᵢ / S²)
* KR-20 = k/(k−1) · (1 − Σ pᵢqᵢ·N/(N−ddof) / S²): α of a 0/1 test (undefined for polytomous items)
* KR-21 = k/(k−1) · (1 − X̄ (k − X̄)/k · N/(N−ddof) / S²), never above KR-20
* mean and SD of the k(k−1)/2 inter-item Pearson r (psych's ``average_r`` and ``var.r``)
* SEM = S · √(1 − ρ), with ρ the coefficient named in `sem_coefficient`: KR-20 for a 0/1 test,
  α otherwise (the two are equal on 0/1 data)

**One variance divisor throughout.** Every variance (items, pq, total, the SD of the inter-item
r) divides by N − ``ddof``: ``ddof=0`` (population, EVANA's, the default) or ``ddof=1`` (sample, as
psych, SPSS and spreadsheets' ``STDEV.S``). The textbook hand computation with Σpq over N beside S²
over N − 1 mixes the two and makes KR-20 disagree with α and with SD·√(1 − α); it is still there
in :func:`kr20_from_moments` for worked examples. α, KR-20 and KR-21 do not depend on the divisor;
SD and SEM do (by √(N/(N−1))).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from psychometrics.ctt.item_analysis import check_ddof, check_item_scores
from psychometrics.ctt.verdicts import reliability_verdict, round_half_up
from psychometrics.tables import Table, table_from_columns

__all__ = [
    "TestStatistics",
    "inter_item_correlations",
    "kr20_from_moments",
    "kr21_from_moments",
    "test_statistics",
]


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
    alpha, kr20, kr21 : float
        KR-20 and KR-21 are NaN when an item is polytomous.
    sem : float
        SD·√(1 − ρ) with ρ the coefficient named by `sem_coefficient`.
    alpha_if_deleted : ndarray, shape (n_items,)
        Cronbach's α of the test without each item.
    ddof : int
        Every variance divides by N − ddof.
    inter_item_r_mean, inter_item_r_sd : float
        Mean and SD (divisor m − ddof over the m item pairs) of the inter-item Pearson r, pairwise
        over persons who have both items; NaN-valued pairs (a constant item) are left out.
    sem_coefficient : str
        "KR-20" (0/1 tests) or "alpha".
    max_score : float
        Sum of the items' full marks (k for a 0/1 test).
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
    inter_item_r_mean: float = float("nan")
    inter_item_r_sd: float = float("nan")
    sem_coefficient: str = "KR-20"
    max_score: float = float("nan")

    @property
    def reliability(self) -> float:
        """The coefficient the SEM uses (`sem_coefficient`)."""
        return self.kr20 if self.sem_coefficient == "KR-20" else self.alpha

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
            ("สหสัมพันธ์ระหว่างข้อ (เฉลี่ย)", "inter-item r (mean)", self.inter_item_r_mean),
            ("สหสัมพันธ์ระหว่างข้อ (SD)", "inter-item r (SD)", self.inter_item_r_sd),
            ("ความคลาดเคลื่อนมาตรฐานของการวัด (SEM)", "standard error of measurement", self.sem),
        ]
        body = [(th_ if th else en, _plain_num(v)) for th_, en, v in rows]
        coef = self.sem_coefficient
        verdict = reliability_verdict(self.reliability, locale)
        divisor = "N" if self.ddof == 0 else f"N−{self.ddof}"
        notes = (
            (f"{coef} {verdict}" if verdict else f"{coef} คำนวณไม่ได้ (คะแนนไม่มีความแปรปรวน)")
            + f"; ความแปรปรวนทุกตัวหารด้วย {divisor}; SEM = SD·√(1 − {coef})"
            if th
            else (f"{coef} {verdict}" if verdict else f"{coef} undefined (no score variance)")
            + f"; every variance divides by {divisor}; SEM = SD·√(1 − {coef})",
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
    scores: ArrayLike,
    item_ids: Sequence[str] | None = None,
    *,
    ddof: int = 0,
    max_scores: ArrayLike | None = None,
    min_scores: ArrayLike | None = None,
) -> TestStatistics:
    """Mean, SD, α, KR-20, KR-21, SEM, α-if-deleted and inter-item r of a score matrix.

    Parameters
    ----------
    scores : array_like, shape (n_persons, n_items)
        0/1 scores, or any scores in [min, max] with `max_scores`; NaN adds nothing to a total, and
        an item's variance uses the persons who have it.
    item_ids : sequence of str, optional
    ddof : {0, 1}, default=0
        Variance divisor N − ddof for every variance (module docstring). 0 is EVANA's.
    max_scores, min_scores : float or array_like, optional
        Possible score range of each item, see :func:`.item_analysis.check_item_scores`.

    Returns
    -------
    TestStatistics

    References
    ----------
    Kuder, G. F., & Richardson, M. W. (1937). Psychometrika, 2(3), 151–160.
    Cronbach, L. J. (1951). Psychometrika, 16(3), 297–334.
    Revelle, W. psych::alpha (``average_r``, ``var.r``, ``alpha.drop``).
    """
    x, ids, score_range = check_item_scores(scores, item_ids, max_scores, min_scores)
    check_ddof(ddof)
    n_persons, k = x.shape
    present = ~np.isnan(x)
    complete = bool(present.all())
    xz = x if complete else np.where(present, x, 0.0)
    total = xz.sum(axis=1)
    mean = float(total.mean())
    var = float(total.var(ddof=ddof))
    n_item = present.sum(axis=0)
    dichotomous = score_range.is_dichotomous
    with np.errstate(invalid="ignore", divide="ignore"):
        p = xz.sum(axis=0) / n_item
        if complete:
            item_var = p * (1 - p) * n_item / (n_item - ddof) if dichotomous else x.var(axis=0, ddof=ddof)
        else:
            item_var = _nan_var(x, present, ddof)
    alpha = kr20_from_moments(k, float(np.nansum(item_var)), var)
    # KR-20 and KR-21 with the divisor of S², so that KR-20 = α on 0/1 data whatever `ddof`
    kr20 = alpha if dichotomous else float("nan")
    kr21 = kr21_from_moments(k, mean, var * (n_persons - ddof) / n_persons) if dichotomous else float("nan")

    # α without item j: Var(T − x_j) = Var(T) + Var(x_j) − 2 Cov(T, x_j), all at once
    # (item moments over all persons, NaN counted as 0 as in the total; no persons × items temporary)
    m = xz.mean(axis=0)
    cov_tx = ((total - mean) @ xz) / (n_persons - ddof)
    var_x = (m * (1 - m) if dichotomous and complete else xz.var(axis=0)) * n_persons / (n_persons - ddof)
    var_rest = var + var_x - 2 * cov_tx
    sum_rest = np.nansum(item_var) - item_var
    with np.errstate(invalid="ignore", divide="ignore"):
        aid = (k - 1) / (k - 2) * (1 - sum_rest / var_rest) if k > 2 else np.full(k, np.nan)
    aid = np.where(var_rest > 1e-12, aid, np.nan)
    r_mean, r_sd = _inter_item_r(x, present, complete, ddof)
    sd = float(np.sqrt(var))
    coefficient = "KR-20" if dichotomous else "alpha"
    rho = kr20 if dichotomous else alpha
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
        sem=sd * float(np.sqrt(max(0.0, 1 - rho))) if not np.isnan(rho) else float("nan"),
        alpha_if_deleted=np.asarray(aid, dtype=float),
        ddof=ddof,
        inter_item_r_mean=r_mean,
        inter_item_r_sd=r_sd,
        sem_coefficient=coefficient,
        max_score=float(score_range.maximum.sum()),
    )


def inter_item_correlations(x: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """Pearson r of every pair of items, pairwise over persons who have both, shape (k, k).

    NaN where an item is constant over the persons used; the diagonal is 1 (NaN for a constant item).
    One pass of matrix products: no loop over items or persons.
    """
    x = np.asarray(x, dtype=float)
    if present is None:
        present = ~np.isnan(x)
    if present.all():
        d = x - x.mean(axis=0)
        c = d.T @ d
        v = np.diag(c).copy()
        denom = np.sqrt(np.outer(v, v))
        tiny = 1e-12 * x.shape[0]
        bad = (v[:, None] <= tiny) | (v[None, :] <= tiny)
    else:
        pm = present.astype(float)
        xz = np.where(present, x, 0.0)
        n = pm.T @ pm  # persons with both items
        sx = xz.T @ pm  # Σ x_i over persons who also have j
        sxx = (xz * xz).T @ pm
        sxy = xz.T @ xz
        with np.errstate(invalid="ignore", divide="ignore"):
            c = sxy - sx * sx.T / n
            vi = sxx - sx * sx / n
            denom = np.sqrt(vi * vi.T)
        tiny = 1e-12 * np.maximum(n, 1.0)
        bad = (vi <= tiny) | (vi.T <= tiny) | (n < 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = c / denom
    r[bad] = np.nan
    return np.clip(r, -1.0, 1.0)


def _inter_item_r(x: np.ndarray, present: np.ndarray, complete: bool, ddof: int) -> tuple[float, float]:
    k = x.shape[1]
    if k < 2:
        return float("nan"), float("nan")
    r = inter_item_correlations(x, None if complete else present)
    pairs = r[np.triu_indices(k, 1)]
    pairs = pairs[~np.isnan(pairs)]
    if pairs.size == 0:
        return float("nan"), float("nan")
    sd = float(pairs.std(ddof=ddof)) if pairs.size > ddof else float("nan")
    return float(pairs.mean()), sd


def _nan_var(x: np.ndarray, present: np.ndarray, ddof: int) -> np.ndarray:
    n = present.sum(axis=0)
    m = np.nansum(x, axis=0) / n
    d = np.where(present, x - m, 0.0)
    return (d * d).sum(axis=0) / np.maximum(n - ddof, 1)


# a function named test_* is collected by pytest wherever it is imported; it is not a test
test_statistics.__test__ = False  # type: ignore[attr-defined]

"""Classical item analysis (การวิเคราะห์ข้อสอบรายข้อ): difficulty p, discrimination r and correlations.

Thai practice (thai-practice.md §1.1–§1.2) and the textbook indices side by side:

* p = R/N over the whole group, and p_g = (H + L)/(n_H + n_L) over the upper and lower groups;
* r = (H − L)/g = p_H − p_L with 27 % groups (25 / 33 / 50 % selectable), see :mod:`.groups`;
* point-biserial r_pb = corr(item, total) (the total includes the item), the corrected item-rest
  correlation corr(item, total − item), and the biserial r_bis = r_pb·√(pq)/φ(Φ⁻¹(p)).

Polytomous items (rubric items, rating scales; ข้อสอบอัตนัย/มาตรประมาณค่า) need their possible score
range [min, max] (``max_scores``, ``min_scores``). Their p and r are Whitney and Sabers' (1970) indices,
which Thai texts use for subjective items and which reduce to the 0/1 formulas above when the range is
[0, 1]::

    p = (S_H + S_L − 2 g X_min) / (2 g (X_max − X_min))      r = (S_H − S_L) / (g (X_max − X_min))

with S_H, S_L the sums of the item's scores in the upper and lower groups of size g. The whole-group
p is (mean − X_min)/(X_max − X_min). Item-total and item-rest r are Pearson's r (the point-biserial
for a 0/1 item); the biserial is given for 0/1 items only.

Variance divisor: item SDs divide by N − ``ddof`` (``ddof=0``, EVANA's population divisor, by default;
``ddof=1`` for the sample divisor), the same convention as :mod:`.reliability`. Correlations do not
depend on it.

Verdicts are judged on values rounded to 2 decimals, half-up (:func:`.verdicts.round_half_up`);
an item is *usable* (ใช้ได้) when p_min ≤ p ≤ p_max and r ≥ r_min (default .20, .80, .20).

Missing data: NaN in a score matrix means "not presented / not reached and scored as missing".
Such a cell adds nothing to the total; p and the correlations of that item use the persons who have
it (pairwise). With no NaN every formula is the textbook one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtri
from scipy.stats import norm

from psychometrics.ctt.groups import GroupSplit, split_groups
from psychometrics.ctt.verdicts import (
    difficulty_verdicts,
    discrimination_verdicts,
    round_half_up,
)
from psychometrics.errors import PsychometricsError
from psychometrics.tables import Table, table_from_columns

__all__ = [
    "ItemAnalysis",
    "ScoreRange",
    "analyze_items",
    "check_item_scores",
    "check_scores",
    "masked_correlation",
]


def check_scores(
    scores: ArrayLike, item_ids: Sequence[str] | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """A float persons × items matrix of 0, 1 or NaN, with its item ids; or PsychometricsError."""
    x, ids = _check_shape(scores, item_ids)
    bad = ~np.isnan(x) & (x != 0) & (x != 1)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise PsychometricsError(
            f"แถว {r + 1} ข้อ {c + 1}: คะแนน {x[r, c]:g} ต้องเป็น 0 หรือ 1 (ข้อหลายคะแนนให้ระบุ max_scores) / "
            "scores must be 0, 1 or NaN (give max_scores for polytomous items)"
        )
    return x, ids


@dataclass(frozen=True, eq=False)
class ScoreRange:
    """The possible score range of every item: ``minimum`` ≤ score ≤ ``maximum``, shape (n_items,)."""

    minimum: np.ndarray
    maximum: np.ndarray

    @property
    def width(self) -> np.ndarray:
        return self.maximum - self.minimum

    @property
    def is_dichotomous(self) -> bool:
        """Every item is scored 0/1."""
        return bool(np.all(self.minimum == 0) and np.all(self.maximum == 1))


def check_item_scores(
    scores: ArrayLike,
    item_ids: Sequence[str] | None = None,
    max_scores: ArrayLike | None = None,
    min_scores: ArrayLike | None = None,
) -> tuple[np.ndarray, tuple[str, ...], ScoreRange]:
    """Scores of any item type, their ids and possible ranges; or PsychometricsError.

    Parameters
    ----------
    scores : array_like, shape (n_persons, n_items)
        NaN means not presented.
    item_ids : sequence of str, optional
    max_scores : float or array_like of shape (n_items,), optional
        Full marks of each item (คะแนนเต็ม). Without it every item must be 0/1.
    min_scores : float or array_like of shape (n_items,), optional
        Lowest possible score, default 0 (1 for a 1–5 rating scale).
    """
    if max_scores is None and min_scores is None:
        x, ids = check_scores(scores, item_ids)
        k = x.shape[1]
        return x, ids, ScoreRange(np.zeros(k), np.ones(k))
    x, ids = _check_shape(scores, item_ids)
    k = x.shape[1]
    try:
        hi = np.broadcast_to(np.asarray(1.0 if max_scores is None else max_scores, dtype=float), (k,)).copy()
        lo = np.broadcast_to(np.asarray(0.0 if min_scores is None else min_scores, dtype=float), (k,)).copy()
    except ValueError as e:
        raise PsychometricsError(
            f"max_scores/min_scores ต้องมี 1 หรือ {k} ค่า / need one value or one per item"
        ) from e
    if not (np.isfinite(hi).all() and np.isfinite(lo).all()) or (hi <= lo).any():
        raise PsychometricsError("คะแนนเต็มต้องมากกว่าคะแนนต่ำสุดทุกข้อ / max_scores must exceed min_scores")
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(x) & ((x < lo) | (x > hi) | ~np.isfinite(x))
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise PsychometricsError(
            f"แถว {r + 1} ข้อ {c + 1}: คะแนน {x[r, c]:g} อยู่นอกช่วง {lo[c]:g}–{hi[c]:g} / score out of range"
        )
    return x, ids, ScoreRange(lo, hi)


def _check_shape(scores: ArrayLike, item_ids: Sequence[str] | None) -> tuple[np.ndarray, tuple[str, ...]]:
    x = np.asarray(scores, dtype=float)
    if x.ndim != 2:
        raise PsychometricsError(f"คะแนนต้องเป็นตาราง ผู้สอบ × ข้อ (ได้ {x.ndim} มิติ) / scores must be 2-D")
    if x.shape[0] < 2 or x.shape[1] < 1:
        raise PsychometricsError(
            f"ต้องมีผู้สอบอย่างน้อย 2 คนและข้อสอบอย่างน้อย 1 ข้อ (ได้ {x.shape[0]} × {x.shape[1]}) / "
            "need at least 2 persons and 1 item"
        )
    ids = tuple(str(i) for i in (item_ids if item_ids is not None else range(1, x.shape[1] + 1)))
    if len(ids) != x.shape[1]:
        raise PsychometricsError(f"รหัสข้อ {len(ids)} รหัส แต่มี {x.shape[1]} ข้อ / item_ids length mismatch")
    return x, ids


def masked_correlation(x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Pearson r of each column of `x` with the matching column of `y` over rows where `mask` holds.

    Parameters
    ----------
    x, y : ndarray, shape (n, k) (y may be (n, 1) to broadcast)
        Values; entries outside `mask` are ignored (they may be NaN).
    mask : ndarray of bool, shape (n, k)

    Returns
    -------
    ndarray, shape (k,)
        NaN where either variable is constant over the rows used.
    """
    m = mask.astype(float)
    n = m.sum(axis=0)
    xz = np.where(mask, x, 0.0)
    yz = np.where(mask, y, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = xz.sum(axis=0) / n
        my = yz.sum(axis=0) / n
        dx = np.where(mask, xz - mx, 0.0)
        dy = np.where(mask, yz - my, 0.0)
        sxy = (dx * dy).sum(axis=0)
        sxx = (dx * dx).sum(axis=0)
        syy = (dy * dy).sum(axis=0)
        r = sxy / np.sqrt(sxx * syy)
    tiny = 1e-12 * np.maximum(1.0, n)
    r[(sxx <= tiny) | (syy <= tiny)] = np.nan
    return np.clip(r, -1.0, 1.0)


def _complete_correlations(
    x: np.ndarray, total: np.ndarray, var_x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Item-total and item-rest r of complete data from moments, with no persons × items temporary.

    cov(x, T − x) = cov(x, T) − var(x) and var(T − x) = var(T) + var(x) − 2 cov(x, T); `var_x` is
    the items' variance with divisor N.
    """
    n = x.shape[0]
    mean_t = total.mean()
    var_t = float(((total - mean_t) ** 2).mean())
    cov_xt = (total - mean_t) @ x / n
    var_rest = var_t + var_x - 2 * cov_xt
    tiny = 1e-12
    with np.errstate(invalid="ignore", divide="ignore"):
        rpb = cov_xt / np.sqrt(var_x * var_t)
        rest = (cov_xt - var_x) / np.sqrt(var_x * var_rest)
    rpb[(var_x <= tiny) | (var_t <= tiny)] = np.nan
    rest[(var_x <= tiny) | (var_rest <= tiny)] = np.nan
    return np.clip(rpb, -1.0, 1.0), np.clip(rest, -1.0, 1.0)


@dataclass(frozen=True, eq=False)
class ItemAnalysis:
    """Classical item statistics for one administration (persons × items, any item type).

    Attributes
    ----------
    item_ids : tuple of str
    n_persons : int
    n : ndarray of int, shape (n_items,)
        Persons with a score on the item.
    p : ndarray, shape (n_items,)
        Difficulty over the whole group: proportion correct (R/N) for a 0/1 item,
        (mean − min)/(max − min) for a polytomous item.
    p_upper, p_lower : ndarray
        The same in the upper and lower groups (p_H, p_L).
    p_groups : ndarray
        (H + L)/(n_H + n_L), the difficulty Thai programs compute from the two groups; Whitney and
        Sabers' (S_H + S_L − 2g·min)/(2g(max − min)) for a polytomous item.
    h, l : ndarray
        Correct answers (sum of scores for a polytomous item) in the upper and lower groups.
    r : ndarray
        Discrimination index (H − L)/g (= p_H − p_L); Whitney–Sabers (S_H − S_L)/(g(max − min)) for a
        polytomous item; NaN when fewer than `min_n` persons.
    point_biserial, item_rest : ndarray
        Item-total and corrected item-total (item-rest) Pearson r; for 0/1 items the first is the
        point-biserial. Also available as :attr:`item_total`.
    biserial : ndarray
        0/1 items only (NaN for polytomous items).
    groups : GroupSplit
    usable : ndarray of bool
        0.20 ≤ p ≤ 0.80 and r ≥ 0.20 (or the given limits), judged on 2-decimal half-up values.
    p_basis : str
        "whole" or "groups": which p the verdicts and `usable` judge.
    mean, sd : ndarray
        Item mean score and SD (divisor n − `ddof`, over the persons who have the item).
    min_score, max_score : ndarray
        Possible score range of each item (0 and 1 for 0/1 items).
    ddof : int
        Variance divisor N − ddof of `sd`.
    """

    item_ids: tuple[str, ...]
    n_persons: int
    n: np.ndarray
    p: np.ndarray
    p_upper: np.ndarray
    p_lower: np.ndarray
    p_groups: np.ndarray
    h: np.ndarray
    l: np.ndarray  # noqa: E741 - the Thai formula's L
    r: np.ndarray
    point_biserial: np.ndarray
    item_rest: np.ndarray
    biserial: np.ndarray
    groups: GroupSplit
    usable: np.ndarray
    p_basis: str = "whole"
    p_min: float = 0.20
    p_max: float = 0.80
    r_min: float = 0.20
    min_n: int = 6
    difficulty_table: str = "evana"
    discrimination_table: str = "evana"
    mean: np.ndarray | None = None
    sd: np.ndarray | None = None
    min_score: np.ndarray | None = None
    max_score: np.ndarray | None = None
    ddof: int = 0

    @property
    def judged_p(self) -> np.ndarray:
        """The p the verdicts judge (whole-group p by default)."""
        return self.p_groups if self.p_basis == "groups" else self.p

    @property
    def item_total(self) -> np.ndarray:
        """Item-total Pearson r (the point-biserial for 0/1 items)."""
        return self.point_biserial

    @property
    def is_polytomous(self) -> np.ndarray:
        """Per item: scored on more than 0/1."""
        if self.max_score is None or self.min_score is None:
            return np.zeros(len(self.item_ids), dtype=bool)
        return (self.min_score != 0) | (self.max_score != 1)

    def difficulty_verdicts(self, locale: str = "th") -> list[str | None]:
        """ง่ายมาก … ยากมาก per item (band table `difficulty_table`)."""
        return difficulty_verdicts(self.judged_p, self.difficulty_table, locale)

    def discrimination_verdicts(self, locale: str = "th") -> list[str | None]:
        """อำนาจจำแนกดีมาก … per item (band table `discrimination_table`); "n น้อยเกินไป" below min_n."""
        return discrimination_verdicts(
            self.r, self.discrimination_table, locale, n_persons=self.n_persons, min_n=self.min_n
        )

    def summary(self, locale: str = "th") -> Table:
        """One row per item: p, p_H, p_L, r, correlations and verdicts; Thai headers by default.

        With polytomous items the table also has each item's full marks, mean and SD, and its
        p and r are Whitney–Sabers' (said in the notes).
        """
        th = locale != "en"
        r2 = round_half_up
        poly = bool(self.is_polytomous.any())
        cols: dict[str, Sequence[object]] = {
            ("ข้อ" if th else "item"): self.item_ids,
            ("จำนวนผู้ตอบ" if th else "n"): self.n,
        }
        if poly and self.mean is not None and self.sd is not None and self.max_score is not None:
            cols[("คะแนนเต็ม" if th else "max_score")] = [_plain_score(v) for v in self.max_score]
            cols[("ค่าเฉลี่ย" if th else "mean")] = r2(self.mean, 3)
            cols[(f"SD (หาร N−{self.ddof})" if th else "sd")] = r2(self.sd, 3)
        cols |= {
            ("p (ทั้งกลุ่ม)" if th else "p"): r2(self.p, 3),
            ("p (กลุ่มสูง-ต่ำ)" if th else "p_groups"): r2(self.p_groups, 3),
            "H": r2(self.h, 3) if poly else self.h,
            "L": r2(self.l, 3) if poly else self.l,
            ("pH" if th else "p_upper"): r2(self.p_upper, 3),
            ("pL" if th else "p_lower"): r2(self.p_lower, 3),
            ("r (H−L)/g" if th else "r"): r2(self.r, 3),
            ("สหสัมพันธ์พอยท์ไบซีเรียล" if th else "point_biserial"): r2(self.point_biserial, 3),
            ("สหสัมพันธ์กับคะแนนที่เหลือ" if th else "item_rest"): r2(self.item_rest, 3),
            ("สหสัมพันธ์ไบซีเรียล" if th else "biserial"): r2(self.biserial, 3),
            ("ความยากง่าย" if th else "difficulty"): self.difficulty_verdicts(locale),
            ("อำนาจจำแนก" if th else "discrimination"): self.discrimination_verdicts(locale),
            ("ใช้ได้" if th else "usable"): [("ใช้ได้" if u else "") if th else bool(u) for u in self.usable],
        }
        title = "การวิเคราะห์ข้อสอบรายข้อ" if th else "Item analysis"
        basis = (
            ("ทั้งกลุ่ม (R/N)" if th else "whole group (R/N)")
            if self.p_basis == "whole"
            else ("กลุ่มสูง-ต่ำ (H+L)/2g" if th else "upper and lower groups (H+L)/2g")
        )
        notes = [
            *self.groups.notes(locale),
            (
                f"เกณฑ์ใช้ได้: {self.p_min:.2f} ≤ p ≤ {self.p_max:.2f} และ r ≥ {self.r_min:.2f} "
                f"(ปัดทศนิยม 2 ตำแหน่งแบบปัดครึ่งขึ้น; p จาก{basis})"
                if th
                else f"Usable: {self.p_min:.2f} ≤ p ≤ {self.p_max:.2f} and r ≥ {self.r_min:.2f} "
                f"(2-decimal half-up values; p over the {basis})"
            ),
        ]
        if poly:
            notes.append(
                "ข้อหลายคะแนน: p และ r ตามดัชนีของ Whitney และ Sabers (1970) "
                "p = (S_H + S_L − 2g·X_min)/(2g(X_max − X_min)), r = (S_H − S_L)/(g(X_max − X_min)); "
                "H และ L เป็นผลรวมคะแนนของกลุ่ม; สหสัมพันธ์เป็นของเพียร์สัน"
                if th
                else "Polytomous items: Whitney–Sabers (1970) indices "
                "p = (S_H + S_L − 2g·X_min)/(2g(X_max − X_min)), r = (S_H − S_L)/(g(X_max − X_min)); "
                "H and L are the groups' score sums; correlations are Pearson's"
            )
        if self.n_persons < self.min_n:
            notes.append(
                f"ผู้สอบ {self.n_persons} คน น้อยกว่า {self.min_n}: ไม่คำนวณ r"
                if th
                else f"{self.n_persons} persons, fewer than {self.min_n}: r not computed"
            )
        return table_from_columns(title, cols, notes)


def _plain_score(v: float) -> float | int:
    return int(v) if float(v).is_integer() else float(v)


def analyze_items(
    scores: ArrayLike,
    item_ids: Sequence[str] | None = None,
    *,
    groups: float | int | str = 27,
    p_basis: str = "whole",
    p_min: float = 0.20,
    p_max: float = 0.80,
    r_min: float = 0.20,
    min_n: int = 6,
    difficulty_table: str = "evana",
    discrimination_table: str = "evana",
    max_scores: ArrayLike | None = None,
    min_scores: ArrayLike | None = None,
    ddof: int = 0,
) -> ItemAnalysis:
    """Item analysis of a score matrix of any item type, persons × items, rows in seat order.

    Parameters
    ----------
    scores : array_like, shape (n_persons, n_items)
        1 right, 0 wrong, NaN not presented; with `max_scores`, any score in [min, max].
    item_ids : sequence of str, optional
    groups : 25, 27, 33, 50 or a fraction, default=27
        Share of persons in the upper and lower groups; g = round(f·N), half-up.
    p_basis : {"whole", "groups"}, default="whole"
        Which p the verdicts judge: R/N (textbooks, safeandjay2) or (H+L)/2g (ResearchStat, EVANA 25 %).
    p_min, p_max, r_min : float
        Limits for "usable" (thai-practice.md §0 row 3); they judge Whitney–Sabers p and r for
        polytomous items.
    min_n : int, default=6
        Below this many persons r is not computed (safeandjay2 ``analysis.r_min_n``).
    difficulty_table, discrimination_table : str
        Band tables of :mod:`.verdicts` (``bands.json``): "evana", "bu", "tou", "researchstat";
        "evana", "ebel".
    max_scores, min_scores : float or array_like of shape (n_items,), optional
        Possible score range of each item (full marks; lowest score, default 0). Needed for
        polytomous and mixed tests; without them every score must be 0 or 1.
    ddof : {0, 1}, default=0
        Divisor N − ddof of the item SDs (0: population, as EVANA; 1: sample, as psych and SPSS).

    Returns
    -------
    ItemAnalysis

    References
    ----------
    Kelley, T. L. (1939). The selection of upper and lower groups for the validation of test items.
    Journal of Educational Psychology, 30(1), 17–24.
    Lord, F. M., & Novick, M. R. (1968). Statistical theories of mental test scores, §15.
    Whitney, D. R., & Sabers, D. L. (1970). Improving essay examinations III: Use of item analysis.
    University of Iowa, Evaluation and Examination Service (Technical Bulletin 11).
    """
    x, ids, rng_ = check_item_scores(scores, item_ids, max_scores, min_scores)
    if p_basis not in ("whole", "groups"):
        raise PsychometricsError(f"p_basis ต้องเป็น 'whole' หรือ 'groups' (ได้ {p_basis!r})")
    check_ddof(ddof)
    n_persons = x.shape[0]
    present = ~np.isnan(x)
    complete = bool(present.all())
    xz = x if complete else np.where(present, x, 0.0)
    total = xz.sum(axis=1)
    split = split_groups(total, groups)
    lo, width = rng_.minimum, rng_.width

    n = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = xz.sum(axis=0) / n
        p = (mean - lo) / width
        h = xz[split.upper].sum(axis=0)
        low = xz[split.lower].sum(axis=0)
        nu = present[split.upper].sum(axis=0)
        nl = present[split.lower].sum(axis=0)
        p_upper, p_lower = (h / nu - lo) / width, (low / nl - lo) / width
        p_groups = (h + low - (nu + nl) * lo) / ((nu + nl) * width)
    r = p_upper - p_lower  # = (H − L)/g with complete data; Whitney–Sabers for polytomous items
    if n_persons < min_n:
        r = np.full_like(r, np.nan)

    dichotomous = rng_.is_dichotomous
    if complete:
        var_x = mean * (1 - mean) if dichotomous else x.var(axis=0)
        rpb, item_rest = _complete_correlations(x, total, var_x)
    else:
        var_x = _masked_variance(x, present, mean)
        rpb = masked_correlation(x, total[:, None], present)
        item_rest = masked_correlation(x, total[:, None] - xz, present)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(var_x * n / (n - ddof))
        q = 1.0 - p
        biserial = rpb * np.sqrt(p * q) / norm.pdf(ndtri(p))
    biserial[(p <= 0) | (p >= 1) | (lo != 0) | (rng_.maximum != 1)] = np.nan

    judged = p_groups if p_basis == "groups" else p
    p2, r2 = round_half_up(judged), round_half_up(r)
    with np.errstate(invalid="ignore"):
        usable = (p2 >= p_min - 1e-12) & (p2 <= p_max + 1e-12) & (r2 >= r_min - 1e-12)
    return ItemAnalysis(
        item_ids=ids,
        n_persons=n_persons,
        n=n,
        p=p,
        p_upper=p_upper,
        p_lower=p_lower,
        p_groups=p_groups,
        h=h.astype(int) if dichotomous else h,
        l=low.astype(int) if dichotomous else low,
        r=r,
        point_biserial=rpb,
        item_rest=item_rest,
        biserial=biserial,
        groups=split,
        usable=usable,
        p_basis=p_basis,
        p_min=p_min,
        p_max=p_max,
        r_min=r_min,
        min_n=min_n,
        difficulty_table=difficulty_table,
        discrimination_table=discrimination_table,
        mean=mean,
        sd=sd,
        min_score=rng_.minimum,
        max_score=rng_.maximum,
        ddof=ddof,
    )


def check_ddof(ddof: int) -> None:
    """The variance divisor setting: 0 (N, population) or 1 (N − 1, sample)."""
    if ddof not in (0, 1):
        raise PsychometricsError(f"ddof ต้องเป็น 0 หรือ 1 (ได้ {ddof}) / ddof must be 0 or 1")


def _masked_variance(x: np.ndarray, present: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Item variances with divisor n over the persons who have the item."""
    d = np.where(present, x - mean, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (d * d).sum(axis=0) / present.sum(axis=0)

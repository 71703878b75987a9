"""Upper and lower groups (กลุ่มสูง กลุ่มต่ำ) for the Thai discrimination index r = (H − L)/g.

Persons are sorted by total score, highest first; equal totals keep seat order (เลขที่, the row
order of the answer file), exactly as EVANA and safeandjay2 do (thai-practice.md §1.2). The upper
group is the first g persons, the lower group the last g.

Group size: g = round(f·N) with **half-up** rounding, at least 1, as EVANA computes it with
JavaScript's ``Math.round`` (27 % of 66 papers → 17.82 → 18). Python's ``round`` rounds halves to the
*even* integer, so ``round(0.27 * 150)`` is 40 where Thai programs give 41 (40.5 → 41); we compute
g in exact rational arithmetic (f as a decimal fraction) so neither banker's rounding nor binary
noise can move a group by one person. g is also capped at ⌊N/2⌋ so that with 50 % groups and an odd
N the two groups do not share a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike

from psychometrics.errors import PsychometricsError

__all__ = ["GROUP_SHARES", "GroupSplit", "group_fraction", "group_size", "split_groups"]

#: The shares Thai programs offer (ResearchStat: 25, 27, 33, 50 %; EVANA 25 / 27 %).
GROUP_SHARES = (25, 27, 33, 50)


def group_fraction(groups: float | int | str) -> Fraction:
    """The group share as an exact fraction: 27, "27", "27%" and 0.27 all give 27/100."""
    text = str(groups).strip().rstrip("%").strip()
    try:
        f = Fraction(text)
    except (ValueError, ZeroDivisionError) as e:
        raise PsychometricsError(f"สัดส่วนกลุ่ม {groups!r} ไม่ใช่ตัวเลข / group share is not a number") from e
    if f > 1:
        f /= 100
    if not (0 < f <= Fraction(1, 2)):
        raise PsychometricsError(
            f"สัดส่วนกลุ่มสูง-ต่ำต้องอยู่ระหว่าง 0 ถึง 50% (ได้ {groups}) / group share must be in (0, 50%]"
        )
    return f


def group_size(n_persons: int, groups: float | int | str = 27) -> int:
    """g = round(f·N) rounded half-up in exact arithmetic, at least 1, at most ⌊N/2⌋ (N ≥ 2).

    Examples
    --------
    >>> group_size(66), group_size(150), group_size(50), round(0.27 * 150)
    (18, 41, 14, 40)
    """
    f = group_fraction(groups)
    g = int((f * n_persons + Fraction(1, 2)) // 1)
    g = max(1, g)
    if n_persons >= 2:
        g = min(g, n_persons // 2)
    return g


@dataclass(frozen=True, eq=False)
class GroupSplit:
    """Who is in the upper and lower groups, and whether the cut fell inside a run of equal scores.

    Attributes
    ----------
    g : int
        Size of each group.
    share : Fraction
        The requested share (e.g. 27/100).
    upper, lower : ndarray of int, shape (g,)
        Row indices (0-based) of the persons in each group.
    upper_cut_score, lower_cut_score : float
        Lowest total in the upper group; highest total in the lower group.
    upper_tied_in, upper_tied_out : int
        Persons with the upper cut score inside / outside the upper group (a tie when both > 0).
    lower_tied_in, lower_tied_out : int
        The same at the lower cut.
    """

    g: int
    share: Fraction
    upper: np.ndarray
    lower: np.ndarray
    upper_cut_score: float
    lower_cut_score: float
    upper_tied_in: int
    upper_tied_out: int
    lower_tied_in: int
    lower_tied_out: int

    @property
    def upper_tie(self) -> bool:
        """True when equal scores straddle the upper cut and seat order decided who got in."""
        return self.upper_tied_in > 0 and self.upper_tied_out > 0

    @property
    def lower_tie(self) -> bool:
        """True when equal scores straddle the lower cut."""
        return self.lower_tied_in > 0 and self.lower_tied_out > 0

    def notes(self, locale: str = "th") -> tuple[str, ...]:
        """Sentences for a report: the group size and any tie at a cut."""
        pct = float(self.share * 100)
        th = locale != "en"
        out = [
            f"กลุ่มสูง-กลุ่มต่ำ {pct:g}% กลุ่มละ {self.g} คน (ปัดครึ่งขึ้น)"
            if th
            else f"Upper/lower groups of {pct:g}%: {self.g} persons each (half-up rounding)"
        ]
        for name_th, name_en, tie, score, tin, tout in (
            ("กลุ่มสูง", "upper", self.upper_tie, self.upper_cut_score, self.upper_tied_in, self.upper_tied_out),
            ("กลุ่มต่ำ", "lower", self.lower_tie, self.lower_cut_score, self.lower_tied_in, self.lower_tied_out),
        ):
            if tie:
                out.append(
                    f"คะแนนเท่ากันที่รอยตัด{name_th}: คะแนน {score:g} มี {tin + tout} คน "
                    f"อยู่ในกลุ่ม {tin} คน ตัดสินด้วยเลขที่ (ลำดับแถว)"
                    if th
                    else f"Tie at the {name_en} cut: {tin + tout} persons scored {score:g}, "
                    f"{tin} placed in the group by seat order (row order)"
                )
        return tuple(out)


def split_groups(total: ArrayLike, groups: float | int | str = 27) -> GroupSplit:
    """Form the upper and lower groups from total scores (rows in seat order).

    Parameters
    ----------
    total : array_like of float, shape (n_persons,)
    groups : float, int or str, default=27
        Share of persons in each group: 25, 27, 33 or 50 (%), or a fraction such as 0.27.

    Returns
    -------
    GroupSplit
    """
    t = np.asarray(total, dtype=float)
    if t.ndim != 1 or t.size < 2:
        raise PsychometricsError("ต้องมีผู้สอบอย่างน้อย 2 คนจึงแบ่งกลุ่มสูง-ต่ำได้ / need at least 2 persons")
    if np.isnan(t).any():
        raise PsychometricsError("คะแนนรวมมีค่าว่าง (NaN) / a total score is NaN")
    n = t.size
    g = group_size(n, groups)
    order = np.lexsort((np.arange(n), -t))  # total descending, then seat order ascending
    upper, lower = order[:g], order[n - g :]
    up_cut, lo_cut = t[upper[-1]], t[lower[0]]
    up_in = int((t[upper] == up_cut).sum())
    lo_in = int((t[lower] == lo_cut).sum())
    return GroupSplit(
        g=g,
        share=group_fraction(groups),
        upper=upper,
        lower=lower,
        upper_cut_score=float(up_cut),
        lower_cut_score=float(lo_cut),
        upper_tied_in=up_in,
        upper_tied_out=int((t == up_cut).sum()) - up_in,
        lower_tied_in=lo_in,
        lower_tied_out=int((t == lo_cut).sum()) - lo_in,
    )

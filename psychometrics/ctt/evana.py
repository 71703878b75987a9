"""EVANA mode: the item analysis of the Thai program EVANA, so officers can compare with what they know.

Two techniques (thai-practice.md §1.3):

* **25 %** (สูตรอย่างง่าย): p = (H + L)/2g, r = (H − L)/g, Δ = 13 + 4·Φ⁻¹(1 − p).
* **27 %** (ตาราง Chung-Teh Fan): Fan (1952) tabulated, for the proportions p_H and p_L answering
  right in the upper and lower 27 % on the criterion, the p, r and Δ of a normal-ogive model:
  the criterion X and the latent item variable Y are standard bivariate normal with correlation ρ,
  the item is answered right when Y > c, the groups are X > k and X < −k with k = Φ⁻¹(.73) = 0.6128.
  Then p_H = P(Y > c, X > k)/.27 and p_L = P(Y > c, X < −k)/.27, and the table gives
  **p = 1 − Φ(c)**, **r = ρ** and **Δ = 13 + 4c**. We solve those two equations for (c, ρ)
  directly (Newton's method with analytic derivatives, all items at once) instead of reading a
  printed table. Like EVANA we "open the table" with p_H and p_L rounded to 2 decimals and clamp the
  larger to .10–.99 and the smaller to .01–.99 (`table_resolution=True`).

The EVANA decision per item (EVANA port ``classify``): **ใช้ได้** when p is within .20–.80, r ≥ .20
and every distractor works; **ควรปรับปรุง** when r ≥ .20 but p is out of range or a distractor is
bad; **ควรตัดทิ้ง** when r < .20 (judged on 2-decimal values).

References
----------
Fan, C.-T. (1952). Item analysis table. Princeton, NJ: Educational Testing Service.
Owen, D. B. (1956). Tables for computing bivariate normal probabilities. Ann. Math. Stat. 27, 1075–1090.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr, ndtri, owens_t

from psychometrics.ctt.groups import GroupSplit, split_groups
from psychometrics.ctt.item_analysis import check_scores
from psychometrics.ctt.keying import CREDIT_ALL, OPTION_LABELS_EN, OPTION_LABELS_TH, KeyedResponses
from psychometrics.ctt.verdicts import (
    decision_label,
    difficulty_verdicts,
    discrimination_verdicts,
    distractor_verdicts,
    round_half_up,
)
from psychometrics.errors import PsychometricsError
from psychometrics.tables import Table, table_from_columns

__all__ = ["FAN_K27", "EvanaAnalysis", "bivariate_normal_upper", "evana_analysis", "evana_delta", "fan_table"]

#: Criterion cut of the 27 % groups: Φ⁻¹(0.73).
FAN_K27 = float(ndtri(0.73))
_T27 = 0.27


def bivariate_normal_upper(h: ArrayLike, k: ArrayLike, rho: ArrayLike) -> np.ndarray:
    """P(X > h, Y > k) for standard bivariate normal (X, Y) with correlation ρ, vectorised.

    Uses Owen's T function (Owen 1956): Φ₂(a, b; ρ) = ½Φ(a) + ½Φ(b) − T(a, α_a) − T(b, α_b) − δ.
    """
    a = -np.asarray(h, dtype=float)
    b = -np.asarray(k, dtype=float)
    rho = np.asarray(rho, dtype=float)
    a, b, rho = np.broadcast_arrays(a, b, rho)
    a = np.where(np.abs(a) < 1e-10, 1e-10, a)  # T(0, ±∞) is a limit; a tiny offset gets it to 1e-11
    b = np.where(np.abs(b) < 1e-10, 1e-10, b)
    s = np.sqrt(np.maximum(1.0 - rho * rho, 1e-300))
    alpha_a = (b - rho * a) / (a * s)
    alpha_b = (a - rho * b) / (b * s)
    delta = np.where(a * b > 0, 0.0, 0.5)
    return 0.5 * ndtr(a) + 0.5 * ndtr(b) - owens_t(a, alpha_a) - owens_t(b, alpha_b) - delta


def _phi2(x: np.ndarray, y: np.ndarray, rho: np.ndarray) -> np.ndarray:
    s2 = 1.0 - rho * rho
    return np.exp(-(x * x - 2 * rho * x * y + y * y) / (2 * s2)) / (2 * np.pi * np.sqrt(s2))


def evana_delta(p: ArrayLike) -> np.ndarray:
    """ETS delta as EVANA prints it: Δ = 13 + 4·Φ⁻¹(1 − p), with 1 − p clamped to .0001–.9999."""
    q = np.clip(1.0 - np.asarray(p, dtype=float), 1e-4, 1 - 1e-4)
    return 13.0 + 4.0 * ndtri(q)


def fan_table(
    p_upper: ArrayLike, p_lower: ArrayLike, *, table_resolution: bool = True, max_iter: int = 60
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chung-Teh Fan's p, r and Δ from the proportions right in the upper and lower 27 % groups.

    Parameters
    ----------
    p_upper, p_lower : array_like of float, broadcastable
        p_H and p_L. When p_H < p_L the roles are swapped and r is negative.
    table_resolution : bool, default=True
        Round p_H, p_L to 2 decimals (half-up) and clamp them to the table's range (.10–.99 for the
        larger, .01–.99 for the smaller), as EVANA does when it opens Fan's table.
    max_iter : int, default=60
        Newton iterations (convergence is usually reached in under 8).

    Returns
    -------
    p, r, delta : ndarray
        p = 1 − Φ(c), r = ρ, Δ = 13 + 4c. NaN where an input is NaN.
    """
    ph, pl = np.broadcast_arrays(np.asarray(p_upper, dtype=float), np.asarray(p_lower, dtype=float))
    nan = np.isnan(ph) | np.isnan(pl)
    ph, pl = np.nan_to_num(ph, nan=0.5), np.nan_to_num(pl, nan=0.5)
    sign = np.where(ph < pl, -1.0, 1.0)
    hi, lo = np.maximum(ph, pl), np.minimum(ph, pl)
    if table_resolution:
        hi, lo = round_half_up(hi), round_half_up(lo)
        hi, lo = np.clip(hi, 0.10, 0.99), np.clip(lo, 0.01, 0.99)
    else:
        hi, lo = np.clip(hi, 1e-4, 1 - 1e-4), np.clip(lo, 1e-4, 1 - 1e-4)
    equal = np.abs(hi - lo) < 1e-9
    k = FAN_K27
    c = ndtri(1.0 - (hi + lo) / 2)
    z = np.full_like(c, 0.3)
    active = ~equal
    for _ in range(max_iter):
        if not active.any():
            break
        rho = np.tanh(z)
        s = np.sqrt(1.0 - rho * rho)
        f1 = bivariate_normal_upper(c, k, rho) / _T27 - hi
        f2 = bivariate_normal_upper(c, k, -rho) / _T27 - lo
        dens_c = np.exp(-0.5 * c * c) / np.sqrt(2 * np.pi)
        j11 = -dens_c * ndtr((rho * c - k) / s) / _T27
        j21 = -dens_c * ndtr((-rho * c - k) / s) / _T27
        j12 = _phi2(c, np.full_like(c, k), rho) * (1 - rho * rho) / _T27
        j22 = -_phi2(c, np.full_like(c, k), -rho) * (1 - rho * rho) / _T27
        det = j11 * j22 - j12 * j21
        ok = active & (np.abs(det) > 1e-14)
        safe = np.where(ok, det, 1.0)
        dc = np.where(ok, (f1 * j22 - f2 * j12) / safe, 0.0)
        dz = np.where(ok, (j11 * f2 - j21 * f1) / safe, 0.0)
        step = np.maximum(np.abs(dc), np.abs(dz))
        scale = np.where(step > 1.0, 1.0 / np.maximum(step, 1e-300), 1.0)  # step limit, as EVANA's port
        c -= dc * scale
        z -= dz * scale
        active = ok & (step > 1e-10)
    p = np.where(equal, hi, 1.0 - ndtr(c))
    r = np.where(equal, 0.0, sign * np.tanh(z))
    delta = np.where(equal, evana_delta(hi), 13.0 + 4.0 * c)
    p, r, delta = (np.where(nan, np.nan, v) for v in (p, r, delta))
    return p, r, delta


def _technique_stats(technique: int, h: np.ndarray, low: np.ndarray, g: int, key: np.ndarray) -> tuple:
    """p, r, Δ for counts H and L per option (r signed for a key, reversed for a distractor)."""
    if technique == 25:
        p = (h + low) / (2 * g)
        r = np.where(key, h - low, low - h) / g
        return p, r, evana_delta(p)
    ph, pl = h / g, low / g
    p, r, d = fan_table(np.where(key, ph, pl), np.where(key, pl, ph))
    nobody = (h + low) == 0
    return np.where(nobody, 0.0, p), np.where(nobody, 0.0, r), np.where(nobody, evana_delta(0.0), d)


@dataclass(frozen=True, eq=False)
class EvanaAnalysis:
    """EVANA-compatible item analysis.

    Attributes
    ----------
    technique : {25, 27}
    item_ids : tuple of str
    groups : GroupSplit
    h, l : ndarray of int, shape (n_items,)
        Right answers in the upper and lower groups.
    p, r, delta : ndarray, shape (n_items,)
        EVANA's p, r and Δ for the key (several right options are pooled).
    option_h, option_l, option_p, option_r, option_delta : ndarray, shape (n_items, m) or None
        The same per option when raw answers were given (rows EVANA prints for every choice).
    option_is_key : ndarray of bool or None
    decision : tuple of str
        "good", "revise" or "drop" per item.
    """

    technique: int
    item_ids: tuple[str, ...]
    groups: GroupSplit
    h: np.ndarray
    l: np.ndarray  # noqa: E741 - the Thai formula's L
    p: np.ndarray
    r: np.ndarray
    delta: np.ndarray
    decision: tuple[str, ...]
    option_h: np.ndarray | None = None
    option_l: np.ndarray | None = None
    option_p: np.ndarray | None = None
    option_r: np.ndarray | None = None
    option_delta: np.ndarray | None = None
    option_is_key: np.ndarray | None = None
    n_options: np.ndarray | None = None
    p_min: float = 0.20
    p_max: float = 0.80
    r_min: float = 0.20

    def summary(self, locale: str = "th") -> Table:
        """One row per item: H, L, pH, pL, p, r, Δ, EVANA's verdict and decision."""
        th = locale != "en"
        g = self.groups.g
        comment = [
            f"{a}  {b}" if a and b else (a or b or "")
            for a, b in zip(
                difficulty_verdicts(self.p, "evana", locale),
                discrimination_verdicts(self.r, "evana", locale),
                strict=True,
            )
        ]
        cols = {
            ("ข้อ" if th else "item"): self.item_ids,
            "H": self.h,
            "L": self.l,
            "PH": round_half_up(self.h / g, 2),
            "PL": round_half_up(self.l / g, 2),
            "p": round_half_up(self.p, 2),
            "r": round_half_up(self.r, 2),
            "Delta": round_half_up(self.delta, 1),
            ("วิจารณ์" if th else "verdict"): comment,
            ("สรุป" if th else "decision"): [decision_label(d, locale) for d in self.decision],
        }
        how = (
            ("โดยใช้ตาราง CHUNG TEH FAN กลุ่มสูง กลุ่มต่ำ 27 %" if th else "Chung-Teh Fan table, 27 % groups")
            if self.technique == 27
            else ("โดยใช้สูตรอย่างง่าย กลุ่มสูง กลุ่มต่ำ 25 %" if th else "simple formulas, 25 % groups")
        )
        notes = [
            ("การวิเคราะห์ข้อสอบรายข้อ " if th else "Item analysis by ") + how,
            *self.groups.notes(locale),
            (
                f"เกณฑ์: {self.p_min:.2f} ≤ p ≤ {self.p_max:.2f}, r ≥ {self.r_min:.2f} และตัวลวงทำงานทุกตัว"
                if th
                else f"Criteria: {self.p_min:.2f} ≤ p ≤ {self.p_max:.2f}, r ≥ {self.r_min:.2f}, every distractor works"
            ),
        ]
        title = f"EVANA {self.technique}%" + (" (ตาราง Fan)" if self.technique == 27 and th else "")
        title += " (Fan table)" if self.technique == 27 and not th else ""
        return table_from_columns(title, cols, notes)

    def option_summary(self, locale: str = "th") -> Table | None:
        """EVANA's per-choice rows: item, option, H, L, p, r, Δ and its verdict; None without answers."""
        if self.option_p is None or self.option_is_key is None or self.n_options is None:
            return None
        assert self.option_h is not None and self.option_l is not None
        assert self.option_r is not None and self.option_delta is not None
        th = locale != "en"
        labels = OPTION_LABELS_EN if locale == "en" else OPTION_LABELS_TH
        m = self.option_p.shape[1]
        chosen = (self.option_h + self.option_l).ravel()
        dverdict = distractor_verdicts(self.option_r.ravel(), chosen, locale)
        rows = []
        for j, item in enumerate(self.item_ids):
            for c in range(int(self.n_options[j])):
                key = bool(self.option_is_key[j, c])
                if key:
                    verdict = " ".join(
                        filter(
                            None,
                            (
                                difficulty_verdicts([self.option_p[j, c]], "evana", locale)[0],
                                discrimination_verdicts([self.option_r[j, c]], "evana", locale)[0],
                            ),
                        )
                    )
                else:
                    verdict = dverdict[j * m + c] or ""
                rows.append(
                    (
                        item,
                        labels[c] + ("*" if key else ""),
                        int(self.option_h[j, c]),
                        int(self.option_l[j, c]),
                        float(round_half_up(self.option_p[j, c], 2)),
                        float(round_half_up(self.option_r[j, c], 2)),
                        float(round_half_up(self.option_delta[j, c], 1)),
                        verdict,
                    )
                )
        cols = (
            ("ข้อ", "ตัวเลือก", "H", "L", "p", "r", "Delta", "วิจารณ์")
            if th
            else ("item", "option", "H", "L", "p", "r", "Delta", "verdict")
        )
        return Table(
            "EVANA รายตัวเลือก" if th else "EVANA by option", cols, rows, ("* = ตัวถูก" if th else "* = key",)
        )


def evana_analysis(
    scores: ArrayLike,
    item_ids: Sequence[str] | None = None,
    *,
    keyed: KeyedResponses | None = None,
    technique: int = 27,
    p_min: float = 0.20,
    p_max: float = 0.80,
    r_min: float = 0.20,
) -> EvanaAnalysis:
    """Item analysis as EVANA computes it (25 % simple formulas or 27 % with Fan's table).

    Parameters
    ----------
    scores : array_like, shape (n_persons, n_items)
        0/1 scores, rows in seat order.
    item_ids : sequence of str, optional
    keyed : KeyedResponses, optional
        The raw answers behind `scores`; gives the per-option rows and the distractor check.
    technique : {27, 25}, default=27
    p_min, p_max, r_min : float
        EVANA's criteria.

    Returns
    -------
    EvanaAnalysis
    """
    if technique not in (25, 27):
        raise PsychometricsError(
            f"EVANA ใช้กลุ่ม 25% หรือ 27% เท่านั้น (ได้ {technique}) / technique must be 25 or 27"
        )
    x, ids = check_scores(scores, keyed.item_ids if keyed is not None else item_ids)
    xz = np.where(np.isnan(x), 0.0, x)
    split = split_groups(xz.sum(axis=1), technique)
    g = split.g
    h = xz[split.upper].sum(axis=0)
    low = xz[split.lower].sum(axis=0)
    p, r, delta = _technique_stats(technique, h, low, g, np.ones(h.shape, dtype=bool))

    opt: dict[str, np.ndarray | None] = dict.fromkeys(
        ("option_h", "option_l", "option_p", "option_r", "option_delta", "option_is_key", "n_options")
    )
    bad_distractor = np.zeros(h.shape, dtype=bool)
    if keyed is not None:
        m = int(keyed.n_options.max())
        ch_u, ch_l = keyed.choices[split.upper], keyed.choices[split.lower]
        oh = np.stack([(ch_u == c).sum(axis=0) for c in range(1, m + 1)], axis=1)
        ol = np.stack([(ch_l == c).sum(axis=0) for c in range(1, m + 1)], axis=1)
        km = keyed.key_matrix()[:, 1 : m + 1]
        credit = np.array([k is CREDIT_ALL for k in keyed.keys])
        km[credit] = False
        op, orr, od = _technique_stats(technique, oh, ol, g, km)
        has = np.arange(1, m + 1)[None, :] <= keyed.n_options[:, None]
        distractor = has & ~km & ~credit[:, None]
        bad_distractor = (distractor & (((oh + ol) == 0) | (round_half_up(orr) < 0))).any(axis=1)
        opt = {
            "option_h": oh,
            "option_l": ol,
            "option_p": op,
            "option_r": orr,
            "option_delta": od,
            "option_is_key": km,
            "n_options": keyed.n_options,
        }
    p2, r2 = round_half_up(p), round_half_up(r)
    decision = tuple(
        "drop"
        if rr < r_min - 1e-12
        else ("revise" if (pp < p_min - 1e-12 or pp > p_max + 1e-12 or bad) else "good")
        for pp, rr, bad in zip(p2, r2, bad_distractor, strict=True)
    )
    return EvanaAnalysis(
        technique=technique,
        item_ids=ids,
        groups=split,
        h=h.astype(int),
        l=low.astype(int),
        p=p,
        r=r,
        delta=delta,
        decision=decision,
        p_min=p_min,
        p_max=p_max,
        r_min=r_min,
        **opt,
    )

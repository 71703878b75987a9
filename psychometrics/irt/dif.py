"""Differential item functioning (DIF): Mantel–Haenszel, logistic regression, Lord's Wald test, IRT-LR.

Groups: `group` holds one label per person; persons whose label equals `focal` form the focal group,
every other labelled person the reference group, and persons with a missing label (None / NaN) are
left out.  The matching variable is the total score over the answered items unless one is given.

References
----------
Holland, P. W., & Thayer, D. T. (1988). Differential item performance and the Mantel–Haenszel
    procedure. In H. Wainer & H. I. Braun (Eds.), Test validity (pp. 129–145). Erlbaum.
Robins, J., Breslow, N., & Greenland, S. (1986). Estimators of the Mantel–Haenszel variance consistent
    in both sparse data and large-strata limiting models. Biometrics, 42, 311–323.
Zwick, R. (2012). A review of ETS differential item functioning assessment procedures (ETS RR-12-08).
Swaminathan, H., & Rogers, H. J. (1990). Detecting differential item functioning using logistic
    regression procedures. Journal of Educational Measurement, 27(4), 361–370.
Zumbo, B. D. (1999). A handbook on the theory and methods of differential item functioning. DHRD.
Jodoin, M. G., & Gierl, M. J. (2001). Evaluating type I error and power rates using an effect size
    measure with the logistic regression procedure for DIF detection. AME, 14(4), 329–349.
Lord, F. M. (1980). Applications of item response theory to practical testing problems, ch. 14.
Thissen, D., Steinberg, L., & Wainer, H. (1993). Detection of differential item functioning using
    the parameters of item response models. In Holland & Wainer (Eds.), Differential item functioning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, log_expit
from scipy.stats import chi2, norm

from psychometrics.errors import PsychometricsError
from psychometrics.irt.ability import _GridTables, _posterior, check_responses, chunk_as_float, quadrature
from psychometrics.irt.models import ItemParameters, category_probabilities
from psychometrics.tables import Table, table_from_columns

DELTA_SCALE = -2.35  # ETS delta metric: Δ_MH = −2.35 ln α_MH
ZUMBO_THOMAS = (0.13, 0.26)  # ΔR² bounds of moderate (B) and large (C) DIF
JODOIN_GIERL = (0.035, 0.070)


# ----------------------------------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------------------------------
def _dichotomous_matrix(responses: ArrayLike) -> np.ndarray:
    """0/1 responses, persons × items: floats with NaN = missing, or integers (kept, not copied) with
    a negative code = missing."""
    x = np.asarray(responses)
    if x.ndim != 2:
        raise PsychometricsError("คำตอบต้องเป็นตารางผู้สอบ × ข้อสอบ (responses must be persons × items)")
    if x.dtype == bool:
        return x.view(np.uint8)
    if np.issubdtype(x.dtype, np.integer):
        if x.size and x.max() > 1:
            _refuse_code(x, np.argwhere(x > 1)[0])
        return x
    x = np.asarray(x, dtype=float)
    bad = ~np.isnan(x) & (x != 0) & (x != 1)
    if bad.any():
        _refuse_code(x, np.argwhere(bad)[0])
    return x


def _refuse_code(x: np.ndarray, cell: np.ndarray) -> None:
    r, c = cell
    raise PsychometricsError(
        f"แถว {r + 1} คอลัมน์ {c + 1}: DIF แบบนี้ใช้ได้กับคะแนน 0/1 เท่านั้น ได้ {x[r, c]:g} "
        f"(row {r + 1}, column {c + 1}: this DIF method needs 0/1 scores, got {x[r, c]:g})"
    )


def _as_float(block: np.ndarray) -> np.ndarray:
    """A block of responses as floats with NaN = missing."""
    if np.issubdtype(block.dtype, np.floating):
        return block
    out = block.astype(float)
    out[block < 0] = np.nan
    return out


_ROWS = 1 << 16  # persons per chunk in the counting passes


def _number_right(x: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
    """Σ of the answered 0/1 scores per person (over `items`), chunk by chunk."""
    cols = slice(None) if items is None else items
    out = np.empty(x.shape[0])
    for start in range(0, x.shape[0], _ROWS):
        out[start : start + _ROWS] = np.nansum(_as_float(x[start : start + _ROWS][:, cols]), axis=1)
    return out


def _focal_mask(group: ArrayLike, focal: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(is_focal, has_group) boolean arrays over persons."""
    g = np.asarray(group)
    if g.shape != (n,):
        raise PsychometricsError(
            f"ต้องมีกลุ่มของผู้สอบทุกคน ({n} คน) ได้ {g.size} "
            f"(group must give one label per person: {n}, got {g.size})"
        )
    # array comparisons, no Python loop over persons: None or NaN labels are missing
    if g.dtype.kind == "f":
        missing = np.isnan(g)
    elif g.dtype.kind == "O":
        missing = np.equal(g, None) | (g != g)
    else:
        missing = np.zeros(n, dtype=bool)
    is_focal = np.asarray(g == focal, dtype=bool) & ~missing
    if not is_focal.any():
        raise PsychometricsError(f"ไม่มีผู้สอบในกลุ่มเป้าหมาย {focal!r} (no person is in the focal group {focal!r})")
    if not (~is_focal & ~missing).any():
        raise PsychometricsError("ไม่มีผู้สอบในกลุ่มอ้างอิง (no person is in the reference group)")
    return is_focal, ~missing


def _item_ids(item_ids: Sequence[str], n: int) -> tuple[str, ...]:
    if item_ids:
        if len(item_ids) != n:
            raise PsychometricsError("item_ids ต้องครบทุกข้อ (item_ids must name every item)")
        return tuple(item_ids)
    return tuple(f"item{j + 1}" for j in range(n))


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


# ----------------------------------------------------------------------------------------------------
# logistic regression
# ----------------------------------------------------------------------------------------------------
def _logistic_fit(design: np.ndarray, y: np.ndarray, max_iter: int = 50, tol: float = 1e-10) -> float:
    """Maximised log-likelihood of a logistic regression by Newton–Raphson (IRLS) with step halving."""
    beta = np.zeros(design.shape[1])

    def loglik(b: np.ndarray) -> float:
        eta = design @ b
        return float(np.sum(y * log_expit(eta) + (1 - y) * log_expit(-eta)))

    current = loglik(beta)
    for _ in range(max_iter):
        p = expit(design @ beta)
        grad = design.T @ (y - p)
        hess = (design * (p * (1 - p))[:, None]).T @ design
        # a tiny ridge keeps the step finite when an item separates the groups perfectly
        step = np.linalg.solve(hess + 1e-10 * np.eye(hess.shape[0]), grad)
        t = 1.0
        while True:
            trial = loglik(beta + t * step)
            if trial >= current - 1e-12 or t < 1e-8:
                break
            t /= 2
        beta = beta + t * step
        improvement, current = trial - current, trial
        if abs(improvement) < tol:
            break
    return current


@dataclass(frozen=True)
class LogisticDIFResult:
    """Logistic-regression DIF (Swaminathan & Rogers 1990) for each item.

    M0: logit P = β0 + β1 S;  M1: + β2 G (uniform DIF);  M2: + β3 S·G (non-uniform DIF).

    Attributes
    ----------
    chi2_uniform, p_uniform : ndarray        M1 vs M0, df = 1
    chi2_nonuniform, p_nonuniform : ndarray  M2 vs M1, df = 1
    chi2_total, p_total : ndarray            M2 vs M0, df = 2
    r2_delta : ndarray                       Nagelkerke R²(M2) − R²(M0)
    r2_delta_uniform : ndarray               Nagelkerke R²(M1) − R²(M0)
    zumbo_thomas, jodoin_gierl : tuple of str  "A" negligible, "B" moderate, "C" large
    """

    item_ids: tuple[str, ...]
    chi2_uniform: np.ndarray
    p_uniform: np.ndarray
    chi2_nonuniform: np.ndarray
    p_nonuniform: np.ndarray
    chi2_total: np.ndarray
    p_total: np.ndarray
    r2_delta: np.ndarray
    r2_delta_uniform: np.ndarray
    zumbo_thomas: tuple[str, ...]
    jodoin_gierl: tuple[str, ...]

    def summary(self) -> Table:
        return table_from_columns(
            "DIF แบบถดถอยโลจิสติก (logistic regression)",
            {
                "item": self.item_ids,
                "chi2_uniform": self.chi2_uniform.round(3),
                "p_uniform": self.p_uniform.round(4),
                "chi2_nonuniform": self.chi2_nonuniform.round(3),
                "p_nonuniform": self.p_nonuniform.round(4),
                "chi2_2df": self.chi2_total.round(3),
                "p_2df": self.p_total.round(4),
                "delta_R2": self.r2_delta.round(4),
                "Zumbo-Thomas": self.zumbo_thomas,
                "Jodoin-Gierl": self.jodoin_gierl,
            },
            notes=("ΔR² = Nagelkerke R² ของโมเดลเต็มลบโมเดลที่มีแต่คะแนนรวม; จัดชั้นเมื่อ χ² (2 df) มีนัยสำคัญ",),
        )


def _effect_class(
    r2: np.ndarray, p: np.ndarray, bounds: tuple[float, float], alpha: float
) -> tuple[str, ...]:
    return tuple(
        "A" if not (pv < alpha) or r < bounds[0] else ("B" if r < bounds[1] else "C")
        for r, pv in zip(r2.tolist(), p.tolist(), strict=True)
    )


def logistic_dif(
    responses: ArrayLike,
    group: ArrayLike,
    focal: Any = 1,
    *,
    matching: ArrayLike | None = None,
    item_ids: Sequence[str] = (),
    alpha: float = 0.05,
) -> LogisticDIFResult:
    """Uniform and non-uniform DIF by nested logistic regressions, with Nagelkerke ΔR² effect sizes.

    Classes need a significant 2-df χ² at `alpha`; then ΔR² < 0.13 / 0.13–0.26 / ≥ 0.26 gives
    A/B/C by Zumbo & Thomas, and < 0.035 / 0.035–0.070 / ≥ 0.070 by Jodoin & Gierl (2001).

    Parameters
    ----------
    responses : array_like (n_persons, n_items), 0/1, NaN = not answered (left out for that item)
    group : array_like (n_persons,)
    focal : label of the focal group
    matching : array_like (n_persons,), optional
        Default: number right over the answered items.
    item_ids : sequence of str
    alpha : float

    Returns
    -------
    LogisticDIFResult
    """
    x = _dichotomous_matrix(responses)
    n, m = x.shape
    is_focal, keep = _focal_mask(group, focal, n)
    score = _number_right(x) if matching is None else np.asarray(matching, float)
    x, g, score = x[keep], is_focal[keep].astype(float), score[keep]
    s = (score - score.mean()) / (score.std() or 1.0)  # centred: better conditioned, same tests
    out = np.zeros((m, 6))
    for j in range(m):  # loops over items, not persons
        column = _as_float(x[:, j])
        ok = ~np.isnan(column)
        y, sj, gj = column[ok], s[ok], g[ok]
        one = np.ones_like(y)
        ll0 = _logistic_fit(np.column_stack([one, sj]), y)
        ll1 = _logistic_fit(np.column_stack([one, sj, gj]), y)
        ll2 = _logistic_fit(np.column_stack([one, sj, gj, sj * gj]), y)
        p_bar = y.mean()
        ll_null = (
            float(ok.sum() * (p_bar * np.log(p_bar) + (1 - p_bar) * np.log(1 - p_bar)))
            if 0 < p_bar < 1
            else 0.0
        )
        r2 = [_nagelkerke(ll, ll_null, int(ok.sum())) for ll in (ll0, ll1, ll2)]
        out[j] = (2 * (ll1 - ll0), 2 * (ll2 - ll1), 2 * (ll2 - ll0), r2[2] - r2[0], r2[1] - r2[0], 0.0)
    c_u, c_n, c_t = (np.maximum(out[:, k], 0.0) for k in range(3))
    p_t = chi2.sf(c_t, 2)
    return LogisticDIFResult(
        _item_ids(item_ids, m),
        c_u,
        chi2.sf(c_u, 1),
        c_n,
        chi2.sf(c_n, 1),
        c_t,
        p_t,
        out[:, 3],
        out[:, 4],
        _effect_class(out[:, 3], p_t, ZUMBO_THOMAS, alpha),
        _effect_class(out[:, 3], p_t, JODOIN_GIERL, alpha),
    )


def _nagelkerke(ll: float, ll_null: float, n: int) -> float:
    """Nagelkerke (1991) R² from the model and intercept-only log-likelihoods."""
    if ll_null == 0.0:
        return 0.0
    cox_snell = 1.0 - np.exp(2.0 * (ll_null - ll) / n)
    return float(cox_snell / (1.0 - np.exp(2.0 * ll_null / n)))


# ----------------------------------------------------------------------------------------------------
# IRT: Lord's Wald test and the likelihood-ratio test
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IRTDIFResult:
    """IRT-based DIF test per item (Lord's Wald χ² or the likelihood-ratio G²)."""

    item_ids: tuple[str, ...]
    method: str
    statistic: np.ndarray
    df: np.ndarray
    p_value: np.ndarray

    def summary(self) -> Table:
        return table_from_columns(
            f"DIF จากพารามิเตอร์ IRT ({self.method})",
            {
                "item": self.item_ids,
                "chi2": self.statistic.round(3),
                "df": self.df,
                "p": self.p_value.round(4),
            },
        )


def item_parameter_vector(params: ItemParameters) -> np.ndarray:
    """Each item's free parameters in a fixed order, NaN-padded: (n_items, 2 + max_categories − 1).

    Dichotomous: (a, b, c); polytomous: (a, b_1, …, b_{K−1}).  1PL/Rasch/PCM items keep a in the
    vector but tests drop it when both groups have it fixed equal.
    """
    m = params.n_items
    width = max(3, params.max_categories)
    out = np.full((m, width), np.nan)
    out[:, 0] = params.a
    models = np.asarray(params.model)
    dich = np.isin(models, ("1pl", "rasch", "2pl", "3pl"))
    out[dich, 1] = params.b[dich]
    out[dich, 2] = np.where(models[dich] == "3pl", params.c[dich], np.nan)
    k = params.thresholds.shape[1]
    out[~dich, 1 : 1 + k] = params.thresholds[~dich]
    return out


def _covariance_blocks(cov: ArrayLike, m: int, width: int) -> np.ndarray:
    c = np.asarray(cov, float)
    if c.ndim == 2:  # standard errors: independent parameters
        if c.shape[0] != m:
            raise PsychometricsError(f"ค่าคลาดเคลื่อนมาตรฐานต้องมี {m} แถว (standard errors need {m} rows)")
        out = np.zeros((m, width, width))
        diag = np.full((m, width), np.nan)
        diag[:, : c.shape[1]] = c**2
        out[:, np.arange(width), np.arange(width)] = diag
        return out
    if c.ndim == 3 and c.shape[0] == m:
        out = np.full((m, width, width), np.nan)
        out[:, : c.shape[1], : c.shape[2]] = c
        return out
    raise PsychometricsError(
        "ความแปรปรวนร่วมต้องเป็น (n_items, p) หรือ (n_items, p, p) "
        "(covariance must be standard errors (n_items, p) or blocks (n_items, p, p))"
    )


def lord_wald(
    reference: ItemParameters, focal: ItemParameters, reference_cov: ArrayLike, focal_cov: ArrayLike
) -> IRTDIFResult:
    """Lord's (1980) χ² for the difference of each item's parameters between two group calibrations.

    χ²_j = dᵀ (Σ_R + Σ_F)⁻¹ d, d = v_R − v_F over the item's estimated parameters (those with a
    finite variance in both groups: a fixed parameter, e.g. Rasch a, is left out), df = their number.

    Parameters
    ----------
    reference, focal : ItemParameters
        The same items calibrated in each group, on one common θ scale (concurrent multiple-group
        calibration, or link the focal scale first).
    reference_cov, focal_cov : array_like
        Either standard errors (n_items, p) or covariance blocks (n_items, p, p), with parameters in
        the order of :func:`item_parameter_vector`: (a, b, c) or (a, b_1, …, b_{K−1}).

    Returns
    -------
    IRTDIFResult
    """
    if reference.n_items != focal.n_items or reference.model != focal.model:
        raise PsychometricsError(
            "พารามิเตอร์สองกลุ่มต้องเป็นข้อสอบชุดเดียวกันและโมเดลเดียวกัน "
            "(both groups must hold the same items under the same models)"
        )
    v_r, v_f = item_parameter_vector(reference), item_parameter_vector(focal)
    m, width = v_r.shape
    cov = _covariance_blocks(reference_cov, m, width) + _covariance_blocks(focal_cov, m, width)
    stat, df = np.full(m, np.nan), np.zeros(m, dtype=np.int64)
    for j in range(m):  # items: each a small p × p system
        diag = np.diag(cov[j])
        use = np.isfinite(v_r[j]) & np.isfinite(v_f[j]) & np.isfinite(diag) & (diag > 0)
        if not use.any():
            continue
        d = v_r[j, use] - v_f[j, use]
        block = cov[j][np.ix_(use, use)]
        stat[j] = float(d @ np.linalg.solve(block, d))
        df[j] = int(use.sum())
    p = np.where(df > 0, chi2.sf(stat, np.maximum(df, 1)), np.nan)
    return IRTDIFResult(_item_ids(reference.item_ids, m), "Lord Wald", stat, df, p)


def likelihood_ratio_dif(
    log_likelihood_constrained: float,
    log_likelihood_free: ArrayLike,
    df: ArrayLike,
    item_ids: Sequence[str] = (),
) -> IRTDIFResult:
    """IRT likelihood-ratio DIF (Thissen, Steinberg & Wainer 1993) from multiple-group calibrations.

    G²_j = 2 (log L_free,j − log L_constrained): the constrained model holds every item equal across
    the groups (group means and variances free); model j frees item j's parameters in the focal group.

    Parameters
    ----------
    log_likelihood_constrained : float
    log_likelihood_free : array_like (n_items,)
    df : array_like (n_items,)
        Parameters freed for each item.
    item_ids : sequence of str

    Returns
    -------
    IRTDIFResult
    """
    free = np.asarray(log_likelihood_free, float)
    dfs = np.broadcast_to(np.asarray(df, dtype=np.int64), free.shape).copy()
    g2 = np.maximum(2.0 * (free - float(log_likelihood_constrained)), 0.0)
    return IRTDIFResult(_item_ids(item_ids, free.size), "IRT likelihood ratio", g2, dfs, chi2.sf(g2, dfs))


def _perturbed(params: ItemParameters, slot: int, h: float) -> ItemParameters:
    """Every item's parameter in vector slot `slot` (see item_parameter_vector) moved by h."""
    a, b, c, thr = params.a.copy(), params.b.copy(), params.c.copy(), params.thresholds.copy()
    dich = np.isin(np.asarray(params.model), ("1pl", "rasch", "2pl", "3pl"))
    if slot == 0:
        a += h
    elif slot == 1:
        b[dich] += h
        thr[:, 0] += h  # dichotomous items repeat b in column 0
    elif slot == 2:
        c[dich] += h
        if thr.shape[1] > 1:
            thr[~dich, 1] += h
    elif slot - 1 < thr.shape[1]:
        thr[~dich, slot - 1] += h
    return ItemParameters(params.model, a, b, c, thr, params.item_ids)


def item_covariance(
    params: ItemParameters,
    responses: ArrayLike,
    *,
    n_quadrature: int = 61,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
    chunk_size: int = 1 << 13,
    slope_prior: tuple[float, float] | None = None,
    guessing_prior: tuple[float, float] | None = None,
) -> np.ndarray:
    """Covariance of each item's parameter estimates by the cross-product of person gradients (XPD).

    For person i and item j, g_ij = E[∂ log P(x_ij | θ) / ∂ψ_j | x_i], the posterior mean of the
    item's score (Louis 1982; mirt's SE.type = "crossprod"); Cov(ψ_j) ≈ (Σ_i g_ij g_ijᵀ)⁻¹, one block
    per item (cross-item covariances are not needed by Lord's test).  Derivatives of log P by
    central differences, so every model works.  Parameters follow item_parameter_vector; fixed
    ones (Rasch/PCM/1PL slope, c of a 2PL) get NaN rows and columns.

    Parameters
    ----------
    params : ItemParameters
        The calibrated items.
    responses : array_like (n_persons, n_items), NaN = not answered
        The calibration data.
    n_quadrature : int
    prior_mean, prior_sd : float
        The group's ability distribution on the scale of `params`.
    chunk_size : int
        Persons per chunk.
    slope_prior, guessing_prior : (float, float), optional
        When the estimates are posterior modes of 3PL items under log a ~ N(μ, σ²) and/or
        c ~ Beta(α, β), their curvature −d² log p/dψ² at the estimate is added to the information.

    Returns
    -------
    ndarray (n_items, p, p)
    """
    x = check_responses(responses, params)
    n, m = x.shape
    models = np.asarray(params.model)
    free = np.isfinite(item_parameter_vector(params))
    free[np.isin(models, ("rasch", "1pl", "pcm")), 0] = False
    free[models == "2pl", 2] = False
    width = free.shape[1]
    nodes, weights = quadrature(
        n_quadrature, prior_mean, prior_sd, "grid"
    )  # narrow posteriors: equal spacing
    tables = _GridTables.build(params, nodes)
    log_w = np.log(weights)
    h = 1e-5
    deriv = []  # per slot: d log P / dψ, (q, m, K)
    for slot in range(width):
        up = np.log(np.maximum(category_probabilities(_perturbed(params, slot, h), nodes), 1e-300))
        down = np.log(np.maximum(category_probabilities(_perturbed(params, slot, -h), nodes), 1e-300))
        deriv.append(np.where(free[None, :, slot, None], (up - down) / (2 * h), 0.0))
    n_cat = params.n_categories.astype(float)
    xpd = np.zeros((m, width, width))
    for s in range(0, n, chunk_size):
        xf = chunk_as_float(x, s, min(n, s + chunk_size), n_cat)
        post = _posterior(tables, log_w, xf)  # (c, q)
        grad = np.zeros(xf.shape + (width,))
        for k in range(params.max_categories):
            hit = (xf == k).astype(float)
            for slot in range(width):
                grad[:, :, slot] += hit * (post @ deriv[slot][:, :, k])
        xpd += np.einsum("nmp,nmq->mpq", grad, grad)
    is3 = models == "3pl"
    if slope_prior is not None:
        mu, sigma = slope_prior
        la = np.log(params.a[is3])
        # −d²/da² of −(log a − μ)²/(2σ²) − log a
        xpd[is3, 0, 0] += np.maximum(
            (1 - (la - mu)) / (sigma**2 * params.a[is3] ** 2) - 1 / params.a[is3] ** 2, 0.0
        )
    if guessing_prior is not None:
        alpha_c, beta_c = guessing_prior
        c3 = params.c[is3]
        xpd[is3, 2, 2] += (alpha_c - 1) / c3**2 + (beta_c - 1) / (1 - c3) ** 2
    cov = np.full((m, width, width), np.nan)
    for j in range(m):  # a p × p inverse per item
        use = free[j]
        if use.any():
            block = xpd[j][np.ix_(use, use)]
            cov[j][np.ix_(use, use)] = np.linalg.pinv(block)
    return cov


def lord_wald_calibrated(
    responses: ArrayLike,
    group: ArrayLike,
    focal: Any = 1,
    model: str = "2pl",
    *,
    anchors: Sequence[int] | None = None,
    n_quadrature: int = 61,
    item_ids: Sequence[str] = (),
    purify: bool = False,
    alpha: float = 0.05,
) -> IRTDIFResult:
    """Lord's Wald test from two separate calibrations, the focal scale linked onto the reference.

    Each group is calibrated on its own (θ ~ N(0, 1) in each), with each item's full parameter
    covariance from :func:`item_covariance`; the focal parameters and covariances are carried to the
    reference scale by the Stocking–Lord constants over `anchors` (default every item: a/A, A·b + B;
    the linking error itself is ignored), then :func:`lord_wald`.  With `purify`, items significant
    at `alpha` are dropped from the anchors and the constants and tests are computed once more
    (Candell & Drasgow 1988), so that DIF items do not bend the common scale.
    """
    from psychometrics.irt.calibration import DEFAULT_A_PRIOR, DEFAULT_C_PRIOR, calibrate
    from psychometrics.irt.linking import link

    x = np.asarray(responses, float)
    is_focal, keep = _focal_mask(group, focal, x.shape[0])
    ids = _item_ids(item_ids, x.shape[1])
    x_ref, x_foc = x[keep & ~is_focal], x[keep & is_focal]
    ref = calibrate(x_ref, model, n_quadrature=n_quadrature, item_ids=ids, standard_errors="none")
    foc = calibrate(x_foc, model, n_quadrature=n_quadrature, item_ids=ids, standard_errors="none")
    # calibrate's 3PL estimates are posterior modes under its default priors: count their curvature
    priors = {"slope_prior": DEFAULT_A_PRIOR, "guessing_prior": DEFAULT_C_PRIOR} if model == "3pl" else {}
    cov_ref = item_covariance(
        ref.params,
        x_ref,
        n_quadrature=n_quadrature,
        prior_mean=float(ref.group_means[0]),
        prior_sd=float(np.sqrt(ref.group_variances[0])),
        **priors,
    )
    cov_foc = item_covariance(
        foc.params,
        x_foc,
        n_quadrature=n_quadrature,
        prior_mean=float(foc.group_means[0]),
        prior_sd=float(np.sqrt(foc.group_variances[0])),
        **priors,
    )
    width = cov_foc.shape[1]
    dich = np.isin(np.asarray(foc.params.model), ("1pl", "rasch", "2pl", "3pl"))

    def test(anchor_items: Sequence[int]) -> IRTDIFResult:
        constants = link(foc.params, ref.params, "stocking_lord", common=[(j, j) for j in anchor_items])
        scale = np.full((x.shape[1], width), constants.A)  # locations stretch by A
        scale[:, 0] = 1.0 / constants.A  # slopes shrink by A
        scale[dich, 2:] = 1.0  # c keeps its value
        moved = cov_foc * scale[:, :, None] * scale[:, None, :]
        return lord_wald(ref.params, constants.transform(foc.params), cov_ref, moved)

    chosen = list(range(x.shape[1])) if anchors is None else [int(j) for j in anchors]
    result = test(chosen)
    if purify:
        clean = [j for j in chosen if not result.p_value[j] < alpha]
        if len(clean) >= 2 and len(clean) < len(chosen):
            result = test(clean)
    return result


def irt_likelihood_ratio(
    responses: ArrayLike,
    group: ArrayLike,
    focal: Any = 1,
    model: str = "2pl",
    *,
    items: Sequence[int] | None = None,
    n_quadrature: int = 61,
    item_ids: Sequence[str] = (),
) -> IRTDIFResult:
    """IRT likelihood-ratio DIF (Thissen, Steinberg & Wainer 1993) by two-group MML calibrations.

    The constrained model holds every item equal in both groups (the focal mean and variance are
    free); for item j the free model splits j into a reference-only and a focal-only column, so the
    item has its own parameters in each group and nothing else changes.
    G²_j = 2 (log L_free,j − log L_constrained), df = the item's parameters.

    Parameters
    ----------
    responses : array_like (n_persons, n_items)
    group : array_like (n_persons,)
    focal : label of the focal group
    model : str
        Calibration model (see `calibrate`).
    items : sequence of int, optional
        Items to test (default all); each costs one calibration.
    n_quadrature : int
    item_ids : sequence of str

    Returns
    -------
    IRTDIFResult
    """
    from psychometrics.irt.calibration import calibrate

    x = np.asarray(responses, float)
    is_focal, keep = _focal_mask(group, focal, x.shape[0])
    x, is_focal = x[keep], is_focal[keep]
    labels = np.where(is_focal, 1, 0)
    m = x.shape[1]
    tested = list(range(m)) if items is None else [int(j) for j in items]
    ids = _item_ids(item_ids, m)
    base = calibrate(x, model, groups=labels, n_quadrature=n_quadrature, standard_errors="none")
    n_par = {"rasch": 1, "1pl": 1, "2pl": 2, "3pl": 3, "pcm": 0, "grm": 1, "gpcm": 1}
    loglik, df = [], []
    for j in tested:  # one calibration per studied item
        col = x[:, j]
        split = np.column_stack(
            [np.delete(x, j, axis=1), np.where(is_focal, np.nan, col), np.where(is_focal, col, np.nan)]
        )
        free = calibrate(split, model, groups=labels, n_quadrature=n_quadrature, standard_errors="none")
        loglik.append(free.log_likelihood)
        k = int(np.nanmax(col)) if model in ("grm", "gpcm", "pcm") else 0
        df.append(n_par[model] + k)
    return likelihood_ratio_dif(base.log_likelihood, loglik, df, [ids[j] for j in tested])

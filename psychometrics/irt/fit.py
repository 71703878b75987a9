"""Item and person fit: infit/outfit mean squares (Rasch family), S-X2 (Orlando & Thissen), lz.

References
----------
Wright, B. D., & Masters, G. N. (1982). Rating scale analysis. MESA Press (infit, outfit, their t).
Wright, B. D., & Linacre, J. M. (1994). Reasonable mean-square fit values. Rasch Measurement
    Transactions, 8(3), 370.
Orlando, M., & Thissen, D. (2000). Likelihood-based item-fit indices for dichotomous item response
    theory models. Applied Psychological Measurement, 24(1), 50–64.
Drasgow, F., Levine, M. V., & Williams, E. A. (1985). Appropriateness measurement with polychotomous
    item response models and standardized indices. British Journal of Mathematical and Statistical
    Psychology, 38, 67–86.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import chi2 as chi2_dist
from scipy.stats import norm

from psychometrics.errors import PsychometricsError
from psychometrics.irt.ability import (
    _LOG_FLOOR,
    check_responses,
    chunk_as_float,
    gauss_hermite,
    score_distribution,
)
from psychometrics.irt.models import ItemParameters, category_probabilities
from psychometrics.tables import Table, table_from_columns

_CHUNK_CELLS = 1 << 22  # persons × items × categories per chunk (32 MiB of float64)
N_PARAMETERS = {"rasch": 1, "1pl": 1, "2pl": 2, "3pl": 3}


def _ids(params: ItemParameters) -> tuple[str, ...]:
    return params.item_ids or tuple(f"item{j + 1}" for j in range(params.n_items))


def _theta(theta: ArrayLike, n: int) -> np.ndarray:
    t = np.asarray(theta, float).reshape(-1)
    if t.size != n:
        raise PsychometricsError(f"ต้องมีค่า θ ของผู้สอบทุกคน ({n}) ได้ {t.size} (theta needs one value per person)")
    return t


def _wilson_hilferty(ms: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Standardised t of a mean square with SD q: (MS^⅓ − 1)(3/q) + q/3."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.cbrt(ms) - 1.0) * (3.0 / q) + q / 3.0


# ----------------------------------------------------------------------------------------------------
# infit / outfit
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MeanSquareFit:
    """Infit and outfit mean squares with their standardised t, for items and for persons.

    Attributes
    ----------
    item_ids : tuple of str
    item_infit, item_outfit, item_infit_t, item_outfit_t : ndarray (n_items,)
    person_infit, person_outfit, person_infit_t, person_outfit_t : ndarray (n_persons,)
        NaN for persons left out (θ not finite, e.g. ML for all-0 / all-maximum patterns).
    n_persons_used : ndarray of int (n_items,)
    """

    item_ids: tuple[str, ...]
    item_infit: np.ndarray
    item_outfit: np.ndarray
    item_infit_t: np.ndarray
    item_outfit_t: np.ndarray
    person_infit: np.ndarray
    person_outfit: np.ndarray
    person_infit_t: np.ndarray
    person_outfit_t: np.ndarray
    n_persons_used: np.ndarray

    def summary(self) -> Table:
        flag = np.where(
            (self.item_infit < 0.7)
            | (self.item_infit > 1.3)
            | (self.item_outfit < 0.7)
            | (self.item_outfit > 1.3),
            "ตรวจสอบ (check)",
            "",
        )
        return table_from_columns(
            "ความสอดคล้องของข้อสอบ (infit / outfit mean squares)",
            {
                "item": self.item_ids,
                "infit": self.item_infit.round(3),
                "infit_t": self.item_infit_t.round(2),
                "outfit": self.item_outfit.round(3),
                "outfit_t": self.item_outfit_t.round(2),
                "n": self.n_persons_used,
                "flag": tuple(flag.tolist()),
            },
            notes=("ช่วงที่ยอมรับได้โดยทั่วไป 0.7–1.3 (Wright & Linacre 1994)",),
        )


def infit_outfit(params: ItemParameters, responses: ArrayLike, theta: ArrayLike) -> MeanSquareFit:
    """Infit (information-weighted) and outfit (unweighted) mean squares for items and persons.

    With E = Σ_k k P_k, W = Σ_k (k − E)² P_k, C = Σ_k (k − E)⁴ P_k at each person's θ and
    z = (x − E)/√W:  outfit = mean z², infit = Σ (x − E)² / Σ W, over the persons who answered the
    item (item fit) or the items a person answered (person fit).  Standardised t by the
    Wilson–Hilferty cube root with q²_out = Σ (C/W²)/n² − 1/n and q²_in = Σ (C − W²)/(Σ W)².
    Meant for Rasch-family items (1PL/Rasch, PCM); computed for any model.

    Parameters
    ----------
    params : ItemParameters
    responses : array_like (n_persons, n_items), NaN = not answered
    theta : array_like (n_persons,)
        Person estimates (WLE or ML usual); persons with a non-finite θ are left out.

    Returns
    -------
    MeanSquareFit
    """
    x = check_responses(responses, params)
    n, m = x.shape
    t = _theta(theta, n)
    n_cat = params.n_categories.astype(float)
    k = np.arange(params.max_categories, dtype=float)
    acc = {name: np.zeros(m) for name in ("z2", "r2", "w", "c_w2", "c_minus_w2", "n")}
    person = {name: np.full(n, np.nan) for name in ("infit", "outfit", "infit_t", "outfit_t")}
    step = max(1, _CHUNK_CELLS // max(1, m * params.max_categories))
    for s in range(0, n, step):
        e = min(n, s + step)
        xf = chunk_as_float(x, s, e, n_cat)
        th = t[s:e]
        use = ~np.isnan(xf) & np.isfinite(th)[:, None]
        p = category_probabilities(params, np.where(np.isfinite(th), th, 0.0))  # (c, items, K)
        mean = p @ k
        dev = k - mean[..., None]
        var = (p * dev**2).sum(axis=2)
        kurt = (p * dev**4).sum(axis=2)
        resid2 = np.where(use, (np.nan_to_num(xf) - mean) ** 2, 0.0)
        var_u = np.where(use, var, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            z2 = np.where(use, resid2 / var, 0.0)
            c_w2 = np.where(use, kurt / var**2, 0.0)
        c_minus = np.where(use, kurt - var**2, 0.0)
        for name, arr in (
            ("z2", z2),
            ("r2", resid2),
            ("w", var_u),
            ("c_w2", c_w2),
            ("c_minus_w2", c_minus),
            ("n", use.astype(float)),
        ):
            acc[name] += arr.sum(axis=0)
        # person fit over the items each person answered
        n_i = use.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            outfit = z2.sum(axis=1) / n_i
            infit = resid2.sum(axis=1) / var_u.sum(axis=1)
            q_out = np.sqrt(np.maximum(c_w2.sum(axis=1) / n_i**2 - 1.0 / n_i, 0.0))
            q_in = np.sqrt(np.maximum(c_minus.sum(axis=1), 0.0)) / var_u.sum(axis=1)
        ok = n_i > 0
        person["outfit"][s:e] = np.where(ok, outfit, np.nan)
        person["infit"][s:e] = np.where(ok, infit, np.nan)
        person["outfit_t"][s:e] = np.where(ok, _wilson_hilferty(outfit, q_out), np.nan)
        person["infit_t"][s:e] = np.where(ok, _wilson_hilferty(infit, q_in), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        outfit = acc["z2"] / acc["n"]
        infit = acc["r2"] / acc["w"]
        q_out = np.sqrt(np.maximum(acc["c_w2"] / acc["n"] ** 2 - 1.0 / acc["n"], 0.0))
        q_in = np.sqrt(np.maximum(acc["c_minus_w2"], 0.0)) / acc["w"]
    return MeanSquareFit(
        _ids(params),
        infit,
        outfit,
        _wilson_hilferty(infit, q_in),
        _wilson_hilferty(outfit, q_out),
        person["infit"],
        person["outfit"],
        person["infit_t"],
        person["outfit_t"],
        acc["n"].astype(np.int64),
    )


# ----------------------------------------------------------------------------------------------------
# S-X2
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SX2Result:
    """Orlando–Thissen S-X2 item fit (Kang & Chen 2008 for polytomous items).

    Attributes
    ----------
    item_ids : tuple of str
    s_x2 : ndarray (n_items,)
    df : ndarray of int           independent cells after pooling − estimated item parameters
    p_value : ndarray             NaN where df ≤ 0 or a cell stayed below `min_expected`
    """

    item_ids: tuple[str, ...]
    s_x2: np.ndarray
    df: np.ndarray
    p_value: np.ndarray

    def summary(self) -> Table:
        return table_from_columns(
            "ความสอดคล้องของข้อสอบ S-X² (Orlando & Thissen 2000)",
            {"item": self.item_ids, "S_X2": self.s_x2.round(3), "df": self.df, "p": self.p_value.round(4)},
            notes=("p < 0.01 ควรตรวจสอบข้อสอบ (misfit)",),
        )


def _pool_rows(observed: np.ndarray, expected: np.ndarray, minimum: float) -> tuple[np.ndarray, np.ndarray]:
    """Pool score groups (rows) until no expected cell is below `minimum`.

    A sparse row joins its less populated neighbour (the first and the last their only one), as R
    and Python mirt do for dichotomous S-X2.
    """
    o, e = [r for r in observed], [r for r in expected]  # rows: few dozen, loops over score groups
    while len(e) > 1:
        sparse = [i for i in range(len(e)) if e[i].min() < minimum]
        if not sparse:
            break
        i = sparse[0]
        if i == 0:
            j = 1
        elif i == len(e) - 1:
            j = i - 1
        else:
            j = i - 1 if o[i - 1].sum() <= o[i + 1].sum() else i + 1
        o[j], e[j] = o[j] + o[i], e[j] + e[i]
        del o[i], e[i]
    return np.array(o), np.array(e)


def _pool_categories(observed: np.ndarray, expected: np.ndarray, minimum: float) -> tuple[list, list]:
    """Within one score group, pool the sparsest category into its sparser neighbour until none is sparse."""
    o, e = list(observed), list(expected)
    while len(e) > 1 and min(e) < minimum:
        i = e.index(min(e))
        if i == 0:
            j = 1
        elif i == len(e) - 1:
            j = i - 1
        else:
            j = i - 1 if e[i - 1] <= e[i + 1] else i + 1
        o[j] += o[i]
        e[j] += e[i]
        del o[i], e[i]
    return o, e


def _sx2_table(observed: np.ndarray, expected: np.ndarray, n_par: int, minimum: float):
    """S-X2, df and p of one item from its (score × category) observed and expected counts."""
    minimum *= 1 - 1e-9  # a pooled row's expected total equals its count only up to rounding
    n_scores, n_cat = observed.shape
    o, e = observed[1:-1], expected[1:-1]  # totals 0 and maximum carry no information on the item
    if n_cat > 2 and len(o):
        # the lowest and highest totals cannot show every category: pool them into the nearest
        # score group that can (Kang & Chen 2008)
        low, high = n_cat - 2, n_scores - n_cat - 1
        if high < low:
            return np.nan, 0, np.nan
        if high == low:
            o, e = o.sum(axis=0, keepdims=True), e.sum(axis=0, keepdims=True)
        else:
            o, e = o.copy(), e.copy()
            o[low] += o[:low].sum(axis=0)
            e[low] += e[:low].sum(axis=0)
            o[high] += o[high + 1 :].sum(axis=0)
            e[high] += e[high + 1 :].sum(axis=0)
            o, e = o[low : high + 1], e[low : high + 1]
    populated = o.sum(axis=1) > 0
    o, e = o[populated], e[populated]
    if n_cat == 2 and minimum > 0:
        o, e = _pool_rows(o, e, minimum)
    stat, cells, impossible, sparse = 0.0, 0, False, False
    for row_o, row_e in zip(o, e, strict=True):  # score groups
        if n_cat > 2 and minimum > 0 and row_e.min() < minimum:
            row_o, row_e = _pool_categories(row_o, row_e, minimum)
        row_o, row_e = np.asarray(row_o, float), np.asarray(row_e, float)
        positive = row_e > 0
        stat += float(((row_o[positive] - row_e[positive]) ** 2 / row_e[positive]).sum())
        impossible |= bool(np.any(~positive & (row_o > 0)))
        sparse |= bool(np.any(positive & (row_e < minimum)))
        cells += max(int(positive.sum()) - 1, 0)
    if impossible:
        stat = np.inf
    df = max(cells - n_par, 0)
    p = float(chi2_dist.sf(stat, df)) if df > 0 and not sparse else np.nan
    return stat, df, p


def _default_parameters(params: ItemParameters) -> np.ndarray:
    """Estimated parameters per item: 1 (Rasch/1PL), 2 (2PL), 3 (3PL), K (GRM/GPCM), K − 1 (PCM)."""
    k = params.n_categories
    out = []
    for mod, kj in zip(params.model, k.tolist(), strict=True):  # items
        out.append(N_PARAMETERS.get(mod, kj - 1 if mod == "pcm" else kj))
    return np.asarray(out, dtype=np.int64)


def s_x2(
    params: ItemParameters,
    responses: ArrayLike,
    *,
    n_quadrature: int = 61,
    min_expected: float = 1.0,
    n_parameters: Sequence[int] | None = None,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> SX2Result:
    """S-X2 item fit (Orlando & Thissen 2000; polytomous items: Kang & Chen 2008).

    For total score s and category k of item j, the observed count O_jsk is compared with
    E_jsk = N_s ∫ P_jk(θ) L^(−j)_{s−k}(θ) φ(θ) dθ / ∫ L_s(θ) φ(θ) dθ, with the Lord–Wingersky score
    likelihoods L: S-X2_j = Σ_s Σ_k (O − E)² / E over the totals 1 … max − 1.  Dichotomous items:
    score groups whose expected right or wrong count is below `min_expected` join their less
    populated neighbour; polytomous items: the extreme totals that cannot show every category are
    pooled, then sparse categories within a group.  df = independent cells − estimated parameters.
    The pooling follows R and Python mirt, which agree with this function to rounding.

    Parameters
    ----------
    params : ItemParameters
        Any mix of dichotomous and polytomous items.
    responses : array_like (n_persons, n_items)
        Scores 0..K−1; persons with a missing answer are left out (S-X2 needs complete patterns).
    n_quadrature : int
        Gauss–Hermite nodes for the integrals.
    min_expected : float
        Pooling threshold (1, as in mirt).
    n_parameters : sequence of int, optional
        Estimated parameters per item; default 1 (Rasch/1PL), 2 (2PL), 3 (3PL), K (GRM/GPCM),
        K − 1 (PCM).  Pass zeros when the parameters were not estimated from these data.
    prior_mean, prior_sd : float
        Ability distribution.

    Returns
    -------
    SX2Result
    """
    x = check_responses(responses, params)
    m = params.n_items
    if m < 3:
        raise PsychometricsError("S-X2 ต้องมีข้อสอบอย่างน้อย 3 ข้อ (S-X2 needs at least 3 items)")
    n_cat = params.n_categories
    k_max = int(n_cat.max())
    n_scores = int((n_cat - 1).sum()) + 1
    n_s = np.zeros(n_scores)
    counts = np.zeros(m * n_scores * k_max)  # (item, total, category)
    step = max(1, _CHUNK_CELLS // m)
    for start in range(0, x.shape[0], step):
        xf = chunk_as_float(x, start, min(x.shape[0], start + step), n_cat.astype(float))
        xf = xf[~np.isnan(xf).any(axis=1)]  # complete patterns only
        codes = xf.astype(np.intp)
        total = codes.sum(axis=1)
        n_s += np.bincount(total, minlength=n_scores)
        cell = (np.arange(m) * n_scores + total[:, None]) * k_max + codes
        counts += np.bincount(cell.ravel(), minlength=counts.size)
    counts = counts.reshape(m, n_scores, k_max)
    nodes, weights = gauss_hermite(n_quadrature, prior_mean, prior_sd)
    marginal = weights @ score_distribution(params, nodes)
    probs = category_probabilities(params, nodes)  # (q, items, K)
    n_par = _default_parameters(params) if n_parameters is None else np.asarray(n_parameters, dtype=np.int64)
    stat, df, p = np.full(m, np.nan), np.zeros(m, dtype=np.int64), np.full(m, np.nan)
    for j in range(m):  # loops over items
        k_j = int(n_cat[j])
        rest = score_distribution(params.subset(np.delete(np.arange(m), j)), nodes)  # (q, S − K_j + 1)
        joint = np.zeros((n_scores, k_j))
        for k in range(k_j):
            joint[k : k + rest.shape[1], k] = (weights * probs[:, j, k]) @ rest
        with np.errstate(invalid="ignore", divide="ignore"):
            conditional = np.where(marginal[:, None] > 0, joint / marginal[:, None], 0.0)
        stat[j], df[j], p[j] = _sx2_table(
            counts[j, :, :k_j], conditional * n_s[:, None], int(n_par[j]), min_expected
        )
    return SX2Result(_ids(params), stat, df, p)


# ----------------------------------------------------------------------------------------------------
# person fit lz
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonFitResult:
    """Standardised log-likelihood person fit lz (Drasgow, Levine & Williams 1985).

    Attributes
    ----------
    lz : ndarray (n_persons,)        large negative values flag aberrant patterns
    l0 : ndarray                     log-likelihood of the pattern at θ
    expected, variance : ndarray     its mean and variance under the model
    p_value : ndarray                lower-tail normal probability of lz
    """

    lz: np.ndarray
    l0: np.ndarray
    expected: np.ndarray
    variance: np.ndarray
    p_value: np.ndarray

    def summary(self, alpha: float = 0.05) -> Table:
        ok = np.isfinite(self.lz)
        flagged = int((self.p_value[ok] < alpha).sum())
        rows = [
            ("persons", int(self.lz.size)),
            ("with lz", int(ok.sum())),
            ("mean lz", float(self.lz[ok].mean()) if ok.any() else None),
            ("SD lz", float(self.lz[ok].std()) if ok.any() else None),
            (f"lz below the {alpha:g} lower tail", flagged),
        ]
        return Table("ความสอดคล้องของผู้สอบ (person fit lz)", ("statistic", "value"), rows)


def person_fit(params: ItemParameters, responses: ArrayLike, theta: ArrayLike) -> PersonFitResult:
    """lz for every person over the items he or she answered (dichotomous and polytomous items).

    l0 = Σ_j log P_j(x_j | θ), E = Σ_j Σ_k P_jk log P_jk,
    Var = Σ_j [Σ_k P_jk (log P_jk)² − (Σ_k P_jk log P_jk)²],  lz = (l0 − E) / √Var.

    Parameters
    ----------
    params : ItemParameters
    responses : array_like (n_persons, n_items), NaN = not answered
    theta : array_like (n_persons,)
        Ability estimates (persons with a non-finite θ get NaN).

    Returns
    -------
    PersonFitResult
    """
    x = check_responses(responses, params)
    n, m = x.shape
    t = _theta(theta, n)
    n_cat = params.n_categories.astype(float)
    out = {name: np.full(n, np.nan) for name in ("l0", "e", "v")}
    step = max(1, _CHUNK_CELLS // max(1, m * params.max_categories))
    for s in range(0, n, step):
        e = min(n, s + step)
        xf = chunk_as_float(x, s, e, n_cat)
        th = t[s:e]
        fin = np.isfinite(th)
        use = ~np.isnan(xf) & fin[:, None]
        p = category_probabilities(params, np.where(fin, th, 0.0))
        logp = np.log(np.maximum(p, _LOG_FLOOR))
        plogp = np.where(p > 0, p * logp, 0.0)
        mean_j = plogp.sum(axis=2)
        var_j = np.where(p > 0, p * logp**2, 0.0).sum(axis=2) - mean_j**2
        codes = np.where(use, xf, 0).astype(np.intp)
        l_obs = np.take_along_axis(logp, codes[..., None], 2)[..., 0]
        out["l0"][s:e] = np.where(use, l_obs, 0.0).sum(axis=1)
        out["e"][s:e] = np.where(use, mean_j, 0.0).sum(axis=1)
        out["v"][s:e] = np.where(use, var_j, 0.0).sum(axis=1)
        none = ~use.any(axis=1)
        for name in out:
            out[name][s:e][none] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        lz = (out["l0"] - out["e"]) / np.sqrt(out["v"])
    return PersonFitResult(lz, out["l0"], out["e"], out["v"], norm.cdf(lz))

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
from psychometrics.irt.models import DICHOTOMOUS, ItemParameters, category_probabilities
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
    """Orlando–Thissen S-X2 item fit for dichotomous items.

    Attributes
    ----------
    item_ids : tuple of str
    s_x2 : ndarray (n_items,)
    df : ndarray of int           score groups after pooling − estimated item parameters
    p_value : ndarray             NaN where df ≤ 0
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


def _pool(observed: np.ndarray, expected: np.ndarray, n_s: np.ndarray, minimum: float):
    """Pool adjacent score groups until every expected count (right and wrong) reaches `minimum`.

    A sparse group joins its less populated neighbour (the first or last joins its only one), as in
    R and Python mirt's S-X2.  Arrays hold counts of right answers per score group.
    """
    o, e, nn = list(observed), list(expected), list(n_s)
    while len(e) > 1:
        sparse = [i for i in range(len(e)) if min(e[i], nn[i] - e[i]) < minimum]
        if not sparse:
            break
        i = sparse[0]
        if i == 0:
            j = 1
        elif i == len(e) - 1:
            j = i - 1
        else:
            j = i - 1 if nn[i - 1] <= nn[i + 1] else i + 1
        o[j] += o[i]
        e[j] += e[i]
        nn[j] += nn[i]
        del o[i], e[i], nn[i]
    return np.array(o), np.array(e), np.array(nn)


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
    """S-X2 (Orlando & Thissen 2000) for every dichotomous item.

    For total score s = 1 … n − 1, the observed proportion right O_js is compared with
    E_js = ∫ P_j(θ) L^(−j)_{s−1}(θ) φ(θ) dθ / ∫ L_s(θ) φ(θ) dθ (Lord–Wingersky score likelihoods):
    S-X2_j = Σ_s N_s (O_js − E_js)² / (E_js (1 − E_js)), after pooling score groups whose expected
    right or wrong count is below `min_expected`; df = groups − estimated parameters.

    Parameters
    ----------
    params : ItemParameters
        Dichotomous items only.
    responses : array_like (n_persons, n_items)
        Complete 0/1 data (persons with a missing answer are left out).
    n_quadrature : int
        Gauss–Hermite nodes for the integrals.
    min_expected : float
        Pooling threshold (1 as in mirt).
    n_parameters : sequence of int, optional
        Estimated parameters per item; default 1 (Rasch/1PL), 2 (2PL), 3 (3PL).
    prior_mean, prior_sd : float
        Ability distribution.

    Returns
    -------
    SX2Result
    """
    if not all(mod in DICHOTOMOUS for mod in params.model):
        raise PsychometricsError("S-X2 ใช้กับข้อสอบแบบถูก/ผิด (0/1) เท่านั้น (S-X2 needs dichotomous items)")
    x = check_responses(responses, params)
    m = params.n_items
    if m < 3:
        raise PsychometricsError("S-X2 ต้องมีข้อสอบอย่างน้อย 3 ข้อ (S-X2 needs at least 3 items)")
    n_cat = params.n_categories.astype(float)
    n_s = np.zeros(m + 1)
    right = np.zeros(m * (m + 1))  # (items, total score) counts of right answers
    step = max(1, _CHUNK_CELLS // m)
    for start in range(0, x.shape[0], step):
        xf = chunk_as_float(x, start, min(x.shape[0], start + step), n_cat)
        xf = xf[~np.isnan(xf).any(axis=1)]  # S-X2 needs complete patterns
        total = xf.sum(axis=1).astype(np.intp)
        n_s += np.bincount(total, minlength=m + 1)
        cell = np.arange(m) * (m + 1) + total[:, None]
        right += np.bincount(cell.ravel(), weights=xf.ravel(), minlength=m * (m + 1))
    right = right.reshape(m, m + 1)
    nodes, weights = gauss_hermite(n_quadrature, prior_mean, prior_sd)
    full = score_distribution(params, nodes)  # (q, m + 1)
    marginal = weights @ full
    p1 = category_probabilities(params, nodes)[:, :, 1]  # (q, items)
    n_par = (
        np.array([N_PARAMETERS[mod] for mod in params.model])
        if n_parameters is None
        else np.asarray(n_parameters, dtype=np.int64)
    )
    stat, df = np.full(m, np.nan), np.zeros(m, dtype=np.int64)
    for j in range(m):  # loops over items
        rest = score_distribution(params.subset(np.delete(np.arange(m), j)), nodes)  # (q, m)
        joint = (weights * p1[:, j]) @ rest  # P(x_j = 1, rest = s − 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            e_prop = joint[: m - 1] / marginal[1:m]  # s = 1 … m − 1
        keep = n_s[1:m] > 0
        o, e, nn = _pool(right[j, 1:m][keep], (e_prop * n_s[1:m])[keep], n_s[1:m][keep], min_expected)
        with np.errstate(invalid="ignore", divide="ignore"):
            terms = (o - e) ** 2 / e + (o - e) ** 2 / (nn - e)
        stat[j] = float(np.nansum(terms))
        df[j] = int(e.size - n_par[j])
    p = np.where(df > 0, chi2_dist.sf(stat, np.maximum(df, 1)), np.nan)
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

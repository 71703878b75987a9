"""Mantel–Haenszel DIF as difR computes it (issue 15 part 3).

Oracle: a line-by-line transcription, with Python loops, of difR's ``mantelHaenszel`` and the
purification loop of ``difMH`` (CRAN difR, R/mantelHaenszel.R at commit
0e239d5e362f28c66ea172034ca216a113748a6e and R/difMH.r at eba2d9ac8f53cbdb700898e8195fa0cafd3c205a),
checked against our vectorised code on simulated data. R is not available to run difR itself.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2 as chi2_dist
from scipy.stats import norm

from psychometrics.dif import mantel_haenszel
from psychometrics.errors import PsychometricsError


def difr_mantel_haenszel(data: np.ndarray, member: np.ndarray, anchor: list[int], correct: bool = True):
    """R/mantelHaenszel.R, match = "score", exact = FALSE (0-based item indices)."""
    res, res_alpha, var_lambda = [], [], []
    for item in range(data.shape[1]):
        cols = list(anchor) if item in anchor else [*anchor, item]
        xj = data[:, cols].sum(axis=1)
        prov = []
        for s in np.unique(xj):
            at = xj == s
            a = np.sum(at & (member == 0) & (data[:, item] == 1))
            b = np.sum(at & (member == 0) & (data[:, item] == 0))
            c = np.sum(at & (member == 1) & (data[:, item] == 1))
            d = np.sum(at & (member == 1) & (data[:, item] == 0))
            nr, nf = np.sum(at & (member == 0)), np.sum(at & (member == 1))
            m1, m0 = np.sum(at & (data[:, item] == 1)), np.sum(at & (data[:, item] == 0))
            t = np.sum(at)
            if t > 1:
                prov.append((a, nr * m1 / t, (nr * nf / t) * (m1 / t) * (m0 / (t - 1)), s, b, c, d, t))
        p = np.array(prov, dtype=float)
        diff = abs(np.sum(p[:, 0] - p[:, 1]))
        res.append((diff - 0.5) ** 2 / p[:, 2].sum() if correct else diff**2 / p[:, 2].sum())
        alpha = np.sum(p[:, 0] * p[:, 6] / p[:, 7]) / np.sum(p[:, 4] * p[:, 5] / p[:, 7])
        res_alpha.append(alpha)
        var_lambda.append(
            np.sum(
                (p[:, 0] * p[:, 6] + alpha * p[:, 4] * p[:, 5])
                * (p[:, 0] + p[:, 6] + alpha * (p[:, 4] + p[:, 5]))
                / p[:, 7] ** 2
            )
            / (2 * np.sum(p[:, 0] * p[:, 6] / p[:, 7]) ** 2)
        )
    return np.array(res), np.array(res_alpha), np.array(var_lambda)


def difr_dif_mh(data, member, alpha=0.05, purify=True, nr_iter=10, mh_stat="MHChisq"):
    """R/difMH.r, exact = FALSE: statistics, DIF items, nrPur, convergence, difPur."""
    q = chi2_dist.ppf(1 - alpha, 1) if mh_stat == "MHChisq" else norm.ppf(1 - alpha / 2)
    m = data.shape[1]

    def stats(anchor):
        res, res_alpha, var_lambda = difr_mantel_haenszel(data, member, anchor)
        return (
            res if mh_stat == "MHChisq" else np.log(res_alpha) / np.sqrt(var_lambda),
            res,
            res_alpha,
            var_lambda,
        )

    st, *prov = stats(list(range(m)))
    dif = [j for j in range(m) if abs(st[j]) > q]
    if not purify or not dif:
        return st, prov, dif, 0, True, [dif]
    history, nr_pur, converged = [dif], 0, False
    while nr_pur < nr_iter:
        nr_pur += 1
        st, *prov = stats([j for j in range(m) if j not in dif])
        dif2 = [j for j in range(m) if abs(st[j]) > q]
        history.append(dif2)
        if sorted(dif) == sorted(dif2):
            converged = True
            break
        dif = dif2
    return st, prov, [j for j in range(m) if abs(st[j]) > q], nr_pur, converged, history


def simulate(seed: int, n: int = 1200, m: int = 15, dif_items=(2, 6, 11), shift: float = 0.7):
    rng = np.random.default_rng(seed)
    member = (rng.random(n) < 0.4).astype(int)
    theta = rng.normal(-0.2 * member, 1.0)
    b = (
        np.linspace(-1.5, 1.5, m)
        + np.where(np.isin(np.arange(m), dif_items), shift, 0.0)[None, :] * member[:, None]
    )
    a = rng.uniform(0.8, 1.8, m)
    x = (rng.random((n, m)) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(float)
    return x, member


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mh_with_purification_equals_difr(seed):
    x, member = simulate(seed)
    st, (res, res_alpha, var_lambda), dif, nr_pur, converged, history = difr_dif_mh(x, member)
    ours = mantel_haenszel(x, member, 1, purify=True)
    np.testing.assert_allclose(ours.chi2, res, rtol=1e-10)
    np.testing.assert_allclose(ours.alpha_mh, res_alpha, rtol=1e-10)
    # difR's varLambda (Phillips & Holland 1987) equals the Robins–Breslow–Greenland variance
    np.testing.assert_allclose((ours.delta_se / 2.35) ** 2, var_lambda, rtol=1e-9)
    assert np.flatnonzero(ours.flagged).tolist() == dif
    assert ours.n_iterations == nr_pur and ours.converged == converged
    assert [np.flatnonzero(h).tolist() for h in ours.purification_history] == history


def test_log_odds_ratio_criterion_equals_difr():
    x, member = simulate(4, shift=0.5)
    st, _, dif, nr_pur, converged, history = difr_dif_mh(x, member, mh_stat="logOR")
    ours = mantel_haenszel(x, member, 1, purify=True, flag_by="logor")
    assert np.flatnonzero(ours.flagged).tolist() == dif
    assert ours.n_iterations == nr_pur and ours.converged == converged
    assert [np.flatnonzero(h).tolist() for h in ours.purification_history] == history


def test_without_purification_the_flags_are_the_first_pass():
    x, member = simulate(5)
    st, (res, *_), dif, *_ = difr_dif_mh(x, member, purify=False)
    ours = mantel_haenszel(x, member, 1)
    np.testing.assert_allclose(ours.chi2, res, rtol=1e-10)
    assert np.flatnonzero(ours.flagged).tolist() == dif and ours.n_iterations == 0
    uncorrected = mantel_haenszel(x, member, 1, correct=False)
    np.testing.assert_allclose(
        uncorrected.chi2, difr_mantel_haenszel(x, member, list(range(15)), correct=False)[0]
    )


def test_continuity_correction_has_no_floor_at_zero():
    # one stratum A = B = C = D = 5: Σ A − Σ E(A) = 5 − 10·10/20 = 0, so χ² = (0 − ½)² / Var(A)
    x = np.array([1] * 5 + [0] * 5 + [1] * 5 + [0] * 5, float)[:, None]
    g = np.array([0] * 10 + [1] * 10)
    res = mantel_haenszel(x, g, 1, matching=np.zeros(20))
    var_a = 10 * 10 * 10 * 10 / (20**2 * 19)
    assert res.chi2[0] == pytest.approx(0.25 / var_a, rel=1e-14)


def test_non_convergence_is_reported_and_the_summary_says_so():
    x, member = simulate(1)
    res = mantel_haenszel(x, member, 1, purify=True, max_iter=1)
    assert res.n_iterations == 1
    text = "\n".join(res.summary().notes)
    assert ("converged" in text) or ("no purification convergence" in text)
    assert "DIF" in res.summary().columns
    with pytest.raises(PsychometricsError):
        mantel_haenszel(x, member, 1, flag_by="delta")

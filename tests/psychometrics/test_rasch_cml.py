"""Rasch, PCM and RSM by conditional ML, checked against independent oracles.

R eRm itself is compared in test_rasch_erm.py (eRm's help-page examples, stored oracle) and dexter's
published PCM output in test_verbal_references.py; the analytic Hessian in test_rasch_hessian.py.
Independent oracles here:

* the conditional likelihood by brute-force enumeration of every answer pattern (small tests),
  maximised by scipy: thresholds to 1e-5, log-likelihood to 1e-8, SEs from its numerical Hessian to 1e-3;
* Python girth 0.8 `rasch_conditional` (CML, dichotomous): difficulties to 5e-4 (girth's own tolerance);
* girth `rasch_mml` as a sanity check: MML and CML difficulties agree to 0.03 on 1,000 persons;
* Andersen's LR: the statistic is 2(Σ log L_g − log L) with df (G − 1)·p; planted DIF is found.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import minimize

from psychometrics.errors import PsychometricsError
from psychometrics.irt.equating import test_characteristic_curve
from psychometrics.irt.fit import infit_outfit
from psychometrics.rasch import (
    PartialCreditCML,
    RaschCML,
    RatingScaleCML,
    andersen_test,
    person_item_map,
    person_parameters,
    rasch_fit,
)

girth = pytest.importorskip("girth")


def simulate(rng, n, thresholds, shift=None):
    """PCM responses (Rasch when one threshold per item); `shift` moves item locations for some persons."""
    thr = np.atleast_2d(thresholds)
    theta = rng.normal(0, 1, n)
    steps = theta[:, None, None] - thr[None]
    if shift is not None:
        steps = steps - shift[:, :, None]
    z = np.concatenate([np.zeros((n, thr.shape[0], 1)), np.cumsum(steps, axis=2)], axis=2)
    p = np.exp(z - z.max(axis=2, keepdims=True))
    p /= p.sum(axis=2, keepdims=True)
    return (rng.random((n, thr.shape[0]))[:, :, None] > np.cumsum(p, axis=2)[:, :, :-1]).sum(axis=2).astype(float)


def brute_loglik(x: np.ndarray, thresholds: np.ndarray) -> float:
    """Σ_v log P(x_v | r_v), γ_r by enumerating every answer pattern of the items each person answered."""
    m, k1 = thresholds.shape
    psi = np.concatenate([np.zeros((m, 1)), -np.cumsum(thresholds, axis=1)], axis=1)
    answered = ~np.isnan(x)
    total = 0.0
    for kind in np.unique(answered, axis=0):
        rows = x[(answered == kind).all(axis=1)][:, kind].astype(int)
        items = np.flatnonzero(kind)
        pats = np.array(list(itertools.product(range(k1 + 1), repeat=items.size)))
        w = np.exp(psi[items[None, :], pats].sum(axis=1))
        gamma = np.bincount(pats.sum(axis=1), weights=w)
        total += psi[items[None, :], rows].sum() - np.log(gamma[rows.sum(axis=1)]).sum()
    return float(total)


def brute_fit(x, m, k1, model):
    """Free parameters → centred thresholds, maximised by scipy on the enumerated likelihood."""
    def thresholds(v):
        if model == "rsm":
            delta = np.r_[0.0, v[: m - 1]]
            tau = np.r_[v[m - 1 :], -v[m - 1 :].sum()]
            t = delta[:, None] + tau[None]
        else:
            t = np.r_[0.0, v].reshape(m, k1)
        return t - t.mean()

    p = (m - 1) + (k1 - 1) if model == "rsm" else m * k1 - 1
    res = minimize(lambda v: -brute_loglik(x, thresholds(v)), np.zeros(p), method="BFGS", options={"gtol": 1e-9})
    return thresholds, res


@pytest.fixture(scope="module")
def small_pcm():
    rng = np.random.default_rng(3)
    return simulate(rng, 120, np.array([[-0.5, 0.4], [-1.0, 0.2], [0.0, 0.9], [-0.3, 0.6]]))


@pytest.mark.parametrize("model,cls", [("pcm", PartialCreditCML), ("rsm", RatingScaleCML)])
def test_polytomous_cml_equals_the_enumerated_conditional_likelihood(small_pcm, model, cls):
    thresholds, res = brute_fit(small_pcm, 4, 2, model)
    est = cls().fit(small_pcm)
    np.testing.assert_allclose(est.thresholds_, thresholds(res.x), atol=2e-5)
    assert est.log_likelihood_ == pytest.approx(-res.fun, abs=1e-7)
    assert est.log_likelihood_ == pytest.approx(brute_loglik(small_pcm, est.thresholds_), abs=1e-8)
    assert est.converged_


def test_rasch_cml_and_its_se_equal_the_enumerated_likelihood():
    rng = np.random.default_rng(4)
    x = simulate(rng, 300, np.linspace(-1.2, 1.2, 6)[:, None])
    est = RaschCML().fit(x)
    thresholds, res = brute_fit(x, 6, 1, "pcm")
    np.testing.assert_allclose(est.difficulty_, thresholds(res.x)[:, 0], atol=1e-5)
    # SE: the inverse Hessian of the enumerated likelihood in (b_2 … b_6), b_1 = 0, mapped to the centred b
    v, h = res.x, 1e-4
    hess = np.zeros((5, 5))
    for i, j in itertools.product(range(5), repeat=2):
        e_i, e_j = np.eye(5)[i] * h, np.eye(5)[j] * h
        f = [brute_loglik(x, thresholds(v + s * e_i + t * e_j)) for s, t in ((1, 1), (1, -1), (-1, 1), (-1, -1))]
        hess[i, j] = (f[0] - f[1] - f[2] + f[3]) / (4 * h * h)
    centre = np.eye(6)[:, 1:] - 1 / 6
    cov = centre @ np.linalg.inv(-hess) @ centre.T
    np.testing.assert_allclose(est.difficulty_se_, np.sqrt(np.diag(cov)), rtol=1e-3)


def test_missing_answers_use_each_persons_own_items(small_pcm):
    rng = np.random.default_rng(5)
    x = small_pcm.copy()
    x[rng.random(x.shape) < 0.15] = np.nan
    est = PartialCreditCML().fit(x)
    thresholds, res = brute_fit(x, 4, 2, "pcm")
    np.testing.assert_allclose(est.thresholds_, thresholds(res.x), atol=2e-5)


def test_rasch_matches_girth_cml_and_mml():
    rng = np.random.default_rng(6)
    x = simulate(rng, 1000, np.linspace(-1.5, 1.5, 10)[:, None]).astype(int)
    est = RaschCML().fit(x)
    cml = girth.rasch_conditional(x.T)["Difficulty"]
    np.testing.assert_allclose(est.difficulty_, cml - cml.mean(), atol=5e-4)
    mml = girth.rasch_mml(x.T)["Difficulty"]
    np.testing.assert_allclose(est.difficulty_, mml - mml.mean(), atol=0.03)
    assert est.difficulty_.sum() == pytest.approx(0.0, abs=1e-10)


def test_estimator_contract(small_pcm):
    est = PartialCreditCML(tol=1e-10)
    settings = dict(vars(est))
    first = est.fit(small_pcm).thresholds_.copy()
    assert all(getattr(est, k) == v for k, v in settings.items())
    np.testing.assert_allclose(est.fit(small_pcm).thresholds_, first)
    assert est.summary().columns[:3] == ("item", "difficulty", "se")


def test_person_parameters_solve_the_score_equation():
    rng = np.random.default_rng(7)
    x = simulate(rng, 400, np.linspace(-1, 1, 8)[:, None])
    est = RaschCML().fit(x)
    persons = person_parameters(est, x)
    inner = ~persons.is_extreme
    np.testing.assert_allclose(test_characteristic_curve(est.params_, persons.theta[inner]), persons.raw_score[inner],
                               atol=1e-8)
    low = persons.raw_score == 0
    np.testing.assert_allclose(test_characteristic_curve(est.params_, persons.theta[low]), 0.3, atol=1e-8)
    assert np.isnan(person_parameters(est, x, extreme_correction=0).theta[low]).all()
    table = persons.summary()
    assert table.columns == ("raw_score", "theta", "se", "n_persons") and len(table.rows) <= 9


def test_fit_excludes_extreme_persons_and_map_places_every_threshold(small_pcm):
    est = PartialCreditCML().fit(small_pcm)
    persons = person_parameters(est, small_pcm)
    fit = rasch_fit(est, small_pcm, persons)
    same = infit_outfit(est.params_, small_pcm, np.where(persons.is_extreme, np.nan, persons.theta))
    np.testing.assert_allclose(fit.item_infit, same.item_infit)
    assert (fit.n_persons_used == (~persons.is_extreme).sum()).all()
    table = person_item_map(est, persons)
    placed = " ".join(r[3] for r in table.rows).split()
    assert sorted(placed) == sorted(f"I{i}.{h}" for i in range(1, 5) for h in (1, 2))
    assert sum(r[1] for r in table.rows) == np.isfinite(persons.theta).sum()


def test_andersen_lr_and_wald_find_planted_dif():
    rng = np.random.default_rng(8)
    n = 1500
    group = np.arange(n) % 2
    shift = np.zeros((n, 8))
    shift[group == 1, 2] = 0.8  # item 3 is harder for group 1
    x = simulate(rng, n, np.linspace(-1, 1, 8)[:, None], shift=shift)
    est = RaschCML().fit(x)
    res = andersen_test(est, x, split=group)
    fits = [RaschCML().fit(x[group == g]) for g in (0, 1)]
    assert res.statistic == pytest.approx(2 * (sum(f.log_likelihood_ for f in fits) - est.log_likelihood_))
    assert res.df == 7 and res.p_value < 1e-6
    assert np.argmax(np.abs(res.wald_z)) == 2 and res.wald_p[2] < 1e-6
    calm = andersen_test(RaschCML(), simulate(rng, 1000, np.linspace(-1, 1, 8)[:, None]), split="median")
    assert calm.p_value > 0.01 and calm.df == 7
    assert "Andersen LR" in calm.summary().notes[0]


def test_refusals_name_the_problem():
    with pytest.raises(PsychometricsError, match="integers"):
        RaschCML().fit([[0, 0.5], [1, 0]])
    with pytest.raises(PsychometricsError, match="no variation"):
        RaschCML().fit([[0, 1], [0, 0], [0, 1]])
    with pytest.raises(PsychometricsError, match="use PCM"):
        RaschCML().fit([[0, 2], [1, 0], [1, 1]])
    with pytest.raises(PsychometricsError, match="equal categories"):
        RatingScaleCML().fit([[0, 2], [1, 0], [1, 1]])
    with pytest.raises(PsychometricsError, match="call fit first"):
        person_parameters(RaschCML(), [[0, 1], [1, 0]])

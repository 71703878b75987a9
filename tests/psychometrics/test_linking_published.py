"""Scale linking and IRT true-score equating against Kolen's STUIRT and POLYEQUATE outputs.

Source of the item parameters and of the published results: the unit tests of jMetrik's library,
repository meyerjp3/psychometrics —

* src/test/java/com/itemanalysis/psychometrics/irt/equating/IrtScaleLinkingTest.java
  (commit 279ee69db226ab32d4c5ef76e702077dc2b02cef): ``linkingTest3PL`` (STUIRT example 1, the
  12 common 3PL items of Kolen & Brennan's textbook example, D = 1.7, STUIRT's 10 θ points with the
  X- and Y-group densities), ``mixedFormatTest`` (STUIRT example 2, 12 3PL + 5 GPCM items in
  PARSCALE's a, b, t form, D = 1.7, 25 equally weighted points −3..3) and ``mixedFormatTestSTUIRT``
  (10 3PL + 3 GPCM items, D = 1, STUIRT run of 18 Oct 2014 with ``SY BI BI`` / ``FS DO DO``: symmetric
  criteria, standardised, STUIRT's default 25 points −3..3).  The A, B and criterion values printed
  there are STUIRT's output (6 decimals).
* src/test/java/com/itemanalysis/psychometrics/irt/equating/IrtTrueScoreEquatingTest.java
  (commit 13b30eaa59e13a97415002759ea5a9c0da6c3ca6): θ and form-Y equivalents of every form-X
  score from POLYEQUATE (Kolen et al.) for Kolen & Brennan's 36-item 3PL forms, and for the 3PL +
  GPCM and 3PL + GRM forms (D = 1.7).
* IRT observed-score equating: jMetrik's ``IrtObservedScoreEquatingTest.java`` (package
  com.itemanalysis.psychometrics.irt.equating, so src/test/java/com/itemanalysis/psychometrics/irt/
  equating/ of meyerjp3/psychometrics; the search index holds that file without its repository and
  commit, see SOURCE.md), whose Y equivalents are Equating Recipes' (CASMA) output for Kolen &
  Brennan's chapter-6 36-item 3PL example and for example MainCh16Mf (10 3PL + 5 GRM items), both in
  the X group's population (10 points with weights; synthetic weight 1 on that group).

The parameters are stored as text under tests/psychometrics/data/stuirt_polyequate/ (SOURCE.md).

Conventions matched: form X is the new form, Y the old (base) one, θ_Y = A θ_X + B (our ``link(new,
old)``); D is folded into the slope (a_ours = D a); PARSCALE's GPCM b, t_v becomes thresholds
b − t_v; STUIRT's symmetric criterion is ``symmetric=True``.  STUIRT's standardised Haebara value is
ours divided by the total number of score categories of the common items; its Stocking–Lord value
equals ours (both with weights summing to 1).

Tolerances: the references print 6 decimals (rounding ±5e-7).  A and B: 2e-6, rounding plus the
reference optimiser's own stopping error (jMetrik reproduces STUIRT's Haebara only to 1e-4; we
are within 1.5e-6).  Criterion values: 6e-7.  True scores: 5e-6 and θ: 2e-6 (POLYEQUATE's Newton
tolerance on top of the rounding; found ≤ 1.7e-6 and ≤ 6.5e-7).  Observed-score equivalents: Equating
Recipes prints 5 decimals, so 6e-6 (found ≤ 4.9e-6).  θ is undefined (POLYEQUATE prints
∓99) exactly at the scores at or below Σ c and at the maximum score.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import minimize

from psychometrics.irt.equating import observed_score_equating, true_score_equating
from psychometrics.irt.linking import _curve_loss, link
from psychometrics.irt.models import ItemParameters

DATA = Path(__file__).parent / "data" / "stuirt_polyequate"
STUIRT_GRID = (np.linspace(-3.0, 3.0, 25), np.ones(25))  # STUIRT's default: 25 equally weighted points
AB_TOL, CRITERION_TOL = 2e-6, 6e-7
SCORE_TOL, THETA_TOL = 5e-6, 2e-6
OBSERVED_TOL = 6e-6


def _number(text: str | None) -> float:
    return float(text) if text not in (None, "") else np.nan


def load_forms(name: str) -> dict[str, ItemParameters]:
    """Forms X and Y of one example, in our parametrisation (D folded into a, thresholds b_k)."""
    rows: dict[str, list[dict[str, str]]] = {}
    with open(DATA / f"{name}.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.setdefault(r["form"], []).append(r)
    forms = {}
    for form, items in rows.items():
        model, a, b, c, thr = [], [], [], [], []
        for r in items:
            steps = np.array([_number(r.get(k)) for k in ("t1", "t2", "t3")])
            a.append(float(r["D"]) * float(r["a"]))
            if r["model"] == "L3":
                model.append("3pl")
                b.append(float(r["b"]))
                c.append(float(r["c"]))
                thr.append([float(r["b"]), np.nan, np.nan])
                continue
            b.append(np.nan)
            c.append(0.0)
            if r["model"] == "GPCM2":  # PARSCALE: Z_k = Σ D a (θ − b + t_v)
                model.append("gpcm")
                thr.append(float(r["b"]) - steps)
            else:  # jMetrik/ICL GPCM (steps are the thresholds) and Samejima's GRM
                model.append({"GPCM": "gpcm", "GRM": "grm"}[r["model"]])
                thr.append(steps)
        thr = np.array(thr, float)
        thr = thr[:, ~np.all(np.isnan(thr), axis=0)]
        forms[form] = ItemParameters(tuple(model), np.array(a), np.array(b), np.array(c), thr,
                                     tuple(r["item"] for r in items))
    return forms


def published_linking() -> list[dict[str, str]]:
    with open(DATA / "linking_published.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def published_true_scores(example: str) -> tuple[np.ndarray, np.ndarray]:
    with open(DATA / "true_score_published.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["example"] == example]
    return np.array([float(r["theta_x"]) for r in rows]), np.array([float(r["score_y"]) for r in rows])


def stuirt_two_population_link(new: ItemParameters, old: ItemParameters, method: str) -> np.ndarray:
    """(A, B) minimising STUIRT's symmetric criterion with a different θ distribution on each scale.

    ``link`` takes one set of nodes for both directions; STUIRT example 1 weights the old-scale part
    by the Y group's density and the new-scale part by the X group's.  The criterion is built from
    ``_curve_loss`` (the function ``link`` minimises, with its exact gradient):
    old-scale part on Y's nodes + (symmetric − one-directional) on X's nodes = new-scale part.
    """
    q = np.loadtxt(DATA / "linking_3pl_kb_quadrature.csv", delimiter=",", skiprows=1)
    theta, w_x, w_y = q[:, 0], q[:, 1] / q[:, 1].sum(), q[:, 2] / q[:, 2].sum()
    old_part = _curve_loss(new, old, theta, w_y, method, False)
    both_x = _curve_loss(new, old, theta, w_x, method, True)
    one_x = _curve_loss(new, old, theta, w_x, method, False)

    def loss(x: np.ndarray) -> tuple[float, np.ndarray]:
        (v1, g1), (v2, g2), (v3, g3) = old_part(x), both_x(x), one_x(x)
        return v1 + v2 - v3, g1 + g2 - g3

    start = link(new, old, "mean_sigma")
    res = minimize(loss, [start.A, start.B], jac=True, method="BFGS", options={"gtol": 1e-12})
    assert np.max(np.abs(res.jac)) < 1e-8
    return res.x


CASES = [(r["example"], r["method"]) for r in published_linking()]


@pytest.mark.parametrize(("example", "method"), CASES, ids=[f"{e}-{m}" for e, m in CASES])
def test_linking_constants_match_stuirt(example, method):
    forms = load_forms(example)
    ref = next(r for r in published_linking() if r["example"] == example and r["method"] == method)
    if example == "linking_3pl_kb" and method in ("haebara", "stocking_lord"):
        A, B = stuirt_two_population_link(forms["X"], forms["Y"], method)
    else:
        res = link(forms["X"], forms["Y"], method, symmetric=True, nodes=STUIRT_GRID)
        A, B = res.A, res.B
        assert res.n_common == forms["X"].n_items
        if ref["criterion"]:
            # STUIRT's standardised Haebara criterion is per score category of the common items
            per = forms["Y"].n_categories.sum() if method == "haebara" else 1
            assert res.criterion / per == pytest.approx(float(ref["criterion"]), abs=CRITERION_TOL)
    assert A == pytest.approx(float(ref["A"]), abs=AB_TOL)
    assert B == pytest.approx(float(ref["B"]), abs=AB_TOL)


def test_one_population_grid_is_not_stuirt_example_1():
    """The same criterion on one distribution (the old group's) lands elsewhere: the check can fail."""
    forms = load_forms("linking_3pl_kb")
    q = np.loadtxt(DATA / "linking_3pl_kb_quadrature.csv", delimiter=",", skiprows=1)
    res = link(forms["X"], forms["Y"], "haebara", symmetric=True, nodes=(q[:, 0], q[:, 2]))
    assert abs(res.A - 1.067800) > 10 * AB_TOL or abs(res.B + 0.471281) > 10 * AB_TOL


@pytest.mark.parametrize("example", ["true_score_3pl_kb", "true_score_3pl_gpcm", "true_score_3pl_grm"])
def test_true_score_equating_matches_polyequate(example):
    forms = load_forms(example)
    theta_ref, y_ref = published_true_scores(example)
    res = true_score_equating(forms["X"], forms["Y"])
    assert res.score_x.tolist() == list(range(y_ref.size))
    np.testing.assert_allclose(res.score_y, y_ref, rtol=0, atol=SCORE_TOL)
    undefined = np.abs(theta_ref) > 90  # POLYEQUATE prints −99 / 99 where no θ gives the score
    assert np.array_equal(np.isnan(res.theta), undefined)
    np.testing.assert_allclose(res.theta[~undefined], theta_ref[~undefined], rtol=0, atol=THETA_TOL)


def published_observed(example: str) -> np.ndarray:
    with open(DATA / "observed_published.csv", newline="") as fh:
        return np.array([float(r["score_y"]) for r in csv.DictReader(fh) if r["example"] == example])


def observed_population(example: str) -> tuple[np.ndarray, np.ndarray]:
    q = np.loadtxt(DATA / f"{example}_population.csv", delimiter=",", skiprows=1)
    return q[:, 0], q[:, 1]


@pytest.mark.parametrize("example", ["observed_3pl_kb", "observed_3pl_grm"])
def test_observed_score_equating_matches_equating_recipes(example):
    forms = load_forms(example)
    ref = published_observed(example)
    res = observed_score_equating(forms["X"], forms["Y"], theta=observed_population(example))
    assert res.score_x.tolist() == list(range(ref.size))
    np.testing.assert_allclose(res.score_y, ref, rtol=0, atol=OBSERVED_TOL)
    # the other group's population gives other equivalents: the check can fail
    other = observed_score_equating(forms["X"], forms["Y"])
    assert np.max(np.abs(other.score_y - ref)) > 10 * OBSERVED_TOL

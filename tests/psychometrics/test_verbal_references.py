"""Polytomous CTT, Mantel–Haenszel and logistic DIF, and PCM by CML on the verbal aggression data,
against the R packages' outputs for it (issue 15 part 7).

Data: ``data/verbal/`` (316 persons × 24 items; ``SOURCE.md`` says where every file comes from).

1. Published: dexter's README (repository dexter-psychometrics/dexter, commit
   0ba22d82a8dd34fc8b30d2b5a7c8423e01ace793) prints, for the 0/1/2 scores,
   * ``tia_tables``: booklet α 0.888, mean p 0.339, mean r_it 0.527, mean r_ir 0.468 and, for its first
     six items, mean, SD, p = mean / max, r_it, r_ir (3 decimals);
   * ``coef(fit_enorm(db))``: the partial credit model by CML, β and SE of both thresholds of
     S1DoCurse, S1DoScold, S1DoShout (7 decimals);
   * ``ability(db, parms = f)``: ML θ of persons with sums 13, 28, 4, 19, 7, 25 (7 decimals).
2. R run here: psych 2.2.9's ``alpha`` (Debian r-cran-psych) on the 0/1/2 scores, and difR 5.1's own
   ``mantelHaenszel`` / ``difMH`` (asymptotic branch) / ``Logistik`` code (repository cran/difR:
   R/mantelHaenszel.R and R/difMH.r at commit 0e239d5e362f28c66ea172034ca216a113748a6e, R/Logistik.R at
   7c88199b16733f3fd7515cb2eff0525ec3fb8383) on the examples of its help pages difMH.rd and
   difLogistic.rd (``verbal`` without Anger, group Gender, focal 1): stored in ``reference.csv`` by
   ``reference.R``.

Max abs differences found: dexter's CTT ≤ 5e-4 (its 3-decimal rounding), PCM thresholds ≤ 5e-8 and
their SEs ≤ 5e-8, ML θ ≤ 5e-8; psych's α, average r, α-if-dropped, raw.r, r.drop, item mean and SD
≤ 3e-12; difR's MH χ² ≤ 5e-11, α_MH ≤ 5e-12, var(log α_MH) ≤ 5e-13, the same DIF items, purification
passes and convergence in all six difMH examples; logistic LR χ² ≤ 5e-11 and Nagelkerke ΔR² ≤ 5e-14.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from psychometrics.ctt import analyze_items, test_statistics
from psychometrics.dif import logistic_dif, mantel_haenszel
from psychometrics.rasch import PartialCreditCML, person_parameters

DATA = Path(__file__).parent / "data" / "verbal"


def _matrix(name: str) -> tuple[list[str], np.ndarray]:
    with (DATA / name).open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], np.array(rows[1:], dtype=float)


def _reference() -> dict[tuple[str, str], np.ndarray]:
    out: dict[tuple[str, str], list[float]] = {}
    with (DATA / "reference.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault((row["example"], row["quantity"]), []).append(
                np.nan if row["value"] == "NA" else float(row["value"]))
    return {k: np.array(v) for k, v in out.items()}


REF = _reference()
ITEMS, POLY = _matrix("verbagg_polytomous.csv")
_, VERBAL = _matrix("verbal.csv")
DICH, GENDER = VERBAL[:, :24], VERBAL[:, 25]

# dexter README: tia_tables(db)$items, first six rows (its items sorted by name)
DEXTER_ITEMS = {  # item: (mean_score, sd_score, pvalue, rit, rir)
    "S1DoCurse": (1.082, 0.807, 0.541, 0.582, 0.519),
    "S1DoScold": (0.832, 0.815, 0.416, 0.651, 0.596),
    "S1DoShout": (0.468, 0.709, 0.234, 0.520, 0.460),
    "S1WantCurse": (1.123, 0.827, 0.562, 0.537, 0.468),
    "S1WantScold": (0.930, 0.850, 0.465, 0.593, 0.528),
    "S1WantShout": (0.712, 0.777, 0.356, 0.529, 0.464),
}
DEXTER_BOOKLET = {"alpha": 0.888, "mean_pvalue": 0.339, "mean_rit": 0.527, "mean_rir": 0.468}
DEXTER_ENORM = {  # item: ((beta 1, SE 1), (beta 2, SE 2))
    "S1DoCurse": ((-1.3422140, 0.1541565), (-0.6375015, 0.1418423)),
    "S1DoScold": ((-0.6702036, 0.1429057), (-0.2589855, 0.1579467)),
    "S1DoShout": ((0.3254326, 0.1480166), (0.3687574, 0.2099654)),
}
DEXTER_ML_THETA = {13: -1.0238738, 28: 0.3124831, 4: -2.3748882, 19: -0.4630604, 7: -1.7721275, 25: 0.0512826}


def test_polytomous_item_and_test_statistics_equal_dexter_tia_tables():
    # dexter's sd_score divides by N (our ddof=0); psych's by N − 1 (next test)
    items = analyze_items(POLY, ITEMS, max_scores=2, ddof=0)
    test = test_statistics(POLY, ITEMS, max_scores=2, ddof=0)
    for name, (mean, sd, p, rit, rir) in DEXTER_ITEMS.items():
        j = ITEMS.index(name)
        got = (items.mean[j], items.sd[j], items.p[j], items.point_biserial[j], items.item_rest[j])
        np.testing.assert_allclose(got, (mean, sd, p, rit, rir), atol=5e-4 + 1e-9, err_msg=name)
    assert test.alpha == pytest.approx(DEXTER_BOOKLET["alpha"], abs=5e-4)
    assert items.p.mean() == pytest.approx(DEXTER_BOOKLET["mean_pvalue"], abs=5e-4)
    assert items.point_biserial.mean() == pytest.approx(DEXTER_BOOKLET["mean_rit"], abs=5e-4)
    assert items.item_rest.mean() == pytest.approx(DEXTER_BOOKLET["mean_rir"], abs=5e-4)


def test_alpha_and_item_statistics_equal_psych_alpha():
    ref = {q: REF["psych::alpha(verbagg_polytomous)", q] for q in
           ("raw_alpha", "average_r", "inter_item_r_sd", "alpha_if_dropped", "raw.r", "r.drop", "mean", "sd",
            "total_mean")}
    test = test_statistics(POLY, ITEMS, max_scores=2, ddof=1)
    items = analyze_items(POLY, ITEMS, max_scores=2, ddof=1)
    assert test.alpha == pytest.approx(ref["raw_alpha"][0], abs=1e-10)
    assert test.inter_item_r_mean == pytest.approx(ref["average_r"][0], abs=1e-10)
    assert test.inter_item_r_sd == pytest.approx(ref["inter_item_r_sd"][0], abs=1e-10)
    assert test.mean / len(ITEMS) == pytest.approx(ref["total_mean"][0], abs=1e-10)   # psych: mean item score
    np.testing.assert_allclose(test.alpha_if_deleted, ref["alpha_if_dropped"], atol=1e-10)
    np.testing.assert_allclose(items.point_biserial, ref["raw.r"], atol=1e-10)
    np.testing.assert_allclose(items.item_rest, ref["r.drop"], atol=1e-10)
    np.testing.assert_allclose(items.mean, ref["mean"], atol=1e-10)
    np.testing.assert_allclose(items.sd, ref["sd"], atol=1e-10)
    assert test.sem_coefficient == "alpha"
    assert test.sem == pytest.approx(test.sd * np.sqrt(1 - test.alpha), rel=1e-12)


def test_partial_credit_cml_equals_dexter_fit_enorm():
    model = PartialCreditCML(item_ids=ITEMS).fit(POLY)
    for name, thresholds in DEXTER_ENORM.items():
        j = ITEMS.index(name)
        np.testing.assert_allclose(model.thresholds_[j], [b for b, _ in thresholds], atol=1e-6, err_msg=name)
        np.testing.assert_allclose(model.threshold_se_[j], [s for _, s in thresholds], atol=1e-6, err_msg=name)


def test_ml_person_parameters_equal_dexter_ability():
    model = PartialCreditCML(item_ids=ITEMS).fit(POLY)
    persons = person_parameters(model, POLY)
    score = POLY.sum(axis=1)
    for s, theta in DEXTER_ML_THETA.items():
        assert persons.theta[np.flatnonzero(score == s)[0]] == pytest.approx(theta, abs=1e-6), s


MH_EXAMPLES = {
    "difMH(verbal, 'Gender', 1)": {},
    "difMH(verbal, 'Gender', 1, purify = TRUE)": {"purify": True},
    "difMH(verbal, 'Gender', 1, purify = TRUE, nrIter = 5)": {"purify": True, "max_iter": 5},
    "difMH(verbal, 'Gender', 1, alpha = 0.01, correct = FALSE)": {"alpha": 0.01, "correct": False},
    "difMH(verbal, 25, 1, MHstat = 'logOR')": {"flag_by": "logor"},
    "difMH(verbal, 25, 1, MHstat = 'logOR', purify = TRUE)": {"flag_by": "logor", "purify": True},
}


@pytest.mark.parametrize("example", list(MH_EXAMPLES))
def test_mantel_haenszel_equals_difr_difmh_examples(example):
    kwargs = MH_EXAMPLES[example]
    result = mantel_haenszel(DICH, GENDER, 1, **kwargs)
    var_lambda = (result.delta_se / 2.35) ** 2
    stat = np.log(result.alpha_mh) / np.sqrt(var_lambda) if kwargs.get("flag_by") == "logor" else result.chi2
    np.testing.assert_allclose(stat, REF[example, "stat"], atol=1e-9)
    np.testing.assert_allclose(result.alpha_mh, REF[example, "alphaMH"], atol=1e-9)
    np.testing.assert_allclose(var_lambda, REF[example, "varLambda"], atol=1e-10)
    assert (np.flatnonzero(result.flagged) + 1).tolist() == REF[example, "DIFitems"].astype(int).tolist()
    assert result.n_iterations == int(REF[example, "nrPur"][0])
    assert result.converged == bool(REF[example, "convergence"][0])


def test_purification_takes_six_passes_and_nriter_5_stops_unconverged_as_difr():
    assert int(REF["difMH(verbal, 'Gender', 1, purify = TRUE)", "nrPur"][0]) == 6
    short = mantel_haenszel(DICH, GENDER, 1, purify=True, max_iter=5)
    assert not short.converged and short.purification_history.shape[0] == 6


def test_logistic_regression_dif_equals_difr_logistik():
    result = logistic_dif(DICH, GENDER, 1)
    cases = {"both": (result.chi2_total, result.r2_delta),
             "udif": (result.chi2_uniform, result.r2_delta_uniform),
             "nudif": (result.chi2_nonuniform, result.r2_delta - result.r2_delta_uniform)}
    for kind, (stat, delta_r2) in cases.items():
        example = f"difLogistic(verbal, 'Gender', 1, type = '{kind}')"
        np.testing.assert_allclose(stat, REF[example, "stat"], atol=1e-9, err_msg=kind)
        np.testing.assert_allclose(delta_r2, REF[example, "deltaR2"], atol=1e-12, err_msg=kind)

"""Linking chains, the bisector and their delta-method SEs, checked against R equateIRT's formulas.

R is not available, so equateIRT's own derivative code is transcribed here as the oracle:
cran/equateIRT, R/functions.r (commit 009cc1f25ef4ea39f87c50f9add9580b29031ba3), function `direc`
(the partial derivatives of A and B for mean-mean, mean-gmean, mean-sigma, and `partialSIR_AB`,
`partialSIR_gamma` of the Haebara and Stocking–Lord criteria, 3PL, D = 1, 30 Gauss–Hermite nodes),
`chainec` (composition) and `bisco` (bisector partials).  Measured agreement: the Haebara and
Stocking–Lord Jacobians to ~1e-8 (central differences of the exact gradient), mean-mean and
mean-gmean exactly; equateIRT's mean-sigma ∂A/∂b divides by n where the sample SD it differentiates
needs n − 1, so ours (the exact derivative) is checked against the corrected formula.
Chains and bisectors are also checked by composing known transformations and by Monte Carlo: the
SD of chain constants over parameters drawn from N(γ, Σ) matches the delta-method SE within 15 %.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.polynomial.hermite_e import hermegauss

from psychometrics.errors import PsychometricsError
from psychometrics.irt.chains import (
    bisector,
    chain,
    direct_link,
    link_all,
    links_table,
    parameter_labels,
    parameter_vector,
    paths,
)
from psychometrics.irt.equating import linked_equating, true_score_equating
from psychometrics.irt.linking import link, transform
from psychometrics.irt.models import ItemParameters

NODES = hermegauss(30)


def three_pl(rng: np.random.Generator, ids, shift=(1.0, 0.0), noise=0.0, base=None) -> ItemParameters:
    """A 3PL form on the scale θ_base = A θ + B (base parameters re-expressed, plus estimation noise)."""
    m = len(ids)
    if base is None:
        a, b, c = rng.lognormal(0, 0.3, m), rng.normal(0, 1, m), rng.uniform(0.1, 0.25, m)
    else:
        a, b, c = base
    A, B = shift
    return ItemParameters.dichotomous(
        a * A + rng.normal(0, noise, m), (b - B) / A + rng.normal(0, noise, m), c, "3pl", tuple(ids)
    )


def equateirt_partials(new: ItemParameters, old: ItemParameters, A: float, B: float, method: str):
    """equateIRT `direc` partials ∂(A, B)/∂(b1, a1, c1, b2, a2, c2), form 1 = new, 2 = old (transcribed)."""
    a1, b1, c1 = new.a[:, None], new.b[:, None], new.c[:, None]
    a2, b2, c2 = old.a[:, None], old.b[:, None], old.c[:, None]
    ab, wt = NODES[0], NODES[1] / NODES[1].sum()
    P2 = c2 + (1 - c2) / (1 + np.exp(-a2 * (ab - b2)))  # items × nodes, as R after t()
    P1 = c1 + (1 - c1) / (1 + np.exp(-(a1 / A) * (ab - (A * b1 + B))))
    abM, wtM = np.broadcast_to(ab, P1.shape), np.broadcast_to(wt, P1.shape)

    def rows(t):
        return np.vstack([(t * abM).sum(1), t.sum(1)])

    if method == "haebara":
        poly = (c1 + 1) * P2 + c1 - 2 * (P2 + c1 + 1) * P1 + 3 * P1**2
        tmp = (poly * (P1 - c1) / (1 - c1) ** 2 * (1 - P1) * a1**2).sum(0) * wt
        t = (P1 - c1) / (1 - c1) * (1 - P1) * a1 * (1 - P2) / (1 - c2) * wtM
        d_a2, d_b2, d_c2 = rows(t * (P2 - c2) * (abM - b2)), rows(t * (P2 - c2) * (-a2)), rows(t)
        d_a1 = rows((poly * a1 / (1 - c1) * (abM - A * b1 - B) / A + P2 - P1) * (P1 - c1) / (1 - c1)
                    * (1 - P1) * wtM)
        d_b1 = rows(poly * (P1 - c1) / (1 - c1) ** 2 * (1 - P1) * (-(a1**2)) * wtM)
        d_c1 = rows((poly - (P2 - P1) * (1 - P1)) * (1 - P1) * a1 / (1 - c1) ** 2 * wtM)
    else:
        t1 = -(P1 - c1) / (1 - c1) * (1 - P1) * a1
        t2 = P2 - P1
        t3 = (1 + c1 - 2 * P1) / (1 - c1) * a1
        t4 = (P1 - c1) / (1 - c1) * (1 - P1) * a1
        tmp = (t1.sum(0) * t4.sum(0) + t2.sum(0) * (t3 * t4).sum(0)) * wt
        t = (((P1 - c1) / (1 - c1) * (1 - P1) * a1).sum(0) * (1 - P2) / (1 - c2)) * wtM
        d_a2, d_b2, d_c2 = rows(t * (P2 - c2) * (abM - b2)), rows(t * (P2 - c2) * (-a2)), rows(t)
        s1, s2 = t1.sum(0), t2.sum(0)
        t4 = (abM - A * b1 - B) / A
        t6 = (P1 - c1) / (1 - c1) * (1 - P1)
        d_a1 = rows((s1 * t4 * t6 + s2 * t3 * t4 * t6 + s2 * t6) * wtM)
        t61 = -t6 * a1
        d_b1 = rows((s1 * t61 + s2 * t3 * t61) * wtM)
        t7, t8 = (P1 - c1) / (1 - c1) * a1, (1 - P1) / (1 - c1)
        d_c1 = rows((s1 * t8 - s2 * t7 * t8) * wtM)
    hess = -sum(tmp[q] * np.outer([ab[q], 1], [(ab[q] - B) / A**2, 1 / A]) for q in range(ab.size))
    gamma = np.hstack([d_b1, d_a1, d_c1, d_b2, d_a2, d_c2])
    return (-np.linalg.solve(hess, gamma)).T


def ours_in_equateirt_order(jac: np.ndarray, m: int) -> np.ndarray:
    """Our per-item (a, b, c) rows → equateIRT's (b…, a…, c…)."""
    return jac.reshape(m, 3, 2)[:, [1, 0, 2]].transpose(1, 0, 2).reshape(3 * m, 2)


@pytest.fixture(scope="module")
def pair():
    rng = np.random.default_rng(11)
    ids = [f"i{j}" for j in range(12)]
    old = three_pl(rng, ids)
    new = three_pl(rng, ids, shift=(1.2, 0.3), noise=0.08, base=(old.a, old.b, old.c))
    return {"new": new, "old": old}


@pytest.mark.parametrize("method", ["haebara", "stocking_lord"])
def test_curve_jacobian_matches_equateirt(pair, method):
    res = direct_link(pair, "new", "old", method, nodes=NODES)
    m = pair["new"].n_items
    theirs = equateirt_partials(pair["new"], pair["old"], res.A, res.B, method)
    ours = np.vstack([ours_in_equateirt_order(res.jacobian["new"], m),
                      ours_in_equateirt_order(res.jacobian["old"], m)])
    np.testing.assert_allclose(ours, theirs, atol=1e-7 * np.abs(theirs).max())


def test_moment_jacobians_match_equateirt(pair):
    new, old = pair["new"], pair["old"]
    n = new.n_items
    a1, b1, a2, b2 = new.a, new.b, old.a, old.b
    mm = direct_link(pair, "new", "old", "mean_mean")
    A = mm.A
    j_new, j_old = mm.jacobian["new"].reshape(n, 3, 2), mm.jacobian["old"].reshape(n, 3, 2)
    np.testing.assert_allclose(j_new[:, 0, 0], 1 / a2.sum())  # ∂A/∂a1
    np.testing.assert_allclose(j_old[:, 0, 0], -a1.sum() / a2.sum() ** 2)  # ∂A/∂a2
    np.testing.assert_allclose(j_new[:, 0, 1], -b1.mean() / a2.sum())  # ∂B/∂a1
    np.testing.assert_allclose(j_new[:, 1, 1], -A / n)  # ∂B/∂b1
    np.testing.assert_allclose(j_old[:, 1, 1], 1 / n)  # ∂B/∂b2
    gm = direct_link(pair, "new", "old", "mean_gmean")
    np.testing.assert_allclose(gm.jacobian["new"].reshape(n, 3, 2)[:, 0, 0], gm.A / (n * a1), rtol=1e-8)
    np.testing.assert_allclose(gm.jacobian["old"].reshape(n, 3, 2)[:, 0, 0], -gm.A / (n * a2), rtol=1e-8)
    ms = direct_link(pair, "new", "old", "mean_sigma")
    sd2 = b2.std(ddof=1)
    # equateIRT: A sd(b2)^-2 (b2 - mean b2) / n; the exact derivative of the sample SD has n - 1
    np.testing.assert_allclose(ms.jacobian["old"].reshape(n, 3, 2)[:, 1, 0],
                               ms.A * sd2**-2 * (b2 - b2.mean()) / (n - 1), rtol=1e-7)


def test_direct_se_is_the_delta_method(pair):
    rng = np.random.default_rng(3)
    covs = {}
    for name, params in pair.items():
        k = len(parameter_labels(params))
        root = rng.normal(0, 0.03, (k, k))
        covs[name] = root @ root.T / k + np.eye(k) * 1e-4
    res = direct_link(pair, "new", "old", "stocking_lord", covariances=covs)
    expected = sum(res.jacobian[f].T @ covs[f] @ res.jacobian[f] for f in covs)
    np.testing.assert_allclose(res.covariance, expected)
    assert res.se_A == pytest.approx(np.sqrt(expected[0, 0]))
    assert res.summary().rows[0][0] == "new.old"


def plan(rng: np.random.Generator, noise: float = 0.0):
    """Four forms in a ring X–Y–Z–W–X, ten items each, five shared with each neighbour.

    Each form's scale is θ_base = A_f θ_f + B_f with its own (A_f, B_f)."""
    items = [f"q{j}" for j in range(20)]
    base = (rng.lognormal(0, 0.25, 20), rng.normal(0, 1, 20), np.zeros(20))
    blocks = {"X": items[0:10], "Y": items[5:15], "Z": items[10:20], "W": items[15:20] + items[0:5]}
    shifts = {"X": (1.0, 0.0), "Y": (1.3, -0.4), "Z": (0.8, 0.5), "W": (1.1, 0.2)}
    forms = {}
    for f, ids in blocks.items():
        j = [items.index(i) for i in ids]
        A, B = shifts[f]
        a, b = base[0][j] * A, (base[1][j] - B) / A
        forms[f] = ItemParameters.dichotomous(a + rng.normal(0, noise, 10), b + rng.normal(0, noise, 10),
                                              model="2pl", item_ids=tuple(ids))
    return forms, shifts


@pytest.mark.parametrize("method", ["mean_sigma", "haebara", "stocking_lord"])
def test_chains_compose_known_transformations(method):
    forms, shifts = plan(np.random.default_rng(2))
    links = link_all(forms, method)
    assert set(links) == {(s, t) for s in "XYZW" for t in "XYZW" if s != t and {s, t} not in ({"X", "Z"}, {"Y", "W"})}
    for p in (("X", "Y", "Z"), ("X", "W", "Z"), ("Z", "Y", "X", "W")):
        res = chain(links, p)
        (A1, B1), (A2, B2) = shifts[p[0]], shifts[p[-1]]
        # θ_base = A1 θ_src + B1 = A2 θ_tgt + B2  ⇒  θ_tgt = (A1/A2) θ_src + (B1 − B2)/A2
        assert res.A == pytest.approx(A1 / A2, abs=1e-7) and res.B == pytest.approx((B1 - B2) / A2, abs=1e-7)
        assert res.kind == "chain" and res.path == p and len(res.n_common) == len(p) - 1
    assert paths(links, "X", "Z") == [("X", "W", "Z"), ("X", "Y", "Z")]
    assert paths(links, "X", "Z", length=4) == []


def test_chain_equals_hand_composition_and_its_jacobian():
    forms, _ = plan(np.random.default_rng(4), noise=0.1)
    links = link_all(forms, "haebara")
    xy, yz = links[("X", "Y")], links[("Y", "Z")]
    res = chain(links, ["X", "Y", "Z"])
    assert res.A == pytest.approx(yz.A * xy.A) and res.B == pytest.approx(yz.A * xy.B + yz.B)
    # Y's items enter both links: ∂A/∂γ_Y = A_YZ ∂A_XY/∂γ_Y + A_XY ∂A_YZ/∂γ_Y
    np.testing.assert_allclose(res.jacobian["Y"][:, 0], yz.A * xy.jacobian["Y"][:, 0] + xy.A * yz.jacobian["Y"][:, 0])
    # and the whole Jacobian equals differencing the chain through the X parameters
    v = parameter_vector(forms["X"])
    k = 3
    h = 1e-6
    moved = []
    for sign in (1, -1):
        w = v.copy()
        w[k] += sign * h
        f = dict(forms, X=_with_vector(forms["X"], w))
        moved.append(chain(link_all(f, "haebara"), ["X", "Y", "Z"]))
    np.testing.assert_allclose([(moved[0].A - moved[1].A) / (2 * h), (moved[0].B - moved[1].B) / (2 * h)],
                               res.jacobian["X"][k], atol=1e-6)


def _with_vector(params: ItemParameters, vec: np.ndarray) -> ItemParameters:
    from psychometrics.irt.chains import _from_vector

    return _from_vector(params, vec)


def constants_xyz(forms: dict) -> tuple[float, float]:
    """Stocking–Lord X → Y → Z composed by hand (constants only: the Monte Carlo needs no Jacobians)."""
    xy, yz = link(forms["X"], forms["Y"]), link(forms["Y"], forms["Z"])
    return yz.A * xy.A, yz.A * xy.B + yz.B


def test_chain_se_matches_monte_carlo():
    rng = np.random.default_rng(5)
    forms, _ = plan(rng, noise=0.05)
    covs = {f: np.diag(np.tile([0.06**2, 0.08**2], 10)) for f in forms}
    res = chain(link_all(forms, "stocking_lord", covariances=covs, direction="forward"), ["X", "Y", "Z"])
    draws = []
    for _ in range(150):
        f = {n: _with_vector(p, rng.multivariate_normal(parameter_vector(p), covs[n])) for n, p in forms.items()}
        draws.append(constants_xyz(f))
    sd = np.std(draws, axis=0, ddof=1)
    np.testing.assert_allclose(sd, [res.se_A, res.se_B], rtol=0.15)


def test_bisector_averages_paths_like_equateirt():
    forms, shifts = plan(np.random.default_rng(6), noise=0.08)
    covs = {f: np.diag(np.tile([0.05**2, 0.07**2], 10)) for f in forms}
    links = link_all(forms, "haebara", covariances=covs)
    ways = [chain(links, p) for p in paths(links, "X", "Z")]
    res = bisector(ways)
    a = np.array([w.A for w in ways])
    b = np.array([w.B for w in ways])
    w = 1 / np.sqrt(1 + a**2)
    assert res.A == pytest.approx(w @ a / w.sum()) and res.B == pytest.approx(w @ b / w.sum())
    # equateIRT bisco (version 2.1): partAA, partBA, partBB times each path's partials
    W = w.sum()
    part_aa = (1 - a**2 / (1 + a**2)) * w / W + res.A * w / W * a / (1 + a**2)
    part_ba = -a * b / (1 + a**2) * w / W + res.B * w / W * a / (1 + a**2)
    for f in "XYZW":
        expected_a = sum(part_aa[p] * ways[p].jacobian[f][:, 0] for p in range(2) if f in ways[p].jacobian)
        np.testing.assert_allclose(res.jacobian[f][:, 0], expected_a, atol=1e-14)
        expected_b = sum(part_ba[p] * ways[p].jacobian[f][:, 0] + w[p] / W * ways[p].jacobian[f][:, 1]
                         for p in range(2) if f in ways[p].jacobian)
        np.testing.assert_allclose(res.jacobian[f][:, 1], expected_b, atol=1e-14)
    weighted = bisector(ways, weighted=True)
    assert np.trace(weighted.covariance) <= np.trace(res.covariance) + 1e-12
    table = links_table(ways + [res, weighted])
    assert [r[1] for r in table.rows] == ["chain", "chain", "bisector", "weighted bisector"]


def test_both_directions_of_moment_links_are_inverse():
    forms, _ = plan(np.random.default_rng(7), noise=0.1)
    links = link_all(forms, "mean_sigma")
    there, back = links[("X", "Y")], links[("Y", "X")]
    assert back.A == pytest.approx(1 / there.A) and back.B == pytest.approx(-there.B / there.A)
    hb = link_all(forms, "haebara", direction="back")
    assert all(forms_order(s) > forms_order(t) for s, t in hb)


def forms_order(name: str) -> int:
    return "XYZW".index(name)


def test_linked_true_score_equating_and_its_se():
    rng = np.random.default_rng(8)
    forms, _ = plan(rng, noise=0.05)
    covs = {f: np.diag(np.tile([0.05**2, 0.07**2], 10)) for f in forms}
    res_link = chain(link_all(forms, "stocking_lord", covariances=covs), ["X", "Y", "Z"])
    table = linked_equating(forms, res_link)
    plain = true_score_equating(res_link.transform(forms["X"]), forms["Z"])
    np.testing.assert_allclose(table.score_y, plain.score_y)
    assert np.all(table.se[1:-1] > 0) and table.se[0] == 0 and table.se[-1] == 0
    draws = []
    for _ in range(150):
        f = {n: _with_vector(p, rng.multivariate_normal(parameter_vector(p), covs[n])) for n, p in forms.items()}
        A, B = constants_xyz(f)
        draws.append(true_score_equating(transform(f["X"], A, B), f["Z"]).score_y)
    np.testing.assert_allclose(np.std(draws, axis=0, ddof=1)[2:-2], table.se[2:-2], rtol=0.2)
    observed = linked_equating(forms, res_link, method="observed_score")
    assert observed.se.shape == observed.score_y.shape and observed.summary().columns[-1] == "se"


def test_refusals_name_the_problem(pair):
    with pytest.raises(PsychometricsError, match="not given"):
        direct_link(pair, "new", "elsewhere")
    with pytest.raises(PsychometricsError, match="no direct link"):
        chain({}, ["a", "b", "c"])
    with pytest.raises(PsychometricsError, match="covariance of form"):
        direct_link(pair, "new", "old", covariances={"new": np.eye(2), "old": np.eye(2)})
    forms, _ = plan(np.random.default_rng(9))
    links = link_all(forms, "mean_mean")
    with pytest.raises(PsychometricsError, match="needs covariances"):
        bisector([chain(links, p) for p in paths(links, "X", "Z")], weighted=True)
    with pytest.raises(PsychometricsError, match="same two forms"):
        bisector([links[("X", "Y")], links[("Y", "Z")]])


def test_gmean_is_a_moment_method_like_the_others():
    rng = np.random.default_rng(10)
    old = ItemParameters.dichotomous(rng.lognormal(0, 0.3, 8), rng.normal(0, 1, 8))
    new = transform(old, 1 / 1.4, 0.2 / 1.4)
    res = link(new, old, "mean_gmean", common=[(j, j) for j in range(8)])
    assert res.A == pytest.approx(1.4) and res.B == pytest.approx(-0.2)

"""Linking plans: direct links between forms, chains X → Y → Z, the bisector of several paths, all with
delta-method standard errors, as R equateIRT's `direc`, `alldirec`, `chainec` and `bisectorec`.

A link carries the source form's scale onto the target's: θ_target = A θ_source + B (equateIRT's
"form 1 as form 2").  Its Jacobian with respect to every item parameter of every form it uses is kept,
so the constants' covariance is Σ_f J_fᵀ Σ_f J_f with Σ_f the (independent) calibrations'
item-parameter covariances.

* Direct links: the moment methods differentiate the closed forms; Haebara and Stocking–Lord use the
  implicit function theorem at the minimum, ∂(A, B)/∂γ = −H⁻¹ ∂²F/∂(A, B)∂γ (Ogasawara 2001), with
  H and the mixed derivatives taken from the criterion's exact gradient by central differences.
* Chains (Battauz 2013): A_XZ = A_YZ A_XY, B_XZ = A_YZ B_XY + B_YZ, derivatives by the product rule;
  a form met twice on the path (its items in two links) contributes once, with summed derivatives.
* Bisector (Holland & Strawderman 2011): A = Σ w_p A_p / Σ w_p, B = Σ w_p B_p / Σ w_p with
  w_p = ω_p / √(1 + A_p²); ω_p = 1, or for the weighted bisector the ω minimising var A + var B.

Item parameters are flattened item by item: a, then b (dichotomous) or b_1 … b_{K−1}, then c for 3PL
items (:func:`parameter_labels`).  Covariances are given per form in that layout; fixed parameters
(Rasch a = 1) simply have zero rows.

References
----------
Battauz, M. (2013). IRT test equating in complex linkage plans. Psychometrika, 78(3), 464–480.
Battauz, M. (2015). equateIRT: An R package for IRT test equating. J. Stat. Softw., 68(7), 1–22.
Holland, P. W., & Strawderman, W. E. (2011). How to average equating functions, if you must. In
    A. A. von Davier (Ed.), Statistical models for test equating, scaling, and linking (pp. 89–107).
Ogasawara, H. (2001). Standard errors of item response theory equating/linking by response function
    methods. Applied Psychological Measurement, 25(1), 53–67.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize

from psychometrics.errors import PsychometricsError
from psychometrics.irt.linking import (
    LINKING_METHODS,
    MOMENT_METHODS,
    _curve_loss,
    _grid,
    _match_common,
    _moments,
    link,
    transform,
    transform_theta,
)
from psychometrics.irt.models import DICHOTOMOUS, ItemParameters
from psychometrics.tables import Table

Covariances = Mapping[str, ArrayLike]


# ----------------------------------------------------------------------------------------------------
# the flat parameter layout
# ----------------------------------------------------------------------------------------------------
def _sizes(params: ItemParameters) -> np.ndarray:
    """Number of flat parameters of each item: a, its locations, c for 3PL."""
    locations = np.where(np.isin(params.model, DICHOTOMOUS), 1, params.n_categories - 1)
    return 1 + locations + (np.asarray(params.model) == "3pl")


def parameter_labels(params: ItemParameters) -> tuple[str, ...]:
    """Names of the flat item parameters, the layout of covariances and Jacobians ("a.q1", "b2.q7")."""
    labels = []
    for j, model in enumerate(params.model):
        item = params.item_ids[j] if params.item_ids else str(j + 1)
        labels.append(f"a.{item}")
        if model in DICHOTOMOUS:
            labels.append(f"b.{item}")
        else:
            labels += [f"b{k + 1}.{item}" for k in range(int(params.n_categories[j]) - 1)]
        if model == "3pl":
            labels.append(f"c.{item}")
    return tuple(labels)


def parameter_vector(params: ItemParameters) -> np.ndarray:
    """The item parameters flattened in the layout of :func:`parameter_labels`."""
    out = []
    for j, model in enumerate(params.model):
        out.append(params.a[j])
        if model in DICHOTOMOUS:
            out.append(params.b[j])
        else:
            out += list(params.thresholds[j, : int(params.n_categories[j]) - 1])
        if model == "3pl":
            out.append(params.c[j])
    return np.asarray(out, float)


def _from_vector(params: ItemParameters, vec: np.ndarray) -> ItemParameters:
    """`params` with its values replaced by the flat vector `vec` (the inverse of parameter_vector)."""
    a, b, c, thr = params.a.copy(), params.b.copy(), params.c.copy(), params.thresholds.copy()
    pos = 0
    for j, model in enumerate(params.model):
        a[j] = vec[pos]
        k = 1 if model in DICHOTOMOUS else int(params.n_categories[j]) - 1
        if model in DICHOTOMOUS:
            b[j] = thr[j, 0] = vec[pos + 1]
        else:
            thr[j, :k] = vec[pos + 1 : pos + 1 + k]
        if model == "3pl":
            c[j] = vec[pos + 1 + k]
        pos += 1 + k + (model == "3pl")
    return ItemParameters(params.model, a, b, c, thr, params.item_ids)


def _positions(params: ItemParameters, items: np.ndarray) -> np.ndarray:
    """Flat positions of the parameters of `items`, in the layout of params.subset(items)."""
    sizes = _sizes(params)
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return np.concatenate([start[j] + np.arange(sizes[j]) for j in items]).astype(int)


def _check_covariances(forms: Mapping[str, ItemParameters], covariances: Covariances | None):
    if covariances is None:
        return None
    out = {}
    for name, params in forms.items():
        if name not in covariances:
            return None  # one form without a covariance: constants only, as equateIRT
        cov = np.asarray(covariances[name], float)
        n = int(_sizes(params).sum())
        if cov.shape != (n, n):
            raise PsychometricsError(
                f"เมทริกซ์ความแปรปรวนร่วมของฉบับ {name} ต้องมีขนาด {n}×{n} ได้ {cov.shape} "
                f"(covariance of form {name} must be {n}×{n} in the layout of parameter_labels)"
            )
        out[name] = cov
    return out


# ----------------------------------------------------------------------------------------------------
# result
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScaleLink:
    """Constants that carry form ``path[0]``'s scale onto form ``path[-1]``'s: θ = A θ_source + B.

    Attributes
    ----------
    path : tuple of str
        The forms passed through; two for a direct link.
    method : str
        The linking method of every direct link used.
    kind : {"direct", "chain", "bisector", "weighted bisector"}
    A, B : float
    jacobian : dict form → ndarray (n_parameters_of_form, 2)
        ∂(A, B)/∂γ for the flat item parameters of every form used (:func:`parameter_labels`).
    covariance : ndarray (2, 2) or None
        Delta-method covariance of (A, B); None when some form has no item covariance.
    n_common : tuple of int
        Common items of each direct link along the path (of every path, for a bisector).
    weights : tuple of float
        Bisector only: the ω of each averaged path (1 for the plain bisector).
    """

    path: tuple[str, ...]
    method: str
    kind: str
    A: float
    B: float
    jacobian: Mapping[str, np.ndarray] = field(repr=False)
    covariance: np.ndarray | None = None
    n_common: tuple[int, ...] = ()
    weights: tuple[float, ...] = ()
    form_covariances: Mapping[str, np.ndarray] | None = field(default=None, repr=False)
    paths: tuple[tuple[str, ...], ...] = ()

    @property
    def source(self) -> str:
        return self.path[0]

    @property
    def target(self) -> str:
        return self.path[-1]

    @property
    def name(self) -> str:
        """equateIRT's label: forms joined by dots ("T1.T2.T3")."""
        return ".".join(self.path)

    @property
    def se_A(self) -> float:
        return float(np.sqrt(self.covariance[0, 0])) if self.covariance is not None else float("nan")

    @property
    def se_B(self) -> float:
        return float(np.sqrt(self.covariance[1, 1])) if self.covariance is not None else float("nan")

    def transform(self, params: ItemParameters) -> ItemParameters:
        """Source-form parameters on the target scale."""
        return transform(params, self.A, self.B)

    def transform_theta(self, theta: ArrayLike) -> np.ndarray:
        return transform_theta(theta, self.A, self.B)

    def summary(self) -> Table:
        return links_table([self])


def links_table(links: Sequence[ScaleLink]) -> Table:
    """Several links in one table, as equateIRT's summary of a list of links."""
    rows = [
        (x.name, x.kind, x.method, x.A, _num(x.se_A), x.B, _num(x.se_B), " ".join(map(str, x.n_common)))
        for x in links
    ]
    return Table(
        "การเชื่อมโยงสเกล (linking): θ_target = A θ_source + B",
        ("path", "kind", "method", "A", "se_A", "B", "se_B", "common items"),
        rows,
        notes=("SE: delta method from the item-parameter covariances (Battauz 2013)",),
    )


def _num(v: float) -> float | None:
    return None if not np.isfinite(v) else float(v)


def _covariance(jacobian: Mapping[str, np.ndarray], covs: Mapping[str, np.ndarray] | None):
    if covs is None or any(f not in covs for f in jacobian):
        return None
    return sum(j.T @ covs[f] @ j for f, j in jacobian.items())


# ----------------------------------------------------------------------------------------------------
# direct links
# ----------------------------------------------------------------------------------------------------
def direct_link(
    forms: Mapping[str, ItemParameters],
    source: str,
    target: str,
    method: str = "stocking_lord",
    *,
    covariances: Covariances | None = None,
    common: Sequence[tuple[int | str, int | str]] | None = None,
    theta: tuple[float, float, int] = (-4.0, 4.0, 61),
    weights: str = "normal",
    nodes: tuple[ArrayLike, ArrayLike] | None = None,
    symmetric: bool = False,
    step: float = 1e-5,
) -> ScaleLink:
    """Link form `source` onto form `target` through their common items, with delta-method SEs.

    Parameters
    ----------
    forms : mapping of form name → ItemParameters
        Separate calibrations; common items are matched by item id unless `common` is given.
    source, target : str
        θ_target = A θ_source + B (equateIRT's ``direc(which = c(source, target))``).
    method : {"mean_mean", "mean_gmean", "mean_sigma", "haebara", "stocking_lord"}
    covariances : mapping of form name → ndarray, optional
        Item-parameter covariance of each form in the layout of :func:`parameter_labels`.
    common, theta, weights, nodes, symmetric
        As :func:`psychometrics.irt.linking.link` (``nodes=hermegauss(30)`` reproduces equateIRT).
    step : float
        Central-difference step for the second derivatives of the criteria.

    Returns
    -------
    ScaleLink
    """
    for name in (source, target):
        if name not in forms:
            raise PsychometricsError(f"ไม่พบฉบับ {name!r} (form {name!r} not given)")
    new, old = forms[source], forms[target]
    res = link(new, old, method, common=common, theta=theta, weights=weights, symmetric=symmetric, nodes=nodes)
    idx_new, idx_old = _match_common(new, old, common)
    sub_new, sub_old = new.subset(idx_new), old.subset(idx_old)
    v_new, v_old = parameter_vector(sub_new), parameter_vector(sub_old)
    n_new = v_new.size

    if method in MOMENT_METHODS:

        def constants(v: np.ndarray) -> np.ndarray:
            return np.array(_moments(_from_vector(sub_new, v[:n_new]), _from_vector(sub_old, v[n_new:]), method))

        jac = _central(constants, np.r_[v_new, v_old], step)  # (2, p)
    else:
        grid, w = _grid(theta, weights, nodes)
        x = np.array([res.A, res.B])

        def gradient(v: np.ndarray, at: np.ndarray = x) -> np.ndarray:
            loss = _curve_loss(_from_vector(sub_new, v[:n_new]), _from_vector(sub_old, v[n_new:]), grid, w,
                               method, symmetric)
            return loss(at)[1]

        v = np.r_[v_new, v_old]
        hess = _central(lambda ab: gradient(v, ab), x, step)  # (2, 2)
        mixed = _central(gradient, v, step)  # (2, p)
        jac = -np.linalg.solve(hess, mixed)
    jacobian = {
        source: _scatter(new, idx_new, jac[:, :n_new]),
        target: _scatter(old, idx_old, jac[:, n_new:]),
    }
    covs = _check_covariances({source: new, target: old}, covariances)
    return ScaleLink((source, target), method, "direct", res.A, res.B, jacobian, _covariance(jacobian, covs),
                     (int(idx_new.size),), form_covariances=covs)


def _central(f, x: np.ndarray, step: float) -> np.ndarray:
    """Jacobian of f at x by central differences, shape (len f(x), len x)."""
    cols = []
    for k in range(x.size):
        h = step * max(1.0, abs(x[k]))
        up, dn = x.copy(), x.copy()
        up[k] += h
        dn[k] -= h
        cols.append((f(up) - f(dn)) / (2 * h))
    return np.column_stack(cols)


def _scatter(params: ItemParameters, items: np.ndarray, jac_sub: np.ndarray) -> np.ndarray:
    out = np.zeros((int(_sizes(params).sum()), 2))
    out[_positions(params, items)] = jac_sub.T
    return out


def link_all(
    forms: Mapping[str, ItemParameters],
    method: str = "stocking_lord",
    *,
    covariances: Covariances | None = None,
    direction: str = "both",
    **options,
) -> dict[tuple[str, str], ScaleLink]:
    """Direct links between every pair of forms that share items (equateIRT's `alldirec`).

    Parameters
    ----------
    forms : mapping of form name → ItemParameters (with item ids)
    method : str
    covariances : mapping of form name → ndarray, optional
    direction : {"both", "forward", "back"}
        Both directions of every pair; or only earlier → later forms (in the mapping's order); or only
        later → earlier.  Haebara and Stocking–Lord are not symmetric: X → Y is not the inverse of Y → X.
    **options
        theta, weights, nodes, symmetric: as :func:`direct_link`.

    Returns
    -------
    dict (source, target) → ScaleLink
    """
    if direction not in ("both", "forward", "back"):
        raise PsychometricsError(f"direction ต้องเป็น both, forward หรือ back ได้ {direction!r}")
    if method not in LINKING_METHODS:
        raise PsychometricsError(f"unknown linking method {method!r}; expected one of {', '.join(LINKING_METHODS)}")
    names = list(forms)
    out = {}
    for i, s in enumerate(names):
        for j, t in enumerate(names):
            wanted = i != j and (direction == "both" or (i < j) == (direction == "forward"))
            if wanted and set(forms[s].item_ids) & set(forms[t].item_ids):
                out[(s, t)] = direct_link(forms, s, t, method, covariances=covariances, **options)
    return out


# ----------------------------------------------------------------------------------------------------
# chains and paths
# ----------------------------------------------------------------------------------------------------
def chain(links: Mapping[tuple[str, str], ScaleLink], path: Sequence[str]) -> ScaleLink:
    """Chain equating coefficients along `path` (equateIRT's `chainec` with ``pths``).

    θ_Z = A_YZ (A_XY θ_X + B_XY) + B_YZ; the derivatives follow by the product rule, so a form's items
    used in two links (as target of one and source of the next) enter the SE once.

    Parameters
    ----------
    links : mapping (source, target) → ScaleLink
        Direct links, e.g. from :func:`link_all`.
    path : sequence of form names, at least two

    Returns
    -------
    ScaleLink (kind "chain", or the direct link itself for a path of two forms)
    """
    path = tuple(path)
    if len(path) < 2:
        raise PsychometricsError("เส้นทางต้องมีอย่างน้อยสองฉบับ (a path needs at least two forms)")
    steps = []
    for s, t in zip(path[:-1], path[1:], strict=True):
        if (s, t) not in links:
            raise PsychometricsError(f"ไม่มีการเชื่อมโยงตรง {s} → {t} (no direct link {s} → {t})")
        steps.append(links[(s, t)])
    if len(steps) == 1:
        return steps[0]
    if len({x.method for x in steps}) > 1:
        raise PsychometricsError("ทุกช่วงของเส้นทางต้องใช้วิธีเดียวกัน (every link of a chain must use one method)")
    A, B = 1.0, 0.0
    jac: dict[str, np.ndarray] = {}
    covs: dict[str, np.ndarray] | None = {}
    for x in steps:
        # (A, B) ← (A_k A, A_k B + B_k): earlier derivatives scale by A_k, the new ones by (A, B)
        for f in jac:
            jac[f] = jac[f] * x.A
        for f, j in x.jacobian.items():
            add = np.column_stack([A * j[:, 0], B * j[:, 0] + j[:, 1]])
            jac[f] = jac[f] + add if f in jac else add
        A, B = x.A * A, x.A * B + x.B
        covs = None if covs is None or x.form_covariances is None else {**covs, **x.form_covariances}
    return ScaleLink(path, steps[0].method, "chain", A, B, jac, _covariance(jac, covs),
                     tuple(n for x in steps for n in x.n_common), form_covariances=covs)


def paths(
    links: Mapping[tuple[str, str], ScaleLink], source: str, target: str, length: int | None = None
) -> list[tuple[str, ...]]:
    """Every path from `source` to `target` through direct links that visits no form twice.

    Parameters
    ----------
    length : int, optional
        Only paths of this many forms (equateIRT's ``r``); default all.
    """
    out, stack = [], [(source,)]
    while stack:
        p = stack.pop()
        if p[-1] == target and len(p) > 1:
            if length is None or len(p) == length:
                out.append(p)
            continue
        if length is not None and len(p) >= length:
            continue
        stack += [p + (t,) for (s, t) in links if s == p[-1] and t not in p]
    return sorted(out, key=lambda p: (len(p), p))


# ----------------------------------------------------------------------------------------------------
# bisector
# ----------------------------------------------------------------------------------------------------
def bisector(links: Sequence[ScaleLink], *, weighted: bool = False) -> ScaleLink:
    """The bisector of several links between the same two forms (equateIRT's `bisectorec`).

    A = Σ w_p A_p / Σ w_p and B = Σ w_p B_p / Σ w_p with w_p = ω_p (1 + A_p²)^(−1/2): the line
    bisecting the angle between the conversion lines (Holland & Strawderman 2011).

    Parameters
    ----------
    links : sequence of ScaleLink
        Direct and chain links from one source to one target, by one method.
    weighted : bool
        Choose ω ≥ 0 to minimise var A + var B (needs the covariances), as equateIRT's weighted bisector.

    Returns
    -------
    ScaleLink with kind "bisector" or "weighted bisector"; `paths` lists the averaged paths.
    """
    if len(links) < 2:
        raise PsychometricsError("ต้องมีอย่างน้อยสองเส้นทาง (the bisector needs at least two paths)")
    if len({(x.source, x.target) for x in links}) > 1 or len({x.method for x in links}) > 1:
        raise PsychometricsError(
            "ทุกเส้นทางต้องเชื่อมฉบับคู่เดียวกันด้วยวิธีเดียวกัน (all paths must join the same two forms by one method)"
        )
    covs: dict[str, np.ndarray] | None = {}
    for x in links:
        covs = None if covs is None or x.form_covariances is None else {**covs, **x.form_covariances}
    omega = np.ones(len(links))
    if weighted:
        if covs is None:
            raise PsychometricsError(
                "bisector แบบถ่วงน้ำหนักต้องมีเมทริกซ์ความแปรปรวนร่วม (the weighted bisector needs covariances)"
            )

        def trace(om: np.ndarray) -> float:
            cov = _covariance(_bisect(links, np.abs(om))[2], covs)
            return float(np.trace(cov))

        res = minimize(trace, omega, method="Nelder-Mead",
                       options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20000})
        omega = np.abs(res.x)
        omega = omega * omega.size / omega.sum()
    A, B, jac = _bisect(links, omega)
    return ScaleLink(
        (links[0].source, links[0].target), links[0].method, "weighted bisector" if weighted else "bisector",
        A, B, jac, _covariance(jac, covs), tuple(n for x in links for n in x.n_common), tuple(omega),
        covs, tuple(x.path for x in links),
    )


def _bisect(links: Sequence[ScaleLink], omega: np.ndarray):
    a = np.array([x.A for x in links])
    b = np.array([x.B for x in links])
    w = omega / np.sqrt(1 + a**2)
    total = w.sum()
    mean_a, mean_b = float(w @ a / total), float(w @ b / total)
    # ∂w_p/∂A_p = −w_p A_p / (1 + A_p²)
    share = w / total
    d_aa = share * (1 - a**2 / (1 + a**2)) + mean_a * share * a / (1 + a**2)
    d_ba = -a * b / (1 + a**2) * share + mean_b * share * a / (1 + a**2)
    jac: dict[str, np.ndarray] = {}
    for p, x in enumerate(links):
        for f, j in x.jacobian.items():
            add = np.column_stack([d_aa[p] * j[:, 0], d_ba[p] * j[:, 0] + share[p] * j[:, 1]])
            jac[f] = jac[f] + add if f in jac else add
    return mean_a, mean_b, jac

"""Item families for MML/EM calibration: log-probabilities, their derivatives, and the M-step.

Each family works on a block of items that share a model and a number of categories, in an
internal slope-intercept parameterisation (one row per item):

* ``dich``: ``z = a θ + d``, ``P = c + (1 − c) σ(z)``, internal ``(a, d)`` or ``(a, d, logit c)``
* ``grm``:  ``P(X ≥ k) = σ(a θ + d_k)``, internal ``(a, d_1 .. d_{K−1})``, d decreasing
* ``gpcm``: ``P(X = k) ∝ exp(k a θ + c_k)``, ``c_0 = 0``, internal ``(a, c_1 .. c_{K−1})``

Every family returns, for all items and nodes at once, ``log P`` of shape (m, K, Q) and its
derivative with respect to the internal parameters, shape (m, K, p, Q). The M-step is generic:
Fisher scoring (exact Newton for the canonical 2PL and GPCM) vectorised over items, with a
per-item step-halving line search and optional priors. Nothing here loops over persons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from psychometrics.irt._special import expit, log_expit, logit, logsumexp

_EPS = 1e-300


@dataclass(frozen=True)
class Priors:
    """Prior settings (MAP in the M-step): lognormal on a, Beta on c; None = no prior."""

    a_lognormal: tuple[float, float] | None = None      # (mean, sd) of log a
    c_beta: tuple[float, float] | None = None           # (alpha, beta)


class Family:
    """Base class: a block of `m` items of one model with `K` categories."""

    kind = ""
    n_cat = 2

    def __init__(self, model: str, n_cat: int, priors: Priors = Priors()) -> None:
        self.model, self.n_cat, self.priors = model, n_cat, priors

    # --- to be provided -------------------------------------------------------------
    n_par = 0

    def logp_and_derivs(self, psi: np.ndarray, nodes: np.ndarray, derivs: bool = True):
        raise NotImplementedError

    def free_columns(self) -> np.ndarray:
        """Which internal columns are estimated (others stay at their start value)."""
        return np.ones(self.n_par, bool)

    # --- priors ---------------------------------------------------------------------
    def log_prior(self, psi: np.ndarray) -> np.ndarray:
        return np.zeros(psi.shape[0])

    def prior_grad_info(self, psi: np.ndarray):
        return np.zeros_like(psi), np.zeros(psi.shape + (psi.shape[1],))

    # --- generic pieces -------------------------------------------------------------
    def objective(self, psi: np.ndarray, nodes: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Expected complete-data log-likelihood (+ log prior) per item, shape (m,)."""
        logp = self.logp_and_derivs(psi, nodes, derivs=False)
        with np.errstate(invalid="ignore"):
            val = np.einsum("mkq,mkq->m", counts, np.where(counts > 0, logp, 0.0))
        val = val + self.log_prior(psi)
        return np.where(np.isfinite(val), val, -np.inf)

    def gradient_info(self, psi: np.ndarray, nodes: np.ndarray, counts: np.ndarray):
        """Gradient (m, p) and expected information (m, p, p) of the objective."""
        logp, dlogp = self.logp_and_derivs(psi, nodes)
        prob = np.exp(logp)
        grad = np.einsum("mkq,mkpq->mp", counts, dlogp)
        n = counts.sum(axis=1)                                               # (m, Q)
        info = np.einsum("mq,mkq,mkpq,mksq->mps", n, prob, dlogp, dlogp, optimize=True)
        pg, pi = self.prior_grad_info(psi)
        return grad + pg, info + pi

    def mstep(self, psi: np.ndarray, nodes: np.ndarray, counts: np.ndarray, free: np.ndarray,
              common_slope: bool = False, max_newton: int = 4, tol: float = 1e-8) -> np.ndarray:
        """Maximise the objective for every free item; returns new internal parameters.

        free : (m,) bool, items whose parameters are estimated (anchors stay fixed).
        common_slope : one slope shared by the free items (1PL), solved by a Schur complement.
        """
        psi = psi.copy()
        cols = self.free_columns()
        rows = np.flatnonzero(free)
        if rows.size == 0:
            return psi
        cur = psi[rows]
        cnt = counts[rows]
        f_old = self.objective(cur, nodes, cnt)
        for _ in range(max_newton):
            grad, info = self.gradient_info(cur, nodes, cnt)
            step = np.zeros_like(cur)
            g, h = grad[:, cols], info[:, cols][:, :, cols]
            h = h + 1e-10 * np.eye(h.shape[1])
            if common_slope:
                step[:, cols] = _common_slope_step(g, h)
            else:
                step[:, cols] = np.linalg.solve(h, g[..., None])[..., 0]
            step = np.where(np.isfinite(step), step, 0.0)
            step = np.clip(step, -2.0, 2.0)
            new, f_new = _line_search(self, cur, step, nodes, cnt, f_old, common_slope)
            change = np.max(np.abs(new - cur)) if new.size else 0.0
            cur, f_old = new, f_new
            if change < tol:
                break
        psi[rows] = cur
        return psi


def _common_slope_step(g: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Newton step when column 0 (the slope) is shared by all items and the rest are per item."""
    g_a, g_r = g[:, 0], g[:, 1:]
    h_aa, h_ar, h_rr = h[:, 0, 0], h[:, 0, 1:], h[:, 1:, 1:]
    inv_g = np.linalg.solve(h_rr, g_r[..., None])[..., 0]                  # (m, p-1)
    inv_h = np.linalg.solve(h_rr, h_ar[..., None])[..., 0]
    num = g_a.sum() - np.einsum("mp,mp->", h_ar, inv_g)
    den = h_aa.sum() - np.einsum("mp,mp->", h_ar, inv_h)
    da = num / den
    out = np.empty_like(g)
    out[:, 0] = da
    out[:, 1:] = inv_g - inv_h * da
    return out


def _line_search(fam: Family, cur, step, nodes, cnt, f_old, common_slope: bool):
    """Step halving per item (all items together when the slope is shared) until the objective holds."""
    scale = np.ones(cur.shape[0])
    accepted = np.zeros(cur.shape[0], bool)
    new, f_new = cur.copy(), f_old.copy()
    for _ in range(15):
        todo = np.flatnonzero(~accepted)
        trial = cur[todo] + scale[todo, None] * step[todo]
        f_trial = fam.objective(trial, nodes, cnt[todo])
        slack = 1e-12 * np.abs(f_old[todo]) + 1e-12
        if common_slope:
            ok = np.full(todo.size, f_trial.sum() >= f_old[todo].sum() - slack.sum())
        else:
            ok = f_trial >= f_old[todo] - slack
        hit = todo[ok]
        new[hit], f_new[hit] = trial[ok], f_trial[ok]
        accepted[hit] = True
        if accepted.all():
            break
        scale[~accepted] *= 0.5
    return new, f_new


class Dichotomous(Family):
    """1PL/Rasch, 2PL, 3PL. Internal (a, d[, logit c]); Rasch keeps a = 1."""

    kind = "dich"

    def __init__(self, model: str, n_cat: int = 2, priors: Priors = Priors()) -> None:
        super().__init__(model, 2, priors)
        self.guessing = model == "3pl"
        self.n_par = 3 if self.guessing else 2

    def free_columns(self) -> np.ndarray:
        cols = np.ones(self.n_par, bool)
        if self.model == "rasch":
            cols[0] = False
        return cols

    def logp_and_derivs(self, psi, nodes, derivs=True):
        a, d = psi[:, 0:1], psi[:, 1:2]
        z = a * nodes[None, :] + d                                           # (m, Q)
        if not self.guessing:
            lp1, lp0 = log_expit(z), log_expit(-z)
            logp = np.stack([lp0, lp1], axis=1)
            if not derivs:
                return logp
            p1 = np.exp(lp1)
            base = np.stack([-p1, 1.0 - p1], axis=1)                         # dlogP_k/dz
            dlogp = np.stack([base * nodes, base], axis=2)                   # (m, 2, 2, Q)
            return logp, dlogp
        c = expit(psi[:, 2:3])
        ps = expit(z)
        p1 = c + (1.0 - c) * ps
        lp1 = np.log(np.maximum(p1, _EPS))
        lp0 = np.log1p(-c) + log_expit(-z)
        logp = np.stack([lp0, lp1], axis=1)
        if not derivs:
            return logp
        dz = (1.0 - c) * ps * (1.0 - ps)
        dg = c * (1.0 - c) * (1.0 - ps)
        grad_p = np.stack([dz * nodes, dz, dg], axis=1)                     # dP/dψ, (m, 3, Q)
        q1 = np.maximum(1.0 - p1, _EPS)
        dlogp = np.stack([-grad_p / q1[:, None], grad_p / np.maximum(p1, _EPS)[:, None]], axis=1)
        return logp, dlogp

    def log_prior(self, psi):
        out = np.zeros(psi.shape[0])
        if self.priors.a_lognormal is not None and self.model in ("2pl", "3pl"):
            mu, sd = self.priors.a_lognormal
            a = np.maximum(psi[:, 0], 1e-10)
            out += -np.log(a) - (np.log(a) - mu) ** 2 / (2 * sd**2)
            out = np.where(psi[:, 0] > 0, out, -np.inf)
        if self.priors.c_beta is not None and self.guessing:
            al, be = self.priors.c_beta
            out += (al - 1) * log_expit(psi[:, 2]) + (be - 1) * log_expit(-psi[:, 2])
        return out

    def prior_grad_info(self, psi):
        g = np.zeros_like(psi)
        h = np.zeros(psi.shape + (psi.shape[1],))
        if self.priors.a_lognormal is not None and self.model in ("2pl", "3pl"):
            mu, sd = self.priors.a_lognormal
            a = np.maximum(psi[:, 0], 1e-10)
            g[:, 0] = -1.0 / a - (np.log(a) - mu) / (sd**2 * a)
            h[:, 0, 0] = 1.0 / (sd**2 * a**2)
        if self.priors.c_beta is not None and self.guessing:
            al, be = self.priors.c_beta
            c = expit(psi[:, 2])
            g[:, 2] = (al - 1) * (1 - c) - (be - 1) * c
            h[:, 2, 2] = (al + be - 2) * c * (1 - c)
        return g, h

    def start(self, counts_marg: np.ndarray, rho: np.ndarray | None = None) -> np.ndarray:
        """Starting values from marginal proportions (m, K) and, optionally, biserial correlations ρ.

        Normal-ogive identities with θ ~ N(0, 1): a* = ρ / sqrt(1 − ρ²), intercept ≈ logit(p) sqrt(1 + a*²);
        a = 1.702 a* on the logistic metric (Lord & Novick 1968, ch. 16).
        """
        p = np.clip(counts_marg[:, 1] / counts_marg.sum(axis=1), 0.02, 0.98)
        psi = np.zeros((p.size, self.n_par))
        a_star = np.full(p.size, 1 / 1.702) if rho is None or self.model == "rasch" else rho / np.sqrt(1 - rho**2)
        psi[:, 0] = 1.0 if self.model in ("rasch", "1pl") else 1.702 * a_star
        if self.guessing:
            c0 = 0.15
            psi[:, 2] = logit(c0)
            p = np.clip((p - c0) / (1 - c0), 0.02, 0.98)
        psi[:, 1] = logit(p) * np.sqrt(1 + a_star**2)
        return psi

    def to_irt(self, psi):
        a = psi[:, 0]
        b = -psi[:, 1] / a
        c = expit(psi[:, 2]) if self.guessing else np.zeros_like(a)
        return a, b, c, b[:, None].copy()

    def from_irt(self, a, b, c, thresholds):
        psi = np.zeros((a.size, self.n_par))
        psi[:, 0], psi[:, 1] = a, -a * b
        if self.guessing:
            psi[:, 2] = logit(np.clip(c, 1e-6, 1 - 1e-6))
        return psi


class Graded(Family):
    """Samejima's graded response model, internal (a, d_1 > … > d_{K−1})."""

    kind = "grm"

    def __init__(self, model: str, n_cat: int, priors: Priors = Priors()) -> None:
        super().__init__(model, n_cat, priors)
        self.n_par = n_cat

    def logp_and_derivs(self, psi, nodes, derivs=True):
        a, d = psi[:, :1], psi[:, 1:]
        m, q = psi.shape[0], nodes.size
        z = a[:, :, None] * nodes + d[:, :, None]                             # (m, K-1, Q)
        inf = np.full((m, 1, q), np.inf)
        zz = np.concatenate([inf, z, -inf], axis=1)                           # z_0 = +inf, z_K = -inf
        hi, lo = zz[:, :-1], zz[:, 1:]
        with np.errstate(invalid="ignore", over="ignore"):
            gap = np.where(np.isinf(hi) | np.isinf(lo), np.inf, hi - lo)
            logp = log_expit(hi) + log_expit(-lo) + np.log1p(-np.exp(-gap))
        logp = np.where(gap > 0, logp, np.nan)                                 # disordered: invalid
        if not derivs:
            return logp
        star = expit(zz)                                                       # P(X >= k), 1 .. 0
        w = star * (1.0 - star)                                                # (m, K+1, Q)
        p = np.maximum(np.exp(logp), _EPS)
        k = self.n_cat
        dlogp = np.zeros((m, k, k, q))
        dlogp[:, :, 0] = (w[:, :-1] - w[:, 1:]) * nodes / p
        idx = np.arange(1, k)
        dlogp[:, idx, idx] = w[:, 1:-1] / p[:, 1:]                             # d_k raises P(X = k)
        dlogp[:, idx - 1, idx] = -w[:, 1:-1] / p[:, :-1]                       # … and lowers P(X = k−1)
        return logp, dlogp

    def start(self, counts_marg, rho: np.ndarray | None = None):
        tot = counts_marg.sum(axis=1, keepdims=True)
        ge = np.clip(1.0 - np.cumsum(counts_marg, axis=1)[:, :-1] / tot, 0.01, 0.99)
        psi = np.ones((counts_marg.shape[0], self.n_par))
        a_star = np.full(tot.shape[0], 1 / 1.702) if rho is None else rho / np.sqrt(1 - rho**2)
        psi[:, 0] = 1.702 * a_star
        d = logit(ge) * np.sqrt(1 + a_star**2)[:, None]
        d = d - np.arange(d.shape[1]) * 1e-3                                   # strictly decreasing
        psi[:, 1:] = d
        return psi

    def to_irt(self, psi):
        a = psi[:, 0]
        thr = -psi[:, 1:] / a[:, None]
        return a, np.full(a.size, np.nan), np.zeros(a.size), thr

    def from_irt(self, a, b, c, thresholds):
        psi = np.zeros((a.size, self.n_par))
        psi[:, 0] = a
        psi[:, 1:] = -a[:, None] * thresholds[:, : self.n_cat - 1]
        return psi


class PartialCredit(Family):
    """Generalised partial credit (Muraki); PCM keeps a = 1. Internal (a, c_1 .. c_{K−1})."""

    kind = "gpcm"

    def __init__(self, model: str, n_cat: int, priors: Priors = Priors()) -> None:
        super().__init__(model, n_cat, priors)
        self.n_par = n_cat

    def free_columns(self):
        cols = np.ones(self.n_par, bool)
        if self.model == "pcm":
            cols[0] = False
        return cols

    def logp_and_derivs(self, psi, nodes, derivs=True):
        m, q, k = psi.shape[0], nodes.size, self.n_cat
        cat = np.arange(k, dtype=float)
        cc = np.concatenate([np.zeros((m, 1)), psi[:, 1:]], axis=1)           # (m, K)
        z = psi[:, 0, None, None] * cat[None, :, None] * nodes + cc[:, :, None]
        logp = z - logsumexp(z, axis=1, keepdims=True)
        if not derivs:
            return logp
        p = np.exp(logp)
        mean = np.einsum("mkq,k->mq", p, cat)
        dlogp = np.zeros((m, k, k, q))
        dlogp[:, :, 0] = (cat[None, :, None] - mean[:, None, :]) * nodes
        dlogp[:, :, 1:] = np.eye(k)[None, :, 1:, None] - p[:, None, 1:, :]
        return logp, dlogp

    def start(self, counts_marg, rho: np.ndarray | None = None):
        c = np.clip(counts_marg, 0.5, None)
        steps = np.log(c[:, 1:] / c[:, :-1])                                   # adjacent-category logits
        psi = np.ones((counts_marg.shape[0], self.n_par))
        psi[:, 1:] = np.cumsum(steps, axis=1)
        return psi

    def to_irt(self, psi):
        a = psi[:, 0]
        cc = np.concatenate([np.zeros((a.size, 1)), psi[:, 1:]], axis=1)
        thr = -(cc[:, 1:] - cc[:, :-1]) / a[:, None]
        return a, np.full(a.size, np.nan), np.zeros(a.size), thr

    def from_irt(self, a, b, c, thresholds):
        psi = np.zeros((a.size, self.n_par))
        psi[:, 0] = a
        psi[:, 1:] = -a[:, None] * np.cumsum(thresholds[:, : self.n_cat - 1], axis=1)
        return psi


def make_family(model: str, n_cat: int, priors: Priors) -> Family:
    if model in ("1pl", "rasch", "2pl", "3pl"):
        return Dichotomous(model, 2, priors)
    if model == "grm":
        return Graded(model, n_cat, priors)
    return PartialCredit(model, n_cat, priors)

"""Mantel–Haenszel counting paths give identical statistics: integer codes (negative = missing) and
floats (NaN = missing), integer matching scores (direct stratum index) and fractional ones (searched)."""

from __future__ import annotations

import numpy as np

from psychometrics.dif.mh import mantel_haenszel


def test_integer_float_and_fractional_matching_paths_agree():
    rng = np.random.default_rng(12)
    n, m = 3000, 12
    theta = rng.normal(0, 1, n)
    group = (rng.random(n) < 0.4).astype(int)
    b = rng.normal(0, 1, m)
    b_focal = b.copy()
    b_focal[[2, 7]] += 0.9
    p = 1 / (1 + np.exp(-(theta[:, None] - np.where(group[:, None] == 1, b_focal, b))))
    x = (rng.random((n, m)) < p).astype(float)
    x[rng.random((n, m)) < 0.05] = np.nan
    codes = np.where(np.isnan(x), -1, x).astype(np.int8)
    for purify in (False, True):
        a = mantel_haenszel(x, group, purify=purify)
        b_ = mantel_haenszel(codes, group, purify=purify)
        np.testing.assert_array_equal(a.flagged, b_.flagged)
        np.testing.assert_allclose(a.chi2, b_.chi2, rtol=1e-12)
        np.testing.assert_allclose(a.alpha_mh, b_.alpha_mh, rtol=1e-12)
    score = np.nansum(x, axis=1)
    whole = mantel_haenszel(x, group, matching=score)
    shifted = mantel_haenszel(x, group, matching=score + 0.25)  # same strata, found by search
    np.testing.assert_allclose(whole.chi2, shifted.chi2, rtol=1e-12)
    np.testing.assert_allclose(whole.delta, shifted.delta, rtol=1e-12)

"""Andersen's likelihood-ratio test and Wald tests per item for CML-fitted Rasch-family models
(as R eRm's `LRtest` and `Waldtest`).

The persons are split into groups (by default raw score ≤ median / > median, eRm's
``splitcr = "median"``); the model is refitted by CML in each group and

    LR = 2 (Σ_g log L_g − log L),   df = Σ_g p_g − p,

is χ² under the model (Andersen 1973).  The Wald test of each threshold compares two groups' normalised
estimates: z = (β_1 − β_2) / √(se_1² + se_2²) with β = −δ, eRm's sign (Fischer & Scheiblechner 1970; eRm's Waldtest).

References
----------
Andersen, E. B. (1973). A goodness of fit test for the Rasch model. Psychometrika, 38(1), 123–140.
Fischer, G. H., & Scheiblechner, H. (1970). Algorithmen und Programme für das probabilistische
    Testmodell von Rasch. Psychologische Beiträge, 12, 23–51.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import chi2, norm

from psychometrics.errors import PsychometricsError
from psychometrics.rasch.cml import _CML, check_scores
from psychometrics.tables import Table, table_from_columns


@dataclass(frozen=True)
class AndersenTest:
    """Andersen's LR test over a split of the persons, and per-threshold Wald tests (two groups).

    Attributes
    ----------
    statistic, df, p_value : float, int, float
    split : str                          how the persons were split
    group_labels : tuple of str
    group_sizes : ndarray (G,)
    log_likelihood : float               conditional log L of the whole sample
    group_log_likelihoods : ndarray (G,)
    labels : tuple of str                one per threshold ("I3" or "I3.c2")
    group_thresholds, group_se : ndarray (G, T)   centred thresholds in each group
    wald_z, wald_p : ndarray (T,)        NaN unless there are exactly two groups
    """

    statistic: float
    df: int
    p_value: float
    split: str
    group_labels: tuple[str, ...]
    group_sizes: np.ndarray
    log_likelihood: float
    group_log_likelihoods: np.ndarray
    labels: tuple[str, ...]
    group_thresholds: np.ndarray
    group_se: np.ndarray
    wald_z: np.ndarray
    wald_p: np.ndarray

    def summary(self) -> Table:
        data = {"parameter": self.labels}
        for g, name in enumerate(self.group_labels):
            data[f"delta ({name})"] = self.group_thresholds[g].round(4)
            data[f"se ({name})"] = self.group_se[g].round(4)
        data["wald_z"] = self.wald_z.round(3)
        data["p"] = self.wald_p.round(4)
        return table_from_columns(
            "การทดสอบ Andersen LR และ Wald รายข้อ (Andersen's LR test, Wald tests)",
            data,
            notes=(
                f"Andersen LR = {self.statistic:.3f}, df = {self.df}, p = {self.p_value:.4f} "
                f"(split: {self.split}; n = {', '.join(map(str, self.group_sizes))})",
            ),
        )


def _groups(x: np.ndarray, split) -> tuple[np.ndarray, tuple[str, ...], str]:
    score = np.nansum(x, axis=1)
    if isinstance(split, str):
        if split not in ("median", "mean"):
            raise PsychometricsError(f"split ต้องเป็น median, mean หรือกลุ่มของผู้สอบแต่ละคน ได้ {split!r}")
        cut = np.median(score) if split == "median" else score.mean()
        return (score > cut).astype(int), (f"score <= {split}", f"score > {split}"), split
    labels = np.asarray(split)
    if labels.shape != (x.shape[0],):
        raise PsychometricsError(f"split ต้องมีค่าสำหรับผู้สอบทุกคน ({x.shape[0]}) (split needs one label per person)")
    names, codes = np.unique(labels, return_inverse=True)
    return codes.reshape(-1), tuple(str(v) for v in names), "groups"


def andersen_test(model: _CML, responses: ArrayLike, split: str | ArrayLike = "median") -> AndersenTest:
    """Andersen's LR test and Wald tests of a Rasch / PCM / RSM fitted by CML.

    Parameters
    ----------
    model : RaschCML, PartialCreditCML or RatingScaleCML
        Fitted on `responses` (it is refitted if not); its settings are reused in each group.
    responses : array_like (n_persons, n_items)
    split : {"median", "mean"} or array_like (n_persons,)
        Raw score ≤ / > the median or mean, or any grouping (two or more groups).

    Returns
    -------
    AndersenTest
    """
    x = check_scores(responses)
    if not hasattr(model, "thresholds_"):
        model.fit(x)
    codes, names, how = _groups(x, split)
    if len(names) < 2:
        raise PsychometricsError("ต้องแบ่งผู้สอบได้อย่างน้อยสองกลุ่ม (the split must give at least two groups)")
    fits = []
    for g in range(len(names)):
        est = type(model)(max_iter=model.max_iter, tol=model.tol, item_ids=model.item_ids_,
                          normalization=model.normalization)
        try:
            est.fit(x[codes == g])
        except PsychometricsError as exc:
            raise PsychometricsError(
                f"กลุ่ม {names[g]}: {exc} (refit in group {names[g]} failed; choose another split)"
            ) from exc
        if not np.array_equal(est.n_categories_, model.n_categories_):
            raise PsychometricsError(
                f"กลุ่ม {names[g]} ไม่มีบางหมวดคะแนน (group {names[g]} lacks some score categories; merge categories)"
            )
        fits.append(est)
    group_ll = np.array([f.log_likelihood_ for f in fits])
    stat = float(2 * (group_ll.sum() - model.log_likelihood_))
    df = int(sum(f.n_parameters_ for f in fits) - model.n_parameters_)
    keep = ~np.isnan(model.thresholds_)
    thr = np.stack([f.thresholds_[keep] for f in fits])
    se = np.stack([f.threshold_se_[keep] for f in fits])
    if len(fits) == 2:
        # eRm's sign: (β_1 − β_2) / SE with β = −δ, so positive when the item is easier in the first group
        z = (thr[1] - thr[0]) / np.sqrt(se[0] ** 2 + se[1] ** 2)
        p = 2 * norm.sf(np.abs(z))
    else:
        z = p = np.full(thr.shape[1], np.nan)
    labels = tuple(
        item if model.n_categories_[i] == 2 else f"{item}.c{h + 1}"
        for i, item in enumerate(model.item_ids_)
        for h in range(int(model.n_categories_[i]) - 1)
    )
    return AndersenTest(stat, df, float(chi2.sf(max(stat, 0.0), df)), how, names,
                        np.bincount(codes, minlength=len(names)), model.log_likelihood_, group_ll, labels,
                        thr, se, z, p)

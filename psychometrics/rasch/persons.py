"""Person parameters, infit/outfit and the person–item map of a CML-fitted Rasch-family model.

Given the item parameters, the ML ability of a Rasch-family model depends on the raw score only: the
θ whose expected score equals it (:func:`psychometrics.irt.equating.theta_for_true_score`), with
SE = I(θ)^(−1/2) (observed and expected information agree when a = 1).  Zero and full scores have no
finite ML; as Winsteps (EXTRSC = 0.3) they are estimated at 0.3 and at the maximum − 0.3, or left NaN.
Persons who skipped items are scored by ML on the items they answered.

References
----------
Linacre, J. M. (2023). Winsteps Rasch measurement computer program user's guide: EXTRSC, Table 1.
Mair, P., & Hatzinger, R. (2007). eRm: person.parameter, itemfit, personfit, plotPImap. J. Stat. Softw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from psychometrics.irt.ability import ability
from psychometrics.irt.equating import theta_for_true_score
from psychometrics.irt.fit import MeanSquareFit, infit_outfit
from psychometrics.irt.models import test_information
from psychometrics.rasch.cml import _CML, _fitted, check_scores
from psychometrics.tables import Table, table_from_columns


@dataclass(frozen=True)
class PersonParameters:
    """ML abilities of every person from a CML-fitted model.

    Attributes
    ----------
    theta, se : ndarray (n_persons,)
    raw_score : ndarray (n_persons,)     sum of the answered items
    is_extreme : ndarray of bool         zero or full score on the answered items
    extreme_correction : float           0.3 as Winsteps; 0 leaves extreme persons NaN
    """

    theta: np.ndarray
    se: np.ndarray
    raw_score: np.ndarray
    is_extreme: np.ndarray
    extreme_correction: float

    def summary(self) -> Table:
        """θ and SE for each raw score (persons with complete answers), as eRm's person.parameter."""
        scores, first, counts = np.unique(self.raw_score, return_index=True, return_counts=True)
        return table_from_columns(
            "ความสามารถของผู้สอบตามคะแนนดิบ (person parameters, ML)",
            {"raw_score": scores, "theta": self.theta[first].round(4), "se": self.se[first].round(4),
             "n_persons": counts},
            notes=(f"คะแนนต่ำสุด/สูงสุดประมาณที่ ±{self.extreme_correction:g} คะแนน (extreme scores)",),
        )


def person_parameters(model: _CML, responses: ArrayLike, *, extreme_correction: float = 0.3) -> PersonParameters:
    """ML θ and SE of every person under a fitted CML model.

    Parameters
    ----------
    model : RaschCML, PartialCreditCML or RatingScaleCML (fitted)
    responses : array_like (n_persons, n_items), NaN = not answered
    extreme_correction : float, default=0.3
        Zero and full scores are estimated at this many points in from the end (0: NaN).

    Returns
    -------
    PersonParameters
    """
    _fitted(model)
    x = check_scores(responses)
    params = model.params_
    answered = ~np.isnan(x)
    score = np.nansum(x, axis=1)
    top = answered @ (model.n_categories_ - 1)
    extreme = (score == 0) | (score == top)
    complete = answered.all(axis=1)
    theta = np.full(x.shape[0], np.nan)
    target = np.where(score == 0, extreme_correction, np.where(score == top, top - extreme_correction, score))
    use = complete & (~extreme | (extreme_correction > 0))
    if use.any():
        theta[use] = theta_for_true_score(params, target[use])
    partial = ~complete & ~extreme & answered.any(axis=1)
    if partial.any():
        theta[partial] = ability(params, x[partial], "ml", bounds=(-15.0, 15.0)).theta
    se = np.full_like(theta, np.nan)
    ok = np.isfinite(theta)
    if ok.any():
        info = _answered_information(params, theta[ok], answered[ok])
        se[ok] = 1.0 / np.sqrt(info)
    return PersonParameters(theta, se, score, extreme, float(extreme_correction))


def _answered_information(params, theta: np.ndarray, answered: np.ndarray) -> np.ndarray:
    if answered.all():
        return test_information(params, theta)
    from psychometrics.irt.models import item_information

    return (item_information(params, theta) * answered).sum(axis=1)


def rasch_fit(model: _CML, responses: ArrayLike, persons: PersonParameters | None = None) -> MeanSquareFit:
    """Item and person infit / outfit (MNSQ and ZSTD, as Winsteps and eRm's itemfit / personfit).

    Persons with zero or full scores are left out, as both programs do.
    """
    _fitted(model)
    persons = persons if persons is not None else person_parameters(model, responses)
    theta = np.where(persons.is_extreme, np.nan, persons.theta)
    return infit_outfit(model.params_, check_scores(responses), theta)


def person_item_map(model: _CML, persons: PersonParameters, *, width: float = 0.5, bar: int = 40) -> Table:
    """The person–item (Wright) map as a table: θ bands from high to low, persons (#) and items.

    Parameters
    ----------
    width : float
        Band width in logits.
    bar : int
        Characters of the longest person bar.
    """
    _fitted(model)
    theta = persons.theta[np.isfinite(persons.theta)]
    thr = model.thresholds_
    labels, where = [], []
    for i, item in enumerate(model.item_ids_):
        for h in range(int(model.n_categories_[i]) - 1):
            labels.append(item if model.n_categories_[i] == 2 else f"{item}.{h + 1}")
            where.append(thr[i, h])
    where = np.asarray(where)
    low = np.floor(min(theta.min(initial=0.0), where.min()) / width) * width
    high = np.ceil(max(theta.max(initial=0.0), where.max()) / width) * width + width
    edges = np.arange(low, high + width / 2, width)
    n_persons = np.histogram(theta, edges)[0]
    band = np.clip(np.searchsorted(edges, where, side="right") - 1, 0, edges.size - 2)
    scale = bar / max(1, n_persons.max())
    rows = []
    for k in range(edges.size - 2, -1, -1):
        items = " ".join(lbl for lbl, b in zip(labels, band, strict=True) if b == k)
        rows.append((f"{edges[k]:+.2f} … {edges[k + 1]:+.2f}", int(n_persons[k]),
                     "#" * int(np.ceil(n_persons[k] * scale)), items))
    return Table(
        "แผนผังผู้สอบ–ข้อสอบ (person–item map)",
        ("theta", "persons", "distribution", "items"),
        rows,
        notes=("ข้อสอบแสดงที่ threshold (ข้อ.หมวด); ผู้สอบที่ได้ θ ด้วย ML (items at their thresholds)",),
    )

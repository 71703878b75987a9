"""Item response theory: models, MML/EM calibration, ability, fit, DIF, linking, information.

Calibration and the item response functions load with the package; ability, fit, DIF, linking and
equating load on first use (PEP 562), so `khlang irt calibrate` starts without scipy.
"""

from importlib import import_module
from typing import Any

from psychometrics.irt.calibration import (
    Calibration,
    IterationRecord,
    ParameterCovariance,
    StandardErrors,
    calibrate,
)
from psychometrics.irt.estimators import GPCM, PCM, GradedResponse, OnePL, Rasch, ThreePL, TwoPL
from psychometrics.irt.models import (
    ItemParameters,
    category_probabilities,
    expected_score,
    item_information,
    standard_error,
    test_information,
)

_LAZY = {
    "ability": ("AbilityResult", "SummedScoreTable", "ability", "plausible_values", "score_distribution",
                "summed_score_table"),
    "fit": ("MeanSquareFit", "PersonFitResult", "SX2Result", "infit_outfit", "person_fit", "s_x2"),
    "dif": ("IRTDIFResult", "LogisticDIFResult", "MantelDIFResult", "MantelHaenszelResult", "ets_class",
            "irt_likelihood_ratio", "logistic_dif", "lord_wald", "lord_wald_calibrated", "mantel_dif",
            "mantel_haenszel"),
    "linking": ("LinkingResult", "link", "transform", "transform_theta"),
    "chains": ("ScaleLink", "bisector", "chain", "direct_link", "link_all", "links_table", "parameter_labels",
               "parameter_vector", "paths"),
    "equating": ("EquatingResult", "LinkedEquatingResult", "ObservedEquatingResult", "equipercentile",
                 "linked_equating", "observed_score_equating", "test_characteristic_curve", "true_score_equating"),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}

__all__ = [
    "AbilityResult", "Calibration", "EquatingResult", "LinkedEquatingResult", "ScaleLink", "bisector", "chain",
    "direct_link", "link_all", "linked_equating", "links_table", "parameter_labels", "parameter_vector", "paths", "GPCM", "GradedResponse", "IRTDIFResult",
    "ItemParameters", "IterationRecord", "LinkingResult", "LogisticDIFResult", "MantelDIFResult",
    "MantelHaenszelResult", "MeanSquareFit", "ObservedEquatingResult", "OnePL", "PCM", "ParameterCovariance",
    "PersonFitResult",
    "Rasch", "SX2Result", "StandardErrors", "SummedScoreTable", "ThreePL", "TwoPL", "ability", "calibrate",
    "category_probabilities", "equipercentile", "ets_class", "expected_score", "infit_outfit",
    "irt_likelihood_ratio", "item_information", "link", "logistic_dif", "lord_wald", "lord_wald_calibrated",
    "mantel_dif", "mantel_haenszel", "observed_score_equating", "person_fit", "plausible_values", "s_x2",
    "score_distribution", "standard_error", "summed_score_table", "test_characteristic_curve",
    "test_information", "transform", "transform_theta", "true_score_equating",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'psychometrics.irt' has no attribute {name!r}")
    value = getattr(import_module(f"psychometrics.irt.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__

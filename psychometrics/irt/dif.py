"""DIF moved to :mod:`psychometrics.dif` (its own package; Mantel–Haenszel is not IRT).

This module re-exports the public names so ``from psychometrics.irt.dif import mantel_haenszel`` and
``psychometrics.irt.mantel_haenszel`` keep working.
"""

from psychometrics.dif import (
    IRTDIFResult,
    LogisticDIFResult,
    MantelDIFResult,
    MantelHaenszelResult,
    ets_class,
    irt_likelihood_ratio,
    item_covariance,
    item_parameter_vector,
    likelihood_ratio_dif,
    logistic_dif,
    lord_wald,
    lord_wald_calibrated,
    mantel_dif,
    mantel_haenszel,
)
from psychometrics.dif._data import DELTA_SCALE, JODOIN_GIERL, ZUMBO_THOMAS

__all__ = [
    "DELTA_SCALE",
    "JODOIN_GIERL",
    "ZUMBO_THOMAS",
    "IRTDIFResult",
    "LogisticDIFResult",
    "MantelDIFResult",
    "MantelHaenszelResult",
    "ets_class",
    "irt_likelihood_ratio",
    "item_covariance",
    "item_parameter_vector",
    "likelihood_ratio_dif",
    "logistic_dif",
    "lord_wald",
    "lord_wald_calibrated",
    "mantel_dif",
    "mantel_haenszel",
]

"""Differential item functioning (DIF): Mantel–Haenszel, Mantel, logistic regression, Lord's Wald, IRT-LR.

A module of its own, one method per file: the observed-score methods (:mod:`.mh`, :mod:`.mantel`,
:mod:`.logistic`) need no IRT; the IRT ones (:mod:`.lord`, :mod:`.lr`) take item parameters or
calibrate. ``psychometrics.irt.dif`` re-exports everything for older imports.

Groups: `group` holds one label per person; persons whose label equals `focal` form the focal group,
every other labelled person the reference group, and persons with a missing label (None / NaN) are
left out.  The matching variable is the total score over the answered items unless one is given.

References
----------
Holland, P. W., & Thayer, D. T. (1988). Differential item performance and the Mantel–Haenszel
    procedure. In H. Wainer & H. I. Braun (Eds.), Test validity (pp. 129–145). Erlbaum.
Robins, J., Breslow, N., & Greenland, S. (1986). Estimators of the Mantel–Haenszel variance consistent
    in both sparse data and large-strata limiting models. Biometrics, 42, 311–323.
Zwick, R. (2012). A review of ETS differential item functioning assessment procedures (ETS RR-12-08).
Swaminathan, H., & Rogers, H. J. (1990). Detecting differential item functioning using logistic
    regression procedures. Journal of Educational Measurement, 27(4), 361–370.
Zumbo, B. D. (1999). A handbook on the theory and methods of differential item functioning. DHRD.
Jodoin, M. G., & Gierl, M. J. (2001). Evaluating type I error and power rates using an effect size
    measure with the logistic regression procedure for DIF detection. AME, 14(4), 329–349.
Lord, F. M. (1980). Applications of item response theory to practical testing problems, ch. 14.
Thissen, D., Steinberg, L., & Wainer, H. (1993). Detection of differential item functioning using
    the parameters of item response models. In Holland & Wainer (Eds.), Differential item functioning.
"""

from psychometrics.dif.logistic import LogisticDIFResult, logistic_dif
from psychometrics.dif.lord import (
    IRTDIFResult,
    item_covariance,
    item_parameter_vector,
    lord_wald,
    lord_wald_calibrated,
)
from psychometrics.dif.lr import irt_likelihood_ratio, likelihood_ratio_dif
from psychometrics.dif.mantel import MantelDIFResult, mantel_dif
from psychometrics.dif.mh import MantelHaenszelResult, ets_class, mantel_haenszel

__all__ = [
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

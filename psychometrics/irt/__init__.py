"""Item response theory: models, MML/EM calibration, ability, fit, DIF, linking, information."""

from psychometrics.irt.calibration import Calibration, IterationRecord, StandardErrors, calibrate
from psychometrics.irt.estimators import GPCM, PCM, GradedResponse, OnePL, Rasch, ThreePL, TwoPL
from psychometrics.irt.models import ItemParameters

__all__ = ["GPCM", "PCM", "Calibration", "GradedResponse", "IterationRecord", "ItemParameters", "OnePL",
           "Rasch", "StandardErrors", "ThreePL", "TwoPL", "calibrate"]

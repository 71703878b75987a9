"""Rasch-family models by conditional maximum likelihood (as R eRm): RM, PCM and RSM, Andersen's LR test,
Wald tests per item, person parameters, infit/outfit and the person–item map."""

from psychometrics.rasch.andersen import AndersenTest, andersen_test
from psychometrics.rasch.cml import PartialCreditCML, RaschCML, RatingScaleCML
from psychometrics.rasch.persons import PersonParameters, person_item_map, person_parameters, rasch_fit

__all__ = [
    "AndersenTest", "PartialCreditCML", "PersonParameters", "RaschCML", "RatingScaleCML", "andersen_test",
    "person_item_map", "person_parameters", "rasch_fit",
]

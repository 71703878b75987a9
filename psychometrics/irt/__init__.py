"""Item response theory: models, MML/EM calibration, ability, fit, DIF, linking, information."""

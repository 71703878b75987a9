"""คลัง Khlang: pure psychometrics (CTT, IRT, ability, fit, DIF, linking). numpy/scipy only."""

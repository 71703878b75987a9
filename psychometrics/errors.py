"""Errors and warnings of the psychometrics engine (pure numerics: no project imports)."""


class PsychometricsError(ValueError):
    """Input the engine cannot work with: wrong shape, codes out of range, too few persons."""


class ConvergenceWarning(UserWarning):
    """An estimation stopped before it met its tolerance; the estimates are still returned."""

"""The one error type this room raises on purpose."""

from itembank.errors import KhlangError


class ScoringError(KhlangError):
    """Anything scoring refuses to do; `code` says which."""

"""The one error type this room raises on purpose."""

from itembank.errors import KhlangError


class SupervisionError(KhlangError):
    """Anything supervision refuses to do; `code` says which."""

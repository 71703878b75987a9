"""The one error type this room raises on purpose."""

from itembank.errors import KhlangError


class ExportError(KhlangError):
    """Anything exports refuses to do; `code` says which."""

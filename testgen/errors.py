"""The one error type this room raises on purpose."""

from itembank.errors import KhlangError


class TestGenError(KhlangError):
    """Anything testgen refuses to do; `code` says which."""

    __test__ = False  # its name starts with Test: pytest must not collect it

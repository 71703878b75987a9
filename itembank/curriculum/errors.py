"""CurriculumError: the one error type the curriculum package raises on purpose."""

from __future__ import annotations

from typing import Any

from itembank.errors import ItemBankError, Where


class CurriculumError(ItemBankError):
    """A code that is malformed, or well formed but not in the curriculum; `code` says which.

    Codes starting with ``curriculum.malformed`` mean the text does not follow the grammar;
    codes starting with ``curriculum.unknown`` mean it does, but the curriculum data has no
    such thing (``kind="not_found"``). The Thai message says exactly what is wrong.
    """

    def __init__(
        self,
        code: str,
        message_th: str,
        message_en: str,
        *,
        where: Where | None = None,
        **params: Any,
    ):
        kind = "invalid" if code.startswith("curriculum.malformed") else "not_found"
        if code.startswith("curriculum.edition"):
            kind = "not_found"
        super().__init__(code, kind=kind, where=where, message_th=message_th, message_en=message_en, **params)

    @property
    def is_malformed(self) -> bool:
        """True when the text breaks the grammar (as opposed to naming something that does not exist)."""
        return self.code.startswith("curriculum.malformed")

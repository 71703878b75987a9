"""The root error type of Khlang, and the item bank's own.

Every room raises one error type of its own, a subclass of :class:`KhlangError`.
`code` names the problem (a key of the message catalogue in :mod:`itembank.messages`),
`kind` says how the web layer maps it to HTTP, `where` points at a file, row and column,
and `problems` carries every problem an import collected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

KINDS = ("invalid", "not_found", "forbidden", "conflict")


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column (0 → A, 25 → Z, 26 → AA): bijective base 26."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Where:
    """A place in a file the user gave us: 1-based row as the spreadsheet shows it."""

    file: str | None = None
    row: int | None = None
    column: str | None = None

    def th(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"แถว {self.row}")
        if self.column:
            parts.append(f"คอลัมน์ {self.column}")
        return " ".join(parts)

    def en(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return " ".join(parts)


class KhlangError(Exception):
    """Something Khlang refuses to do, with a code the message catalogue can render.

    `message_th` / `message_en` may be given directly; otherwise the room's catalogue
    renders them from `code` and `params`.
    """

    def __init__(
        self,
        code: str,
        *,
        kind: str = "invalid",
        where: Where | None = None,
        problems: Sequence[KhlangError] = (),
        message_th: str | None = None,
        message_en: str | None = None,
        **params: Any,
    ):
        if kind not in KINDS:
            raise ValueError(f"unknown error kind {kind!r}")
        self.code, self.kind, self.where = code, kind, where
        self.problems = tuple(problems)
        self.params = params
        self.message_th, self.message_en = message_th, message_en
        super().__init__(self.text("th"))

    def text(self, locale: str = "th") -> str:
        """The message in `locale` ("th" or "en"), prefixed by where it happened."""
        if self.problems and not (self.message_th or self.message_en):
            return "\n".join(p.text(locale) for p in self.problems)
        body = self.message_en if locale == "en" else self.message_th
        if body is None:
            body = self.message_th or self.message_en or self.code
            if self.params:
                body = f"{body} ({', '.join(f'{k}={v}' for k, v in self.params.items())})"
        place = (self.where.en() if locale == "en" else self.where.th()) if self.where else ""
        return f"{place}: {body}" if place else body

    def as_dict(self, locale: str = "th") -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "kind": self.kind, "message": self.text(locale)}
        if self.where:
            d["where"] = {"file": self.where.file, "row": self.where.row, "column": self.where.column}
        if self.problems:
            d["problems"] = [p.as_dict(locale) for p in self.problems]
        return d


class ItemBankError(KhlangError):
    """Anything itembank refuses to do; `code` says which."""

"""Plain tables that results return from `summary()`: printed by the CLI, rendered by exports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Table:
    """A titled table of plain values (str, int, float, None)."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i} has {len(row)} values for {len(self.columns)} columns")

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def __str__(self) -> str:
        cells = [list(self.columns)] + [[_fmt(v) for v in r] for r in self.rows]
        widths = [max(len(row[j]) for row in cells) for j in range(len(self.columns))]
        lines = [self.title, "  ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells[1:]]
        lines += list(self.notes)
        return "\n".join(lines)


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1e-3 and v != 0 else fixed(v, 3)
    return str(v)


def fixed(value: float, digits: int = 3, *, grouping: bool = False) -> str:
    """`value` with `digits` decimals (thousands separated with `grouping`), never a negative zero.

    Python prints -0.0 and a small negative that rounds to zero (-0.0004) as "-0.000"; a linking constant or a
    b difference of about zero then reads as negative. Every shown number of the analyses goes through here
    (the CLI's tables, the pages' ``an_num``, the reports, the job messages).

    >>> fixed(-0.0004), fixed(-0.0), fixed(-0.0006), fixed(-1234.5, 1, grouping=True)
    ('0.000', '0.000', '-0.001', '-1,234.5')
    """
    text = f"{value:,.{digits}f}" if grouping else f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def plain_zero(value: Any) -> Any:
    """`value`, with a float's negative zero made 0.0 (for files: a CSV would write "-0.0")."""
    return 0.0 if isinstance(value, float) and value == 0 else value


def table_from_columns(title: str, data: dict[str, Sequence[Any]], notes: Sequence[str] = ()) -> Table:
    cols = tuple(data)
    n = len(next(iter(data.values()))) if data else 0
    rows = [tuple(_plain(data[c][i]) for c in cols) for i in range(n)]
    return Table(title, cols, rows, tuple(notes))


def _plain(v: Any) -> Any:
    # numpy scalars -> Python scalars, NaN -> None, so tables serialise anywhere
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    return plain_zero(v)

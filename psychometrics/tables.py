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
        return f"{v:.4g}" if abs(v) < 1e-3 and v != 0 else f"{v:.3f}"
    return str(v)


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
    return v

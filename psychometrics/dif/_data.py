"""Inputs shared by the DIF methods: 0/1 matrices, groups, matching scores, item ids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from psychometrics.errors import PsychometricsError

DELTA_SCALE = -2.35  # ETS delta metric: Δ_MH = −2.35 ln α_MH
ZUMBO_THOMAS = (0.13, 0.26)  # ΔR² bounds of moderate (B) and large (C) DIF
JODOIN_GIERL = (0.035, 0.070)


# ----------------------------------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------------------------------
def _dichotomous_matrix(responses: ArrayLike) -> np.ndarray:
    """0/1 responses, persons × items: floats with NaN = missing, or integers (kept, not copied) with
    a negative code = missing."""
    x = np.asarray(responses)
    if x.ndim != 2:
        raise PsychometricsError("คำตอบต้องเป็นตารางผู้สอบ × ข้อสอบ (responses must be persons × items)")
    if x.dtype == bool:
        return x.view(np.uint8)
    if np.issubdtype(x.dtype, np.integer):
        if x.size and x.max() > 1:
            _refuse_code(x, np.argwhere(x > 1)[0])
        return x
    x = np.asarray(x, dtype=float)
    bad = ~np.isnan(x) & (x != 0) & (x != 1)
    if bad.any():
        _refuse_code(x, np.argwhere(bad)[0])
    return x


def _refuse_code(x: np.ndarray, cell: np.ndarray) -> None:
    r, c = cell
    raise PsychometricsError(
        f"แถว {r + 1} คอลัมน์ {c + 1}: DIF แบบนี้ใช้ได้กับคะแนน 0/1 เท่านั้น ได้ {x[r, c]:g} "
        f"(row {r + 1}, column {c + 1}: this DIF method needs 0/1 scores, got {x[r, c]:g})"
    )


def _as_float(block: np.ndarray) -> np.ndarray:
    """A block of responses as floats with NaN = missing."""
    if np.issubdtype(block.dtype, np.floating):
        return block
    out = block.astype(float)
    out[block < 0] = np.nan
    return out


_ROWS = 1 << 16  # persons per chunk in the counting passes


def _number_right(x: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
    """Σ of the answered scores per person (over `items`), chunk by chunk."""
    cols = slice(None) if items is None else items
    out = np.empty(x.shape[0])
    if np.issubdtype(x.dtype, np.integer):
        # integer codes, negative = missing: an integer row sum (no float copy of the matrix)
        use = np.zeros(x.shape[1], bool)
        use[cols] = True
        for start in range(0, x.shape[0], _ROWS):
            block = x[start : start + _ROWS]
            out[start : start + _ROWS] = np.where((block > 0) & use, block, 0).sum(axis=1, dtype=np.int64)
        return out
    for start in range(0, x.shape[0], _ROWS):
        out[start : start + _ROWS] = np.nansum(_as_float(x[start : start + _ROWS][:, cols]), axis=1)
    return out


def _focal_mask(group: ArrayLike, focal: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(is_focal, has_group) boolean arrays over persons."""
    g = np.asarray(group)
    if g.shape != (n,):
        raise PsychometricsError(
            f"ต้องมีกลุ่มของผู้สอบทุกคน ({n} คน) ได้ {g.size} "
            f"(group must give one label per person: {n}, got {g.size})"
        )
    # array comparisons, no Python loop over persons: None or NaN labels are missing
    if g.dtype.kind == "f":
        missing = np.isnan(g)
    elif g.dtype.kind == "O":
        missing = np.equal(g, None) | (g != g)
    else:
        missing = np.zeros(n, dtype=bool)
    is_focal = np.asarray(g == focal, dtype=bool) & ~missing
    if not is_focal.any():
        raise PsychometricsError(f"ไม่มีผู้สอบในกลุ่มเป้าหมาย {focal!r} (no person is in the focal group {focal!r})")
    if not (~is_focal & ~missing).any():
        raise PsychometricsError("ไม่มีผู้สอบในกลุ่มอ้างอิง (no person is in the reference group)")
    return is_focal, ~missing


def _item_ids(item_ids: Sequence[str], n: int) -> tuple[str, ...]:
    if item_ids:
        if len(item_ids) != n:
            raise PsychometricsError("item_ids ต้องครบทุกข้อ (item_ids must name every item)")
        return tuple(item_ids)
    return tuple(f"item{j + 1}" for j in range(n))

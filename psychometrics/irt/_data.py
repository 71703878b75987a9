"""Response checking and the compact layouts the EM engine works on (no project imports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from psychometrics.errors import PsychometricsError

MAX_CATEGORIES = 20


@dataclass(frozen=True)
class ResponseData:
    """Persons (or collapsed response patterns) × items, sorted by group.

    codes : int8 (n_rows, n_items), -1 = missing
    freq : (n_rows,) how many persons share the row (1 unless patterns were collapsed)
    group_slices : one slice of rows per group, in `group_labels` order
    n_cat : (n_items,) score categories per item
    """

    codes: np.ndarray
    freq: np.ndarray
    group_slices: tuple[slice, ...]
    group_labels: tuple
    group_sizes: np.ndarray
    n_cat: np.ndarray
    item_ids: tuple[str, ...]
    has_missing: bool
    n_persons: int


def item_label(item_ids: Sequence[str], j: int) -> str:
    return str(item_ids[j]) if item_ids else f"#{j + 1}"


def to_codes(responses, item_ids: Sequence[str] = ()) -> np.ndarray:
    """Persons × items scores as int8 with -1 for missing; refuses anything that is not a score.

    Floats: NaN = missing, other values must be whole numbers 0..19. Integer arrays: negative = missing.
    """
    x = np.asarray(responses)
    if x.ndim != 2:
        raise PsychometricsError(
            f"ข้อมูลคำตอบต้องเป็นตาราง ผู้สอบ × ข้อ (2 มิติ) แต่ได้ {x.ndim} มิติ / "
            f"responses must be persons × items (2-D), got {x.ndim}-D")
    if x.shape[0] < 2 or x.shape[1] < 1:
        raise PsychometricsError(
            f"ข้อมูลคำตอบมีขนาด {x.shape} น้อยเกินไป / responses of shape {x.shape} are too small")
    if x.dtype.kind in "iub":
        bad = x >= MAX_CATEGORIES
        if bad.any():
            _raise_bad_cell(x, bad, item_ids)
        return np.where(x < 0, -1, x).astype(np.int8)
    if x.dtype.kind != "f":
        try:
            x = x.astype(float)
        except (TypeError, ValueError) as e:
            raise PsychometricsError(
                "คำตอบต้องเป็นตัวเลขคะแนน / responses must be numeric scores") from e
    miss = np.isnan(x)
    with np.errstate(invalid="ignore"):
        bad = ~miss & ((x < 0) | (x >= MAX_CATEGORIES) | (x != np.floor(x)))
    if bad.any():
        _raise_bad_cell(x, bad, item_ids)
    return np.where(miss, -1, x).astype(np.int8)


def _raise_bad_cell(x: np.ndarray, bad: np.ndarray, item_ids: Sequence[str]) -> None:
    i, j = np.argwhere(bad)[0]
    raise PsychometricsError(
        f"ผู้สอบแถว {i + 1} ข้อ {item_label(item_ids, j)}: ค่า {x[i, j]!r} ไม่ใช่คะแนน 0..{MAX_CATEGORIES - 1} / "
        f"row {i + 1}, item {item_label(item_ids, j)}: {x[i, j]!r} is not a score")


def categories(codes: np.ndarray, models: Sequence[str], item_ids: Sequence[str]) -> np.ndarray:
    """Categories per item; refuses items with one observed score or an empty middle category."""
    n_items = codes.shape[1]
    kmax = int(codes.max(initial=0)) + 1
    counts = np.stack([(codes == k).sum(axis=0) for k in range(max(kmax, 2))], axis=1)   # (J, K)
    n_cat = np.array([np.flatnonzero(c).max(initial=0) + 1 for c in counts]) if n_items else np.zeros(0, int)
    for j in range(n_items):
        observed = np.flatnonzero(counts[j])
        name = item_label(item_ids, j)
        if observed.size < 2:
            raise PsychometricsError(
                f"ข้อ {name}: มีคะแนนที่สังเกตได้เพียง {observed.size} ค่า จึงประมาณค่าพารามิเตอร์ไม่ได้ / "
                f"item {name} has fewer than two observed scores")
        if models[j] in ("1pl", "rasch", "2pl", "3pl") and n_cat[j] > 2:
            raise PsychometricsError(
                f"ข้อ {name}: โมเดล {models[j]} ใช้คะแนน 0/1 แต่พบคะแนน {n_cat[j] - 1} / "
                f"item {name}: model {models[j]} needs 0/1 scores, found {n_cat[j] - 1}")
        empty = np.flatnonzero(counts[j, : n_cat[j]] == 0)
        if empty.size:
            raise PsychometricsError(
                f"ข้อ {name}: ไม่มีผู้สอบได้คะแนน {empty[0]} (ต้องมีทุกระดับ 0..{n_cat[j] - 1}) / "
                f"item {name}: no person scored {empty[0]}; every category 0..{n_cat[j] - 1} needs data")
    return n_cat.astype(int)


def prepare(codes: np.ndarray, groups, models: Sequence[str], item_ids: Sequence[str],
            collapse: bool | None = None) -> ResponseData:
    """Sort by group, drop persons with no response, and collapse identical patterns when it pays."""
    n = codes.shape[0]
    if groups is None:
        gidx = np.zeros(n, np.int64)
        labels: tuple = (0,)
    else:
        g = np.asarray(groups)
        if g.shape != (n,):
            raise PsychometricsError(
                f"groups ต้องมี {n} ค่า (หนึ่งค่าต่อผู้สอบ) แต่มี {g.size} / groups needs one label per person")
        uniq, gidx = np.unique(g, return_inverse=True)
        labels = tuple(u.item() if hasattr(u, "item") else u for u in uniq)
    answered = (codes >= 0).any(axis=1)
    codes, gidx = codes[answered], gidx[answered]
    n_cat = categories(codes, models, item_ids)
    freq = np.ones(codes.shape[0])
    if collapse is None:
        collapse = codes.shape[0] >= 500 and codes.shape[1] * np.log2(max(n_cat.max(), 2)) <= 32
    if collapse:
        key = np.ascontiguousarray(np.concatenate([gidx[:, None].astype(np.int8) if len(labels) < 128
                                                   else gidx[:, None].astype(np.int64).view(np.int8),
                                                   codes], axis=1))
        void = key.view(np.dtype((np.void, key.shape[1])))[:, 0]
        _, first, cnt = np.unique(void, return_index=True, return_counts=True)
        if first.size <= 0.6 * codes.shape[0]:
            codes, gidx, freq = codes[first], gidx[first], cnt.astype(float)
    order = np.argsort(gidx, kind="stable")
    codes, gidx, freq = np.ascontiguousarray(codes[order]), gidx[order], freq[order]
    bounds = np.searchsorted(gidx, np.arange(len(labels) + 1))
    slices = tuple(slice(int(bounds[k]), int(bounds[k + 1])) for k in range(len(labels)))
    sizes = np.array([freq[s].sum() for s in slices])
    if np.any(sizes == 0):
        raise PsychometricsError("มีกลุ่มที่ไม่มีผู้สอบตอบเลย / a group has no responses")
    return ResponseData(codes, freq, slices, labels, sizes, n_cat, tuple(item_ids),
                        bool((codes < 0).any()), int(answered.sum()))

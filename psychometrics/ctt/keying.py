"""Keyed scoring (การตรวจให้คะแนนตามเฉลย) of raw multiple-choice answers, the way Thai answer files look.

Answers may be written as Thai letters ก ข ค ง จ (ฉ ช ซ), Latin letters A–H or a–h, digits 1–8 or Thai
digits ๑–๘ (thai-practice.md §3.1). ``0``, ``๐``, ``-`` and blank mean *omitted* (ไม่ตอบ);
``9``, ``๙`` and ``*`` mean *several marks* (ตอบซ้อน, EVANA's code). Both count as wrong but keep their
own columns in the distractor table (§1.10 gotcha 2). A run of omits at the end of a person's row is
*not reached* (ทำไม่ทัน) rather than omitted.

A key entry is one option (``ค``), several right options (``ก,ค`` or EVANA's ``24``), ``cancel`` /
``ยกเลิก`` (the item is removed from the analysis and from every total, as EVANA does), or ``all`` /
``ให้คะแนนทุกคน`` (credit-all after a faulty item, as in the national incidents of §4.2).

Codes in the returned choice matrix: 1–8 = option, 0 = omitted, 9 = several marks, −1 = not reached.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from psychometrics.errors import PsychometricsError

__all__ = [
    "CANCELLED",
    "CREDIT_ALL",
    "MAX_OPTIONS",
    "MULTIPLE",
    "NOT_REACHED",
    "OMITTED",
    "OPTION_LABELS_TH",
    "KeyedResponses",
    "answer_codes",
    "parse_key",
    "score_answers",
]

OMITTED = 0
MULTIPLE = 9
NOT_REACHED = -1
MAX_OPTIONS = 8
OPTION_LABELS_TH = ("ก", "ข", "ค", "ง", "จ", "ฉ", "ช", "ซ")
OPTION_LABELS_EN = ("A", "B", "C", "D", "E", "F", "G", "H")
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"

#: Key entry meaning "the item is cancelled" (ยกเลิกข้อ) and "every person gets the point".
CANCELLED: frozenset[int] = frozenset({-100})
CREDIT_ALL: frozenset[int] = frozenset({-200})

_BLANK = {"", "0", "๐", "-", "NAN", "NONE", "NA", "."}
_MULTI = {"9", "๙", "*"}
_CANCEL_WORDS = {"CANCEL", "CANCELLED", "CANCELED", "ยกเลิก", "ยกเลิกข้อ", "X"}
_CREDIT_WORDS = {"ALL", "CREDIT-ALL", "CREDIT_ALL", "ให้คะแนนทุกคน", "ทุกคน", "ฟรี"}


def _option_of(token: str) -> int | None:
    """1-based option number of one answer token, or None."""
    if len(token) != 1:
        return None
    for labels in (OPTION_LABELS_TH, OPTION_LABELS_EN):
        if token in labels:
            return labels.index(token) + 1
    if token in THAI_DIGITS[1 : MAX_OPTIONS + 1]:
        return THAI_DIGITS.index(token)
    if token.isascii() and token.isdigit() and 1 <= int(token) <= MAX_OPTIONS:
        return int(token)
    return None


def _normalise_token(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer():
            value = int(value)
    s = str(value).strip().upper()
    return re.sub(r"^(\d+)\.0+$", r"\1", s)


def _code_of(token: str) -> int | None:
    if token in _BLANK:
        return OMITTED
    if token in _MULTI:
        return MULTIPLE
    return _option_of(token)


def answer_codes(answers: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Turn raw answers (persons × items) into option codes.

    Parameters
    ----------
    answers : array_like of str, int, float or None, shape (n_persons, n_items)

    Returns
    -------
    codes : ndarray of int8, shape (n_persons, n_items)
        1–8 option, 0 omitted, 9 several marks; invalid cells hold 0.
    invalid : ndarray of bool, same shape
        Cells that are no answer code at all (for a message naming their row and column).

    Notes
    -----
    Only the distinct values are decoded in Python; persons are mapped with one ``np.unique``.
    """
    raw = answers if isinstance(answers, np.ndarray) else np.asarray(answers, dtype=object)
    if raw.ndim != 2:
        raise PsychometricsError(
            f"คำตอบต้องเป็นตาราง ผู้สอบ × ข้อ (ได้ {raw.ndim} มิติ) / answers must be persons × items"
        )
    if raw.dtype.kind in "iu":  # option numbers already (1–8, 0 omitted, 9 several marks)
        invalid = (raw < 0) | (raw > MULTIPLE)
        return np.where(invalid, 0, raw).astype(np.int8), invalid
    # str() of every cell in C (None -> "None", NaN -> "nan", 2.0 -> "2.0", all decoded below), then
    # decode only the distinct strings in Python
    text = raw if raw.dtype.kind == "U" else raw.astype(str)
    if text.dtype.itemsize == 4:  # one character per cell, the usual case: sort code points, not strings
        points = text.view(np.uint32).ravel()
        top = int(points.max(initial=0))
        if top < 1 << 16:  # Thai and Latin code points: a lookup table, no sort
            present = np.bincount(points, minlength=top + 1) > 0
            uniq_points = np.flatnonzero(present)
            lut = np.zeros(top + 1, dtype=np.intp)
            lut[uniq_points] = np.arange(uniq_points.size)
            inverse = lut[points]
        else:
            uniq_points, inverse = np.unique(points, return_inverse=True)
        uniq = [chr(c) if c else "" for c in uniq_points]
    else:
        uniq, inverse = np.unique(text.ravel(), return_inverse=True)
    decoded = [_code_of(_normalise_token(u)) for u in uniq]
    table = np.array([0 if c is None else c for c in decoded], dtype=np.int8)
    bad = np.array([c is None for c in decoded], dtype=bool)
    return table[inverse].reshape(raw.shape), bad[inverse].reshape(raw.shape)


def parse_key(entry: object) -> frozenset[int]:
    """The set of right options in one key entry, or :data:`CANCELLED` / :data:`CREDIT_ALL`.

    Examples
    --------
    >>> sorted(parse_key("ก,ค")), sorted(parse_key("24")), sorted(parse_key("b / D"))
    ([1, 3], [2, 4], [2, 4])
    >>> parse_key("ยกเลิก") is CANCELLED
    True

    Raises
    ------
    PsychometricsError
        When the entry names no option (blank) or something that is not an option.
    """
    text = _normalise_token(entry)
    if text in _CANCEL_WORDS:
        return CANCELLED
    if text in _CREDIT_WORDS:
        return CREDIT_ALL
    parts = [p for p in re.split(r"[\s,;/|+]+", text) if p]
    if len(parts) == 1 and len(parts[0]) > 1:  # EVANA writes several right options as "24"
        parts = list(parts[0])
    options = [_option_of(p) for p in parts]
    if not options or any(o is None for o in options):
        raise PsychometricsError(
            f"เฉลย {entry!r} ไม่ใช่ตัวเลือก (ใช้ ก–ซ, A–H, 1–8, ยกเลิก หรือ all) / key {entry!r} is not an option"
        )
    return frozenset(o for o in options if o is not None)


@dataclass(frozen=True, eq=False)
class KeyedResponses:
    """Answers scored against a key; cancelled items already removed.

    Attributes
    ----------
    item_ids : tuple of str
        Items kept for analysis, in sheet order.
    cancelled_ids : tuple of str
        Items removed because their key says ``ยกเลิก``.
    scores : ndarray of float, shape (n_persons, n_items)
        1 right, 0 wrong/omitted/several marks; not-reached is 0, or NaN when scored as missing.
    choices : ndarray of int8, shape (n_persons, n_items)
        1–8 option, 0 omitted, 9 several marks, −1 not reached.
    keys : tuple of frozenset of int
        Right options per kept item (:data:`CREDIT_ALL` for credit-all items).
    n_options : ndarray of int, shape (n_items,)
        Options printed for each item (the distractor table has this many option columns).
    """

    item_ids: tuple[str, ...]
    cancelled_ids: tuple[str, ...]
    scores: np.ndarray
    choices: np.ndarray
    keys: tuple[frozenset[int], ...]
    n_options: np.ndarray
    not_reached_as: str = "wrong"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total(self) -> np.ndarray:
        """Raw score per person over the kept items (cancelled items count for nobody)."""
        return np.where(np.isnan(self.scores), 0.0, self.scores).sum(axis=1)

    @property
    def n_omitted(self) -> np.ndarray:
        """Omitted answers per item (blank inside the answered part of the row)."""
        return (self.choices == OMITTED).sum(axis=0)

    @property
    def n_not_reached(self) -> np.ndarray:
        """Not-reached answers per item (part of a trailing run of blanks)."""
        return (self.choices == NOT_REACHED).sum(axis=0)

    @property
    def n_multiple(self) -> np.ndarray:
        """Answers with several marks per item."""
        return (self.choices == MULTIPLE).sum(axis=0)

    def key_matrix(self) -> np.ndarray:
        """Boolean (n_items, 10): column c is True when option code c earns the point."""
        km = np.zeros((len(self.keys), 10), dtype=bool)
        for j, k in enumerate(self.keys):
            if k is CREDIT_ALL:
                km[j, 1 : MAX_OPTIONS + 1] = True
            else:
                km[j, sorted(k)] = True
        return km


def score_answers(
    answers: ArrayLike,
    key: Sequence[object],
    *,
    item_ids: Sequence[str] | None = None,
    n_options: int | Sequence[int] | None = None,
    not_reached: str = "wrong",
) -> KeyedResponses:
    """Score raw answers against a key (0/1 per item) and keep the coded choices.

    Parameters
    ----------
    answers : array_like, shape (n_persons, n_items)
        Raw answers, rows in seat order (เลขที่): the order breaks ties at the group cut later.
    key : sequence, length n_items
        One key entry per item (see :func:`parse_key`), or already-parsed sets.
    item_ids : sequence of str, optional
        Defaults to ``"1"``, ``"2"`` …
    n_options : int or sequence of int, optional
        Options printed per item. By default the largest option seen in the answers or the key,
        at least 4, the same for every item (a never-chosen option still gets its column).
    not_reached : {"wrong", "missing"}, default="wrong"
        ``"wrong"`` scores trailing blanks 0 as Thai programs do; ``"missing"`` leaves them NaN so
        p is computed over the persons who reached the item.

    Returns
    -------
    KeyedResponses

    Raises
    ------
    PsychometricsError
        Shape mismatch, an invalid answer or key entry (its position is named), or no item left.
    """
    codes, invalid = answer_codes(answers)
    n_persons, n_items = codes.shape
    ids = tuple(str(i) for i in (item_ids if item_ids is not None else range(1, n_items + 1)))
    if len(ids) != n_items or len(key) != n_items:
        raise PsychometricsError(
            f"จำนวนข้อไม่ตรงกัน: คำตอบ {n_items} ข้อ, เฉลย {len(key)} ข้อ, รหัสข้อ {len(ids)} / "
            f"answers have {n_items} items, key {len(key)}, item ids {len(ids)}"
        )
    if invalid.any():
        r, c = np.argwhere(invalid)[0]
        raise PsychometricsError(
            f"แถว {r + 1} ข้อ {ids[c]}: {str(np.asarray(answers)[r, c])!r} ไม่ใช่รหัสคำตอบ "
            f"(มีทั้งหมด {int(invalid.sum())} ช่อง) / row {r + 1} item {ids[c]}: not an answer code"
        )
    if not_reached not in ("wrong", "missing"):
        raise PsychometricsError(f"not_reached ต้องเป็น 'wrong' หรือ 'missing' (ได้ {not_reached!r})")
    keys = tuple(k if isinstance(k, frozenset) else parse_key(k) for k in key)
    _mark_not_reached(codes)  # in sheet order: cancelled items are still on the sheet

    kept = np.array([k is not CANCELLED for k in keys])
    if not kept.any():
        raise PsychometricsError("ทุกข้อถูกยกเลิก ไม่มีข้อให้วิเคราะห์ / every item is cancelled")
    choices = codes[:, kept]
    kept_ids = tuple(i for i, keep in zip(ids, kept, strict=True) if keep)
    kept_keys = tuple(k for k, keep in zip(keys, kept, strict=True) if keep)
    n_opt = _option_counts(choices, kept_keys, kept_ids, n_options, kept)
    result = KeyedResponses(
        item_ids=kept_ids,
        cancelled_ids=tuple(i for i, keep in zip(ids, kept, strict=True) if not keep),
        scores=np.empty((n_persons, len(kept_keys))),
        choices=choices,
        keys=kept_keys,
        n_options=n_opt,
        not_reached_as=not_reached,
    )
    km = result.key_matrix()
    # code −1 (not reached) indexes column 9 of km, which is never a right option
    right = np.take_along_axis(km.T, np.where(choices < 0, MULTIPLE, choices).astype(np.intp), axis=0)
    credit = np.array([k is CREDIT_ALL for k in kept_keys])
    result.scores[...] = right
    result.scores[:, credit] = 1.0
    if not_reached == "missing":
        result.scores[(choices == NOT_REACHED) & ~credit] = np.nan
    return result


def _mark_not_reached(codes: np.ndarray) -> None:
    """Turn each person's trailing run of blanks into NOT_REACHED, in place."""
    n_items = codes.shape[1]
    answered = codes != OMITTED
    last = n_items - 1 - np.argmax(answered[:, ::-1], axis=1)  # last answered column per person
    last[~answered.any(axis=1)] = -1
    codes[np.arange(n_items)[None, :] > last[:, None]] = NOT_REACHED


def _option_counts(
    choices: np.ndarray,
    keys: tuple[frozenset[int], ...],
    ids: tuple[str, ...],
    n_options: int | Sequence[int] | None,
    kept: np.ndarray,
) -> np.ndarray:
    """Options per kept item: given (and checked against answers and key) or inferred."""
    seen = int(choices[(choices >= 1) & (choices <= MAX_OPTIONS)].max(initial=0))
    in_key = max((max(k) for k in keys if k is not CREDIT_ALL), default=0)
    if n_options is None:
        return np.full(len(keys), max(4, seen, in_key), dtype=int)
    try:
        n_opt = np.broadcast_to(np.asarray(n_options, dtype=int), kept.shape)[kept].copy()
    except ValueError as e:
        raise PsychometricsError(
            f"จำนวนตัวเลือกต้องมีค่าเดียวหรือหนึ่งค่าต่อข้อ ({kept.size} ข้อ) / n_options: one value or one per item"
        ) from e
    if (n_opt < 2).any() or (n_opt > MAX_OPTIONS).any():
        raise PsychometricsError(f"จำนวนตัวเลือกต้องอยู่ระหว่าง 2 ถึง {MAX_OPTIONS} / n_options out of range")
    over = (choices > n_opt) & (choices != MULTIPLE)
    if over.any():
        r, c = np.argwhere(over)[0]
        raise PsychometricsError(
            f"แถว {r + 1} ข้อ {ids[c]}: ตอบตัวเลือกที่ {choices[r, c]} แต่ข้อนี้มี {n_opt[c]} ตัวเลือก / "
            "answer beyond the item's options"
        )
    for j, k in enumerate(keys):
        if k is not CREDIT_ALL and max(k) > n_opt[j]:
            raise PsychometricsError(
                f"ข้อ {ids[j]}: เฉลยตัวเลือกที่ {max(k)} แต่ข้อนี้มี {n_opt[j]} ตัวเลือก / key beyond the item's options"
            )
    return n_opt

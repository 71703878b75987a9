"""การตรวจให้คะแนน (keying): one key per item of a form, in FORM order, and the vectorised scoring of codes.

Answer codes (persons × items, int16, form order and form option indices) mean:

- single-answer items (เลือกตอบ, ถูก-ผิด with one correct option): the option index 0…k-1,
  :data:`OMITTED` (-1) for blank or 0, :data:`SEVERAL` (-2) for several marks (9 or * or two letters);
- multiple-answer items (several correct options): the bit mask of the options marked (bit i =
  option i; ก+ค = 0b101 = 5), :data:`OMITTED` for none;
- rubric-scored items (เขียนตอบ, เติมคำ, ตัวเลข, จับคู่): the points given (0…max);
- :data:`NOT_PRESENTED` (-9) where the student had no such item (no response set for that item).

The choice keys come from :func:`testgen.variants.answer_of` (the one representation of an item's answer:
"single" here is its ``single``, "multi" its ``several``), so scoring agrees with every printed key.
A multiple-answer item is scored against EVERY correct option: exact match by default, or partial
credit (right marks minus wrong marks over the number of keys, floored at 0) when the
administration's settings name the item in ``partial_credit``. A cancelled item (ยกเลิกข้อ) gives
everyone its points (``credit``) or leaves the total (``drop``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlmodel import Session

from itembank.service import indicator_codes
from testgen.forms import form_versions
from testgen.models import Form
from testgen.variants import answer_of

OMITTED = -1
SEVERAL = -2
NOT_PRESENTED = -9

CHOICE_TYPES = ("multiple_choice", "true_false")


@dataclass(frozen=True)
class ItemKey:
    """The key of one form position."""

    position: int  # 0-based form position
    item_version_id: int
    item_code: str
    kind: str  # single | multi | rubric
    n_options: int
    key: tuple[int, ...]  # correct form option indices (choice items)
    points: float
    partial: bool = False
    any_of: bool = False  # an officer's re-key: any one of the keys earns the points
    cancelled: str | None = None  # credit | drop
    indicators: tuple[str, ...] = ()

    @property
    def key_mask(self) -> int:
        return sum(1 << k for k in self.key)


@dataclass(frozen=True)
class FormKey:
    """Every position of a form with its key, and the administration's scoring settings applied."""

    form_id: int
    items: tuple[ItemKey, ...]
    settings: dict = field(default_factory=dict)

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def max_points(self) -> np.ndarray:
        return np.array([0.0 if it.cancelled == "drop" else it.points for it in self.items])


@dataclass(frozen=True)
class _Version:
    """What keying reads of an item version (immutable once stored, so it may be cached per form)."""

    id: int
    type: str
    options: tuple
    key: tuple
    score_points: float


def item_key(position: int, version, code: str, settings: dict, indicators: tuple[str, ...] = ()) -> ItemKey:
    """The key of one item version at a form position, with the administration's re-keys applied."""
    rekey = (settings.get("rekey") or {}).get(code)
    cancelled = (settings.get("cancelled") or {}).get(code)
    if cancelled is None and code in set(settings.get("held") or ()):
        cancelled = "drop"  # held (a probable mis-key): out of every total until an officer decides
    partial = code in set(settings.get("partial_credit") or ())
    if version.type in CHOICE_TYPES and (version.options or version.type == "true_false"):
        labels = [str(o.get("label")) for o in version.options] or ["ถูก", "ผิด"]
        keys = list(rekey["key"]) if rekey else list(version.key)
        if version.type == "true_false" and not set(keys) & set(labels):
            keys = [labels[0] if str(k).lower() in ("true", "ถูก") else labels[-1] for k in keys]
        answer = answer_of(version.type, labels, keys, points=float(version.score_points or 1.0))  # testgen's one key
        key = answer.options if answer is not None else ()
        any_of = bool(rekey and rekey.get("any_of"))
        kind = "multi" if len(key) > 1 and not any_of else "single"
        return ItemKey(position, version.id, code, kind, len(labels), key, float(version.score_points or 1.0),
                       partial and kind == "multi", any_of, cancelled, indicators)
    return ItemKey(position, version.id, code, "rubric", 0, (), float(version.score_points or 1.0),
                   False, False, cancelled, indicators)


#: (form id, content hash) -> its positions as (version, item code, indicators): a frozen form never changes
_FORMS: dict[tuple[int, str], list[tuple[_Version, str, tuple[str, ...]]]] = {}


def _form_rows(session: Session, form: Form) -> list[tuple[_Version, str, tuple[str, ...]]]:
    rows = _FORMS.get((form.id, form.content_hash))
    if rows is None or len(rows) != form.n_items:
        found = form_versions(session, form)
        indicators = indicator_codes(session, [v.id for _, v, _ in found])
        rows = [(_Version(v.id, v.type, tuple(v.options or ()), tuple(v.key or ()), float(v.score_points or 1.0)),
                 code, tuple(indicators.get(v.id, ()))) for _, v, code in found]
        if len(_FORMS) > 64:
            _FORMS.clear()
        _FORMS[(form.id, form.content_hash)] = rows
    return rows


def form_key(session: Session, form: Form, settings: dict | None = None) -> FormKey:
    """The key of every position of a frozen form, in form order."""
    settings = settings or {}
    items = tuple(item_key(q, v, code, settings, ind) for q, (v, code, ind) in enumerate(_form_rows(session, form)))
    return FormKey(form.id, items, settings)


def _popcount(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.int64)
    out = np.zeros(x.shape, dtype=np.int64)
    for b in range(8):
        out += (x >> b) & 1
    return out


def score_codes(key: FormKey, codes: np.ndarray) -> np.ndarray:
    """Item scores (persons × items, float; NaN where not presented or the item is dropped)."""
    codes = np.asarray(codes)
    n_persons = codes.shape[0]
    out = np.zeros((n_persons, key.n_items), dtype=float)
    for j, it in enumerate(key.items):
        c = codes[:, j]
        if it.kind == "single":
            right = np.isin(c, it.key) if it.any_of else (c == (it.key[0] if it.key else -99))
            s = right * it.points
        elif it.kind == "multi":
            marked = np.where(c > 0, c, 0)
            if it.partial:
                good = _popcount(marked & it.key_mask)
                bad = _popcount(marked & ~it.key_mask & 0xFF)
                s = np.clip(good - bad, 0, None) / len(it.key) * it.points
            else:
                s = (c == it.key_mask) * it.points
        else:
            s = np.clip(np.where(c >= 0, c, 0), 0, it.points).astype(float)
        s = s.astype(float)
        if it.cancelled == "credit":
            s = np.full(n_persons, it.points)
        elif it.cancelled == "drop":
            s = np.full(n_persons, np.nan)
        out[:, j] = np.where(c == NOT_PRESENTED, np.nan, s)
    return out

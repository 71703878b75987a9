"""Options that carry an order (ตัวเลือกที่มีลำดับ): numbers, ages, amounts with one unit.

A choice item whose options are all numbers (Arabic or Thai digits, commas, a decimal point or a
fraction ``3/4``, one unit shared by every option such as ``เล่ม`` or ``ซม.``) written in ascending or
descending order is *ordered*: booklet variants never shuffle its options, and its options are stored
from the smallest to the largest (the key follows its option), so the booklet prints them in ascending
order as Thai exams do. The author may say so explicitly (the
import column ``options_ordered``), also for an order a program cannot see (``น้อย < ปานกลาง < มาก``),
or refuse it for numbers whose order does not matter.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from itembank.schemas import ItemDraft

__all__ = ["detect_ordered", "numeric_value", "order_options"]

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_TAG = re.compile(r"<[^>]+>")
# one number, then at most a unit without digits: "1,250", "-3.5", "3/4", "65 เล่ม", "15 ซม.", "25%", "06.00 น."
_VALUE = re.compile(
    r"^(?P<sign>[-−+]?)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*/\s*(?P<den>\d+))?"
    r"\s*(?P<unit>[^\d]*)$"
)


def numeric_value(text: str) -> tuple[float, str] | None:
    """(value, unit) of an option that is one number with an optional unit, else None."""
    plain = html.unescape(_TAG.sub("", text)).translate(_THAI_DIGITS).strip()
    m = _VALUE.match(plain)
    if m is None:
        return None
    value = float(m["num"].replace(",", ""))
    if m["den"] is not None:
        if int(m["den"]) == 0:
            return None
        value /= int(m["den"])
    if m["sign"] in ("-", "−"):
        value = -value
    return value, " ".join(m["unit"].split())


def _values(texts: Sequence[str]) -> list[float] | None:
    """The options' values when every option is a number with the same unit (at least two, all distinct)."""
    parsed = [numeric_value(t) for t in texts]
    if len(parsed) < 2 or any(p is None for p in parsed):
        return None
    units = {p[1] for p in parsed if p is not None}
    values = [p[0] for p in parsed if p is not None]
    if len(units) != 1 or len(set(values)) != len(values):
        return None
    return values


def detect_ordered(item_type: str, texts: Sequence[str]) -> bool:
    """True when a choice item's options are numbers with one unit written in ascending or descending order
    (numbers an author wrote shuffled are left to shuffle unless the author says ``ใช่``)."""
    if str(item_type) != "multiple_choice":
        return False
    values = _values(texts)
    if values is None:
        return False
    pairs = list(zip(values, values[1:], strict=False))
    return all(a < b for a, b in pairs) or all(a > b for a, b in pairs)


def order_options(draft: ItemDraft) -> ItemDraft:
    """`draft` with `options_ordered` decided (None: detected) and, when it is ordered and its options are
    numbers, its options from the smallest to the largest under the same labels, the key following its
    options. Options an author fixed in place (``fixed_options``) are never moved."""
    texts = [o.text for o in draft.options]
    ordered = detect_ordered(str(draft.type), texts) if draft.options_ordered is None else bool(draft.options_ordered)
    values = _values(texts) if ordered and str(draft.type) == "multiple_choice" else None
    if values is None or any(o.fixed for o in draft.options) or values == sorted(values):
        return replace(draft, options_ordered=ordered)
    rank = sorted(range(len(values)), key=values.__getitem__)  # new position -> old position
    labels = [o.label for o in draft.options]
    options = tuple(replace(draft.options[old], label=labels[new]) for new, old in enumerate(rank))
    relabel = {labels[old]: labels[new] for new, old in enumerate(rank)}
    return replace(draft, options=options, key=tuple(relabel.get(k, k) for k in draft.key), options_ordered=ordered)

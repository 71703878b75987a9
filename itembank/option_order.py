"""Options that carry an order (ตัวเลือกที่มีลำดับ): numbers, ages, amounts with one unit, months, and
options such as ``ไม่มีข้อใดถูก`` that must stay last.

A choice item is *ordered* when its options, read without their markup, are

- numbers (Arabic or Thai digits, commas, a decimal point, a fraction ``3/4``, a mixed number ``2 1/2`` or
  ``2½``, one word or unit shared by every option before or after it: ``15 ซม.``, ``2 ชั่วโมง``,
  ``ร้อยละ 25``) written in ascending or descending order;
- Thai months or days of the week written in calendar order (``มกราคม``, ``ก.พ.``, ``วันจันทร์`` …);
- or any of the above, or any options at all, followed by options that speak of the others
  (*catch-all* options: ``ถูกทุกข้อ``, ``ไม่มีข้อใดถูก``, ``ถูกทั้ง ก และ ข``, ``ข้อ ก และ ค``): those must stay
  last, and one that names options by their letters is wrong once the options move.

An ordered item's options are never shuffled by booklet variants, and numbers are stored from the
smallest to the largest (the key follows its option; catch-all options stay last), so the booklet prints
them in ascending order as Thai exams do. The author may say so explicitly (the editor's checkbox, the
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

__all__ = ["detect_ordered", "is_catch_all", "numeric_value", "order_options"]

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_VULGAR = {"½": 1 / 2, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 1 / 4, "¾": 3 / 4, "⅕": 1 / 5, "⅛": 1 / 8}
_TAG = re.compile(r"<[^>]+>")
# an optional word before (ร้อยละ), one number, then at most a unit without digits: "1,250", "-3.5", "3/4",
# "2 1/2", "2½", "65 เล่ม", "15 ซม.", "25%", "06.00 น."
_VALUE = re.compile(
    r"^(?P<pre>[^\d\-−+]*?)\s*(?P<sign>[-−+]?)\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s+(?P<fnum>\d+)\s*/\s*(?P<fden>\d+)|\s*/\s*(?P<den>\d+)|(?P<vulgar>[" + "".join(_VULGAR) + r"]))?"
    r"\s*(?P<unit>[^\d]*)$"
)
_MONTHS = (
    ("มกราคม", "ม.ค."), ("กุมภาพันธ์", "ก.พ."), ("มีนาคม", "มี.ค."), ("เมษายน", "เม.ย."), ("พฤษภาคม", "พ.ค."),
    ("มิถุนายน", "มิ.ย."), ("กรกฎาคม", "ก.ค."), ("สิงหาคม", "ส.ค."), ("กันยายน", "ก.ย."), ("ตุลาคม", "ต.ค."),
    ("พฤศจิกายน", "พ.ย."), ("ธันวาคม", "ธ.ค."))
_DAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
_CALENDAR = {**{n: k for k, names in enumerate(_MONTHS) for n in names},
             **{f"{p}{d}": 100 + k for k, d in enumerate(_DAYS) for p in ("", "วัน")}, "พฤหัส": 103, "วันพฤหัส": 103}
# options that speak of the others: "ถูกทุกข้อ", "ไม่มีข้อใดถูก", "ถูกทั้ง ก และ ข", "ข้อ ก และ ค ถูก" (spaces removed)
_CATCH_ALL = re.compile(
    r"^(?:(?:ถูก|ผิด)(?:ทุกข้อ|ทั้งหมด|ทั้งสี่ข้อ|ทั้งสามข้อ)|ทุกข้อ(?:ที่กล่าวมา)?(?:ถูก|ผิด)?|"
    r"ไม่มีข้อ(?:ใด)?(?:ถูก|ผิด)(?:ต้อง)?|ไม่มีคำตอบ(?:ที่)?ถูก(?:ต้อง)?|ไม่มีข้อใดกล่าวถูก(?:ต้อง)?|"
    r"ข้อมูลไม่เพียงพอ|ข้อมูลไม่พอ|ไม่สามารถสรุปได้|สรุปไม่ได้|"
    r"allof(?:the)?above|noneof(?:the)?above|all(?:the)?above|bothaandb)$"
    r"|^(?:ถูก|ผิด)?(?:ทั้ง|เฉพาะ)?(?:ข้อ)?[ก-จ](?:(?:,|และ|หรือ)(?:ข้อ)?[ก-จ])+(?:ถูก|ผิด)?(?:ต้อง)?(?:เท่านั้น)?$"
)


def _plain(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).translate(_THAI_DIGITS).split())


def numeric_value(text: str) -> tuple[float, str] | None:
    """(value, unit) of an option that is one number with an optional word before it and unit after it
    (the unit is both, space-joined: ``ร้อยละ 25`` → ``(25.0, "ร้อยละ")``), else None."""
    m = _VALUE.match(_plain(text))
    if m is None:
        return None
    value = float(m["num"].replace(",", ""))
    if m["den"] is not None:
        if int(m["den"]) == 0:
            return None
        value /= int(m["den"])
    elif m["fden"] is not None:
        if int(m["fden"]) == 0 or int(m["fnum"]) >= int(m["fden"]) or "." in m["num"] or "," in m["num"]:
            return None
        value += int(m["fnum"]) / int(m["fden"])
    elif m["vulgar"] is not None:
        value += _VULGAR[m["vulgar"]]
    if m["sign"] in ("-", "−"):
        value = -value
    if m["pre"].strip() and (m["sign"] or m["den"] or m["fden"] or re.search(r"[./:;,()\-]", m["pre"])):
        return None  # "ป.6/1" is a class, not a fraction: a word before a number is a plain word
    return value, " ".join((m["pre"] + " " + m["unit"]).split())


def is_catch_all(text: str) -> bool:
    """True for an option that speaks of the others (``ถูกทุกข้อ``, ``ไม่มีข้อใดถูก``, ``ถูกทั้ง ก และ ข``)."""
    return _CATCH_ALL.match(re.sub(r"[\s.]", "", _plain(text)).lower()) is not None


def _n_tail(texts: Sequence[str]) -> int:
    """How many options at the end are catch-all options."""
    n = 0
    while n < len(texts) and is_catch_all(texts[len(texts) - 1 - n]):
        n += 1
    return n


def _values(texts: Sequence[str]) -> list[float] | None:
    """The options' values when every option is a number with the same unit, or every option a month or a
    day of the week (at least two, all distinct)."""
    if len(texts) < 2:
        return None
    calendar = [_CALENDAR.get(_plain(t)) for t in texts]
    if all(c is not None for c in calendar) and len({c >= 100 for c in calendar}) == 1:
        values: list[float] = [float(c) for c in calendar if c is not None]
    else:
        parsed = [numeric_value(t) for t in texts]
        if any(p is None for p in parsed):
            return None
        if len({p[1] for p in parsed if p is not None}) != 1:
            return None
        values = [p[0] for p in parsed if p is not None]
    return values if len(set(values)) == len(values) else None


def _monotone(values: Sequence[float]) -> bool:
    pairs = list(zip(values, values[1:], strict=False))
    return all(a < b for a, b in pairs) or all(a > b for a, b in pairs)


def detect_ordered(item_type: str, texts: Sequence[str]) -> bool:
    """True when a choice item's options are numbers with one unit (or months, or days) written in
    ascending or descending order, or when any option speaks of the others (``ไม่มีข้อใดถูก``) — numbers
    an author wrote shuffled are left to shuffle unless the author says ``ใช่``."""
    if str(item_type) != "multiple_choice":
        return False
    if any(is_catch_all(t) for t in texts):
        return True
    values = _values(texts)
    return values is not None and _monotone(values)


def order_options(draft: ItemDraft) -> ItemDraft:
    """`draft` with `options_ordered` decided (None: detected) and, when it is ordered and its options are
    numbers (catch-all options after them stay last), those options from the smallest to the largest under
    the same labels, the key following its options. Options an author fixed in place (``fixed_options``)
    are never moved, nor numbers written out of order in an item ordered only for its catch-all option."""
    texts = [o.text for o in draft.options]
    ordered = detect_ordered(str(draft.type), texts) if draft.options_ordered is None else bool(draft.options_ordered)
    body = len(texts) - _n_tail(texts)
    values = _values(texts[:body]) if ordered and str(draft.type) == "multiple_choice" else None
    if (values is None or any(o.fixed for o in draft.options) or values == sorted(values)
            or (draft.options_ordered is None and not _monotone(values))):
        return replace(draft, options_ordered=ordered)
    rank = sorted(range(body), key=values.__getitem__) + list(range(body, len(texts)))  # new -> old position
    labels = [o.label for o in draft.options]
    options = tuple(replace(draft.options[old], label=labels[new]) for new, old in enumerate(rank))
    relabel = {labels[old]: labels[new] for new, old in enumerate(rank)}
    return replace(draft, options=options, key=tuple(relabel.get(k, k) for k in draft.key), options_ordered=ordered)

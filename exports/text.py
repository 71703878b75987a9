"""Text helpers shared by every renderer: escaping and sanitising user text, Thai digits, พ.ศ. dates."""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

import nh3

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")

# Item text may carry inline emphasis and sub/superscripts; nothing that loads anything or styles
# anything (no img, no style, no links): pictures come only as Media bytes from the bank.
_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "sub", "sup", "br", "span", "p"}


def esc(text: object) -> str:
    """Escape plain text for HTML (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


def clean(fragment: str) -> str:
    """Sanitise an HTML-subset fragment from the bank: inline emphasis only, no attributes, no URLs."""
    return nh3.clean(
        fragment or "", tags=_ALLOWED_TAGS, attributes={}, url_schemes=set(), strip_comments=True
    )


def digits(text: object, thai: bool = True) -> str:
    """`text` with Arabic digits turned into Thai digits when `thai` is true."""
    s = "" if text is None else str(text)
    return s.translate(THAI_DIGITS) if thai else s


def thai_date(
    day: dt.date | None,
    *,
    thai_digits: bool = True,
    short: bool = False,
    abbreviated: bool = False,
    era: bool = True,
) -> str:
    """A date in the Buddhist era (CE + 543), e.g. ``๕ กุมภาพันธ์ พ.ศ. ๒๕๖๙``: the one พ.ศ. formatter.

    `short` writes ``5/2/2569`` (as on forms); `abbreviated` the short month names (``5 ก.พ. 2569``);
    `era` puts ``พ.ศ.`` before the year of a written-out date. A datetime also gets its time
    (``14:30 น.``) in its own zone: convert it first (:func:`display_date` does). None gives "".
    """
    if day is None:
        return ""
    if short:
        text = f"{day.day}/{day.month}/{day.year + 543}"
    else:
        month = (THAI_MONTHS_SHORT if abbreviated else THAI_MONTHS)[day.month - 1]
        text = f"{day.day} {month} {'พ.ศ. ' if era else ''}{day.year + 543}"
    if isinstance(day, dt.datetime):
        text += f" {day:%H:%M} น."
    return digits(text, thai_digits)


def academic_term(day: dt.date | None) -> str:
    """The Thai school term of a date: ``ภาคเรียนที่ 2 ปีการศึกษา 2568`` (term 1 from 16 May to October,
    term 2 from November to 15 May of the next CE year, which still belongs to the same academic year)."""
    if day is None:
        return ""
    year = day.year if (day.month, day.day) >= (5, 16) else day.year - 1
    term = 1 if (day.month, day.day) >= (5, 16) and day.month <= 10 else 2
    return f"ภาคเรียนที่ {term} ปีการศึกษา {year + 543}"


def display_date(value: dt.date | None, lang: str = "th", tz: str = "Asia/Bangkok") -> str:
    """A date or time as pages and commands show it: times in the office's zone `tz` (stored times
    are UTC; a naive time is taken as UTC), ``25 พ.ย. 2569 14:30 น.`` in Thai, ``25 Nov 2026 14:30``
    in English."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(ZoneInfo(tz))
    if lang == "th":
        return thai_date(value, thai_digits=False, abbreviated=True, era=False)
    return value.strftime("%d %b %Y %H:%M") if isinstance(value, dt.datetime) else value.strftime("%d %b %Y")

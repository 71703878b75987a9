"""Text helpers shared by every renderer: escaping and sanitising user text, Thai digits, พ.ศ. dates."""

from __future__ import annotations

import datetime as dt
import html

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


def thai_date(day: dt.date, *, thai_digits: bool = True, short: bool = False) -> str:
    """A date in the Buddhist era, e.g. ``๕ กุมภาพันธ์ พ.ศ. ๒๕๖๙`` (CE + 543)."""
    if short:
        text = f"{day.day}/{day.month}/{day.year + 543}"
    else:
        text = f"{day.day} {THAI_MONTHS[day.month - 1]} พ.ศ. {day.year + 543}"
    return digits(text, thai_digits)

"""Thai first, English second: Flask-Babel with a per-user choice kept in the session.

Templates and code are written in Thai (the msgids are Thai); the English catalogue in
`web/translations/en/LC_MESSAGES/messages.po` translates them.  `?lang=en` / `?lang=th` switches.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
               "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
THAI_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
                     "พ.ย.", "ธ.ค.")


def select_locale() -> str:
    langs = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in langs:
        session["lang"] = asked
        return asked
    if session.get("lang") in langs:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def thai_date(value: date | datetime | None, *, short: bool = False, thai_digits: bool = False) -> str:
    """25 พฤศจิกายน 2569: Buddhist-era year (ค.ศ. + 543), as Thai offices write dates."""
    if value is None:
        return ""
    months = THAI_MONTHS_SHORT if short else THAI_MONTHS
    text = f"{value.day} {months[value.month - 1]} {value.year + 543}"
    if isinstance(value, datetime):
        text += f" {value:%H:%M} น."
    return text.translate(THAI_DIGITS) if thai_digits else text


def display_date(value: date | datetime | None) -> str:
    """A date or time for the page, in the office's time zone (stored times are UTC)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    if str(get_locale()) == "th":
        return thai_date(value, short=True)
    return value.strftime("%d %b %Y %H:%M") if isinstance(value, datetime) else value.strftime("%d %b %Y")


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters["thai_date"] = thai_date
    app.jinja_env.filters["display_date"] = display_date

    @app.context_processor
    def _locale_context() -> dict:
        return {"current_locale": str(get_locale())}

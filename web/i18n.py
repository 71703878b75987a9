"""Thai first, English second: Flask-Babel with a per-user choice kept in the session.

Templates and code are written in Thai (the msgids are Thai); the English catalogue in
`web/translations/en/LC_MESSAGES/messages.po` translates them.  `?lang=en` / `?lang=th` switches.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale

from exports import text


def select_locale() -> str:
    langs = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in langs:
        session["lang"] = asked
        return asked
    if session.get("lang") in langs:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def page_language() -> str:
    """"en" or "th": the language of the page being answered (Thai outside a request)."""
    try:
        locale = get_locale()
    except (RuntimeError, KeyError):  # no request: commands and jobs speak Thai first
        return "th"
    return "en" if locale is not None and locale.language == "en" else "th"


def is_english() -> bool:
    return page_language() == "en"


def thai_date(value: date | datetime | None, *, short: bool = False, thai_digits: bool = False) -> str:
    """25 พฤศจิกายน 2569 (``short``: 25 พ.ย. 2569), as pages write dates: :func:`exports.text.thai_date`."""
    return text.thai_date(value, thai_digits=thai_digits, abbreviated=short, era=False)


def display_date(value: date | datetime | None) -> str:
    """A date or time for the page, in the office's time zone and the page's language."""
    return text.display_date(value, str(get_locale()), current_app.config["BABEL_DEFAULT_TIMEZONE"])


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters["thai_date"] = thai_date
    app.jinja_env.filters["display_date"] = display_date

    @app.context_processor
    def _locale_context() -> dict:
        return {"current_locale": str(get_locale())}

"""The domain speaks of error kinds; this one place maps them to HTTP."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import get_locale

from itembank.errors import KhlangError

STATUS = {"invalid": 422, "not_found": 404, "forbidden": 403, "conflict": 409}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def domain_error(e: KhlangError):
    locale = str(get_locale() or "th")
    status = STATUS[e.kind]
    problems = e.problems or (e,)
    if _wants_json():
        return {
            "ok": False,
            "status": status,
            "code": e.code,
            "error": "; ".join(p.text(locale) for p in problems),
            "errors": [p.as_dict(locale) for p in problems],
        }, status
    return render_template("error.html", status=status, messages=[p.text(locale) for p in problems]), status


def not_found(e):
    if _wants_json():
        return {"ok": False, "status": 404, "code": "not_found", "error": "ไม่พบหน้าที่ขอ"}, 404
    return render_template("error.html", status=404, messages=["ไม่พบหน้าที่ขอ"]), 404


def init_app(app: Flask) -> None:
    app.register_error_handler(KhlangError, domain_error)
    app.register_error_handler(404, not_found)

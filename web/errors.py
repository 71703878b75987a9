"""The domain speaks of error kinds; this one place maps them to HTTP, and renders every error page.

Also the hardening every response gets: a request id (shown on error pages and logged with the
traceback a user never sees), security headers (CSP, nosniff, referrer policy, framing refused,
HSTS in production) and ``Cache-Control: no-store`` on pages of a signed-in user.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, current_app, g, render_template, request
from flask_babel import get_locale

from itembank.errors import KhlangError

STATUS = {"invalid": 422, "not_found": 404, "forbidden": 403, "conflict": 409}
log = logging.getLogger("khlang.web")

#: Object-level refusals that would tell a school another school's object exists: shown as "not found".
HIDDEN_AS_NOT_FOUND = ("authz.other_school",)

MESSAGES = {
    400: "คำขอไม่ถูกต้อง",
    401: "กรุณาลงชื่อเข้าใช้ก่อน",
    403: "ไม่มีสิทธิ์เข้าถึงหน้านี้",
    404: "ไม่พบหน้าที่ขอ",
    405: "ไม่รองรับวิธีเรียกนี้",
    413: "ไฟล์หรือข้อมูลที่ส่งมีขนาดใหญ่เกินกำหนด",
    500: "ระบบขัดข้อง: แจ้งผู้ดูแลระบบพร้อมรหัสคำขอด้านล่าง",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def request_id() -> str:
    if "request_id" not in g:
        g.request_id = secrets.token_hex(8)
    return g.request_id


def _page(status: int, messages: list[str], code: str | None = None):
    if _wants_json():
        return {"ok": False, "status": status, "code": code or _CODES.get(status, "error"),
                "error": "; ".join(messages), "request_id": request_id()}, status
    return render_template("error.html", status=status, messages=messages, request_id=request_id()), status


_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          413: "too_large", 500: "server_error"}


def domain_error(e: KhlangError):
    if e.code in HIDDEN_AS_NOT_FOUND:
        return http_error(404)
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
            "request_id": request_id(),
        }, status
    return render_template("error.html", status=status, messages=[p.text(locale) for p in problems],
                           request_id=request_id()), status


def http_error(e):
    status = e if isinstance(e, int) else (getattr(e, "code", None) or 500)
    return _page(status, [MESSAGES.get(status, MESSAGES[400])])


def not_found(e):
    return http_error(404)


def csrf_error(e):
    return _page(400, ["แบบฟอร์มหมดอายุหรือไม่มีรหัสป้องกัน (CSRF): โหลดหน้าใหม่แล้วลองอีกครั้ง"], "csrf")


def server_error(e):
    original = getattr(e, "original_exception", None) or e
    log.error("request %s %s %s failed", request_id(), request.method, request.path, exc_info=original)
    return _page(500, [MESSAGES[500]])


def _headers(response):
    c = current_app.config
    h = response.headers
    h.setdefault("Content-Security-Policy", c["CONTENT_SECURITY_POLICY"])
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h["X-Request-Id"] = request_id()
    if c.get("PRODUCTION"):
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    from flask_login import current_user

    if current_user and current_user.is_authenticated and "Cache-Control" not in h:
        h["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException

    app.register_error_handler(KhlangError, domain_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(404, not_found)
    app.register_error_handler(500, server_error)
    app.after_request(_headers)

"""ลงชื่อเข้าใช้ (sign-in) for the pages: who is acting, and what each route may do.

Every route declares its permission: :func:`requires` names an action of the one role × action
table (:mod:`itembank.authz`), :func:`public` marks the few routes anyone may reach (sign-in page,
fonts). The route inventory test walks ``app.url_map`` and fails on a route that declares neither.

Sessions are server-side rows (:class:`itembank.accounts.AuthSession`): the signed cookie holds a
random token whose hash is the row's id, so sign-out, a password change or disabling the account
ends the session for every copy of the cookie. Machine clients send ``Authorization: Bearer khl_…``
(a scoped API token); they carry no cookie, so they need no CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from itembank.accounts import SignInPolicy, UserPublic
from itembank.authz import Actor

PUBLIC = "public"
#: The permission of pages any signed-in person may open (their home, their own account).
SIGNED_IN = "account.self"

csrf = CSRFProtect()
login_manager = LoginManager()


class SignedIn:
    """The Flask-Login user: an account and the session token (or API token scopes) it came with."""

    is_anonymous = False

    def __init__(self, user: UserPublic, token: str | None, scopes: tuple[str, ...] | None = None):
        self.user, self.token, self.scopes = user, token, scopes

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.user.is_active

    def get_id(self) -> str | None:
        return self.token


def policy(app: Flask | None = None) -> SignInPolicy:
    c = (app or current_app).config
    return SignInPolicy(max_failures=int(c["LOGIN_MAX_FAILURES"]),
                        window=timedelta(minutes=float(c["LOGIN_WINDOW_MINUTES"])),
                        idle=timedelta(minutes=float(c["SESSION_IDLE_MINUTES"])),
                        absolute=timedelta(hours=float(c["SESSION_ABSOLUTE_HOURS"])))


def client_ip() -> str | None:
    return (request.remote_addr or "")[:64] or None


def current_actor() -> Actor | None:
    """The Actor of the signed-in user (None when nobody is signed in)."""
    if current_user.is_authenticated:
        return current_user.user.actor()
    return None


def acting() -> Actor:
    """The Actor of a route that declared a permission (it is always signed in there)."""
    actor = current_actor()
    if actor is None:
        abort(401)
    return actor


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a route anyone may reach (the inventory test accepts it)."""
    view.khlang_permission = PUBLIC  # type: ignore[attr-defined]
    return view


def requires(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the action a route needs: anonymous users go to the sign-in page (401 for JSON),
    users whose roles lack it get 403 (and an audit row). The service called by the view checks
    the object itself (other school → the same 404 as a missing object)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            actor = current_actor()
            if actor is None:
                if _wants_json() or request.method not in ("GET", "HEAD"):
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            scopes = current_user.scopes
            if not actor.may(action) or (scopes is not None and "*" not in scopes and action not in scopes):
                _audit_denied(actor, action)
                abort(403)
            return view(*args, **kwargs)

        wrapped.khlang_permission = action  # type: ignore[attr-defined]
        return wrapped

    return decorate


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _audit_denied(actor: Actor, action: str) -> None:
    from itembank.audit import record
    from web.store_ext import write_session

    with write_session() as s:
        record(s, "access.denied", actor=actor, ip=client_ip(), outcome="denied", object_type="route",
               object_id=request.path, detail={"action": action, "method": request.method})


def audit_download(document: str, object_id: str | None = None, **detail: Any) -> None:
    """Record a download of secure material (who, school, what, from where) in the audit log."""
    from itembank.audit import record
    from web.store_ext import write_session

    with write_session() as s:
        record(s, "download", actor=acting(), ip=client_ip(), object_type=document, object_id=object_id,
               detail={k: v for k, v in detail.items() if v})


#: When this process last ran a writing check of a session or token (its hash): the check of every
#: other request is read-only, with no write transaction (on SQLite no write lock, on PostgreSQL no
#: BEGIN/COMMIT), and the writing check stamps last-seen at most once a minute (itembank.accounts).
_checked: dict[str, float] = {}
_CHECKED_MAX = 10_000


def _write_due(token: str) -> bool:
    """True when this process has not run a writing check of `token` for TOUCH_EVERY (then it is noted)."""
    import hashlib
    import time

    from itembank.accounts import TOUCH_EVERY

    key, now = hashlib.sha256(token.encode()).hexdigest(), time.monotonic()
    last = _checked.get(key)
    if last is not None and now - last < TOUCH_EVERY.total_seconds():
        return False
    if len(_checked) >= _CHECKED_MAX:
        _checked.clear()
    _checked[key] = now
    return True


def _load_session_user(token: str) -> SignedIn | None:
    from itembank.accounts import session_user
    from web.store_ext import read_session, write_session

    with read_session() as s:
        user = session_user(s, token, policy=policy(), touch=False)
    if user is None or _write_due(token):  # refused (ends an idle session) or last-seen is due
        with write_session() as s:
            user = session_user(s, token, policy=policy())
    return SignedIn(user, token) if user else None


def _load_token_user(req) -> SignedIn | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    from itembank.accounts import token_user
    from web.store_ext import read_session, write_session

    token = header[len("Bearer "):].strip()
    with read_session() as s:
        found = token_user(s, token, touch=False)
    if found is not None and _write_due(token):
        with write_session() as s:
            found = token_user(s, token)
    if found is None:
        return None
    user, scopes = found
    g.khlang_bearer = True
    return SignedIn(user, None, scopes)


def _csrf_unless_bearer() -> None:
    """CSRF on every state change of a cookie session (sign-in included); bearer clients carry none."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return
    try:
        csrf.protect()
    except AttributeError:  # a hostile multipart body (a field with no name) that Flask-WTF cannot read
        abort(400)


def init_app(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # checked in _csrf_unless_bearer
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_session_user)
    login_manager.request_loader(_load_token_user)
    login_manager.login_view = "auth.login"
    app.before_request(_csrf_unless_bearer)

    @app.context_processor
    def _auth_context() -> dict:
        from itembank.authz import ROLE_TH
        from web.nav import links_for, role_label

        signed = current_user if current_user.is_authenticated else None
        return {"signed_in": signed, "ROLE_TH": ROLE_TH,
                "nav_links": links_for(signed.user.actor() if signed else None), "role_label": role_label}

    from web.auth import views

    app.register_blueprint(views.bp)

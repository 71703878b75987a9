"""Khlang's web application: factory, one blueprint per area, pages and the REST API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Flask is imported when an app is built, not by every `khlang` command
    from flask import Flask


def create_app(overrides: Mapping[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Build the Flask app: configuration is read here and nowhere else."""
    import os

    from flask import Flask

    from web.config import load_config

    instance_path = instance_path or os.environ.get("KHLANG_INSTANCE") or None
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    from web.production import UnsafeConfiguration, check_production, refuse_demo_accounts

    app.config.update(load_config(app.instance_path, overrides))
    check_production(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    _session_settings(app.config)
    if int(app.config.get("TRUSTED_PROXIES") or 0) > 0:  # only behind the known proxy (audit log IPs)
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]

    from web import auth, errors, i18n, jobs, store_ext

    for part in (store_ext, i18n, errors, jobs, auth):
        part.init_app(app)
    if app.config.get("PRODUCTION"):
        try:
            refuse_demo_accounts(app)
        except UnsafeConfiguration:
            store_ext.get_store(app).dispose()  # no connection outlives a refused start
            raise

    import importlib

    from web import api

    api.init_app(app)
    for module in AREAS:
        views = importlib.import_module(module)
        for name in ("bp", "api_bp"):
            if hasattr(views, name):
                app.register_blueprint(getattr(views, name))
    return app


#: Every area's pages (``bp``) and API routes (``api_bp`` or a ``web/<area>/api.py`` of its own).
AREAS = (
    "web.home.views",
    "web.bank.views", "web.bank.edit", "web.bank.io", "web.bank.api",
    "web.forms.views", "web.forms.api",
    "web.administrations.views", "web.administrations.api", "web.administrations.proctor_views",
    "web.portal.views",
    "web.analysis.views", "web.analysis.step_views", "web.analysis.api",
    "web.reports.views", "web.reports.api",
    "web.supervision.views", "web.supervision.api",
    "web.admin.views", "web.admin.pages",
    "web.jobs.views",
)


def _session_settings(config: dict[str, Any]) -> None:
    from datetime import timedelta

    config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=float(config["SESSION_ABSOLUTE_HOURS"]))
    if config.get("PRODUCTION"):
        config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True


def _instance_secret(instance_path: str) -> str:
    """A random key kept in the instance folder, so sessions survive restarts of the demo."""
    import os
    import secrets

    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    with open(path) as f:
        return f.read().strip()

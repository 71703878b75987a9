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
    app.config.update(load_config(app.instance_path, overrides))
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)

    from web import errors, i18n, jobs, store_ext

    for part in (store_ext, i18n, errors, jobs):
        part.init_app(app)

    from web.bank import views as bank_views
    from web.home import views as home_views

    app.register_blueprint(home_views.bp)
    app.register_blueprint(bank_views.bp)
    return app


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

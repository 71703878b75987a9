"""The production entry point: ``gunicorn -w 5 --preload web.wsgi:app`` (README, "Production").

``app`` is built by :func:`web.create_app` from the environment (KHLANG_INSTANCE, DATABASE_URL …)
and then warmed: every module of the rooms the pages call is imported, and every template is
compiled, before gunicorn forks its workers. The views import their services lazily (so that
``khlang`` commands start quickly); served cold, each worker's first item page imported pandas,
SciPy and OR-Tools (3–4 s of CPU on the 2-core server) and its first spreadsheet download openpyxl,
while its queue of requests waited. With ``--preload`` the workers share the warmed interpreter;
without it each worker warms itself before it takes its first request. The pooled database
connections are not shared: :mod:`itembank.store` disposes them in every forked worker.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask

from web import create_app

#: The rooms whose services the pages and API routes call (``demo`` is only for ``khlang demo``).
ROOMS = ("psychometrics", "itembank", "testgen", "scoring", "exports", "supervision", "web")


def _skipped(name: str) -> bool:
    parts = name.split(".")
    return "migrations" in parts or "cli" in parts or parts[-1] in ("cli", "__main__", "wsgi")


def warm_up(app: Flask) -> int:
    """Import the rooms' modules and compile the app's templates; the number of modules imported."""
    n = 0
    for room in ROOMS:
        package = importlib.import_module(room)
        for info in pkgutil.walk_packages(package.__path__, f"{room}."):
            if not _skipped(info.name):
                importlib.import_module(info.name)
                n += 1
    env = app.jinja_env
    for name in env.list_templates(filter_func=lambda t: t.endswith((".html", ".txt", ".xml"))):
        env.get_template(name)
    return n


app = create_app()
warm_up(app)

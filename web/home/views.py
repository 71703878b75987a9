"""Home: what is in the bank at a glance, and the fonts every page uses."""

from __future__ import annotations

import os

from flask import Blueprint, abort, render_template, send_from_directory

bp = Blueprint("home", __name__)

_FONTS = ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf")


@bp.get("/")
def index():
    """The bank at a glance (counts by status, learning area and grade) for whoever may browse it."""
    from flask import current_app

    from itembank.authz import Actor
    from itembank.browse import bank_overview
    from web.store_ext import read_session

    role = current_app.config["BROWSE_AS_ROLE"]
    overview = None
    if role:
        with read_session() as session:
            overview = bank_overview(session, Actor(user_id=None, username="web", role=role))
    return render_template("home/index.html", overview=overview)


@bp.get("/fonts/<name>")
def font(name: str):
    """Sarabun, from its PyPI package (no CDN); only the two files the stylesheet names."""
    if name not in _FONTS:
        abort(404)
    import fontpkg_sarabun

    folder = os.path.join(os.path.dirname(fontpkg_sarabun.__file__), "files")
    return send_from_directory(folder, name, max_age=30 * 24 * 3600)

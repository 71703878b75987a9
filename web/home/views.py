"""Home: what is in the bank at a glance, and the fonts every page uses."""

from __future__ import annotations

import os

from flask import Blueprint, abort, render_template, send_from_directory

from web.auth import SIGNED_IN, acting, public, requires

bp = Blueprint("home", __name__)

_FONTS = ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf")


@bp.get("/")
@requires(SIGNED_IN)
def index():
    """The bank at a glance (counts by status, learning area and grade) for whoever may browse it."""
    from itembank.browse import bank_overview
    from web.store_ext import read_session

    actor = acting()
    overview = None
    if actor.may("item.search"):
        with read_session() as session:
            overview = bank_overview(session, actor)
    return render_template("home/index.html", overview=overview)


@bp.get("/fonts/<name>")
@public
def font(name: str):
    """Sarabun, from its PyPI package (no CDN); only the two files the stylesheet names."""
    if name not in _FONTS:
        abort(404)
    import fontpkg_sarabun

    folder = os.path.join(os.path.dirname(fontpkg_sarabun.__file__), "files")
    return send_from_directory(folder, name, max_age=30 * 24 * 3600)

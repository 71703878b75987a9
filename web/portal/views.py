"""The school portal: its own administrations after release, downloads, roster and answer uploads, its results."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/school")

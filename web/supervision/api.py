"""REST API of supervision (see web.api)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("supervision_api", __name__, url_prefix="/api/v1")

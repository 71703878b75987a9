"""REST API of results and reports (see web.api)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1")

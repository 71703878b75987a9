"""REST API of item statistics and analysis (see web.api)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("analysis_api", __name__, url_prefix="/api/v1")

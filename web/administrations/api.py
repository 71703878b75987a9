"""REST API of administrations, downloads, uploads and results (see web.api)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("administrations_api", __name__, url_prefix="/api/v1")

"""REST API of blueprints and forms (see web.api)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("forms_api", __name__, url_prefix="/api/v1")

"""การจัดสอบ (administrations) for the district: pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("administrations", __name__, url_prefix="/administrations")

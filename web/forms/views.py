"""ผังการออกข้อสอบและฉบับข้อสอบ (blueprints and forms): pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("forms", __name__, url_prefix="/forms")

"""นิเทศและประกันคุณภาพ (supervision and QA): pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

"""REST API of the bank: search, items, versions, import (see web.api)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("bank_api", __name__, url_prefix="/api/v1")

"""รายงาน (reports): school, district and item-analysis reports as pages, PDF, DOCX and XLSX."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

"""คลังข้อสอบ: import with a dry-run table of row problems then commit; export; instruments as PDF and DOCX."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("bank_io", __name__, url_prefix="/bank")

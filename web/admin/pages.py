"""ผู้ดูแลระบบ: schools, academic years, jobs, the audit log, backups."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")

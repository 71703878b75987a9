"""คลังข้อสอบ: create and edit items (a new version), passages, media, the review queue, IOC entry."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("bank_edit", __name__, url_prefix="/bank")

"""วิเคราะห์ข้อสอบ (analysis): item statistics, flags, review tasks, plots, calibration, linking and DIF jobs."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("analysis", __name__, url_prefix="/analysis")

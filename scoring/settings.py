"""The scoring settings of an administration (``Administration.settings``), with the district's defaults.

- ``grade_cuts``: the 8-level grade (4 … 0) from the percentage: 80/75/70/65/60/55/50 by default
  (``/work/shared/reference/competencies_and_scales.json``, grade_scale).
- ``quality_cuts``: ดีมาก/ดี/พอใช้/ปรับปรุง from the percentage: ≥ 80, ≥ 70, ≥ 50, below.
- ``trait_cuts``: the 4-level result of trait instruments (ดีเยี่ยม 3, ดี 2, ผ่าน 1, ไม่ผ่าน 0):
  ≥ 80, ≥ 65, ≥ 50 %, used when ``result_scale`` is ``"trait4"``.
- ``mastery_cut``: an indicator is mastered when the share of its points earned reaches it (0.6).
- ``scale``: the district's scale score = intercept + slope · θ (500 + 100 θ).
- ``cancelled`` {item code: "credit" | "drop"}, ``rekey`` {item code: {"key": [...], "any_of": bool}},
  ``partial_credit`` [item codes]: see :mod:`scoring.keying`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

GRADES = (4.0, 3.5, 3.0, 2.5, 2.0, 1.5, 1.0, 0.0)
GRADE_CUTS = (80.0, 75.0, 70.0, 65.0, 60.0, 55.0, 50.0)
QUALITY_LEVELS = ("excellent", "good", "fair", "improve")
QUALITY_TH = {"excellent": ("ดีมาก", "Excellent"), "good": ("ดี", "Good"), "fair": ("พอใช้", "Fair"),
              "improve": ("ปรับปรุง", "Needs improvement")}
QUALITY_CUTS = (80.0, 70.0, 50.0)
TRAIT_LEVELS = ("3", "2", "1", "0")
TRAIT_TH = {"3": ("ดีเยี่ยม", "Excellent"), "2": ("ดี", "Good"), "1": ("ผ่าน", "Pass"), "0": ("ไม่ผ่าน", "Fail")}
TRAIT_CUTS = (80.0, 65.0, 50.0)
DEFAULTS: dict[str, Any] = {"grade_cuts": list(GRADE_CUTS), "quality_cuts": list(QUALITY_CUTS),
                            "trait_cuts": list(TRAIT_CUTS), "mastery_cut": 0.6,
                            "scale": {"intercept": 500.0, "slope": 100.0}, "result_scale": "quality"}


def effective(settings: dict[str, Any] | None) -> dict[str, Any]:
    """The defaults overlaid with an administration's own settings."""
    out = dict(DEFAULTS)
    out.update(settings or {})
    return out


def _levels(percent: np.ndarray, cuts, labels) -> np.ndarray:
    """labels[k] for the first cut the percentage reaches (cuts descending), the last label below all."""
    cuts = np.asarray(cuts, dtype=float)
    idx = (np.asarray(percent, float)[:, None] < cuts[None, :] - 1e-9).sum(axis=1)
    return np.asarray(labels, dtype=object)[idx]


def grades(percent: np.ndarray, settings: dict[str, Any]) -> np.ndarray:
    return _levels(percent, effective(settings)["grade_cuts"], GRADES).astype(float)


def quality(percent: np.ndarray, settings: dict[str, Any]) -> np.ndarray:
    s = effective(settings)
    if s["result_scale"] == "trait4":
        return _levels(percent, s["trait_cuts"], TRAIT_LEVELS)
    return _levels(percent, s["quality_cuts"], QUALITY_LEVELS)


def level_label(code: str | None, lang: str = "th") -> str:
    if code is None:
        return ""
    th, en = QUALITY_TH.get(code) or TRAIT_TH.get(code) or (code, code)
    return en if lang == "en" else th

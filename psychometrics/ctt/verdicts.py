"""Thai verdict words (คำวิจารณ์) for p, r, distractors and reliability, from band tables kept as data.

The tables live in ``bands.json`` next to this module, each with its source (see
``/work/shared/notes/thai-practice.md`` §1.1, §1.2, §1.4, §1.8). Thai programs judge the value
*as displayed*, rounded to 2 decimals, so a p of .195 is shown as .20 and judged "ค่อนข้างยาก",
not "ยากมาก" (EVANA, §1.10 gotcha 1). :func:`round_half_up` does that rounding the way Excel's
``ROUND`` does: half away from zero on the decimal value the user sees, not on the binary float
(Python's ``round`` rounds half to even and works on the binary value: ``round(0.125, 2) == 0.12``,
``round(0.145, 2) == 0.14``; Excel and EVANA show .13 and .15).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from psychometrics.errors import PsychometricsError

__all__ = [
    "BandTable",
    "band_table",
    "band_tables",
    "decision_label",
    "difficulty_verdicts",
    "discrimination_verdicts",
    "distractor_verdicts",
    "reliability_verdict",
    "round_half_up",
]

LOCALES = ("th", "en")


def round_half_up(x: ArrayLike, decimals: int = 2) -> np.ndarray:
    """Round half away from zero on the decimal value, as Excel's ``ROUND`` and Thai programs do.

    Parameters
    ----------
    x : array_like of float
        NaN stays NaN.
    decimals : int, default=2

    Returns
    -------
    ndarray of float, same shape as `x`

    Notes
    -----
    The scaled value is first rounded to 9 decimals so that binary noise (``0.145 * 100 ==
    14.499999999999998``) does not decide a half; Excel does the same by working on 15 significant
    digits. Negative halves go away from zero (Excel: ``ROUND(-0.125, 2) = -0.13``); JavaScript's
    ``Math.round`` used by some web ports goes towards +∞ there (-.12), which only matters for
    negative r exactly on a half.

    Examples
    --------
    >>> round_half_up([0.195, 0.145, 0.125, -0.125, 0.394999]).tolist()
    [0.2, 0.15, 0.13, -0.13, 0.39]
    """
    a = np.asarray(x, dtype=float)
    scale = 10.0**decimals
    scaled = np.round(a * scale, 9)
    return np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / scale


@dataclass(frozen=True)
class Band:
    label_th: str
    label_en: str
    min: float | None = None  # inclusive
    above: float | None = None  # strict

    def admits(self, v: np.ndarray) -> np.ndarray:
        if self.min is not None:
            return v >= self.min - 1e-12
        if self.above is not None:
            return v > self.above + 1e-12
        return np.ones(v.shape, dtype=bool)

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" else self.label_th


@dataclass(frozen=True)
class BandTable:
    """An ordered list of bands: the first band a (rounded) value meets gives its verdict."""

    name: str
    source: str
    bands: tuple[Band, ...]

    def classify(self, values: ArrayLike, locale: str = "th", *, decimals: int = 2) -> list[str | None]:
        """Verdict for each value after 2-decimal half-up rounding; None where the value is NaN."""
        _check_locale(locale)
        v = round_half_up(np.atleast_1d(np.asarray(values, dtype=float)), decimals)
        out: list[str | None] = [None] * v.size
        undecided = ~np.isnan(v)
        for band in self.bands:
            hit = undecided & band.admits(np.nan_to_num(v, nan=-np.inf))
            for i in np.flatnonzero(hit):
                out[i] = band.label(locale)
            undecided &= ~hit
        return out


def _check_locale(locale: str) -> None:
    if locale not in LOCALES:
        raise PsychometricsError(f"ไม่รู้จักภาษา {locale!r} (ใช้ได้: th, en) / unknown locale {locale!r}")


@cache
def band_tables() -> Mapping[str, Any]:
    """The raw band data (``bands.json``), read once."""
    text = resources.files("psychometrics.ctt").joinpath("bands.json").read_text(encoding="utf-8")
    return json.loads(text)


def _band(d: Mapping[str, Any]) -> Band:
    return Band(d["th"], d["en"], d.get("min"), d.get("above"))


@cache
def band_table(statistic: str, name: str) -> BandTable:
    """The band table `name` for `statistic` ("difficulty", "discrimination", "distractor").

    Raises
    ------
    PsychometricsError
        When there is no such table; the message lists the tables there are.
    """
    data = band_tables()
    tables = data.get(statistic)
    if not isinstance(tables, Mapping) or name not in tables:
        known = sorted(tables) if isinstance(tables, Mapping) else []
        raise PsychometricsError(
            f"ไม่มีตารางเกณฑ์ {name!r} สำหรับ {statistic} (มี: {', '.join(known)}) / "
            f"no band table {name!r} for {statistic}"
        )
    t = tables[name]
    return BandTable(name, t["source"], tuple(_band(b) for b in t["bands"]))


def difficulty_verdicts(p: ArrayLike, table: str = "evana", locale: str = "th") -> list[str | None]:
    """Thai (or English) difficulty verdicts: ง่ายมาก … ยากมาก, judged on p rounded to 2 decimals."""
    return band_table("difficulty", table).classify(p, locale)


def discrimination_verdicts(
    r: ArrayLike, table: str = "evana", locale: str = "th", *, n_persons: int | None = None, min_n: int = 0
) -> list[str | None]:
    """Verdicts for the key's r: ดีมาก … ติดลบ (or EVANA's wording); "n น้อยเกินไป" below `min_n`."""
    if n_persons is not None and n_persons < min_n:
        word = decision_label("too_few", locale)
        return [word] * np.atleast_1d(np.asarray(r)).size
    return band_table("discrimination", table).classify(r, locale)


def distractor_verdicts(
    r: ArrayLike, n_chosen: ArrayLike, locale: str = "th", table: str = "evana"
) -> list[str | None]:
    """EVANA's distractor verdicts from r = (L − H)/g; "ไม่มีคนเลือก" when neither group chose it."""
    _check_locale(locale)
    data = band_tables()["distractor"][table]
    out = band_table("distractor", table).classify(r, locale)
    none = np.atleast_1d(np.asarray(n_chosen)) == 0
    word = data["none_chosen"][locale]
    return [word if z else v for v, z in zip(out, none, strict=True)]


def decision_label(decision: str, locale: str = "th") -> str:
    """The words for an item decision: "good", "revise", "drop" or "too_few"."""
    _check_locale(locale)
    return band_tables()["decision"][decision][locale]


def reliability_verdict(value: float, locale: str = "th") -> str | None:
    """ดี (≥ .80), ยอมรับได้ (≥ .70) or ต่ำกว่าเกณฑ์ for KR-20 / α, on the 2-decimal value."""
    _check_locale(locale)
    bands = tuple(_band(b) for b in band_tables()["reliability"]["bands"])
    return BandTable("reliability", band_tables()["reliability"]["source"], bands).classify([value], locale)[
        0
    ]

"""Curriculum editions, and the hook that maps codes from one edition to another.

A revision of the curriculum must never orphan items tagged with an older edition: every stored
code carries its edition, every edition stays loadable, and a mapping between two editions is
explicit data (``register_mapping``), never a guess from equal-looking codes (the 2560 revision
reused codes such as ``ว 2.1`` with a different meaning).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from itembank.curriculum.codes import IndicatorCode
from itembank.curriculum.errors import CurriculumError


@dataclass(frozen=True)
class Edition:
    """One edition of the core curriculum, and which shipped data make it up."""

    key: str
    title_th: str
    title_en: str
    #: areas whose indicators come from curriculum.json (Thai, and the 2560 math)
    reference_areas: tuple[str, ...]
    #: standard codes per area when they differ from curriculum.json's current set
    legacy_standards: tuple[str, ...] = ()


EDITIONS: dict[str, Edition] = {
    "2551": Edition(
        key="2551",
        title_th="หลักสูตรแกนกลางการศึกษาขั้นพื้นฐาน พุทธศักราช 2551",
        title_en="Basic Education Core Curriculum B.E. 2551 (A.D. 2008)",
        reference_areas=("ท",),
        legacy_standards=("ค", "ว", "ง"),
    ),
    "2551-rev2560": Edition(
        key="2551-rev2560",
        title_th="หลักสูตรแกนกลางการศึกษาขั้นพื้นฐาน พุทธศักราช 2551 (ฉบับปรับปรุง พ.ศ. 2560)",
        title_en="Basic Education Core Curriculum B.E. 2551, revised B.E. 2560 (A.D. 2017)",
        reference_areas=("ท", "ค"),
    ),
}
DEFAULT_EDITION = "2551-rev2560"
#: other names people and stored rows use for the same editions (the store's default is "2551-2560")
EDITION_ALIASES: dict[str, str] = {
    "2551-2560": "2551-rev2560",
    "2560": "2551-rev2560",
    "2551 (2560)": "2551-rev2560",
}

Mapper = Callable[[IndicatorCode], IndicatorCode | None]
_MAPPINGS: dict[tuple[str, str], Mapper] = {}


def edition(key: str | None) -> Edition:
    """The edition named `key` (None: the current one); CurriculumError for an unknown name."""
    key = DEFAULT_EDITION if key is None else str(key).strip()
    key = EDITION_ALIASES.get(key, key)
    if key not in EDITIONS:
        known = ", ".join(EDITIONS)
        raise CurriculumError(
            "curriculum.edition.unknown",
            f"ฉบับหลักสูตร '{key}': ไม่มีฉบับนี้ (มี {known})",
            f"curriculum edition '{key}': unknown (known: {known})",
            value=key,
        )
    return EDITIONS[key]


def register_mapping(from_edition: str, to_edition: str, mapping: Mapping[str, str] | Mapper) -> None:
    """Declare how codes of `from_edition` translate into `to_edition`.

    `mapping` is either a table {old code: new code} (codes in any accepted spelling) or a function
    returning the new code or None. A later registration for the same pair replaces the earlier one.
    """
    pair = (edition(from_edition).key, edition(to_edition).key)
    if callable(mapping):
        _MAPPINGS[pair] = mapping
        return
    table = {IndicatorCode.parse(k): IndicatorCode.parse(v) for k, v in mapping.items()}
    _MAPPINGS[pair] = table.get


def mapping(from_edition: str, to_edition: str) -> Mapper | None:
    """The registered mapper for the pair, or None."""
    return _MAPPINGS.get((edition(from_edition).key, edition(to_edition).key))

"""Plain, frozen records of the curriculum: what ``Curriculum`` hands out."""

from __future__ import annotations

from dataclasses import dataclass, field

from itembank.curriculum.codes import (
    CompetencyCode,
    IndicatorCode,
    LearningArea,
    StandardCode,
    TraitIndicatorCode,
)


@dataclass(frozen=True)
class Strand:
    """สาระ (strand) of a learning area."""

    area: LearningArea
    number: int
    name_th: str


@dataclass(frozen=True)
class Standard:
    """มาตรฐานการเรียนรู้ with its text and the status word of its source (verified / single_source / unverified)."""

    code: StandardCode
    text: str | None
    status: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    """ตัวชี้วัด with its text, status word and sources, as one edition of the curriculum states it."""

    code: IndicatorCode
    text: str
    status: str
    edition: str
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def grade(self) -> str:
        return str(self.code.grade)


@dataclass(frozen=True)
class TraitIndicator:
    """ตัวชี้วัดคุณลักษณะอันพึงประสงค์, e.g. 1.1 เป็นพลเมืองดีของชาติ."""

    code: TraitIndicatorCode
    text: str
    status: str


@dataclass(frozen=True)
class DesiredTrait:
    """คุณลักษณะอันพึงประสงค์ (one of 8) and its indicators."""

    number: int
    name_th: str
    indicators: tuple[TraitIndicator, ...]


@dataclass(frozen=True)
class KeyCompetency:
    """สมรรถนะสำคัญของผู้เรียน (one of 5)."""

    code: CompetencyCode
    name_th: str
    definition: str | None = None


@dataclass(frozen=True)
class QualityLevel:
    """One level of the 4-level quality scale ดีเยี่ยม 3 / ดี 2 / ผ่าน 1 / ไม่ผ่าน 0."""

    code: int
    label: str
    meaning: str | None


@dataclass(frozen=True)
class GradeLevel:
    """One level of the 8-level grade scale (4, 3.5, … 0) and its usual percentage band."""

    grade: float
    label: str
    min_pct: int
    max_pct: int


@dataclass(frozen=True)
class ReadingThinkingWriting:
    """การอ่าน คิดวิเคราะห์ และเขียน: its domains, levels and the school 7-criterion sheet."""

    domains: tuple[str, ...]
    levels: tuple[QualityLevel, ...]
    criteria: tuple[str, ...] = field(default=())

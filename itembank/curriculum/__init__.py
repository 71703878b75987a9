"""The curriculum taxonomy as data (หลักสูตรแกนกลางการศึกษาขั้นพื้นฐาน): codes, editions, lookups.

>>> from itembank.curriculum import load_curriculum, IndicatorCode
>>> cur = load_curriculum()                       # the current edition, 2551-rev2560
>>> str(IndicatorCode.parse("ค๑.๑ ป๖/๒"))
'ค 1.1 ป.6/2'
>>> cur.indicator("ค 1.1 ป.6/1").status
'verified'
"""

from itembank.curriculum.codes import (
    AREA_ABBREVIATIONS,
    AREA_LETTERS,
    AREA_NAMES_EN,
    AREA_NAMES_TH,
    CompetencyCode,
    Grade,
    IndicatorCode,
    LearningArea,
    StandardCode,
    TraitIndicatorCode,
    normalise,
)
from itembank.curriculum.curriculum import Curriculum, load_curriculum, sources_text
from itembank.curriculum.editions import DEFAULT_EDITION, EDITIONS, Edition, register_mapping
from itembank.curriculum.errors import CurriculumError
from itembank.curriculum.model import (
    DesiredTrait,
    GradeLevel,
    Indicator,
    KeyCompetency,
    QualityLevel,
    ReadingThinkingWriting,
    Standard,
    Strand,
    TraitIndicator,
)

__all__ = [
    "AREA_ABBREVIATIONS",
    "AREA_LETTERS",
    "AREA_NAMES_EN",
    "AREA_NAMES_TH",
    "DEFAULT_EDITION",
    "EDITIONS",
    "CompetencyCode",
    "Curriculum",
    "CurriculumError",
    "DesiredTrait",
    "Edition",
    "Grade",
    "GradeLevel",
    "Indicator",
    "IndicatorCode",
    "KeyCompetency",
    "LearningArea",
    "QualityLevel",
    "ReadingThinkingWriting",
    "Standard",
    "StandardCode",
    "Strand",
    "TraitIndicator",
    "TraitIndicatorCode",
    "load_curriculum",
    "normalise",
    "register_mapping",
    "sources_text",
]

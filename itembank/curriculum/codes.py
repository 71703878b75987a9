"""Curriculum codes as value objects with a grammar: parse, normalise, format, order.

The grammar follows the Basic Education Core Curriculum B.E. 2551 (and its 2560 revision) as
written in Thai documents (see ``data/curriculum.json`` ``code_grammar``):

====================  =========================================  ==================
value object          canonical form                             example
====================  =========================================  ==================
LearningArea          one Thai letter ท ค ว ส พ ศ ง ต              ``ค``
Grade                 ``ป.1``–``ป.6``, ``ม.1``–``ม.6``, ``ม.4-6``     ``ป.6``
StandardCode          ``<area> <strand>.<standard>``             ``ค 1.1``
IndicatorCode         ``<standard code> <grade>/<number>``       ``ค 1.1 ป.6/2``
TraitIndicatorCode    ``<trait>.<indicator>`` (desired traits)   ``1.2``
CompetencyCode        ``1``–``5`` (key competencies)             ``3``
====================  =========================================  ==================

``parse()`` first normalises what people commonly type (Thai digits ๐–๙, full-width digits,
NBSP and zero-width characters, missing or extra spaces, ``ป6`` / ``ป 6`` / ``ป.๖`` for ``ป.6``,
full-width stops and slashes, dashes in ``ม.4–6`` or ``ม.4-ม.6``), then checks the grammar and
raises :class:`~itembank.curriculum.errors.CurriculumError` with a Thai message that says what is
wrong. Whether a well-formed code exists is a question for :class:`~itembank.curriculum.Curriculum`.
Latin letters are not accepted for learning areas: no Latin abbreviation is standard in Thai
documents (the English edition's "AR2.2" style is a different scheme), so the message names the
Thai letter instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache, total_ordering
from typing import ClassVar

from itembank.curriculum.errors import CurriculumError

AREA_LETTERS: tuple[str, ...] = ("ท", "ค", "ว", "ส", "พ", "ศ", "ง", "ต")
AREA_NAMES_TH: dict[str, str] = {
    "ท": "ภาษาไทย",
    "ค": "คณิตศาสตร์",
    "ว": "วิทยาศาสตร์และเทคโนโลยี",
    "ส": "สังคมศึกษา ศาสนา และวัฒนธรรม",
    "พ": "สุขศึกษาและพลศึกษา",
    "ศ": "ศิลปะ",
    "ง": "การงานอาชีพ",
    "ต": "ภาษาต่างประเทศ",
}
AREA_NAMES_EN: dict[str, str] = {
    "ท": "Thai Language",
    "ค": "Mathematics",
    "ว": "Science and Technology",
    "ส": "Social Studies, Religion and Culture",
    "พ": "Health and Physical Education",
    "ศ": "Arts",
    "ง": "Occupations",
    "ต": "Foreign Languages",
}
#: Two-letter Latin abbreviations Khlang uses in item codes ("P6-MA-0001"); not a curriculum standard.
AREA_ABBREVIATIONS: dict[str, str] = {
    "ท": "TH",
    "ค": "MA",
    "ว": "SC",
    "ส": "SO",
    "พ": "PE",
    "ศ": "AR",
    "ง": "CT",
    "ต": "FL",
}
_ABBREVIATION_TO_AREA = {v: k for k, v in AREA_ABBREVIATIONS.items()}

_FORMAT_INDICATOR = "<กลุ่มสาระ> <สาระ>.<มาตรฐาน> <ชั้น>/<ข้อ> เช่น ค 1.1 ป.6/2"
_FORMAT_INDICATOR_EN = "<area> <strand>.<standard> <grade>/<number>, e.g. ค 1.1 ป.6/2"

# --------------------------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------------------------

_TRANSLATE = {
    **{ord(t): str(i) for i, t in enumerate("๐๑๒๓๔๕๖๗๘๙")},
    **{ord(f): str(i) for i, f in enumerate("０１２３４５６７８９")},
    # spaces that look like spaces
    **{
        ord(c): " "
        for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
        "\u202f\u205f\u3000\t\r\n"
    },
    # invisible characters that sneak in from Word and web pages
    **{ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"},
    # full stops, slashes and dashes
    **{ord(c): "." for c in "\uff0e\u3002\u2024\u00b7\u2027"},
    **{ord(c): "/" for c in "\uff0f\u2044\u2215"},
    **{ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"},
}
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Map the common typing variants to plain characters; no grammar is checked here.

    Thai and full-width digits become ASCII digits, every kind of space becomes one space,
    zero-width characters disappear, and full stops, slashes and dashes take one form each.
    """
    text = unicodedata.normalize("NFC", str(text)).translate(_TRANSLATE)
    return _SPACES.sub(" ", text).strip()


def _shown(text: str) -> str:
    """The user's text as we quote it back: visible, trimmed."""
    return str(text).strip()


# --------------------------------------------------------------------------------------------
# value objects
# --------------------------------------------------------------------------------------------


@total_ordering
@dataclass(frozen=True, repr=False)
class LearningArea:
    """กลุ่มสาระการเรียนรู้ (learning area), one of ท ค ว ส พ ศ ง ต, ordered as the curriculum lists them."""

    letter: str

    def __post_init__(self) -> None:
        if self.letter not in AREA_LETTERS:
            raise _unknown_area_letter(self.letter, self.letter)

    @classmethod
    def parse(cls, text: str) -> LearningArea:
        raw = normalise(text)
        if raw in AREA_LETTERS:
            return cls(raw)
        for letter, name in AREA_NAMES_TH.items():
            if raw in (name, f"กลุ่มสาระการเรียนรู้{name}", f"กลุ่มสาระ{name}"):
                return cls(letter)
        raise _unknown_area_letter(raw, text)

    @property
    def name_th(self) -> str:
        return AREA_NAMES_TH[self.letter]

    @property
    def name_en(self) -> str:
        return AREA_NAMES_EN[self.letter]

    @property
    def abbreviation(self) -> str:
        """Khlang's Latin abbreviation for item codes (TH, MA, SC, SO, PE, AR, CT, FL)."""
        return AREA_ABBREVIATIONS[self.letter]

    def _key(self) -> int:
        return AREA_LETTERS.index(self.letter)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, LearningArea):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self.letter

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self}')"


def _unknown_area_letter(raw: str, original: str) -> CurriculumError:
    hint_th = hint_en = ""
    upper = raw.upper()
    if upper in _ABBREVIATION_TO_AREA:
        letter = _ABBREVIATION_TO_AREA[upper]
        hint_th = f" (ใช้อักษรไทย {letter} แทน {raw})"
        hint_en = f" (use the Thai letter {letter} instead of {raw})"
    return CurriculumError(
        "curriculum.malformed.area",
        f"กลุ่มสาระ '{_shown(original)}': ไม่มีกลุ่มสาระนี้ ต้องเป็นอักษร ท ค ว ส พ ศ ง ต{hint_th}",
        f"learning area '{_shown(original)}': no such area; use one of ท ค ว ส พ ศ ง ต{hint_en}",
        value=_shown(original),
    )


_GRADE_LOOSE = re.compile(
    r"^(?P<level>[ปม])\s*\.?\s*(?P<year>\d{1,2})(?:\s*-\s*(?:(?P<level2>[ปม])\s*\.?\s*)?(?P<year2>\d{1,2}))?$"
)


@total_ordering
@dataclass(frozen=True, repr=False)
class Grade:
    """ชั้น (grade): ``ป.1``–``ป.6``, ``ม.1``–``ม.6``, or the range ``ม.4-6`` of interval indicators."""

    level: str  # "ป" (ประถมศึกษา) or "ม" (มัธยมศึกษา)
    year: int
    year_to: int | None = None  # 6 for the range ม.4-6

    def __post_init__(self) -> None:
        ok = (self.level == "ป" and 1 <= self.year <= 6 and self.year_to is None) or (
            self.level == "ม"
            and ((1 <= self.year <= 6 and self.year_to is None) or (self.year == 4 and self.year_to == 6))
        )
        if not ok:
            raise _bad_grade(self._raw())

    def _raw(self) -> str:
        return f"{self.level}.{self.year}" + (f"-{self.year_to}" if self.year_to else "")

    @classmethod
    def parse(cls, text: str) -> Grade:
        return _parse_grade(normalise(text), text)

    @property
    def is_range(self) -> bool:
        return self.year_to is not None

    @property
    def name_th(self) -> str:
        stage = "ประถมศึกษาปีที่" if self.level == "ป" else "มัธยมศึกษาปีที่"
        return f"{stage} {self.year}" + (f"-{self.year_to}" if self.year_to else "")

    @property
    def abbreviation(self) -> str:
        """P3, P6, M3, M4-6: used in Khlang item codes."""
        return (
            ("P" if self.level == "ป" else "M")
            + str(self.year)
            + (f"-{self.year_to}" if self.year_to else "")
        )

    def _key(self) -> tuple[float, int]:
        base = self.year if self.level == "ป" else 6 + self.year
        return (base - 0.5 if self.year_to else base, 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Grade):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self._raw()

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self}')"


def _bad_grade(raw: str, original: str | None = None) -> CurriculumError:
    shown = _shown(original if original is not None else raw)
    return CurriculumError(
        "curriculum.malformed.grade",
        f"ชั้น '{shown}': ไม่มีชั้นนี้ ต้องเป็น ป.1–ป.6, ม.1–ม.6 หรือ ม.4-6",
        f"grade '{shown}': no such grade; use ป.1–ป.6, ม.1–ม.6 or ม.4-6",
        value=shown,
    )


def _parse_grade(raw: str, original: str) -> Grade:
    m = _GRADE_LOOSE.match(raw)
    if not m:
        raise _bad_grade(raw, original)
    level, year = m["level"], int(m["year"])
    year_to = int(m["year2"]) if m["year2"] else None
    if m["level2"] and m["level2"] != level:
        raise _bad_grade(raw, original)
    try:
        return Grade(level, year, year_to)
    except CurriculumError:
        raise _bad_grade(raw, original) from None


_STANDARD_LOOSE = re.compile(r"^(?P<area>\S)\s*(?P<strand>\d+)\s*\.\s*(?P<standard>\d+)$")


@total_ordering
@dataclass(frozen=True, repr=False)
class StandardCode:
    """มาตรฐานการเรียนรู้ (learning standard), e.g. ``ค 1.1``: area, strand (สาระ) and standard number."""

    area: LearningArea
    strand: int
    standard: int

    PATTERN: ClassVar[str] = r"^(?P<area>[ทควสพศงต]) (?P<strand>[1-9])\.(?P<standard>[1-9])$"

    def __post_init__(self) -> None:
        if not (1 <= self.strand <= 9 and 1 <= self.standard <= 9):
            raise CurriculumError(
                "curriculum.malformed.standard",
                f"รหัสมาตรฐาน '{self._raw()}': เลขสาระและเลขมาตรฐานต้องเป็น 1–9",
                f"standard code '{self._raw()}': strand and standard numbers must be 1–9",
                value=self._raw(),
            )

    def _raw(self) -> str:
        return f"{self.area} {self.strand}.{self.standard}"

    @classmethod
    def parse(cls, text: str) -> StandardCode:
        return _parse_standard(normalise(text), text)

    def _key(self) -> tuple[int, int, int]:
        return (self.area._key(), self.strand, self.standard)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, StandardCode):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self._raw()

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self}')"


@lru_cache(maxsize=4096)
def _parse_standard(raw: str, original: str) -> StandardCode:
    m = _STANDARD_LOOSE.match(raw)
    if not m:
        raise CurriculumError(
            "curriculum.malformed.standard",
            f"รหัสมาตรฐาน '{_shown(original)}': รูปแบบต้องเป็น <กลุ่มสาระ> <สาระ>.<มาตรฐาน> เช่น ค 1.1",
            f"standard code '{_shown(original)}': the form is <area> <strand>.<standard>, e.g. ค 1.1",
            value=_shown(original),
        )
    area = _area_in_code(m["area"], original, "รหัสมาตรฐาน", "standard code")
    return StandardCode(area, int(m["strand"]), int(m["standard"]))


def _area_in_code(letter: str, original: str, what_th: str, what_en: str) -> LearningArea:
    if letter in AREA_LETTERS:
        return LearningArea(letter)
    raise CurriculumError(
        "curriculum.malformed.area",
        f"{what_th} '{_shown(original)}': ไม่มีกลุ่มสาระ '{letter}' ต้องขึ้นต้นด้วยอักษร ท ค ว ส พ ศ ง ต",
        f"{what_en} '{_shown(original)}': no learning area '{letter}'; start with one of ท ค ว ส พ ศ ง ต",
        value=_shown(original),
    )


_INDICATOR_LOOSE = re.compile(
    r"^(?P<area>[^\s\d]+?)\s*(?P<strand>\d+)\s*\.\s*(?P<standard>\d+)\s*"
    r"(?P<grade>[ปม]\s*\.?\s*\d{1,2}(?:\s*-\s*(?:[ปม]\s*\.?\s*)?\d{1,2})?)\s*/\s*(?P<seq>\d+)$"
)


@total_ordering
@dataclass(frozen=True, repr=False)
class IndicatorCode:
    """ตัวชี้วัด (indicator), e.g. ``ค 1.1 ป.6/2`` or the interval indicator ``ส 2.1 ม.4-6/1``.

    Frozen, hashable and ordered by area (curriculum order), strand, standard, grade and number.
    ``str(code)`` is the canonical form; ``IndicatorCode.parse(str(code)) == code``.
    """

    standard: StandardCode
    grade: Grade
    seq: int

    def __post_init__(self) -> None:
        if not 1 <= self.seq <= 99:
            raise CurriculumError(
                "curriculum.malformed.indicator_number",
                f"รหัสตัวชี้วัด '{self._raw()}': ข้อของตัวชี้วัดต้องเป็น 1–99",
                f"indicator code '{self._raw()}': the indicator number must be 1–99",
                value=self._raw(),
            )

    def _raw(self) -> str:
        return f"{self.standard} {self.grade}/{self.seq}"

    @classmethod
    def parse(cls, text: str) -> IndicatorCode:
        """Normalise `text` and check the grammar; raise CurriculumError with a Thai message otherwise."""
        return _parse_indicator(normalise(text), str(text))

    @classmethod
    def of(cls, area: str, strand: int, standard: int, grade: str, seq: int) -> IndicatorCode:
        return cls(StandardCode(LearningArea(area), strand, standard), Grade.parse(grade), seq)

    @property
    def area(self) -> LearningArea:
        return self.standard.area

    @property
    def strand(self) -> int:
        return self.standard.strand

    def _key(self) -> tuple:
        return (self.standard._key(), self.grade._key(), self.seq)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, IndicatorCode):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self._raw()

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self}')"


def _malformed_indicator(original: str, why_th: str = "", why_en: str = "") -> CurriculumError:
    shown = _shown(original)
    return CurriculumError(
        "curriculum.malformed.indicator",
        f"รหัสตัวชี้วัด '{shown}': {why_th or 'รูปแบบต้องเป็น ' + _FORMAT_INDICATOR}",
        f"indicator code '{shown}': {why_en or 'the form is ' + _FORMAT_INDICATOR_EN}",
        value=shown,
    )


_LATIN_GRADE = re.compile(r"\d\s*\.\s*\d\s*[PpMm]\s*\.?\s*\d")
_MISSING_SLASH = re.compile(r"[ปม]\s*\.?\s*\d{1,2}\s*[-.\s]\s*\d{1,2}$")


@lru_cache(maxsize=65536)
def _parse_indicator(raw: str, original: str) -> IndicatorCode:
    m = _INDICATOR_LOOSE.match(raw)
    if not m:
        if not raw:
            raise _malformed_indicator(original, "ว่างเปล่า ต้องเป็น " + _FORMAT_INDICATOR, "empty")
        if _LATIN_GRADE.search(raw):
            raise _malformed_indicator(
                original,
                "ชั้นต้องเขียนด้วยอักษรไทย ป. หรือ ม. เช่น ป.6 (ไม่ใช่ P6 หรือ M3)",
                "write the grade with Thai ป. or ม., e.g. ป.6 (not P6 or M3)",
            )
        if "/" not in raw and _MISSING_SLASH.search(raw):
            raise _malformed_indicator(
                original,
                "ต้องมีเครื่องหมาย / คั่นระหว่างชั้นกับข้อของตัวชี้วัด เช่น ป.6/2",
                "separate the grade and the indicator number with /, e.g. ป.6/2",
            )
        raise _malformed_indicator(original)
    letter = m["area"]
    if letter not in AREA_LETTERS:
        hint_th = hint_en = ""
        if letter.upper() in _ABBREVIATION_TO_AREA:
            thai = _ABBREVIATION_TO_AREA[letter.upper()]
            hint_th, hint_en = f" (ใช้อักษรไทย {thai} แทน {letter})", f" (use the Thai letter {thai})"
        raise _malformed_indicator(
            original,
            f"ไม่มีกลุ่มสาระ '{letter}' ต้องขึ้นต้นด้วยอักษร ท ค ว ส พ ศ ง ต{hint_th}",
            f"no learning area '{letter}'; start with one of ท ค ว ส พ ศ ง ต{hint_en}",
        )
    strand, standard, seq = int(m["strand"]), int(m["standard"]), int(m["seq"])
    if not 1 <= strand <= 9:
        raise _malformed_indicator(original, f"เลขสาระ {strand} ต้องเป็น 1–9", f"strand {strand} must be 1–9")
    if not 1 <= standard <= 9:
        raise _malformed_indicator(
            original, f"เลขมาตรฐาน {standard} ต้องเป็น 1–9", f"standard number {standard} must be 1–9"
        )
    if not 1 <= seq <= 99:
        raise _malformed_indicator(
            original, f"ข้อของตัวชี้วัด {seq} ต้องเป็น 1–99", f"indicator number {seq} must be 1–99"
        )
    try:
        grade = _parse_grade(m["grade"], m["grade"])
    except CurriculumError:
        raise _malformed_indicator(
            original,
            f"ไม่มีชั้น '{m['grade']}' ต้องเป็น ป.1–ป.6, ม.1–ม.6 หรือ ม.4-6",
            f"no grade '{m['grade']}'; use ป.1–ป.6, ม.1–ม.6 or ม.4-6",
        ) from None
    return IndicatorCode(StandardCode(LearningArea(letter), strand, standard), grade, seq)


_TRAIT_LOOSE = re.compile(r"^(?:คุณลักษณะ(?:อันพึงประสงค์)?(?:ข้อ|ที่)?\s*)?(?P<trait>\d+)\s*\.\s*(?P<ind>\d+)$")


@total_ordering
@dataclass(frozen=True, repr=False)
class TraitIndicatorCode:
    """ตัวชี้วัดคุณลักษณะอันพึงประสงค์ (desired-trait indicator), e.g. ``1.2``: trait 1–8, indicator 1–9."""

    trait: int
    indicator: int

    def __post_init__(self) -> None:
        if not (1 <= self.trait <= 8 and 1 <= self.indicator <= 9):
            raise CurriculumError(
                "curriculum.malformed.trait_indicator",
                f"รหัสตัวชี้วัดคุณลักษณะ '{self.trait}.{self.indicator}': คุณลักษณะต้องเป็น 1–8 และตัวชี้วัด 1–9",
                f"trait indicator '{self.trait}.{self.indicator}': trait must be 1–8 and indicator 1–9",
                value=f"{self.trait}.{self.indicator}",
            )

    @classmethod
    def parse(cls, text: str) -> TraitIndicatorCode:
        raw = normalise(text)
        m = _TRAIT_LOOSE.match(raw)
        if not m:
            raise CurriculumError(
                "curriculum.malformed.trait_indicator",
                f"รหัสตัวชี้วัดคุณลักษณะ '{_shown(text)}': รูปแบบต้องเป็น <คุณลักษณะ>.<ตัวชี้วัด> เช่น 1.2",
                f"trait indicator '{_shown(text)}': the form is <trait>.<indicator>, e.g. 1.2",
                value=_shown(text),
            )
        return cls(int(m["trait"]), int(m["ind"]))

    def _key(self) -> tuple[int, int]:
        return (self.trait, self.indicator)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, TraitIndicatorCode):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return f"{self.trait}.{self.indicator}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self}')"


_COMPETENCY_LOOSE = re.compile(r"^(?:สมรรถนะ(?:สำคัญ)?(?:ข้อ|ที่)?\s*)?(?P<no>\d+)$")


@total_ordering
@dataclass(frozen=True, repr=False)
class CompetencyCode:
    """สมรรถนะสำคัญของผู้เรียน (key competency) 1–5."""

    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 5:
            raise CurriculumError(
                "curriculum.malformed.competency",
                f"สมรรถนะ '{self.number}': สมรรถนะสำคัญของผู้เรียนมี 5 ข้อ ต้องเป็น 1–5",
                f"competency '{self.number}': there are 5 key competencies; use 1–5",
                value=str(self.number),
            )

    @classmethod
    def parse(cls, text: str) -> CompetencyCode:
        raw = normalise(text)
        m = _COMPETENCY_LOOSE.match(raw)
        if not m:
            raise CurriculumError(
                "curriculum.malformed.competency",
                f"สมรรถนะ '{_shown(text)}': ต้องเป็นเลข 1–5",
                f"competency '{_shown(text)}': must be a number 1–5",
                value=_shown(text),
            )
        return cls(int(m["no"]))

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, CompetencyCode):
            return NotImplemented
        return self.number < other.number

    def __str__(self) -> str:
        return str(self.number)

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self}')"

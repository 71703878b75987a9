"""The curriculum of one edition, loaded from the data shipped inside the package.

``load_curriculum(edition=None)`` reads ``data/*.json`` once per edition (cached) and answers
questions about learning areas, strands, standards, indicators, desired traits, key competencies,
reading-thinking-writing and the grade scales. Every text keeps the status word of its source
(``verified`` / ``single_source`` / ``unverified``, see ``data/SOURCES.md``).

Lookups distinguish a malformed code (``CurriculumError.is_malformed``) from a well-formed code
that this edition does not have, and say which part is missing: the strand, the standard, the
indicator number, or the data for that grade.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from itembank.curriculum.codes import (
    AREA_LETTERS,
    CompetencyCode,
    Grade,
    IndicatorCode,
    LearningArea,
    StandardCode,
    TraitIndicatorCode,
)
from itembank.curriculum.editions import DEFAULT_EDITION, EDITIONS, Edition, edition, mapping
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

Coverage = str  # "complete" | "partial" | "none"


@cache
def _data(name: str) -> Any:
    with resources.files("itembank.curriculum.data").joinpath(name).open(encoding="utf-8") as f:
        return json.load(f)


def sources_text() -> str:
    """SOURCES.md: where every shipped text comes from, and what is still unverified."""
    return resources.files("itembank.curriculum.data").joinpath("SOURCES.md").read_text(encoding="utf-8")


def _status_of(item: dict[str, Any]) -> str:
    if item.get("status"):
        return str(item["status"])
    # curriculum.json states the Thai/math indicator status through its wording sources:
    # words aligned across two or more independent code bases count as verified (SOURCES.md §C)
    repos = {s.split(":")[0] for s in item.get("wording_sources", []) if "stored file id" not in s}
    return "verified" if len(repos) >= 2 else "single_source"


class Curriculum:
    """One edition of the core curriculum; obtain it with :func:`load_curriculum`."""

    def __init__(self, spec: Edition):
        self.edition = spec.key
        self.title_th, self.title_en = spec.title_th, spec.title_en
        self._spec = spec
        core = _data("curriculum.json")
        self._areas = tuple(LearningArea(a["letter"]) for a in core["learning_areas"])
        self._area_info = {a["letter"]: a for a in core["learning_areas"]}
        self._strands: dict[LearningArea, tuple[Strand, ...]] = {}
        self._standards: dict[StandardCode, Standard] = {}
        for a in core["learning_areas"]:
            self._load_standards(LearningArea(a["letter"]), a)
        self._indicators: dict[IndicatorCode, Indicator] = {}
        self._coverage: dict[tuple[str, str], Coverage] = {}
        self._load_indicators(core)
        self._by_standard_grade: dict[tuple[StandardCode, Grade], list[Indicator]] = defaultdict(list)
        for ind in sorted(self._indicators.values(), key=lambda i: i.code):
            self._by_standard_grade[(ind.code.standard, ind.code.grade)].append(ind)
        self._load_traits_and_scales()

    # -- loading ---------------------------------------------------------------------------

    def _load_standards(self, area: LearningArea, a: dict[str, Any]) -> None:
        if area.letter in self._spec.legacy_standards:
            legacy = {s["code"]: s for s in a.get("legacy_2551_standards", [])}
            codes = a.get("legacy_2551_standard_codes", {}).get("codes") or list(legacy)
            strands: dict[int, Strand] = {}
            for text in codes:
                code = StandardCode.parse(text)
                strands.setdefault(code.strand, Strand(area, code.strand, f"สาระที่ {code.strand} (ฉบับ 2551)"))
                src = legacy.get(text, {})
                body = src.get("text")
                if body and body.startswith("("):  # "(ข้อความเดียวกับ ง 1.1 ข้างบน)"
                    body = next(
                        (s["text"] for st in a["strands"] for s in st["standards"] if s["code"] == text), None
                    )
                self._standards[code] = Standard(
                    code, body, src.get("status", "unverified"), tuple(src.get("sources", ()))
                )
            self._strands[area] = tuple(strands[k] for k in sorted(strands))
            return
        strands_list = []
        for st in a["strands"]:
            strands_list.append(Strand(area, int(st["no"]), st["name_th"]))
            for s in st["standards"]:
                code = StandardCode.parse(s["code"])
                self._standards[code] = Standard(
                    code, s.get("text"), s["status"], tuple(s.get("sources", ()))
                )
        self._strands[area] = tuple(strands_list)

    def _add(self, item: dict[str, Any], sources: Iterable[str]) -> None:
        code = IndicatorCode.parse(item["code"])
        self._indicators[code] = Indicator(
            code=code,
            text=item["text"],
            status=_status_of(item),
            edition=self.edition,
            sources=tuple(sources),
            notes=tuple(item.get("notes", ())),
        )

    def _load_indicators(self, core: dict[str, Any]) -> None:
        for letter in self._spec.reference_areas:
            block = self._area_info[letter]["indicators"]
            for item in block["items"]:
                self._add(item, item.get("wording_sources", ()))
            for grade in block["count_by_grade"]:
                self._coverage[(letter, grade)] = "complete"
        # the supplement states, entry by entry, which editions an indicator belongs to
        supplement = _data("indicators_2551_supplement.json")
        from_reference = set(self._coverage)  # (area, grade) lists the reference data states in full
        for item in supplement["indicators"]:
            if self.edition in item["editions"] and (item["code"][0], item["grade"]) not in from_reference:
                self._add(item, item["sources"])
        for letter, grades in supplement["coverage"].get(self.edition, {}).items():
            for grade, cov in grades.items():
                if (letter, grade) not in from_reference:
                    self._coverage[(letter, grade)] = cov

    def _load_traits_and_scales(self) -> None:
        dc = _data("desired_characteristics.json")
        traits = []
        for c in dc["characteristics"]:
            inds = tuple(
                TraitIndicator(TraitIndicatorCode.parse(i["code"]), i["text"], i["status"])
                for i in c["indicators"]
            )
            traits.append(DesiredTrait(int(c["no"]), c["name_th"], inds))
        self._traits = tuple(traits)
        self._trait_indicators = {ti.code: ti for t in traits for ti in t.indicators}
        self._quality = tuple(
            QualityLevel(int(lv["code"]), lv["label"], lv.get("meaning"))
            for lv in dc["rating_scale"]["levels"]
        )
        cs = _data("competencies_and_scales.json")
        self._competencies = tuple(
            KeyCompetency(CompetencyCode(int(c["no"])), c["name_th"], c.get("definition"))
            for c in cs["key_competencies"]["items"]
        )
        rtw = cs["reading_thinking_writing"]
        criteria: tuple[str, ...] = ()
        for ex in rtw.get("school_practice", {}).get("examples", []):
            m = re.search(r"ประเมิน \d+ ตัวชี้วัด \(([^)]*)\)", ex.get("rule", ""))
            if m:
                criteria = tuple(part.strip() for part in m.group(1).split(","))
        self._rtw = ReadingThinkingWriting(
            tuple(rtw["domains"]),
            tuple(QualityLevel(int(lv["code"]), lv["label"], lv.get("meaning")) for lv in rtw["levels"]),
            criteria,
        )
        self._grade_scale = tuple(
            GradeLevel(float(lv["grade"]), lv["label"], int(lv["min_pct"]), int(lv["max_pct"]))
            for lv in cs["grade_scale"]["levels"]
        )

    # -- learning areas, strands, standards -------------------------------------------------

    @property
    def learning_areas(self) -> tuple[LearningArea, ...]:
        """The 8 learning areas in curriculum order (ท ค ว ส พ ศ ง ต)."""
        return self._areas

    def area_version(self, area: LearningArea | str) -> str:
        """Which version of the area's content the reference data describes (e.g. "2551")."""
        return str(self._area_info[_area(area).letter].get("version", ""))

    def strands(self, area: LearningArea | str) -> tuple[Strand, ...]:
        return self._strands[_area(area)]

    def standards(
        self, area: LearningArea | str | None = None, strand: int | None = None
    ) -> tuple[Standard, ...]:
        a = _area(area) if area is not None else None
        return tuple(
            s
            for code, s in sorted(self._standards.items())
            if (a is None or code.area == a) and (strand is None or code.strand == strand)
        )

    def standard(self, code: StandardCode | str) -> Standard:
        c = code if isinstance(code, StandardCode) else StandardCode.parse(code)
        self._check_strand(c, str(c), "รหัสมาตรฐาน", "standard code")
        if c not in self._standards:
            raise self._no_standard(c, str(c), "รหัสมาตรฐาน", "standard code")
        return self._standards[c]

    # -- indicators -------------------------------------------------------------------------

    def indicators(
        self,
        area: LearningArea | str | None = None,
        grade: Grade | str | None = None,
        standard: StandardCode | str | None = None,
    ) -> tuple[Indicator, ...]:
        """Indicators of this edition, filtered; in code order."""
        a = _area(area) if area is not None else None
        g = grade if isinstance(grade, Grade) or grade is None else Grade.parse(grade)
        s = (
            standard
            if isinstance(standard, StandardCode) or standard is None
            else StandardCode.parse(standard)
        )
        return tuple(
            ind
            for code, ind in sorted(self._indicators.items())
            if (a is None or code.area == a)
            and (g is None or code.grade == g)
            and (s is None or code.standard == s)
        )

    def coverage(self, area: LearningArea | str, grade: Grade | str) -> Coverage:
        """ "complete", "partial" or "none": how much of the area's indicator list for `grade` is shipped."""
        return self._coverage.get(
            (_area(area).letter, str(grade if isinstance(grade, Grade) else Grade.parse(grade))), "none"
        )

    def has_indicator(self, code: IndicatorCode | str) -> bool:
        try:
            c = code if isinstance(code, IndicatorCode) else IndicatorCode.parse(code)
        except CurriculumError:
            return False
        return c in self._indicators

    def indicator(self, code: IndicatorCode | str) -> Indicator:
        """The indicator with its text and status; CurriculumError saying what is wrong otherwise."""
        return self._indicators[self.check_indicator(code)]

    def check_indicator(self, code: IndicatorCode | str) -> IndicatorCode:
        """Parse (normalising the usual variants) and check that this edition has the indicator.

        Returns the canonical code. Raises CurriculumError: ``curriculum.malformed.*`` for text that
        breaks the grammar, ``curriculum.unknown.*`` for a code this edition does not have.
        """
        shown = str(code).strip()
        c = code if isinstance(code, IndicatorCode) else IndicatorCode.parse(code)
        if c in self._indicators:
            return c
        self._check_strand(c.standard, shown, "รหัสตัวชี้วัด", "indicator code")
        if c.standard not in self._standards:
            raise self._no_standard(c.standard, shown, "รหัสตัวชี้วัด", "indicator code")
        raise self._no_indicator(c, shown)

    def check_indicators(
        self, codes: Iterable[str]
    ) -> tuple[list[IndicatorCode | None], list[CurriculumError]]:
        """Check many codes at once: (canonical code or None per input, the errors met)."""
        out: list[IndicatorCode | None] = []
        errors: list[CurriculumError] = []
        for text in codes:
            try:
                out.append(self.check_indicator(text))
            except CurriculumError as e:
                out.append(None)
                errors.append(e)
        return out, errors

    def _check_strand(self, std: StandardCode, shown: str, what_th: str, what_en: str) -> None:
        numbers = [s.number for s in self._strands[std.area]]
        if std.strand not in numbers:
            raise CurriculumError(
                "curriculum.unknown.strand",
                f"{what_th} '{shown}': ไม่มีสาระที่ {std.strand} ในกลุ่มสาระ{std.area.name_th}"
                f" (มีสาระที่ {_span(numbers)})",
                f"{what_en} '{shown}': {std.area.name_en} has no strand {std.strand} (strands {_span(numbers)})",
                value=shown,
                edition=self.edition,
            )

    def _no_standard(self, std: StandardCode, shown: str, what_th: str, what_en: str) -> CurriculumError:
        in_strand = [s.code for s in self.standards(std.area, std.strand)]
        listed = ", ".join(str(s) for s in in_strand)
        return CurriculumError(
            "curriculum.unknown.standard",
            f"{what_th} '{shown}': ไม่มีมาตรฐาน {std} ในสาระที่ {std.strand} ของกลุ่มสาระ{std.area.name_th}"
            f" (มี {listed})",
            f"{what_en} '{shown}': no standard {std} in strand {std.strand} of {std.area.name_en} (has {listed})",
            value=shown,
            edition=self.edition,
        )

    def _no_indicator(self, c: IndicatorCode, shown: str) -> CurriculumError:
        cov = self.coverage(c.area, c.grade)
        elsewhere = [k for k in EDITIONS if k != self.edition and load_curriculum(k)._indicators.get(c)]
        hint_th = f" (มีในหลักสูตรฉบับ {', '.join(elsewhere)})" if elsewhere else ""
        hint_en = f" (it exists in edition {', '.join(elsewhere)})" if elsewhere else ""
        if cov == "none":
            return CurriculumError(
                "curriculum.unknown.no_data",
                f"รหัสตัวชี้วัด '{shown}': ยังไม่มีข้อมูลตัวชี้วัดกลุ่มสาระ{c.area.name_th} ชั้น {c.grade}"
                f" ในหลักสูตรฉบับ {self.edition} จึงตรวจรหัสนี้ไม่ได้{hint_th}",
                f"indicator code '{shown}': no indicator data for {c.area.name_en} {c.grade} in edition"
                f" {self.edition}, so the code cannot be checked{hint_en}",
                value=shown,
                edition=self.edition,
            )
        same = self._by_standard_grade.get((c.standard, c.grade), [])
        if same:
            have_th = f"มาตรฐาน {c.standard} ชั้น {c.grade} มี {len(same)} ข้อ ({same[0].code}–{same[-1].code})"
            have_en = f"standard {c.standard} has {len(same)} indicators in {c.grade}"
        else:
            have_th = f"มาตรฐาน {c.standard} ไม่มีตัวชี้วัดในชั้น {c.grade}"
            have_en = f"standard {c.standard} has no indicator in {c.grade}"
        partial_th = " (ข้อมูลชั้นนี้ยังไม่ครบ)" if cov == "partial" else ""
        partial_en = " (the data for this grade is incomplete)" if cov == "partial" else ""
        return CurriculumError(
            "curriculum.unknown.indicator",
            f"รหัสตัวชี้วัด '{shown}': ไม่มีตัวชี้วัดนี้ในหลักสูตรฉบับ {self.edition}: {have_th}{partial_th}{hint_th}",
            f"indicator code '{shown}': not in edition {self.edition}: {have_en}{partial_en}{hint_en}",
            value=shown,
            edition=self.edition,
        )

    def map_from(self, code: IndicatorCode | str, from_edition: str) -> IndicatorCode | None:
        """The code in this edition for `code` of `from_edition`, or None when there is no mapping.

        Uses a mapping registered with :func:`register_mapping`; without one, a code maps to itself
        only where the area (and strand) did not change between the editions and both have it.
        """
        c = code if isinstance(code, IndicatorCode) else IndicatorCode.parse(code)
        from_edition = edition(from_edition).key
        if from_edition == self.edition:
            return c if c in self._indicators else None
        mapper = mapping(from_edition, self.edition)
        if mapper is not None:
            target = mapper(c)
            return target if target is not None and target in self._indicators else None
        old = load_curriculum(from_edition)
        if (
            c in old._indicators
            and c in self._indicators
            and old._indicators[c].text == self._indicators[c].text
        ):
            return c
        return None

    # -- desired traits, competencies, scales -------------------------------------------------

    @property
    def traits(self) -> tuple[DesiredTrait, ...]:
        """คุณลักษณะอันพึงประสงค์ 8 ประการ with their 18 indicators."""
        return self._traits

    @property
    def trait_indicators(self) -> tuple[TraitIndicator, ...]:
        return tuple(self._trait_indicators[k] for k in sorted(self._trait_indicators))

    def trait_indicator(self, code: TraitIndicatorCode | str) -> TraitIndicator:
        c = code if isinstance(code, TraitIndicatorCode) else TraitIndicatorCode.parse(code)
        if c not in self._trait_indicators:
            have = [str(t.code) for t in self._trait_indicators.values() if t.code.trait == c.trait]
            raise CurriculumError(
                "curriculum.unknown.trait_indicator",
                f"รหัสตัวชี้วัดคุณลักษณะ '{str(code).strip()}': ไม่มีตัวชี้วัด {c} "
                f"(คุณลักษณะข้อ {c.trait} มี {', '.join(have)})",
                f"trait indicator '{str(code).strip()}': no indicator {c} (trait {c.trait} has {', '.join(have)})",
                value=str(code).strip(),
            )
        return self._trait_indicators[c]

    @property
    def competencies(self) -> tuple[KeyCompetency, ...]:
        """สมรรถนะสำคัญของผู้เรียน 5 ประการ."""
        return self._competencies

    def competency(self, code: CompetencyCode | str) -> KeyCompetency:
        c = code if isinstance(code, CompetencyCode) else CompetencyCode.parse(code)
        return self._competencies[c.number - 1]

    @property
    def reading_thinking_writing(self) -> ReadingThinkingWriting:
        return self._rtw

    @property
    def quality_scale(self) -> tuple[QualityLevel, ...]:
        """4 levels for desired traits, reading-thinking-writing and competencies: ดีเยี่ยม 3 … ไม่ผ่าน 0."""
        return self._quality

    @property
    def grade_scale(self) -> tuple[GradeLevel, ...]:
        """8 levels 4, 3.5, 3, 2.5, 2, 1.5, 1, 0 with the usual percentage bands (schools may set their own)."""
        return self._grade_scale

    def grade_level(self, percent: float) -> GradeLevel:
        """The 8-level grade for a percentage score with the usual bands (80–100 → 4, …, 0–49 → 0).

        `percent` is compared with each band's lower bound, so 79.5 falls in the 75–79 band; round the
        score first when the school's rule says so. Schools may set other bands: this is the common default.
        """
        if not 0 <= percent <= 100:
            raise CurriculumError(
                "curriculum.malformed.percent",
                f"ร้อยละ {percent}: ต้องอยู่ระหว่าง 0 ถึง 100",
                f"percent {percent}: must be between 0 and 100",
                value=percent,
            )
        return next(lv for lv in self._grade_scale if percent >= lv.min_pct)

    def __repr__(self) -> str:
        return f"<Curriculum {self.edition}: {len(self._indicators)} indicators>"


def _area(area: LearningArea | str) -> LearningArea:
    return area if isinstance(area, LearningArea) else LearningArea.parse(area)


def _span(numbers: list[int]) -> str:
    return f"{numbers[0]}–{numbers[-1]}" if numbers else "-"


@cache
def _load(key: str) -> Curriculum:
    return Curriculum(EDITIONS[key])


def load_curriculum(edition_key: str | None = None) -> Curriculum:
    """The curriculum of `edition_key` (default: the current edition, 2551-rev2560), loaded once."""
    return _load(edition(edition_key).key)


__all__ = ["AREA_LETTERS", "DEFAULT_EDITION", "Curriculum", "load_curriculum", "sources_text"]

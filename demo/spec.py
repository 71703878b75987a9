"""The shapes of the demo district's content: plain, frozen data (no database).

Every record converts to a plain dict with ``as_dict()`` (JSON-ready); items also convert to the
item bank's :class:`~itembank.schemas.ItemDraft` with ``to_draft()``.

ItemSpec
    code              stable code "P6-MA-0001" (grade, area, running number)
    type              "mc" | "mc_multi" | "tf" | "short" | "numeric" | "matching" | "constructed"
    stem              Thai text, may hold simple HTML (<b>, <u>, <br>, <table>)
    options           ({"label": "ก", "text": ..., "fixed": False}, ...): choices; for matching,
                      the right-hand column (the left-hand column is numbered in the stem)
    key               option labels (mc, mc_multi), ("true",) / ("false",) (tf), pairs "1-ก" (matching);
                      empty for short/numeric/constructed
    accepted_answers  answers accepted for short and numeric items
    score_points      points of the item; for constructed items the top rubric level's points
    rubric            ({"level": "ดีมาก", "points": 4, "description": ...}, ...), highest first, down to 0
    indicator_codes   real indicator codes of `curriculum_edition` for the item's grade and area
    trait_codes       desired-trait indicator codes ("4.1"); competency_codes: "1".."5"
    cognitive_level   remember | understand | apply | analyze | evaluate | create
    grade, learning_area, estimated_time_s, set_code/set_position (passage), author, reviewer,
    ioc_ratings       {expert username: +1 | 0 | -1}; IOC = sum / n (≥ 0.50 to approve)
    status            "approved" for every demo item
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ITEM_TYPES = ("mc", "mc_multi", "tf", "short", "numeric", "matching", "constructed")
COGNITIVE_LEVELS = ("remember", "understand", "apply", "analyze", "evaluate", "create")
COGNITIVE_LEVEL_TH = {
    "remember": "จำ",
    "understand": "เข้าใจ",
    "apply": "นำไปใช้",
    "analyze": "วิเคราะห์",
    "evaluate": "ประเมินค่า",
    "create": "สร้างสรรค์",
}
#: demo type → the item bank's ItemType value
BANK_TYPE = {
    "mc": "multiple_choice",
    "mc_multi": "multiple_choice",
    "tf": "true_false",
    "short": "short_answer",
    "numeric": "numeric",
    "matching": "matching",
    "constructed": "constructed_response",
}


@dataclass(frozen=True)
class SchoolSpec:
    """A school of the demo district; `code` is the 10-digit ministry school code."""

    code: str
    name_th: str
    name_en: str
    amphoe: str
    tambon: str
    network: str
    size: str  # small | medium | large
    grades: str  # "อ.1-ป.6" or "อ.1-ม.3"
    director: str
    n_students: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class UserSpec:
    """A demo account: role as in itembank.authz.ROLES; school accounts name their school's code."""

    username: str
    display_name: str
    role: str
    position: str
    school_code: str | None = None
    learning_areas: tuple[str, ...] = ()  # areas an expert reviewer rates

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ItemSpec:
    """One approved demo item; see the module docstring for every field."""

    code: str
    type: str
    stem: str
    grade: str
    learning_area: str
    indicator_codes: tuple[str, ...]
    cognitive_level: str
    options: tuple[dict[str, Any], ...] = ()
    key: tuple[str, ...] = ()
    accepted_answers: tuple[str, ...] = ()
    score_points: float = 1.0
    rubric: tuple[dict[str, Any], ...] = ()
    trait_codes: tuple[str, ...] = ()
    competency_codes: tuple[str, ...] = ()
    estimated_time_s: int = 60
    set_code: str | None = None
    set_position: int | None = None
    author: str = ""
    reviewer: str = ""
    ioc_ratings: tuple[tuple[str, int], ...] = ()
    curriculum_edition: str = "2551-rev2560"
    status: str = "approved"
    explanation: str = ""

    @property
    def ioc(self) -> float:
        """Index of item-objective congruence: ΣR / N over the experts' ratings."""
        return sum(r for _, r in self.ioc_ratings) / len(self.ioc_ratings) if self.ioc_ratings else 0.0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ioc_ratings"] = dict(self.ioc_ratings)
        return d

    def to_draft(self):
        """The item bank's ItemDraft for this item (importing itembank.schemas lazily)."""
        from itembank.schemas import ItemDraft, OptionDraft, RubricLevel

        return ItemDraft(
            code=self.code,
            type=BANK_TYPE[self.type],
            stem=self.stem,
            options=tuple(
                OptionDraft(o["label"], o["text"], bool(o.get("fixed", False))) for o in self.options
            ),
            key=self.key,
            accepted_answers=self.accepted_answers,
            score_points=self.score_points,
            rubric=tuple(
                RubricLevel(float(r["points"]), r["description"], str(r["level"])) for r in self.rubric
            ),
            indicator_codes=self.indicator_codes,
            trait_codes=self.trait_codes,
            competency_codes=self.competency_codes,
            cognitive_level=self.cognitive_level,
            grade=self.grade,
            learning_area=self.learning_area,
            estimated_time_s=self.estimated_time_s,
            set_code=self.set_code,
            set_position=self.set_position,
            curriculum_edition=self.curriculum_edition,
            status=self.status,
        )


@dataclass(frozen=True)
class ItemSetSpec:
    """A reading passage or stimulus (บทอ่าน) and the codes of its items, in order."""

    code: str
    title: str
    stimulus: str
    grade: str
    learning_area: str
    item_codes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_draft(self):
        from itembank.schemas import ItemSetDraft

        return ItemSetDraft(code=self.code, title=self.title, stimulus=self.stimulus)


@dataclass(frozen=True)
class InstrumentSpec:
    """A rating scale, rubric or checklist (แบบประเมิน) for schools; shape of itembank's InstrumentDraft.

    criteria: ({"text": ..., "trait_code": "1.1"} or {"text": ...}, ...);
    levels: ({"score": 3, "label": "ดีเยี่ยม", "description": ...}, ...), highest first.
    """

    code: str
    title: str
    kind: str  # rating_scale | rubric | checklist
    purpose: str  # desired_trait | reading_thinking_writing | competency | authentic
    criteria: tuple[dict[str, Any], ...]
    levels: tuple[dict[str, Any], ...]
    grade: str | None = None
    trait_codes: tuple[str, ...] = ()
    description: str = ""
    decision_rule: str = ""
    sources: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_draft(self):
        from itembank.schemas import InstrumentDraft

        return InstrumentDraft(
            code=self.code,
            title=self.title,
            kind=self.kind,
            purpose=self.purpose,
            criteria=self.criteria,
            levels=self.levels,
            grade=self.grade,
            trait_codes=self.trait_codes,
            description=self.description,
        )

"""Data models of the item bank: what importers and editors hand in, and what each reader gets.

`ItemDraft` is one item version as a spreadsheet row or an edit form produces it: plain values,
no database ids. The service turns drafts into rows of :mod:`itembank.models`.

Readers get their own data model (STYLE §5), so "what a school may see" is a type:
`ItemVersionPublic` (officers, reviewers, analysts: with the key) and `ItemVersionForSchool`
(never the key, never the author).
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from itembank.option_order import detect_ordered

#: หลักสูตรแกนกลางการศึกษาขั้นพื้นฐาน พ.ศ. 2551 (ฉบับปรับปรุง พ.ศ. 2560)
DEFAULT_CURRICULUM_EDITION = "2551-rev2560"  # itembank.curriculum.DEFAULT_EDITION


class ItemType(enum.StrEnum):
    """Item types (ชนิดของข้อสอบ)."""

    multiple_choice = "multiple_choice"  # เลือกตอบ: one key or several
    true_false = "true_false"  # ถูก-ผิด
    short_answer = "short_answer"  # เติมคำตอบสั้น, with accepted answers
    numeric = "numeric"  # ตอบเป็นตัวเลข, with accepted answers
    matching = "matching"  # จับคู่: key pairs "1-ก"
    constructed_response = "constructed_response"  # เขียนตอบ with a rubric


class ReviewStatus(enum.StrEnum):
    """Review states: draft → in_review → approved → retired; back to draft with a reason."""

    draft = "draft"  # ฉบับร่าง
    in_review = "in_review"  # รอพิจารณา
    approved = "approved"  # อนุมัติแล้ว
    retired = "retired"  # เลิกใช้


class CognitiveLevel(enum.StrEnum):
    """Revised Bloom levels (พฤติกรรมการเรียนรู้ด้านพุทธิพิสัย)."""

    remember = "remember"  # จำ
    understand = "understand"  # เข้าใจ
    apply = "apply"  # นำไปใช้
    analyze = "analyze"  # วิเคราะห์
    evaluate = "evaluate"  # ประเมินค่า
    create = "create"  # สร้างสรรค์


COGNITIVE_LEVEL_TH = {
    CognitiveLevel.remember: "จำ",
    CognitiveLevel.understand: "เข้าใจ",
    CognitiveLevel.apply: "นำไปใช้",
    CognitiveLevel.analyze: "วิเคราะห์",
    CognitiveLevel.evaluate: "ประเมินค่า",
    CognitiveLevel.create: "สร้างสรรค์",
}


@dataclass(frozen=True)
class OptionDraft:
    """One option of a choice or matching item: label ก/ข/ค/ง (or 1/2/3), text, and `fixed`
    when booklet variants must not move it (e.g. "ถูกทุกข้อ")."""

    label: str
    text: str
    fixed: bool = False


@dataclass(frozen=True)
class RubricLevel:
    """One level of a scoring rubric (เกณฑ์การให้คะแนน): its points and what earns them."""

    points: float
    description: str
    label: str = ""


@dataclass(frozen=True)
class ItemDraft:
    """One item version as an importer or editor produces it (no database ids).

    `key` holds option labels for choice items (several for multi-key items), "true"/"false"
    for true/false items, and pairs like "1-ก" for matching items. Codes are strings in the
    curriculum grammar ("ค 1.1 ป.6/2", trait "1.2", competency "2"); the service normalises them.
    """

    code: str
    type: ItemType | str
    stem: str
    options: tuple[OptionDraft, ...] = ()
    key: tuple[str, ...] = ()
    accepted_answers: tuple[str, ...] = ()
    score_points: float = 1.0
    rubric: tuple[RubricLevel, ...] = ()
    media: tuple[str, ...] = ()  # sha256 of stored Media rows
    indicator_codes: tuple[str, ...] = ()
    trait_codes: tuple[str, ...] = ()
    competency_codes: tuple[str, ...] = ()
    cognitive_level: CognitiveLevel | str | None = None
    grade: str | None = None  # "ป.6", "ม.3"
    learning_area: str | None = None  # ท ค ว ส พ ศ ง ต
    estimated_time_s: int | None = None
    set_code: str | None = None
    set_position: int | None = None
    enemy_codes: tuple[str, ...] = ()
    curriculum_edition: str = DEFAULT_CURRICULUM_EDITION
    status: ReviewStatus | str = ReviewStatus.draft
    #: the options carry an order (numbers, ก < ข …): variants never shuffle them. None: detected when saved
    #: (:func:`itembank.option_order.order_options`: numbers in order are ordered, and stored ascending)
    options_ordered: bool | None = None

    def with_changes(self, **changes: Any) -> ItemDraft:
        """A copy with some fields replaced (drafts are immutable)."""
        return replace(self, **changes)

    def content(self) -> dict[str, Any]:
        """The fields that make up a version's content, in canonical form (for the hash).

        Status and enemy links are not content: changing them never creates a version.
        Tags are sorted: their order carries no meaning. `options_ordered` counts only where it says other
        than its options show (:func:`~itembank.option_order.detect_ordered`), so a version stored before
        the field existed keeps its hash.
        """
        content = {
            "type": str(self.type),
            "stem": self.stem,
            "options": [[o.label, o.text, bool(o.fixed)] for o in self.options],
            "key": list(self.key),
            "accepted_answers": list(self.accepted_answers),
            "score_points": float(self.score_points),
            "rubric": [[float(r.points), r.description, r.label] for r in self.rubric],
            "media": sorted(self.media),
            "indicator_codes": sorted(self.indicator_codes),
            "trait_codes": sorted(self.trait_codes),
            "competency_codes": sorted(self.competency_codes),
            "cognitive_level": None if self.cognitive_level is None else str(self.cognitive_level),
            "grade": self.grade,
            "learning_area": self.learning_area,
            "estimated_time_s": self.estimated_time_s,
            "set_code": self.set_code,
            "set_position": self.set_position,
            "curriculum_edition": self.curriculum_edition,
        }
        if self.options_ordered is not None and bool(self.options_ordered) != detect_ordered(
                str(self.type), [o.text for o in self.options]):
            content["options_ordered"] = bool(self.options_ordered)
        return content

    def content_hash(self) -> str:
        """sha256 of the canonical JSON of :meth:`content`: the same content, the same hash."""
        blob = json.dumps(self.content(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ItemSetDraft:
    """A passage or stimulus (บทอ่าน / สถานการณ์) shared by several items, in order."""

    code: str
    title: str
    stimulus: str
    media: tuple[str, ...] = ()


@dataclass(frozen=True)
class InstrumentDraft:
    """A rating scale, rubric or checklist (แบบประเมิน) that schools download.

    `kind`: rating_scale | rubric | checklist. `purpose`: desired_trait | reading_thinking_writing |
    authentic | competency. `criteria`: [{"text": ..., "trait_code": "1.1"}]; `levels`:
    [{"score": 3, "label": "ดีเยี่ยม", "description": ...}].
    """

    code: str
    title: str
    kind: str
    purpose: str
    criteria: tuple[dict[str, Any], ...]
    levels: tuple[dict[str, Any], ...]
    grade: str | None = None
    trait_codes: tuple[str, ...] = ()
    description: str = ""
    school_id: int | None = None  # None: for every school of the district


@dataclass(frozen=True)
class SearchFilters:
    """Search filters; every given filter must hold (AND). Text is a plain substring, never a pattern.

    `indicator` matches exactly, or as a prefix when it ends with "*" or `indicator_prefix` is set
    ("ค 1.1" finds "ค 1.1 ป.6/2"). `latest_only`: only the newest version of each item.
    """

    learning_area: str | None = None
    indicator: str | None = None
    indicator_prefix: bool = False
    trait: str | None = None
    competency: str | None = None
    grade: str | None = None
    cognitive_level: str | None = None
    type: str | None = None
    status: str | None = None
    text: str | None = None
    author: str | None = None
    latest_only: bool = True


@dataclass
class UpsertReport:
    """What `upsert_items` did (or, with dry_run, would do)."""

    n_created: int = 0  # new items (their version 1)
    n_new_version: int = 0  # changed content for an existing code
    n_unchanged: int = 0  # same content as an existing version: nothing written
    n_enemy_links: int = 0  # enemy links added
    n_sets_created: int = 0
    dry_run: bool = False
    codes_created: list[str] = field(default_factory=list)
    codes_new_version: list[str] = field(default_factory=list)

    @property
    def n_total(self) -> int:
        return self.n_created + self.n_new_version + self.n_unchanged


class _ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class ItemVersionBase(_ReadModel):
    """Fields every reader of an item version may see."""

    id: int
    item_code: str
    number: int
    type: str
    stem: str
    options: list[dict[str, Any]]
    score_points: float
    rubric: list[dict[str, Any]]
    media: list[str]
    indicator_codes: list[str]
    trait_codes: list[str]
    competency_codes: list[str]
    cognitive_level: str | None
    grade: str | None
    learning_area: str | None
    estimated_time_s: int | None
    set_code: str | None
    set_position: int | None
    curriculum_edition: str
    options_ordered: bool = False


class ItemVersionPublic(ItemVersionBase):
    """What officers, reviewers and analysts read: with the key, the author and the review state."""

    key: list[str]
    accepted_answers: list[str]
    status: str
    author_name: str | None
    reviewer_name: str | None
    content_hash: str
    ioc: float | None
    ioc_n: int
    created_at: datetime
    is_latest: bool


class ItemVersionForSchool(ItemVersionBase):
    """What a school reads after release: never the key, accepted answers or author."""


class ReviewEventPublic(_ReadModel):
    """One stored transition of the review workflow."""

    version_id: int
    from_status: str | None
    to_status: str
    actor_name: str
    at: datetime
    comment: str


@dataclass(frozen=True)
class ItemUsage:
    """How a version fared and was used: its latest p and r (any source) and its administrations."""

    p: float | None = None
    r: float | None = None
    n_administrations: int = 0
    last_used: datetime | None = None


@dataclass(frozen=True)
class SearchPage:
    """One page of search results with the total number of matches (and, when asked, each
    version's :class:`ItemUsage` by version id)."""

    items: list[ItemVersionPublic]
    total: int
    page: int
    per_page: int
    usage: dict[int, ItemUsage] = field(default_factory=dict)

    @property
    def n_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

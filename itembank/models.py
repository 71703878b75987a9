"""Tables of the item bank (SQLModel, table=True).

`Item` has a stable code; its content lives in immutable `ItemVersion` rows: an edit makes the
next version, so a form that points at a version never changes. The content columns of a version
are guarded twice: the service never updates them, and a database trigger refuses an UPDATE that
changes them (:func:`immutability_ddl`, installed by the migration and by ``create_all``).
Workflow state (status, reviewer, IOC, `is_latest`) is not content and may change.

Data models for readers are in :mod:`itembank.schemas`.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy import false as sa_false
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

# JSONB on PostgreSQL: it has equality, which the immutability trigger needs.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp_field(nullable: bool = False) -> Any:
    """A timezone-aware timestamp column (UTC), filled with now unless `nullable`."""
    if nullable:
        return Field(default=None, sa_type=DateTime(timezone=True), nullable=True)
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)


class CurriculumEdition(SQLModel, table=True):
    """A curriculum edition (ฉบับหลักสูตร), e.g. "2551-2560": codes are tagged with their edition,
    so a revision of the curriculum does not orphan items tagged with the old one."""

    __tablename__ = "curriculum_edition"

    code: str = Field(primary_key=True, max_length=32)
    title: str = Field(default="", max_length=300)
    created_at: datetime = timestamp_field()


class Item(SQLModel, table=True):
    """An item (ข้อสอบ) with a stable code; its content is in its versions."""

    __tablename__ = "item"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    n_versions: int = 0
    created_at: datetime = timestamp_field()
    created_by_name: str = Field(default="", max_length=150)


class ItemSet(SQLModel, table=True):
    """A passage or stimulus (บทอ่าน / สถานการณ์) with its items, ordered by `set_position`."""

    __tablename__ = "item_set"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    title: str = Field(default="", max_length=300)
    stimulus: str = Field(default="", sa_type=Text)
    media: list[str] = Field(default_factory=list, sa_type=JSONType)
    created_at: datetime = timestamp_field()
    created_by_name: str = Field(default="", max_length=150)


class ItemVersion(SQLModel, table=True):
    """One immutable version of an item: content, tags (tag tables), and its review state."""

    __tablename__ = "item_version"
    __table_args__ = (
        UniqueConstraint("item_id", "number", name="uq_item_version_number"),
        # the same content for the same item is stored once: imports are idempotent by constraint
        UniqueConstraint("item_id", "content_hash", name="uq_item_version_content"),
        Index("ix_item_version_area_grade_status", "learning_area", "grade", "status"),
        Index("ix_item_version_latest_area", "is_latest", "learning_area"),
        Index("ix_item_version_set", "set_id", "set_position"),
        CheckConstraint("number >= 1", name="ck_item_version_number"),
        CheckConstraint("score_points >= 0", name="ck_item_version_points"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    item_code: str = Field(max_length=64)  # the item's stable code, copied: search sorts without a join
    number: int
    # content (immutable)
    type: str = Field(max_length=32, index=True)
    stem: str = Field(sa_type=Text)
    search_text: str = Field(default="", sa_type=Text)  # stem without markup, lower-cased: what text search reads
    options: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    # the options carry an order (numbers, ก < ข …): booklet variants never shuffle them
    options_ordered: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    key: list[str] = Field(default_factory=list, sa_type=JSONType)
    accepted_answers: list[str] = Field(default_factory=list, sa_type=JSONType)
    score_points: float = 1.0
    rubric: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    media: list[str] = Field(default_factory=list, sa_type=JSONType)
    cognitive_level: str | None = Field(default=None, max_length=16, index=True)
    grade: str | None = Field(default=None, max_length=8, index=True)
    learning_area: str | None = Field(default=None, max_length=4)
    estimated_time_s: int | None = None
    curriculum_edition: str = Field(foreign_key="curriculum_edition.code", max_length=32)
    set_id: int | None = Field(default=None, foreign_key="item_set.id")
    set_position: int | None = None
    content_hash: str = Field(max_length=64)
    author_id: int | None = None
    author_name: str = Field(default="", max_length=150, index=True)
    created_at: datetime = timestamp_field()
    # review state (mutable)
    status: str = Field(default="draft", max_length=16, index=True)
    is_latest: bool = True
    reviewer_id: int | None = None
    reviewer_name: str | None = Field(default=None, max_length=150)
    status_changed_at: datetime | None = timestamp_field(nullable=True)
    approved_at: datetime | None = timestamp_field(nullable=True)
    ioc: float | None = None
    ioc_n: int = 0


#: Columns of item_version that never change after insert.
IMMUTABLE_COLUMNS = (
    "item_id", "item_code", "number", "type", "stem", "search_text", "options", "options_ordered", "key",
    "accepted_answers",
    "score_points", "rubric", "media", "cognitive_level", "grade", "learning_area",
    "estimated_time_s", "curriculum_edition", "set_id", "set_position", "content_hash",
    "author_id", "author_name", "created_at",
)


class ItemVersionIndicator(SQLModel, table=True):
    """Tag: the version measures this indicator (ตัวชี้วัด) of its curriculum edition."""

    __tablename__ = "item_version_indicator"
    __table_args__ = (
        Index("ix_item_version_indicator_code", "code", "version_id",
              postgresql_ops={"code": "varchar_pattern_ops"}),
    )

    version_id: int = Field(foreign_key="item_version.id", primary_key=True, ondelete="CASCADE")
    code: str = Field(max_length=64, primary_key=True)


class ItemVersionTrait(SQLModel, table=True):
    """Tag: desired-characteristic indicator (คุณลักษณะอันพึงประสงค์), e.g. "1.2"."""

    __tablename__ = "item_version_trait"
    __table_args__ = (Index("ix_item_version_trait_code", "code", "version_id"),)

    version_id: int = Field(foreign_key="item_version.id", primary_key=True, ondelete="CASCADE")
    code: str = Field(max_length=16, primary_key=True)


class ItemVersionCompetency(SQLModel, table=True):
    """Tag: key competency (สมรรถนะสำคัญของผู้เรียน), "1"–"5"."""

    __tablename__ = "item_version_competency"
    __table_args__ = (Index("ix_item_version_competency_code", "code", "version_id"),)

    version_id: int = Field(foreign_key="item_version.id", primary_key=True, ondelete="CASCADE")
    code: str = Field(max_length=16, primary_key=True)


class EnemyLink(SQLModel, table=True):
    """Two items that must not appear on the same form (ข้อสอบที่ชี้แนะคำตอบกัน); stored once, low id first."""

    __tablename__ = "enemy_link"
    __table_args__ = (CheckConstraint("item_id < enemy_item_id", name="ck_enemy_link_order"),)

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    enemy_item_id: int = Field(foreign_key="item.id", primary_key=True, index=True)
    created_at: datetime = timestamp_field()


class ReviewEvent(SQLModel, table=True):
    """One transition of the review workflow, with who, when and why."""

    __tablename__ = "review_event"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="item_version.id", index=True, ondelete="CASCADE")
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    actor_id: int | None = None
    actor_name: str = Field(max_length=150)
    actor_role: str = Field(max_length=16)
    at: datetime = timestamp_field()
    comment: str = Field(default="", sa_type=Text)


class IocRating(SQLModel, table=True):
    """One expert's congruence rating (+1 / 0 / −1) of an item version with its indicators."""

    __tablename__ = "ioc_rating"
    __table_args__ = (
        UniqueConstraint("version_id", "expert_name", name="uq_ioc_rating_expert"),
        CheckConstraint("rating IN (-1, 0, 1)", name="ck_ioc_rating_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="item_version.id", index=True, ondelete="CASCADE")
    expert_id: int | None = None
    expert_name: str = Field(max_length=150)
    rating: int
    comment: str = Field(default="", sa_type=Text)
    rated_at: datetime = timestamp_field()


class Instrument(SQLModel, table=True):
    """A rating scale, rubric or checklist (แบบประเมิน) that schools download."""

    __tablename__ = "instrument"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    title: str = Field(max_length=300)
    kind: str = Field(max_length=32)  # rating_scale | rubric | checklist
    purpose: str = Field(max_length=32, index=True)  # desired_trait | reading_thinking_writing | authentic
    description: str = Field(default="", sa_type=Text)
    criteria: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    levels: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    trait_codes: list[str] = Field(default_factory=list, sa_type=JSONType)
    grade: str | None = Field(default=None, max_length=8)
    school_id: int | None = Field(default=None, index=True)  # None: district-wide
    status: str = Field(default="approved", max_length=16)
    created_at: datetime = timestamp_field()
    author_name: str = Field(default="", max_length=150)


class Media(SQLModel, table=True):
    """A picture used by items, stored content-addressed: its sha256 is its name."""

    __tablename__ = "media"

    sha256: str = Field(primary_key=True, max_length=64)
    mime: str = Field(max_length=32)
    size: int
    data: bytes = Field(sa_type=LargeBinary)
    filename: str = Field(default="", max_length=255)
    created_at: datetime = timestamp_field()
    uploaded_by_name: str = Field(default="", max_length=150)


TAG_TABLES = ("item_version_indicator", "item_version_trait", "item_version_competency")


def immutability_ddl(dialect: str, columns: tuple[str, ...] = IMMUTABLE_COLUMNS) -> list[str]:
    """SQL that installs the triggers refusing changes to an item version's content (`columns`) and tags."""
    cols = columns
    if dialect == "sqlite":
        changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in cols)
        return [
            "CREATE TRIGGER item_version_immutable BEFORE UPDATE ON item_version "
            f"FOR EACH ROW WHEN {changed} "
            "BEGIN SELECT RAISE(ABORT, 'item_version content is immutable'); END",
            *(f"CREATE TRIGGER {t}_immutable BEFORE UPDATE ON {t} FOR EACH ROW "
              "BEGIN SELECT RAISE(ABORT, 'item_version tags are immutable'); END" for t in TAG_TABLES),
        ]
    if dialect == "postgresql":
        old = ", ".join(f'OLD."{c}"' for c in cols)
        new = ", ".join(f'NEW."{c}"' for c in cols)
        return [
            "CREATE OR REPLACE FUNCTION item_version_immutable() RETURNS trigger AS $$ BEGIN "
            f"IF ROW({old}) IS DISTINCT FROM ROW({new}) THEN "
            "RAISE EXCEPTION 'item_version content is immutable' USING ERRCODE = 'integrity_constraint_violation'; "
            "END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER item_version_immutable BEFORE UPDATE ON item_version "
            "FOR EACH ROW EXECUTE FUNCTION item_version_immutable()",
            "CREATE OR REPLACE FUNCTION item_version_tag_immutable() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'item_version tags are immutable' USING ERRCODE = 'integrity_constraint_violation'; "
            "END $$ LANGUAGE plpgsql",
            *(f"CREATE TRIGGER {t}_immutable BEFORE UPDATE ON {t} "
              "FOR EACH ROW EXECUTE FUNCTION item_version_tag_immutable()" for t in TAG_TABLES),
        ]
    return []


def drop_immutability_ddl(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return ["DROP TRIGGER IF EXISTS item_version_immutable",
                *(f"DROP TRIGGER IF EXISTS {t}_immutable" for t in TAG_TABLES)]
    if dialect == "postgresql":
        return ["DROP TRIGGER IF EXISTS item_version_immutable ON item_version",
                *(f"DROP TRIGGER IF EXISTS {t}_immutable ON {t}" for t in TAG_TABLES),
                "DROP FUNCTION IF EXISTS item_version_immutable()",
                "DROP FUNCTION IF EXISTS item_version_tag_immutable()"]
    return []


@event.listens_for(SQLModel.metadata, "after_create")
def _install_immutability_guard(target: Any, connection: Any, tables: Any = (), **kw: Any) -> None:
    """``create_all`` installs the guards too (the migration installs them with the same SQL)."""
    names = {t.name for t in tables} if tables else set(target.tables)
    if {"item_version", *TAG_TABLES} <= names:
        for statement in immutability_ddl(connection.dialect.name):
            connection.exec_driver_sql(statement)


__all__ = [
    "CurriculumEdition", "Item", "ItemSet", "ItemVersion", "ItemVersionIndicator", "ItemVersionTrait",
    "ItemVersionCompetency", "EnemyLink", "ReviewEvent", "IocRating", "Instrument", "Media",
    "IMMUTABLE_COLUMNS", "TAG_TABLES", "immutability_ddl", "drop_immutability_ddl",
]

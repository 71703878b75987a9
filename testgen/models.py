"""Tables of test assembly: stored blueprints, frozen forms, their booklet variants, compromised items.

A frozen form points at item *versions*, which never change: editing an item later makes a new
version and leaves every form that used the old one exactly as it was printed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from itembank.models import JSONType, timestamp_field


class StoredBlueprint(SQLModel, table=True):
    """ผังการออกข้อสอบ as stored: the blueprint's plain-data spec (testgen.blueprint_io) as JSON."""

    __tablename__ = "blueprint"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=300)
    grade: str | None = Field(default=None, max_length=8)
    spec: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    created_by_name: str = Field(default="", max_length=150)
    created_at: datetime = timestamp_field()


class Form(SQLModel, table=True):
    """ฉบับข้อสอบ: a frozen, ordered list of item versions with its provenance and content hash."""

    __tablename__ = "form"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    title: str = Field(max_length=300)
    grade: str | None = Field(default=None, max_length=8)
    learning_area: str | None = Field(default=None, max_length=8)
    blueprint_id: int | None = Field(default=None, foreign_key="blueprint.id", index=True)
    n_items: int
    total_points: float
    time_minutes: int | None = None
    content_hash: str = Field(max_length=64, index=True)
    provenance: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    frozen_at: datetime = timestamp_field()
    created_by_name: str = Field(default="", max_length=150)


class FormItem(SQLModel, table=True):
    """One position of a frozen form."""

    __tablename__ = "form_item"
    __table_args__ = (UniqueConstraint("form_id", "item_version_id", name="uq_form_item_version"),)

    form_id: int = Field(foreign_key="form.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)  # 1-based, as printed
    item_version_id: int = Field(foreign_key="item_version.id", index=True)
    section: str = Field(default="", max_length=64)
    set_code: str | None = Field(default=None, max_length=64)
    is_anchor: bool = False


class FormVariant(SQLModel, table=True):
    """A booklet variant (ชุด A/B/C…): item order, option maps and key, reproducible from its seed."""

    __tablename__ = "form_variant"
    __table_args__ = (UniqueConstraint("form_id", "label", name="uq_form_variant_label"),)

    id: int | None = Field(default=None, primary_key=True)
    form_id: int = Field(foreign_key="form.id", index=True, ondelete="CASCADE")
    label: str = Field(max_length=8)
    seed: int
    order: list[int] = Field(default_factory=list, sa_type=JSONType)          # variant position -> form position (0-based)
    option_maps: list[list[int]] = Field(default_factory=list, sa_type=JSONType)
    key: list[list[int]] = Field(default_factory=list, sa_type=JSONType)
    created_at: datetime = timestamp_field()


class CompromisedItem(SQLModel, table=True):
    """An item known to be exposed (ข้อสอบรั่ว): no new form may use any of its versions."""

    __tablename__ = "compromised_item"

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    reason: str = Field(default="", max_length=500)
    flagged_by_name: str = Field(default="", max_length=150)
    flagged_at: datetime = timestamp_field()

"""Tables of supervision (การนิเทศ ติดตาม) and quality assurance (การประกันคุณภาพ).

Forms are data (:class:`SupervisionForm`: items, scales, bands as JSON), so an office adds its own
form without code; a visit keeps its ratings by item code and the form code it was rated on. A
supervisor is referred to by user id (and name, as printed), never by a join into the accounts.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from itembank.models import JSONType, timestamp_field

PLAN_MODES = ("school_based", "project_based")
RECOMMENDATION_STATUSES = ("open", "in_progress", "done", "verified")
QA_SOURCES = ("sar", "external")


class SupervisionForm(SQLModel, table=True):
    """แบบบันทึกการนิเทศ (a supervision form): its items, scale and interpretation bands as data."""

    __tablename__ = "supervision_form"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    title_th: str = Field(max_length=300)
    kind: str = Field(max_length=40)  # classroom_visit | learning_management | area_followup | an office's own
    definition: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    is_reference: bool = False
    created_by_name: str = Field(default="", max_length=150)
    created_at: datetime = timestamp_field()


class PlanEntry(SQLModel, table=True):
    """One line of the year's supervision plan (แผนการนิเทศ): a school or a network, a topic, by whom, when."""

    __tablename__ = "supervision_plan_entry"
    __table_args__ = (
        CheckConstraint("school_id IS NOT NULL OR network IS NOT NULL", name="ck_plan_entry_target"),
        CheckConstraint("month >= 1 AND month <= 12", name="ck_plan_entry_month"),
        CheckConstraint("mode IN ('school_based', 'project_based')", name="ck_plan_entry_mode"),
    )

    id: int | None = Field(default=None, primary_key=True)
    academic_year: int = Field(index=True)  # ปีการศึกษา (พ.ศ.)
    school_id: int | None = Field(default=None, foreign_key="school.id", index=True)
    network: str | None = Field(default=None, max_length=150)  # กลุ่มเครือข่าย
    topic: str = Field(max_length=300)
    mode: str = Field(default="school_based", max_length=20)  # โรงเรียนเป็นฐาน / โครงการเป็นฐาน
    month: int
    supervisor_id: int | None = Field(default=None, index=True)  # user id of the ศึกษานิเทศก์
    supervisor_name: str = Field(default="", max_length=200)
    created_at: datetime = timestamp_field()


class Visit(SQLModel, table=True):
    """บันทึกการนิเทศ: one visit to a school (and a teacher) on one form, with its ratings and notes."""

    __tablename__ = "supervision_visit"
    __table_args__ = (
        CheckConstraint("overall_mean IS NULL OR (overall_mean >= 1 AND overall_mean <= 5)",
                        name="ck_visit_overall_mean"),
        CheckConstraint("term IN (1, 2)", name="ck_visit_term"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    academic_year: int = Field(index=True)
    term: int = 1
    form_code: str = Field(max_length=40, index=True)
    kind: str = Field(max_length=40)
    visit_no: int = 1  # นิเทศครั้งที่
    visited_on: date
    period: str = Field(default="", max_length=40)  # คาบที่ / เวลา
    teacher_name: str = Field(default="", max_length=200)
    teacher_position: str = Field(default="", max_length=200)
    learning_area: str = Field(default="", max_length=100)
    subject: str = Field(default="", max_length=200)
    grade: str = Field(default="", max_length=40)
    topic: str = Field(default="", max_length=300)
    supervisor_id: int | None = Field(default=None, index=True)
    supervisor_name: str = Field(default="", max_length=200)
    supervisor_position: str = Field(default="", max_length=200)
    ratings: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)  # item code -> score
    domain_means: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)  # domain code -> mean
    overall_mean: float | None = None
    narrative: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)  # prompt code -> text
    suggestions: str = Field(default="", sa_type=Text)
    indicator_codes: list[str] = Field(default_factory=list, sa_type=JSONType)  # "ค 1.1 ป.4/2"
    qa_codes: list[str] = Field(default_factory=list, sa_type=JSONType)  # "3.4"
    follow_up_of: int | None = Field(default=None, foreign_key="supervision_visit.id")
    acknowledged_at: datetime | None = timestamp_field(nullable=True)
    acknowledged_by_name: str = Field(default="", max_length=150)
    created_at: datetime = timestamp_field()


class Recommendation(SQLModel, table=True):
    """ข้อเสนอแนะ: what the school should do by when; open → in_progress → done → verified."""

    __tablename__ = "supervision_recommendation"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'done', 'verified')", name="ck_recommendation_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="supervision_visit.id", index=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    text: str = Field(sa_type=Text)
    due_on: date | None = None
    status: str = Field(default="open", max_length=16, index=True)
    note: str = Field(default="", sa_type=Text)
    closed_by_visit_id: int | None = Field(default=None, foreign_key="supervision_visit.id")
    updated_by_name: str = Field(default="", max_length=150)
    updated_at: datetime = timestamp_field()


class QaRating(SQLModel, table=True):
    """One quality level (1–5) of one school for one year on one standard or sub-item: the SAR's or สมศ.'s."""

    __tablename__ = "qa_rating"
    __table_args__ = (
        # unique: importing the same SAR twice changes nothing, a new level replaces the old one
        UniqueConstraint("school_id", "academic_year", "source", "code", name="uq_qa_rating"),
        CheckConstraint("level >= 1 AND level <= 5", name="ck_qa_rating_level"),
        CheckConstraint("source IN ('sar', 'external')", name="ck_qa_rating_source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    academic_year: int = Field(index=True)
    source: str = Field(default="sar", max_length=16)  # sar (รายงานการประเมินตนเอง) | external (สมศ.)
    code: str = Field(max_length=16)  # "1", "1.1", "1.1(1)" …
    level: int
    evidence: str = Field(default="", sa_type=Text)
    entered_by_name: str = Field(default="", max_length=150)
    updated_at: datetime = timestamp_field()


class CommitteeNotes(SQLModel, table=True):
    """What the ก.ต.ป.น. secretariat enters for a year: the committee's recommendations, good practices, sections off."""

    __tablename__ = "committee_notes"

    id: int | None = Field(default=None, primary_key=True)
    academic_year: int = Field(unique=True, index=True)
    recommendations: list[str] = Field(default_factory=list, sa_type=JSONType)
    good_practices: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)  # {school, title, text}
    sections_off: list[str] = Field(default_factory=list, sa_type=JSONType)
    meeting_on: date | None = None
    updated_by_name: str = Field(default="", max_length=150)
    updated_at: datetime = timestamp_field()

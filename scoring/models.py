"""Tables of the scoring room: the people and places, administrations, answer uploads, scores, the warehouse.

Schools are tables of the centre (:mod:`itembank.schools`): accounts are bound to them.

- :class:`AcademicYear` (ปีการศึกษา, พ.ศ.) → :class:`Term` (ภาคเรียน 1/2).
- :class:`SchoolClass` (ชั้น/ห้อง of a school in a year) ← :class:`Enrolment` (เลขที่) → :class:`Student`
  (เลขประจำตัว within its school, sex, optional names; never a national id: PDPA minimisation).
- :class:`Administration` (a frozen form given to a grade in a term, with its release times and
  settings) → :class:`AdministrationSchool` (participating schools, their rendered booklets),
  :class:`Download` (who downloaded what, when).
- :class:`AnswerUpload` (one file of one school, by hash) → :class:`ResponseSet` (one per administration
  and student: the answers as codes in *form* order, see :mod:`scoring.responses`) → :class:`StudentScore`.
- :class:`ResultSummary`: the warehouse, one row per administration and scope (district, school, class).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from itembank.models import JSONType, timestamp_field


class AcademicYear(SQLModel, table=True):
    """ปีการศึกษา (academic year), named by its Buddhist-era year (2568)."""

    __tablename__ = "academic_year"
    __table_args__ = (CheckConstraint("year_be BETWEEN 2400 AND 2700", name="ck_academic_year_be"),)

    id: int | None = Field(default=None, primary_key=True)
    year_be: int = Field(unique=True, index=True)
    starts_on: date | None = None
    ends_on: date | None = None


class Term(SQLModel, table=True):
    """ภาคเรียน (term) 1 or 2 of an academic year."""

    __tablename__ = "term"
    __table_args__ = (UniqueConstraint("academic_year_id", "number", name="uq_term_number"),
                      CheckConstraint("number BETWEEN 1 AND 3", name="ck_term_number"))

    id: int | None = Field(default=None, primary_key=True)
    academic_year_id: int = Field(foreign_key="academic_year.id", index=True)
    number: int


class SchoolClass(SQLModel, table=True):
    """A class (ชั้น ป.6 ห้อง 1) of one school in one academic year."""

    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("school_id", "academic_year_id", "grade", "room", name="uq_school_class"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    academic_year_id: int = Field(foreign_key="academic_year.id", index=True)
    grade: str = Field(max_length=8)  # ป.6, ม.3
    room: str = Field(default="", max_length=16)


class Student(SQLModel, table=True):
    """นักเรียน: a school-assigned id (เลขประจำตัว) within its school; names optional; no national id."""

    __tablename__ = "student"
    __table_args__ = (UniqueConstraint("school_id", "student_code", name="uq_student_school_code"),
                      CheckConstraint("sex IS NULL OR sex IN ('M', 'F')", name="ck_student_sex"))

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    student_code: str = Field(max_length=20)  # เลขประจำตัวนักเรียน
    sex: str | None = Field(default=None, max_length=1)  # M / F: for DIF by sex
    prefix: str | None = Field(default=None, max_length=30)  # คำนำหน้า
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    created_at: datetime = timestamp_field()


class Enrolment(SQLModel, table=True):
    """A student in a class of one academic year, at a seat number (เลขที่)."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("student_id", "academic_year_id", name="uq_enrolment_year"),)

    id: int | None = Field(default=None, primary_key=True)
    student_id: int = Field(foreign_key="student.id", index=True)
    academic_year_id: int = Field(foreign_key="academic_year.id")
    class_id: int = Field(foreign_key="school_class.id", index=True)
    seat: int | None = None


class Administration(SQLModel, table=True):
    """การสอบ (administration): a frozen form and its variants given to a grade in a term.

    Release is decided by the time: schools see booklets from `release_at`, keys from `key_release_at`,
    results from `results_release_at`. `settings` holds the scoring choices (grade and quality cuts,
    the scale transform, cancelled items, partial credit, the mastery cut): see scoring.settings.
    """

    __tablename__ = "administration"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    title: str = Field(max_length=300)
    form_id: int = Field(foreign_key="form.id", index=True)
    grade: str = Field(max_length=8)
    term_id: int = Field(foreign_key="term.id", index=True)
    release_at: datetime | None = timestamp_field(nullable=True)
    key_release_at: datetime | None = timestamp_field(nullable=True)
    results_release_at: datetime | None = timestamp_field(nullable=True)
    closed_at: datetime | None = timestamp_field(nullable=True)
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    created_by_name: str = Field(default="", max_length=150)
    created_at: datetime = timestamp_field()


class AdministrationSchool(SQLModel, table=True):
    """A school taking part in an administration, and its booklets once rendered at release."""

    __tablename__ = "administration_school"

    administration_id: int = Field(foreign_key="administration.id", primary_key=True, ondelete="CASCADE")
    school_id: int = Field(foreign_key="school.id", primary_key=True, index=True)
    booklets_rendered_at: datetime | None = timestamp_field(nullable=True)
    booklets: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)  # variant -> {"path", "sha256"}


class Download(SQLModel, table=True):
    """One download of an administration's document by a school (who, school, variant, when)."""

    __tablename__ = "download"
    __table_args__ = (Index("ix_download_admin_school", "administration_id", "school_id"),)

    id: int | None = Field(default=None, primary_key=True)
    administration_id: int = Field(foreign_key="administration.id", ondelete="CASCADE")
    school_id: int = Field(foreign_key="school.id")
    document: str = Field(max_length=16)  # booklet | answer_sheet | key
    variant: str = Field(default="", max_length=8)
    user_id: int | None = None
    user_name: str = Field(default="", max_length=150)
    downloaded_at: datetime = timestamp_field()


class AnswerUpload(SQLModel, table=True):
    """One answer file of one school for one administration; `is_current` marks the one in force."""

    __tablename__ = "answer_upload"
    __table_args__ = (UniqueConstraint("administration_id", "school_id", "file_hash", name="uq_answer_upload_hash"),
                      Index("ix_answer_upload_admin_school", "administration_id", "school_id"))

    id: int | None = Field(default=None, primary_key=True)
    administration_id: int = Field(foreign_key="administration.id", ondelete="CASCADE")
    school_id: int = Field(foreign_key="school.id")
    file_hash: str = Field(max_length=64)
    file_name: str = Field(default="", max_length=255)
    n_students: int = 0
    is_current: bool = True
    uploaded_by_name: str = Field(default="", max_length=150)
    uploaded_at: datetime = timestamp_field()


class ResponseSet(SQLModel, table=True):
    """The answers of one student in one administration, as codes in FORM order (scoring.responses)."""

    __tablename__ = "response_set"
    __table_args__ = (UniqueConstraint("administration_id", "student_id", name="uq_response_set_student"),
                      Index("ix_response_set_admin_school", "administration_id", "school_id"))

    id: int | None = Field(default=None, primary_key=True)
    administration_id: int = Field(foreign_key="administration.id", ondelete="CASCADE")
    student_id: int = Field(foreign_key="student.id")
    school_id: int = Field(foreign_key="school.id")
    upload_id: int = Field(foreign_key="answer_upload.id", index=True)
    variant: str = Field(default="", max_length=8)
    answers: list[int] = Field(default_factory=list, sa_type=JSONType)


class StudentScore(SQLModel, table=True):
    """The scores of one response set: raw, %, grade, quality level, θ with SE, scale score, percentile."""

    __tablename__ = "student_score"
    __table_args__ = (Index("ix_student_score_admin_school", "administration_id", "school_id"),)

    response_set_id: int = Field(foreign_key="response_set.id", primary_key=True, ondelete="CASCADE")
    administration_id: int = Field(foreign_key="administration.id")
    school_id: int = Field(foreign_key="school.id")
    raw: float
    max_points: float
    percent: float
    grade: float | None = None  # 4, 3.5 … 0
    quality: str | None = Field(default=None, max_length=16)  # excellent | good | fair | improve
    theta: float | None = None
    theta_se: float | None = None
    wle: float | None = None
    wle_se: float | None = None
    scale_score: float | None = None
    # the itembank.parameter_sets set θ was estimated with (None: the bank's latest statistics, or no θ);
    # a plain id: sets are never changed or deleted once made
    parameter_set_id: int | None = None
    percentile: float | None = None  # district rank; stored when the scores are recomputed or closed (exports rank live)
    mastery: dict[str, float] = Field(default_factory=dict, sa_type=JSONType)  # indicator -> share correct


class ResultSummary(SQLModel, table=True):
    """The warehouse: results of one scope (district | school:<id> | class:<id>) in one administration."""

    __tablename__ = "result_summary"
    __table_args__ = (UniqueConstraint("administration_id", "scope", name="uq_result_summary_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    administration_id: int = Field(foreign_key="administration.id", ondelete="CASCADE")
    scope: str = Field(max_length=64)
    level: str = Field(max_length=16)  # district | school | class
    school_id: int | None = Field(default=None, foreign_key="school.id", index=True)
    class_id: int | None = Field(default=None, foreign_key="school_class.id")
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    updated_at: datetime = timestamp_field()

"""Tables of the courses service: departments, terms, batches, courses, sections, enrolments.

Every id is a UUID string (``str(uuid.uuid4())``, 36 characters), the same
form as identity's, so ids travel unchanged through events and other
subgraphs. ``user_id`` and ``actor_id`` columns hold identity account ids;
no foreign key reaches identity's tables (no subgraph reads another's).
Status-like columns are short strings checked by the database
(``CHECK ... IN (...)``) and read back as the ``StrEnum`` members below.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import TimestampMixin, service_metadata, utcnow
from shared.events import outbox_table

__all__ = [
    "Base",
    "Batch",
    "BatchMember",
    "Course",
    "CourseStatus",
    "Department",
    "EnrollmentAction",
    "EnrollmentHistory",
    "EnrollmentImport",
    "MemberRole",
    "Section",
    "SectionMember",
    "SectionStatus",
    "Term",
    "WaitlistEntry",
    "new_id",
    "outbox",
]

ID_LENGTH = 36


def new_id() -> str:
    """A fresh primary key: a random UUID in its canonical 36-character form."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = service_metadata()


class CourseStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class SectionStatus(StrEnum):
    OPEN = "open"
    """Students may enrol (up to the capacity, then onto the waitlist)."""
    CLOSED = "closed"
    """No new enrolments; members stay."""
    CANCELLED = "cancelled"


class MemberRole(StrEnum):
    STUDENT = "student"
    TEACHING_ASSISTANT = "teaching_assistant"
    INSTRUCTOR = "instructor"


class EnrollmentAction(StrEnum):
    ENROLLED = "enrolled"
    DROPPED = "dropped"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"
    """Moved from the waitlist into a freed seat."""


def _choice(enum: type[StrEnum], name: str) -> SAEnum:
    """A short string column restricted to ``enum``'s values by a named CHECK constraint."""
    return SAEnum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def _id(**kwargs: Any) -> Mapped[str]:
    return mapped_column(String(ID_LENGTH), primary_key=True, default=new_id, **kwargs)


def _ref(target: str, *, ondelete: str = "RESTRICT", nullable: bool = False) -> Mapped[Any]:
    return mapped_column(
        String(ID_LENGTH), ForeignKey(target, ondelete=ondelete), nullable=nullable
    )


def _when(*, nullable: bool = True, **kwargs: Any) -> Mapped[Any]:
    return mapped_column(DateTime(timezone=True), nullable=nullable, **kwargs)


class Department(TimestampMixin, Base):
    """An academic department of a college (``CSE``: Computer Science and Engineering)."""

    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("college_id", "code", name="uq_department_college_code"),)

    id: Mapped[str] = _id()
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    code: Mapped[str] = mapped_column(String(32))
    """Short code, stored upper-cased; unique within the college."""
    name: Mapped[str] = mapped_column(String(200))


class Term(TimestampMixin, Base):
    """A teaching period of a college (``Fall 2026``); ``ends_on`` is not before ``starts_on``."""

    __tablename__ = "term"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="date_range"),
        Index("ix_term_college_starts", "college_id", "starts_on"),
    )

    id: Mapped[str] = _id()
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class Batch(TimestampMixin, Base):
    """Students of a department who started together (``CSE 2026``)."""

    __tablename__ = "batch"
    __table_args__ = (Index("ix_batch_college_department", "college_id", "department_id"),)

    id: Mapped[str] = _id()
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    department_id: Mapped[str] = _ref("department.id")
    name: Mapped[str] = mapped_column(String(100))
    intake_year: Mapped[int] = mapped_column(Integer)


class Course(TimestampMixin, Base):
    """A course of the catalogue (``CS101``), taught in sections."""

    __tablename__ = "course"
    __table_args__ = (
        UniqueConstraint("college_id", "code", name="uq_course_college_code"),
        CheckConstraint("credits >= 0", name="credits_not_negative"),
        Index("ix_course_college_department", "college_id", "department_id"),
        Index("ix_course_college_status", "college_id", "status"),
    )

    id: Mapped[str] = _id()
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    department_id: Mapped[str] = _ref("department.id")
    code: Mapped[str] = mapped_column(String(32))
    """Short code, stored upper-cased; unique within the college."""
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    credits: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    status: Mapped[CourseStatus] = mapped_column(
        _choice(CourseStatus, "course_status"), default=CourseStatus.DRAFT
    )


class Section(TimestampMixin, Base):
    """One offering of a course in a term, with its own seats (``capacity``)."""

    __tablename__ = "section"
    __table_args__ = (
        UniqueConstraint("course_id", "term_id", "code", name="uq_section_course_term_code"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        Index("ix_section_college_term", "college_id", "term_id"),
        Index("ix_section_batch", "batch_id"),
    )

    id: Mapped[str] = _id()
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    course_id: Mapped[str] = _ref("course.id")
    term_id: Mapped[str] = _ref("term.id")
    batch_id: Mapped[str | None] = _ref("batch.id", nullable=True)
    code: Mapped[str] = mapped_column(String(32))
    """``A``, ``B`` ...: unique within the course and term."""
    capacity: Mapped[int] = mapped_column(Integer)
    """Seats for students; teaching staff do not take seats."""
    status: Mapped[SectionStatus] = mapped_column(
        _choice(SectionStatus, "section_status"), default=SectionStatus.OPEN
    )


class SectionMember(Base):
    """A person in a section: a student holding a seat, or its teaching staff."""

    __tablename__ = "section_member"
    __table_args__ = (
        UniqueConstraint("section_id", "user_id", name="uq_section_member_section_user"),
        Index("ix_section_member_user", "user_id"),
        Index("ix_section_member_section_role", "section_id", "role"),
    )

    id: Mapped[str] = _id()
    section_id: Mapped[str] = _ref("section.id", ondelete="CASCADE")
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    """An identity account id."""
    role: Mapped[MemberRole] = mapped_column(_choice(MemberRole, "member_role"))
    created_at: Mapped[datetime] = _when(nullable=False, default=utcnow)


class WaitlistEntry(Base):
    """A student waiting for a seat; the lowest ``position`` is promoted first."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (
        UniqueConstraint("section_id", "user_id", name="uq_waitlist_entry_section_user"),
        UniqueConstraint("section_id", "position", name="uq_waitlist_entry_section_position"),
        Index("ix_waitlist_entry_user", "user_id"),
    )

    id: Mapped[str] = _id()
    section_id: Mapped[str] = _ref("section.id", ondelete="CASCADE")
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    position: Mapped[int] = mapped_column(Integer)
    """1 for the first in line; positions only grow, gaps are left by promotions and drops."""
    created_at: Mapped[datetime] = _when(nullable=False, default=utcnow)


class EnrollmentHistory(Base):
    """One change of a person's place in a section, never edited."""

    __tablename__ = "enrollment_history"
    __table_args__ = (
        Index("ix_enrollment_history_section_at", "section_id", "at"),
        Index("ix_enrollment_history_user_at", "user_id", "at"),
    )

    id: Mapped[str] = _id()
    section_id: Mapped[str] = _ref("section.id", ondelete="CASCADE")
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    action: Mapped[EnrollmentAction] = mapped_column(_choice(EnrollmentAction, "enrollment_action"))
    actor_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    """Who made the change (``None``: the system, such as a promotion's trigger)."""
    at: Mapped[datetime] = _when(nullable=False, default=utcnow)


class BatchMember(Base):
    """A student's batch: each student (an identity account) belongs to at most one."""

    __tablename__ = "batch_member"
    __table_args__ = (
        UniqueConstraint("user_id", name="uq_batch_member_user"),
        Index("ix_batch_member_batch", "batch_id"),
    )

    id: Mapped[str] = _id()
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    batch_id: Mapped[str] = _ref("batch.id", ondelete="CASCADE")
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    """An identity account id."""
    created_at: Mapped[datetime] = _when(nullable=False, default=utcnow)


class EnrollmentImport(Base):
    """One applied CSV enrolment import: who ran which file, its counts and per-row report."""

    __tablename__ = "enrollment_import"
    __table_args__ = (Index("ix_enrollment_import_college_created", "college_id", "created_at"),)

    id: Mapped[str] = _id()
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    object_key: Mapped[str] = mapped_column(String(512))
    actor_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    total: Mapped[int] = mapped_column(Integer)
    applied: Mapped[int] = mapped_column(Integer)
    """Rows that changed something (enrolled, waitlisted, dropped)."""
    skipped: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    report: Mapped[str] = mapped_column(Text)
    """The per-row report as JSON (a list of ``{row, outcome, code, message}``)."""
    created_at: Mapped[datetime] = _when(nullable=False, default=utcnow)


outbox = outbox_table(Base.metadata)
"""Events published by courses, written in the same transaction as the change."""

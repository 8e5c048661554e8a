"""Tables of course content: modules, their items, visibility, prerequisites, completions.

A module belongs to one course and holds ordered items of three kinds: a
page (Markdown text), a file (an object in the platform's object storage)
or a link (an ``http(s)`` URL). Modules and items are ``draft`` until
published; students only ever see published ones. A module is visible to
every section of its course (``visible_to_all``) or only to the sections
listed in ``module_section``. ``module_prerequisite`` says a module needs
another module of the same course completed first; a student completes a
module by completing each of its published items (``item_completion``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import TimestampMixin, utcnow
from subgraphs.courses.models import ID_LENGTH, Base, new_id

__all__ = [
    "ContentStatus",
    "CourseModule",
    "ItemCompletion",
    "ItemKind",
    "ModuleItem",
    "ModulePrerequisite",
    "ModuleSection",
]

TITLE_LENGTH = 200
FILE_NAME_LENGTH = 255
CONTENT_TYPE_LENGTH = 127
OBJECT_KEY_LENGTH = 512
URL_LENGTH = 2048


class ContentStatus(StrEnum):
    DRAFT = "draft"
    """Seen by the course's teaching staff only."""
    PUBLISHED = "published"
    """Seen by the students it is visible to."""


class ItemKind(StrEnum):
    PAGE = "page"
    """Markdown text kept in ``body``."""
    FILE = "file"
    """An object in storage: ``file_key``, ``file_name``, ``file_size``, ``content_type``."""
    LINK = "link"
    """An ``http(s)`` address in ``url``."""


def _choice(enum: type[StrEnum], name: str) -> SAEnum:
    return SAEnum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def _ref(target: str, **kwargs: Any) -> Mapped[Any]:
    return mapped_column(
        String(ID_LENGTH), ForeignKey(target, ondelete="CASCADE"), nullable=False, **kwargs
    )


class CourseModule(TimestampMixin, Base):
    """A unit of a course's content (``Week 1: Foundations``), at ``position`` in the course."""

    __tablename__ = "course_module"
    __table_args__ = (Index("ix_course_module_course_position", "course_id", "position"),)

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    course_id: Mapped[str] = _ref("course.id")
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    position: Mapped[int] = mapped_column(Integer)
    """1 for the first module; gaps are allowed, the order is what counts."""
    status: Mapped[ContentStatus] = mapped_column(
        _choice(ContentStatus, "content_status"), default=ContentStatus.DRAFT
    )
    visible_to_all: Mapped[bool] = mapped_column(Boolean, default=True)
    """``False``: only the sections listed in ``module_section`` see the module."""
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ModuleItem(TimestampMixin, Base):
    """One page, file or link of a module, at ``position`` in it."""

    __tablename__ = "module_item"
    __table_args__ = (
        Index("ix_module_item_module_position", "module_id", "position"),
        CheckConstraint(
            "(kind = 'page' AND body IS NOT NULL)"
            " OR (kind = 'file' AND file_key IS NOT NULL)"
            " OR (kind = 'link' AND url IS NOT NULL)",
            name="kind_fields",
        ),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    module_id: Mapped[str] = _ref("course_module.id")
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ItemKind] = mapped_column(_choice(ItemKind, "item_kind"))
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    status: Mapped[ContentStatus] = mapped_column(
        _choice(ContentStatus, "content_status"), default=ContentStatus.DRAFT
    )
    body: Mapped[str | None] = mapped_column(Text)
    """A page's Markdown text."""
    file_key: Mapped[str | None] = mapped_column(String(OBJECT_KEY_LENGTH))
    file_name: Mapped[str | None] = mapped_column(String(FILE_NAME_LENGTH))
    file_size: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(CONTENT_TYPE_LENGTH))
    url: Mapped[str | None] = mapped_column(String(URL_LENGTH))


class ModuleSection(Base):
    """A section a module is visible to (used when the module is not ``visible_to_all``)."""

    __tablename__ = "module_section"
    __table_args__ = (Index("ix_module_section_section", "section_id"),)

    module_id: Mapped[str] = _ref("course_module.id", primary_key=True)
    section_id: Mapped[str] = _ref("section.id", primary_key=True)


class ModulePrerequisite(Base):
    """``module_id`` needs ``required_module_id`` (same course) completed first."""

    __tablename__ = "module_prerequisite"
    __table_args__ = (
        CheckConstraint("module_id <> required_module_id", name="not_itself"),
        Index("ix_module_prerequisite_required", "required_module_id"),
    )

    module_id: Mapped[str] = _ref("course_module.id", primary_key=True)
    required_module_id: Mapped[str] = _ref("course_module.id", primary_key=True)


class ItemCompletion(Base):
    """A student (an identity account) completed an item."""

    __tablename__ = "item_completion"
    __table_args__ = (Index("ix_item_completion_user", "user_id"),)

    item_id: Mapped[str] = _ref("module_item.id", primary_key=True)
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    completed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow
    )

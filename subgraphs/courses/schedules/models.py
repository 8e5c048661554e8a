"""Tables of schedules: weekly meetings, their exceptions, holidays and calendar feeds.

A meeting is a recurring weekly slot of a section: a weekday, a local start
and end time in an IANA time zone, a room, and the first and last date it
runs. Its occurrences are computed, never stored; an exception changes one
of them (cancelled, or moved to another time or room on the same day), and
a college holiday cancels every occurrence on its dates.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import TimestampMixin, utcnow
from subgraphs.courses.models import ID_LENGTH, Base, new_id

__all__ = [
    "CalendarFeed",
    "ExceptionKind",
    "Holiday",
    "Meeting",
    "MeetingException",
]

ROOM_LENGTH = 100
REASON_LENGTH = 200
TIME_ZONE_LENGTH = 64


class ExceptionKind(StrEnum):
    CANCELLED = "cancelled"
    """The occurrence does not take place."""
    MOVED = "moved"
    """The occurrence takes place at another time or in another room, the same day."""


class Meeting(TimestampMixin, Base):
    """A section's weekly slot: ``weekday`` (ISO: 1 Monday ... 7 Sunday) from ``starts_at``
    to ``ends_at`` (local times in ``time_zone``), every week from ``first_date`` to
    ``last_date``."""

    __tablename__ = "section_meeting"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 1 AND 7", name="weekday_iso"),
        CheckConstraint("ends_at > starts_at", name="time_range"),
        CheckConstraint("last_date >= first_date", name="date_range"),
        Index("ix_section_meeting_section", "section_id"),
        Index("ix_section_meeting_college_room", "college_id", "room", "weekday"),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    section_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("section.id", ondelete="CASCADE")
    )
    weekday: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    time_zone: Mapped[str] = mapped_column(String(TIME_ZONE_LENGTH))
    """IANA name (``Asia/Kolkata``): the clock ``starts_at`` and ``ends_at`` are read on."""
    room: Mapped[str | None] = mapped_column(String(ROOM_LENGTH))
    """Where the class meets; ``None`` when not (yet) known."""
    first_date: Mapped[date] = mapped_column(Date)
    last_date: Mapped[date] = mapped_column(Date)


class MeetingException(Base):
    """One occurrence of a meeting, on ``on_date``, cancelled or moved (same day)."""

    __tablename__ = "meeting_exception"
    __table_args__ = (
        UniqueConstraint("meeting_id", "on_date", name="uq_meeting_exception_meeting_date"),
        CheckConstraint(
            "kind = 'cancelled' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL"
            " AND ends_at > starts_at)",
            name="moved_time_range",
        ),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    meeting_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("section_meeting.id", ondelete="CASCADE")
    )
    on_date: Mapped[date] = mapped_column(Date)
    """The date of the occurrence changed (a date the meeting falls on)."""
    kind: Mapped[ExceptionKind] = mapped_column(
        SAEnum(
            ExceptionKind,
            name="exception_kind",
            native_enum=False,
            create_constraint=True,
            length=32,
            values_callable=lambda members: [member.value for member in members],
            validate_strings=True,
        )
    )
    starts_at: Mapped[time | None] = mapped_column(Time)
    """A moved occurrence's new local start (the meeting's time zone); ``None`` if cancelled."""
    ends_at: Mapped[time | None] = mapped_column(Time)
    room: Mapped[str | None] = mapped_column(String(ROOM_LENGTH))
    """A moved occurrence's room; ``None``: the meeting's own room."""
    reason: Mapped[str] = mapped_column(String(REASON_LENGTH), default="")
    actor_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow
    )


class Holiday(Base):
    """Days (``starts_on`` to ``ends_on``, inclusive) on which a college holds no class."""

    __tablename__ = "college_holiday"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="date_range"),
        Index("ix_college_holiday_college_starts", "college_id", "starts_on"),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    name: Mapped[str] = mapped_column(String(REASON_LENGTH))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow
    )


class CalendarFeed(Base):
    """A person's calendar-feed token, stored as its SHA-256 (one feed per person)."""

    __tablename__ = "calendar_feed"
    __table_args__ = (
        UniqueConstraint("user_id", name="uq_calendar_feed_user"),
        UniqueConstraint("token_hash", name="uq_calendar_feed_token_hash"),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    """The identity account whose timetable the feed shows."""
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow
    )

"""Checks shared by the schedule functions: who may manage a section's meetings, and
the values people type (times, time zones, rooms, reasons, date ranges)."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import AuthenticationError, DomainError, PermissionDenied
from subgraphs.courses import tenancy
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import MemberRole, Section, SectionMember
from subgraphs.courses.schedules.models import REASON_LENGTH, ROOM_LENGTH, Meeting

__all__ = [
    "COURSE_UPDATE",
    "MAX_RANGE_DAYS",
    "SECTION_MANAGE",
    "check_range",
    "check_time_range",
    "check_time_zone",
    "check_weekday",
    "normalize_reason",
    "normalize_room",
    "require_section_staff",
    "staff_meeting",
    "staff_section",
]

COURSE_UPDATE = "course:update"
SECTION_MANAGE = "section:manage"
MAX_RANGE_DAYS = 366
"""Longest date range (inclusive, in days) a timetable or holiday list is read for."""

_TEACHING = (MemberRole.INSTRUCTOR, MemberRole.TEACHING_ASSISTANT)


async def require_section_staff(session: AsyncSession, actor: Principal, section: Section) -> None:
    """Allow holders of ``section:manage``, and holders of ``course:update`` who teach
    ``section`` (instructor or teaching assistant); ``FORBIDDEN`` for anyone else."""
    if actor.has(SECTION_MANAGE):
        return
    actor.require(COURSE_UPDATE)
    role = await session.scalar(
        select(SectionMember.role).where(
            SectionMember.section_id == section.id, SectionMember.user_id == actor.user_id
        )
    )
    if role not in _TEACHING:
        raise PermissionDenied(
            "Only the section's instructors and teaching assistants, or holders of "
            "'section:manage', change its schedule.",
            permission=COURSE_UPDATE,
        )


async def staff_section(session: AsyncSession, actor: Principal, section_id: str) -> Section:
    """The section ``section_id`` when the actor may change its schedule.

    ``UNAUTHENTICATED`` for the anonymous caller, ``NOT_FOUND`` for a section that
    does not exist or is another college's, ``FORBIDDEN`` for anyone not its staff.
    """
    if not actor.is_authenticated:
        raise AuthenticationError()
    section = tenancy.visible(actor, await session.get(Section, section_id), "section")
    await require_section_staff(session, actor, section)
    return section


async def staff_meeting(
    session: AsyncSession, actor: Principal, meeting_id: str
) -> tuple[Meeting, Section]:
    """The meeting ``meeting_id`` and its section, when the actor may change the section's
    schedule (the same refusals as :func:`staff_section`, naming the meeting)."""
    if not actor.is_authenticated:
        raise AuthenticationError()
    meeting = tenancy.visible(actor, await session.get(Meeting, meeting_id), "meeting")
    section = await session.get(Section, meeting.section_id)
    assert section is not None  # a meeting's section is kept by its foreign key
    await require_section_staff(session, actor, section)
    return meeting, section


def check_weekday(value: int, *, field: str = "weekday") -> int:
    """``value`` as an ISO weekday: 1 (Monday) to 7 (Sunday)."""
    if not 1 <= value <= 7:
        raise DomainError(
            CoursesErrorCode.INVALID_WEEKDAY, "A weekday is 1 (Monday) to 7 (Sunday).", field
        )
    return value


def check_time_range(starts_at: time, ends_at: time, *, field: str = "ends_at") -> None:
    """A meeting ends after it starts, on the same day."""
    if ends_at <= starts_at:
        raise DomainError(
            CoursesErrorCode.INVALID_TIME_RANGE,
            "A meeting ends after it starts, on the same day.",
            field,
        )


def check_time_zone(value: str, *, field: str = "time_zone") -> str:
    """``value`` as a known IANA time zone name (``Asia/Kolkata``)."""
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainError(
            CoursesErrorCode.INVALID_TIME_ZONE,
            f"{value!r} is not an IANA time zone; use a name such as 'Europe/Berlin'.",
            field,
        ) from exc
    return name


def normalize_room(value: str | None, *, field: str = "room") -> str | None:
    """``value`` with runs of whitespace made one space; ``None`` for nothing; at most 100."""
    if value is None:
        return None
    room = " ".join(value.split())
    if len(room) > ROOM_LENGTH:
        raise DomainError(
            CoursesErrorCode.INVALID_ROOM, f"A room is at most {ROOM_LENGTH} characters.", field
        )
    return room or None


def normalize_reason(value: str, *, field: str = "reason") -> str:
    """``value`` trimmed, with runs of whitespace made one space; at most 200 characters."""
    reason = " ".join(value.split())
    if len(reason) > REASON_LENGTH:
        raise DomainError(
            CoursesErrorCode.INVALID_REASON,
            f"A reason is at most {REASON_LENGTH} characters.",
            field,
        )
    return reason


def check_range(start: date, end: date) -> None:
    """``start`` to ``end`` (inclusive) is in order and at most :data:`MAX_RANGE_DAYS` long."""
    if end < start:
        raise DomainError(
            CoursesErrorCode.INVALID_DATE_RANGE, "The range ends before it starts.", "to"
        )
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise DomainError(
            CoursesErrorCode.RANGE_TOO_LONG,
            f"Ask for at most {MAX_RANGE_DAYS} days at a time.",
            "to",
        )

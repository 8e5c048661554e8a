"""Schedule test data: section members, meetings and the principals who manage them.

Rows are inserted directly (no events), like :mod:`tests.factories.courses`.
"""

from __future__ import annotations

from datetime import date, time

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from subgraphs.courses.models import MemberRole, Section, SectionMember, new_id
from subgraphs.courses.schedules.models import Meeting

__all__ = [
    "STUDENT",
    "TEACHER",
    "add_member",
    "make_meeting",
    "person",
]

STUDENT: tuple[str, ...] = ("profile:read", "course:read", "content:read")
"""What a student holds of the catalogue's permissions."""
TEACHER: tuple[str, ...] = (*STUDENT, "user:read", "enrollment:read", "course:update")
"""What a teacher holds: a student's, plus reading people and changing courses they teach."""


def person(college_id: str, permissions: tuple[str, ...], user_id: str | None = None) -> Principal:
    """A user of ``college_id`` holding ``permissions``."""
    return Principal(
        user_id=user_id or new_id(), college_id=college_id, permissions=frozenset(permissions)
    )


async def add_member(
    session: AsyncSession, section: Section, user_id: str, role: MemberRole = MemberRole.STUDENT
) -> SectionMember:
    member = SectionMember(section_id=section.id, user_id=user_id, role=role)
    session.add(member)
    await session.flush()
    return member


async def make_meeting(
    session: AsyncSession,
    section: Section,
    *,
    weekday: int = 1,
    starts_at: time = time(9, 0),
    ends_at: time = time(10, 30),
    room: str | None = None,
    time_zone: str = "UTC",
    first_date: date = date(2026, 9, 1),
    last_date: date = date(2026, 12, 20),
) -> Meeting:
    """A weekly meeting of ``section`` (default: Mondays 09:00-10:30 UTC, the factory term)."""
    meeting = Meeting(
        college_id=section.college_id,
        section_id=section.id,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        time_zone=time_zone,
        first_date=first_date,
        last_date=last_date,
    )
    session.add(meeting)
    await session.flush()
    return meeting

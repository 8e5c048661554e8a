"""Schedule test data: section members, meetings and the principals who manage them.

Rows are inserted directly (no events), like :mod:`tests.factories.courses`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import Database
from subgraphs.courses.models import MemberRole, Section, SectionMember, new_id
from subgraphs.courses.schedules.models import Meeting

__all__ = [
    "STUDENT",
    "TEACHER",
    "add_member",
    "count_statements",
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


@contextmanager
def count_statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements run on ``database`` inside the block (outbox polling left out:
    a relay may poll the same engine in the background)."""
    statements: list[str] = []
    engine = database.engine.sync_engine

    def record(*args: Any) -> None:
        statement = str(args[2])
        if "event_outbox" not in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)

"""Courses test data: colleges' departments, terms, courses and sections with valid defaults.

Rows are inserted directly (no events), so a test sets up exactly the state
it needs and then calls the one service function it is about. A college is
only an id here: identity owns colleges.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.events import Event
from subgraphs.courses.models import (
    Course,
    CourseStatus,
    Department,
    Section,
    SectionStatus,
    Term,
    new_id,
    outbox,
)

__all__ = [
    "COURSE_STAFF",
    "make_course",
    "make_department",
    "make_section",
    "make_term",
    "outbox_events",
    "staff",
]

_sequence = itertools.count(1)

COURSE_STAFF: tuple[str, ...] = (
    "department:manage",
    "course:read",
    "course:create",
    "course:update",
    "section:manage",
    "enrollment:read",
    "enrollment:manage",
)
"""What a college admin holds of the courses permissions."""


def staff(college_id: str, *permissions: str) -> Principal:
    """A user of ``college_id`` holding ``permissions`` (all of :data:`COURSE_STAFF` if none)."""
    return Principal(
        user_id=new_id(),
        college_id=college_id,
        permissions=frozenset(permissions or COURSE_STAFF),
    )


async def make_department(
    session: AsyncSession, *, college_id: str, code: str | None = None, name: str = "Sciences"
) -> Department:
    department = Department(college_id=college_id, code=code or f"DEP{next(_sequence)}", name=name)
    session.add(department)
    await session.flush()
    return department


async def make_term(
    session: AsyncSession,
    *,
    college_id: str,
    name: str = "Fall 2026",
    starts_on: date = date(2026, 9, 1),
    ends_on: date = date(2026, 12, 20),
) -> Term:
    term = Term(college_id=college_id, name=name, starts_on=starts_on, ends_on=ends_on)
    session.add(term)
    await session.flush()
    return term


async def make_course(
    session: AsyncSession,
    *,
    college_id: str,
    department: Department | None = None,
    code: str | None = None,
    title: str = "Introduction",
    status: CourseStatus = CourseStatus.PUBLISHED,
) -> Course:
    department = department or await make_department(session, college_id=college_id)
    course = Course(
        college_id=college_id,
        department_id=department.id,
        code=code or f"C{next(_sequence)}",
        title=title,
        description="",
        credits=Decimal("3.0"),
        status=status,
    )
    session.add(course)
    await session.flush()
    return course


async def make_section(
    session: AsyncSession,
    *,
    college_id: str,
    capacity: int = 30,
    code: str | None = None,
    status: SectionStatus = SectionStatus.OPEN,
) -> Section:
    """An open section of a new course in a new term of ``college_id``."""
    course = await make_course(session, college_id=college_id)
    term = await make_term(session, college_id=college_id)
    section = Section(
        college_id=college_id,
        course_id=course.id,
        term_id=term.id,
        code=code or f"S{next(_sequence)}",
        capacity=capacity,
        status=status,
    )
    session.add(section)
    await session.flush()
    return section


async def outbox_events(session: AsyncSession, type: str | None = None) -> list[Event]:
    """The events in courses' outbox, oldest first (of ``type`` when given)."""
    payloads = await session.scalars(select(outbox.c.payload).order_by(outbox.c.id))
    found = [Event.from_json(payload) for payload in payloads]
    return [event for event in found if type is None or event.type == type]

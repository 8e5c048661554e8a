"""Sections: one offering of a course in a term, with its own seats.

Creating one needs ``section:manage``; the course, the term and the batch
(when given) must all be the college's, else ``UNKNOWN_COURSE`` /
``UNKNOWN_TERM`` / ``UNKNOWN_BATCH`` (another college's ids look exactly
like ids that do not exist). An archived course gets no new sections.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError
from subgraphs.courses import events, tenancy
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import Batch, Course, CourseStatus, Section, SectionStatus, Term
from subgraphs.courses.validation import check_capacity, normalize_code

__all__ = ["create_section", "get_section"]

MANAGE = "section:manage"
READ = "course:read"


def _unknown(code: CoursesErrorCode, what: str, field: str) -> DomainError:
    return DomainError(code, f"No such {what} in the college.", field)


def _duplicate(code: str) -> DomainError:
    return DomainError(
        CoursesErrorCode.DUPLICATE_SECTION_CODE,
        f"The course already has a section {code!r} in this term; choose another code.",
        "code",
    )


async def create_section(
    session: AsyncSession,
    *,
    actor: Principal,
    course_id: str,
    term_id: str,
    code: str,
    capacity: int,
    batch_id: str | None = None,
    college_id: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> Section:
    """A new open section of the college's course in the college's term."""
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, MANAGE)
    code = normalize_code(code)
    capacity = check_capacity(capacity)
    course = await session.get(Course, course_id)
    if course is None or course.college_id != target:
        raise _unknown(CoursesErrorCode.UNKNOWN_COURSE, "course", "course_id")
    if course.status is CourseStatus.ARCHIVED:
        raise DomainError(
            CoursesErrorCode.COURSE_ARCHIVED,
            "An archived course gets no new sections; publish it again first.",
            "course_id",
        )
    term = await session.get(Term, term_id)
    if term is None or term.college_id != target:
        raise _unknown(CoursesErrorCode.UNKNOWN_TERM, "term", "term_id")
    if batch_id is not None:
        batch = await session.get(Batch, batch_id)
        if batch is None or batch.college_id != target:
            raise _unknown(CoursesErrorCode.UNKNOWN_BATCH, "batch", "batch_id")
    taken = await session.scalar(
        select(
            exists().where(
                Section.course_id == course_id, Section.term_id == term_id, Section.code == code
            )
        )
    )
    if taken:
        raise _duplicate(code)
    section = Section(
        college_id=target,
        course_id=course_id,
        term_id=term_id,
        batch_id=batch_id,
        code=code,
        capacity=capacity,
        status=SectionStatus.OPEN,
    )
    session.add(section)
    try:
        await session.flush()
    except IntegrityError as exc:  # created concurrently: the constraint had the last word
        raise _duplicate(code) from exc
    await events.publish(
        session,
        type=events.SECTION_CREATED,
        tenant=target,
        subject=section.id,
        actor=actor,
        data={
            "course_id": course_id,
            "term_id": term_id,
            "batch_id": batch_id,
            "code": code,
            "capacity": capacity,
        },
        on_commit=on_commit,
    )
    return section


async def get_section(session: AsyncSession, *, actor: Principal, section_id: str) -> Section:
    """The section ``section_id`` of the actor's college; needs ``course:read``."""
    tenancy.require_permission(actor, READ)
    section = tenancy.visible(actor, await session.get(Section, section_id), "section")
    return section

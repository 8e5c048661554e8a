"""Courses of the catalogue: create, change and list a college's courses.

Every function takes the acting principal and checks its permission and
college (:mod:`subgraphs.courses.tenancy`): a course of another college is
"not found", and a department of another college is ``UNKNOWN_DEPARTMENT``.
Functions run in the caller's transaction and write their events to the
outbox in it, so a refusal leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError, NotFoundError
from subgraphs.courses import events, tenancy
from subgraphs.courses.departments import department_of_college
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import Course, CourseStatus, Section, SectionMember
from subgraphs.courses.validation import check_credits, normalize_code, normalize_name

__all__ = [
    "create_course",
    "draft_readable",
    "get_course",
    "list_courses",
    "sees_drafts",
    "update_course",
]

CREATE = "course:create"
UPDATE = "course:update"
READ = "course:read"
MAX_DESCRIPTION = 20_000


def _duplicate(code: str) -> DomainError:
    return DomainError(
        CoursesErrorCode.DUPLICATE_COURSE_CODE,
        f"The college already has a course {code!r}; choose another code.",
        "code",
    )


def _description(value: str) -> str:
    text = value.strip()
    if len(text) > MAX_DESCRIPTION:
        raise DomainError(
            CoursesErrorCode.INVALID_NAME,
            f"A description is at most {MAX_DESCRIPTION} characters.",
            "description",
        )
    return text


async def _code_taken(
    session: AsyncSession, college_id: str, code: str, *, other_than: str | None = None
) -> bool:
    query = exists().where(Course.college_id == college_id, Course.code == code)
    if other_than is not None:
        query = query.where(Course.id != other_than)
    return bool(await session.scalar(select(query)))


async def create_course(
    session: AsyncSession,
    *,
    actor: Principal,
    department_id: str,
    code: str,
    title: str,
    credits: Decimal | int | str,
    description: str = "",
    status: CourseStatus = CourseStatus.DRAFT,
    college_id: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> Course:
    """A new course of one of the college's departments; needs ``course:create``.

    The code is upper-cased and must be new in the college
    (``DUPLICATE_COURSE_CODE``); credits are 0 to 999.9.
    """
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, CREATE)
    code = normalize_code(code)
    title = normalize_name(title, field="title")
    amount = check_credits(credits)
    text = _description(description)
    await department_of_college(session, college_id=target, department_id=department_id)
    if await _code_taken(session, target, code):
        raise _duplicate(code)
    course = Course(
        college_id=target,
        department_id=department_id,
        code=code,
        title=title,
        description=text,
        credits=amount,
        status=status,
    )
    session.add(course)
    try:
        await session.flush()
    except IntegrityError as exc:  # created concurrently: the constraint had the last word
        raise _duplicate(code) from exc
    await events.publish(
        session,
        type=events.COURSE_CREATED,
        tenant=target,
        subject=course.id,
        actor=actor,
        data={
            "code": code,
            "title": title,
            "department_id": department_id,
            "status": status.value,
        },
        on_commit=on_commit,
    )
    return course


async def get_course(session: AsyncSession, *, actor: Principal, course_id: str) -> Course:
    """The course ``course_id`` of the actor's college; needs ``course:read``.

    A draft is "not found" to those who do not make courses, unless they
    are in one of its sections (:func:`draft_readable`).
    """
    tenancy.require_permission(actor, READ)
    course = tenancy.visible(actor, await session.get(Course, course_id), "course")
    if not await draft_readable(session, actor, course):
        raise NotFoundError("No such course.")
    return course


async def draft_readable(session: AsyncSession, actor: Principal, course: Course) -> bool:
    """Whether ``actor`` may read ``course`` as far as its status goes.

    Published and archived courses: yes. A draft is work in progress: for
    those who make courses (:func:`sees_drafts`), and for the people of its
    sections (a section opened before the course was published still shows
    its course to its students and staff). One statement, for drafts only.
    """
    if course.status != CourseStatus.DRAFT or sees_drafts(actor):
        return True
    if actor.user_id is None:
        return False
    member = await session.scalar(
        select(
            exists()
            .where(SectionMember.user_id == actor.user_id)
            .where(SectionMember.section_id == Section.id)
            .where(Section.course_id == course.id)
        )
    )
    return bool(member)


async def update_course(
    session: AsyncSession,
    *,
    actor: Principal,
    course_id: str,
    code: str | None = None,
    title: str | None = None,
    description: str | None = None,
    credits: Decimal | int | str | None = None,
    department_id: str | None = None,
    status: CourseStatus | None = None,
    on_commit: events.OnCommit | None = None,
) -> Course:
    """Change a course (``None``: unchanged); needs ``course:update``.

    A new code must be free in the college; a new department must be the
    college's. The event names the fields that changed; nothing changed,
    no event.
    """
    tenancy.require_permission(actor, UPDATE)
    course = tenancy.visible(actor, await session.get(Course, course_id), "course")
    changed: list[str] = []
    if code is not None:
        new_code = normalize_code(code)
        if new_code != course.code:
            if await _code_taken(session, course.college_id, new_code, other_than=course.id):
                raise _duplicate(new_code)
            course.code = new_code
            changed.append("code")
    if title is not None:
        new_title = normalize_name(title, field="title")
        if new_title != course.title:
            course.title = new_title
            changed.append("title")
    if description is not None:
        new_description = _description(description)
        if new_description != course.description:
            course.description = new_description
            changed.append("description")
    if credits is not None:
        amount = check_credits(credits)
        if amount != course.credits:
            course.credits = amount
            changed.append("credits")
    if department_id is not None and department_id != course.department_id:
        await department_of_college(
            session, college_id=course.college_id, department_id=department_id
        )
        course.department_id = department_id
        changed.append("department_id")
    if status is not None and status != course.status:
        course.status = status
        changed.append("status")
    if not changed:
        return course
    try:
        await session.flush()
    except IntegrityError as exc:
        raise _duplicate(course.code) from exc
    await events.publish(
        session,
        type=events.COURSE_UPDATED,
        tenant=course.college_id,
        subject=course.id,
        actor=actor,
        data={"changed": changed, "status": course.status.value},
        on_commit=on_commit,
    )
    return course


def sees_drafts(actor: Principal) -> bool:
    """Whether draft courses are in the actor's catalogue: only for those who make courses.

    A student's catalogue lists published and archived courses; a draft is
    work in progress of the people holding ``course:create`` or
    ``course:update`` (teachers, department heads, college admins). Read by
    its id, a draft is shown to others only if they are in one of its
    sections (:func:`draft_readable`).
    """
    return actor.is_superuser or actor.has(CREATE) or actor.has(UPDATE)


def catalogue(actor: Principal, college_id: str) -> Select[Any]:
    """The courses of ``college_id`` the actor's catalogue lists (drafts: :func:`sees_drafts`)."""
    query = select(Course).where(Course.college_id == college_id)
    if not sees_drafts(actor):
        query = query.where(Course.status != CourseStatus.DRAFT)
    return query


async def list_courses(
    session: AsyncSession,
    *,
    actor: Principal,
    department_id: str | None = None,
    status: CourseStatus | None = None,
    college_id: str | None = None,
) -> Sequence[Course]:
    """The college's courses by code, of one department and/or status when given.

    Needs ``course:read``; drafts only for those who make courses (:func:`sees_drafts`).
    """
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, READ)
    query = catalogue(actor, target)
    if department_id is not None:
        query = query.where(Course.department_id == department_id)
    if status is not None:
        query = query.where(Course.status == status)
    rows = await session.scalars(query.order_by(Course.code))
    return rows.all()

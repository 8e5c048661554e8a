"""Sections: one offering of a course in a term, with its own seats and teaching staff.

Creating one needs ``section:manage``; the course, the term and the batch
(when given) must all be the college's, else ``UNKNOWN_COURSE`` /
``UNKNOWN_TERM`` / ``UNKNOWN_BATCH`` (another college's ids look exactly
like ids that do not exist). An archived course gets no new sections.

Changing a section (:func:`update_section`) and its teaching staff
(:func:`assign_staff`, :func:`remove_staff`) also need ``section:manage``.
A capacity change locks the section row like an enrolment does: raising it
promotes waiting students into the new seats in waitlist order, lowering it
below the seats taken is refused (``CAPACITY_BELOW_SEATS_TAKEN``). A section
is closed (no new enrolments, members stay), reopened (free seats go to the
waitlist) or cancelled, which is final (``SECTION_CANCELLED``).
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError
from subgraphs.courses import events, tenancy
from subgraphs.courses.enrollment import promote_waitlist, seats_taken
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import (
    Batch,
    Course,
    CourseStatus,
    MemberRole,
    Section,
    SectionMember,
    SectionStatus,
    Term,
)
from subgraphs.courses.validation import check_capacity, normalize_code

__all__ = [
    "STAFF_ROLES",
    "assign_staff",
    "create_section",
    "get_section",
    "remove_staff",
    "update_section",
]

STAFF_ROLES = (MemberRole.INSTRUCTOR, MemberRole.TEACHING_ASSISTANT)

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


async def _locked(session: AsyncSession, actor: Principal, section_id: str) -> Section:
    """The actor's college's section, its row locked until the transaction ends."""
    tenancy.require_permission(actor, MANAGE)
    section = await session.scalar(
        select(Section)
        .where(Section.id == section_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return tenancy.visible(actor, section, "section")


def _refuse_cancelled(section: Section, field: str) -> None:
    """``INVALID_STATUS_CHANGE`` (for ``status``) or ``SECTION_CANCELLED``: it is final."""
    if section.status is SectionStatus.CANCELLED:
        code = (
            CoursesErrorCode.INVALID_STATUS_CHANGE
            if field == "status"
            else CoursesErrorCode.SECTION_CANCELLED
        )
        raise DomainError(code, "The section is cancelled; a cancelled section is final.", field)


async def update_section(
    session: AsyncSession,
    *,
    actor: Principal,
    section_id: str,
    code: str | None = None,
    capacity: int | None = None,
    status: SectionStatus | None = None,
    on_commit: events.OnCommit | None = None,
) -> Section:
    """Change a section's code, capacity and/or status (``None``: unchanged).

    Raising the capacity of an open section promotes waiting students into
    the new seats (``enrollment.promoted``); lowering it below the students
    seated is ``CAPACITY_BELOW_SEATS_TAKEN``. Reopening a closed section
    fills its free seats from the waitlist the same way. A cancelled
    section changes no more (``SECTION_CANCELLED``). The ``section.updated``
    event names the changed fields; nothing changed, no event.
    """
    section = await _locked(session, actor, section_id)
    changed: list[str] = []
    if status is not None and status is not section.status:
        _refuse_cancelled(section, "status")
    if code is not None or capacity is not None:
        _refuse_cancelled(section, "code" if code is not None else "capacity")
    if code is not None:
        new_code = normalize_code(code)
        if new_code != section.code:
            taken = await session.scalar(
                select(
                    exists().where(
                        Section.course_id == section.course_id,
                        Section.term_id == section.term_id,
                        Section.code == new_code,
                        Section.id != section.id,
                    )
                )
            )
            if taken:
                raise _duplicate(new_code)
            section.code = new_code
            changed.append("code")
    if capacity is not None:
        new_capacity = check_capacity(capacity)
        if new_capacity != section.capacity:
            seated = await seats_taken(session, section.id)
            if new_capacity < seated:
                raise DomainError(
                    CoursesErrorCode.CAPACITY_BELOW_SEATS_TAKEN,
                    f"{seated} students hold a seat; the capacity cannot go below that. "
                    "Drop students first.",
                    "capacity",
                )
            section.capacity = new_capacity
            changed.append("capacity")
    if status is not None and status is not section.status:
        section.status = status
        changed.append("status")
    if not changed:
        return section
    try:
        await session.flush()
    except IntegrityError as exc:  # a code taken concurrently
        raise _duplicate(section.code) from exc
    await events.publish(
        session,
        type=events.SECTION_UPDATED,
        tenant=section.college_id,
        subject=section.id,
        actor=actor,
        data={
            "changed": changed,
            "status": section.status.value,
            "capacity": section.capacity,
        },
        on_commit=on_commit,
    )
    await promote_waitlist(session, section, actor=actor, on_commit=on_commit)
    return section


def _staff_role(role: MemberRole) -> MemberRole:
    if role not in STAFF_ROLES:
        raise DomainError(
            CoursesErrorCode.INVALID_ROLE,
            "Teaching staff are instructors or teaching assistants; enrol students instead.",
            "role",
        )
    return role


async def assign_staff(
    session: AsyncSession,
    *,
    actor: Principal,
    section_id: str,
    user_id: str,
    role: MemberRole,
    on_commit: events.OnCommit | None = None,
) -> SectionMember:
    """Make ``user_id`` an instructor or teaching assistant of the section.

    A student of the section cannot also teach it (``ALREADY_ENROLLED``);
    someone already on its staff gets the new role (no event when it is the
    same). Needs ``section:manage``.
    """
    role = _staff_role(role)
    section = await _locked(session, actor, section_id)
    _refuse_cancelled(section, "section_id")
    member = await session.scalar(
        select(SectionMember).where(
            SectionMember.section_id == section.id, SectionMember.user_id == user_id
        )
    )
    if member is not None and member.role is MemberRole.STUDENT:
        raise DomainError(
            CoursesErrorCode.ALREADY_ENROLLED,
            "The person is a student of the section; drop them before assigning a teaching role.",
            "user_id",
        )
    if member is not None and member.role is role:
        return member
    if member is None:
        member = SectionMember(section_id=section.id, user_id=user_id, role=role)
        session.add(member)
    else:
        member.role = role
    await session.flush()
    await events.publish(
        session,
        type=events.SECTION_STAFF_ASSIGNED,
        tenant=section.college_id,
        subject=section.id,
        actor=actor,
        data={"user_id": user_id, "role": role.value, "course_id": section.course_id},
        on_commit=on_commit,
    )
    return member


async def remove_staff(
    session: AsyncSession,
    *,
    actor: Principal,
    section_id: str,
    user_id: str,
    on_commit: events.OnCommit | None = None,
) -> Section:
    """Take ``user_id`` off the section's teaching staff (``NOT_STAFF`` if not on it)."""
    section = await _locked(session, actor, section_id)
    member = await session.scalar(
        select(SectionMember).where(
            SectionMember.section_id == section.id,
            SectionMember.user_id == user_id,
            SectionMember.role.in_(STAFF_ROLES),
        )
    )
    if member is None:
        raise DomainError(
            CoursesErrorCode.NOT_STAFF,
            "The person is not an instructor or teaching assistant of the section.",
            "user_id",
        )
    role = member.role
    await session.delete(member)
    await session.flush()
    await events.publish(
        session,
        type=events.SECTION_STAFF_REMOVED,
        tenant=section.college_id,
        subject=section.id,
        actor=actor,
        data={"user_id": user_id, "role": role.value, "course_id": section.course_id},
        on_commit=on_commit,
    )
    return section

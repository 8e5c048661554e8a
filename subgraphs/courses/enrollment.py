"""Enrolment: seats, an ordered waitlist, drops and automatic promotion.

A section has ``capacity`` seats for students. Enrolling into a section with
a free seat makes the student a member; into a full one puts the student at
the end of the waitlist (``position`` one past the last). Dropping a member
frees a seat, and the first student on the waitlist (lowest ``position``)
takes it in the same transaction. Every change is a row of
``EnrollmentHistory`` and an ``enrollment.*`` event.

Both functions need ``enrollment:manage`` and act only on sections of the
actor's college (another college's section is "not found"). They lock the
section row first (``SELECT ... FOR UPDATE`` on PostgreSQL), so concurrent
enrolments into one section queue up and never exceed its capacity; SQLite
(the embedded, one-process mode) lets one writer at a time in. A caller
applying many rows (the CSV import) locks every section it will touch once,
up front, with :func:`lock_sections`, and passes ``section_locked=True``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError
from subgraphs.courses import events, tenancy
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import (
    EnrollmentAction,
    EnrollmentHistory,
    MemberRole,
    Section,
    SectionMember,
    SectionStatus,
    WaitlistEntry,
)

__all__ = [
    "DropResult",
    "EnrollmentResult",
    "Placement",
    "drop_student",
    "enrol_student",
    "lock_sections",
    "promote_waitlist",
    "seats_taken",
    "waitlist",
]

MANAGE = "enrollment:manage"


class Placement(StrEnum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"


@dataclass(frozen=True, kw_only=True)
class EnrollmentResult:
    """Where an enrolment put the student: a seat, or the waitlist at ``position``."""

    section: Section
    placement: Placement
    position: int | None = None


@dataclass(frozen=True, kw_only=True)
class DropResult:
    """What a drop did: which place the student left, and who was promoted into a seat."""

    section: Section
    left: Placement
    promoted: tuple[str, ...] = ()
    """User ids moved from the waitlist into seats, in waitlist order."""


async def _locked_section(
    session: AsyncSession, actor: Principal, section_id: str, *, locked: bool = False
) -> Section:
    """The actor's college's section ``section_id``, its row locked until the transaction ends.

    ``locked``: the caller already holds the lock (:func:`lock_sections`), so the
    section is taken from the session as that statement loaded it.
    """
    tenancy.require_permission(actor, MANAGE)
    if locked:
        section = await session.get(Section, section_id)
    else:
        section = await session.scalar(
            select(Section)
            .where(Section.id == section_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    return tenancy.visible(actor, section, "section")


async def lock_sections(
    session: AsyncSession, *, actor: Principal, college_id: str, section_ids: Collection[str]
) -> dict[str, Section]:
    """Lock the rows of the college's sections among ``section_ids`` until the transaction
    ends; the sections by id (ids of no section of the college left out).

    One statement, locking in id order: two callers locking overlapping sets
    take them in the same order, so neither holds a row the other waits for
    (no deadlock). Take it in the outer transaction, not in a savepoint (on
    PostgreSQL rolling a savepoint back releases the locks taken in it); then
    pass ``section_locked=True`` to :func:`enrol_student` and :func:`drop_student`.
    """
    tenancy.require_permission(actor, MANAGE)
    if not section_ids:
        return {}
    rows = await session.scalars(
        select(Section)
        .where(Section.id.in_(sorted(section_ids)), Section.college_id == college_id)
        .order_by(Section.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {section.id: section for section in rows}


async def _students(session: AsyncSession, section_id: str) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(SectionMember)
        .where(SectionMember.section_id == section_id, SectionMember.role == MemberRole.STUDENT)
    )
    return int(count or 0)


async def _place_of(
    session: AsyncSession, section_id: str, user_id: str
) -> tuple[int, bool, int | None]:
    """Seats taken, whether ``user_id`` is in the section, and their waitlist position.

    One statement (three scalar subqueries), read under the section's lock.
    """
    seats = (
        select(func.count())
        .select_from(SectionMember)
        .where(SectionMember.section_id == section_id, SectionMember.role == MemberRole.STUDENT)
        .scalar_subquery()
    )
    member = (
        select(SectionMember.id)
        .where(SectionMember.section_id == section_id, SectionMember.user_id == user_id)
        .scalar_subquery()
    )
    waiting = (
        select(WaitlistEntry.position)
        .where(WaitlistEntry.section_id == section_id, WaitlistEntry.user_id == user_id)
        .scalar_subquery()
    )
    taken, member_id, position = (await session.execute(select(seats, member, waiting))).one()
    return int(taken or 0), member_id is not None, position


def _history(
    section: Section, user_id: str, action: EnrollmentAction, actor: Principal | None
) -> EnrollmentHistory:
    return EnrollmentHistory(
        section_id=section.id,
        user_id=user_id,
        action=action,
        actor_id=actor.user_id if actor is not None else None,
    )


async def enrol_student(
    session: AsyncSession,
    *,
    actor: Principal,
    section_id: str,
    user_id: str,
    allow_waitlist: bool = True,
    section_locked: bool = False,
    on_commit: events.OnCommit | None = None,
) -> EnrollmentResult:
    """Give ``user_id`` (an identity account id) a seat, or a place on the waitlist.

    A section that is not open refuses (``SECTION_NOT_OPEN``); someone
    already in the section or on its waitlist is ``ALREADY_ENROLLED`` /
    ``ALREADY_WAITLISTED``. A full section waitlists the student, or refuses
    with ``SECTION_FULL`` when ``allow_waitlist`` is false. ``section_locked``: the
    caller already holds the section's row lock (:func:`lock_sections`).
    """
    section = await _locked_section(session, actor, section_id, locked=section_locked)
    if section.status is not SectionStatus.OPEN:
        raise DomainError(
            CoursesErrorCode.SECTION_NOT_OPEN,
            f"The section is {section.status.value}; it takes no enrolments.",
            "section_id",
        )
    taken, is_member, waiting = await _place_of(session, section.id, user_id)
    if is_member:
        raise DomainError(
            CoursesErrorCode.ALREADY_ENROLLED, "The person is already in the section.", "user_id"
        )
    if waiting is not None:
        raise DomainError(
            CoursesErrorCode.ALREADY_WAITLISTED,
            f"The student is already on the waitlist, at position {waiting}.",
            "user_id",
        )
    data = {"user_id": user_id, "course_id": section.course_id}
    if taken < section.capacity:
        session.add(SectionMember(section_id=section.id, user_id=user_id, role=MemberRole.STUDENT))
        session.add(_history(section, user_id, EnrollmentAction.ENROLLED, actor))
        await session.flush()
        await events.publish(
            session,
            type=events.ENROLLMENT_ENROLLED,
            tenant=section.college_id,
            subject=section.id,
            actor=actor,
            data=data,
            on_commit=on_commit,
        )
        return EnrollmentResult(section=section, placement=Placement.ENROLLED)
    if not allow_waitlist:
        raise DomainError(
            CoursesErrorCode.SECTION_FULL,
            f"All {section.capacity} seats are taken.",
            "section_id",
        )
    last = await session.scalar(
        select(func.max(WaitlistEntry.position)).where(WaitlistEntry.section_id == section.id)
    )
    position = int(last or 0) + 1
    session.add(WaitlistEntry(section_id=section.id, user_id=user_id, position=position))
    session.add(_history(section, user_id, EnrollmentAction.WAITLISTED, actor))
    await session.flush()
    await events.publish(
        session,
        type=events.ENROLLMENT_WAITLISTED,
        tenant=section.college_id,
        subject=section.id,
        actor=actor,
        data={**data, "position": position},
        on_commit=on_commit,
    )
    return EnrollmentResult(section=section, placement=Placement.WAITLISTED, position=position)


async def drop_student(
    session: AsyncSession,
    *,
    actor: Principal,
    section_id: str,
    user_id: str,
    section_locked: bool = False,
    on_commit: events.OnCommit | None = None,
) -> DropResult:
    """Take ``user_id`` out of the section's seats or waitlist (``NOT_ENROLLED`` if neither).

    Seats the drop frees go to the waitlist, first position first, in the
    same transaction (``enrollment.promoted``, history ``promoted``).
    ``section_locked``: the caller already holds the section's row lock
    (:func:`lock_sections`).
    """
    section = await _locked_section(session, actor, section_id, locked=section_locked)
    data = {"user_id": user_id, "course_id": section.course_id}
    member = await session.scalar(
        select(SectionMember).where(
            SectionMember.section_id == section.id,
            SectionMember.user_id == user_id,
            SectionMember.role == MemberRole.STUDENT,
        )
    )
    if member is not None:
        await session.delete(member)
        left = Placement.ENROLLED
    else:
        waiting = await session.scalar(
            select(WaitlistEntry).where(
                WaitlistEntry.section_id == section.id, WaitlistEntry.user_id == user_id
            )
        )
        if waiting is None:
            raise DomainError(
                CoursesErrorCode.NOT_ENROLLED,
                "The student holds no seat and no waitlist place in the section.",
                "user_id",
            )
        await session.delete(waiting)
        left = Placement.WAITLISTED
    session.add(_history(section, user_id, EnrollmentAction.DROPPED, actor))
    await session.flush()
    await events.publish(
        session,
        type=events.ENROLLMENT_DROPPED,
        tenant=section.college_id,
        subject=section.id,
        actor=actor,
        data={**data, "from": "seat" if left is Placement.ENROLLED else "waitlist"},
        on_commit=on_commit,
    )
    promoted = await promote_waitlist(session, section, actor=actor, on_commit=on_commit)
    return DropResult(section=section, left=left, promoted=promoted)


async def seats_taken(session: AsyncSession, section_id: str) -> int:
    """Students holding a seat in the section."""
    return await _students(session, section_id)


async def promote_waitlist(
    session: AsyncSession,
    section: Section,
    *,
    actor: Principal,
    on_commit: events.OnCommit | None,
) -> tuple[str, ...]:
    """Fill free seats from the waitlist, lowest position first; the user ids promoted.

    The caller holds the section's row lock; a section that is not open
    promotes nobody.
    """
    free = section.capacity - await _students(session, section.id)
    if free <= 0 or section.status is not SectionStatus.OPEN:
        return ()
    entries = (
        await session.scalars(
            select(WaitlistEntry)
            .where(WaitlistEntry.section_id == section.id)
            .order_by(WaitlistEntry.position)
            .limit(free)
        )
    ).all()
    promoted: list[str] = []
    for entry in entries:
        await session.execute(delete(WaitlistEntry).where(WaitlistEntry.id == entry.id))
        session.add(
            SectionMember(section_id=section.id, user_id=entry.user_id, role=MemberRole.STUDENT)
        )
        session.add(_history(section, entry.user_id, EnrollmentAction.PROMOTED, actor))
        await session.flush()
        await events.publish(
            session,
            type=events.ENROLLMENT_PROMOTED,
            tenant=section.college_id,
            subject=section.id,
            actor=actor,
            data={
                "user_id": entry.user_id,
                "course_id": section.course_id,
                "position": entry.position,
            },
            on_commit=on_commit,
        )
        promoted.append(entry.user_id)
    return tuple(promoted)


async def waitlist(session: AsyncSession, *, actor: Principal, section_id: str) -> list[str]:
    """The user ids waiting for a seat in the section, first in line first.

    Needs ``enrollment:read``.
    """
    tenancy.require_permission(actor, "enrollment:read")
    tenancy.visible(actor, await session.get(Section, section_id), "section")
    rows = await session.scalars(
        select(WaitlistEntry.user_id)
        .where(WaitlistEntry.section_id == section_id)
        .order_by(WaitlistEntry.position)
    )
    return list(rows)

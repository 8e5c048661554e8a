"""Enrolment: seats up to the capacity, an ordered waitlist, drops promote the first in line."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from shared.db import Database
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.courses import enrollment
from subgraphs.courses.enrollment import Placement
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import (
    EnrollmentAction,
    EnrollmentHistory,
    MemberRole,
    SectionMember,
    SectionStatus,
    WaitlistEntry,
    new_id,
)
from tests.factories.courses import make_section, outbox_events, staff


async def _seated(database: Database, section_id: str) -> set[str]:
    async with database.session() as session:
        rows = await session.scalars(
            select(SectionMember.user_id).where(
                SectionMember.section_id == section_id, SectionMember.role == MemberRole.STUDENT
            )
        )
        return set(rows)


async def _history(database: Database, section_id: str) -> list[tuple[str, EnrollmentAction]]:
    async with database.session() as session:
        rows = await session.execute(
            select(EnrollmentHistory.user_id, EnrollmentHistory.action)
            .where(EnrollmentHistory.section_id == section_id)
            .order_by(EnrollmentHistory.at, EnrollmentHistory.id)
        )
        return [(user, action) for user, action in rows]


async def test_enrol_into_a_free_seat(courses_db: Database) -> None:
    # given an open section with seats
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college, capacity=2)
    actor, student = staff(college, "enrollment:manage"), new_id()
    # when a student is enrolled
    async with courses_db.transaction() as session:
        result = await enrollment.enrol_student(
            session, actor=actor, section_id=section.id, user_id=student
        )
    # then the student holds a seat, the history says so, and the event is out
    assert (result.placement, result.position) == (Placement.ENROLLED, None)
    assert await _seated(courses_db, section.id) == {student}
    assert await _history(courses_db, section.id) == [(student, EnrollmentAction.ENROLLED)]
    async with courses_db.session() as session:
        [event] = await outbox_events(session)
    assert event.type == "enrollment.enrolled"
    assert (event.tenant, event.subject) == (college, section.id)
    assert event.data == {
        "user_id": student,
        "course_id": section.course_id,
        "actor_id": actor.user_id,
    }


async def test_a_full_section_waitlists_in_order(courses_db: Database) -> None:
    # given a section with one seat, taken
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college, capacity=1)
    actor = staff(college)
    first, second, third = new_id(), new_id(), new_id()
    async with courses_db.transaction() as session:
        await enrollment.enrol_student(session, actor=actor, section_id=section.id, user_id=first)
    # when two more students enrol
    async with courses_db.transaction() as session:
        a = await enrollment.enrol_student(
            session, actor=actor, section_id=section.id, user_id=second
        )
        b = await enrollment.enrol_student(
            session, actor=actor, section_id=section.id, user_id=third
        )
    # then they wait at positions 1 and 2, announced with their positions
    assert (a.placement, a.position) == (Placement.WAITLISTED, 1)
    assert (b.placement, b.position) == (Placement.WAITLISTED, 2)
    async with courses_db.session() as session:
        waiting = await enrollment.waitlist(session, actor=actor, section_id=section.id)
        events = await outbox_events(session, "enrollment.waitlisted")
    assert waiting == [second, third]
    assert [event.data["position"] for event in events] == [1, 2]


async def test_without_waitlist_a_full_section_refuses(courses_db: Database) -> None:
    # given a full section
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college, capacity=0)
    # when a student enrols refusing the waitlist
    # then the section is full and nothing is written
    async with courses_db.transaction() as session:
        with pytest.raises(DomainError) as raised:
            await enrollment.enrol_student(
                session,
                actor=staff(college),
                section_id=section.id,
                user_id=new_id(),
                allow_waitlist=False,
            )
    assert raised.value.error_code is CoursesErrorCode.SECTION_FULL
    assert await _history(courses_db, section.id) == []


async def test_enrolling_twice_is_refused(courses_db: Database) -> None:
    # given a student holding a seat and one on the waitlist
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college, capacity=1)
    actor, seated, waiting = staff(college), new_id(), new_id()
    async with courses_db.transaction() as session:
        await enrollment.enrol_student(session, actor=actor, section_id=section.id, user_id=seated)
        await enrollment.enrol_student(session, actor=actor, section_id=section.id, user_id=waiting)
    # when each enrols again
    async with courses_db.transaction() as session:
        with pytest.raises(DomainError) as again_seated:
            await enrollment.enrol_student(
                session, actor=actor, section_id=section.id, user_id=seated
            )
        with pytest.raises(DomainError) as again_waiting:
            await enrollment.enrol_student(
                session, actor=actor, section_id=section.id, user_id=waiting
            )
    # then each is told where they already are
    assert again_seated.value.error_code is CoursesErrorCode.ALREADY_ENROLLED
    assert again_waiting.value.error_code is CoursesErrorCode.ALREADY_WAITLISTED


async def test_a_closed_section_takes_no_enrolment(courses_db: Database) -> None:
    # given a closed section with free seats
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college, status=SectionStatus.CLOSED)
    # when a student enrols
    # then it is refused
    async with courses_db.transaction() as session:
        with pytest.raises(DomainError) as raised:
            await enrollment.enrol_student(
                session, actor=staff(college), section_id=section.id, user_id=new_id()
            )
    assert raised.value.error_code is CoursesErrorCode.SECTION_NOT_OPEN


async def test_dropping_a_seat_promotes_the_first_in_line(courses_db: Database) -> None:
    # given a one-seat section, its holder, and two students waiting
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college, capacity=1)
    actor = staff(college)
    holder, first, second = new_id(), new_id(), new_id()
    for student in (holder, first, second):
        async with courses_db.transaction() as session:
            await enrollment.enrol_student(
                session, actor=actor, section_id=section.id, user_id=student
            )
    # when the holder drops
    async with courses_db.transaction() as session:
        result = await enrollment.drop_student(
            session, actor=actor, section_id=section.id, user_id=holder
        )
    # then the first waiting student has the seat and the second still waits
    assert (result.left, result.promoted) == (Placement.ENROLLED, (first,))
    assert await _seated(courses_db, section.id) == {first}
    async with courses_db.session() as session:
        assert await enrollment.waitlist(session, actor=actor, section_id=section.id) == [second]
        types = [event.type for event in await outbox_events(session)]
    # and the history and the events tell the whole story, in order
    assert (await _history(courses_db, section.id))[-2:] == [
        (holder, EnrollmentAction.DROPPED),
        (first, EnrollmentAction.PROMOTED),
    ]
    assert types[-2:] == ["enrollment.dropped", "enrollment.promoted"]


async def test_leaving_the_waitlist_keeps_the_order_of_the_others(courses_db: Database) -> None:
    # given a full section and three students waiting
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college, capacity=1)
    actor = staff(college)
    holder, first, middle, last = new_id(), new_id(), new_id(), new_id()
    for student in (holder, first, middle, last):
        async with courses_db.transaction() as session:
            await enrollment.enrol_student(
                session, actor=actor, section_id=section.id, user_id=student
            )
    # when the middle one leaves the waitlist, then the holder drops
    async with courses_db.transaction() as session:
        left = await enrollment.drop_student(
            session, actor=actor, section_id=section.id, user_id=middle
        )
    async with courses_db.transaction() as session:
        dropped = await enrollment.drop_student(
            session, actor=actor, section_id=section.id, user_id=holder
        )
    # then leaving the waitlist promoted nobody, and the drop promoted the first
    assert (left.left, left.promoted) == (Placement.WAITLISTED, ())
    assert dropped.promoted == (first,)
    async with courses_db.session() as session:
        assert await enrollment.waitlist(session, actor=actor, section_id=section.id) == [last]


async def test_dropping_someone_not_enrolled_is_refused(courses_db: Database) -> None:
    # given a section
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
    # when a stranger is dropped
    # then nobody was enrolled
    async with courses_db.transaction() as session:
        with pytest.raises(DomainError) as raised:
            await enrollment.drop_student(
                session, actor=staff(college), section_id=section.id, user_id=new_id()
            )
    assert raised.value.error_code is CoursesErrorCode.NOT_ENROLLED


async def test_another_colleges_section_is_not_found_and_permission_is_needed(
    courses_db: Database,
) -> None:
    # given a section of another college, and one of this college
    college = new_id()
    async with courses_db.transaction() as session:
        foreign = await make_section(session, college_id=new_id())
        own = await make_section(session, college_id=college)
    # when this college's staff enrol into the foreign one, and a reader into its own
    async with courses_db.transaction() as session:
        with pytest.raises(NotFoundError):
            await enrollment.enrol_student(
                session, actor=staff(college), section_id=foreign.id, user_id=new_id()
            )
        with pytest.raises(NotFoundError):
            await enrollment.drop_student(
                session, actor=staff(college), section_id=foreign.id, user_id=new_id()
            )
        with pytest.raises(PermissionDenied) as raised:
            await enrollment.enrol_student(
                session,
                actor=staff(college, "enrollment:read"),
                section_id=own.id,
                user_id=new_id(),
            )
    # then the foreign section does not exist for them, and the reader is forbidden
    assert raised.value.permission == "enrollment:manage"
    async with courses_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(SectionMember)) == 0


async def test_concurrent_enrolments_never_exceed_the_capacity(courses_pg: Database) -> None:
    # given a PostgreSQL section with one seat left
    college = new_id()
    async with courses_pg.transaction() as session:
        section = await make_section(session, college_id=college, capacity=3)
    actor = staff(college)
    for _ in range(2):
        async with courses_pg.transaction() as session:
            await enrollment.enrol_student(
                session, actor=actor, section_id=section.id, user_id=new_id()
            )
    contenders = [new_id() for _ in range(4)]

    async def enrol(student: str) -> Placement:
        async with courses_pg.transaction() as session:
            result = await enrollment.enrol_student(
                session, actor=actor, section_id=section.id, user_id=student
            )
            await asyncio.sleep(0.05)  # hold the transaction open while the others try
            return result.placement

    # when four students enrol into the last seat at the same time
    placements = await asyncio.gather(*(enrol(student) for student in contenders))
    # then exactly one wins the seat, the others wait at distinct positions
    assert placements.count(Placement.ENROLLED) == 1
    assert len(await _seated(courses_pg, section.id)) == 3
    async with courses_pg.session() as session:
        positions = list(
            await session.scalars(
                select(WaitlistEntry.position)
                .where(WaitlistEntry.section_id == section.id)
                .order_by(WaitlistEntry.position)
            )
        )
    assert positions == [1, 2, 3]

"""Meetings: a section's weekly slots, within its term, one class per room at a time."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from shared.db import Database
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import MemberRole, new_id
from subgraphs.courses.schedules import exceptions, holidays, meetings
from subgraphs.courses.schedules.models import Meeting, MeetingException
from tests.factories.courses import make_section, outbox_events, staff
from tests.factories.schedules import STUDENT, TEACHER, add_member, make_meeting, person


async def _count(database: Database, model: type[Meeting] | type[MeetingException]) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_meeting_defaults_to_the_term_and_the_service_time_zone(
    courses_db: Database,
) -> None:
    # given a section of a term running 2026-09-01 to 2026-12-20
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
    # when a manager adds Mondays 09:00-10:30 in room " B  101 "
    async with courses_db.transaction() as session:
        meeting = await meetings.create_meeting(
            session,
            actor=staff(college, "section:manage"),
            section_id=section.id,
            weekday=1,
            starts_at=time(9, 0),
            ends_at=time(10, 30),
            room=" B  101 ",
            default_time_zone="Asia/Kolkata",
        )
    # then it runs the whole term in the default zone, and is announced
    assert (meeting.first_date, meeting.last_date) == (date(2026, 9, 1), date(2026, 12, 20))
    assert (meeting.time_zone, meeting.room) == ("Asia/Kolkata", "B 101")
    async with courses_db.session() as session:
        [event] = await outbox_events(session)
    assert event.type == "section.meeting_created"
    assert (event.subject, event.data["section_id"], event.data["starts_at"]) == (
        meeting.id,
        section.id,
        "09:00:00",
    )


async def test_teaching_staff_manage_their_own_sections_meetings_only(
    courses_db: Database,
) -> None:
    # given a teacher who teaches one section and not another, and a student of the first
    college = new_id()
    teacher = person(college, TEACHER)
    student = person(college, STUDENT)
    async with courses_db.transaction() as session:
        taught = await make_section(session, college_id=college)
        other = await make_section(session, college_id=college)
        await add_member(session, taught, teacher.user_id or "", MemberRole.TEACHING_ASSISTANT)
        await add_member(session, taught, student.user_id or "")
    # when each of them adds a meeting
    async with courses_db.transaction() as session:
        created = await meetings.create_meeting(
            session,
            actor=teacher,
            section_id=taught.id,
            weekday=2,
            starts_at=time(14, 0),
            ends_at=time(15, 0),
        )
    for actor, section_id in ((teacher, other.id), (student, taught.id)):
        with pytest.raises(PermissionDenied):
            async with courses_db.transaction() as session:
                await meetings.create_meeting(
                    session,
                    actor=actor,
                    section_id=section_id,
                    weekday=2,
                    starts_at=time(16, 0),
                    ends_at=time(17, 0),
                )
    # then only the teacher's own section got one
    assert created.section_id == taught.id
    assert await _count(courses_db, Meeting) == 1


async def test_another_colleges_section_is_not_found(courses_db: Database) -> None:
    # given a section of another college
    async with courses_db.transaction() as session:
        foreign = await make_section(session, college_id=new_id())
    # when a manager of this college adds a meeting to it
    with pytest.raises(NotFoundError):
        async with courses_db.transaction() as session:
            await meetings.create_meeting(
                session,
                actor=staff(new_id(), "section:manage"),
                section_id=foreign.id,
                weekday=1,
                starts_at=time(9, 0),
                ends_at=time(10, 0),
            )
    # then nothing is written
    assert await _count(courses_db, Meeting) == 0


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"starts_at": time(10, 0), "ends_at": time(9, 0)}, "INVALID_TIME_RANGE", "ends_at"),
        ({"starts_at": time(10, 0), "ends_at": time(10, 0)}, "INVALID_TIME_RANGE", "ends_at"),
        ({"weekday": 8}, "INVALID_WEEKDAY", "weekday"),
        ({"time_zone": "Mars/Olympus"}, "INVALID_TIME_ZONE", "time_zone"),
        ({"first_date": date(2026, 8, 31)}, "MEETING_OUTSIDE_TERM", "first_date"),
        ({"last_date": date(2027, 1, 4)}, "MEETING_OUTSIDE_TERM", "last_date"),
        (
            {"first_date": date(2026, 10, 1), "last_date": date(2026, 9, 30)},
            "INVALID_DATE_RANGE",
            "last_date",
        ),
        ({"room": "x" * 101}, "INVALID_ROOM", "room"),
    ],
)
async def test_bad_meetings_are_refused_with_a_code_and_nothing_written(
    courses_db: Database, change: dict[str, object], code: str, field: str
) -> None:
    # given a section
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
    values: dict[str, object] = {"weekday": 1, "starts_at": time(9, 0), "ends_at": time(10, 0)}
    values.update(change)
    # when a meeting with one bad value is added
    with pytest.raises(DomainError) as raised:
        async with courses_db.transaction() as session:
            await meetings.create_meeting(
                session,
                actor=staff(college),
                section_id=section.id,
                **values,  # type: ignore[arg-type]
            )
    # then it is refused with the code naming the field, and nothing is written
    assert (raised.value.code_name, raised.value.field) == (code, field)
    assert await _count(courses_db, Meeting) == 0
    async with courses_db.session() as session:
        assert await outbox_events(session) == []


async def test_one_room_holds_one_class_at_a_time(courses_db: Database) -> None:
    # given room B101 taken on Mondays 09:00-10:30 by one section
    college = new_id()
    async with courses_db.transaction() as session:
        first = await make_section(session, college_id=college)
        second = await make_section(session, college_id=college)
        foreign = await make_section(session, college_id=new_id())
        await make_meeting(session, first, weekday=1, room="B101")
    actor = staff(college)

    async def add(section_id: str, room: str, starts: time, ends: time, weekday: int = 1) -> str:
        async with courses_db.transaction() as session:
            meeting = await meetings.create_meeting(
                session,
                actor=actor if section_id != foreign.id else staff(foreign.college_id),
                section_id=section_id,
                weekday=weekday,
                starts_at=starts,
                ends_at=ends,
                room=room,
            )
            return meeting.id

    # when another section wants the room at an overlapping time (any letter case)
    with pytest.raises(DomainError) as raised:
        await add(second.id, "b101", time(10, 0), time(11, 0))
    # then it is refused; right after, another day, another room or another college is fine
    assert (raised.value.code_name, raised.value.field) == ("ROOM_CONFLICT", "room")
    await add(second.id, "B101", time(10, 30), time(12, 0))
    await add(second.id, "B101", time(9, 0), time(10, 0), weekday=2)
    await add(second.id, "B102", time(9, 0), time(10, 0))
    await add(foreign.id, "B101", time(9, 0), time(10, 0))
    assert await _count(courses_db, Meeting) == 5


async def test_update_changes_fields_and_drops_exceptions_off_the_new_days(
    courses_db: Database,
) -> None:
    # given a Monday meeting with a cancelled occurrence on Monday 2026-10-19
    college = new_id()
    actor = staff(college)
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
        meeting = await make_meeting(session, section, weekday=1)
    async with courses_db.transaction() as session:
        await exceptions.cancel_occurrence(
            session, actor=actor, meeting_id=meeting.id, on_date=date(2026, 10, 19)
        )
    # when the meeting moves to Wednesdays in room C3
    async with courses_db.transaction() as session:
        updated = await meetings.update_meeting(
            session, actor=actor, meeting_id=meeting.id, weekday=3, room="C3"
        )
    # then it changed, the Monday exception is gone, and the event names the change
    assert (updated.weekday, updated.room) == (3, "C3")
    assert await _count(courses_db, MeetingException) == 0
    async with courses_db.session() as session:
        [event] = await outbox_events(session, "section.meeting_updated")
    assert event.data["changed"] == ["room", "weekday"]


async def test_an_update_ending_before_it_starts_changes_nothing(courses_db: Database) -> None:
    # given a meeting 09:00-10:30
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
        meeting = await make_meeting(session, section)
    # when its start is moved past its end
    with pytest.raises(DomainError) as raised:
        async with courses_db.transaction() as session:
            await meetings.update_meeting(
                session, actor=staff(college), meeting_id=meeting.id, starts_at=time(11, 0)
            )
    # then it is refused and the meeting is unchanged
    assert raised.value.error_code is CoursesErrorCode.INVALID_TIME_RANGE
    async with courses_db.session() as session:
        stored = await session.get(Meeting, meeting.id)
    assert stored is not None
    assert stored.starts_at == time(9, 0)


async def test_delete_removes_the_meeting_with_its_exceptions(courses_db: Database) -> None:
    # given a meeting with an exception
    college = new_id()
    actor = staff(college)
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
        meeting = await make_meeting(session, section)
    async with courses_db.transaction() as session:
        await exceptions.cancel_occurrence(
            session, actor=actor, meeting_id=meeting.id, on_date=date(2026, 9, 7)
        )
    # when it is deleted
    async with courses_db.transaction() as session:
        await meetings.delete_meeting(session, actor=actor, meeting_id=meeting.id)
    # then neither is left, and the deletion is announced
    assert await _count(courses_db, Meeting) == 0
    assert await _count(courses_db, MeetingException) == 0
    async with courses_db.session() as session:
        [event] = await outbox_events(session, "section.meeting_deleted")
    assert (event.subject, event.data["section_id"]) == (meeting.id, section.id)


async def test_a_meeting_is_refused_a_room_an_occurrence_was_moved_into(
    courses_db: Database,
) -> None:
    # given one Monday's class (2026-10-19) moved into B101 at 09:00-10:00
    college = new_id()
    actor = staff(college)
    async with courses_db.transaction() as session:
        first = await make_section(session, college_id=college)
        second = await make_section(session, college_id=college)
        elsewhere = await make_meeting(
            session, first, weekday=1, starts_at=time(14, 0), ends_at=time(15, 0), room="C3"
        )
    async with courses_db.transaction() as session:
        await exceptions.move_occurrence(
            session,
            actor=actor,
            meeting_id=elsewhere.id,
            on_date=date(2026, 10, 19),
            starts_at=time(9, 0),
            ends_at=time(10, 0),
            room="B101",
        )

    async def add(**values: object) -> Meeting:
        async with courses_db.transaction() as session:
            return await meetings.create_meeting(
                session,
                actor=actor,
                section_id=second.id,
                weekday=1,
                starts_at=time(9, 30),
                ends_at=time(10, 30),
                **values,  # type: ignore[arg-type]
            )

    # when another section wants b101 on Mondays 09:30-10:30, then from the next day on
    with pytest.raises(DomainError) as created:
        await add(room="b101")
    later = await add(room="B101", first_date=date(2026, 10, 20))
    # and that meeting is stretched back over the moved class's date
    with pytest.raises(DomainError) as updated:
        async with courses_db.transaction() as session:
            await meetings.update_meeting(
                session, actor=actor, meeting_id=later.id, first_date=date(2026, 9, 1)
            )
    # then both are refused on the room, and the later meeting keeps its dates
    for raised in (created, updated):
        assert (raised.value.code_name, raised.value.field) == ("ROOM_CONFLICT", "room")
    async with courses_db.session() as session:
        kept = await session.get(Meeting, later.id)
    assert kept is not None
    assert kept.first_date == date(2026, 10, 20)


async def test_a_moved_class_does_not_block_a_meeting_not_held_that_day(
    courses_db: Database,
) -> None:
    # given one Monday's class (2026-10-19) moved into B101 at 09:00-10:00, and a
    # Monday 09:30 meeting in room Z1 whose class that Monday is cancelled
    college = new_id()
    actor = staff(college)
    monday = date(2026, 10, 19)
    async with courses_db.transaction() as session:
        elsewhere = await make_meeting(
            session,
            await make_section(session, college_id=college),
            weekday=1,
            starts_at=time(14, 0),
            ends_at=time(15, 0),
            room="C3",
        )
        cancelled = await make_meeting(
            session,
            await make_section(session, college_id=college),
            weekday=1,
            starts_at=time(9, 30),
            ends_at=time(10, 30),
            room="Z1",
        )
        holiday_section = await make_section(session, college_id=college)
    async with courses_db.transaction() as session:
        await exceptions.move_occurrence(
            session,
            actor=actor,
            meeting_id=elsewhere.id,
            on_date=monday,
            starts_at=time(9, 0),
            ends_at=time(10, 0),
            room="B101",
        )
        await exceptions.cancel_occurrence(
            session, actor=actor, meeting_id=cancelled.id, on_date=monday
        )
    # when the cancelled-that-day meeting moves to B101
    async with courses_db.transaction() as session:
        await meetings.update_meeting(session, actor=actor, meeting_id=cancelled.id, room="B101")
    # and, once that Monday is a holiday, a new Monday meeting takes B101 at 09:00
    async with courses_db.transaction() as session:
        await holidays.create_holiday(session, actor=actor, name="Diwali", starts_on=monday)
        await meetings.create_meeting(
            session,
            actor=actor,
            section_id=holiday_section.id,
            weekday=1,
            starts_at=time(8, 30),
            ends_at=time(9, 30),
            room="B101",
        )
    # then both are allowed
    assert await _count(courses_db, Meeting) == 3

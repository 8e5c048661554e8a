"""Exceptions and holidays: one occurrence cancelled or moved, a college's days off."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from shared.db import Database
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.courses.models import MemberRole, new_id
from subgraphs.courses.schedules import exceptions, holidays
from subgraphs.courses.schedules.models import ExceptionKind, Holiday, MeetingException
from tests.factories.courses import make_section, outbox_events, staff
from tests.factories.schedules import STUDENT, TEACHER, add_member, make_meeting, person

MONDAY = date(2026, 10, 19)


async def _exceptions(database: Database) -> list[MeetingException]:
    async with database.session() as session:
        return list(await session.scalars(select(MeetingException)))


async def test_staff_cancel_and_move_occurrences(courses_db: Database) -> None:
    # given a Monday meeting in room B101 and the section's instructor
    college = new_id()
    teacher = person(college, TEACHER)
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
        await add_member(session, section, teacher.user_id or "", MemberRole.INSTRUCTOR)
        meeting = await make_meeting(session, section, weekday=1, room="B101")
    # when the instructor cancels one Monday and moves the next one to 14:00 in C3
    async with courses_db.transaction() as session:
        cancelled = await exceptions.cancel_occurrence(
            session, actor=teacher, meeting_id=meeting.id, on_date=MONDAY, reason="  Sick  "
        )
        moved = await exceptions.move_occurrence(
            session,
            actor=teacher,
            meeting_id=meeting.id,
            on_date=date(2026, 10, 26),
            starts_at=time(14, 0),
            ends_at=time(15, 30),
            room="C3",
            reason="Lab day",
        )
    # then both are stored as asked and announced
    assert (cancelled.kind, cancelled.reason) == (ExceptionKind.CANCELLED, "Sick")
    assert (moved.kind, moved.starts_at, moved.ends_at, moved.room) == (
        ExceptionKind.MOVED,
        time(14, 0),
        time(15, 30),
        "C3",
    )
    async with courses_db.session() as session:
        published = await outbox_events(session, "section.meeting_exception_created")
    assert [(e.subject, e.data["on_date"], e.data["kind"]) for e in published] == [
        (meeting.id, "2026-10-19", "cancelled"),
        (meeting.id, "2026-10-26", "moved"),
    ]


@pytest.mark.parametrize(
    ("on_date", "change", "code"),
    [
        (date(2026, 10, 20), {}, "NOT_A_MEETING_DATE"),  # a Tuesday
        (date(2027, 1, 4), {}, "NOT_A_MEETING_DATE"),  # a Monday after the last date
        (MONDAY, {"starts_at": time(14, 0)}, "INVALID_TIME_RANGE"),  # no end
        (MONDAY, {"starts_at": time(14, 0), "ends_at": time(13, 0)}, "INVALID_TIME_RANGE"),
        (MONDAY, {"room": "B101"}, "NOTHING_MOVED"),
        (MONDAY, {"room": "R", "reason": "x" * 201}, "INVALID_REASON"),
    ],
)
async def test_bad_moves_are_refused_and_nothing_written(
    courses_db: Database, on_date: date, change: dict[str, object], code: str
) -> None:
    # given a Monday meeting in B101
    college = new_id()
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
        meeting = await make_meeting(session, section, weekday=1, room="B101")
    # when an occurrence is moved with a bad value
    with pytest.raises(DomainError) as raised:
        async with courses_db.transaction() as session:
            await exceptions.move_occurrence(
                session,
                actor=staff(college),
                meeting_id=meeting.id,
                on_date=on_date,
                **change,  # type: ignore[arg-type]
            )
    # then it is refused with its code, and no exception exists
    assert raised.value.code_name == code
    assert await _exceptions(courses_db) == []


async def test_one_exception_per_occurrence_until_it_is_deleted(courses_db: Database) -> None:
    # given a cancelled Monday
    college = new_id()
    actor = staff(college)
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
        meeting = await make_meeting(session, section, weekday=1)
    async with courses_db.transaction() as session:
        first = await exceptions.cancel_occurrence(
            session, actor=actor, meeting_id=meeting.id, on_date=MONDAY
        )
    # when it is also moved, then the cancellation deleted and the move tried again
    with pytest.raises(DomainError) as raised:
        async with courses_db.transaction() as session:
            await exceptions.move_occurrence(
                session, actor=actor, meeting_id=meeting.id, on_date=MONDAY, room="C3"
            )
    async with courses_db.transaction() as session:
        await exceptions.delete_exception(session, actor=actor, exception_id=first.id)
    async with courses_db.transaction() as session:
        await exceptions.move_occurrence(
            session, actor=actor, meeting_id=meeting.id, on_date=MONDAY, room="C3"
        )
    # then the second exception waited for the first to go
    assert raised.value.code_name == "MEETING_EXCEPTION_EXISTS"
    [left] = await _exceptions(courses_db)
    assert (left.kind, left.room, left.starts_at) == (ExceptionKind.MOVED, "C3", time(9, 0))
    async with courses_db.session() as session:
        [deleted] = await outbox_events(session, "section.meeting_exception_deleted")
    assert deleted.data["exception_id"] == first.id


async def test_students_and_other_colleges_cannot_change_occurrences(
    courses_db: Database,
) -> None:
    # given a meeting, a student of its section, and a manager of another college
    college = new_id()
    student = person(college, STUDENT)
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
        await add_member(session, section, student.user_id or "")
        meeting = await make_meeting(session, section, weekday=1)
    # when each tries to cancel an occurrence
    with pytest.raises(PermissionDenied):
        async with courses_db.transaction() as session:
            await exceptions.cancel_occurrence(
                session, actor=student, meeting_id=meeting.id, on_date=MONDAY
            )
    with pytest.raises(NotFoundError):
        async with courses_db.transaction() as session:
            await exceptions.cancel_occurrence(
                session, actor=staff(new_id()), meeting_id=meeting.id, on_date=MONDAY
            )
    # then nothing is written
    assert await _exceptions(courses_db) == []


async def test_holidays_are_managed_with_section_manage_and_kept_per_college(
    courses_db: Database,
) -> None:
    # given a college admin, a teacher of the college, and another college's admin
    college = new_id()
    admin = staff(college, "section:manage", "course:read")
    # when the admin adds a holiday week and a one-day holiday, and the teacher tries too
    async with courses_db.transaction() as session:
        week = await holidays.create_holiday(
            session,
            actor=admin,
            name=" Diwali   break ",
            starts_on=date(2026, 11, 9),
            ends_on=date(2026, 11, 13),
        )
        day = await holidays.create_holiday(
            session, actor=admin, name="Founders' Day", starts_on=date(2026, 9, 15)
        )
    with pytest.raises(PermissionDenied):
        async with courses_db.transaction() as session:
            await holidays.create_holiday(
                session, actor=person(college, TEACHER), name="Mine", starts_on=MONDAY
            )
    # then the college lists both, another college none, and only the admin may delete
    async with courses_db.session() as session:
        listed = await holidays.list_holidays(
            session, actor=admin, start=date(2026, 9, 1), end=date(2026, 12, 31)
        )
        foreign = await holidays.list_holidays(
            session,
            actor=staff(new_id(), "course:read"),
            start=date(2026, 9, 1),
            end=date(2026, 12, 31),
        )
    assert [(h.name, h.starts_on, h.ends_on) for h in listed] == [
        ("Founders' Day", date(2026, 9, 15), date(2026, 9, 15)),
        ("Diwali break", date(2026, 11, 9), date(2026, 11, 13)),
    ]
    assert foreign == []
    with pytest.raises(NotFoundError):
        async with courses_db.transaction() as session:
            await holidays.delete_holiday(session, actor=staff(new_id()), holiday_id=day.id)
    async with courses_db.transaction() as session:
        await holidays.delete_holiday(session, actor=admin, holiday_id=week.id)
    async with courses_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Holiday)) == 1
        published = await outbox_events(session)
    assert [e.type for e in published] == [
        "course.holiday_created",
        "course.holiday_created",
        "course.holiday_deleted",
    ]


async def test_a_holiday_ending_before_it_starts_is_refused(courses_db: Database) -> None:
    # given a college admin
    college = new_id()
    # when a holiday ends before its first day
    with pytest.raises(DomainError) as raised:
        async with courses_db.transaction() as session:
            await holidays.create_holiday(
                session,
                actor=staff(college),
                name="Backwards",
                starts_on=date(2026, 11, 9),
                ends_on=date(2026, 11, 8),
            )
    # then it is refused and none exists
    assert (raised.value.code_name, raised.value.field) == ("INVALID_DATE_RANGE", "ends_on")
    async with courses_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Holiday)) == 0


async def _move(
    database: Database,
    meeting_id: str,
    on_date: date,
    *,
    college: str,
    starts_at: time | None = None,
    ends_at: time | None = None,
    room: str | None = None,
) -> MeetingException:
    async with database.transaction() as session:
        return await exceptions.move_occurrence(
            session,
            actor=staff(college),
            meeting_id=meeting_id,
            on_date=on_date,
            starts_at=starts_at,
            ends_at=ends_at,
            room=room,
        )


async def test_a_move_into_a_room_held_that_day_is_refused(courses_db: Database) -> None:
    # given room B101 held on Mondays 09:00-10:30, and meetings elsewhere on Mondays
    college = new_id()
    async with courses_db.transaction() as session:
        sections = [await make_section(session, college_id=college) for _ in range(4)]
        await make_meeting(session, sections[0], weekday=1, room="B101")
        moving = await make_meeting(
            session, sections[1], weekday=1, starts_at=time(14, 0), ends_at=time(15, 0), room="C3"
        )
        other = await make_meeting(
            session, sections[2], weekday=1, starts_at=time(16, 0), ends_at=time(17, 0), room="D1"
        )
        beside = await make_meeting(
            session, sections[3], weekday=1, starts_at=time(11, 0), ends_at=time(12, 0), room="B101"
        )
    # when one occurrence is moved into b101 at an overlapping time, then right after it
    with pytest.raises(DomainError) as weekly:
        await _move(
            courses_db,
            moving.id,
            MONDAY,
            college=college,
            starts_at=time(10, 0),
            ends_at=time(11, 0),
            room="b101",
        )
    await _move(
        courses_db,
        moving.id,
        MONDAY,
        college=college,
        starts_at=time(10, 30),
        ends_at=time(11, 0),
        room="b101",
    )
    # and another occurrence wants B101 at the moved one's time that day, then a week later
    with pytest.raises(DomainError) as moved:
        await _move(
            courses_db,
            other.id,
            MONDAY,
            college=college,
            starts_at=time(10, 45),
            ends_at=time(11, 0),
            room="B101",
        )
    await _move(
        courses_db,
        other.id,
        date(2026, 10, 26),
        college=college,
        starts_at=time(10, 45),
        ends_at=time(11, 0),
        room="B101",
    )
    # and a meeting already in B101 moves its time only, onto the weekly class
    with pytest.raises(DomainError) as own_room:
        await _move(
            courses_db,
            beside.id,
            date(2026, 11, 2),
            college=college,
            starts_at=time(10, 0),
            ends_at=time(11, 0),
        )
    # then the clashes are refused on the room, the free slots are taken
    for raised in (weekly, moved, own_room):
        assert (raised.value.code_name, raised.value.field) == ("ROOM_CONFLICT", "room")
    assert sorted((e.meeting_id, e.on_date, e.room) for e in await _exceptions(courses_db)) == (
        sorted([(moving.id, MONDAY, "b101"), (other.id, date(2026, 10, 26), "B101")])
    )


@pytest.mark.parametrize("freed_by", ["cancelled", "moved away", "holiday", "ended", "college"])
async def test_a_move_into_a_room_whose_class_is_not_held_that_day_is_allowed(
    courses_db: Database, freed_by: str
) -> None:
    # given B101 held on Mondays 09:00-10:30, except on MONDAY for one reason or another
    college = new_id()
    holder_college = new_id() if freed_by == "college" else college
    last_date = date(2026, 10, 12) if freed_by == "ended" else date(2026, 12, 20)
    async with courses_db.transaction() as session:
        holder = await make_meeting(
            session,
            await make_section(session, college_id=holder_college),
            weekday=1,
            room="B101",
            last_date=last_date,
        )
        moving = await make_meeting(
            session,
            await make_section(session, college_id=college),
            weekday=1,
            starts_at=time(14, 0),
            ends_at=time(15, 0),
            room="C3",
        )
        if freed_by == "cancelled":
            await exceptions.cancel_occurrence(
                session, actor=staff(college), meeting_id=holder.id, on_date=MONDAY
            )
        elif freed_by == "holiday":
            await holidays.create_holiday(
                session,
                actor=staff(college),
                name="Diwali",
                starts_on=date(2026, 10, 18),
                ends_on=date(2026, 10, 20),
            )
    if freed_by == "moved away":
        await _move(courses_db, holder.id, MONDAY, college=college, room="B102")
    # when another meeting's occurrence that day moves into B101 at 09:00
    moved = await _move(
        courses_db,
        moving.id,
        MONDAY,
        college=college,
        starts_at=time(9, 0),
        ends_at=time(10, 0),
        room="B101",
    )
    # then it is allowed
    assert (moved.kind, moved.room) == (ExceptionKind.MOVED, "B101")

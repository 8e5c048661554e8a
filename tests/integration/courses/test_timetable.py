"""Timetables: a person's meetings expanded into concrete classes over a date range."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.auth.principal import Principal
from shared.db import Database
from shared.errors import AuthenticationError, DomainError, PermissionDenied
from subgraphs.courses.models import MemberRole, SectionStatus, new_id
from subgraphs.courses.schedules import exceptions, holidays
from subgraphs.courses.schedules.timetable import OccurrenceStatus, timetable
from tests.factories.courses import make_section, staff
from tests.factories.schedules import (
    STUDENT,
    TEACHER,
    add_member,
    make_meeting,
    person,
)
from tests.fixtures.statements import statements_on

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


async def test_weekly_meetings_keep_local_time_across_daylight_saving_changes(
    courses_db: Database,
) -> None:
    # given a student with Monday 09:00 classes in Berlin and Monday 18:00 classes in New York
    college = new_id()
    student = person(college, STUDENT)
    async with courses_db.transaction() as session:
        berlin = await make_section(session, college_id=college)
        new_york = await make_section(session, college_id=college)
        for section in (berlin, new_york):
            await add_member(session, section, student.user_id or "")
        await make_meeting(session, berlin, weekday=1, room="B1", time_zone="Europe/Berlin")
        await make_meeting(
            session,
            new_york,
            weekday=1,
            starts_at=time(18, 0),
            ends_at=time(19, 0),
            time_zone="America/New_York",
        )
    # when the student reads three weeks spanning both countries' clock changes
    async with courses_db.session() as session:
        entries = await timetable(
            session,
            actor=student,
            user_id=student.user_id or "",
            start=date(2026, 10, 19),
            end=date(2026, 11, 8),
        )
    # then each class is at its local time every week, its UTC instant shifting with DST
    by_zone = {
        zone: [e.starts_at for e in entries if e.starts_at.tzinfo == zone]
        for zone in (BERLIN, NEW_YORK)
    }
    assert by_zone[BERLIN] == [
        datetime(2026, 10, 19, 9, tzinfo=BERLIN),
        datetime(2026, 10, 26, 9, tzinfo=BERLIN),
        datetime(2026, 11, 2, 9, tzinfo=BERLIN),
    ]
    assert [s.utcoffset() for s in by_zone[BERLIN]] == [
        timedelta(hours=2),
        timedelta(hours=1),
        timedelta(hours=1),
    ]
    assert [s.utcoffset() for s in by_zone[NEW_YORK]] == [
        timedelta(hours=-4),
        timedelta(hours=-4),
        timedelta(hours=-5),
    ]
    assert all(
        e.ends_at - e.starts_at in {timedelta(hours=1, minutes=30), timedelta(hours=1)}
        for e in entries
    )
    # and they come in time order, all scheduled, with their rooms
    assert [e.starts_at for e in entries] == sorted(e.starts_at for e in entries)
    assert {e.status for e in entries} == {OccurrenceStatus.SCHEDULED}
    assert {e.room for e in entries} == {"B1", None}


async def test_exceptions_and_holidays_change_single_occurrences(courses_db: Database) -> None:
    # given Monday classes with one cancelled, one moved, and a holiday week
    college = new_id()
    admin = staff(college)
    student = person(college, STUDENT)
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
        await add_member(session, section, student.user_id or "")
        meeting = await make_meeting(session, section, weekday=1, room="B1")
    async with courses_db.transaction() as session:
        await exceptions.cancel_occurrence(
            session, actor=admin, meeting_id=meeting.id, on_date=date(2026, 10, 5), reason="Ill"
        )
        await exceptions.move_occurrence(
            session,
            actor=admin,
            meeting_id=meeting.id,
            on_date=date(2026, 10, 12),
            starts_at=time(13, 0),
            ends_at=time(14, 0),
            room="Hall",
            reason="Exam",
        )
        await holidays.create_holiday(
            session,
            actor=admin,
            name="Autumn break",
            starts_on=date(2026, 10, 17),
            ends_on=date(2026, 10, 25),
        )
    # when the student reads October
    async with courses_db.session() as session:
        entries = await timetable(
            session,
            actor=student,
            user_id=student.user_id or "",
            start=date(2026, 10, 1),
            end=date(2026, 10, 31),
        )
    # then each Monday shows what happens to it
    utc = ZoneInfo("UTC")
    assert [(e.on_date.day, e.status, e.reason, e.room, e.starts_at) for e in entries] == [
        (5, OccurrenceStatus.CANCELLED, "Ill", "B1", datetime(2026, 10, 5, 9, tzinfo=utc)),
        (12, OccurrenceStatus.MOVED, "Exam", "Hall", datetime(2026, 10, 12, 13, tzinfo=utc)),
        (
            19,
            OccurrenceStatus.CANCELLED,
            "Autumn break",
            "B1",
            datetime(2026, 10, 19, 9, tzinfo=utc),
        ),
        (26, OccurrenceStatus.SCHEDULED, None, "B1", datetime(2026, 10, 26, 9, tzinfo=utc)),
    ]


async def test_every_role_counts_and_cancelled_sections_do_not(courses_db: Database) -> None:
    # given a person teaching one section, studying in another, and in a cancelled one
    college = new_id()
    me = person(college, TEACHER)
    async with courses_db.transaction() as session:
        taught = await make_section(session, college_id=college)
        studied = await make_section(session, college_id=college)
        dead = await make_section(session, college_id=college, status=SectionStatus.CANCELLED)
        await add_member(session, taught, me.user_id or "", MemberRole.INSTRUCTOR)
        await add_member(session, studied, me.user_id or "")
        await add_member(session, dead, me.user_id or "")
        for section in (taught, studied, dead):
            await make_meeting(session, section, weekday=2)
    # when they read one week
    async with courses_db.session() as session:
        entries = await timetable(
            session,
            actor=me,
            user_id=me.user_id or "",
            start=date(2026, 9, 7),
            end=date(2026, 9, 13),
        )
    # then the taught and the studied section meet, the cancelled one does not
    assert sorted(e.section.id for e in entries) == sorted([taught.id, studied.id])


async def test_reading_someone_elses_timetable_needs_enrollment_read_in_the_college(
    courses_db: Database,
) -> None:
    # given a student with a class
    college = new_id()
    student = person(college, STUDENT)
    async with courses_db.transaction() as session:
        section = await make_section(session, college_id=college)
        await add_member(session, section, student.user_id or "")
        await make_meeting(session, section, weekday=1)
    week = {"user_id": student.user_id or "", "start": date(2026, 9, 7), "end": date(2026, 9, 13)}
    async with courses_db.session() as session:
        # when a classmate, a teacher of the college, another college's teacher and an
        # anonymous caller read it
        with pytest.raises(PermissionDenied):
            await timetable(session, actor=person(college, STUDENT), **week)  # type: ignore[arg-type]
        teacher_view = await timetable(session, actor=person(college, TEACHER), **week)  # type: ignore[arg-type]
        foreign_view = await timetable(session, actor=person(new_id(), TEACHER), **week)  # type: ignore[arg-type]
        with pytest.raises(AuthenticationError):
            await timetable(session, actor=Principal.anonymous(), **week)  # type: ignore[arg-type]
    # then the teacher sees the class and the other college nothing
    assert [e.section.id for e in teacher_view] == [section.id]
    assert foreign_view == []


@pytest.mark.parametrize(
    ("end", "code"),
    [(date(2026, 8, 31), "INVALID_DATE_RANGE"), (date(2027, 9, 2), "RANGE_TOO_LONG")],
)
async def test_the_range_is_in_order_and_at_most_366_days(
    courses_db: Database, end: date, code: str
) -> None:
    # given a student
    student = person(new_id(), STUDENT)
    # when they ask for a backwards or too long range
    async with courses_db.session() as session:
        with pytest.raises(DomainError) as raised:
            await timetable(
                session,
                actor=student,
                user_id=student.user_id or "",
                start=date(2026, 9, 1),
                end=end,
            )
    # then it is refused with its code
    assert raised.value.code_name == code


async def _statements_for(database: Database, sections: int) -> int:
    college = new_id()
    admin = staff(college)
    student = person(college, STUDENT)
    async with database.transaction() as session:
        for _ in range(sections):
            section = await make_section(session, college_id=college)
            await add_member(session, section, student.user_id or "")
            meeting = await make_meeting(session, section, weekday=1)
            await make_meeting(session, section, weekday=4)
            await exceptions.cancel_occurrence(
                session, actor=admin, meeting_id=meeting.id, on_date=date(2026, 9, 14)
            )
        await holidays.create_holiday(
            session, actor=admin, name="Break", starts_on=date(2026, 9, 24)
        )
    async with database.session() as session:
        with statements_on(database) as statements:
            entries = await timetable(
                session,
                actor=student,
                user_id=student.user_id or "",
                start=date(2026, 9, 1),
                end=date(2026, 9, 30),
            )
    assert len(entries) == sections * 8
    return len(statements)


async def test_a_timetable_costs_the_same_statements_for_2_and_8_sections(
    courses_db: Database,
) -> None:
    # given students with 2 and with 8 sections, each meeting twice a week
    # when each reads September
    few = await _statements_for(courses_db, 2)
    many = await _statements_for(courses_db, 8)
    # then both take the same four statements
    assert few == many == 4

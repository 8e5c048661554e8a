"""Timetables over GraphQL: ``myTimetable``, ``User.timetable``, ``holidays``, on both databases,
and the statement count of a timetable with each section's course and instructors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from shared.auth.principal import Principal
from subgraphs.courses.models import MemberRole
from subgraphs.courses.schedules import exceptions, holidays
from subgraphs.identity.permissions import STUDENT
from tests.factories.courses import make_section
from tests.factories.schedules import add_member, make_meeting
from tests.fixtures.statements import statements_on
from tests.integration.courses.graphql_app import (
    Campus,
    CoursesApp,
    campus,
    courses_app,
    error_codes,
    gid,
    person,
)

__all__ = ["campus", "courses_app"]

MY_TIMETABLE = """
query($from: Date!, $to: Date!) {
  myTimetable(from: $from, to: $to) {
    date startsAt endsAt room status reason
    meeting { id weekday startsAt timeZone }
    section { id code course { code title } instructors { id } }
  }
}
"""
USER_TIMETABLE = """
query($reps: [_Any!]!, $from: Date!, $to: Date!) {
  _entities(representations: $reps) {
    ... on User { timetable(from: $from, to: $to) { date status section { id } } }
  }
}
"""
HOLIDAYS = """
query($from: Date!, $to: Date!) { holidays(from: $from, to: $to) { name startsOn endsOn } }
"""
WEEK = {"from": "2026-10-19", "to": "2026-10-25"}


@dataclass
class Classes:
    sections: list[str] = field(default_factory=list)
    mondays: list[str] = field(default_factory=list)


async def _classes(app: CoursesApp, campus: Campus, count: int, student: Principal) -> Classes:
    """``count`` sections of college A, each with the teacher as instructor, the student
    enrolled, and Monday and Thursday meetings in Berlin; a holiday on Thursday 2026-10-22."""
    made = Classes()
    async with app.service.database.transaction() as session:
        for _ in range(count):
            section = await make_section(session, college_id=campus.college_a)
            await add_member(session, section, student.user_id or "")
            await add_member(
                session, section, campus.teacher_a.user_id or "", MemberRole.INSTRUCTOR
            )
            monday = await make_meeting(
                session, section, weekday=1, room="B1", time_zone="Europe/Berlin"
            )
            await make_meeting(session, section, weekday=4, time_zone="Europe/Berlin")
            made.sections.append(section.id)
            made.mondays.append(monday.id)
        await holidays.create_holiday(
            session, actor=campus.admin_a, name="Founders", starts_on=date(2026, 10, 22)
        )
    return made


async def test_my_timetable_shows_classes_with_section_course_and_instructors(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a student in two sections, the first one's Monday class moved to 14:00 in C3
    classes = await _classes(courses_app, campus, 2, campus.student_a)
    async with courses_app.service.database.transaction() as session:
        await exceptions.move_occurrence(
            session,
            actor=campus.admin_a,
            meeting_id=classes.mondays[0],
            on_date=date(2026, 10, 19),
            starts_at=time(14, 0),
            ends_at=time(15, 0),
            room="C3",
            reason="Guest lecture",
        )
    # when the student reads the week
    data = await courses_app.data(MY_TIMETABLE, WEEK, as_=campus.student_a)
    entries = data["myTimetable"]
    # then the two Mondays come first (09:00 before the moved 14:00), then the cancelled Thursdays
    assert [(e["date"], e["status"], e["room"]) for e in entries] == [
        ("2026-10-19", "SCHEDULED", "B1"),
        ("2026-10-19", "MOVED", "C3"),
        ("2026-10-22", "CANCELLED", None),
        ("2026-10-22", "CANCELLED", None),
    ]
    moved = entries[1]
    assert (moved["startsAt"], moved["endsAt"], moved["reason"]) == (
        "2026-10-19T14:00:00+02:00",
        "2026-10-19T15:00:00+02:00",
        "Guest lecture",
    )
    assert moved["meeting"] == {
        "id": gid("Meeting", classes.mondays[0]),
        "weekday": "MONDAY",
        "startsAt": "09:00:00",
        "timeZone": "Europe/Berlin",
    }
    assert moved["section"]["id"] == gid("Section", classes.sections[0])
    assert moved["section"]["course"]["title"] == "Introduction"
    assert moved["section"]["instructors"] == [{"id": gid("User", campus.teacher_a.user_id or "")}]
    assert entries[2]["reason"] == "Founders"


async def test_user_timetable_is_for_the_person_and_enrollment_readers_of_the_college(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a student of college A with classes
    await _classes(courses_app, campus, 1, campus.student_a)
    variables = {
        **WEEK,
        "reps": [{"__typename": "User", "id": gid("User", campus.student_a.user_id or "")}],
    }
    # when the student, a teacher of A, a classmate and college B's admin read it
    own = await courses_app.data(USER_TIMETABLE, variables, as_=campus.student_a)
    teacher = await courses_app.data(USER_TIMETABLE, variables, as_=campus.teacher_a)
    classmate = await courses_app.post(USER_TIMETABLE, variables, as_=campus.student_a2)
    foreign = await courses_app.data(USER_TIMETABLE, variables, as_=campus.admin_b)
    # then the person and the teacher see two classes, the classmate is refused, B sees none
    assert len(own["_entities"][0]["timetable"]) == 2
    assert teacher == own
    assert error_codes(classmate) == ["FORBIDDEN"]
    assert foreign["_entities"][0]["timetable"] == []


async def test_a_range_over_366_days_is_refused(courses_app: CoursesApp, campus: Campus) -> None:
    # given a student
    # when they ask for more than a year
    body = await courses_app.post(
        MY_TIMETABLE, {"from": "2026-01-01", "to": "2027-01-02"}, as_=campus.student_a
    )
    # then the query fails with the range code
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["errorCode"] == "RANGE_TOO_LONG"


async def test_holidays_query_lists_the_colleges_holidays(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a holiday of college A
    await _classes(courses_app, campus, 0, campus.student_a)
    query = HOLIDAYS
    # when students of A and of B list October
    mine = await courses_app.data(
        query, {"from": "2026-10-01", "to": "2026-10-31"}, as_=campus.student_a
    )
    theirs = await courses_app.data(
        query, {"from": "2026-10-01", "to": "2026-10-31"}, as_=campus.student_b
    )
    # then only A's student sees it
    assert mine["holidays"] == [
        {"name": "Founders", "startsOn": "2026-10-22", "endsOn": "2026-10-22"}
    ]
    assert theirs["holidays"] == []


async def _timetable_statements(app: CoursesApp, campus: Campus, sections: int) -> int:
    student = person(campus.college_a, STUDENT)
    await _classes(app, campus, sections, student)
    with statements_on(app.service.database) as statements:
        data = await app.data(MY_TIMETABLE, WEEK, as_=student)
    assert len(data["myTimetable"]) == 2 * sections
    return len(statements)


async def test_a_timetable_query_costs_the_same_statements_for_2_and_8_sections(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given one student with 2 sections and another with 8, each section with its course,
    # an instructor and two meetings a week
    # when each reads their week with every section's course and instructors
    few = await _timetable_statements(courses_app, campus, 2)
    many = await _timetable_statements(courses_app, campus, 8)
    # then both cost the same: four for the schedule, one for the courses, one for the members
    assert few == many == 6

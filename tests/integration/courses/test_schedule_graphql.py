"""Schedule mutations over GraphQL: meetings, exceptions, holidays; payload errors, permissions
and ``Section.meetings``, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from subgraphs.courses.models import MemberRole
from subgraphs.courses.schedules.models import Holiday, Meeting
from tests.factories.courses import make_section
from tests.factories.schedules import add_member
from tests.integration.courses.graphql_app import (
    Campus,
    CoursesApp,
    campus,
    courses_app,
    error_codes,
    gid,
)

__all__ = ["campus", "courses_app"]

MEETING_FIELDS = "id weekday startsAt endsAt timeZone room firstDate lastDate"
CREATE = (
    "mutation($input: MeetingCreateInput!) { meetingCreate(input: $input) { meeting { "
    + MEETING_FIELDS
    + " } errors { field code } } }"
)
UPDATE = (
    "mutation($input: MeetingUpdateInput!) { meetingUpdate(input: $input) { meeting { "
    + MEETING_FIELDS
    + " } errors { field code } } }"
)
DELETE = """
mutation($input: MeetingDeleteInput!) { meetingDelete(input: $input) { deletedId errors { code } } }
"""
EXCEPTION = """
mutation($input: MeetingExceptionCreateInput!) {
  meetingExceptionCreate(input: $input) {
    exception { id date kind startsAt endsAt room reason } errors { field code }
  }
}
"""
EXCEPTION_DELETE = """
mutation($input: MeetingExceptionDeleteInput!) {
  meetingExceptionDelete(input: $input) { deletedId errors { code } }
}
"""
HOLIDAY = """
mutation($input: HolidayCreateInput!) {
  holidayCreate(input: $input) { holiday { id name startsOn endsOn } errors { field code } }
}
"""
SECTION_MEETINGS = """
query($id: ID!) {
  section(id: $id) { meetings { weekday room exceptions { date kind reason } } }
}
"""


async def _section(app: CoursesApp, campus: Campus) -> str:
    """A section of college A taught by the teacher, with student A enrolled."""
    async with app.service.database.transaction() as session:
        section = await make_section(session, college_id=campus.college_a)
        await add_member(session, section, campus.teacher_a.user_id or "", MemberRole.INSTRUCTOR)
        await add_member(session, section, campus.student_a.user_id or "")
    return gid("Section", section.id)


async def _count(app: CoursesApp, model: type[Meeting] | type[Holiday]) -> int:
    async with app.service.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _meeting_input(section_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "sectionId": section_id,
        "weekday": "MONDAY",
        "startsAt": "09:00:00",
        "endsAt": "10:30:00",
        "room": "B101",
        **changes,
    }


async def test_teaching_staff_create_change_and_delete_meetings(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a section the teacher teaches
    section_id = await _section(courses_app, campus)
    # when the teacher adds a meeting, moves it to Wednesday, then deletes it
    created = await courses_app.data(
        CREATE, {"input": _meeting_input(section_id)}, as_=campus.teacher_a
    )
    meeting = created["meetingCreate"]["meeting"]
    updated = await courses_app.data(
        UPDATE,
        {"input": {"id": meeting["id"], "weekday": "WEDNESDAY", "timeZone": "Asia/Kolkata"}},
        as_=campus.teacher_a,
    )
    deleted = await courses_app.data(DELETE, {"input": {"id": meeting["id"]}}, as_=campus.teacher_a)
    # then each step answered as asked, the term's dates and the default zone filled in
    assert created["meetingCreate"]["errors"] == []
    assert (meeting["weekday"], meeting["startsAt"], meeting["room"], meeting["timeZone"]) == (
        "MONDAY",
        "09:00:00",
        "B101",
        "UTC",
    )
    assert (meeting["firstDate"], meeting["lastDate"]) == ("2026-09-01", "2026-12-20")
    assert updated["meetingUpdate"]["meeting"]["weekday"] == "WEDNESDAY"
    assert updated["meetingUpdate"]["meeting"]["timeZone"] == "Asia/Kolkata"
    assert deleted["meetingDelete"] == {"deletedId": meeting["id"], "errors": []}
    assert await _count(courses_app, Meeting) == 0


async def test_a_meeting_ending_before_it_starts_is_a_payload_error(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a section
    section_id = await _section(courses_app, campus)
    # when a meeting ends before it starts, or runs past the term
    backwards = await courses_app.data(
        CREATE, {"input": _meeting_input(section_id, endsAt="08:00:00")}, as_=campus.admin_a
    )
    too_long = await courses_app.data(
        CREATE, {"input": _meeting_input(section_id, lastDate="2027-02-01")}, as_=campus.admin_a
    )
    # then the payloads carry coded errors on the input fields, and nothing is written
    assert backwards["meetingCreate"] == {
        "meeting": None,
        "errors": [{"field": "endsAt", "code": "INVALID_TIME_RANGE"}],
    }
    assert too_long["meetingCreate"]["errors"] == [
        {"field": "lastDate", "code": "MEETING_OUTSIDE_TERM"}
    ]
    assert await _count(courses_app, Meeting) == 0


async def test_students_and_other_colleges_cannot_manage_meetings(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a section of college A
    section_id = await _section(courses_app, campus)
    variables = {"input": _meeting_input(section_id)}
    # when its student, college B's admin and an anonymous caller add a meeting
    student = await courses_app.post(CREATE, variables, as_=campus.student_a)
    foreign = await courses_app.post(CREATE, variables, as_=campus.admin_b)
    anonymous = await courses_app.post(CREATE, variables)
    # then they are refused as top-level errors and nothing is written
    assert error_codes(student) == ["FORBIDDEN"]
    assert error_codes(foreign) == ["NOT_FOUND"]
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert await _count(courses_app, Meeting) == 0


async def test_exceptions_show_on_the_sections_meetings(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a Monday meeting
    section_id = await _section(courses_app, campus)
    created = await courses_app.data(
        CREATE, {"input": _meeting_input(section_id)}, as_=campus.teacher_a
    )
    meeting_id = created["meetingCreate"]["meeting"]["id"]
    # when the teacher cancels one Monday, fails to cancel a Tuesday, and moves another Monday
    cancelled = await courses_app.data(
        EXCEPTION,
        {
            "input": {
                "meetingId": meeting_id,
                "onDate": "2026-10-05",
                "kind": "CANCELLED",
                "reason": "Ill",
            }
        },
        as_=campus.teacher_a,
    )
    tuesday = await courses_app.data(
        EXCEPTION,
        {"input": {"meetingId": meeting_id, "onDate": "2026-10-06", "kind": "CANCELLED"}},
        as_=campus.teacher_a,
    )
    moved = await courses_app.data(
        EXCEPTION,
        {
            "input": {
                "meetingId": meeting_id,
                "onDate": "2026-10-12",
                "kind": "MOVED",
                "room": "Hall",
            }
        },
        as_=campus.teacher_a,
    )
    # then the section's meetings list the two exceptions, seen by its student too
    assert tuesday["meetingExceptionCreate"]["errors"] == [
        {"field": "onDate", "code": "NOT_A_MEETING_DATE"}
    ]
    assert moved["meetingExceptionCreate"]["exception"]["startsAt"] == "09:00:00"
    seen = await courses_app.data(SECTION_MEETINGS, {"id": section_id}, as_=campus.student_a)
    assert seen["section"]["meetings"] == [
        {
            "weekday": "MONDAY",
            "room": "B101",
            "exceptions": [
                {"date": "2026-10-05", "kind": "CANCELLED", "reason": "Ill"},
                {"date": "2026-10-12", "kind": "MOVED", "reason": ""},
            ],
        }
    ]
    # and deleting the cancellation leaves the move
    exception_id = cancelled["meetingExceptionCreate"]["exception"]["id"]
    removed = await courses_app.data(
        EXCEPTION_DELETE, {"input": {"id": exception_id}}, as_=campus.teacher_a
    )
    assert removed["meetingExceptionDelete"] == {"deletedId": exception_id, "errors": []}
    again = await courses_app.data(SECTION_MEETINGS, {"id": section_id}, as_=campus.student_a)
    assert [e["kind"] for e in again["section"]["meetings"][0]["exceptions"]] == ["MOVED"]


async def test_holidays_need_section_manage(courses_app: CoursesApp, campus: Campus) -> None:
    # given college A's admin and teacher
    variables = {"input": {"name": "Diwali", "startsOn": "2026-11-09", "endsOn": "2026-11-13"}}
    # when each adds a holiday, and the admin one ending before it starts
    by_admin = await courses_app.data(HOLIDAY, variables, as_=campus.admin_a)
    by_teacher = await courses_app.post(HOLIDAY, variables, as_=campus.teacher_a)
    backwards = await courses_app.data(
        HOLIDAY,
        {"input": {"name": "X", "startsOn": "2026-11-09", "endsOn": "2026-11-01"}},
        as_=campus.admin_a,
    )
    # then only the admin's valid holiday exists
    holiday = by_admin["holidayCreate"]["holiday"]
    assert (holiday["name"], holiday["startsOn"], holiday["endsOn"]) == (
        "Diwali",
        "2026-11-09",
        "2026-11-13",
    )
    assert error_codes(by_teacher) == ["FORBIDDEN"]
    assert backwards["holidayCreate"]["errors"] == [
        {"field": "endsOn", "code": "INVALID_DATE_RANGE"}
    ]
    assert await _count(courses_app, Holiday) == 1

"""The calendar feed: ``calendarFeedCreate`` gives a link, ``GET /calendar/{token}.ics`` answers
the person's meetings as iCalendar (weekly series, EXDATEs, moved overrides), and a rotated
or revoked token is a 404."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar

from subgraphs.courses.models import MemberRole, Section
from subgraphs.courses.schedules import exceptions, holidays
from subgraphs.courses.settings import CoursesSettings
from subgraphs.identity.permissions import STUDENT
from tests.factories.courses import make_course, make_section, make_term
from tests.factories.schedules import add_member, make_meeting
from tests.fixtures.statements import statements_on
from tests.integration.courses.graphql_app import (
    Campus,
    CoursesApp,
    campus,
    courses_app,
    person,
)

__all__ = ["campus", "courses_app"]

CREATE = "mutation { calendarFeedCreate { url errors { code } } }"
REVOKE = "mutation { calendarFeedRevoke { revoked errors { code } } }"
BERLIN = ZoneInfo("Europe/Berlin")


async def _timetable(app: CoursesApp, campus: Campus) -> dict[str, str]:
    """Student A in CS101 (Mondays 09:00-10:30 in B1, Berlin) and teaching nothing; one Monday
    cancelled, one moved, a holiday on another; a section of college B they are not in."""
    async with app.service.database.transaction() as session:
        course = await make_course(
            session, college_id=campus.college_a, code="CS101", title="Programming"
        )
        term = await make_term(session, college_id=campus.college_a)
        section = Section(
            college_id=campus.college_a,
            course_id=course.id,
            term_id=term.id,
            code="A",
            capacity=30,
        )
        session.add(section)
        await session.flush()
        await add_member(session, section, campus.student_a.user_id or "")
        await add_member(session, section, campus.teacher_a.user_id or "", MemberRole.INSTRUCTOR)
        meeting = await make_meeting(
            session,
            section,
            weekday=1,
            room="B1",
            time_zone="Europe/Berlin",
            first_date=date(2026, 9, 1),
            last_date=date(2026, 12, 20),
        )
        await exceptions.cancel_occurrence(
            session, actor=campus.admin_a, meeting_id=meeting.id, on_date=date(2026, 10, 5)
        )
        await exceptions.move_occurrence(
            session,
            actor=campus.admin_a,
            meeting_id=meeting.id,
            on_date=date(2026, 10, 12),
            starts_at=time(14, 0),
            ends_at=time(15, 0),
            room="Hall",
            reason="Exam",
        )
        await holidays.create_holiday(
            session,
            actor=campus.admin_a,
            name="Break",
            starts_on=date(2026, 10, 26),
            ends_on=date(2026, 10, 30),
        )
    return {"meeting": meeting.id, "section": section.id}


async def _url(app: CoursesApp, campus: Campus) -> str:
    data = await app.data(CREATE, as_=campus.student_a)
    payload = data["calendarFeedCreate"]
    assert payload["errors"] == []
    url: str = payload["url"]
    return url


async def _fetch(app: CoursesApp, url: str) -> tuple[int, str, bytes]:
    response = await app.client.get(urlsplit(url).path)
    return response.status_code, response.headers.get("content-type", ""), response.content


async def test_the_feed_describes_each_meeting_as_a_weekly_series(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given student A's timetable and a feed link
    ids = await _timetable(courses_app, campus)
    url = await _url(courses_app, campus)
    # when a calendar app fetches the link without signing in
    status, content_type, body = await _fetch(courses_app, url)
    # then it gets an iCalendar document of the meeting
    assert url.startswith("http://")
    assert url.endswith(".ics")
    assert status == 200
    assert content_type.startswith("text/calendar")
    calendar = Calendar.from_ical(body)
    events: list[Any] = calendar.walk("VEVENT")
    series = [e for e in events if "RECURRENCE-ID" not in e]
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    [event] = series
    assert str(event["UID"]) == f"meeting-{ids['meeting']}@lms"
    assert str(event["SUMMARY"]) == "CS101 Programming (A)"
    assert str(event["LOCATION"]) == "B1"
    assert event.decoded("DTSTART") == datetime(2026, 9, 7, 9, tzinfo=BERLIN)
    assert event.decoded("DTEND") == datetime(2026, 9, 7, 10, 30, tzinfo=BERLIN)
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["UNTIL"] == [datetime(2026, 12, 14, 8, tzinfo=UTC)]
    # and the cancelled Monday and the holiday's Monday are EXDATEs
    exdates = sorted(d.dt for d in _exdates(event))
    assert exdates == [
        datetime(2026, 10, 5, 9, tzinfo=BERLIN),
        datetime(2026, 10, 26, 9, tzinfo=BERLIN),
    ]
    # and the moved Monday overrides the series with its new time and room
    [moved] = overrides
    assert str(moved["UID"]) == str(event["UID"])
    assert moved.decoded("RECURRENCE-ID") == datetime(2026, 10, 12, 9, tzinfo=BERLIN)
    assert moved.decoded("DTSTART") == datetime(2026, 10, 12, 14, tzinfo=BERLIN)
    assert str(moved["LOCATION"]) == "Hall"
    # and the document defines the time zone it uses
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def _exdates(event: Any) -> list[Any]:
    value: Any = event["EXDATE"]
    lists: list[Any] = value if isinstance(value, list) else [value]
    return [d for item in lists for d in item.dts]


async def test_a_rotated_or_revoked_link_is_not_found(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a feed link, then a second one (rotation)
    await _timetable(courses_app, campus)
    old = await _url(courses_app, campus)
    new = await _url(courses_app, campus)
    # when both are fetched, then the new one revoked and fetched again
    old_status, _, old_body = await _fetch(courses_app, old)
    new_status, _, _ = await _fetch(courses_app, new)
    revoked = await courses_app.data(REVOKE, as_=campus.student_a)
    again = await courses_app.data(REVOKE, as_=campus.student_a)
    after_status, _, after_body = await _fetch(courses_app, new)
    unknown_status, _, unknown_body = await _fetch(courses_app, "http://x/calendar/nope.ics")
    # then only the current link works, and a dead one reveals nothing
    assert old != new
    assert (old_status, new_status, after_status, unknown_status) == (404, 200, 404, 404)
    assert old_body == after_body == unknown_body == b"Not found."
    assert revoked["calendarFeedRevoke"] == {"revoked": True, "errors": []}
    assert again["calendarFeedRevoke"] == {"revoked": False, "errors": []}


async def test_the_link_uses_the_configured_base_url(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given the platform's settings (no LMS_COURSES_CALENDAR_BASE_URL)
    settings = courses_app.service.platform.settings
    # when a feed is created
    url = await _url(courses_app, campus)
    # then the link is the platform's public URL plus the route
    assert url.startswith(settings.effective_public_url + "/calendar/")
    # and a configured base replaces the platform's URL
    configured = CoursesSettings(calendar_base_url="https://api.example.edu/")
    assert configured.calendar_url("t0k", public_url="http://127.0.0.1:4000") == (
        "https://api.example.edu/calendar/t0k.ics"
    )


async def test_anonymous_callers_get_no_feed(courses_app: CoursesApp) -> None:
    # given no token
    # when a feed is asked for
    body = await courses_app.post(CREATE)
    # then it is refused
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def _feed_statements(app: CoursesApp, campus: Campus, sections: int) -> int:
    student = person(campus.college_a, STUDENT)
    async with app.service.database.transaction() as session:
        for _ in range(sections):
            section = await make_section(session, college_id=campus.college_a)
            await add_member(session, section, student.user_id or "")
            meeting = await make_meeting(session, section, weekday=2)
            await exceptions.cancel_occurrence(
                session, actor=campus.admin_a, meeting_id=meeting.id, on_date=date(2026, 9, 8)
            )
    created = await app.data(CREATE, as_=student)
    with statements_on(app.service.database) as statements:
        status, _, body = await _fetch(app, created["calendarFeedCreate"]["url"])
    assert status == 200
    assert len(Calendar.from_ical(body).walk("VEVENT")) == sections
    return len(statements)


async def test_a_feed_costs_the_same_statements_for_1_and_5_sections(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given students with 1 and with 5 sections, each meeting weekly with a cancellation
    # when each one's feed is fetched
    few = await _feed_statements(courses_app, campus, 1)
    many = await _feed_statements(courses_app, campus, 5)
    # then both cost the token lookup, four schedule reads and one for the courses
    assert few == many == 6

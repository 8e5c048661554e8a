"""A person's timetable as an iCalendar document (RFC 5545), for calendar apps.

Each meeting is one recurring event, which is what calendar apps handle
best (one series to show, edit locally or hide, instead of dozens of loose
events):

* ``DTSTART``/``DTEND`` are the first occurrence's local times with their
  ``TZID`` (the document carries the ``VTIMEZONE`` definitions), and
  ``RRULE:FREQ=WEEKLY;UNTIL=...`` runs to the last occurrence, so apps keep
  the class at the same local time across daylight-saving changes;
* a cancelled occurrence (an exception, or a college holiday) is an
  ``EXDATE`` of the series;
* a moved occurrence is an override: a second ``VEVENT`` with the same
  ``UID`` and a ``RECURRENCE-ID`` naming the original start, carrying the
  new time and room;
* ``UID`` is ``meeting-<meeting id>@lms``, stable for the meeting's life,
  ``SUMMARY`` the course code and title with the section code,
  ``LOCATION`` the room.

The feed covers the meetings of the person's sections that end no earlier
than :data:`FEED_PAST_DAYS` days ago (the current terms and the next ones),
in the feed owner's college.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.courses.models import Course
from subgraphs.courses.schedules.models import CalendarFeed, Meeting
from subgraphs.courses.schedules.timetable import (
    Occurrence,
    OccurrenceStatus,
    Schedule,
    load_schedule,
    local_datetime,
    meeting_dates,
    occurrence,
)

__all__ = ["FEED_PAST_DAYS", "PRODID", "feed_calendar", "meeting_uid"]

FEED_PAST_DAYS = 90
PRODID = "-//LMS//Courses timetable//EN"
_REFRESH = timedelta(hours=6)


def meeting_uid(meeting: Meeting) -> str:
    """The stable ``UID`` of a meeting's event series."""
    return f"meeting-{meeting.id}@lms"


async def feed_calendar(
    session: AsyncSession, feed: CalendarFeed, *, today: date | None = None
) -> Calendar:
    """The calendar of ``feed``'s owner (five statements, whatever the number of sections)."""
    today = today or datetime.now(UTC).date()
    schedule = await load_schedule(
        session,
        user_id=feed.user_id,
        college_id=feed.college_id,
        start=today - timedelta(days=FEED_PAST_DAYS),
        end=None,
        whole_meetings=True,
    )
    course_ids = {section.course_id for section in schedule.sections.values()}
    courses = (
        {
            course.id: course
            for course in await session.scalars(select(Course).where(Course.id.in_(course_ids)))
        }
        if course_ids
        else {}
    )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Timetable")
    calendar.add("refresh-interval", _REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", _REFRESH)
    stamp = datetime.now(UTC)
    for meeting in schedule.meetings:
        for event in _series(schedule, meeting, courses, stamp):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def _series(
    schedule: Schedule, meeting: Meeting, courses: dict[str, Course], stamp: datetime
) -> list[Event]:
    """The meeting's recurring event, then one override per moved occurrence."""
    days = meeting_dates(meeting, meeting.first_date, meeting.last_date)
    if not days:
        return []
    zone = ZoneInfo(meeting.time_zone)
    section = schedule.sections[meeting.section_id]
    course = courses.get(section.course_id)
    summary = f"{course.code} {course.title}" if course is not None else "Class"
    summary = f"{summary} ({section.code})"
    occurrences = [occurrence(schedule, meeting, day) for day in days]
    series = _event(meeting, summary, stamp)
    series.add("dtstart", local_datetime(days[0], meeting.starts_at, zone))
    series.add("dtend", local_datetime(days[0], meeting.ends_at, zone))
    last_start = local_datetime(days[-1], meeting.starts_at, zone)
    series.add("rrule", {"freq": "weekly", "until": last_start.astimezone(UTC)})
    if meeting.room:
        series.add("location", meeting.room)
    cancelled = [
        _original_start(item, zone)
        for item in occurrences
        if item.status is OccurrenceStatus.CANCELLED
    ]
    if cancelled:
        series.add("exdate", cancelled)
    events = [series]
    for item in occurrences:
        if item.status is not OccurrenceStatus.MOVED:
            continue
        moved = _event(meeting, summary, stamp)
        moved.add("recurrence-id", _original_start(item, zone))
        moved.add("dtstart", item.starts_at)
        moved.add("dtend", item.ends_at)
        if item.room:
            moved.add("location", item.room)
        if item.reason:
            moved.add("description", f"Moved: {item.reason}")
        events.append(moved)
    return events


def _event(meeting: Meeting, summary: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("status", "CONFIRMED")
    if meeting.updated_at is not None:
        changed = meeting.updated_at
        if changed.tzinfo is None:  # SQLite hands back naive UTC
            changed = changed.replace(tzinfo=UTC)
        event.add("last-modified", changed.astimezone(UTC))
    return event


def _original_start(item: Occurrence, zone: ZoneInfo) -> datetime:
    """When the occurrence would have started: its ``RECURRENCE-ID`` / ``EXDATE`` value."""
    return local_datetime(item.on_date, item.meeting.starts_at, zone)

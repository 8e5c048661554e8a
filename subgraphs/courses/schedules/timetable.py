"""A person's timetable: the concrete occurrences of their sections' meetings.

For a date range (at most 366 days), the sections the person is a member of
in any role (student, teaching assistant, instructor; cancelled sections
left out) give their meetings, and each meeting's weekly rhythm gives the
occurrences in the range, with start and end as aware datetimes in the
meeting's time zone (so a 09:00 class stays at 09:00 local time across a
daylight-saving change; a local time that does not exist on a given day is
read as the same instant one hour later). A college holiday cancels an
occurrence (the reason is the holiday's name); otherwise an exception
cancels or moves it.

The whole schedule is read in four statements whatever the number of
sections: the memberships with their sections, the meetings, the
exceptions, and the holidays.

A timetable is readable by the person themself and by holders of
``enrollment:read``; either way only the reader's college's sections count,
so another college sees nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import AuthenticationError
from subgraphs.courses.models import Section, SectionMember, SectionStatus
from subgraphs.courses.schedules._rules import check_range
from subgraphs.courses.schedules.models import ExceptionKind, Holiday, Meeting, MeetingException

__all__ = [
    "Occurrence",
    "OccurrenceStatus",
    "Schedule",
    "expand",
    "load_schedule",
    "local_datetime",
    "meeting_dates",
    "occurrence",
    "timetable",
]

READ_OTHERS = "enrollment:read"


class OccurrenceStatus(StrEnum):
    SCHEDULED = "scheduled"
    MOVED = "moved"
    CANCELLED = "cancelled"


@dataclass(frozen=True, kw_only=True)
class Occurrence:
    """One class: a meeting of ``section`` on ``on_date``, as it actually takes place."""

    section: Section
    meeting: Meeting
    on_date: date
    starts_at: datetime
    ends_at: datetime
    room: str | None
    status: OccurrenceStatus
    reason: str | None = None
    exception: MeetingException | None = None


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """Everything needed to expand one person's meetings, each kind read in one statement."""

    sections: dict[str, Section] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)
    exceptions: dict[tuple[str, date], MeetingException] = field(default_factory=dict)
    """By meeting id and date."""
    holidays: dict[str, list[Holiday]] = field(default_factory=dict)
    """By college id."""

    def holiday_on(self, college_id: str, day: date) -> Holiday | None:
        for holiday in self.holidays.get(college_id, ()):
            if holiday.starts_on <= day <= holiday.ends_on:
                return holiday
        return None


def local_datetime(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``at`` on ``day`` in ``zone``, aware; a time in a spring-forward gap moves past it."""
    naive = datetime.combine(day, at.replace(tzinfo=None), tzinfo=zone)
    return naive.astimezone(UTC).astimezone(zone)


async def load_schedule(
    session: AsyncSession,
    *,
    user_id: str,
    college_id: str | None,
    start: date,
    end: date | None,
    whole_meetings: bool = False,
) -> Schedule:
    """The meetings of ``user_id``'s sections (of ``college_id``; ``None``: any college)
    running between ``start`` and ``end`` (``None``: no end), with their exceptions and
    the colleges' holidays in that span (``whole_meetings``: from the meetings' first
    dates on, for a feed that describes each meeting from its start). Four statements
    at most."""
    query = (
        select(Section)
        .join(SectionMember, SectionMember.section_id == Section.id)
        .where(SectionMember.user_id == user_id, Section.status != SectionStatus.CANCELLED)
    )
    if college_id is not None:
        query = query.where(Section.college_id == college_id)
    sections = {section.id: section for section in await session.scalars(query)}
    if not sections:
        return Schedule()
    meeting_query = select(Meeting).where(
        Meeting.section_id.in_(sections), Meeting.last_date >= start
    )
    if end is not None:
        meeting_query = meeting_query.where(Meeting.first_date <= end)
    meetings = list(await session.scalars(meeting_query.order_by(Meeting.id)))
    if not meetings:
        return Schedule(sections=sections)
    since = min(meeting.first_date for meeting in meetings) if whole_meetings else start
    exception_query = select(MeetingException).where(
        MeetingException.meeting_id.in_([meeting.id for meeting in meetings]),
        MeetingException.on_date >= since,
    )
    holiday_query = select(Holiday).where(
        Holiday.college_id.in_({section.college_id for section in sections.values()}),
        Holiday.ends_on >= since,
    )
    if end is not None:
        exception_query = exception_query.where(MeetingException.on_date <= end)
        holiday_query = holiday_query.where(Holiday.starts_on <= end)
    exceptions = {
        (exception.meeting_id, exception.on_date): exception
        for exception in await session.scalars(exception_query)
    }
    holidays: dict[str, list[Holiday]] = defaultdict(list)
    for holiday in await session.scalars(holiday_query.order_by(Holiday.starts_on)):
        holidays[holiday.college_id].append(holiday)
    return Schedule(
        sections=sections, meetings=meetings, exceptions=exceptions, holidays=dict(holidays)
    )


def meeting_dates(meeting: Meeting, start: date, end: date) -> list[date]:
    """The dates from ``start`` to ``end`` (inclusive) the meeting falls on."""
    first = max(start, meeting.first_date)
    last = min(end, meeting.last_date)
    day = first + timedelta(days=(meeting.weekday - first.isoweekday()) % 7)
    dates: list[date] = []
    while day <= last:
        dates.append(day)
        day += timedelta(days=7)
    return dates


def occurrence(schedule: Schedule, meeting: Meeting, day: date) -> Occurrence:
    """The meeting's occurrence on ``day`` (a date it falls on), with holidays and
    exceptions applied."""
    zone = ZoneInfo(meeting.time_zone)
    section = schedule.sections[meeting.section_id]
    starts_at, ends_at, room = meeting.starts_at, meeting.ends_at, meeting.room
    status, reason = OccurrenceStatus.SCHEDULED, None
    exception = schedule.exceptions.get((meeting.id, day))
    holiday = schedule.holiday_on(section.college_id, day)
    if holiday is not None:
        status, reason = OccurrenceStatus.CANCELLED, holiday.name
    elif exception is not None:
        reason = exception.reason or None
        if exception.kind is ExceptionKind.CANCELLED:
            status = OccurrenceStatus.CANCELLED
        else:
            status = OccurrenceStatus.MOVED
            starts_at = exception.starts_at or starts_at
            ends_at = exception.ends_at or ends_at
            room = exception.room or room
    return Occurrence(
        section=section,
        meeting=meeting,
        on_date=day,
        starts_at=local_datetime(day, starts_at, zone),
        ends_at=local_datetime(day, ends_at, zone),
        room=room,
        status=status,
        reason=reason,
        exception=exception,
    )


def expand(schedule: Schedule, start: date, end: date) -> list[Occurrence]:
    """Every occurrence of the schedule's meetings from ``start`` to ``end``, in time order."""
    found = [
        occurrence(schedule, meeting, day)
        for meeting in schedule.meetings
        for day in meeting_dates(meeting, start, end)
    ]
    found.sort(key=lambda item: (item.starts_at, item.section.code, item.meeting.id))
    return found


async def timetable(
    session: AsyncSession, *, actor: Principal, user_id: str, start: date, end: date
) -> list[Occurrence]:
    """``user_id``'s occurrences from ``start`` to ``end`` (inclusive, at most 366 days).

    Readable by the person themself and by holders of ``enrollment:read``;
    only the sections of the reader's college count (a super-admin's: all).
    """
    if not actor.is_authenticated:
        raise AuthenticationError()
    if user_id != actor.user_id:
        actor.require(READ_OTHERS)
    check_range(start, end)
    if actor.is_superuser:
        college_id = None
    elif actor.college_id is None:
        return []
    else:
        college_id = actor.college_id
    schedule = await load_schedule(
        session, user_id=user_id, college_id=college_id, start=start, end=end
    )
    return expand(schedule, start, end)

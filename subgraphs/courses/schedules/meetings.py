"""A section's weekly meetings: create, change, delete, list.

Changing meetings needs ``course:update`` as the section's teaching staff
(instructor or teaching assistant), or ``section:manage`` in the college
(see :func:`~subgraphs.courses.schedules._rules.require_section_staff`).

Rules:

* a meeting ends after it starts, on the same day (``INVALID_TIME_RANGE``);
* it runs within its section's term: ``first_date`` and ``last_date`` default
  to the term's dates and may only narrow them (``MEETING_OUTSIDE_TERM``);
* its time zone is an IANA name, by default the service's setting
  (``LMS_COURSES_TIME_ZONE``);
* two meetings of the college in the same room (compared case-insensitively)
  on the same weekday whose times and date ranges overlap are refused
  (``ROOM_CONFLICT``): a room holds one class at a time. Times are compared
  as wall-clock times, since one room is in one place. A meeting without a
  room never conflicts. A moved occurrence into the room counts too: a
  meeting is refused when, on one of its dates that is no college holiday
  and on which it is neither cancelled nor moved itself, another meeting's
  occurrence has been moved into its room at an overlapping time.
* a moved occurrence (:mod:`~subgraphs.courses.schedules.exceptions`) is
  refused the same way when its room is held at its time that day by another
  meeting (not cancelled or moved away that day, and the day no holiday) or
  by another occurrence moved there (:func:`check_occurrence_room_free`).
"""

from __future__ import annotations

from datetime import date, time
from typing import Any, NoReturn

from sqlalchemy import Exists, Select, SQLColumnExpression, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shared.auth.principal import Principal
from shared.errors import DomainError
from subgraphs.courses import events
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import Term
from subgraphs.courses.schedules._rules import (
    check_time_range,
    check_time_zone,
    check_weekday,
    normalize_room,
    staff_meeting,
    staff_section,
)
from subgraphs.courses.schedules.models import ExceptionKind, Holiday, Meeting, MeetingException

__all__ = [
    "check_occurrence_room_free",
    "create_meeting",
    "delete_meeting",
    "meets_on",
    "update_meeting",
]


def meets_on(meeting: Meeting, day: date) -> bool:
    """Whether ``meeting`` has an occurrence on ``day``."""
    return meeting.first_date <= day <= meeting.last_date and day.isoweekday() == meeting.weekday


async def create_meeting(
    session: AsyncSession,
    *,
    actor: Principal,
    section_id: str,
    weekday: int,
    starts_at: time,
    ends_at: time,
    room: str | None = None,
    time_zone: str | None = None,
    first_date: date | None = None,
    last_date: date | None = None,
    default_time_zone: str = "UTC",
    on_commit: events.OnCommit | None = None,
) -> Meeting:
    """A new weekly meeting of the section (see the module's rules)."""
    section = await staff_section(session, actor, section_id)
    weekday = check_weekday(weekday)
    check_time_range(starts_at, ends_at)
    zone = check_time_zone(time_zone if time_zone is not None else default_time_zone)
    room = normalize_room(room)
    term = await session.get(Term, section.term_id)
    assert term is not None  # a section's term is kept by its foreign key
    first = first_date if first_date is not None else term.starts_on
    last = last_date if last_date is not None else term.ends_on
    _check_dates(first, last, term)
    meeting = Meeting(
        college_id=section.college_id,
        section_id=section.id,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=zone,
        room=room,
        first_date=first,
        last_date=last,
    )
    await _check_room_free(session, meeting)
    session.add(meeting)
    await session.flush()
    await events.publish(
        session,
        type=events.MEETING_CREATED,
        tenant=section.college_id,
        subject=meeting.id,
        actor=actor,
        data=_describe(meeting),
        on_commit=on_commit,
    )
    return meeting


async def update_meeting(
    session: AsyncSession,
    *,
    actor: Principal,
    meeting_id: str,
    weekday: int | None = None,
    starts_at: time | None = None,
    ends_at: time | None = None,
    room: str | None = None,
    time_zone: str | None = None,
    first_date: date | None = None,
    last_date: date | None = None,
    on_commit: events.OnCommit | None = None,
) -> Meeting:
    """Change a meeting (``None``: unchanged; ``room=""`` clears the room).

    The result must follow the same rules as a new meeting. Exceptions on
    dates the meeting no longer falls on are deleted with the change. The
    event names the fields that changed; nothing changed, no event.
    """
    meeting, section = await staff_meeting(session, actor, meeting_id)
    wanted: dict[str, Any] = {}
    if weekday is not None:
        wanted["weekday"] = check_weekday(weekday)
    if starts_at is not None:
        wanted["starts_at"] = starts_at
    if ends_at is not None:
        wanted["ends_at"] = ends_at
    if room is not None:
        wanted["room"] = normalize_room(room)
    if time_zone is not None:
        wanted["time_zone"] = check_time_zone(time_zone)
    if first_date is not None:
        wanted["first_date"] = first_date
    if last_date is not None:
        wanted["last_date"] = last_date
    changed = sorted(name for name, value in wanted.items() if getattr(meeting, name) != value)
    if not changed:
        return meeting
    check_time_range(
        wanted.get("starts_at", meeting.starts_at), wanted.get("ends_at", meeting.ends_at)
    )
    term = await session.get(Term, section.term_id)
    assert term is not None
    _check_dates(
        wanted.get("first_date", meeting.first_date),
        wanted.get("last_date", meeting.last_date),
        term,
    )
    with session.no_autoflush:
        for name in changed:
            setattr(meeting, name, wanted[name])
        await _check_room_free(session, meeting)
    await session.flush()
    await _drop_stray_exceptions(session, meeting)
    await events.publish(
        session,
        type=events.MEETING_UPDATED,
        tenant=meeting.college_id,
        subject=meeting.id,
        actor=actor,
        data={"section_id": meeting.section_id, "changed": changed},
        on_commit=on_commit,
    )
    return meeting


async def delete_meeting(
    session: AsyncSession,
    *,
    actor: Principal,
    meeting_id: str,
    on_commit: events.OnCommit | None = None,
) -> Meeting:
    """Delete a meeting and its exceptions; returns the deleted row."""
    meeting, _section = await staff_meeting(session, actor, meeting_id)
    await session.execute(delete(MeetingException).where(MeetingException.meeting_id == meeting.id))
    await session.delete(meeting)
    await session.flush()
    await events.publish(
        session,
        type=events.MEETING_DELETED,
        tenant=meeting.college_id,
        subject=meeting.id,
        actor=actor,
        data={"section_id": meeting.section_id},
        on_commit=on_commit,
    )
    return meeting


def _check_dates(first: date, last: date, term: Term) -> None:
    if last < first:
        raise DomainError(
            CoursesErrorCode.INVALID_DATE_RANGE,
            "A meeting's last date is not before its first date.",
            "last_date",
        )
    if first < term.starts_on or last > term.ends_on:
        raise DomainError(
            CoursesErrorCode.MEETING_OUTSIDE_TERM,
            f"A meeting runs within its term ({term.starts_on} to {term.ends_on}).",
            "first_date" if first < term.starts_on else "last_date",
        )


async def _check_room_free(session: AsyncSession, meeting: Meeting) -> None:
    """``ROOM_CONFLICT`` when another meeting, or an occurrence moved into the room on one
    of the meeting's dates, holds the room at an overlapping time (one statement)."""
    if meeting.room is None:
        return
    room = meeting.room.lower()
    meeting_id = meeting.id or ""
    weekly = select(Meeting.id).where(
        Meeting.college_id == meeting.college_id,
        func.lower(Meeting.room) == room,
        Meeting.weekday == meeting.weekday,
        Meeting.starts_at < meeting.ends_at,
        Meeting.ends_at > meeting.starts_at,
        Meeting.first_date <= meeting.last_date,
        Meeting.last_date >= meeting.first_date,
        Meeting.id != meeting_id,
    )
    own = aliased(MeetingException)
    moved_in = _moved_into(meeting.college_id, room, meeting.starts_at, meeting.ends_at).where(
        Meeting.weekday == meeting.weekday,  # an exception is on a date its meeting falls on
        MeetingException.on_date.between(meeting.first_date, meeting.last_date),
        MeetingException.meeting_id != meeting_id,
        ~exists().where(own.meeting_id == meeting_id, own.on_date == MeetingException.on_date),
        ~_holiday_on(meeting.college_id, MeetingException.on_date),
    )
    if await session.scalar(select(or_(weekly.exists(), moved_in.exists()))):
        _room_taken(meeting.room)


async def check_occurrence_room_free(
    session: AsyncSession,
    *,
    meeting: Meeting,
    on_date: date,
    starts_at: time,
    ends_at: time,
    room: str | None,
) -> None:
    """``ROOM_CONFLICT`` when ``meeting``'s occurrence on ``on_date``, moved to ``starts_at``
    to ``ends_at`` in ``room``, would share the room with another meeting held that day
    (not cancelled or moved away, the day no holiday) or another occurrence moved there
    (one statement)."""
    if room is None:
        return
    moved = aliased(MeetingException)
    weekly = select(Meeting.id).where(
        Meeting.college_id == meeting.college_id,
        func.lower(Meeting.room) == room.lower(),
        Meeting.weekday == on_date.isoweekday(),
        Meeting.first_date <= on_date,
        Meeting.last_date >= on_date,
        Meeting.starts_at < ends_at,
        Meeting.ends_at > starts_at,
        Meeting.id != meeting.id,
        ~exists().where(moved.meeting_id == Meeting.id, moved.on_date == on_date),
        ~_holiday_on(meeting.college_id, on_date),
    )
    moved_in = _moved_into(meeting.college_id, room.lower(), starts_at, ends_at).where(
        MeetingException.on_date == on_date, MeetingException.meeting_id != meeting.id
    )
    if await session.scalar(select(or_(weekly.exists(), moved_in.exists()))):
        _room_taken(room)


def _moved_into(college_id: str, room: str, starts_at: time, ends_at: time) -> Select[Any]:
    """Occurrences of the college moved into ``room`` (lower case) at an overlapping time;
    a move without a room of its own keeps its meeting's (joined as ``Meeting``)."""
    return (
        select(MeetingException.id)
        .join(Meeting, Meeting.id == MeetingException.meeting_id)
        .where(
            MeetingException.college_id == college_id,
            MeetingException.kind == ExceptionKind.MOVED,
            func.lower(func.coalesce(MeetingException.room, Meeting.room)) == room,
            MeetingException.starts_at < ends_at,
            MeetingException.ends_at > starts_at,
        )
    )


def _holiday_on(college_id: str, day: date | SQLColumnExpression[date]) -> Exists:
    return exists().where(
        Holiday.college_id == college_id, Holiday.starts_on <= day, Holiday.ends_on >= day
    )


def _room_taken(room: str) -> NoReturn:
    raise DomainError(
        CoursesErrorCode.ROOM_CONFLICT,
        f"Room {room!r} is taken by another class at that time; choose another room or time.",
        "room",
    )


async def _drop_stray_exceptions(session: AsyncSession, meeting: Meeting) -> None:
    """Delete the meeting's exceptions on dates it no longer falls on."""
    exceptions = await session.scalars(
        select(MeetingException).where(MeetingException.meeting_id == meeting.id)
    )
    for exception in exceptions:
        if not meets_on(meeting, exception.on_date):
            await session.delete(exception)
    await session.flush()


def _describe(meeting: Meeting) -> dict[str, Any]:
    return {
        "section_id": meeting.section_id,
        "weekday": meeting.weekday,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "time_zone": meeting.time_zone,
        "room": meeting.room,
        "first_date": meeting.first_date.isoformat(),
        "last_date": meeting.last_date.isoformat(),
    }

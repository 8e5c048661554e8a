"""Exceptions to a meeting's weekly rhythm: one occurrence cancelled, or moved.

A moved occurrence stays on its day and takes another time, another room,
or both (times in the meeting's time zone; a new time needs both ends, and
ends after it starts). The date must be one the meeting falls on
(``NOT_A_MEETING_DATE``), and one date of a meeting has at most one
exception (``MEETING_EXCEPTION_EXISTS``; delete it to change it). A move
into a room held at that time that day, by another meeting taking place
(not cancelled or moved away, the day no college holiday) or by another
occurrence moved there, is refused (``ROOM_CONFLICT``, rooms compared
case-insensitively; a move that keeps the meeting's room is checked against
that room). Same permissions as changing the meeting itself.
"""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import AuthenticationError, DomainError
from subgraphs.courses import events, tenancy
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.schedules._rules import (
    check_time_range,
    normalize_reason,
    normalize_room,
    staff_meeting,
)
from subgraphs.courses.schedules.meetings import check_occurrence_room_free, meets_on
from subgraphs.courses.schedules.models import ExceptionKind, Meeting, MeetingException

__all__ = ["cancel_occurrence", "delete_exception", "move_occurrence"]


async def cancel_occurrence(
    session: AsyncSession,
    *,
    actor: Principal,
    meeting_id: str,
    on_date: date,
    reason: str = "",
    on_commit: events.OnCommit | None = None,
) -> MeetingException:
    """Cancel the meeting's occurrence on ``on_date``."""
    meeting, _section = await staff_meeting(session, actor, meeting_id)
    _check_date(meeting, on_date)
    return await _add(
        session,
        actor,
        meeting,
        MeetingException(
            college_id=meeting.college_id,
            meeting_id=meeting.id,
            on_date=on_date,
            kind=ExceptionKind.CANCELLED,
            reason=normalize_reason(reason),
            actor_id=actor.user_id,
        ),
        on_commit,
    )


async def move_occurrence(
    session: AsyncSession,
    *,
    actor: Principal,
    meeting_id: str,
    on_date: date,
    starts_at: time | None = None,
    ends_at: time | None = None,
    room: str | None = None,
    reason: str = "",
    on_commit: events.OnCommit | None = None,
) -> MeetingException:
    """Move the meeting's occurrence on ``on_date`` to another time and/or room that day."""
    meeting, _section = await staff_meeting(session, actor, meeting_id)
    _check_date(meeting, on_date)
    new_room = normalize_room(room)
    if (starts_at is None) != (ends_at is None):
        raise DomainError(
            CoursesErrorCode.INVALID_TIME_RANGE,
            "A moved occurrence gets both a new start and a new end, or neither.",
            "starts_at" if starts_at is None else "ends_at",
        )
    new_start = starts_at if starts_at is not None else meeting.starts_at
    new_end = ends_at if ends_at is not None else meeting.ends_at
    check_time_range(new_start, new_end)
    if (new_start, new_end) == (meeting.starts_at, meeting.ends_at) and new_room in (
        None,
        meeting.room,
    ):
        raise DomainError(
            CoursesErrorCode.NOTHING_MOVED,
            "Give the occurrence another time or another room.",
            "starts_at",
        )
    await check_occurrence_room_free(
        session,
        meeting=meeting,
        on_date=on_date,
        starts_at=new_start,
        ends_at=new_end,
        room=new_room if new_room is not None else meeting.room,
    )
    return await _add(
        session,
        actor,
        meeting,
        MeetingException(
            college_id=meeting.college_id,
            meeting_id=meeting.id,
            on_date=on_date,
            kind=ExceptionKind.MOVED,
            starts_at=new_start,
            ends_at=new_end,
            room=new_room,
            reason=normalize_reason(reason),
            actor_id=actor.user_id,
        ),
        on_commit,
    )


async def delete_exception(
    session: AsyncSession,
    *,
    actor: Principal,
    exception_id: str,
    on_commit: events.OnCommit | None = None,
) -> MeetingException:
    """Delete an exception: the occurrence takes place as usual again."""
    if not actor.is_authenticated:
        raise AuthenticationError()
    exception = tenancy.visible(
        actor, await session.get(MeetingException, exception_id), "meeting exception"
    )
    meeting, _section = await staff_meeting(session, actor, exception.meeting_id)
    await session.delete(exception)
    await session.flush()
    await events.publish(
        session,
        type=events.MEETING_EXCEPTION_DELETED,
        tenant=meeting.college_id,
        subject=meeting.id,
        actor=actor,
        data={
            "section_id": meeting.section_id,
            "exception_id": exception.id,
            "on_date": exception.on_date.isoformat(),
        },
        on_commit=on_commit,
    )
    return exception


def _check_date(meeting: Meeting, on_date: date) -> None:
    if not meets_on(meeting, on_date):
        raise DomainError(
            CoursesErrorCode.NOT_A_MEETING_DATE,
            "The meeting does not take place on that date.",
            "on_date",
        )


async def _add(
    session: AsyncSession,
    actor: Principal,
    meeting: Meeting,
    exception: MeetingException,
    on_commit: events.OnCommit | None,
) -> MeetingException:
    taken = await session.scalar(
        select(
            exists().where(
                MeetingException.meeting_id == meeting.id,
                MeetingException.on_date == exception.on_date,
            )
        )
    )
    if taken:
        raise DomainError(
            CoursesErrorCode.MEETING_EXCEPTION_EXISTS,
            "That occurrence is already cancelled or moved; delete that change first.",
            "on_date",
        )
    session.add(exception)
    await session.flush()
    await events.publish(
        session,
        type=events.MEETING_EXCEPTION_CREATED,
        tenant=meeting.college_id,
        subject=meeting.id,
        actor=actor,
        data={
            "section_id": meeting.section_id,
            "exception_id": exception.id,
            "on_date": exception.on_date.isoformat(),
            "kind": exception.kind.value,
            "starts_at": exception.starts_at.isoformat() if exception.starts_at else None,
            "ends_at": exception.ends_at.isoformat() if exception.ends_at else None,
            "room": exception.room,
            "reason": exception.reason,
        },
        on_commit=on_commit,
    )
    return exception

"""GraphQL types of schedules that need no catalogue type: meetings, their exceptions,
holidays, and ``Section.meetings``.

Kept apart from :mod:`subgraphs.courses.schema.schedules` (which returns
``Section``) so that ``types.Section`` can import :func:`section_meetings`
without an import cycle. Meetings and exceptions are read through loaders
(``MeetingsBySectionIdLoader``, ``ExceptionsByMeetingIdLoader``): a page of
sections costs one statement for all their meetings.
"""

from __future__ import annotations

from datetime import date, time
from enum import Enum
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from shared.auth.tenancy import can_see
from shared.graphql import require_principal, rows_grouped_by_column_loader, to_global_id
from subgraphs.courses.schedules import models
from subgraphs.courses.schema._api import api_of

__all__ = [
    "ExceptionKind",
    "Holiday",
    "Meeting",
    "MeetingException",
    "Weekday",
    "exceptions_by_meeting_id",
    "meetings_by_section_id",
    "section_meetings",
]


@strawberry.enum(description="A day of the week (ISO order: Monday first).")
class Weekday(Enum):
    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
    SUNDAY = 7


@strawberry.enum(description="What an exception does to one occurrence of a meeting.")
class ExceptionKind(Enum):
    CANCELLED = "cancelled"
    MOVED = "moved"


def meetings_by_section_id(info: Info[Any, Any]) -> DataLoader[str, list[models.Meeting]]:
    """``MeetingsBySectionIdLoader``: each section's meetings by weekday and start time."""
    database = api_of(info).database
    loader: DataLoader[str, list[models.Meeting]] = info.context.loaders.get(
        "MeetingsBySectionIdLoader",
        lambda: rows_grouped_by_column_loader(
            models.Meeting.section_id,
            sessions=database.session,
            order_by=(models.Meeting.weekday, models.Meeting.starts_at, models.Meeting.id),
        ),
    )
    return loader


def exceptions_by_meeting_id(
    info: Info[Any, Any],
) -> DataLoader[str, list[models.MeetingException]]:
    """``ExceptionsByMeetingIdLoader``: each meeting's exceptions by date."""
    database = api_of(info).database
    loader: DataLoader[str, list[models.MeetingException]] = info.context.loaders.get(
        "ExceptionsByMeetingIdLoader",
        lambda: rows_grouped_by_column_loader(
            models.MeetingException.meeting_id,
            sessions=database.session,
            order_by=(models.MeetingException.on_date,),
        ),
    )
    return loader


@strawberry.type(description="One occurrence of a meeting, cancelled or moved (same day).")
class MeetingException:
    id: strawberry.ID = strawberry.field(description='Global id (`"MeetingException"`).')
    date: date = strawberry.field(description="The date of the occurrence changed.")
    kind: ExceptionKind = strawberry.field(description="Cancelled or moved.")
    starts_at: time | None = strawberry.field(
        description="A moved occurrence's local start (the meeting's time zone)."
    )
    ends_at: time | None = strawberry.field(description="A moved occurrence's local end.")
    room: str | None = strawberry.field(
        description="A moved occurrence's room; null: the meeting's own."
    )
    reason: str = strawberry.field(description="Why, as given (may be empty).")

    @classmethod
    def from_model(cls, row: models.MeetingException) -> MeetingException:
        return cls(
            id=strawberry.ID(to_global_id("MeetingException", row.id)),
            date=row.on_date,
            kind=ExceptionKind(row.kind.value),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            room=row.room,
            reason=row.reason,
        )


@strawberry.type(
    description="A section's weekly slot: a weekday and local times in an IANA time zone, "
    "every week from `firstDate` to `lastDate`."
)
class Meeting:
    id: strawberry.ID = strawberry.field(description='Global id (`"Meeting"`).')
    weekday: Weekday = strawberry.field(description="The day of the week it meets.")
    starts_at: time = strawberry.field(description="Local start time, in `timeZone`.")
    ends_at: time = strawberry.field(description="Local end time, in `timeZone` (same day).")
    time_zone: str = strawberry.field(description="IANA time zone (`Asia/Kolkata`).")
    room: str | None = strawberry.field(description="Where it meets; null when not known.")
    first_date: date = strawberry.field(description="First date it may meet (within the term).")
    last_date: date = strawberry.field(description="Last date it may meet (within the term).")
    row_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, row: models.Meeting) -> Meeting:
        return cls(
            id=strawberry.ID(to_global_id("Meeting", row.id)),
            weekday=Weekday(row.weekday),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            time_zone=row.time_zone,
            room=row.room,
            first_date=row.first_date,
            last_date=row.last_date,
            row_id=row.id,
        )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Its cancelled and moved occurrences, by date."
    )
    async def exceptions(self, info: Info) -> list[MeetingException]:
        rows = await exceptions_by_meeting_id(info).load(self.row_id)
        return [MeetingException.from_model(row) for row in rows]


@strawberry.type(description="Days on which a college holds no class.")
class Holiday:
    id: strawberry.ID = strawberry.field(description='Global id (`"Holiday"`).')
    name: str = strawberry.field(description="What the days are (`Diwali break`).")
    starts_on: date = strawberry.field(description="First day.")
    ends_on: date = strawberry.field(description="Last day (the same as `startsOn` for one day).")

    @classmethod
    def from_model(cls, row: models.Holiday) -> Holiday:
        return cls(
            id=strawberry.ID(to_global_id("Holiday", row.id)),
            name=row.name,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
        )


async def section_meetings(root: Any, info: Info) -> list[Meeting]:
    """``Section.meetings``: the section's weekly meetings (``root`` is a ``Section``)."""
    principal = require_principal(info)
    if not can_see(principal, root.college_id):
        return []
    rows = await meetings_by_section_id(info).load(root.row_id)
    return [Meeting.from_model(row) for row in rows]

"""Timetables in GraphQL: ``User.timetable``, ``myTimetable`` and ``holidays``.

A timetable entry carries the section it belongs to, already loaded: the
section loader of the request is primed with it, and ``section { course
instructors }`` go through the batched loaders, so a timetable costs the
same few statements for 2 sections as for 20 (four for the schedule, one
per further loader used).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.graphql import (
    HasPermission,
    permission_field_description,
    require_principal,
)
from subgraphs.courses.schedules import holidays, timetable
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema.loaders import section_by_id
from subgraphs.courses.schema.schedules_types import Holiday, Meeting
from subgraphs.courses.schema.types import READ, Section

__all__ = ["OccurrenceStatus", "Query", "TimetableEntry", "UserTimetableFields"]


@strawberry.enum(description="What happens to one class of a timetable.")
class OccurrenceStatus(Enum):
    SCHEDULED = "scheduled"
    MOVED = "moved"
    CANCELLED = "cancelled"


@strawberry.type(description="One class of a person's timetable: a meeting on one date.")
class TimetableEntry:
    date: date = strawberry.field(description="The date of the class (in its time zone).")
    starts_at: datetime = strawberry.field(
        description="When it starts, with the offset of the meeting's time zone that day."
    )
    ends_at: datetime = strawberry.field(description="When it ends.")
    room: str | None = strawberry.field(description="Where (a moved class: its new room).")
    status: OccurrenceStatus = strawberry.field(description="Scheduled, moved or cancelled.")
    reason: str | None = strawberry.field(
        description="Why it is moved or cancelled (a holiday: its name); null when not given."
    )
    section: Section = strawberry.field(description="The section that meets.")
    meeting: Meeting = strawberry.field(description="The weekly meeting it is an occurrence of.")


FromArgument = Annotated[
    date, strawberry.argument(name="from", description="First date (inclusive).")
]
ToArgument = Annotated[
    date, strawberry.argument(description="Last date (inclusive); at most 366 days after `from`.")
]


async def _timetable(info: Info, user_id: str, start: date, end: date) -> list[TimetableEntry]:
    principal = require_principal(info)
    api = api_of(info)
    async with api.database.session() as session:
        found = await timetable.timetable(
            session, actor=principal, user_id=user_id, start=start, end=end
        )
    loader = section_by_id(info)
    sections: dict[str, Section] = {}
    meetings: dict[str, Meeting] = {}
    for item in found:
        if item.section.id not in sections:
            loader.prime(item.section.id, item.section)
            sections[item.section.id] = Section.from_model(item.section)
        if item.meeting.id not in meetings:
            meetings[item.meeting.id] = Meeting.from_model(item.meeting)
    return [
        TimetableEntry(
            date=item.on_date,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            room=item.room,
            status=OccurrenceStatus(item.status.value),
            reason=item.reason,
            section=sections[item.section.id],
            meeting=meetings[item.meeting.id],
        )
        for item in found
    ]


_TIMETABLE_RULES = (
    "Every class of the person's sections (any role; cancelled sections left out) from "
    "`from` to `to`, in time order, with holidays and exceptions applied. Only sections "
    "of the reader's college count. RANGE_TOO_LONG beyond 366 days, INVALID_DATE_RANGE "
    "when `to` is before `from`."
)


@strawberry.type
class UserTimetableFields:
    account_id: strawberry.Private[str]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=f"{_TIMETABLE_RULES} Readable by the person and by holders of "
        "`enrollment:read`; FORBIDDEN for others."
    )
    async def timetable(
        self, info: Info, from_: FromArgument, to: ToArgument
    ) -> list[TimetableEntry]:
        return await _timetable(info, self.account_id, from_, to)


@strawberry.type
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]
        description=f"The caller's own timetable. {_TIMETABLE_RULES}"
    )
    async def my_timetable(
        self, info: Info, from_: FromArgument, to: ToArgument
    ) -> list[TimetableEntry]:
        principal = require_principal(info)
        return await _timetable(info, principal.user_id or "", from_, to)

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(READ)],
        description=permission_field_description(
            "The college's holidays touching `from` to `to` (at most 366 days), by date.",
            READ,
        ),
    )
    async def holidays(self, info: Info, from_: FromArgument, to: ToArgument) -> list[Holiday]:
        principal = require_principal(info)
        async with api_of(info).database.session() as session:
            rows = await holidays.list_holidays(session, actor=principal, start=from_, end=to)
        return [Holiday.from_model(row) for row in rows]

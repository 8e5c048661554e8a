"""``meetingCreate``, ``meetingUpdate``, ``meetingDelete``: a section's weekly meetings."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, require_principal
from subgraphs.courses.schedules import meetings
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema._mutation import run
from subgraphs.courses.schema.schedules_types import Meeting, Weekday
from subgraphs.courses.schema.types import CoursesError, local_id

__all__ = [
    "MANAGERS",
    "MeetingCreateInput",
    "MeetingCreatePayload",
    "MeetingDeleteInput",
    "MeetingDeletePayload",
    "MeetingUpdateInput",
    "MeetingUpdatePayload",
    "Mutation",
]

MANAGERS = (
    "\n\nRequires permission `course:update` as an instructor or teaching assistant of the "
    "section, or `section:manage` in its college (FORBIDDEN otherwise; another college's "
    "section or meeting is NOT_FOUND)."
)


@strawberry.input(description="A new weekly meeting of a section.")
class MeetingCreateInput:
    section_id: strawberry.ID = strawberry.field(description="Global id of the `Section`.")
    weekday: Weekday = strawberry.field(description="The day of the week it meets.")
    starts_at: time = strawberry.field(description="Local start time.")
    ends_at: time = strawberry.field(description="Local end time, after the start (same day).")
    room: str | None = strawberry.field(default=None, description="Where (at most 100).")
    time_zone: str | None = strawberry.field(
        default=None,
        description="IANA time zone of the times; default: `LMS_COURSES_TIME_ZONE`.",
    )
    first_date: date | None = strawberry.field(
        default=None, description="First date; default and earliest: the term's first day."
    )
    last_date: date | None = strawberry.field(
        default=None, description="Last date; default and latest: the term's last day."
    )


@strawberry.input(description="Changes to a meeting; omitted fields stay as they are.")
class MeetingUpdateInput:
    id: strawberry.ID = strawberry.field(description="Global id of the `Meeting`.")
    weekday: Weekday | None = strawberry.field(default=None, description="New weekday.")
    starts_at: time | None = strawberry.field(default=None, description="New local start.")
    ends_at: time | None = strawberry.field(default=None, description="New local end.")
    room: str | None = strawberry.field(default=None, description='New room; `""` clears it.')
    time_zone: str | None = strawberry.field(default=None, description="New IANA time zone.")
    first_date: date | None = strawberry.field(default=None, description="New first date.")
    last_date: date | None = strawberry.field(default=None, description="New last date.")


@strawberry.input(description="The meeting to delete.")
class MeetingDeleteInput:
    id: strawberry.ID = strawberry.field(description="Global id of the `Meeting`.")


@strawberry.type(description="The new meeting.")
class MeetingCreatePayload:
    meeting: Meeting | None = strawberry.field(description="The meeting; null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="INVALID_TIME_RANGE, INVALID_WEEKDAY, INVALID_TIME_ZONE, INVALID_ROOM, "
        "INVALID_DATE_RANGE, MEETING_OUTSIDE_TERM, ROOM_CONFLICT; empty on success."
    )


@strawberry.type(description="The changed meeting.")
class MeetingUpdatePayload:
    meeting: Meeting | None = strawberry.field(description="The meeting; null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="The same codes as `meetingCreate`; empty on success."
    )


@strawberry.type(description="The deleted meeting's id.")
class MeetingDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="Global id of the deleted meeting; null on errors."
    )
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="Always empty today; kept for future rules."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Add a weekly meeting to a section, within its term; a room holds one "
        "class at a time (ROOM_CONFLICT). Emits `section.meeting_created`." + MANAGERS,
    )
    async def meeting_create(
        self,
        info: Info,
        input: Annotated[MeetingCreateInput, strawberry.argument(description="The meeting.")],
    ) -> MeetingCreatePayload:
        principal = require_principal(info)
        api = api_of(info)
        section_id = local_id(input.section_id, "Section", "sectionId")

        async def create(session: Any) -> Meeting:
            row = await meetings.create_meeting(
                session,
                actor=principal,
                section_id=section_id,
                weekday=input.weekday.value,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                room=input.room,
                time_zone=input.time_zone,
                first_date=input.first_date,
                last_date=input.last_date,
                default_time_zone=api.settings.time_zone,
                on_commit=api.notify_outbox,
            )
            return Meeting.from_model(row)

        return await run(MeetingCreatePayload, lambda: api.in_transaction(create))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Change a meeting; the result follows the rules of `meetingCreate`. "
        "Exceptions on dates it no longer meets are deleted. Emits "
        "`section.meeting_updated` when something changed." + MANAGERS,
    )
    async def meeting_update(
        self,
        info: Info,
        input: Annotated[MeetingUpdateInput, strawberry.argument(description="The changes.")],
    ) -> MeetingUpdatePayload:
        principal = require_principal(info)
        api = api_of(info)
        meeting_id = local_id(input.id, "Meeting", "id")

        async def update(session: Any) -> Meeting:
            row = await meetings.update_meeting(
                session,
                actor=principal,
                meeting_id=meeting_id,
                weekday=input.weekday.value if input.weekday is not None else None,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                room=input.room,
                time_zone=input.time_zone,
                first_date=input.first_date,
                last_date=input.last_date,
                on_commit=api.notify_outbox,
            )
            return Meeting.from_model(row)

        return await run(MeetingUpdatePayload, lambda: api.in_transaction(update))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Delete a meeting with its exceptions. Emits `section.meeting_deleted`."
        + MANAGERS,
    )
    async def meeting_delete(
        self,
        info: Info,
        input: Annotated[MeetingDeleteInput, strawberry.argument(description="The meeting.")],
    ) -> MeetingDeletePayload:
        principal = require_principal(info)
        api = api_of(info)
        meeting_id = local_id(input.id, "Meeting", "id")

        async def delete(session: Any) -> strawberry.ID:
            await meetings.delete_meeting(
                session, actor=principal, meeting_id=meeting_id, on_commit=api.notify_outbox
            )
            return input.id

        return await run(
            MeetingDeletePayload, lambda: api.in_transaction(delete), result_field="deleted_id"
        )

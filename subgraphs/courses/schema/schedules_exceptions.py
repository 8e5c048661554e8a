"""``meetingExceptionCreate``, ``meetingExceptionDelete``: one occurrence cancelled or moved."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, require_principal
from subgraphs.courses.schedules import exceptions
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema._mutation import run
from subgraphs.courses.schema.schedules_meetings import MANAGERS
from subgraphs.courses.schema.schedules_types import ExceptionKind, MeetingException
from subgraphs.courses.schema.types import CoursesError, local_id

__all__ = [
    "MeetingExceptionCreateInput",
    "MeetingExceptionCreatePayload",
    "MeetingExceptionDeleteInput",
    "MeetingExceptionDeletePayload",
    "Mutation",
]


@strawberry.input(description="Cancel one occurrence of a meeting, or move it the same day.")
class MeetingExceptionCreateInput:
    meeting_id: strawberry.ID = strawberry.field(description="Global id of the `Meeting`.")
    on_date: date = strawberry.field(description="A date the meeting falls on.")
    kind: ExceptionKind = strawberry.field(description="Cancel it, or move it.")
    starts_at: time | None = strawberry.field(
        default=None, description="MOVED: new local start (with `endsAt`); default: unchanged."
    )
    ends_at: time | None = strawberry.field(
        default=None, description="MOVED: new local end (with `startsAt`)."
    )
    room: str | None = strawberry.field(default=None, description="MOVED: new room.")
    reason: str = strawberry.field(default="", description="Why (at most 200 characters).")


@strawberry.input(description="The exception to delete.")
class MeetingExceptionDeleteInput:
    id: strawberry.ID = strawberry.field(description="Global id of the `MeetingException`.")


@strawberry.type(description="The new exception.")
class MeetingExceptionCreatePayload:
    exception: MeetingException | None = strawberry.field(
        description="The exception; null on errors."
    )
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="NOT_A_MEETING_DATE, MEETING_EXCEPTION_EXISTS, INVALID_TIME_RANGE, "
        "NOTHING_MOVED, INVALID_ROOM, INVALID_REASON; empty on success."
    )


@strawberry.type(description="The deleted exception's id.")
class MeetingExceptionDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="Global id of the deleted exception; null on errors."
    )
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="Always empty today; kept for future rules."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Cancel one occurrence of a meeting, or move it to another time or room "
        "the same day. Emits `section.meeting_exception_created`." + MANAGERS,
    )
    async def meeting_exception_create(
        self,
        info: Info,
        input: Annotated[
            MeetingExceptionCreateInput, strawberry.argument(description="The exception.")
        ],
    ) -> MeetingExceptionCreatePayload:
        principal = require_principal(info)
        api = api_of(info)
        meeting_id = local_id(input.meeting_id, "Meeting", "meetingId")

        async def create(session: Any) -> MeetingException:
            if input.kind is ExceptionKind.CANCELLED:
                row = await exceptions.cancel_occurrence(
                    session,
                    actor=principal,
                    meeting_id=meeting_id,
                    on_date=input.on_date,
                    reason=input.reason,
                    on_commit=api.notify_outbox,
                )
            else:
                row = await exceptions.move_occurrence(
                    session,
                    actor=principal,
                    meeting_id=meeting_id,
                    on_date=input.on_date,
                    starts_at=input.starts_at,
                    ends_at=input.ends_at,
                    room=input.room,
                    reason=input.reason,
                    on_commit=api.notify_outbox,
                )
            return MeetingException.from_model(row)

        return await run(MeetingExceptionCreatePayload, lambda: api.in_transaction(create))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Delete an exception: the occurrence takes place as usual again. Emits "
        "`section.meeting_exception_deleted`." + MANAGERS,
    )
    async def meeting_exception_delete(
        self,
        info: Info,
        input: Annotated[
            MeetingExceptionDeleteInput, strawberry.argument(description="The exception.")
        ],
    ) -> MeetingExceptionDeletePayload:
        principal = require_principal(info)
        api = api_of(info)
        exception_id = local_id(input.id, "MeetingException", "id")

        async def delete(session: Any) -> strawberry.ID:
            await exceptions.delete_exception(
                session, actor=principal, exception_id=exception_id, on_commit=api.notify_outbox
            )
            return input.id

        return await run(
            MeetingExceptionDeletePayload,
            lambda: api.in_transaction(delete),
            result_field="deleted_id",
        )

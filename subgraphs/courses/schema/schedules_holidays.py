"""``holidayCreate``, ``holidayDelete``: days on which the college holds no class."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import HasPermission, permission_field_description, require_principal
from subgraphs.courses.schedules import holidays
from subgraphs.courses.schedules._rules import SECTION_MANAGE
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema._mutation import run
from subgraphs.courses.schema.schedules_types import Holiday
from subgraphs.courses.schema.types import COLLEGE_ID, CoursesError, local_id, named_college

__all__ = [
    "HolidayCreateInput",
    "HolidayCreatePayload",
    "HolidayDeleteInput",
    "HolidayDeletePayload",
    "Mutation",
]


@strawberry.input(description="A holiday of the caller's college.")
class HolidayCreateInput:
    name: str = strawberry.field(description="What the days are (1 to 200 characters).")
    starts_on: date = strawberry.field(description="First day.")
    ends_on: date | None = strawberry.field(
        default=None, description="Last day; default: `startsOn` (one day)."
    )
    college_id: strawberry.ID | None = strawberry.field(default=None, description=COLLEGE_ID)


@strawberry.input(description="The holiday to delete.")
class HolidayDeleteInput:
    id: strawberry.ID = strawberry.field(description="Global id of the `Holiday`.")


@strawberry.type(description="The new holiday.")
class HolidayCreatePayload:
    holiday: Holiday | None = strawberry.field(description="The holiday; null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="INVALID_NAME, INVALID_DATE_RANGE; empty on success."
    )


@strawberry.type(description="The deleted holiday's id.")
class HolidayDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="Global id of the deleted holiday; null on errors."
    )
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="Always empty today; kept for future rules."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(SECTION_MANAGE)],
        description=permission_field_description(
            "Add a holiday: every meeting of the college is cancelled on its days. Emits "
            "`course.holiday_created`.",
            SECTION_MANAGE,
        ),
    )
    async def holiday_create(
        self,
        info: Info,
        input: Annotated[HolidayCreateInput, strawberry.argument(description="The holiday.")],
    ) -> HolidayCreatePayload:
        principal = require_principal(info)
        api = api_of(info)

        async def create(session: Any) -> Holiday:
            row = await holidays.create_holiday(
                session,
                actor=principal,
                name=input.name,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                college_id=named_college(input.college_id),
                on_commit=api.notify_outbox,
            )
            return Holiday.from_model(row)

        return await run(HolidayCreatePayload, lambda: api.in_transaction(create))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(SECTION_MANAGE)],
        description=permission_field_description(
            "Remove a holiday of the college (another college's is NOT_FOUND). Emits "
            "`course.holiday_deleted`.",
            SECTION_MANAGE,
        ),
    )
    async def holiday_delete(
        self,
        info: Info,
        input: Annotated[HolidayDeleteInput, strawberry.argument(description="The holiday.")],
    ) -> HolidayDeletePayload:
        principal = require_principal(info)
        api = api_of(info)
        holiday_id = local_id(input.id, "Holiday", "id")

        async def delete(session: Any) -> strawberry.ID:
            await holidays.delete_holiday(
                session, actor=principal, holiday_id=holiday_id, on_commit=api.notify_outbox
            )
            return input.id

        return await run(
            HolidayDeletePayload, lambda: api.in_transaction(delete), result_field="deleted_id"
        )

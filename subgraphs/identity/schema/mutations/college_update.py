"""``collegeUpdate``: change a college's name, slug, settings or status."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, from_global_id, require_principal
from subgraphs.identity import colleges, models
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema.mutations.college_create import CollegeSettingsInput
from subgraphs.identity.schema.types import College, CollegeStatus, IdentityError

__all__ = ["CollegeUpdateInput", "CollegeUpdatePayload", "Mutation"]


@strawberry.input(description="What to change in a college; fields left out stay as they are.")
class CollegeUpdateInput:
    id: strawberry.ID = strawberry.field(description="Global id of the college.")
    name: str | None = strawberry.field(default=None, description="New name (`college:update`).")
    slug: str | None = strawberry.field(
        default=None, description="New slug, unique on the platform (`college:update`)."
    )
    settings: CollegeSettingsInput | None = strawberry.field(
        default=None,
        description="Settings to change, merged into the current ones (`college:update`).",
    )
    status: CollegeStatus | None = strawberry.field(
        default=None,
        description="Suspend or reactivate the college (`college:suspend`, super-admins).",
    )


@strawberry.type(description="The college as changed.")
class CollegeUpdatePayload:
    college: College | None = strawberry.field(description="The college; null on errors.")
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix in the input; empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Change a college. Requires permission `college:update` in that college "
        "for name, slug and settings, and `college:suspend` (platform super-admins) for the "
        "status. Emits `college.updated` when something changed.",
    )
    async def college_update(
        self,
        info: Info,
        input: Annotated[CollegeUpdateInput, strawberry.argument(description="The changes.")],
    ) -> CollegeUpdatePayload:
        principal = require_principal(info)
        api = api_of(info)
        college_id = from_global_id(input.id, expected_type="College", field="id")

        async def change(session: Any) -> College:
            row = await colleges.update_college(
                session,
                actor=principal,
                college_id=college_id,
                name=input.name,
                slug=input.slug,
                settings=input.settings.to_domain() if input.settings else None,
                status=models.CollegeStatus(input.status.value) if input.status else None,
                on_commit=api.notify_outbox,
            )
            return College.from_model(row)

        return await run(CollegeUpdatePayload, lambda: api.in_transaction(change))

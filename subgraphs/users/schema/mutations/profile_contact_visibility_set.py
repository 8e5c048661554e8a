"""``profileContactVisibilitySet``: who sees each contact detail of a profile."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, require_principal
from subgraphs.users import profiles
from subgraphs.users.models import Visibility
from subgraphs.users.schema._api import api_of
from subgraphs.users.schema._mutation import run
from subgraphs.users.schema.types import Profile, UsersError, user_id_of

__all__ = [
    "Mutation",
    "ProfileContactVisibilitySetInput",
    "ProfileContactVisibilitySetPayload",
]


@strawberry.input(description="The visibilities to change; null or left out: unchanged.")
class ProfileContactVisibilitySetInput:
    user_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of the `User`; default: the caller. Someone else's needs "
        "`profile:update` in the same college.",
    )
    phone: Visibility | None = strawberry.field(default=None, description="For the phone.")
    office: Visibility | None = strawberry.field(default=None, description="For the office.")
    pronouns: Visibility | None = strawberry.field(default=None, description="For the pronouns.")
    website: Visibility | None = strawberry.field(default=None, description="For the website.")

    def changes(self) -> dict[str, Any]:
        return {
            f"{name}_visibility": value
            for name in ("phone", "office", "pronouns", "website")
            if (value := getattr(self, name)) is not None
        }


@strawberry.type(description="The profile with its new visibilities, or why nothing changed.")
class ProfileContactVisibilitySetPayload:
    profile: Profile | None = strawberry.field(description="Null on errors.")
    errors: list[UsersError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix; nothing was changed when there are any."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Set who sees each contact detail (COLLEGE, STAFF or PRIVATE): one's "
        "own profile, or with `profile:update` one of one's college. Writes "
        "`profile.updated` when something changed.",
    )
    async def profile_contact_visibility_set(
        self,
        info: Info,
        input: Annotated[
            ProfileContactVisibilitySetInput, strawberry.argument(description="The changes.")
        ],
    ) -> ProfileContactVisibilitySetPayload:
        principal = require_principal(info)
        api = api_of(info)
        user_id = user_id_of(input.user_id, info)
        changes = input.changes()

        async def update() -> Profile:
            async with api.database.transaction() as session:
                view = await profiles.update_profile(
                    session,
                    actor=principal,
                    user_id=user_id,
                    on_commit=api.notify_outbox,
                    **changes,
                )
            return Profile.from_view(view)

        return await run(ProfileContactVisibilitySetPayload, update)

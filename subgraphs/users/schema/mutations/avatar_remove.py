"""``avatarRemove``: go back to no profile picture."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, require_principal
from subgraphs.users import avatars
from subgraphs.users.schema._api import api_of
from subgraphs.users.schema._mutation import run
from subgraphs.users.schema.types import Profile, UsersError, user_id_of

__all__ = ["AvatarRemoveInput", "AvatarRemovePayload", "Mutation"]


@strawberry.input(description="Whose picture to remove.")
class AvatarRemoveInput:
    user_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of the `User`; default: the caller. Someone else's needs "
        "`profile:update` in the same college.",
    )


@strawberry.type(description="The profile without its picture.")
class AvatarRemovePayload:
    profile: Profile | None = strawberry.field(description="Null on errors.")
    errors: list[UsersError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Remove a profile picture (one's own, or with `profile:update` one of "
        "one's college); the image is deleted. Writes `profile.updated` if there was one.",
    )
    async def avatar_remove(
        self,
        info: Info,
        input: Annotated[AvatarRemoveInput, strawberry.argument(description="Whose.")],
    ) -> AvatarRemovePayload:
        principal = require_principal(info)
        api = api_of(info)
        user_id = user_id_of(input.user_id, info)

        async def remove() -> Profile:
            view = await avatars.remove_avatar(
                api.database,
                actor=principal,
                store=api.store,
                user_id=user_id,
                on_commit=api.notify_outbox,
            )
            return Profile.from_view(view)

        return await run(AvatarRemovePayload, remove)

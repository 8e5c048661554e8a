"""``avatarConfirm``: check the uploaded image and make it the profile picture."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, require_principal
from subgraphs.users import avatars
from subgraphs.users.schema._api import api_of
from subgraphs.users.schema._mutation import run
from subgraphs.users.schema.types import Profile, UsersError, user_id_of

__all__ = ["AvatarConfirmInput", "AvatarConfirmPayload", "Mutation"]


@strawberry.input(description="The upload to use.")
class AvatarConfirmInput:
    object_key: str = strawberry.field(description="`objectKey` of `avatarUploadCreate`.")
    user_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of the `User`, as given to `avatarUploadCreate`; default: the "
        "caller.",
    )


@strawberry.type(description="The profile with its new picture, or why it was refused.")
class AvatarConfirmPayload:
    profile: Profile | None = strawberry.field(description="Null on errors.")
    errors: list[UsersError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (AVATAR_NOT_UPLOADED, AVATAR_TOO_LARGE, AVATAR_NOT_AN_IMAGE, "
        "AVATAR_TOO_MANY_PIXELS, AVATAR_UNREADABLE, INVALID_AVATAR_KEY); the previous "
        "picture stays when there are any."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Read the uploaded image back, check its size and its real type (PNG, "
        "JPEG or WebP, judged by its bytes), crop it to a square of at most "
        "`LMS_USERS_AVATAR_SIZE` pixels (512 by default), store it and make it the profile "
        "picture; the upload and the previous picture are deleted. Writes `profile.updated`.",
    )
    async def avatar_confirm(
        self,
        info: Info,
        input: Annotated[AvatarConfirmInput, strawberry.argument(description="The upload.")],
    ) -> AvatarConfirmPayload:
        principal = require_principal(info)
        api = api_of(info)
        user_id = user_id_of(input.user_id, info)

        async def confirm() -> Profile:
            view = await avatars.confirm_avatar(
                api.database,
                actor=principal,
                store=api.store,
                settings=api.settings,
                user_id=user_id,
                object_key=input.object_key,
                on_commit=api.notify_outbox,
            )
            return Profile.from_view(view)

        return await run(AvatarConfirmPayload, confirm)

"""``avatarUploadCreate``: where to upload a new profile picture."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, require_principal
from shared.graphql.uploads import UploadTarget
from subgraphs.users import avatars
from subgraphs.users.schema._api import api_of
from subgraphs.users.schema._mutation import run
from subgraphs.users.schema.types import UsersError, user_id_of

__all__ = [
    "AvatarUploadCreateInput",
    "AvatarUploadCreatePayload",
    "Mutation",
]


@strawberry.input(description="The image the caller is about to upload.")
class AvatarUploadCreateInput:
    content_type: str = strawberry.field(
        description="`image/png`, `image/jpeg` or `image/webp` (AVATAR_TYPE_NOT_ALLOWED)."
    )
    size_bytes: int = strawberry.field(
        description="Size of the file in bytes; above `LMS_USERS_AVATAR_MAX_BYTES` (5 MiB by "
        "default) is AVATAR_TOO_LARGE."
    )
    user_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of the `User`; default: the caller. Someone else's needs "
        "`profile:update` in the same college.",
    )


@strawberry.type(description="The upload target, or why there is none.")
class AvatarUploadCreatePayload:
    upload: UploadTarget | None = strawberry.field(description="Null on errors.")
    errors: list[UsersError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (AVATAR_TYPE_NOT_ALLOWED, AVATAR_TOO_LARGE, "
        "AVATAR_NOT_AN_IMAGE for an empty file)."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="A signed upload target for a new profile picture of one's own, or with "
        "`profile:update` of someone of one's college. Nothing changes until `avatarConfirm`.",
    )
    async def avatar_upload_create(
        self,
        info: Info,
        input: Annotated[AvatarUploadCreateInput, strawberry.argument(description="The file.")],
    ) -> AvatarUploadCreatePayload:
        principal = require_principal(info)
        api = api_of(info)
        user_id = user_id_of(input.user_id, info)

        async def create() -> UploadTarget:
            upload = await avatars.create_avatar_upload(
                api.database,
                actor=principal,
                store=api.store,
                settings=api.settings,
                user_id=user_id,
                content_type=input.content_type,
                size_bytes=input.size_bytes,
            )
            return UploadTarget.of(upload.object_key, upload.ticket)

        return await run(AvatarUploadCreatePayload, create)

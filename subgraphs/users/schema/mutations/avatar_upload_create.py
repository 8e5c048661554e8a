"""``avatarUploadCreate``: where to upload a new profile picture."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, require_principal
from subgraphs.users import avatars
from subgraphs.users.schema._api import api_of
from subgraphs.users.schema._mutation import run
from subgraphs.users.schema.types import UsersError, user_id_of

__all__ = [
    "AvatarUpload",
    "AvatarUploadCreateInput",
    "AvatarUploadCreatePayload",
    "AvatarUploadEntry",
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


@strawberry.type(description="A name and value to send with an upload (form field or header).")
class AvatarUploadEntry:
    name: str = strawberry.field(description="Name of the form field or header.")
    value: str = strawberry.field(description="Its value, sent as it is.")


@strawberry.type(
    description="How to upload the image without going through the API. `method` PUT: send "
    "the file's bytes as the body to `url` with every `headers` entry. `method` POST: send "
    "a `multipart/form-data` form to `url` with every `fields` entry, then the file in a "
    "part named `file`. Then call `avatarConfirm` with `objectKey`."
)
class AvatarUpload:
    object_key: str = strawberry.field(description="Pass it to `avatarConfirm`.")
    url: str = strawberry.field(description="Where to send the file.")
    method: str = strawberry.field(description="PUT (local store) or POST (S3 presigned form).")
    headers: list[AvatarUploadEntry] = strawberry.field(description="Headers to send (PUT).")
    fields: list[AvatarUploadEntry] = strawberry.field(description="Form fields to send (POST).")
    content_type: str = strawberry.field(description="The content type to upload as.")
    max_bytes: int = strawberry.field(description="The largest file the target accepts.")
    expires_at: datetime = strawberry.field(description="When the target stops accepting it.")


@strawberry.type(description="The upload target, or why there is none.")
class AvatarUploadCreatePayload:
    upload: AvatarUpload | None = strawberry.field(description="Null on errors.")
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

        async def create() -> AvatarUpload:
            upload = await avatars.create_avatar_upload(
                api.database,
                actor=principal,
                store=api.store,
                settings=api.settings,
                user_id=user_id,
                content_type=input.content_type,
                size_bytes=input.size_bytes,
            )
            ticket = upload.ticket
            return AvatarUpload(
                object_key=upload.object_key,
                url=ticket.url,
                method=ticket.method,
                headers=[AvatarUploadEntry(name=k, value=v) for k, v in ticket.headers.items()],
                fields=[AvatarUploadEntry(name=k, value=v) for k, v in ticket.fields.items()],
                content_type=ticket.content_type,
                max_bytes=ticket.max_bytes,
                expires_at=ticket.expires_at,
            )

        return await run(AvatarUploadCreatePayload, create)

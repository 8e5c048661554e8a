"""``userImportUploadCreate``: where to upload a CSV file of staff or students."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.errors import DomainError
from shared.graphql import (
    HasPermission,
    from_global_id,
    permission_field_description,
    require_principal,
)
from shared.graphql.uploads import UploadEntry, ticket_fields
from subgraphs.identity import csv_import
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema.imports import IMPORT_PERMISSION, BulkUserKind, platform_of
from subgraphs.identity.schema.types import IdentityError

__all__ = [
    "MAX_FILE_NAME_LENGTH",
    "Mutation",
    "UserImportUpload",
    "UserImportUploadCreateInput",
    "UserImportUploadCreatePayload",
]

MAX_FILE_NAME_LENGTH = 255


@strawberry.input(description="The CSV file the caller is about to upload.")
class UserImportUploadCreateInput:
    kind: BulkUserKind = strawberry.field(
        description="STAFF or STUDENT: the kind of the people in the file; pass the same "
        "to `userImportStart`."
    )
    file_name: str = strawberry.field(
        description=f"Name of the file on the caller's side (1 to {MAX_FILE_NAME_LENGTH} "
        "characters), echoed in the upload; the stored key is generated."
    )
    size_bytes: int = strawberry.field(
        description="Size of the file in bytes; above `LMS_IDENTITY_IMPORT_MAX_BYTES` "
        "(10 MiB by default) is IMPORT_FILE_TOO_LARGE."
    )
    college_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of another college: platform super-admins only; "
        "default: the caller's college.",
    )


@strawberry.type(
    description="How to upload the CSV file without going through the API. `method` PUT: "
    "send the file's bytes as the body to `url` with every `headers` entry. `method` "
    "POST: send a `multipart/form-data` form to `url` with every `fields` entry, then "
    "the file in a part named `file`."
)
class UserImportUpload:
    object_key: str = strawberry.field(
        description="Where the file will be stored; pass it to `userImportStart`."
    )
    url: str = strawberry.field(description="Where to send the file.")
    method: str = strawberry.field(description="PUT (local store) or POST (S3 presigned form).")
    headers: list[UploadEntry] = strawberry.field(description="Headers to send (PUT).")
    fields: list[UploadEntry] = strawberry.field(description="Form fields to send (POST).")
    content_type: str = strawberry.field(description="The content type to upload as: text/csv.")
    max_bytes: int = strawberry.field(description="The largest file the target accepts.")
    expires_at: datetime = strawberry.field(description="When the target stops accepting it.")
    kind: BulkUserKind = strawberry.field(description="The kind given, for `userImportStart`.")
    file_name: str = strawberry.field(description="The file name given.")


@strawberry.type(description="The upload target, or why there is none.")
class UserImportUploadCreatePayload:
    upload: UserImportUpload | None = strawberry.field(description="Null on errors.")
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (IMPORT_FILE_TOO_LARGE, REQUIRED_FIELD)."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(IMPORT_PERMISSION)],
        description=permission_field_description(
            "A signed upload target for one CSV file of staff or students (columns "
            "`email,display_name,roles,department_id`, UTF-8). Upload the file to it, then "
            "call `userImportStart` with its `objectKey`.",
            IMPORT_PERMISSION,
        ),
    )
    async def user_import_upload_create(
        self,
        info: Info,
        input: Annotated[UserImportUploadCreateInput, strawberry.argument(description="The file.")],
    ) -> UserImportUploadCreatePayload:
        principal = require_principal(info)
        api = api_of(info)
        store = platform_of(info).storage
        college_id = (
            from_global_id(input.college_id, expected_type="College", field="collegeId")
            if input.college_id is not None
            else None
        )

        async def create() -> UserImportUpload:
            file_name = input.file_name.strip()
            if not file_name or len(file_name) > MAX_FILE_NAME_LENGTH:
                raise DomainError(
                    IdentityErrorCode.REQUIRED_FIELD,
                    f"A file name of 1 to {MAX_FILE_NAME_LENGTH} characters is required.",
                    "file_name",
                )
            limit = api.settings.import_max_bytes
            if input.size_bytes > limit:
                raise DomainError(
                    IdentityErrorCode.IMPORT_FILE_TOO_LARGE,
                    f"The file has {input.size_bytes} bytes; at most {limit} are accepted.",
                    "size_bytes",
                )
            upload = await csv_import.create_import_upload(
                actor=principal, store=store, settings=api.settings, college_id=college_id
            )
            ticket = upload.ticket
            return UserImportUpload(
                object_key=upload.object_key,
                kind=input.kind,
                file_name=file_name,
                **ticket_fields(ticket),
            )

        return await run(UserImportUploadCreatePayload, create)

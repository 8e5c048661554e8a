"""``userImportStart``: start importing an uploaded CSV file; a worker runs it."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import (
    HasPermission,
    JobState,
    from_global_id,
    permission_field_description,
    require_principal,
)
from subgraphs.identity import csv_import, models
from subgraphs.identity.import_worker import wake_workers
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema.imports import (
    IMPORT_PERMISSION,
    BulkUserKind,
    UserImportJob,
    platform_of,
)
from subgraphs.identity.schema.types import IdentityError

__all__ = ["Mutation", "UserImportStartInput", "UserImportStartPayload"]


@strawberry.input(description="The uploaded file to import.")
class UserImportStartInput:
    kind: BulkUserKind = strawberry.field(description="STAFF or STUDENT: every row's kind.")
    object_key: str = strawberry.field(
        description="The `objectKey` of the upload from `userImportUploadCreate`."
    )
    college_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of another college: platform super-admins only; "
        "default: the caller's college.",
    )


@strawberry.type(description="The import job, or why it did not start.")
class UserImportStartPayload:
    job: UserImportJob | None = strawberry.field(
        description="The job, PENDING until a worker takes it (usually at once); null on "
        "errors. Starting the same file again returns the same job."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (IMPORT_FILE_NOT_FOUND: upload first; "
        "IMPORT_FILE_TOO_LARGE; COLLEGE_SUSPENDED)."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(IMPORT_PERMISSION)],
        description=permission_field_description(
            "Import the uploaded CSV file: a background worker creates its valid rows as "
            "INVITED accounts (emailing their invitations) and reports the refused ones in "
            "the job's error report. Follow it with `userImportJob(id)` or the "
            "`user-import:<job id>` channel.",
            IMPORT_PERMISSION,
        ),
    )
    async def user_import_start(
        self,
        info: Info,
        input: Annotated[UserImportStartInput, strawberry.argument(description="The file.")],
    ) -> UserImportStartPayload:
        principal = require_principal(info)
        api = api_of(info)
        platform = platform_of(info)
        college_id = (
            from_global_id(input.college_id, expected_type="College", field="collegeId")
            if input.college_id is not None
            else None
        )

        async def start(session: Any) -> UserImportJob:
            job = await csv_import.start_import(
                session,
                actor=principal,
                store=platform.storage,
                settings=api.settings,
                object_key=input.object_key,
                kind=models.ImportKind(input.kind.value),
                college_id=college_id,
            )
            return UserImportJob.from_model(job)

        async def start_and_wake() -> UserImportJob:
            job = await api.in_transaction(start)
            if job.state is JobState.PENDING:  # a finished job's second start wakes no one
                await wake_workers(platform.pubsub, from_global_id(job.id))
            return job

        return await run(UserImportStartPayload, start_and_wake)

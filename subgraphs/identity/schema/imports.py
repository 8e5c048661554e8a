"""Bulk onboarding and CSV imports in the API: their types and the import-job queries.

``userImportJob(id)`` and ``userImportJobs(first, after)`` read the jobs of
the caller's college (``user:import``); another college's job is
``NOT_FOUND``. The mutations live in ``mutations/users_onboard.py``,
``mutations/user_import_upload_create.py`` and
``mutations/user_import_start.py``; the worker that runs the jobs, and the
progress it publishes on ``user-import:<job id>``, in
:mod:`subgraphs.identity.import_worker`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from strawberry.types import Info

# first: ``types`` makes IdentityErrorCode the GraphQL enum this error type shares
import subgraphs.identity.schema.types  # noqa: F401
from shared.graphql import (
    AfterCursor,
    Connection,
    HasPermission,
    JobState,
    PageSize,
    Progress,
    from_global_id,
    paginate,
    permission_field_description,
    require_principal,
    to_global_id,
    user_error_type,
)
from shared.runtime import Platform
from shared.service import Service
from shared.storage import ObjectStore
from subgraphs.identity import csv_import, models, tenancy
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.import_worker import JOB_TYPE, to_progress
from subgraphs.identity.schema._api import api_of

__all__ = [
    "IMPORT_PERMISSION",
    "BulkUserKind",
    "IdentityRowError",
    "Query",
    "UserImportJob",
    "platform_of",
]

IMPORT_PERMISSION = "user:import"

IdentityRowError = user_error_type(
    "IdentityRowError",
    IdentityErrorCode,
    description="A problem with one row of a bulk input: `index` is the row's position "
    "(from 0) in the input list; null when the problem is not about one row.",
    indexed=True,
)


@strawberry.enum(description="The kind of the accounts a bulk onboarding or an import creates.")
class BulkUserKind(Enum):
    STAFF = "staff"
    STUDENT = "student"


def platform_of(info: Info[Any, Any]) -> Platform:
    """The platform the identity service runs on (its object store and pub/sub)."""
    service = getattr(info.context, "runtime", None)
    if not isinstance(service, Service):
        raise RuntimeError("the identity schema runs without its Service on the context")
    return service.platform


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@strawberry.type(
    description="A CSV import of staff or students, run in the background in batches of "
    f"100 rows. Readable with `{IMPORT_PERMISSION}` in its college. Its progress is also "
    "published, after each batch, on the pub/sub channel `user-import:<job id>`."
)
class UserImportJob:
    id: strawberry.ID = strawberry.field(description="Global id of the job.")
    kind: BulkUserKind = strawberry.field(description="The kind of the accounts it creates.")
    state: JobState = strawberry.field(
        description="PENDING until a worker takes it, RUNNING, then SUCCEEDED (even with "
        "refused rows) or FAILED (the file could not be used: see `error`)."
    )
    total: int | None = strawberry.field(
        description="Data rows in the file; null until a worker has read it."
    )
    processed: int = strawberry.field(description="Rows handled so far (created or refused).")
    created: int = strawberry.field(description="Rows that became accounts (status INVITED).")
    failed: int = strawberry.field(
        description="Rows refused; the error report (`errorReportUrl`) says why."
    )
    created_at: datetime = strawberry.field(description="When the import was started (UTC).")
    started_at: datetime | None = strawberry.field(
        description="When a worker began running it (UTC)."
    )
    finished_at: datetime | None = strawberry.field(description="When it finished (UTC).")
    error: str | None = strawberry.field(
        description="Why the whole import FAILED (a missing column, not UTF-8 ...); "
        "null otherwise. Refused rows are in the error report, not here."
    )
    error_report_key: strawberry.Private[str | None]
    snapshot: strawberry.Private[csv_import.ImportProgress]

    @classmethod
    def from_model(cls, row: models.ImportJob) -> UserImportJob:
        snapshot = csv_import.ImportProgress.of(row)
        return cls(
            id=strawberry.ID(to_global_id(JOB_TYPE, row.id)),
            kind=BulkUserKind(row.kind.value),
            state=JobState(row.state.value),
            total=snapshot.total,
            processed=row.processed,
            created=row.created_count,
            failed=row.failed_count,
            created_at=_utc(row.created_at) or row.created_at,
            started_at=_utc(row.started_at),
            finished_at=_utc(row.finished_at),
            error=row.error_message,
            error_report_key=row.error_report_key,
            snapshot=snapshot,
        )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="A signed URL downloading the per-row error report, a CSV with the "
        "columns `row,email,field,code,message` (row = line number in the file, the "
        "header being line 1); null when no row was refused. Valid for "
        "`LMS_STORAGE_URL_TTL` seconds: read the job again for a fresh one."
    )
    async def error_report_url(self, info: Info) -> str | None:
        if self.error_report_key is None:
            return None
        store: ObjectStore = platform_of(info).storage
        return await store.presign_download(self.error_report_key, filename="import-errors.csv")

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The same counters as the platform's `Progress` (with `percent`), as "
        "the `user-import:<job id>` channel publishes them."
    )
    def progress(self) -> Progress:
        return to_progress(self.snapshot)


CollegeIdArgument = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Global id of another college: platform super-admins only "
        "(FORBIDDEN for others). Default: the caller's college."
    ),
]


@strawberry.type
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(IMPORT_PERMISSION)],
        description=permission_field_description(
            "An import job of the caller's college; another college's job is NOT_FOUND.",
            IMPORT_PERMISSION,
        ),
    )
    async def user_import_job(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the job.")],
    ) -> UserImportJob:
        principal = require_principal(info)
        local = from_global_id(id, expected_type=JOB_TYPE, field="id")
        async with api_of(info).database.session() as session:
            job = await csv_import.get_import_job(session, actor=principal, job_id=local)
        return UserImportJob.from_model(job)

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(IMPORT_PERMISSION)],
        description=permission_field_description(
            "The import jobs of the caller's college, newest first; pages of at most 100 "
            "(default 20).",
            IMPORT_PERMISSION,
        ),
    )
    async def user_import_jobs(
        self,
        info: Info,
        first: PageSize = None,
        after: AfterCursor = None,
        college_id: CollegeIdArgument = None,
    ) -> Connection[UserImportJob]:
        principal = require_principal(info)
        local_college = (
            from_global_id(college_id, expected_type="College", field="collegeId")
            if college_id is not None
            else None
        )
        target = tenancy.target_college(principal, local_college, field="collegeId")
        tenancy.require_permission_in(principal, IMPORT_PERMISSION, target)
        statement = select(models.ImportJob).where(models.ImportJob.college_id == target)
        async with api_of(info).database.session() as session:
            page = await paginate(
                session,
                statement,
                order_by=[models.ImportJob.created_at.desc()],
                first=first,
                after=after,
            )
        return Connection.from_page(page, UserImportJob.from_model)

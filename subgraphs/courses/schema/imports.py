"""Bulk enrolment by CSV: ``enrollmentImportUploadCreate`` then ``enrollmentImport``.

Upload the file to the signed target the first gives (like identity's
``userImportUploadCreate``), then ``enrollmentImport(input: {objectKey,
dryRun})`` applies it at once, each row in its own savepoint, and answers
with the report: counts and one line per row. See
:mod:`subgraphs.courses.enrollment_imports` for the columns and outcomes.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from shared.errors import DomainError
from shared.graphql import (
    AfterCursor,
    Connection,
    HasPermission,
    PageSize,
    paginate,
    permission_field_description,
    require_principal,
    to_global_id,
)
from shared.graphql.uploads import UploadTarget
from subgraphs.courses import enrollment_imports, models, tenancy
from subgraphs.courses.enrollment_imports import ImportReport, Outcome
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema._mutation import run
from subgraphs.courses.schema.types import COLLEGE_ID, CoursesError, local_id, named_college

__all__ = ["EnrollmentImportReport", "Mutation", "Query"]

MANAGE = enrollment_imports.MANAGE
MAX_FILE_NAME_LENGTH = 255


@strawberry.enum(description="What became of one row of an enrolment import.")
class EnrollmentImportOutcome(Enum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    DROPPED = "dropped"
    SKIPPED = "skipped"
    FAILED = "failed"


@strawberry.input(description="The CSV file the caller is about to upload.")
class EnrollmentImportUploadCreateInput:
    file_name: str = strawberry.field(
        description=f"Name of the file on the caller's side (1 to {MAX_FILE_NAME_LENGTH} "
        "characters); the stored key is generated."
    )
    size_bytes: int = strawberry.field(
        description="Size of the file in bytes; above `LMS_COURSES_IMPORT_MAX_BYTES` (2 MiB "
        "by default) is IMPORT_FILE_TOO_LARGE."
    )
    college_id: strawberry.ID | None = strawberry.field(default=None, description=COLLEGE_ID)


@strawberry.type(description="The upload target, or why there is none.")
class EnrollmentImportUploadCreatePayload:
    upload: UploadTarget | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (IMPORT_FILE_TOO_LARGE, INVALID_FILE_NAME)."
    )


@strawberry.input(description="An uploaded enrolment file to apply.")
class EnrollmentImportInput:
    object_key: str = strawberry.field(description="From `enrollmentImportUploadCreate`.")
    dry_run: bool = strawberry.field(
        default=False,
        description="True: check and try every row, report, and write nothing.",
    )
    college_id: strawberry.ID | None = strawberry.field(default=None, description=COLLEGE_ID)


@strawberry.type(description="One row of an import: its line in the file and what became of it.")
class EnrollmentImportRow:
    row: int = strawberry.field(description="Line in the file (the header is line 1).")
    outcome: EnrollmentImportOutcome = strawberry.field(description="What happened.")
    code: CoursesErrorCode | None = strawberry.field(
        description="Why a row was SKIPPED or FAILED (ALREADY_ENROLLED, UNKNOWN_SECTION ...)."
    )
    message: str = strawberry.field(description="The reason, readable by people; empty if none.")


@strawberry.type(description="What an enrolment import did (or, dry run, would do).")
class EnrollmentImportReport:
    import_id: strawberry.ID | None = strawberry.field(
        description="Id of the recorded import; null for a dry run."
    )
    dry_run: bool = strawberry.field(description="Whether nothing was written.")
    object_key: str = strawberry.field(description="The file imported.")
    recorded_at: datetime | None = strawberry.field(
        description="When the import was applied (UTC); null for a dry run."
    )
    total: int = strawberry.field(description="Data rows in the file.")
    enrolled: int = strawberry.field(description="Rows that gave a seat or a teaching role.")
    waitlisted: int = strawberry.field(description="Rows that put a student on a waitlist.")
    dropped: int = strawberry.field(description="Rows that took someone out.")
    skipped: int = strawberry.field(description="Rows with nothing to do.")
    failed: int = strawberry.field(description="Rows refused (see their `code`).")
    rows: list[EnrollmentImportRow] = strawberry.field(description="One line per row, in order.")

    @classmethod
    def of(cls, report: ImportReport) -> EnrollmentImportReport:
        return cls(
            import_id=(
                strawberry.ID(to_global_id("EnrollmentImport", report.import_id))
                if report.import_id
                else None
            ),
            dry_run=report.dry_run,
            object_key=report.object_key,
            recorded_at=report.recorded_at,
            total=report.total,
            enrolled=report.count(Outcome.ENROLLED),
            waitlisted=report.count(Outcome.WAITLISTED),
            dropped=report.count(Outcome.DROPPED),
            skipped=report.count(Outcome.SKIPPED),
            failed=report.count(Outcome.FAILED),
            rows=[
                EnrollmentImportRow(
                    row=row.row,
                    outcome=EnrollmentImportOutcome(row.outcome.value),
                    code=CoursesErrorCode(row.code) if row.code else None,
                    message=row.message,
                )
                for row in report.rows
            ],
        )


@strawberry.type(description="The report, or why the file could not be used at all.")
class EnrollmentImportPayload:
    report: EnrollmentImportReport | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="Why the whole file was refused (IMPORT_FILE_NOT_FOUND, "
        "IMPORT_FILE_TOO_LARGE, IMPORT_TOO_MANY_ROWS, IMPORT_INVALID_FILE); problems of "
        "single rows are in the report."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=permission_field_description(
            "A signed upload target for one CSV file of enrolments (columns `user_id`, "
            "`section_id`, optional `role`, `action`; UTF-8). Upload the file, then call "
            "`enrollmentImport` with its `objectKey`.",
            MANAGE,
        ),
    )
    async def enrollment_import_upload_create(
        self, info: Info, input: EnrollmentImportUploadCreateInput
    ) -> EnrollmentImportUploadCreatePayload:
        principal, api = require_principal(info), api_of(info)

        async def create() -> UploadTarget:
            file_name = input.file_name.strip()
            if not file_name or len(file_name) > MAX_FILE_NAME_LENGTH:
                raise DomainError(
                    CoursesErrorCode.INVALID_FILE_NAME,
                    f"A file name of 1 to {MAX_FILE_NAME_LENGTH} characters is required.",
                    "file_name",
                )
            upload = await enrollment_imports.create_import_upload(
                actor=principal,
                store=api.storage,
                settings=api.settings,
                size_bytes=input.size_bytes,
                college_id=named_college(input.college_id),
            )
            return UploadTarget.of(upload.object_key, upload.ticket)

        return await run(EnrollmentImportUploadCreatePayload, create)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=permission_field_description(
            "Apply an uploaded enrolment file now: every row is checked and applied in its "
            "own savepoint (a failing row changes nothing), and the report tells each row's "
            "outcome. `dryRun: true` reports and writes nothing. At most "
            "`LMS_COURSES_IMPORT_MAX_ROWS` rows (2000 by default).",
            MANAGE,
        ),
    )
    async def enrollment_import(
        self, info: Info, input: EnrollmentImportInput
    ) -> EnrollmentImportPayload:
        principal, api = require_principal(info), api_of(info)

        async def apply() -> EnrollmentImportReport:
            report = await enrollment_imports.run_import(
                api.database,
                actor=principal,
                store=api.storage,
                settings=api.settings,
                object_key=input.object_key,
                dry_run=input.dry_run,
                college_id=named_college(input.college_id),
                on_commit=api.notify_outbox,
            )
            return EnrollmentImportReport.of(report)

        return await run(EnrollmentImportPayload, apply)


@strawberry.type
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=permission_field_description(
            "An applied enrolment import of the caller's college, with its report "
            "(`importId` of `enrollmentImport`); another college's is NOT_FOUND.",
            MANAGE,
        ),
    )
    async def enrollment_import_report(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The `importId`.")],
    ) -> EnrollmentImportReport:
        principal = require_principal(info)
        import_id = local_id(id, "EnrollmentImport", "id")
        async with api_of(info).database.session() as session:
            report = await enrollment_imports.get_import(
                session, actor=principal, import_id=import_id
            )
        return EnrollmentImportReport.of(report)

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=permission_field_description(
            "The applied enrolment imports of the caller's college, newest first.", MANAGE
        ),
    )
    async def enrollment_import_reports(
        self,
        info: Info,
        first: PageSize = None,
        after: AfterCursor = None,
    ) -> Connection[EnrollmentImportReport]:
        principal = require_principal(info)
        target = tenancy.target_college(principal, None)
        record = models.EnrollmentImport
        statement = select(record).where(record.college_id == target)
        async with api_of(info).database.session() as session:
            page = await paginate(
                session, statement, order_by=[record.created_at.desc()], first=first, after=after
            )
        return Connection.from_page(
            page, lambda row: EnrollmentImportReport.of(enrollment_imports.report_of(row))
        )

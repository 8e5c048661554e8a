"""CSV import of staff or students: upload target, job creation, and the job's unit of work.

1. :func:`create_import_upload` gives the admin a signed upload target for a
   ``text/csv`` file of at most ``LMS_IDENTITY_IMPORT_MAX_BYTES``.
2. :func:`start_import` checks the uploaded object and creates a ``pending``
   :class:`ImportJob` (starting the same file twice returns the same job).
3. A runner (:mod:`subgraphs.identity.import_runner`) claims the job and
   calls :func:`run_import_job`, which reads the file and feeds it, 100 rows
   at a time, to :func:`subgraphs.identity.onboarding.import_rows`. Each
   batch is its own transaction: its valid rows are created, its invalid
   rows collected, and the job's counters move in the same commit.
4. At the end a per-row error report (``row,email,field,code,message``) is
   written next to the upload and the job ``succeeded``; a file that cannot
   be read (not UTF-8, no header, a required column missing, too large)
   makes it ``failed`` with a message.

Idempotence: the job's ``processed`` counter commits with the rows of its
batch, so running a job again resumes after the last committed batch and
never creates an account twice; running a finished job does nothing.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import Database, utcnow
from shared.errors import DomainError, NotFoundError, PlatformError
from shared.storage import ObjectNotFound, ObjectStore, UploadTicket
from subgraphs.identity import events, tenancy
from subgraphs.identity._time import as_utc
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import (
    AccountKind,
    College,
    CollegeStatus,
    ImportJob,
    ImportKind,
    ImportState,
    new_id,
)
from subgraphs.identity.onboarding import MAX_ROWS, OnboardingRow, RowError, import_rows
from subgraphs.identity.settings import IdentitySettings

__all__ = [
    "COLUMNS",
    "REPORT_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportProgress",
    "ImportUpload",
    "ProgressCallback",
    "create_import_upload",
    "get_import_job",
    "run_import_job",
    "start_import",
]

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/csv"
REQUIRED_COLUMNS = ("email", "display_name")
COLUMNS = (*REQUIRED_COLUMNS, "roles", "department_id")
"""Columns read (header names are case-insensitive; other columns are ignored)."""
REPORT_COLUMNS = ("row", "email", "field", "code", "message")
_FINISHED = (ImportState.SUCCEEDED, ImportState.FAILED, ImportState.CANCELLED)


@dataclass(frozen=True, kw_only=True)
class ImportUpload:
    """Where to upload the CSV (``ticket``) and the key to pass to :func:`start_import`."""

    object_key: str
    ticket: UploadTicket


@dataclass(frozen=True, kw_only=True)
class ImportProgress:
    """A snapshot of a job, handed to progress callbacks (for pub/sub) after each batch."""

    job_id: str
    college_id: str
    state: ImportState
    total: int | None
    processed: int
    created: int
    failed: int
    message: str | None
    error_report_key: str | None
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: ImportJob) -> ImportProgress:
        return cls(
            job_id=job.id,
            college_id=job.college_id,
            state=job.state,
            total=job.total or None,
            processed=job.processed,
            created=job.created_count,
            failed=job.failed_count,
            message=job.error_message,
            error_report_key=job.error_report_key,
            started_at=as_utc(job.started_at) if job.started_at else None,
            finished_at=as_utc(job.finished_at) if job.finished_at else None,
        )


ProgressCallback = Callable[[ImportProgress], Awaitable[None]]


class _Unreadable(Exception):
    """The file cannot be imported at all; the message is shown to the admin."""


# -- upload and start -----------------------------------------------------------------------
async def create_import_upload(
    *,
    actor: Principal,
    store: ObjectStore,
    settings: IdentitySettings,
    college_id: str | None = None,
) -> ImportUpload:
    """A signed upload target for one CSV file of the college; needs ``user:import``."""
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission_in(actor, "user:import", target)
    key = f"{_uploads_prefix(target)}{new_id()}.csv"
    ticket = await store.presign_upload(
        key,
        content_type=CONTENT_TYPE,
        max_bytes=settings.import_max_bytes,
        allowed_content_types=[CONTENT_TYPE],
    )
    return ImportUpload(object_key=key, ticket=ticket)


async def start_import(
    session: AsyncSession,
    *,
    actor: Principal,
    store: ObjectStore,
    settings: IdentitySettings,
    object_key: str,
    kind: ImportKind,
    college_id: str | None = None,
) -> ImportJob:
    """A ``pending`` job importing the uploaded ``object_key``; needs ``user:import``.

    The key must be one :func:`create_import_upload` gave this college and
    the object must exist (``IMPORT_FILE_NOT_FOUND``) within the size limit
    (``IMPORT_FILE_TOO_LARGE``). Starting the same file again returns its job.
    """
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission_in(actor, "user:import", target)
    college = await session.get(College, target)
    if college is None:
        raise NotFoundError("No such college.")
    if college.status is not CollegeStatus.ACTIVE:
        raise DomainError(
            IdentityErrorCode.COLLEGE_SUSPENDED, "The college is suspended.", "college_id"
        )
    existing = await session.scalar(
        select(ImportJob).where(ImportJob.college_id == target, ImportJob.object_key == object_key)
    )
    if existing is not None:
        return existing
    not_found = DomainError(
        IdentityErrorCode.IMPORT_FILE_NOT_FOUND,
        "No uploaded file with this key: upload the CSV first.",
        "object_key",
    )
    if not object_key.startswith(_uploads_prefix(target)):
        raise not_found
    try:
        info = await store.verify(object_key)
    except ObjectNotFound:
        raise not_found from None
    if info.size > settings.import_max_bytes:
        raise DomainError(
            IdentityErrorCode.IMPORT_FILE_TOO_LARGE,
            f"The file has {info.size} bytes; at most {settings.import_max_bytes} are accepted.",
            "object_key",
        )
    job = ImportJob(
        college_id=target,
        kind=kind,
        object_key=object_key,
        state=ImportState.PENDING,
        total=0,
        processed=0,
        created_count=0,
        failed_count=0,
        created_by=actor.user_id,
    )
    session.add(job)
    await session.flush()
    return job


async def get_import_job(session: AsyncSession, *, actor: Principal, job_id: str) -> ImportJob:
    """The job ``job_id`` of one's college, with ``user:import``; else ``NOT_FOUND``."""
    job = await session.get(ImportJob, job_id)
    if job is None or not actor.has("user:import") or not tenancy.can_see(actor, job.college_id):
        raise NotFoundError("No such import job.")
    return job


# -- the job's unit of work -----------------------------------------------------------------
async def run_import_job(
    database: Database,
    *,
    store: ObjectStore,
    settings: IdentitySettings,
    job_id: str,
    actor: Principal,
    on_progress: ProgressCallback | None = None,
    on_commit: events.OnCommit | None = None,
) -> ImportProgress:
    """Import the file of a claimed (``running``) job, resuming after its last batch.

    ``actor`` is who the rows are created for (the admin who started the
    job, as the runner rebuilds them): their permissions decide which roles
    may be given. A finished job is returned unchanged. ``on_progress`` is
    awaited after each committed batch and at the end.
    """
    async with database.transaction() as session:
        job = await session.get(ImportJob, job_id)
        if job is None:
            raise NotFoundError("No such import job.")
        if job.state in _FINISHED or job.state is ImportState.PENDING:
            return ImportProgress.of(job)
        college_id, kind, key, offset = job.college_id, job.kind, job.object_key, job.processed
    try:
        records = await _read(store, key, settings.import_max_bytes)
    except _Unreadable as exc:
        return await _finish(database, job_id, on_progress, failure=str(exc))
    errors: list[tuple[RowError, str]] = []
    account_kind = AccountKind(kind.value)
    async with database.transaction() as session:
        job = await _locked(session, job_id, offset)
        if job is None:
            return await _snapshot(database, job_id)
        job.total = len(records)
    for start in range(offset, len(records), MAX_ROWS):
        batch = records[start : start + MAX_ROWS]
        try:
            outcome = await _run_batch(
                database, job_id, start, batch, college_id, account_kind, actor, settings, on_commit
            )
        except IntegrityError:  # an email of the batch was invited meanwhile: check again
            outcome = await _run_batch(
                database, job_id, start, batch, college_id, account_kind, actor, settings, on_commit
            )
        except PlatformError as exc:  # the actor lost the right to import, college suspended
            return await _finish(database, job_id, on_progress, failure=exc.message)
        if outcome is None:  # another runner took the job over
            return await _snapshot(database, job_id)
        emails = {record.number: record.row.email for record in batch}
        errors.extend((error, emails.get(error.index, "")) for error in outcome.errors)
        if on_progress is not None:
            await on_progress(outcome.progress)
    report_key = await _write_report(store, key, errors) if errors else None
    return await _finish(database, job_id, on_progress, report_key=report_key)


@dataclass(frozen=True)
class _Record:
    number: int
    """The row's line number in the file (the header is line 1)."""
    row: OnboardingRow


@dataclass(frozen=True)
class _BatchOutcome:
    errors: tuple[RowError, ...]
    progress: ImportProgress


async def _run_batch(
    database: Database,
    job_id: str,
    start: int,
    batch: Sequence[_Record],
    college_id: str,
    kind: AccountKind,
    actor: Principal,
    settings: IdentitySettings,
    on_commit: events.OnCommit | None,
) -> _BatchOutcome | None:
    """One batch in one transaction: rows created and the job's counters moved together."""
    async with database.transaction() as session:
        job = await _locked(session, job_id, start)
        if job is None:
            return None
        result = await import_rows(
            session,
            actor=actor,
            college_id=college_id,
            rows=[record.row for record in batch],
            indices=[record.number for record in batch],
            kind=kind,
            invitation_ttl=settings.invitation_ttl,
            on_commit=on_commit,
        )
        job.processed = start + len(batch)
        job.created_count += result.created
        job.failed_count += len(result.failed_indices)
        job.updated_at = utcnow()
        await session.flush()
        return _BatchOutcome(errors=result.errors, progress=ImportProgress.of(job))


async def _locked(session: AsyncSession, job_id: str, processed: int) -> ImportJob | None:
    """The job, locked, if it is still running at ``processed`` rows (else someone else has it)."""
    job = await session.get(ImportJob, job_id, with_for_update=True, populate_existing=True)
    if job is None or job.state is not ImportState.RUNNING or job.processed != processed:
        return None
    return job


async def _finish(
    database: Database,
    job_id: str,
    on_progress: ProgressCallback | None,
    *,
    failure: str | None = None,
    report_key: str | None = None,
) -> ImportProgress:
    async with database.transaction() as session:
        job = await session.get(ImportJob, job_id, with_for_update=True)
        if job is None:
            raise NotFoundError("No such import job.")
        if job.state is ImportState.RUNNING:
            job.state = ImportState.FAILED if failure is not None else ImportState.SUCCEEDED
            job.error_message = failure
            job.error_report_key = report_key
            job.finished_at = utcnow()
            await session.flush()
        progress = ImportProgress.of(job)
    if failure is not None:
        logger.info("import job %s failed: %s", job_id, failure)
    if on_progress is not None:
        await on_progress(progress)
    return progress


async def _snapshot(database: Database, job_id: str) -> ImportProgress:
    async with database.session() as session:
        job = await session.get(ImportJob, job_id)
        if job is None:
            raise NotFoundError("No such import job.")
        return ImportProgress.of(job)


# -- the file -------------------------------------------------------------------------------
async def _read(store: ObjectStore, key: str, max_bytes: int) -> list[_Record]:
    """Every data row of the CSV at ``key``; :class:`_Unreadable` says why not."""
    info = await store.head(key)
    if info is None:
        raise _Unreadable("The uploaded file is gone; upload it again and start a new import.")
    if info.size > max_bytes:
        raise _Unreadable(f"The file has {info.size} bytes; at most {max_bytes} are accepted.")
    try:
        text = (await store.get(key)).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Unreadable("The file is not UTF-8 text; save it as 'CSV UTF-8'.") from None
    except ObjectNotFound:
        raise _Unreadable("The uploaded file is gone; upload it again.") from None
    try:
        return list(_records(text))
    except csv.Error as exc:
        raise _Unreadable(f"The file is not valid CSV: {exc}.") from None


def _records(text: str) -> Iterator[_Record]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise _Unreadable("The file is empty: its first line must name the columns.")
    names = [cell.strip().lower() for cell in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise _Unreadable(
            f"The file lacks the column {', '.join(repr(c) for c in missing)}: its first line "
            f"must name the columns {', '.join(COLUMNS)} (roles and department_id optional)."
        )
    position = {name: names.index(name) for name in COLUMNS if name in names}
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are not rows

        def cell(name: str, cells: list[str] = cells) -> str | None:
            at = position.get(name)
            return cells[at] if at is not None and at < len(cells) else None

        roles = cell("roles")
        role_keys = [key for key in (roles or "").split(";") if key.strip()]
        yield _Record(
            number=reader.line_num,
            row=OnboardingRow(
                email=cell("email") or "",
                display_name=cell("display_name") or "",
                role_keys=role_keys or None,
                department_id=cell("department_id"),
            ),
        )


async def _write_report(
    store: ObjectStore, upload_key: str, errors: Sequence[tuple[RowError, str]]
) -> str:
    """The per-row error report, next to the upload; returns its key."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for error, email in sorted(errors, key=lambda item: item[0].index):
        writer.writerow([error.index, email, error.field, error.code.value, error.message])
    key = upload_key.removesuffix(".csv") + ".errors.csv"
    await store.put(key, out.getvalue().encode(), content_type=CONTENT_TYPE)
    return key


def _uploads_prefix(college_id: str) -> str:
    return f"imports/{college_id}/"

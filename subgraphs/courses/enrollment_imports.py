"""Bulk enrolment by CSV: an upload target, then one call that applies the file and reports.

1. :func:`create_import_upload` gives a signed upload target on the
   platform's object store for one ``text/csv`` file of at most
   ``LMS_COURSES_IMPORT_MAX_BYTES`` (``enrollment:manage``).
2. :func:`run_import` reads the uploaded file (UTF-8, at most
   ``LMS_COURSES_IMPORT_MAX_ROWS`` data rows), checks every row and applies
   each valid one in its own savepoint, so a row that fails half-way leaves
   nothing behind while the other rows stand. It returns a report: counts,
   and one line per row with its outcome. The sections the file names are
   locked once, up front, in one statement ordered by id (in the outer
   transaction, so a rolled-back row does not release them; two imports
   take them in the same order, so they queue instead of deadlocking); the
   rows then enrol and drop without locking again.

Columns (header names are case-insensitive, other columns ignored):
``user_id`` and ``section_id`` (global ids or raw UUIDs), optional ``role``
(``student``, the default; ``instructor`` or ``teaching_assistant`` assign
teaching staff, which needs ``section:manage``) and ``action`` (``enrol``,
the default, or ``drop``). A section of another college is
``UNKNOWN_SECTION``, exactly like one that does not exist.

Outcomes: ``enrolled`` (a seat, or a teaching role), ``waitlisted``,
``dropped``, ``skipped`` (nothing to do: already there, or not there to
drop) and ``failed`` (with the code saying why). A dry run does all of it
in a transaction that is rolled back: the report says what the file would
do, nothing is written and no event goes out. An applied import is recorded
(:class:`~subgraphs.courses.models.EnrollmentImport`) with its report.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import Database
from shared.errors import BadUserInput, DomainError, NotFoundError, PermissionDenied
from shared.graphql.relay import split_global_id
from shared.storage import ObjectNotFound, ObjectStore, UploadTicket
from subgraphs.courses import enrollment, sections, tenancy
from subgraphs.courses.enrollment import Placement
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import (
    EnrollmentImport,
    MemberRole,
    Section,
    SectionMember,
    new_id,
)
from subgraphs.courses.settings import CoursesSettings

__all__ = [
    "COLUMNS",
    "CONTENT_TYPE",
    "REQUIRED_COLUMNS",
    "ImportReport",
    "ImportUpload",
    "Outcome",
    "RowReport",
    "create_import_upload",
    "get_import",
    "parse_id",
    "parse_records",
    "report_of",
    "run_import",
    "uploads_prefix",
]

MANAGE = "enrollment:manage"
CONTENT_TYPE = "text/csv"
REQUIRED_COLUMNS = ("user_id", "section_id")
COLUMNS = (*REQUIRED_COLUMNS, "role", "action")

_ROLES = {
    "student": MemberRole.STUDENT,
    "instructor": MemberRole.INSTRUCTOR,
    "teaching_assistant": MemberRole.TEACHING_ASSISTANT,
    "teaching assistant": MemberRole.TEACHING_ASSISTANT,
    "ta": MemberRole.TEACHING_ASSISTANT,
}
_ACTIONS = {"enrol": "enrol", "enroll": "enrol", "add": "enrol", "drop": "drop", "remove": "drop"}
_NOTHING_TO_DO = {
    CoursesErrorCode.ALREADY_ENROLLED,
    CoursesErrorCode.ALREADY_WAITLISTED,
    CoursesErrorCode.NOT_ENROLLED,
    CoursesErrorCode.NOT_STAFF,
}


class Outcome(StrEnum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    DROPPED = "dropped"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class ImportUpload:
    """Where to upload the CSV (``ticket``) and the key to pass to :func:`run_import`."""

    object_key: str
    ticket: UploadTicket


@dataclass(frozen=True, kw_only=True)
class RowReport:
    """What became of one data row; ``row`` is its line in the file (the header is 1)."""

    row: int
    outcome: Outcome
    code: str | None = None
    message: str = ""
    user_id: str | None = None
    section_id: str | None = None


@dataclass(kw_only=True)
class ImportReport:
    """The counts and per-row lines of an import (``import_id``: its record, unless a dry run)."""

    dry_run: bool
    object_key: str
    rows: list[RowReport] = field(default_factory=list)
    import_id: str | None = None
    recorded_at: datetime | None = None

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)

    @property
    def total(self) -> int:
        return len(self.rows)


class _RowFailed(Exception):
    def __init__(self, code: CoursesErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def uploads_prefix(college_id: str) -> str:
    """Where a college's enrolment import files are stored."""
    return f"enrollment-imports/{college_id}/"


def _too_large(size: int, limit: int, field_name: str) -> DomainError:
    return DomainError(
        CoursesErrorCode.IMPORT_FILE_TOO_LARGE,
        f"The file has {size} bytes; at most {limit} are accepted.",
        field_name,
    )


async def create_import_upload(
    *,
    actor: Principal,
    store: ObjectStore,
    settings: CoursesSettings,
    size_bytes: int,
    college_id: str | None = None,
) -> ImportUpload:
    """A signed upload target for one CSV file of the college; needs ``enrollment:manage``."""
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, MANAGE)
    if size_bytes > settings.import_max_bytes:
        raise _too_large(size_bytes, settings.import_max_bytes, "size_bytes")
    key = f"{uploads_prefix(target)}{new_id()}.csv"
    ticket = await store.presign_upload(
        key,
        content_type=CONTENT_TYPE,
        max_bytes=settings.import_max_bytes,
        allowed_content_types=[CONTENT_TYPE],
    )
    return ImportUpload(object_key=key, ticket=ticket)


async def _read_rows(
    store: ObjectStore, key: str, settings: CoursesSettings
) -> list[tuple[int, dict[str, str]]]:
    """The data rows of the file, each with its line number; a file-level problem raises."""
    not_found = DomainError(
        CoursesErrorCode.IMPORT_FILE_NOT_FOUND,
        "No uploaded file with this key: upload the CSV first.",
        "object_key",
    )
    info = await store.head(key)
    if info is None:
        raise not_found
    if info.size > settings.import_max_bytes:
        raise _too_large(info.size, settings.import_max_bytes, "object_key")
    try:
        text = (await store.get(key)).decode("utf-8-sig")
    except ObjectNotFound:
        raise not_found from None
    except UnicodeDecodeError:
        raise _invalid("The file is not UTF-8 text; save it as 'CSV UTF-8'.") from None
    try:
        return parse_records(text, settings.import_max_rows)
    except csv.Error as exc:
        raise _invalid(f"The file is not valid CSV: {exc}.") from None


def _invalid(message: str) -> DomainError:
    return DomainError(CoursesErrorCode.IMPORT_INVALID_FILE, message, "object_key")


def parse_records(text: str, max_rows: int) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a CSV text with their line numbers (the header is line 1).

    Header names are trimmed and lower-cased; blank lines are skipped; a missing
    required column is ``IMPORT_INVALID_FILE``, more than ``max_rows`` rows
    ``IMPORT_TOO_MANY_ROWS``.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise _invalid("The file is empty: its first line must name the columns.")
    names = [cell.strip().lower() for cell in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise _invalid(
            f"The file lacks the column {', '.join(repr(c) for c in missing)}: its first line "
            f"must name the columns {', '.join(COLUMNS)} (role and action optional)."
        )
    records: list[tuple[int, dict[str, str]]] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(records) == max_rows:
            raise DomainError(
                CoursesErrorCode.IMPORT_TOO_MANY_ROWS,
                f"The file has more than {max_rows} rows; split it.",
                "object_key",
            )
        values = {
            name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)
        }
        records.append((reader.line_num, values))
    return records


def parse_id(value: str, type_name: str) -> str | None:
    """The UUID a cell names: a raw UUID, or a global id of ``type_name``; else ``None``."""
    candidate = value
    try:
        return str(uuid.UUID(candidate))
    except ValueError:
        pass
    try:
        kind, candidate = split_global_id(value)
    except BadUserInput:
        return None
    if kind != type_name:
        return None
    try:
        return str(uuid.UUID(candidate))
    except ValueError:
        return None


def _named_sections(records: list[tuple[int, dict[str, str]]]) -> set[str]:
    """The section ids the rows name (cells that are no section id left out)."""
    named = (parse_id(values.get("section_id", ""), "Section") for _line, values in records)
    return {section_id for section_id in named if section_id is not None}


def _section(locked: dict[str, Section], value: str) -> Section:
    """The locked section a cell names: every section of the college the file names is
    locked up front, so any other id is no section of the college."""
    local = parse_id(value, "Section")
    section = locked.get(local) if local else None
    if section is None:
        raise _RowFailed(CoursesErrorCode.UNKNOWN_SECTION, "No such section in the college.")
    return section


async def _apply_row(
    session: AsyncSession,
    actor: Principal,
    locked: dict[str, Section],
    values: dict[str, str],
    on_commit: Callable[[], None] | None,
) -> tuple[Outcome, str, str]:
    """Apply one row in the caller's savepoint: its outcome, user id and section id.

    ``locked``: the college's sections the file names, locked up front, by id.
    """
    user_id = parse_id(values.get("user_id", ""), "User")
    if user_id is None:
        raise _RowFailed(CoursesErrorCode.INVALID_USER_ID, "`user_id` is not a person's id.")
    role = _ROLES.get(values.get("role", "").lower() or "student")
    if role is None:
        raise _RowFailed(
            CoursesErrorCode.INVALID_ROLE,
            "`role` is student, instructor or teaching_assistant.",
        )
    action = _ACTIONS.get(values.get("action", "").lower() or "enrol")
    if action is None:
        raise _RowFailed(CoursesErrorCode.INVALID_ACTION, "`action` is enrol or drop.")
    section = _section(locked, values.get("section_id", ""))
    if role is MemberRole.STUDENT and action == "enrol":
        placed = await enrollment.enrol_student(
            session,
            actor=actor,
            section_id=section.id,
            user_id=user_id,
            section_locked=True,
            on_commit=on_commit,
        )
        outcome = Outcome.ENROLLED if placed.placement is Placement.ENROLLED else Outcome.WAITLISTED
        return outcome, user_id, section.id
    if role is MemberRole.STUDENT:
        await enrollment.drop_student(
            session,
            actor=actor,
            section_id=section.id,
            user_id=user_id,
            section_locked=True,
            on_commit=on_commit,
        )
        return Outcome.DROPPED, user_id, section.id
    if action == "drop":
        await sections.remove_staff(
            session, actor=actor, section_id=section.id, user_id=user_id, on_commit=on_commit
        )
        return Outcome.DROPPED, user_id, section.id
    current = await session.scalar(
        select(SectionMember.role).where(
            SectionMember.section_id == section.id, SectionMember.user_id == user_id
        )
    )
    if current is role:
        raise DomainError(
            CoursesErrorCode.ALREADY_ENROLLED,
            f"The person already is {role.value.replace('_', ' ')} of the section.",
            "user_id",
        )
    if current is MemberRole.STUDENT:
        raise _RowFailed(
            CoursesErrorCode.ALREADY_ENROLLED,
            "The person is a student of the section; drop them before assigning a teaching role.",
        )
    member = await sections.assign_staff(
        session,
        actor=actor,
        section_id=section.id,
        user_id=user_id,
        role=role,
        on_commit=on_commit,
    )
    return Outcome.ENROLLED, member.user_id, section.id


async def run_import(
    database: Database,
    *,
    actor: Principal,
    store: ObjectStore,
    settings: CoursesSettings,
    object_key: str,
    dry_run: bool = False,
    college_id: str | None = None,
    on_commit: Callable[[], None] | None = None,
) -> ImportReport:
    """Apply (or, ``dry_run``, only try) the uploaded file ``object_key``; its report.

    Needs ``enrollment:manage`` (FORBIDDEN otherwise, nothing read). The key
    must be one :func:`create_import_upload` gave this college
    (``IMPORT_FILE_NOT_FOUND``); a file too large, with too many rows, not
    UTF-8 or without the required columns is refused whole
    (``IMPORT_FILE_TOO_LARGE``, ``IMPORT_TOO_MANY_ROWS``,
    ``IMPORT_INVALID_FILE``) before any row is applied.
    """
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, MANAGE)
    if not object_key.startswith(uploads_prefix(target)):
        raise DomainError(
            CoursesErrorCode.IMPORT_FILE_NOT_FOUND,
            "No uploaded file with this key: upload the CSV first.",
            "object_key",
        )
    records = await _read_rows(store, object_key, settings)
    report = ImportReport(dry_run=dry_run, object_key=object_key)
    notify = None if dry_run else on_commit
    async with database.session() as session:
        transaction = await session.begin()
        if database.dialect == "sqlite":
            # pysqlite opens a transaction only at the first write, so the first row's
            # SAVEPOINT would open (and its RELEASE commit) one of its own: begin it here.
            await session.execute(text("BEGIN IMMEDIATE"))
        try:
            # Every section the file names, locked once in the outer transaction (a lock
            # taken in a row's savepoint would go when that row rolls back), in id order.
            locked = await enrollment.lock_sections(
                session,
                actor=actor,
                college_id=target,
                section_ids=_named_sections(records),
            )
            for line, values in records:
                report.rows.append(await _row(session, actor, locked, line, values, notify))
            if dry_run:
                await transaction.rollback()
                return report
            record = EnrollmentImport(
                college_id=target,
                object_key=object_key,
                actor_id=actor.user_id,
                total=report.total,
                applied=report.total - report.count(Outcome.SKIPPED) - report.count(Outcome.FAILED),
                skipped=report.count(Outcome.SKIPPED),
                failed=report.count(Outcome.FAILED),
                report=json.dumps([_json_line(row) for row in report.rows]),
            )
            session.add(record)
            await session.flush()
            report.import_id = record.id
            report.recorded_at = record.created_at
            await transaction.commit()
        except BaseException:
            await transaction.rollback()
            raise
    return report


async def _row(
    session: AsyncSession,
    actor: Principal,
    locked: dict[str, Section],
    line: int,
    values: dict[str, str],
    on_commit: Callable[[], None] | None,
) -> RowReport:
    """One row applied in its own savepoint: a failure undoes exactly that row."""
    try:
        async with session.begin_nested():
            outcome, user_id, section_id = await _apply_row(
                session, actor, locked, values, on_commit
            )
    except _RowFailed as exc:
        return RowReport(row=line, outcome=Outcome.FAILED, code=exc.code.value, message=exc.message)
    except DomainError as exc:
        code = CoursesErrorCode(exc.code_name)
        outcome = Outcome.SKIPPED if code in _NOTHING_TO_DO else Outcome.FAILED
        return RowReport(row=line, outcome=outcome, code=code.value, message=exc.message)
    except PermissionDenied as exc:
        return RowReport(
            row=line,
            outcome=Outcome.FAILED,
            code=CoursesErrorCode.FORBIDDEN.value,
            message=str(exc),
        )
    except NotFoundError:
        return RowReport(
            row=line,
            outcome=Outcome.FAILED,
            code=CoursesErrorCode.UNKNOWN_SECTION.value,
            message="No such section in the college.",
        )
    return RowReport(row=line, outcome=outcome, user_id=user_id, section_id=section_id)


def _json_line(row: RowReport) -> dict[str, object]:
    line = asdict(row)
    line["outcome"] = row.outcome.value
    return line


def report_of(record: EnrollmentImport) -> ImportReport:
    """The report an applied import recorded."""
    rows = [
        RowReport(
            row=int(line["row"]),
            outcome=Outcome(line["outcome"]),
            code=line.get("code"),
            message=str(line.get("message") or ""),
            user_id=line.get("user_id"),
            section_id=line.get("section_id"),
        )
        for line in json.loads(record.report)
    ]
    at = record.created_at
    return ImportReport(
        dry_run=False,
        object_key=record.object_key,
        rows=rows,
        import_id=record.id,
        recorded_at=at if at.tzinfo else at.replace(tzinfo=UTC),
    )


async def get_import(session: AsyncSession, *, actor: Principal, import_id: str) -> ImportReport:
    """The recorded import ``import_id`` of the actor's college; needs ``enrollment:manage``."""
    tenancy.require_permission(actor, MANAGE)
    record = tenancy.visible(
        actor, await session.get(EnrollmentImport, import_id), "enrollment import"
    )
    return report_of(record)

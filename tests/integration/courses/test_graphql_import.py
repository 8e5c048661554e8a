"""Bulk enrolment by CSV over HTTP: upload to the signed target, dry run, apply, the report.

Runs on SQLite with the local store (signed ``PUT /files/...`` served by the
app) and on PostgreSQL with S3 (a presigned POST to the moto server).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from shared.config import Settings
from subgraphs.courses.models import (
    EnrollmentImport,
    MemberRole,
    Section,
    SectionMember,
    WaitlistEntry,
    new_id,
)
from subgraphs.courses.settings import CoursesSettings
from tests.factories.courses import make_section, outbox_events
from tests.fixtures.s3 import LOCAL_PUBLIC_URL
from tests.integration.courses.graphql_app import (
    Campus,
    CoursesApp,
    campus,
    courses_app,
    error_codes,
    gid,
)

__all__ = ["campus", "courses_app"]

UPLOAD = """
mutation($input: EnrollmentImportUploadCreateInput!) {
  enrollmentImportUploadCreate(input: $input) {
    upload {
      objectKey url method contentType maxBytes headers { name value } fields { name value }
    }
    errors { field code }
  }
}
"""
REPORT_FIELDS = """
importId dryRun objectKey recordedAt total enrolled waitlisted dropped skipped failed
rows { row outcome code message }
"""
IMPORT = f"""
mutation($input: EnrollmentImportInput!) {{
  enrollmentImport(input: $input) {{
    report {{ {REPORT_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""
REPORT = f"query($id: ID!) {{ enrollmentImportReport(id: $id) {{ {REPORT_FIELDS} }} }}"
REPORTS = "{ enrollmentImportReports(first: 5) { totalCount nodes { importId total } } }"


@pytest.fixture(params=["sqlite-local", "postgres-s3"])
def db_settings(request: pytest.FixtureRequest) -> Settings:
    """SQLite with the local folder store, PostgreSQL with S3 on moto."""
    database, store = request.param.split("-")
    settings: Settings = request.getfixturevalue(f"{database}_settings")
    if store == "local":
        return settings.with_overrides(public_url=LOCAL_PUBLIC_URL)
    s3: Settings = request.getfixturevalue("s3_settings")
    return settings.with_overrides(
        storage_backend="s3",
        s3_endpoint_url=s3.s3_endpoint_url,
        s3_bucket=s3.s3_bucket,
        s3_region=s3.s3_region,
        s3_access_key_id=s3.s3_access_key_id,
        s3_secret_access_key=s3.s3_secret_access_key,
    )


def _csv(
    rows: list[list[str]], header: tuple[str, ...] = ("user_id", "section_id", "role", "action")
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


async def _upload(app: CoursesApp, campus: Campus, content: bytes) -> str:
    """Ask for an upload target and send ``content`` to it over HTTP; the object key."""
    body = await app.data(
        UPLOAD,
        {"input": {"fileName": "enrolments.csv", "sizeBytes": len(content)}},
        as_=campus.admin_a,
    )
    payload = body["enrollmentImportUploadCreate"]
    assert payload["errors"] == []
    target = payload["upload"]
    assert target["contentType"] == "text/csv"
    local = target["url"].startswith(LOCAL_PUBLIC_URL)
    client = app.client if local else httpx.AsyncClient()
    try:
        if target["method"] == "PUT":
            headers = {entry["name"]: entry["value"] for entry in target["headers"]}
            response = await client.put(target["url"], content=content, headers=headers)
        else:
            fields = {entry["name"]: entry["value"] for entry in target["fields"]}
            response = await client.post(
                target["url"], data=fields, files={"file": ("e.csv", content, "text/csv")}
            )
    finally:
        if not local:
            await client.aclose()
    assert response.status_code in (200, 201, 204), response.text
    key: str = target["objectKey"]
    return key


async def _import(
    app: CoursesApp, campus: Campus, key: str, *, dry_run: bool = False
) -> dict[str, Any]:
    body = await app.data(
        IMPORT, {"input": {"objectKey": key, "dryRun": dry_run}}, as_=campus.admin_a
    )
    payload: dict[str, Any] = body["enrollmentImport"]
    return payload


async def _state(app: CoursesApp) -> tuple[int, int, int, int]:
    """Members, waitlist entries, outbox events and import records."""
    async with app.service.database.session() as session:
        counts = [
            int(await session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (SectionMember, WaitlistEntry, EnrollmentImport)
        ]
        events = len(await outbox_events(session))
    return counts[0], counts[1], events, counts[2]


async def _sections(app: CoursesApp, campus: Campus) -> tuple[Section, Section, Section]:
    """Two sections of college A (2 seats and 5 seats) and one of college B."""
    async with app.service.database.transaction() as session:
        small = await make_section(session, college_id=campus.college_a, capacity=2, code="S")
        large = await make_section(session, college_id=campus.college_a, capacity=5, code="L")
        foreign = await make_section(session, college_id=campus.college_b, code="B")
    return small, large, foreign


def _mixed_file(small: Section, large: Section, foreign: Section) -> tuple[bytes, list[str]]:
    """Good rows (global and raw ids, a waitlisted one, a teacher, a drop) and bad rows."""
    people = [new_id() for _ in range(4)]
    rows = [
        [gid("User", people[0]), gid("Section", small.id), "", ""],  # 2 enrolled
        [people[1], small.id, "student", "enrol"],  # 3 enrolled
        [people[2], small.id, "", ""],  # 4 waitlisted (full)
        [people[3], large.id, "instructor", ""],  # 5 enrolled as instructor
        [people[0], small.id, "", ""],  # 6 skipped: already enrolled
        [people[0], foreign.id, "", ""],  # 7 another college: UNKNOWN_SECTION
        ["not-an-id", large.id, "", ""],  # 8 INVALID_USER_ID
        [people[1], large.id, "dean", ""],  # 9 INVALID_ROLE
        [people[1], large.id, "", "transfer"],  # 10 INVALID_ACTION
        [people[1], small.id, "", "drop"],  # 11 dropped: frees a seat, promotes row 4's
        [people[1], large.id, "", "drop"],  # 12 skipped: not enrolled there
    ]
    return _csv(rows), people


async def test_an_import_reports_every_row_and_applies_the_good_ones(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given sections and a file mixing good and bad rows
    small, large, foreign = await _sections(courses_app, campus)
    content, people = _mixed_file(small, large, foreign)
    key = await _upload(courses_app, campus, content)
    # when it is imported
    payload = await _import(courses_app, campus, key)
    # then the report gives one line per row with its outcome and code
    report = payload["report"]
    assert payload["errors"] == []
    assert [(r["row"], r["outcome"], r["code"]) for r in report["rows"]] == [
        (2, "ENROLLED", None),
        (3, "ENROLLED", None),
        (4, "WAITLISTED", None),
        (5, "ENROLLED", None),
        (6, "SKIPPED", "ALREADY_ENROLLED"),
        (7, "FAILED", "UNKNOWN_SECTION"),
        (8, "FAILED", "INVALID_USER_ID"),
        (9, "FAILED", "INVALID_ROLE"),
        (10, "FAILED", "INVALID_ACTION"),
        (11, "DROPPED", None),
        (12, "SKIPPED", "NOT_ENROLLED"),
    ]
    assert {k: report[k] for k in ("total", "enrolled", "waitlisted", "dropped")} == {
        "total": 11,
        "enrolled": 3,
        "waitlisted": 1,
        "dropped": 1,
    }
    assert (report["skipped"], report["failed"], report["dryRun"]) == (2, 4, False)
    # and the sections hold what the good rows did (the drop promoted the waiting student)
    async with courses_app.service.database.session() as session:
        members = {
            (m.section_id, m.user_id, m.role) for m in await session.scalars(select(SectionMember))
        }
        record = await session.scalar(select(EnrollmentImport))
    assert members == {
        (small.id, people[0], MemberRole.STUDENT),
        (small.id, people[2], MemberRole.STUDENT),
        (large.id, people[3], MemberRole.INSTRUCTOR),
    }
    # and the import is recorded with its report
    assert record is not None
    assert (record.total, record.applied, record.skipped, record.failed) == (11, 5, 2, 4)
    assert len(json.loads(record.report)) == 11
    assert report["importId"] is not None


async def test_a_dry_run_reports_the_same_and_writes_nothing(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given the same mixed file
    small, large, foreign = await _sections(courses_app, campus)
    content, _ = _mixed_file(small, large, foreign)
    key = await _upload(courses_app, campus, content)
    # when it is tried as a dry run
    dry = await _import(courses_app, campus, key, dry_run=True)
    # then the report is what the real import will say, and nothing was written
    assert dry["report"]["dryRun"] is True
    assert dry["report"]["importId"] is None
    assert await _state(courses_app) == (0, 0, 0, 0)
    real = await _import(courses_app, campus, key)
    strip = ("importId", "dryRun", "recordedAt")
    assert {k: v for k, v in dry["report"].items() if k not in strip} == {
        k: v for k, v in real["report"].items() if k not in strip
    }


async def test_a_failing_row_leaves_nothing_half_written(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a file whose second row wants a student of a section to also teach it
    small, large, _ = await _sections(courses_app, campus)
    person = new_id()
    content = _csv(
        [
            [person, large.id, "", ""],
            [person, large.id, "teaching_assistant", ""],  # a student cannot also teach it
            [new_id(), small.id, "", ""],
        ]
    )
    key = await _upload(courses_app, campus, content)
    # when it is imported
    report = (await _import(courses_app, campus, key))["report"]
    # then the refused row changed nothing, the rows around it stand
    assert [r["outcome"] for r in report["rows"]] == ["ENROLLED", "FAILED", "ENROLLED"]
    assert report["rows"][1]["code"] == "ALREADY_ENROLLED"
    members, waiting, events, records = await _state(courses_app)
    assert (members, waiting, records) == (2, 0, 1)
    async with courses_app.service.database.session() as session:
        types = [e.type for e in await outbox_events(session)]
    assert types == ["enrollment.enrolled", "enrollment.enrolled"]
    assert events == 2


async def test_unusable_files_are_refused_whole(courses_app: CoursesApp, campus: Campus) -> None:
    small, _, _ = await _sections(courses_app, campus)
    # a file without the section_id column
    no_column = await _upload(courses_app, campus, _csv([[new_id()]], header=("user_id",)))
    # a file that is not UTF-8
    latin = await _upload(courses_app, campus, b"user_id,section_id\n\xe9\xe9,x\n")
    # more rows than the service accepts
    limit = courses_app.service.settings_of(CoursesSettings).import_max_rows
    too_many = await _upload(
        courses_app, campus, _csv([[new_id(), small.id, "", ""]] * (limit + 1))
    )
    codes = {}
    for name, key in (
        ("no_column", no_column),
        ("latin", latin),
        ("too_many", too_many),
        ("unknown", f"enrollment-imports/{campus.college_a}/{new_id()}.csv"),
        ("foreign", f"enrollment-imports/{campus.college_b}/{new_id()}.csv"),
    ):
        payload = await _import(courses_app, campus, key)
        assert payload["report"] is None
        codes[name] = [(e["field"], e["code"]) for e in payload["errors"]]
    assert codes == {
        "no_column": [("objectKey", "IMPORT_INVALID_FILE")],
        "latin": [("objectKey", "IMPORT_INVALID_FILE")],
        "too_many": [("objectKey", "IMPORT_TOO_MANY_ROWS")],
        "unknown": [("objectKey", "IMPORT_FILE_NOT_FOUND")],
        "foreign": [("objectKey", "IMPORT_FILE_NOT_FOUND")],
    }
    assert await _state(courses_app) == (0, 0, 0, 0)


async def test_limits_and_permissions_of_the_upload(
    courses_app: CoursesApp, campus: Campus
) -> None:
    limit = courses_app.service.settings_of(CoursesSettings).import_max_bytes
    # when the announced file is too large, or has no name
    big = await courses_app.data(
        UPLOAD, {"input": {"fileName": "big.csv", "sizeBytes": limit + 1}}, as_=campus.admin_a
    )
    unnamed = await courses_app.data(
        UPLOAD, {"input": {"fileName": " ", "sizeBytes": 10}}, as_=campus.admin_a
    )
    # then coded errors
    assert big["enrollmentImportUploadCreate"]["errors"] == [
        {"field": "sizeBytes", "code": "IMPORT_FILE_TOO_LARGE"}
    ]
    assert unnamed["enrollmentImportUploadCreate"]["errors"] == [
        {"field": "fileName", "code": "INVALID_FILE_NAME"}
    ]
    # and a teacher may neither upload nor import
    for query, variables in (
        (UPLOAD, {"input": {"fileName": "a.csv", "sizeBytes": 10}}),
        (IMPORT, {"input": {"objectKey": f"enrollment-imports/{campus.college_a}/x.csv"}}),
    ):
        body = await courses_app.post(query, variables, as_=campus.teacher_a)
        assert error_codes(body) == ["FORBIDDEN"]


async def test_applied_imports_are_recorded_and_read_back(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given an applied import and a dry run
    small, large, foreign = await _sections(courses_app, campus)
    content, _ = _mixed_file(small, large, foreign)
    key = await _upload(courses_app, campus, content)
    await _import(courses_app, campus, key, dry_run=True)
    applied = (await _import(courses_app, campus, key))["report"]
    # when the admin reads the recorded imports, and college B's admin reads this one
    listed = await courses_app.data(REPORTS, as_=campus.admin_a)
    again = await courses_app.data(REPORT, {"id": applied["importId"]}, as_=campus.admin_a)
    other = await courses_app.post(REPORT, {"id": applied["importId"]}, as_=campus.admin_b)
    # then only the applied import is recorded, with the very report it answered
    assert listed["enrollmentImportReports"] == {
        "totalCount": 1,
        "nodes": [{"importId": applied["importId"], "total": 11}],
    }
    assert again["enrollmentImportReport"] == applied
    assert applied["objectKey"] == key
    assert applied["recordedAt"] is not None
    # and another college does not find it
    assert error_codes(other) == ["NOT_FOUND"]

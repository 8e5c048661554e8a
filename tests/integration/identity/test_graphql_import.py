"""CSV import through the API: upload over HTTP, start, the worker, the job and its report.

Runs on SQLite and PostgreSQL, with the local store (signed ``PUT /files/...``
served by the app) and S3 (a presigned POST to the moto server). The
progress channel is followed on memory and Redis pub/sub.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from shared.app import create_app
from shared.config import Settings
from shared.graphql import from_global_id
from shared.runtime import Platform
from subgraphs.identity.app import SERVICE
from subgraphs.identity.import_worker import progress_channel, run_import_worker
from subgraphs.identity.settings import IdentitySettings
from tests.factories.identity import make_account, make_college
from tests.factories.identity_csv import csv_file, student_rows
from tests.fixtures.s3 import LOCAL_PUBLIC_URL
from tests.integration.identity.graphql_app import (
    URL,
    IdentityApp,
    World,
    error_codes,
    identity_app,
    world,
)

__all__ = ["identity_app", "world"]

UPLOAD = """
mutation($input: UserImportUploadCreateInput!) {
  userImportUploadCreate(input: $input) {
    upload {
      objectKey url method contentType maxBytes expiresAt kind fileName
      headers { name value } fields { name value }
    }
    errors { field code message }
  }
}
"""
START = """
mutation($input: UserImportStartInput!) {
  userImportStart(input: $input) { job { id state } errors { field code message } }
}
"""
JOB_FIELDS = """
id kind state total processed created failed errorReportUrl createdAt startedAt finishedAt
error progress { state percent succeeded }
"""
JOB = f"query($id: ID!) {{ userImportJob(id: $id) {{ {JOB_FIELDS} }} }}"
JOBS = "query($first: Int) { userImportJobs(first: $first) { totalCount nodes { id state } } }"


@pytest.fixture(params=["sqlite-local", "sqlite-s3", "postgres-local", "postgres-s3"])
def db_settings(request: pytest.FixtureRequest) -> Settings:
    """Each database with each object store: the local folder, then S3 on moto."""
    database, store = request.param.split("-")
    db_settings: Settings = request.getfixturevalue(f"{database}_settings")
    if store == "local":
        return db_settings.with_overrides(public_url=LOCAL_PUBLIC_URL)
    s3: Settings = request.getfixturevalue("s3_settings")
    return db_settings.with_overrides(
        storage_backend="s3",
        s3_endpoint_url=s3.s3_endpoint_url,
        s3_bucket=s3.s3_bucket,
        s3_region=s3.s3_region,
        s3_access_key_id=s3.s3_access_key_id,
        s3_secret_access_key=s3.s3_secret_access_key,
    )


def _client_for(app: IdentityApp, url: str) -> httpx.AsyncClient:
    """The app's own client for its signed ``/files`` URLs, a real one for S3."""
    return app.client if url.startswith(LOCAL_PUBLIC_URL) else httpx.AsyncClient()


async def _upload(app: IdentityApp, token: str, content: bytes) -> str:
    """Ask for an upload target, send ``content`` to it over HTTP; the object key."""
    body = await app.post(
        UPLOAD,
        {"input": {"kind": "STUDENT", "fileName": "students.csv", "sizeBytes": len(content)}},
        token=token,
    )
    payload = body["data"]["userImportUploadCreate"]
    assert payload["errors"] == []
    target = payload["upload"]
    assert target["contentType"] == "text/csv"
    client = _client_for(app, target["url"])
    if target["method"] == "PUT":
        headers = {entry["name"]: entry["value"] for entry in target["headers"]}
        response = await client.put(target["url"], content=content, headers=headers)
    else:
        fields = {entry["name"]: entry["value"] for entry in target["fields"]}
        response = await client.post(
            target["url"], data=fields, files={"file": ("students.csv", content, "text/csv")}
        )
    if client is not app.client:
        await client.aclose()
    assert response.status_code in (200, 201, 204), response.text
    key: str = target["objectKey"]
    return key


async def _start(app: IdentityApp, token: str, key: str) -> dict[str, Any]:
    body = await app.post(START, {"input": {"kind": "STUDENT", "objectKey": key}}, token=token)
    payload: dict[str, Any] = body["data"]["userImportStart"]
    return payload


async def _finished_job(app: IdentityApp, token: str, job_id: str) -> dict[str, Any]:
    """The job once the worker has finished it (within 30 s)."""
    async with asyncio.timeout(30):
        while True:
            body = await app.post(JOB, {"id": job_id}, token=token)
            job: dict[str, Any] = body["data"]["userImportJob"]
            if job["state"] in ("SUCCEEDED", "FAILED"):
                return job
            await asyncio.sleep(0.05)


def _file_with_bad_rows() -> bytes:
    """120 good students, then a bad email, a blank name and a repeated email (lines 122-124)."""
    rows = student_rows(120)
    rows += [["not-an-email", "Bad Email", "", ""], ["blank@example.edu", "", "", ""]]
    rows += [["student1@example.edu", "Student Again", "", ""]]
    return csv_file(rows)


async def test_an_admin_imports_a_file_and_downloads_the_report_of_its_bad_rows(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    # given a file of 123 rows, 3 of them bad, uploaded over HTTP to the target the API gave
    key = await _upload(identity_app, token, _file_with_bad_rows())

    # when the admin starts the import (the service's worker runs it)
    started = await _start(identity_app, token, key)
    assert started["errors"] == []
    job_id = started["job"]["id"]
    assert started["job"]["state"] in ("PENDING", "RUNNING", "SUCCEEDED")

    # then the job succeeds with the right counters
    job = await _finished_job(identity_app, token, job_id)
    assert job["state"] == "SUCCEEDED", job["error"]
    assert (job["kind"], job["total"], job["processed"]) == ("STUDENT", 123, 123)
    assert (job["created"], job["failed"], job["error"]) == (120, 3, None)
    assert job["startedAt"] is not None
    assert job["finishedAt"] is not None
    assert job["progress"] == {"state": "SUCCEEDED", "percent": 100.0, "succeeded": 120}

    # and the error report downloads through its signed URL and lists the bad rows
    url = job["errorReportUrl"]
    assert url
    client = _client_for(identity_app, url)
    response = await client.get(url)
    if client is not identity_app.client:
        await client.aclose()
    assert response.status_code == 200
    report = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["row"], r["field"], r["code"]) for r in report] == [
        ("122", "email", "INVALID_EMAIL"),
        ("123", "display_name", "REQUIRED_FIELD"),
        ("124", "email", "DUPLICATE_EMAIL"),
    ]

    # and the new accounts exist, and the job is listed
    users = await identity_app.post(
        'query { users(filter: {emailPrefix: "student"}) { totalCount } }', token=token
    )
    assert users["data"]["users"]["totalCount"] == 120 + 1  # with the world's student
    listed = await identity_app.post(JOBS, {"first": 10}, token=token)
    assert listed["data"]["userImportJobs"]["nodes"] == [{"id": job_id, "state": "SUCCEEDED"}]

    # and starting the same file again returns the same finished job
    again = await _start(identity_app, token, key)
    assert again["job"] == {"id": job_id, "state": "SUCCEEDED"}


async def test_students_are_forbidden_and_other_colleges_see_no_job(
    identity_app: IdentityApp, world: World
) -> None:
    # given a job of college A
    key = await _upload(identity_app, world.tokens["admin_a"], csv_file(student_rows(2)))
    job_id = (await _start(identity_app, world.tokens["admin_a"], key))["job"]["id"]

    # when a student asks for an upload target, starts or reads jobs, then it is forbidden
    student = world.tokens["student_a"]
    upload_input = {"kind": "STUDENT", "fileName": "a.csv", "sizeBytes": 10}
    assert error_codes(await identity_app.post(UPLOAD, {"input": upload_input}, token=student)) == [
        "FORBIDDEN"
    ]
    assert error_codes(
        await identity_app.post(
            START, {"input": {"kind": "STUDENT", "objectKey": key}}, token=student
        )
    ) == ["FORBIDDEN"]
    assert error_codes(await identity_app.post(JOB, {"id": job_id}, token=student)) == ["FORBIDDEN"]

    # when college B's admin reads the job, then it does not exist for them
    other = world.tokens["admin_b"]
    assert error_codes(await identity_app.post(JOB, {"id": job_id}, token=other)) == ["NOT_FOUND"]
    listed = await identity_app.post(JOBS, {"first": 10}, token=other)
    assert listed["data"]["userImportJobs"] == {"totalCount": 0, "nodes": []}
    # and college A's upload key cannot be started by college B
    stolen = await _start(identity_app, other, key)
    assert [e["code"] for e in stolen["errors"]] == ["IMPORT_FILE_NOT_FOUND"]


async def test_upload_targets_refuse_large_files_and_start_needs_an_upload(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    # when the file is larger than the limit, then no target is given
    too_big = IdentitySettings().import_max_bytes + 1
    body = await identity_app.post(
        UPLOAD,
        {"input": {"kind": "STAFF", "fileName": "staff.csv", "sizeBytes": too_big}},
        token=token,
    )
    payload = body["data"]["userImportUploadCreate"]
    assert payload["upload"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("sizeBytes", "IMPORT_FILE_TOO_LARGE")
    ]

    # when an import starts before its file was uploaded, then it is refused as data
    target = await identity_app.post(
        UPLOAD, {"input": {"kind": "STAFF", "fileName": "staff.csv", "sizeBytes": 5}}, token=token
    )
    key = target["data"]["userImportUploadCreate"]["upload"]["objectKey"]
    started = await _start(identity_app, token, key)
    assert started["job"] is None
    assert [(e["field"], e["code"]) for e in started["errors"]] == [
        ("objectKey", "IMPORT_FILE_NOT_FOUND")
    ]


# -- the worker and its progress channel ------------------------------------------------------
@pytest.fixture
async def idle_app(cache_settings: Settings) -> AsyncIterator[tuple[IdentityApp, World]]:
    """Identity on memory or Redis pub/sub, without its worker (tests run it themselves)."""
    settings = cache_settings.with_overrides(auto_migrate=False, public_url=LOCAL_PUBLIC_URL)
    platform = Platform.from_settings(settings)
    service = platform.add(dataclasses.replace(SERVICE, tasks=()))
    await service.migrations.upgrade()
    app = create_app(platform, graphql={URL: service}, name="identity")
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=LOCAL_PUBLIC_URL
            ) as client,
        ):
            identity = IdentityApp(service, client)
            async with service.database.transaction() as session:
                college = await make_college(session)
                admin = await make_account(session, college=college, roles=["college-admin"])
                other_college = await make_college(session, slug="other", name="Other")
            token = await identity.token_for(admin)
            yield (
                identity,
                World(
                    college_a=college,
                    college_b=other_college,
                    admin_a=admin,
                    teacher_a=admin,
                    student_a=admin,
                    admin_b=admin,
                    student_b=admin,
                    root=admin,
                    tokens={"admin_a": token},
                ),
            )
    finally:
        await service.database.drop()


async def test_the_progress_channel_counts_up_to_the_final_state(
    idle_app: tuple[IdentityApp, World],
) -> None:
    app, world = idle_app
    token = world.tokens["admin_a"]
    # given a started import of 250 rows (3 batches), one of them bad, no worker running yet
    key = await _upload(app, token, csv_file([*student_rows(249), ["bad", "Bad", "", ""]]))
    job_id = (await _start(app, token, key))["job"]["id"]
    local_id = from_global_id(job_id)  # the channel is named by the job's local id

    messages: list[dict[str, Any]] = []
    pubsub = app.service.platform.pubsub
    async with pubsub.subscribe(progress_channel(local_id)) as channel:
        # when the worker runs
        worker = asyncio.create_task(run_import_worker(app.service))
        try:
            async with asyncio.timeout(30):
                async for message in channel:
                    messages.append(message)
                    if message["state"] in ("SUCCEEDED", "FAILED"):
                        break
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)

    # then the counters rise batch by batch to the final state
    assert [m["processed"] for m in messages] == [100, 200, 250, 250]
    assert [m["state"] for m in messages] == ["RUNNING", "RUNNING", "RUNNING", "SUCCEEDED"]
    final = messages[-1]
    assert final["id"] == job_id
    assert (final["total"], final["created"], final["failed"]) == (250, 249, 1)
    assert final["finishedAt"] is not None


async def test_a_started_import_wakes_an_idle_worker_at_once(
    idle_app: tuple[IdentityApp, World],
) -> None:
    app, world = idle_app
    token = world.tokens["admin_a"]
    # given a worker that has found nothing to do and would not look again for 10 minutes
    worker = asyncio.create_task(
        run_import_worker(app.service, settings=IdentitySettings(import_poll_interval_seconds=600))
    )
    try:
        await asyncio.sleep(0.3)
        # when an import is started
        key = await _upload(app, token, csv_file(student_rows(3)))
        job_id = (await _start(app, token, key))["job"]["id"]

        # then the worker runs it without waiting for its poll interval
        job = await _finished_job(app, token, job_id)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    assert (job["state"], job["created"], job["failed"]) == ("SUCCEEDED", 3, 0)

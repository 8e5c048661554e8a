"""A college's first day, through the gateway of ``lms dev``, on both deployments.

The platform super-admin creates a college; its admin accepts the emailed
invitation, imports 1,000 students from a CSV file with bad rows in it and
downloads the report of those rows; a student accepts their invitation, logs
in, refreshes the session, changes the password against the policy, and is
deactivated: the access token they hold stops working at once.

Emails are read the way a person reads them: from the mailbox ``lms dev``
keeps when no SMTP server is configured (``LMS_DATA_DIR/mailbox``).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from typing import cast

import httpx

from subgraphs.identity.bootstrap import create_superadmin
from tests.e2e.journey import PASSWORD, emails_to, graphql, mutate, token_in
from tests.fixtures.platform import RunningApp

STUDENTS = 1_000
BAD_ROWS = [
    ["not-an-email", "Bad Email"],
    ["", "No Email"],
    ["blank-name@example.edu", ""],
]
NEW_PASSWORD = "a brand new passphrase for term 2"


def _own_path(app: RunningApp, url: str) -> str | None:
    """The path of ``url`` when the app itself serves it (the local store's signed URLs)."""
    base = app.platform.settings.effective_public_url
    return url[len(base) :] if url.startswith(base + "/") else None


def _students_csv(domain: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "display_name"])
    for n in range(STUDENTS - len(BAD_ROWS)):
        writer.writerow([f"student{n}@{domain}", f"Student {n}"])
    writer.writerows(BAD_ROWS)
    return out.getvalue().encode()


async def _upload(app: RunningApp, token: str, content: bytes) -> str:
    payload = await mutate(
        app,
        "userImportUploadCreate",
        """mutation ($input: UserImportUploadCreateInput!) {
          userImportUploadCreate(input: $input) {
            upload { objectKey url method headers { name value } fields { name value } }
            errors { field code message }
          }
        }""",
        {"input": {"kind": "STUDENT", "fileName": "students.csv", "sizeBytes": len(content)}},
        token,
    )
    target = payload["upload"]
    own = _own_path(app, target["url"])
    async with httpx.AsyncClient() as outside:
        client, url = (app.client, own) if own is not None else (outside, target["url"])
        if target["method"] == "PUT":
            headers = {entry["name"]: entry["value"] for entry in target["headers"]}
            response = await client.put(url, content=content, headers=headers)
        else:
            fields = {entry["name"]: entry["value"] for entry in target["fields"]}
            response = await client.post(
                url, data=fields, files={"file": ("students.csv", content, "text/csv")}
            )
    assert response.status_code in (200, 201, 204), response.text
    return cast(str, target["objectKey"])


async def _download(app: RunningApp, url: str) -> str:
    own = _own_path(app, url)
    if own is not None:
        response = await app.client.get(own)
    else:
        async with httpx.AsyncClient() as outside:
            response = await outside.get(url)
    assert response.status_code == 200, response.text
    return response.text


async def test_a_college_onboards_its_students_and_one_of_them_loses_access(
    running_app: RunningApp,
) -> None:
    app = running_app
    suffix = uuid.uuid4().hex[:8]
    domain = f"college-{suffix}.example.edu"

    # given a fresh install's super-admin, made by `lms create-superadmin`'s function
    identity = app.platform.services["identity"]
    async with identity.database.transaction() as session:
        await create_superadmin(session, email=f"root-{suffix}@platform.example", password=PASSWORD)
    login = """mutation ($input: LoginInput!) {
      login(input: $input) {
        session { accessToken refreshToken user { id email } }
        retryAfterSeconds errors { field code message }
      }
    }"""
    root = await mutate(
        app,
        "login",
        login,
        {"input": {"email": f"root-{suffix}@platform.example", "password": PASSWORD}},
    )
    root_token = root["session"]["accessToken"]

    # when the super-admin creates a college, whose admin accepts the emailed invitation
    admin_email = f"admin@{domain}"
    created = await mutate(
        app,
        "collegeCreate",
        """mutation ($input: CollegeCreateInput!) {
          collegeCreate(input: $input) {
            college { id slug } admin { id status } errors { field code message }
          }
        }""",
        {
            "input": {
                "slug": f"college-{suffix}",
                "name": f"College {suffix}",
                "adminEmail": admin_email,
                "adminDisplayName": "Ada Admin",
            }
        },
        root_token,
    )
    assert created["admin"]["status"] == "INVITED"
    invitation = (await emails_to(app, {admin_email}))[admin_email]
    accept = """mutation ($input: InvitationAcceptInput!) {
      invitationAccept(input: $input) {
        session { accessToken refreshToken user { id status } }
        errors { field code message }
      }
    }"""
    admin = await mutate(
        app,
        "invitationAccept",
        accept,
        {"input": {"token": token_in(invitation), "password": PASSWORD}},
    )
    admin_token = admin["session"]["accessToken"]
    assert admin["session"]["user"]["status"] == "ACTIVE"

    # and the college's audit log records the invitation, but never its link's token
    token_text = token_in(invitation)
    log_query = "{ auditLog(first: 100) { nodes { type data } } }"
    async with asyncio.timeout(60):
        while True:
            log = await graphql(app, log_query, token=admin_token)
            assert "errors" not in log, log["errors"]
            entries = log["data"]["auditLog"]["nodes"]
            if any(entry["type"] == "user.activated" for entry in entries):
                break
            await asyncio.sleep(0.1)
    assert {"college.created", "user.invited"} <= {entry["type"] for entry in entries}
    assert all(token_text not in json.dumps(entry["data"]) for entry in entries)

    # and the admin imports 1,000 students from a file with three bad rows
    key = await _upload(app, admin_token, _students_csv(domain))
    started = await mutate(
        app,
        "userImportStart",
        """mutation ($input: UserImportStartInput!) {
          userImportStart(input: $input) { job { id state } errors { field code message } }
        }""",
        {"input": {"kind": "STUDENT", "objectKey": key}},
        admin_token,
    )
    job_query = """query ($id: ID!) {
      userImportJob(id: $id) { state total processed created failed errorReportUrl error }
    }"""
    async with asyncio.timeout(180):
        while True:
            body = await graphql(app, job_query, {"id": started["job"]["id"]}, admin_token)
            job = body["data"]["userImportJob"]
            if job["state"] in ("SUCCEEDED", "FAILED"):
                break
            await asyncio.sleep(0.1)

    # then the job counted every row, and its report lists exactly the bad ones
    assert job["state"] == "SUCCEEDED", job["error"]
    assert (job["total"], job["processed"]) == (STUDENTS, STUDENTS)
    assert (job["created"], job["failed"]) == (STUDENTS - len(BAD_ROWS), len(BAD_ROWS))
    report = list(csv.DictReader(io.StringIO(await _download(app, job["errorReportUrl"]))))
    assert len(report) == len(BAD_ROWS)
    assert {row["email"] for row in report} == {row[0] for row in BAD_ROWS}

    # when a student accepts their invitation, logs in and refreshes the session
    student_email = f"student7@{domain}"
    student_invitation = (await emails_to(app, {student_email}))[student_email]
    await mutate(
        app,
        "invitationAccept",
        accept,
        {"input": {"token": token_in(student_invitation), "password": PASSWORD}},
    )
    student = await mutate(
        app,
        "login",
        login,
        {"input": {"college": f"college-{suffix}", "email": student_email, "password": PASSWORD}},
    )
    refreshed = await mutate(
        app,
        "tokenRefresh",
        """mutation ($input: TokenRefreshInput!) {
          tokenRefresh(input: $input) {
            session { accessToken refreshToken } errors { field code message }
          }
        }""",
        {"input": {"refreshToken": student["session"]["refreshToken"]}},
    )
    student_token = refreshed["session"]["accessToken"]
    me = await graphql(app, "{ me { id email kind } }", token=student_token)
    assert me["data"]["me"]["email"] == student_email

    # and changes the password: a weak one is refused naming the rule, a good one is taken
    change = """mutation ($input: PasswordChangeInput!) {
      passwordChange(input: $input) { accessToken errors { field code message } }
    }"""
    weak = await graphql(
        app, change, {"input": {"currentPassword": PASSWORD, "newPassword": "short"}}, student_token
    )
    codes = {error["code"] for error in weak["data"]["passwordChange"]["errors"]}
    assert "PASSWORD_TOO_SHORT" in codes
    changed = await mutate(
        app,
        "passwordChange",
        change,
        {"input": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}},
        student_token,
    )
    student_token = changed["accessToken"]

    # when the admin deactivates the student
    await mutate(
        app,
        "userDeactivate",
        """mutation ($input: UserDeactivateInput!) {
          userDeactivate(input: $input) { user { status } errors { field code message } }
        }""",
        {"input": {"id": me["data"]["me"]["id"]}},
        admin_token,
    )

    # then the student's access token is refused at once, and so is logging in again
    refused = await graphql(app, "{ me { id } }", token=student_token)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    again = await graphql(
        app,
        login,
        {
            "input": {
                "college": f"college-{suffix}",
                "email": student_email,
                "password": NEW_PASSWORD,
            }
        },
    )
    assert again["data"]["login"]["session"] is None
    assert again["data"]["login"]["errors"]

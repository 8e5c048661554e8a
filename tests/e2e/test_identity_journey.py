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
import re
import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

import httpx

from subgraphs.identity.bootstrap import create_superadmin
from tests.fixtures.platform import RunningApp

STUDENTS = 1_000
BAD_ROWS = [
    ["not-an-email", "Bad Email"],
    ["", "No Email"],
    ["blank-name@example.edu", ""],
]
PASSWORD = "correct horse battery staple 42"
NEW_PASSWORD = "a brand new passphrase for term 2"


async def _graphql(
    app: RunningApp, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await app.client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return cast(dict[str, Any], response.json())


async def _mutate(
    app: RunningApp, field: str, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    """The payload of mutation ``field``, asserting it carried no error."""
    body = await _graphql(app, query, variables, token)
    assert "errors" not in body, body["errors"]
    payload = cast(dict[str, Any], body["data"][field])
    assert payload["errors"] == [], payload["errors"]
    return payload


def _own_path(app: RunningApp, url: str) -> str | None:
    """The path of ``url`` when the app itself serves it (the local store's signed URLs)."""
    base = app.platform.settings.effective_public_url
    return url[len(base) :] if url.startswith(base + "/") else None


def _mailbox(app: RunningApp) -> Path:
    return Path(app.platform.settings.data_dir) / "mailbox"


def _read(path: Path) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


async def _emails_to(app: RunningApp, addresses: set[str]) -> dict[str, EmailMessage]:
    """The newest email to each of ``addresses``, waiting (bounded) until all arrived."""
    async with asyncio.timeout(120):
        while True:
            found: dict[str, EmailMessage] = {}
            folder = _mailbox(app)
            for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
                message = _read(path)
                to = str(message["To"]).lower()
                if to in addresses:
                    found[to] = message
            if set(found) == addresses:
                return found
            await asyncio.sleep(0.1)


def _token_in(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"token=([^\s&\"<>]+)", body.get_content())
    assert match, "the email carries no link with a token"
    return unquote(match.group(1))


def _students_csv(domain: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "display_name"])
    for n in range(STUDENTS - len(BAD_ROWS)):
        writer.writerow([f"student{n}@{domain}", f"Student {n}"])
    writer.writerows(BAD_ROWS)
    return out.getvalue().encode()


async def _upload(app: RunningApp, token: str, content: bytes) -> str:
    payload = await _mutate(
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
    root = await _mutate(
        app,
        "login",
        login,
        {"input": {"email": f"root-{suffix}@platform.example", "password": PASSWORD}},
    )
    root_token = root["session"]["accessToken"]

    # when the super-admin creates a college, whose admin accepts the emailed invitation
    admin_email = f"admin@{domain}"
    created = await _mutate(
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
    invitation = (await _emails_to(app, {admin_email}))[admin_email]
    accept = """mutation ($input: InvitationAcceptInput!) {
      invitationAccept(input: $input) {
        session { accessToken refreshToken user { id status } }
        errors { field code message }
      }
    }"""
    admin = await _mutate(
        app,
        "invitationAccept",
        accept,
        {"input": {"token": _token_in(invitation), "password": PASSWORD}},
    )
    admin_token = admin["session"]["accessToken"]
    assert admin["session"]["user"]["status"] == "ACTIVE"

    # and the college's audit log records the invitation, but never its link's token
    token_text = _token_in(invitation)
    log_query = "{ auditLog(first: 100) { nodes { type data } } }"
    async with asyncio.timeout(60):
        while True:
            log = await _graphql(app, log_query, token=admin_token)
            assert "errors" not in log, log["errors"]
            entries = log["data"]["auditLog"]["nodes"]
            if any(entry["type"] == "user.activated" for entry in entries):
                break
            await asyncio.sleep(0.1)
    assert {"college.created", "user.invited"} <= {entry["type"] for entry in entries}
    assert all(token_text not in json.dumps(entry["data"]) for entry in entries)

    # and the admin imports 1,000 students from a file with three bad rows
    key = await _upload(app, admin_token, _students_csv(domain))
    started = await _mutate(
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
            body = await _graphql(app, job_query, {"id": started["job"]["id"]}, admin_token)
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
    student_invitation = (await _emails_to(app, {student_email}))[student_email]
    await _mutate(
        app,
        "invitationAccept",
        accept,
        {"input": {"token": _token_in(student_invitation), "password": PASSWORD}},
    )
    student = await _mutate(
        app,
        "login",
        login,
        {"input": {"college": f"college-{suffix}", "email": student_email, "password": PASSWORD}},
    )
    refreshed = await _mutate(
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
    me = await _graphql(app, "{ me { id email kind } }", token=student_token)
    assert me["data"]["me"]["email"] == student_email

    # and changes the password: a weak one is refused naming the rule, a good one is taken
    change = """mutation ($input: PasswordChangeInput!) {
      passwordChange(input: $input) { accessToken errors { field code message } }
    }"""
    weak = await _graphql(
        app, change, {"input": {"currentPassword": PASSWORD, "newPassword": "short"}}, student_token
    )
    codes = {error["code"] for error in weak["data"]["passwordChange"]["errors"]}
    assert "PASSWORD_TOO_SHORT" in codes
    changed = await _mutate(
        app,
        "passwordChange",
        change,
        {"input": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}},
        student_token,
    )
    student_token = changed["accessToken"]

    # when the admin deactivates the student
    await _mutate(
        app,
        "userDeactivate",
        """mutation ($input: UserDeactivateInput!) {
          userDeactivate(input: $input) { user { status } errors { field code message } }
        }""",
        {"input": {"id": me["data"]["me"]["id"]}},
        admin_token,
    )

    # then the student's access token is refused at once, and so is logging in again
    refused = await _graphql(app, "{ me { id } }", token=student_token)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    again = await _graphql(
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

"""What end-to-end journeys do through the gateway of ``lms dev``: post, mutate, read emails.

Emails are read the way a person reads them: from the mailbox ``lms dev``
keeps when no SMTP server is configured (``LMS_DATA_DIR/mailbox``). The
journeys run against anything :class:`Reachable`: the dev app in the test's
process (:class:`~tests.fixtures.platform.RunningApp`) or an ``lms dev``
server process (the load scenarios).
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import unquote

import httpx

__all__ = [
    "ACCEPT",
    "LOGIN",
    "PASSWORD",
    "College",
    "Reachable",
    "accept_invitation",
    "emails_to",
    "graphql",
    "mutate",
    "new_college",
    "token_in",
]

PASSWORD = "correct horse battery staple 42"

LOGIN = """mutation ($input: LoginInput!) {
  login(input: $input) {
    session { accessToken refreshToken user { id email } }
    retryAfterSeconds errors { field code message }
  }
}"""

ACCEPT = """mutation ($input: InvitationAcceptInput!) {
  invitationAccept(input: $input) {
    session { accessToken refreshToken user { id status } }
    errors { field code message }
  }
}"""


class Reachable(Protocol):
    """A running platform a journey can use."""

    @property
    def client(self) -> httpx.AsyncClient:
        """An HTTP client whose base URL is the platform's."""

    @property
    def mailbox(self) -> Path:
        """The folder the platform saves its emails in."""

    async def create_superadmin(self, email: str, password: str) -> None:
        """What ``lms create-superadmin`` does."""


async def graphql(
    app: Reachable, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    """The gateway's answer to one operation (HTTP 200 asserted)."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await app.client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return cast(dict[str, Any], response.json())


async def mutate(
    app: Reachable, field: str, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    """The payload of mutation ``field``, asserting it carried no error."""
    body = await graphql(app, query, variables, token)
    assert "errors" not in body, body["errors"]
    payload = cast(dict[str, Any], body["data"][field])
    assert payload["errors"] == [], payload["errors"]
    return payload


def _read(path: Path) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


async def emails_to(app: Reachable, addresses: set[str]) -> dict[str, EmailMessage]:
    """The newest email to each of ``addresses``, waiting (bounded) until all arrived."""
    async with asyncio.timeout(120):
        while True:
            found: dict[str, EmailMessage] = {}
            folder = app.mailbox
            for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
                message = _read(path)
                to = str(message["To"]).lower()
                if to in addresses:
                    found[to] = message
            if set(found) == addresses:
                return found
            await asyncio.sleep(0.1)


def token_in(message: EmailMessage) -> str:
    """The single-use token of the link an email carries."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"token=([^\s&\"<>]+)", body.get_content())
    assert match, "the email carries no link with a token"
    return unquote(match.group(1))


async def accept_invitation(app: Reachable, email: str) -> dict[str, Any]:
    """Accept the invitation emailed to ``email`` with :data:`PASSWORD`; its session."""
    invitation = (await emails_to(app, {email}))[email]
    accepted = await mutate(
        app,
        "invitationAccept",
        ACCEPT,
        {"input": {"token": token_in(invitation), "password": PASSWORD}},
    )
    return cast(dict[str, Any], accepted["session"])


@dataclass(frozen=True)
class College:
    """A college made through the gateway, and its admin signed in."""

    id: str
    slug: str
    domain: str
    admin_token: str
    root_token: str


async def new_college(app: Reachable) -> College:
    """A fresh install's super-admin creates a college, whose admin accepts the invitation."""
    suffix = uuid.uuid4().hex[:8]
    domain = f"college-{suffix}.example.edu"
    await app.create_superadmin(f"root-{suffix}@platform.example", PASSWORD)
    root = await mutate(
        app,
        "login",
        LOGIN,
        {"input": {"email": f"root-{suffix}@platform.example", "password": PASSWORD}},
    )
    root_token = root["session"]["accessToken"]
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
                "adminEmail": f"admin@{domain}",
                "adminDisplayName": "Ada Admin",
            }
        },
        root_token,
    )
    assert created["admin"]["status"] == "INVITED"
    admin = await accept_invitation(app, f"admin@{domain}")
    return College(
        id=created["college"]["id"],
        slug=created["college"]["slug"],
        domain=domain,
        admin_token=admin["accessToken"],
        root_token=root_token,
    )

"""Every audit entry names the request that caused it, through the gateway of ``lms dev``.

An admin invites a person from a client behind a proxy. The invitation
(identity's ``user.invited``) and the profile the users subgraph makes when
it reads that event (``profile.created``) are both recorded with the
request's id, the client's address (the proxy's ``X-Forwarded-For``, believed
because the proxy is trusted) and its user agent; the audit log finds both by
the request id.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tests.e2e.journey import new_college
from tests.e2e.week import INVITE
from tests.fixtures.platform import RunningApp

LOG = """query ($filter: AuditLogFilter) {
  auditLog(first: 50, filter: $filter) {
    nodes { type requestId clientIp userAgent }
  }
}"""
CLIENT_IP = "203.0.113.9"
USER_AGENT = "Registrar-App/2.0 (Android 15)"


async def _entries(app: RunningApp, token: str, **filter: str) -> list[dict[str, Any]]:
    response = await app.client.post(
        "/graphql",
        json={"query": LOG, "variables": {"filter": filter}},
        headers={"authorization": f"Bearer {token}"},
    )
    body = response.json()
    assert "errors" not in body, body["errors"]
    nodes: list[dict[str, Any]] = body["data"]["auditLog"]["nodes"]
    return nodes


async def test_events_of_a_request_carry_its_id_and_client_into_the_audit_log(
    running_app: RunningApp,
) -> None:
    app = running_app
    college = await new_college(app)
    request_id = f"req-{uuid.uuid4().hex}"

    # when the admin invites a person from a client behind a trusted proxy
    response = await app.client.post(
        "/graphql",
        json={
            "query": INVITE,
            "variables": {
                "input": {
                    "email": f"rita@{college.domain}",
                    "displayName": "Rita Registrar",
                    "kind": "STAFF",
                    "roleKeys": ["teacher"],
                }
            },
        },
        headers={
            "authorization": f"Bearer {college.admin_token}",
            "x-request-id": request_id,
            "x-forwarded-for": CLIENT_IP,
            "user-agent": USER_AGENT,
        },
    )
    assert response.headers["x-request-id"] == request_id
    invited = response.json()["data"]["userInvite"]
    assert invited["errors"] == []

    # then the invitation and the profile made from it are found by the request id
    async with asyncio.timeout(60):
        while True:
            entries = await _entries(app, college.admin_token, requestId=request_id)
            if {"user.invited", "profile.created"} <= {entry["type"] for entry in entries}:
                break
            await asyncio.sleep(0.1)
    assert {entry["type"] for entry in entries} == {"user.invited", "profile.created"}
    for entry in entries:
        assert entry["requestId"] == request_id
        assert entry["clientIp"] == CLIENT_IP
        assert entry["userAgent"] == USER_AGENT

    # and the log is searchable by the client's address, within the college only
    by_address = await _entries(app, college.admin_token, clientIp=CLIENT_IP)
    assert {entry["requestId"] for entry in by_address} == {request_id}
    other = await new_college(app)
    assert await _entries(app, other.admin_token, requestId=request_id) == []

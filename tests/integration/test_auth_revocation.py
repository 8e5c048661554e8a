"""Revoked tokens are refused by a real subgraph app, on the memory cache and on Redis.

The audit subgraph is served by ``shared.app.create_app`` on a platform made
from settings, as ``lms serve audit`` does, and driven over HTTP with tokens.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from shared.app import create_app
from shared.auth import REVOKED_MESSAGE, Principal, TokenIssuer
from shared.config import Settings
from shared.runtime import Platform
from subgraphs.audit.app import SERVICE as AUDIT

pytestmark = pytest.mark.integration

QUERY = "{ auditLog(first: 1) { totalCount } }"


class AuditApp:
    """One running audit app and an HTTP client on it."""

    def __init__(self, platform: Platform, client: httpx.AsyncClient) -> None:
        self.platform = platform
        self.client = client
        self.issuer = TokenIssuer.from_settings(platform.settings, platform.keys)

    def token(self, user_id: str = "u1", session_id: str = "s1") -> str:
        return self.issuer.issue(
            Principal(
                user_id=user_id,
                college_id="c1",
                permissions=frozenset({"audit:read"}),
                session_id=session_id,
            )
        )

    async def query(self, token: str) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql", json={"query": QUERY}, headers={"authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def _start(stack: AsyncExitStack, settings: Settings) -> AuditApp:
    platform = Platform.from_settings(settings)
    service = platform.add(AUDIT)
    app = create_app(platform, graphql={"/graphql": service}, name="audit")
    await stack.enter_async_context(app.router.lifespan_context(app))
    client = await stack.enter_async_context(
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://audit")
    )
    return AuditApp(platform, client)


@pytest.fixture
async def audit(cache_settings: Settings) -> AsyncIterator[AuditApp]:
    async with AsyncExitStack() as stack:
        yield await _start(stack, cache_settings)


def _accepted(body: dict[str, Any]) -> bool:
    return "errors" not in body and body["data"]["auditLog"]["totalCount"] == 0


def _refused_as_ended(body: dict[str, Any]) -> bool:
    [error] = body["errors"]
    return (
        body.get("data") is None
        and error["extensions"]["code"] == "UNAUTHENTICATED"
        and error["message"] == REVOKED_MESSAGE
    )


async def test_a_revoked_users_token_is_refused_and_a_new_one_works(audit: AuditApp) -> None:
    # given a user whose token works
    old = audit.token()
    assert _accepted(await audit.query(old))

    # when the user is revoked (deactivated, logged out everywhere) and then logs in again
    await audit.platform.revocations.revoke_user("u1")
    new = audit.token(session_id="s2")

    # then the old token is refused as an ended session, the new one works
    assert _refused_as_ended(await audit.query(old))
    assert _accepted(await audit.query(new))


async def test_a_revoked_session_refuses_only_that_session(audit: AuditApp) -> None:
    # given two sessions of one user and a session of another user
    phone, laptop = audit.token(session_id="phone"), audit.token(session_id="laptop")
    other = audit.token(user_id="u2", session_id="other")

    # when the phone logs out
    await audit.platform.revocations.revoke_session("phone")

    # then only the phone's token is refused
    assert _refused_as_ended(await audit.query(phone))
    assert _accepted(await audit.query(laptop))
    assert _accepted(await audit.query(other))


async def test_revoked_looks_like_expired_to_the_client(audit: AuditApp) -> None:
    # given an expired token and a revoked one
    expired = audit.issuer.issue(Principal(user_id="u3"), ttl=-60)
    revoked = audit.token(user_id="u4")
    await audit.platform.revocations.revoke_user("u4")

    # when both are sent
    expired_body, revoked_body = await audit.query(expired), await audit.query(revoked)

    # then both fail the same way: no data, one UNAUTHENTICATED error
    for body in (expired_body, revoked_body):
        assert body.get("data") is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def test_every_process_on_one_redis_refuses_at_once(redis_settings: Settings) -> None:
    # given two processes' apps (two platforms) on the same Redis and key folder
    async with AsyncExitStack() as stack:
        first = await _start(stack, redis_settings)
        second = await _start(stack, redis_settings)
        token = first.token()
        assert _accepted(await second.query(token))

        # when the first process revokes the user
        await first.platform.revocations.revoke_user("u1")

        # then the second refuses the token on its next request
        assert _refused_as_ended(await second.query(token))
        assert _refused_as_ended(await first.query(token))

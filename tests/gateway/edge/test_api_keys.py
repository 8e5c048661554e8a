"""API keys through the gateway: the edge trades a key for identity's token, then caches it.

The platform runs identity in one app, as ``lms dev`` does; the gateway
reaches identity's exchange route in process and plans over identity's
subgraph, which must see the key's principal.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.edge.api_keys import ApiKeyExchange
from lms.commands.dev import create_dev_app, subgraph_path
from shared.auth import Principal
from shared.config import Settings
from shared.service import Service
from subgraphs.identity import api_keys
from subgraphs.identity.accounts import principal_for_account
from subgraphs.identity.app import SERVICE as IDENTITY
from subgraphs.identity.models import College
from subgraphs.identity.permissions import COLLEGE_ADMIN
from tests.factories.identity import make_account, make_college

PEOPLE = "{ me { id } users(first: 20) { nodes { email } } }"


class AuthorizationRecorder:
    """ASGI middleware keeping the ``Authorization`` header of each request to ``path``."""

    def __init__(self, app: ASGIApp, *, path: str, seen: list[str]) -> None:
        self.app = app
        self.path = path
        self.seen = seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path:
            headers = dict(scope["headers"])
            self.seen.append(headers.get(b"authorization", b"").decode())
        await self.app(scope, receive, send)


@dataclass
class Integration:
    """The running platform, a client on it and an API key of one college."""

    app: Starlette
    client: httpx.AsyncClient
    seen: list[str]
    """``Authorization`` of each request identity's subgraph received."""
    college: College
    admin: Principal
    key_id: str
    key: str

    @property
    def identity(self) -> Service:
        service: Service = self.app.state.platform.services["identity"]
        return service

    @property
    def exchange(self) -> ApiKeyExchange:
        exchange: ApiKeyExchange = self.app.state.api_keys
        return exchange

    async def query(self, headers: dict[str, str]) -> httpx.Response:
        return await self.client.post("/graphql", json={"query": PEOPLE}, headers=headers)


@pytest.fixture
async def integration(sqlite_settings: Settings, tmp_path: Path) -> AsyncIterator[Integration]:
    settings = sqlite_settings.with_overrides(outbox_poll_interval=0.05, api_key_token_ttl=3)
    app = create_dev_app(
        settings, committed_supergraph=tmp_path / "absent.graphql", specs=[IDENTITY]
    )
    seen: list[str] = []
    app.add_middleware(AuthorizationRecorder, path=subgraph_path("identity"), seen=seen)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        identity: Service = app.state.platform.services["identity"]
        async with identity.database.transaction() as session:
            college = await make_college(session)
            account = await make_account(
                session, college=college, email="admin@north.edu", roles=[COLLEGE_ADMIN]
            )
            admin = await principal_for_account(session, account)
            issued = await api_keys.create_api_key(
                session, actor=admin, name="Directory sync", scopes=["user:read"]
            )
        yield Integration(app, client, seen, college, admin, issued.key.id, issued.secret)


def _data(response: httpx.Response) -> dict[str, Any]:
    """The ``data`` of a successful GraphQL response."""
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def test_a_key_reads_its_college_as_an_api_key_principal(
    integration: Integration,
) -> None:
    # given an API key of a college, scoped to user:read
    # when an integration lists people with it as a bearer token
    data = _data(await integration.query({"authorization": f"Bearer {integration.key}"}))
    # then it reads its college's people, and is nobody's account (``me`` is null)
    assert data["users"]["nodes"] == [{"email": "admin@north.edu"}]
    assert data["me"] is None
    # and identity's subgraph got an access token, never the key
    forwarded = integration.seen[-1]
    assert forwarded.startswith("Bearer ey")
    assert integration.key not in forwarded
    # and that token is the key's principal, verifiable by the platform
    principal = await integration.app.state.platform.verifier.verify(forwarded[7:])
    assert principal.kind == "api_key"
    assert (principal.user_id, principal.college_id) == (integration.key_id, integration.college.id)
    assert principal.scopes == {"user:read"}


async def test_the_exchange_is_called_once_while_the_token_is_fresh(
    integration: Integration,
) -> None:
    # given a key already used once (the token lives 1 s, so it is fresh for 0.75 s)
    headers = {"x-api-key": integration.key}
    _data(await integration.query(headers))
    # when it is used again at once, in the X-API-Key header
    second = _data(await integration.query(headers))
    # then it works without a second exchange
    assert second["users"]["nodes"] == [{"email": "admin@north.edu"}]
    assert integration.exchange.exchanges == 1


async def test_an_unknown_key_is_refused_before_any_subgraph_is_called(
    integration: Integration,
) -> None:
    # given a key nobody issued
    forged = "lms_0123456789ab_" + "x" * 43
    # when it is sent
    response = await integration.query({"authorization": f"Bearer {forged}"})
    # then the gateway answers 401 UNAUTHENTICATED and no subgraph was called
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]
    assert integration.seen == []


async def test_a_revoked_key_stops_once_its_cached_token_is_stale(
    integration: Integration,
) -> None:
    # given a key in use
    headers = {"authorization": f"Bearer {integration.key}"}
    _data(await integration.query(headers))
    # when its college revokes it
    async with integration.identity.database.transaction() as session:
        await api_keys.revoke_api_key(session, actor=integration.admin, key_id=integration.key_id)
    # then the cached token may serve it until shortly before that token expires
    _data(await integration.query(headers))
    # and after the cache lifetime the key is refused
    await asyncio.sleep(2.5)
    refused = await integration.query(headers)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert integration.exchange.exchanges == 2

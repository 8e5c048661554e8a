"""What the API-key edge costs per request: a cached key against a plain JWT.

Run: ``.venv/bin/python -m pytest tests/load/test_api_key_edge_cost.py``
(pytest-benchmark prints a table). Nothing here asserts speed: the figures
are measured and reported in docs/auth.md ("API keys").

The edge wraps a trivial endpoint, so the table shows the edge itself: for
a JWT one scan of the headers; for a cached key that scan, a SHA-256 of the
key, a cache lookup and a header swap. The key was exchanged once, for real,
at identity's route on a migrated identity database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator
from dataclasses import dataclass

import httpx
import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Message, Scope

from gateway.edge.api_keys import ApiKeyExchange, with_api_keys
from shared.auth import TokenIssuer
from shared.config import Settings
from shared.runtime import Platform
from subgraphs.identity import api_keys
from subgraphs.identity.api_key_route import api_key_routes
from subgraphs.identity.app import SERVICE
from tests.factories.identity import college_admin, make_college

pytestmark = pytest.mark.integration


@dataclass
class Edge:
    """The edge around a trivial endpoint, a cached key and a JWT."""

    app: Starlette
    key: str
    jwt: str


async def _endpoint(request: Request) -> Response:
    return PlainTextResponse(request.headers["authorization"][:7])


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


async def _edge(settings: Settings) -> AsyncGenerator[Edge]:
    platform = Platform.from_settings(settings.with_overrides(auto_migrate=False))
    service = platform.add(SERVICE)
    await service.migrations.upgrade()
    identity = Starlette(routes=api_key_routes(service))
    async with service.database.transaction() as session:
        college = await make_college(session)
        issued = await api_keys.create_api_key(
            session, actor=college_admin(college), name="Bench", scopes=["user:read"]
        )
    exchange = ApiKeyExchange.from_settings(settings, app=identity)
    assert exchange is not None
    app = Starlette(routes=[Route("/graphql", with_api_keys(_endpoint, exchange))])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gw"
    ) as client:
        primed = await client.get("/graphql", headers={"x-api-key": issued.secret})
        assert primed.text == "Bearer "
    jwt = TokenIssuer.from_settings(settings, platform.keys).issue(college_admin(college))
    try:
        yield Edge(app, issued.secret, jwt)
    finally:
        await exchange.close()
        await service.database.drop()


@pytest.fixture
def edge(loop: asyncio.AbstractEventLoop, sqlite_settings: Settings) -> Iterator[Edge]:
    running = _edge(sqlite_settings)
    yield loop.run_until_complete(running.__anext__())
    loop.run_until_complete(running.aclose())


def _call(loop: asyncio.AbstractEventLoop, edge: Edge, headers: list[tuple[bytes, bytes]]) -> int:
    """One ASGI request through the edge; the response's status."""
    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "scheme": "http",
        "query_string": b"",
        "headers": headers,
        "server": ("gw", 80),
        "client": ("127.0.0.1", 1),
        "http_version": "1.1",
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    loop.run_until_complete(edge.app(scope, receive, send))
    return status


def test_edge_with_a_jwt(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop, edge: Edge
) -> None:
    # given a request carrying a JWT
    headers = [(b"accept", b"application/json"), (b"authorization", f"Bearer {edge.jwt}".encode())]
    # when it passes the edge, then it reaches the endpoint
    assert benchmark(_call, loop, edge, headers) == 200


def test_edge_with_a_cached_api_key(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop, edge: Edge
) -> None:
    # given a request carrying an API key whose token is cached
    headers = [(b"accept", b"application/json"), (b"x-api-key", edge.key.encode())]
    # when it passes the edge, then it reaches the endpoint with a bearer token
    assert benchmark(_call, loop, edge, headers) == 200

"""Fixtures of the edge tests: the two subgraphs on real ports, the gateway in front of them.

The supergraph in ``supergraph/supergraph.graphql`` was composed by Apollo's
composition from the subgraphs' SDL (``test_supergraph_fixture.py`` checks it
is current); its URLs are placeholders, replaced through
``LMS_GATEWAY_SUBGRAPH_URLS`` by the ports the subgraphs were started on.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL

from gateway.edge import create_gateway_app
from gateway.engine import Gateway
from shared.config import Settings
from tests.gateway.edge.subgraphs import courses_schema, people_schema

SUPERGRAPH_DIR = Path(__file__).parent / "supergraph"
SUPERGRAPH = SUPERGRAPH_DIR / "supergraph.graphql"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class HeaderRecorder:
    """ASGI middleware keeping the headers of every request a subgraph received."""

    app: ASGIApp
    seen: list[dict[str, str]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append(
                {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            )
        await self.app(scope, receive, send)


@dataclass
class Subgraphs:
    """The running subgraphs: their URLs and the headers each received."""

    urls: dict[str, str]
    recorders: dict[str, HeaderRecorder]

    def overrides(self, **changes: str) -> str:
        """``LMS_GATEWAY_SUBGRAPH_URLS`` pointing at the running subgraphs (or ``changes``)."""
        urls = {**self.urls, **changes}
        return ",".join(f"{name}={url}" for name, url in urls.items())


@pytest.fixture(scope="session")
async def subgraphs() -> AsyncIterator[Subgraphs]:
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []
    urls: dict[str, str] = {}
    recorders: dict[str, HeaderRecorder] = {}
    for name, schema in (("courses", courses_schema), ("people", people_schema)):
        recorder = HeaderRecorder(GraphQL(schema, graphql_ide=None))
        port = free_port()
        config = uvicorn.Config(
            recorder, host="127.0.0.1", port=port, log_config=None, lifespan="off"
        )
        server = uvicorn.Server(config)
        servers.append((server, asyncio.create_task(server.serve())))
        urls[name] = f"http://127.0.0.1:{port}/graphql"
        recorders[name] = recorder
    for server, task in servers:
        while not server.started:
            assert not task.done(), "a test subgraph failed to start"
            await asyncio.sleep(0.01)
    yield Subgraphs(urls, recorders)
    for server, _ in servers:
        server.should_exit = True
    await asyncio.gather(*(task for _, task in servers))


def gateway_settings(subgraphs: Subgraphs, **overrides: Any) -> Settings:
    """Settings of a gateway in front of ``subgraphs`` (development unless overridden)."""
    values: dict[str, Any] = {
        "gateway_subgraph_urls": subgraphs.overrides(),
        "gateway_subgraph_timeout": 5,
        "environment": "development",
    }
    values.update(overrides)
    return Settings.load({}, **values)


@dataclass
class GatewayClient:
    """An HTTP client on a gateway app, and the gateway behind it."""

    http: httpx.AsyncClient
    gateway: Gateway


async def open_gateway(settings: Settings) -> GatewayClient:
    gateway = Gateway.from_settings(settings, SUPERGRAPH)
    app = create_gateway_app(gateway, settings)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")
    return GatewayClient(http, gateway)


async def close_gateway(client: GatewayClient) -> None:
    await client.http.aclose()
    await client.gateway.close()


@pytest.fixture(scope="session")
async def dev_gateway(subgraphs: Subgraphs) -> AsyncIterator[GatewayClient]:
    """A gateway in development mode (query plans on request, GraphiQL)."""
    client = await open_gateway(gateway_settings(subgraphs))
    yield client
    await close_gateway(client)


@pytest.fixture(scope="session")
async def prod_gateway(subgraphs: Subgraphs) -> AsyncIterator[GatewayClient]:
    """A gateway in production mode."""
    client = await open_gateway(gateway_settings(subgraphs, environment="production"))
    yield client
    await close_gateway(client)


@pytest.fixture
def client(dev_gateway: GatewayClient) -> httpx.AsyncClient:
    return dev_gateway.http

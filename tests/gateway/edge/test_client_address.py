"""The gateway passes the client's user agent and address on to subgraphs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.edge import create_gateway_app
from gateway.engine import Gateway
from gateway.engine.forwarding import subgraph_headers
from tests.gateway.edge.conftest import SUPERGRAPH, Subgraphs, gateway_settings

CLIENT = ("203.0.113.7", 51234)
QUERY = {"query": "{ courses { teacher { name } } }"}


@pytest.fixture
async def remote_client(subgraphs: Subgraphs) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the gateway connecting from a public address."""
    settings = gateway_settings(subgraphs)
    gateway = Gateway.from_settings(settings, SUPERGRAPH)
    app = create_gateway_app(gateway, settings)
    transport = httpx.ASGITransport(app=app, client=CLIENT)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client
    await gateway.close()


async def test_user_agent_and_peer_address_reach_every_subgraph(
    remote_client: httpx.AsyncClient, subgraphs: Subgraphs
) -> None:
    # given a browser connecting from 203.0.113.7, sending no X-Forwarded-For
    seen = {name: recorder.seen for name, recorder in subgraphs.recorders.items()}
    for requests in seen.values():
        requests.clear()
    # when its query needs both subgraphs
    response = await remote_client.post("/graphql", json=QUERY, headers={"user-agent": "Fx/1"})
    assert response.status_code == 200, response.text
    # then each subgraph received the browser's user agent and address
    for name in ("courses", "people"):
        (received,) = seen[name]
        assert received["user-agent"] == "Fx/1", name
        assert received["x-forwarded-for"] == "203.0.113.7", name


async def test_the_peer_is_appended_to_the_forwarded_for_the_client_sent(
    remote_client: httpx.AsyncClient, subgraphs: Subgraphs
) -> None:
    # given a request that already passed a proxy (or claims to have)
    seen = subgraphs.recorders["courses"].seen
    seen.clear()
    # when it reaches the gateway from 203.0.113.7
    headers = {"x-forwarded-for": "198.51.100.1, 10.0.0.2"}
    response = await remote_client.post("/graphql", json=QUERY, headers=headers)
    assert response.status_code == 200, response.text
    # then the gateway's peer is the rightmost entry the subgraph sees
    (received,) = seen
    assert received["x-forwarded-for"] == "198.51.100.1, 10.0.0.2, 203.0.113.7"


def test_an_oversized_forwarded_for_keeps_its_rightmost_entries() -> None:
    # given a client stuffing X-Forwarded-For
    stuffed = ", ".join(f"10.0.{i // 256}.{i % 256}" for i in range(500))
    # when the headers for subgraphs are made
    headers = subgraph_headers({"x-forwarded-for": stuffed}, peer="203.0.113.7")
    # then the value is bounded and still ends with the gateway's peer
    value = headers["x-forwarded-for"]
    assert len(value) <= 1024
    assert value.endswith(", 10.0.1.243, 203.0.113.7")

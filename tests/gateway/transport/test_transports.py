"""Both transports judge subgraph answers alike: GraphQL responses, or TransportError.

Each behaviour runs over HTTP (HttpTransport to uvicorn) and in process
(AsgiTransport calling the same app).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from starlette.applications import Starlette

from gateway.transport import (
    AsgiTransport,
    HttpTransport,
    SubgraphRequest,
    Transport,
    TransportError,
    create_http_client,
)

Make = Callable[[str, float], Transport]


@pytest.fixture(params=["http", "asgi"])
async def make(request: pytest.FixtureRequest, app: Starlette, server: str) -> AsyncIterator[Make]:
    if request.param == "asgi":
        yield lambda path, timeout: AsgiTransport("things", app, path=path, timeout=timeout)
        return
    client = create_http_client(timeout=5)
    yield lambda path, timeout: HttpTransport(
        "things", f"{server}{path}", timeout=timeout, client=client
    )
    await client.aclose()


REQUEST = SubgraphRequest(
    query="query Q($id: ID!) { thing(id: $id) { id } }",
    variables={"id": "1"},
    operation_name="Q",
    headers={"authorization": "Bearer x", "x-request-id": "r-9", "content-length": "999"},
)


async def test_posts_json_and_returns_the_graphql_response(make: Make) -> None:
    response = await make("/graphql", 2.0).send(REQUEST)
    assert response.errors == []
    assert response.extensions == {"e": 1}
    assert response.data is not None
    assert response.data["body"] == {
        "query": REQUEST.query,
        "variables": {"id": "1"},
        "operationName": "Q",
    }
    headers = response.data["headers"]
    assert headers["accept"] == "application/graphql-response+json, application/json"
    assert headers["content-type"] == "application/json"
    assert headers["authorization"] == "Bearer x"
    assert headers["x-request-id"] == "r-9"
    assert headers["content-length"] != "999"


async def test_non_2xx_with_a_graphql_body_is_a_response(make: Make) -> None:
    response = await make("/errors400", 2.0).send(REQUEST)
    assert response.data is None
    assert response.errors == [
        {"message": "Cannot query field", "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
    ]


async def test_500_without_a_graphql_body_is_a_transport_error(make: Make) -> None:
    with pytest.raises(
        TransportError, match=r"'things' answered HTTP 500 Internal Server Error"
    ) as info:
        await make("/text500", 2.0).send(REQUEST)
    assert info.value.status == 500
    assert info.value.subgraph == "things"
    assert info.value.code == "INTERNAL_SERVER_ERROR"


@pytest.mark.parametrize("path", ["/html", "/notgraphql"])
async def test_a_body_that_is_not_a_graphql_response_is_a_transport_error(
    make: Make, path: str
) -> None:
    with pytest.raises(TransportError, match="not a GraphQL response"):
        await make(path, 2.0).send(REQUEST)


async def test_a_slow_subgraph_times_out(make: Make) -> None:
    with pytest.raises(TransportError, match=r"did not answer within 0.2s"):
        await make("/slow", 0.2).send(REQUEST)


async def test_a_crashing_subgraph_is_a_transport_error(make: Make) -> None:
    with pytest.raises(TransportError) as info:
        await make("/crash", 2.0).send(REQUEST)
    assert info.value.status == 500


async def test_an_unreachable_subgraph_is_a_transport_error() -> None:
    transport = HttpTransport("gone", "http://127.0.0.1:9/graphql", timeout=2.0)
    with pytest.raises(
        TransportError, match=r"'gone' at http://127.0.0.1:9/graphql is unreachable"
    ):
        await transport.send(REQUEST)
    await transport.close()


async def test_a_shared_client_is_left_open_by_close(server: str) -> None:
    client = create_http_client(timeout=2)
    transport = HttpTransport("things", f"{server}/graphql", timeout=2.0, client=client)
    await transport.close()
    assert not client.is_closed
    assert (await transport.send(REQUEST)).data is not None
    await client.aclose()


def test_transports_implement_the_protocol(app: Starlette) -> None:
    assert isinstance(AsgiTransport("a", app), Transport)
    assert isinstance(HttpTransport("b", "http://127.0.0.1:1/graphql"), Transport)

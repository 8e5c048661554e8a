"""Fixtures of the node tests: the two subgraphs in process, composed, behind a gateway.

The supergraph is composed in process from the subgraphs' SDL by the
project's composition; ``gateway`` serves it with ``node``/``nodes`` on,
``plain_gateway`` with them off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import strawberry
from strawberry.asgi import GraphQL

from gateway.composition import SubgraphSource, compose
from gateway.engine import Gateway, GraphQLRequest
from gateway.supergraph import Supergraph
from gateway.transport import AsgiTransport, Transport
from tests.gateway.node.subgraphs import library_schema, people_schema

SUBGRAPHS: dict[str, strawberry.federation.Schema] = {
    "library": library_schema,
    "people": people_schema,
}

Query = Callable[..., Awaitable[dict[str, Any]]]


def _sdl(schema: strawberry.federation.Schema) -> str:
    result = schema.execute_sync("{ _service { sdl } }")
    assert result.data is not None, result.errors
    return str(result.data["_service"]["sdl"])


@pytest.fixture(scope="session")
def supergraph() -> Supergraph:
    result = compose(
        [
            SubgraphSource(name=name, url=f"http://{name}.internal/graphql", sdl=_sdl(schema))
            for name, schema in SUBGRAPHS.items()
        ]
    )
    assert result.supergraph_sdl is not None, result.errors
    return Supergraph.parse(result.supergraph_sdl)


def _transports() -> dict[str, Transport]:
    return {
        name: AsgiTransport(name, GraphQL(schema, graphql_ide=None), timeout=5.0)
        for name, schema in SUBGRAPHS.items()
    }


@pytest.fixture
async def gateway(supergraph: Supergraph) -> AsyncIterator[Gateway]:
    served = Gateway(supergraph, _transports(), relay_node=True)
    yield served
    await served.close()


@pytest.fixture
async def plain_gateway(supergraph: Supergraph) -> AsyncIterator[Gateway]:
    served = Gateway(supergraph, _transports())
    yield served
    await served.close()


@pytest.fixture
def query(gateway: Gateway) -> Query:
    async def query(text: str, **variables: Any) -> dict[str, Any]:
        response = await gateway.execute(
            GraphQLRequest(query=text, variables=variables), headers={}
        )
        return response.body

    return query

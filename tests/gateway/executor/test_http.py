"""The same plans over real HTTP: uvicorn serving the test subgraphs, pooled HttpTransports."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from graphql import GraphQLSchema

from gateway.executor import Executor
from gateway.transport import HttpTransport, create_http_client
from tests.gateway.executor.conftest import Run
from tests.gateway.executor.subgraphs import RecordingApp


@pytest.fixture
async def http_executor(
    api_schema: GraphQLSchema, subgraph_server: str, subgraph_apps: dict[str, RecordingApp]
) -> AsyncIterator[Executor]:
    client = create_http_client(timeout=2.0)
    transports = {
        name: HttpTransport(name, f"{subgraph_server}/{name}/graphql", timeout=2.0, client=client)
        for name in subgraph_apps
    }
    yield Executor(api_schema, transports)
    await client.aclose()


async def test_entity_jumps_over_http(
    run: Run, http_executor: Executor, subgraph_apps: dict[str, RecordingApp]
) -> None:
    result = await run("entity_jump", headers={"x-request-id": "http-1"}, using=http_executor)
    assert result == await run("entity_jump")
    over_http = [
        r for app in subgraph_apps.values() for r in app.requests if r.headers.get("x-request-id")
    ]
    assert len(over_http) == 3
    assert {r.headers["accept"] for r in over_http} == {
        "application/graphql-response+json, application/json"
    }


async def test_entity_errors_and_500_over_http(
    run: Run, http_executor: Executor, subgraph_apps: dict[str, RecordingApp]
) -> None:
    result = await run("entity_error_nullable", using=http_executor)
    assert [e["path"] for e in result["errors"]] == [["topProducts", 2, "reviewSummary"]]
    subgraph_apps["reviews"].fail_with = 503
    failed = await run("entity_error_nullable", using=http_executor)
    assert [p["reviewSummary"] for p in failed["data"]["topProducts"]] == [None, None, None]
    (error,) = failed["errors"]
    assert error["extensions"]["http"] == {"status": 503}

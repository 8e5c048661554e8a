"""Sharing work: identical representations, identical in-flight queries; never mutations.

Requests are counted at the subgraphs.
"""

from __future__ import annotations

import asyncio

from graphql import GraphQLSchema

from gateway.executor import Executor
from gateway.transport import Transport
from tests.gateway.executor.conftest import Run
from tests.gateway.executor.subgraphs import RecordingApp

HEADERS = {"authorization": "Bearer t0k3n", "traceparent": "00-abc-def-01", "x-request-id": "r-1"}


async def test_identical_representations_are_sent_once(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    result = await run("dedup_representations")
    assert result == {
        "data": {
            "reviews": [
                {"id": "r1", "author": {"name": "Ada"}},
                {"id": "r2", "author": {"name": "Alan"}},
                {"id": "r3", "author": {"name": "Ada"}},
                {"id": "r4", "author": {"name": "Ada"}},
            ]
        }
    }
    (accounts,) = subgraph_apps["accounts"].requests
    assert accounts.body["variables"]["representations"] == [
        {"__typename": "User", "id": "u1"},
        {"__typename": "User", "id": "u2"},
    ]


async def test_identical_parallel_fetches_share_one_request(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    assert await run("dedup_parallel") == {
        "data": {"a": {"reviewCount": 2}, "b": {"reviewCount": 2}}
    }
    assert len(subgraph_apps["reviews"].requests) == 1


async def test_deduplication_can_be_turned_off(
    run: Run,
    api_schema: GraphQLSchema,
    asgi_transports: dict[str, Transport],
    subgraph_apps: dict[str, RecordingApp],
) -> None:
    executor = Executor(api_schema, asgi_transports, deduplicate=False)
    assert await run("dedup_parallel", using=executor) == {
        "data": {"a": {"reviewCount": 2}, "b": {"reviewCount": 2}}
    }
    assert len(subgraph_apps["reviews"].requests) == 2


async def test_concurrent_identical_queries_share_requests(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    subgraph_apps["products"].delay = 0.05
    first, second = await asyncio.gather(run("requires"), run("requires"))
    assert first == second
    assert first["data"]["topProducts"][1] == {
        "name": "Chair",
        "shippingEstimate": 10,
        "inStock": False,
    }
    assert len(subgraph_apps["products"].requests) == 1
    # each execution owns its data: changing one leaves the other alone
    first["data"]["topProducts"][0]["name"] = "changed"
    assert second["data"]["topProducts"][0]["name"] == "Table"


async def test_different_forwarded_headers_are_not_shared(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    subgraph_apps["products"].delay = 0.05
    await asyncio.gather(
        run("requires", headers={"authorization": "Bearer a"}),
        run("requires", headers={"authorization": "Bearer b"}),
    )
    assert len(subgraph_apps["products"].requests) == 2


async def test_requests_of_one_caller_share_despite_their_own_request_ids(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    # given two identical requests of the same caller, each with its own id and trace
    subgraph_apps["products"].delay = 0.05
    first, second = await asyncio.gather(
        run(
            "requires",
            headers={**HEADERS, "x-request-id": "r-1", "traceparent": "00-" + "1" * 32 + "-01"},
        ),
        run(
            "requires",
            headers={**HEADERS, "x-request-id": "r-2", "traceparent": "00-" + "2" * 32 + "-01"},
        ),
    )
    # then they share one subgraph request, carrying the first one's id
    assert first == second
    (shared,) = subgraph_apps["products"].requests
    assert shared.headers["x-request-id"] in {"r-1", "r-2"}
    assert shared.headers["authorization"] == "Bearer t0k3n"


async def test_mutations_are_never_deduplicated(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    subgraph_apps["products"].delay = 0.05
    first, second = await asyncio.gather(run("mutation"), run("mutation"))
    assert (
        first == second == {"data": {"addProduct": {"upc": "103", "name": "Desk", "inStock": True}}}
    )
    mutations = [r for r in subgraph_apps["products"].requests if "mutation" in r.body["query"]]
    assert len(mutations) == 2


async def test_headers_are_forwarded_to_every_subgraph_request(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    await run("entity_jump", headers=HEADERS)
    recorded = [r for app in subgraph_apps.values() for r in app.requests]
    assert len(recorded) == 3
    for request in recorded:
        assert {k: request.headers.get(k) for k in HEADERS} == HEADERS
        assert request.headers["accept"] == "application/graphql-response+json, application/json"
        assert request.headers["content-type"] == "application/json"

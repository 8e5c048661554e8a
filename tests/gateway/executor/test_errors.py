"""Subgraph errors and failed fetches: partial data with located errors, never an exception.

Given Apollo's plans over the test subgraphs, when a subgraph answers errors,
is down, is slow or answers 500, then the client gets the data the other
fetches produced, nulls propagated as the GraphQL spec says, and errors that
name the subgraph (``extensions.serviceName``) at the client's paths.
"""

from __future__ import annotations

import time

from graphql import GraphQLSchema

from gateway.executor import Executor
from gateway.transport import AsgiTransport, HttpTransport, Transport
from tests.gateway.executor.conftest import Run
from tests.gateway.executor.subgraphs import RecordingApp


async def test_root_fetch_error_keeps_the_subgraph_path(run: Run) -> None:
    result = await run("root_error")
    assert result == {
        "errors": [
            {
                "message": "brokenField always fails",
                "path": ["brokenField"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "products"},
            }
        ],
        "data": {"brokenField": None, "topProducts": [{"name": "Table"}]},
    }


async def test_entity_error_is_repathed_to_the_object(run: Run) -> None:
    result = await run("entity_error_nullable")
    assert result["data"] == {
        "topProducts": [
            {"upc": "1", "reviewSummary": "2 reviews"},
            {"upc": "2", "reviewSummary": "1 reviews"},
            {"upc": "3", "reviewSummary": None},
        ]
    }
    assert result["errors"] == [
        {
            "message": "summary unavailable for product 3",
            "path": ["topProducts", 2, "reviewSummary"],
            "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "reviews"},
        }
    ]


async def test_non_null_entity_error_nulls_up_to_the_root(run: Run) -> None:
    # topProducts: [Product!]! and reviewCount: Int!: the null reaches data.
    result = await run("entity_error_non_null")
    assert result == {
        "errors": [
            {
                "message": "review count unavailable for product 3",
                "path": ["topProducts", 2, "reviewCount"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "reviews"},
            }
        ],
        "data": None,
    }


async def test_non_null_error_stops_at_the_nearest_nullable_field(run: Run) -> None:
    result = await run("entity_error_nullable_parent")
    assert result["data"] == {"product": None, "other": {"name": "Table", "reviewCount": 2}}
    assert [error["path"] for error in result["errors"]] == [["product", "reviewCount"]]


async def test_subgraph_down_gives_partial_data(
    run: Run, api_schema: GraphQLSchema, asgi_transports: dict[str, Transport]
) -> None:
    down = HttpTransport("inventory", "http://127.0.0.1:9/graphql", timeout=2.0)
    executor = Executor(api_schema, {**asgi_transports, "inventory": down})
    result = await run("requires", using=executor)
    await down.close()
    # shippingEstimate is nullable, inStock is not: each product is nulled, and
    # topProducts: [Product!]! takes data with it; one error names the subgraph.
    assert result["data"] is None
    (error,) = result["errors"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "serviceName": "inventory"}
    assert "'inventory'" in error["message"]
    assert "unreachable" in error["message"]


async def test_slow_subgraph_times_out_with_partial_data(
    run: Run, api_schema: GraphQLSchema, subgraph_apps: dict[str, RecordingApp]
) -> None:
    subgraph_apps["reviews"].delay = 5.0
    transports: dict[str, Transport] = {
        name: AsgiTransport(name, app, timeout=0.2 if name == "reviews" else 2.0)
        for name, app in subgraph_apps.items()
    }
    started = time.monotonic()
    result = await run("aliases", using=Executor(api_schema, transports))
    assert time.monotonic() - started < 2.0
    assert result["data"] == {"first": {"label": "Table", "cost": 100}, "second": None}
    (error,) = result["errors"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "serviceName": "reviews"}
    assert "did not answer within 0.2s" in error["message"]


async def test_subgraph_answering_500_gives_partial_data(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    subgraph_apps["reviews"].fail_with = 500
    result = await run("entity_error_nullable")
    assert result["data"] == {
        "topProducts": [
            {"upc": "1", "reviewSummary": None},
            {"upc": "2", "reviewSummary": None},
            {"upc": "3", "reviewSummary": None},
        ]
    }
    (error,) = result["errors"]
    assert error["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "serviceName": "reviews",
        "http": {"status": 500},
    }
    assert "HTTP 500" in error["message"]


async def test_subgraph_answering_401_reports_unauthenticated(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    subgraph_apps["products"].fail_with = 401
    result = await run("root_error")
    assert result["data"] is None
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["extensions"]["serviceName"] == "products"


async def test_missing_transport_is_an_error_not_an_exception(
    run: Run, api_schema: GraphQLSchema, asgi_transports: dict[str, Transport]
) -> None:
    transports = {k: v for k, v in asgi_transports.items() if k != "accounts"}
    result = await run("entity_jump", using=Executor(api_schema, transports))
    # author: User! and reviews: [Review!]! up to topProducts: [Product!]!: data is null.
    assert result["data"] is None
    (error,) = result["errors"]
    assert "No transport for subgraph 'accounts'" in error["message"]

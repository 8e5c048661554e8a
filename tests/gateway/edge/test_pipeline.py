"""The request pipeline through the edge: operations, variables, plans, headers, failures."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.gateway.edge.conftest import (
    GatewayClient,
    Subgraphs,
    close_gateway,
    free_port,
    gateway_settings,
    open_gateway,
)
from tests.gateway.edge.test_graphql_over_http import GRAPHQL_RESPONSE, JSON, codes, post

TWO_OPERATIONS = "query Courses { courses { id } } query People { people { name } }"


# -- execution -----------------------------------------------------------------------
async def test_query_across_subgraphs(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "{ courses { title teacher { name } } }"})
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "courses": [
                {"title": "Algebra", "teacher": {"name": "Ada"}},
                {"title": "Topology", "teacher": {"name": "Emmy"}},
            ]
        }
    }


async def test_mutation_over_post(client: httpx.AsyncClient) -> None:
    body = {
        "query": 'mutation { courseRename(id: "c2", title: "Knots") { title teacher { name } } }'
    }
    response = await post(client, body)
    assert response.json() == {
        "data": {"courseRename": {"title": "Knots", "teacher": {"name": "Emmy"}}}
    }


# -- operation resolution --------------------------------------------------------------
async def test_operation_name_picks_the_operation(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": TWO_OPERATIONS, "operationName": "People"})
    assert response.json() == {"data": {"people": [{"name": "Ada"}, {"name": "Emmy"}]}}


@pytest.mark.parametrize(
    ("operation_name", "message"),
    [
        (None, "Must provide operation name if query contains multiple operations."),
        ("Nope", 'Unknown operation named "Nope".'),
    ],
)
async def test_operation_resolution_failure(
    client: httpx.AsyncClient, operation_name: str | None, message: str
) -> None:
    response = await post(client, {"query": TWO_OPERATIONS, "operationName": operation_name})
    assert response.status_code == 200
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "OPERATION_RESOLUTION_FAILURE"}}]
    }


async def test_operation_name_of_an_anonymous_operation(client: httpx.AsyncClient) -> None:
    response = await post(
        client, {"query": "{ __typename }", "operationName": "Named"}, accept=GRAPHQL_RESPONSE
    )
    assert response.status_code == 400
    assert codes(response) == ["OPERATION_RESOLUTION_FAILURE"]


# -- variables -----------------------------------------------------------------------
COURSE = "query Course($id: ID!) { course(id: $id) { title } }"


async def test_variables_are_coerced(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": COURSE, "variables": {"id": "c1"}})
    assert response.json() == {"data": {"course": {"title": "Algebra"}}}


async def test_default_values_apply(client: httpx.AsyncClient) -> None:
    query = "query ($level: Level = INTRO) { courses(level: $level) { title } }"
    response = await post(client, {"query": query})
    assert response.json() == {"data": {"courses": [{"title": "Algebra"}]}}


@pytest.mark.parametrize(
    "variables",
    [None, {}, {"id": None}, {"id": {"an": "object"}}, {"id": ["c1"]}],
)
@pytest.mark.parametrize(("accept", "status"), [(JSON, 200), (GRAPHQL_RESPONSE, 400)])
async def test_bad_variables_are_bad_user_input(
    client: httpx.AsyncClient, variables: dict[str, object] | None, accept: str, status: int
) -> None:
    response = await post(client, {"query": COURSE, "variables": variables}, accept=accept)
    assert response.status_code == status
    body = response.json()
    assert "data" not in body
    assert codes(response) == ["BAD_USER_INPUT"]
    assert "$id" in body["errors"][0]["message"]


async def test_unknown_enum_value_is_bad_user_input(client: httpx.AsyncClient) -> None:
    query = "query ($level: Level) { courses(level: $level) { title } }"
    response = await post(client, {"query": query, "variables": {"level": "EXPERT"}})
    assert codes(response) == ["BAD_USER_INPUT"]


# -- headers reach the subgraphs -----------------------------------------------------
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


async def test_headers_are_forwarded_to_subgraphs(
    client: httpx.AsyncClient, subgraphs: Subgraphs
) -> None:
    # given a client request with a token, a trace and a request id
    seen = subgraphs.recorders["people"].seen
    seen.clear()
    headers = {
        "authorization": "Bearer token-1",
        "traceparent": TRACEPARENT,
        "x-request-id": "req-42",
        "cookie": "session=secret",
    }
    # when the query needs both subgraphs (an entity fetch to people)
    response = await post(client, {"query": "{ courses { teacher { name } } }"}, **headers)
    assert response.status_code == 200
    # then the people subgraph received the token, the trace and the request id
    assert len(seen) == 1
    received = seen[0]
    assert received["authorization"] == "Bearer token-1"
    assert received["x-request-id"] == "req-42"
    trace_id = received["traceparent"].split("-")[1]
    assert trace_id == TRACEPARENT.split("-")[1]
    # and nothing else of the client's
    assert "cookie" not in received


async def test_request_id_is_generated_when_absent(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "{ whoami { requestId authorization } }"})
    request_id = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert response.json() == {"data": {"whoami": {"requestId": request_id, "authorization": None}}}


# -- the query plan, in development only -------------------------------------------------
async def test_query_plan_on_request_in_development(client: httpx.AsyncClient) -> None:
    body = {"query": "{ courses { teacher { name } } }"}
    response = await post(client, body, **{"x-lms-query-plan": "true"})
    result = response.json()
    assert result["data"]["courses"][0] == {"teacher": {"name": "Ada"}}
    plan = result["extensions"]["queryPlan"]
    assert plan["kind"] == "QueryPlan"
    assert plan["node"]["kind"] == "Sequence"
    services = [
        node.get("serviceName") or node["node"]["serviceName"] for node in plan["node"]["nodes"]
    ]
    assert services == ["courses", "people"]
    # without the header, no plan
    plain = await post(client, body)
    assert "extensions" not in plain.json()


async def test_no_query_plan_in_production(prod_gateway: GatewayClient) -> None:
    body = {"query": "{ courses { teacher { name } } }"}
    response = await post(prod_gateway.http, body, **{"x-lms-query-plan": "true"})
    assert response.status_code == 200
    assert "extensions" not in response.json()


# -- a subgraph down ----------------------------------------------------------------------
@pytest.fixture(scope="module")
async def people_down(subgraphs: Subgraphs) -> AsyncIterator[GatewayClient]:
    """A gateway whose people subgraph is unreachable (nothing listens on its port)."""
    closed = f"http://127.0.0.1:{free_port()}/graphql"
    settings = gateway_settings(
        subgraphs,
        gateway_subgraph_urls=subgraphs.overrides(people=closed),
        gateway_subgraph_timeout=2,
    )
    client = await open_gateway(settings)
    yield client
    await close_gateway(client)


@pytest.mark.parametrize("accept", [JSON, GRAPHQL_RESPONSE])
async def test_subgraph_failure_is_partial_data_not_500(
    people_down: GatewayClient, accept: str
) -> None:
    query = "{ courses { title teacher { name } } }"
    response = await post(people_down.http, {"query": query}, accept=accept)
    assert response.status_code == 200
    body = response.json()
    assert body["errors"]
    assert "data" in body


async def test_ready_names_the_unreachable_subgraph(people_down: GatewayClient) -> None:
    response = await people_down.http.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["courses"] == "ok"
    assert body["checks"]["people"] != "ok"
    assert body["error"].startswith("subgraph people: ")
    assert "unreachable" in body["error"]


async def test_ready_when_every_subgraph_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"courses": "ok", "people": "ok"}}


async def test_health_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    await post(client, {"query": TWO_OPERATIONS, "operationName": "People"})
    await post(client, {"query": "{ nope }"})
    metrics = (await client.get("/metrics")).text
    assert 'lms_http_requests_total{method="POST",route="/graphql",service="gateway"' in metrics
    assert (
        'lms_graphql_operations_total{operation_name="People",operation_type="query",'
        'service="gateway",status="ok"}'
    ) in metrics
    assert (
        'lms_graphql_operations_total{operation_name="<anonymous>",operation_type="unknown",'
        'service="gateway",status="error"}'
    ) in metrics

"""GraphQL over HTTP at the gateway's ``/graphql``: media types, status codes, GET, errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.gateway.edge.conftest import GatewayClient

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


async def post(
    client: httpx.AsyncClient, body: Any, *, accept: str | None = JSON, **headers: str
) -> httpx.Response:
    sent = {"content-type": "application/json", **headers}
    if accept is not None:
        sent["accept"] = accept
    return await client.post("/graphql", content=json.dumps(body), headers=sent)


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json()["errors"]]


# -- media types -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, JSON),
        (JSON, JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE}", JSON),
        (f"{JSON};q=0.5, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"text/html, {GRAPHQL_RESPONSE};q=0.8, */*;q=0.1", GRAPHQL_RESPONSE),
    ],
)
async def test_response_media_type_follows_accept(
    client: httpx.AsyncClient, accept: str | None, media_type: str
) -> None:
    response = await post(client, {"query": "{ __typename }"}, accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("accept", ["text/plain", "application/xml", f"{JSON};q=0"])
async def test_unacceptable_media_type_is_406(client: httpx.AsyncClient, accept: str) -> None:
    response = await post(client, {"query": "{ __typename }"}, accept=accept)
    assert response.status_code == 406
    assert codes(response) == ["BAD_REQUEST"]


# -- well-formed requests that fail before execution -------------------------------
@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{", "GRAPHQL_PARSE_FAILED"),
        ("{ }", "GRAPHQL_PARSE_FAILED"),
        ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
        ("query A { courses { id } } query A { people { id } }", "GRAPHQL_VALIDATION_FAILED"),
        ("query A { courses { id } } query B { people { id } }", "OPERATION_RESOLUTION_FAILURE"),
    ],
)
@pytest.mark.parametrize(("accept", "status"), [(JSON, 200), (GRAPHQL_RESPONSE, 400)])
async def test_request_errors_are_200_as_json_and_400_as_graphql_response(
    client: httpx.AsyncClient, query: str, code: str, accept: str, status: int
) -> None:
    response = await post(client, {"query": query}, accept=accept)
    assert response.status_code == status
    body = response.json()
    assert "data" not in body
    assert {e["extensions"]["code"] for e in body["errors"]} == {code}


async def test_parse_error_has_message_and_location(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "{ courses { id }"})
    assert response.json()["errors"] == [
        {
            "message": "Syntax Error: Expected Name, found <EOF>.",
            "locations": [{"line": 1, "column": 17}],
            "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
        }
    ]


# -- malformed requests --------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        '{ "not a JSON',
        "",
        "[]",
        '[{"query": "{ __typename }"}]',
        '"{ __typename }"',
        "{}",
        '{"qeury": "{ __typename }"}',
        '{"query": ""}',
        '{"query": null}',
        '{"query": 1}',
        '{"query": {"obj": "ect"}}',
        '{"query": "{ __typename }", "operationName": 0}',
        '{"query": "{ __typename }", "variables": "string"}',
        '{"query": "{ __typename }", "variables": ["array"]}',
        '{"query": "{ __typename }", "extensions": false}',
        '{"query": "{ __typename }", "extensions": "string"}',
    ],
)
@pytest.mark.parametrize("accept", [JSON, GRAPHQL_RESPONSE])
async def test_malformed_requests_are_400(
    client: httpx.AsyncClient, body: str, accept: str
) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": JSON, "accept": accept}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(accept)
    assert codes(response) == ["BAD_REQUEST"]
    assert "data" not in response.json()


async def test_null_optional_parameters_are_allowed(client: httpx.AsyncClient) -> None:
    body = {"query": "{ __typename }", "operationName": None, "variables": None, "extensions": None}
    response = await post(client, body)
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/graphql", "application/json; charset=latin1"]
)
async def test_unsupported_content_type_is_415(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"accept": JSON}
    if content_type is not None:
        headers["content-type"] = content_type
    response = await client.post("/graphql", content='{"query": "{ __typename }"}', headers=headers)
    assert response.status_code == 415
    assert codes(response) == ["BAD_REQUEST"]


async def test_utf8_request_and_response(client: httpx.AsyncClient) -> None:
    query = '{ __type(name: "Run🏃Swim🏊") { name } }'
    response = await client.post(
        "/graphql",
        content=json.dumps({"query": query}, ensure_ascii=False).encode(),
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__type": None}}


async def test_other_methods_are_405(client: httpx.AsyncClient) -> None:
    response = await client.put("/graphql", content='{"query": "{ __typename }"}')
    assert response.status_code == 405


# -- GET ---------------------------------------------------------------------------
async def test_get_runs_a_query(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={
            "query": "query Levelled($level: Level) { courses(level: $level) { title } }",
            "variables": json.dumps({"level": "ADVANCED"}),
            "operationName": "Levelled",
        },
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"courses": [{"title": "Topology"}]}}


@pytest.mark.parametrize("accept", [JSON, GRAPHQL_RESPONSE])
async def test_get_refuses_a_mutation_with_405(client: httpx.AsyncClient, accept: str) -> None:
    response = await client.get(
        "/graphql",
        params={"query": 'mutation { courseRename(id: "c1", title: "x") { title } }'},
        headers={"accept": accept},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert codes(response) == ["BAD_REQUEST"]


async def test_get_picks_the_query_among_operations(client: httpx.AsyncClient) -> None:
    document = 'query Q { __typename } mutation M { courseRename(id: "c1", title: "x") { id } }'
    query = await client.get("/graphql", params={"query": document, "operationName": "Q"})
    assert query.json() == {"data": {"__typename": "Query"}}
    mutation = await client.get("/graphql", params={"query": document, "operationName": "M"})
    assert mutation.status_code == 405


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"query": "{ __typename }", "variables": "{not json"},
        {"query": "{ __typename }", "variables": "[1]"},
        {"query": "{ __typename }", "extensions": "1"},
    ],
)
async def test_get_malformed_requests_are_400(
    client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await client.get("/graphql", params=params, headers={"accept": JSON})
    assert response.status_code == 400
    assert codes(response) == ["BAD_REQUEST"]


# -- GraphiQL ------------------------------------------------------------------------
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_browsers_get_graphiql_in_development(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_browser_with_a_query_gets_json(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": "{ __typename }"}, headers={"accept": BROWSER_ACCEPT}
    )
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_no_graphiql_in_production(prod_gateway: GatewayClient) -> None:
    response = await prod_gateway.http.get("/graphql", headers={"accept": BROWSER_ACCEPT})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(JSON)
    assert codes(response) == ["BAD_REQUEST"]


async def test_persisted_query_hash_alone_asks_for_the_query(client: httpx.AsyncClient) -> None:
    # an automatic-persisted-queries client sends a hash first, then the full query
    extensions = {
        "persistedQuery": {
            "version": 1,
            "sha256Hash": "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38",
        }
    }
    response = await post(client, {"extensions": extensions})
    assert response.status_code == 200
    assert response.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotSupported",
                "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"},
            }
        ]
    }

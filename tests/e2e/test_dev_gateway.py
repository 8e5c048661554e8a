"""``lms dev``'s gateway at ``/graphql``, over every subgraph, on both deployments' backends.

One query spans every registered service: :data:`SELECTIONS` holds each
subgraph's part of it, so a new service adds one entry (a test fails until
it does). The gateway's answer to each part must equal the subgraph's own
answer at ``/subgraphs/NAME/graphql``, with the caller's token forwarded.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path
from typing import Any

import pytest

from gateway.node import NODE_SUBGRAPH
from lms.commands.dev import CompositionFailed, compose_services, create_dev_app
from lms.services import SERVICE_MODULES
from lms.supergraph import compose_project
from shared.auth import Principal, TokenIssuer
from shared.config import Settings
from shared.events import PLATFORM_TOPICS, Event, ensure_topics
from tests.fixtures.platform import RunningApp

SELECTIONS: dict[str, str] = {
    "identity": "roles { key name } permissionCatalogue { name }",
    "audit": "auditLog(first: 10) { totalCount nodes { eventId type subject actorId } }",
    "courses": "departments { id code } courses(first: 5) { totalCount nodes { id code } }",
    "users": "people(first: 5) { totalCount nodes { displayName } }",
}
"""Each subgraph's part of the spanning query: root fields it alone resolves."""

PERMISSIONS = frozenset({"audit:read", "role:read", "course:read", "profile:read"})
"""What the caller of the spanning query may do (every part must be readable)."""


def spanning_query() -> str:
    return "query Everything {\n" + "\n".join(f"  {s}" for s in SELECTIONS.values()) + "\n}"


def _token(app: RunningApp, college: str) -> str:
    issuer = TokenIssuer.from_settings(app.platform.settings, app.platform.keys)
    return issuer.issue(Principal(user_id="staff-1", college_id=college, permissions=PERMISSIONS))


async def _post(app: RunningApp, path: str, query: str, token: str | None = None) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await app.client.post(path, json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _record_events(app: RunningApp, college: str) -> list[Event]:
    """Publish two events of ``college`` and wait (bounded) until the gateway shows them."""
    settings = app.platform.settings
    if settings.events_backend == "kafka":
        await ensure_topics(settings, PLATFORM_TOPICS)
    events = [
        Event.new(
            type="course.created",
            source="courses",
            tenant=college,
            subject="course-1",
            data={"actor_id": "teacher-1"},
        ),
        Event.new(type="enrollment.created", source="courses", tenant=college, subject="enr-1"),
    ]
    await app.platform.bus.publish(events)
    token = _token(app, college)
    async with asyncio.timeout(30):
        while True:
            body = await _post(app, "/graphql", "{ auditLog { totalCount } }", token)
            if body.get("data") and body["data"]["auditLog"]["totalCount"] >= len(events):
                return events
            await asyncio.sleep(0.05)


def test_the_spanning_query_covers_every_registered_service() -> None:
    # given the services in the registry; then each has its part in the spanning query
    assert set(SELECTIONS) == set(SERVICE_MODULES)


async def test_one_query_spans_every_subgraph(running_app: RunningApp) -> None:
    # given events recorded for a college of this test's own
    college = f"college-{uuid.uuid4().hex[:8]}"
    events = await _record_events(running_app, college)
    token = _token(running_app, college)

    # when a member of staff sends one query spanning every subgraph to the gateway
    body = await _post(running_app, "/graphql", spanning_query(), token)

    # then every part is answered, exactly as each subgraph answers it itself
    assert "errors" not in body, body["errors"]
    for name, selection in SELECTIONS.items():
        direct = await _post(running_app, f"/subgraphs/{name}/graphql", f"{{ {selection} }}", token)
        assert "errors" not in direct, direct["errors"]
        for field, value in direct["data"].items():
            assert body["data"][field] == value, name
    log = body["data"]["auditLog"]
    assert log["totalCount"] == 2
    assert {node["eventId"] for node in log["nodes"]} == {event.id for event in events}


async def test_entries_are_found_by_global_id_through_node(running_app: RunningApp) -> None:
    # given events recorded for a college, and their entries' global ids
    college = f"college-{uuid.uuid4().hex[:8]}"
    await _record_events(running_app, college)
    token = _token(running_app, college)
    listed = await _post(running_app, "/graphql", "{ auditLog { nodes { id type } } }", token)
    entries = listed["data"]["auditLog"]["nodes"]

    # when the gateway of lms dev is asked for them through nodes(ids:)
    ids = ", ".join(f'"{entry["id"]}"' for entry in entries)
    query = f"{{ nodes(ids: [{ids}]) {{ __typename id ... on AuditEntry {{ type }} }} }}"
    body = await _post(running_app, "/graphql", query, token)

    # then each entry comes back from the audit subgraph, in the order asked
    assert "errors" not in body, body["errors"]
    assert body["data"]["nodes"] == [
        {"__typename": "AuditEntry", "id": entry["id"], "type": entry["type"]} for entry in entries
    ]


async def test_the_token_reaches_the_subgraphs_through_the_gateway(
    running_app: RunningApp,
) -> None:
    # given no token, and a token without the permission to read the audit log
    college = f"college-{uuid.uuid4().hex[:8]}"
    issuer = TokenIssuer.from_settings(running_app.platform.settings, running_app.platform.keys)
    student = issuer.issue(
        Principal(user_id="s1", college_id=college, permissions=frozenset({"course:read"}))
    )

    # when each asks the gateway for the log
    anonymous = await _post(running_app, "/graphql", "{ auditLog { totalCount } }")
    forbidden = await _post(running_app, "/graphql", "{ auditLog { totalCount } }", student)

    # then the audit subgraph judged each caller by the token it received
    assert anonymous["data"] is None
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert anonymous["errors"][0]["extensions"]["serviceName"] == "audit"
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_browser_gets_graphiql_at_graphql(running_app: RunningApp) -> None:
    # when a browser opens /graphql
    response = await running_app.client.get(
        "/graphql", headers={"accept": "text/html,application/xhtml+xml"}
    )

    # then it gets GraphiQL
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_readiness_includes_every_subgraph_through_the_gateway(
    running_app: RunningApp,
) -> None:
    # when the dev app is asked whether it is ready
    response = await running_app.client.get("/ready")

    # then the backends and every subgraph, reached through the gateway, are checked
    body = response.json()
    assert response.status_code == 200, body
    for name in SERVICE_MODULES:
        assert body["checks"][f"gateway:{name}"] == "ok"
        assert body["checks"][f"database:{name}"] == "ok"


def test_a_stale_committed_supergraph_is_one_warning(
    sqlite_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # given a committed supergraph that is not what the services compose into
    committed = tmp_path / "supergraph.graphql"
    committed.write_text("schema { query: Query }\ntype Query { old: Int }\n")

    # when the dev app is built
    with caplog.at_level(logging.WARNING, logger="lms.commands.dev"):
        create_dev_app(sqlite_settings, committed_supergraph=committed)

    # then one warning says it is stale and how to update it
    [record] = [r for r in caplog.records if r.name == "lms.commands.dev"]
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "stale" in message
    assert "lms compose" in message
    assert "\n" not in message


@pytest.mark.parametrize("committed", ["current", "absent"])
def test_a_current_or_absent_supergraph_gives_no_warning(
    sqlite_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture, committed: str
) -> None:
    # given a committed supergraph equal to the fresh composition, or none at all
    path = tmp_path / "supergraph.graphql"
    if committed == "current":
        sdl = compose_project(settings=sqlite_settings).supergraph_sdl
        assert sdl is not None
        path.write_text(sdl)

    # when the dev app is built
    with caplog.at_level(logging.WARNING, logger="lms.commands.dev"):
        app = create_dev_app(sqlite_settings, committed_supergraph=path)

    # then nothing is logged and the gateway serves every subgraph (and Relay's node)
    assert [r for r in caplog.records if r.name == "lms.commands.dev"] == []
    assert set(app.state.gateway.supergraph.subgraphs) == {*SERVICE_MODULES, NODE_SUBGRAPH}


def test_subgraphs_that_do_not_compose_stop_start_up_listing_every_error() -> None:
    # given two subgraphs defining the same field with different types
    sdls = {
        "one": "type Query { title: String }\n",
        "two": "type Query { title: Int }\n",
    }

    # when they are composed for lms dev
    with pytest.raises(CompositionFailed) as failure:
        compose_services(sdls)

    # then the message names the problem, then one error per line
    first, *errors = str(failure.value).splitlines()
    assert first.startswith("the services' subgraphs do not compose")
    assert errors
    assert all(line.startswith("  ") and ": " in line for line in errors)
    assert any("title" in line for line in errors)

"""``node(id:)`` through the gateway over the real audit subgraph, on both deployments.

The project's supergraph is composed in process; a gateway with ``node`` on
reaches the platform app's audit subgraph in process. Permissions and college
isolation stay with the audit subgraph's ``resolve_reference``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.engine import Gateway, GraphQLRequest
from gateway.supergraph import Supergraph
from gateway.transport import AsgiTransport, Transport
from lms.services import SERVICE_MODULES
from lms.supergraph import compose_project
from shared.auth import Principal, TokenIssuer
from shared.events import PLATFORM_TOPICS, Event, ensure_topics
from shared.graphql.relay import to_global_id
from tests.fixtures.platform import RunningApp

NODE = """
query Node($id: ID!) {
  node(id: $id) { __typename id ... on AuditEntry { type subject data } }
}
"""
LOG = "query Log($collegeId: ID) { auditLog(first: 10, collegeId: $collegeId) { nodes { id } } }"


def _token(app: RunningApp, **principal: Any) -> str:
    issuer = TokenIssuer.from_settings(app.platform.settings, app.platform.keys)
    return issuer.issue(Principal(**principal))


@pytest.fixture(scope="module")
def supergraph() -> Supergraph:
    result = compose_project()
    assert result.supergraph_sdl is not None, result.errors
    return Supergraph.parse(result.supergraph_sdl)


@pytest.fixture
async def gateway(running_app: RunningApp, supergraph: Supergraph) -> AsyncIterator[Gateway]:
    transports: dict[str, Transport] = {
        name: AsgiTransport(name, running_app.app, path=f"/subgraphs/{name}/graphql", timeout=10.0)
        for name in SERVICE_MODULES
    }
    served = Gateway(supergraph, transports, relay_node=True)
    assert served.relay_node
    yield served
    await served.close()


async def _ask(gateway: Gateway, query: str, token: str, **variables: Any) -> dict[str, Any]:
    response = await gateway.execute(
        GraphQLRequest(query=query, variables=variables),
        headers={"authorization": f"Bearer {token}"},
    )
    return response.body


@pytest.fixture
def college() -> str:
    """A college of this test's own (the broker is shared by the whole run)."""
    return f"c-{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def entry_id(running_app: RunningApp, gateway: Gateway, college: str) -> str:
    """The global id of the audit entry of one event published for ``college``."""
    settings = running_app.platform.settings
    if settings.events_backend == "kafka":
        await ensure_topics(settings, PLATFORM_TOPICS)
    event = Event.new(
        type="course.created", source="courses", tenant=college, subject="course-1", data={}
    )
    await running_app.platform.bus.publish([event])
    admin = _token(running_app, user_id="root", permissions=frozenset({"*"}))
    async with asyncio.timeout(30):
        while True:
            body = await _ask(gateway, LOG, admin, collegeId=college)
            nodes = body["data"]["auditLog"]["nodes"]
            if nodes:
                return str(nodes[0]["id"])
            await asyncio.sleep(0.05)


def _codes(body: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    return [(e["extensions"]["code"], e["path"]) for e in body.get("errors", [])]


async def test_the_entrys_own_college_gets_it_through_node(
    running_app: RunningApp, gateway: Gateway, college: str, entry_id: str
) -> None:
    # Given a reader of the entry's college with audit:read
    token = _token(running_app, user_id="r1", college_id=college, permissions={"audit:read"})

    # When the entry is fetched by its global id
    body = await _ask(gateway, NODE, token, id=entry_id)

    # Then it comes from the audit subgraph
    assert body == {
        "data": {
            "node": {
                "__typename": "AuditEntry",
                "id": entry_id,
                "type": "course.created",
                "subject": "course-1",
                "data": {},
            }
        }
    }


async def test_another_college_gets_not_found(
    running_app: RunningApp, gateway: Gateway, entry_id: str
) -> None:
    # Given a reader with audit:read in another college
    other = f"c-{uuid.uuid4().hex[:8]}"
    token = _token(running_app, user_id="r2", college_id=other, permissions={"audit:read"})

    # When the entry is fetched by its global id
    body = await _ask(gateway, NODE, token, id=entry_id)

    # Then it does not exist for them: null, NOT_FOUND at ["node"]
    assert body["data"] == {"node": None}
    assert _codes(body) == [("NOT_FOUND", ["node"])]


async def test_a_caller_without_audit_read_gets_forbidden(
    running_app: RunningApp, gateway: Gateway, college: str, entry_id: str
) -> None:
    # Given a user of the entry's college without audit:read
    token = _token(running_app, user_id="r3", college_id=college, permissions={"courses:read"})

    # When the entry is fetched by its global id
    body = await _ask(gateway, NODE, token, id=entry_id)

    # Then the audit subgraph's FORBIDDEN comes through, and the node is null
    assert body["data"] == {"node": None}
    assert _codes(body) == [("FORBIDDEN", ["node"])]


async def test_an_id_of_an_unknown_type_is_not_found(
    running_app: RunningApp, gateway: Gateway, college: str
) -> None:
    # Given a reader with audit:read, and the id of a type no subgraph has
    token = _token(running_app, user_id="r4", college_id=college, permissions={"audit:read"})

    # When that id is fetched through node
    body = await _ask(gateway, NODE, token, id=to_global_id("Spaceship", 1))

    # Then it is null with NOT_FOUND at ["node"]
    assert body["data"] == {"node": None}
    assert _codes(body) == [("NOT_FOUND", ["node"])]

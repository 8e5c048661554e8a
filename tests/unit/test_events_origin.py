"""The origin of events: the request being handled, read through trusted proxies."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shared.events import Event, Origin
from shared.events.origin import current_origin, handling, stamped
from shared.http import TrustedProxies
from shared.observability import MetricsRegistry, RequestContextMiddleware, get_request_id

LOOPBACK = TrustedProxies.parse("127.0.0.0/8")


async def origin_of_request(_: Request) -> Response:
    origin = current_origin()
    return JSONResponse(origin.to_dict() if origin is not None else None)


def _client(trusted: TrustedProxies | None, peer: str) -> httpx.AsyncClient:
    app = Starlette(
        routes=[Route("/origin", origin_of_request)],
        middleware=[
            Middleware(
                RequestContextMiddleware,
                service="test",
                metrics=MetricsRegistry(),
                trusted=trusted,
            )
        ],
    )
    transport = httpx.ASGITransport(app=app, client=(peer, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.mark.parametrize(
    ("trusted", "peer", "expected"),
    [
        (LOOPBACK, "127.0.0.1", "203.0.113.9"),  # behind our own proxy: its header is believed
        (LOOPBACK, "198.51.100.4", "198.51.100.4"),  # anyone else: the peer, header ignored
        (None, "127.0.0.1", "127.0.0.1"),  # no proxies configured: the peer
    ],
)
async def test_the_client_is_read_through_trusted_proxies_only(
    trusted: TrustedProxies | None, peer: str, expected: str
) -> None:
    async with _client(trusted, peer) as client:
        response = await client.get(
            "/origin",
            headers={
                "x-forwarded-for": "203.0.113.9",
                "user-agent": "x" * 600,
                "x-request-id": "req-7",
            },
        )
    assert response.json() == {"request_id": "req-7", "ip": expected, "user_agent": "x" * 512}


def test_outside_a_request_an_event_has_no_origin() -> None:
    event = Event.new(type="course.created", source="courses", subject="42")
    assert current_origin() is None
    assert stamped(event) is event


def test_handling_an_event_binds_its_origin_for_what_it_publishes() -> None:
    cause = Event.new(type="user.invited", source="identity", tenant="c1", subject="u1")
    cause = stamped(cause)
    assert cause.origin is None
    known = Origin(request_id="req-9", ip="203.0.113.9", user_agent="app/1")
    with handling(replace(cause, origin=known)):
        assert get_request_id() == "req-9"
        effect = stamped(Event.new(type="profile.created", source="users", subject="u1"))
        kept = stamped(replace(effect, origin=Origin(request_id="other")))
    assert effect.origin == known
    assert kept.origin == Origin(request_id="other")
    assert get_request_id() is None

"""Which request an event came from: stamped when it is emitted, bound again when handled.

:func:`current_origin` reads the request being handled (its id and client,
set by :class:`shared.observability.RequestContextMiddleware`);
:func:`handling` binds an event's origin while a consumer handles it, so the
consumer's log lines carry the request id and the events it publishes in
turn carry the same origin.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from shared.events.envelope import Event, Origin
from shared.observability.context import (
    RequestClient,
    bind_context,
    get_client,
    get_request_id,
)

__all__ = ["current_origin", "handling", "stamped"]


def current_origin() -> Origin | None:
    """The origin of events published now: ``None`` outside a request."""
    request_id = get_request_id()
    client = get_client()
    if request_id is None and client is None:
        return None
    return Origin(
        request_id=request_id,
        ip=client.ip if client is not None else None,
        user_agent=client.user_agent if client is not None else None,
    )


def stamped(event: Event) -> Event:
    """``event`` with the current origin, unless it already has one."""
    if event.origin is not None:
        return event
    origin = current_origin()
    if origin is None:
        return event
    return replace(event, origin=origin)


@contextmanager
def handling(event: Event) -> Iterator[None]:
    """Bind ``event``'s tenant and origin (request id, client) for a ``with`` block."""
    origin = event.origin
    client = (
        RequestClient(peer=origin.ip, user_agent=origin.user_agent)
        if origin is not None and (origin.ip is not None or origin.user_agent is not None)
        else None
    )
    with bind_context(
        request_id=origin.request_id if origin is not None else None,
        tenant=event.tenant,
        client=client,
    ):
        yield

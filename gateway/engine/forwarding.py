"""Which headers of a client request reach the subgraphs.

``Authorization`` (subgraphs verify the token themselves), the W3C trace
context (``traceparent``/``tracestate``: the gateway's own span when it traces
the request, else the client's) and ``x-request-id`` (the id the edge gave the
request, else the client's, else a new one), so one id and one trace follow a
request through every service.

The client itself is passed on too, for the subgraphs' audit trails and login
throttling: ``user-agent`` as the client sent it, and ``x-forwarded-for`` with
the gateway's peer (the client, or the proxy in front of the gateway) appended
to what the request carried. A subgraph believes that header only from a
trusted proxy and reads it from the right (``shared.http.client_address``).
These two differ between clients, so they stay out of the key under which
identical in-flight queries are shared (``gateway.executor``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

from opentelemetry import trace

from shared.observability import get_request_id

__all__ = ["CLIENT_HEADERS", "FORWARDED_HEADERS", "subgraph_headers"]

FORWARDED_HEADERS = (
    "authorization",
    "traceparent",
    "tracestate",
    "x-request-id",
    "user-agent",
    "x-forwarded-for",
)
"""Headers of a client request passed on to subgraphs (lower case)."""

CLIENT_HEADERS = frozenset({"user-agent", "x-forwarded-for"})
"""The forwarded headers that describe the client (not the caller's credentials)."""

_USER_AGENT_LENGTH = 512
_FORWARDED_FOR_LENGTH = 1024

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:+=/-]{1,128}$")


def subgraph_headers(incoming: Mapping[str, str], *, peer: str | None = None) -> dict[str, str]:
    """The headers to send with every subgraph request made for ``incoming``.

    ``peer`` is the address the gateway received the request from; it is
    appended to the client's ``x-forwarded-for``.
    """
    lowered = {key.lower(): value for key, value in incoming.items()}
    headers: dict[str, str] = {}
    authorization = lowered.get("authorization")
    if authorization:
        headers["authorization"] = authorization
    user_agent = lowered.get("user-agent")
    if user_agent:
        headers["user-agent"] = user_agent[:_USER_AGENT_LENGTH]
    forwarded_for = _forwarded_for(lowered.get("x-forwarded-for", ""), peer)
    if forwarded_for:
        headers["x-forwarded-for"] = forwarded_for
    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        # W3C trace context of the gateway's span, formatted directly (a propagator
        # round trip costs more than the rest of this function)
        headers["traceparent"] = (
            f"00-{span.trace_id:032x}-{span.span_id:016x}-{span.trace_flags:02x}"
        )
        if span.trace_state:
            headers["tracestate"] = span.trace_state.to_header()
    else:
        for name in ("traceparent", "tracestate"):
            value = lowered.get(name)
            if value:
                headers[name] = value
    request_id = get_request_id()
    if request_id is None:
        given = lowered.get("x-request-id", "")
        request_id = given if _SANE_REQUEST_ID.match(given) else uuid.uuid4().hex
    headers["x-request-id"] = request_id
    return headers


def _forwarded_for(given: str, peer: str | None) -> str:
    """``given`` with ``peer`` appended; when too long, the rightmost entries are kept."""
    entries = [entry.strip() for entry in given.split(",") if entry.strip()]
    if peer:
        entries.append(peer)
    value = ", ".join(entries)
    while len(value) > _FORWARDED_FOR_LENGTH and len(entries) > 1:
        entries.pop(0)
        value = ", ".join(entries)
    return value

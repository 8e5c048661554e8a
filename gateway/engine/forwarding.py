"""Which headers of a client request reach the subgraphs.

``Authorization`` (subgraphs verify the token themselves), the W3C trace
context (``traceparent``/``tracestate``: the gateway's own span when it traces
the request, else the client's) and ``x-request-id`` (the id the edge gave the
request, else the client's, else a new one), so one id and one trace follow a
request through every service.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

from opentelemetry import trace

from shared.observability import get_request_id

__all__ = ["FORWARDED_HEADERS", "subgraph_headers"]

FORWARDED_HEADERS = ("authorization", "traceparent", "tracestate", "x-request-id")
"""Headers of a client request passed on to subgraphs (lower case)."""

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:+=/-]{1,128}$")


def subgraph_headers(incoming: Mapping[str, str]) -> dict[str, str]:
    """The headers to send with every subgraph request made for ``incoming``."""
    lowered = {key.lower(): value for key, value in incoming.items()}
    headers: dict[str, str] = {}
    authorization = lowered.get("authorization")
    if authorization:
        headers["authorization"] = authorization
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

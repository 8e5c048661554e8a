"""Turning a subgraph's HTTP answer into a GraphQL response, or a TransportError.

Shared by the HTTP and the in-process transport so both judge answers alike:
a JSON object with ``data`` or ``errors`` is a GraphQL response whatever the
status (GraphQL over HTTP allows 4xx/5xx with an
``application/graphql-response+json`` body); anything else is a transport
failure.
"""

from __future__ import annotations

from typing import Any

from gateway import json_codec
from gateway.transport.errors import TransportError
from gateway.transport.request import SubgraphResponse

__all__ = ["ACCEPT", "decode_response", "encode_body"]

ACCEPT = "application/graphql-response+json, application/json"
"""The ``Accept`` header of every subgraph request."""

_STATUS_CODES = {401: "UNAUTHENTICATED", 403: "FORBIDDEN"}
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def encode_body(body: dict[str, Any]) -> bytes:
    """The compact UTF-8 JSON of a request body."""
    return json_codec.dumps(body)


def decode_response(
    *, subgraph: str, status: int, content_type: str | None, body: bytes
) -> SubgraphResponse:
    """The GraphQL response in ``body``; raises :class:`TransportError` when there is none."""
    parsed: Any = None
    if body:
        try:
            parsed = json_codec.loads(body)
        except ValueError:
            parsed = None
    if isinstance(parsed, dict) and ("data" in parsed or "errors" in parsed):
        response = _graphql_response(subgraph, parsed)
        if response is not None and (200 <= status < 300 or response.errors or response.data):
            return response
    if not 200 <= status < 300:
        reason = _REASONS.get(status, "")
        raise TransportError(
            f"Subgraph {subgraph!r} answered HTTP {status} {reason}".rstrip()
            + " without a GraphQL response; check the subgraph's logs.",
            subgraph=subgraph,
            status=status,
            code=_STATUS_CODES.get(status, "INTERNAL_SERVER_ERROR"),
        )
    kind = content_type.split(";", 1)[0].strip() if content_type else "no content type"
    raise TransportError(
        f"Subgraph {subgraph!r} answered HTTP {status} with a body that is not a GraphQL "
        f"response ({kind}); check that its URL points at its GraphQL endpoint.",
        subgraph=subgraph,
        status=status,
    )


def _graphql_response(subgraph: str, parsed: dict[str, Any]) -> SubgraphResponse | None:
    data = parsed.get("data")
    raw_errors = parsed.get("errors")
    extensions = parsed.get("extensions")
    if data is not None and not isinstance(data, dict):
        return None
    errors: list[dict[str, Any]] = []
    if raw_errors is not None:
        if not isinstance(raw_errors, list):
            return None
        for error in raw_errors:
            if isinstance(error, dict):
                if not isinstance(error.get("message"), str):
                    error = {**error, "message": str(error.get("message", ""))}
                errors.append(error)
            else:
                errors.append({"message": str(error)})
    return SubgraphResponse(
        data=data,
        errors=errors,
        extensions=extensions if isinstance(extensions, dict) else None,
    )

"""The errors the executor reports, shaped as Apollo Gateway reports them.

A subgraph's error keeps its message and extensions, gains
``extensions.serviceName`` and, without a code of its own,
``extensions.code = "DOWNSTREAM_SERVICE_ERROR"``; its path is re-pathed into
the client's response. A failed fetch (no GraphQL response) is one error
naming the subgraph and what happened.
"""

from __future__ import annotations

from typing import Any

from gateway.transport.errors import TransportError

__all__ = [
    "DOWNSTREAM_SERVICE_ERROR",
    "INTERNAL_SERVER_ERROR",
    "fetch_failure",
    "internal_error",
    "subgraph_error",
]

DOWNSTREAM_SERVICE_ERROR = "DOWNSTREAM_SERVICE_ERROR"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def subgraph_error(
    error: dict[str, Any], *, service: str, path: list[str | int] | None
) -> dict[str, Any]:
    """A subgraph's ``error`` as the gateway reports it, at ``path`` in the client's response."""
    message = error.get("message") or f'Error while fetching subquery from service "{service}"'
    formatted: dict[str, Any] = {"message": message}
    if path is not None:
        formatted["path"] = path
    extensions = error.get("extensions")
    merged = dict(extensions) if isinstance(extensions, dict) else {}
    if not merged.get("code"):
        merged["code"] = DOWNSTREAM_SERVICE_ERROR
    merged["serviceName"] = service
    formatted["extensions"] = merged
    return formatted


def fetch_failure(exc: TransportError, *, service: str) -> dict[str, Any]:
    """A fetch that got no GraphQL response from ``service``."""
    extensions: dict[str, Any] = {"code": exc.code, "serviceName": service}
    if exc.status is not None:
        extensions["http"] = {"status": exc.status}
    return {"message": str(exc), "extensions": extensions}


def internal_error(message: str, *, service: str | None = None) -> dict[str, Any]:
    """A failure inside the gateway itself (a bug or an invalid subgraph answer)."""
    extensions: dict[str, Any] = {"code": INTERNAL_SERVER_ERROR}
    if service is not None:
        extensions["serviceName"] = service
    return {"message": message, "extensions": extensions}

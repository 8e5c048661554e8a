"""A GraphQL request as the engine receives it, and the engine's answer.

The edge turns an HTTP request into a :class:`GraphQLRequest`; the engine
answers with a :class:`GatewayResponse` whose :class:`Outcome` tells the edge
which status code the GraphQL-over-HTTP specification asks for, per response
media type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from gateway.engine.codes import ErrorCode

__all__ = ["GatewayResponse", "GraphQLRequest", "Outcome", "error_entry"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphQLRequest:
    """The parameters of one GraphQL request (``query``, ``operationName``, ...)."""

    query: str
    operation_name: str | None = None
    variables: Mapping[str, Any] | None = None
    extensions: Mapping[str, Any] | None = None


class Outcome(Enum):
    """How far a request got; decides the HTTP status code."""

    EXECUTED = "executed"
    """Execution started: the body has ``data`` (possibly ``null``) and maybe errors."""
    REQUEST_ERROR = "request_error"
    """A well-formed request failed before execution (parse, validation, operation
    resolution, variable coercion): no ``data``."""
    BAD_REQUEST = "bad_request"
    """The HTTP request is not a well-formed GraphQL-over-HTTP request."""
    METHOD_NOT_ALLOWED = "method_not_allowed"
    """A mutation sent with ``GET``."""
    NOT_ACCEPTABLE = "not_acceptable"
    """The client accepts none of the response media types."""
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    """The request body's media type is not ``application/json``."""
    SERVER_ERROR = "server_error"
    """The gateway failed unexpectedly (never for a failing subgraph)."""


_LEGACY_STATUS = {
    Outcome.EXECUTED: 200,
    Outcome.REQUEST_ERROR: 200,
    Outcome.BAD_REQUEST: 400,
    Outcome.METHOD_NOT_ALLOWED: 405,
    Outcome.NOT_ACCEPTABLE: 406,
    Outcome.UNSUPPORTED_MEDIA_TYPE: 415,
    Outcome.SERVER_ERROR: 500,
}
_GRAPHQL_RESPONSE_STATUS = {**_LEGACY_STATUS, Outcome.REQUEST_ERROR: 400}


@dataclass(slots=True)
class GatewayResponse:
    """A GraphQL response (``body``: ``data``, ``errors``, ``extensions``) and its outcome.

    ``headers`` are HTTP headers the response must carry (``Allow`` on a 405).
    """

    body: dict[str, Any]
    outcome: Outcome
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(
        cls,
        message: str,
        *,
        code: ErrorCode,
        outcome: Outcome,
        headers: dict[str, str] | None = None,
    ) -> GatewayResponse:
        """A response of one error and no ``data``."""
        return cls({"errors": [error_entry(message, code=code)]}, outcome, headers or {})

    def status_code(self, *, graphql_response_json: bool) -> int:
        """The status code for the response media type.

        With ``application/graphql-response+json`` a request error is a 400; with
        ``application/json`` every well-formed request gets a 200.
        """
        table = _GRAPHQL_RESPONSE_STATUS if graphql_response_json else _LEGACY_STATUS
        return table[self.outcome]


def error_entry(
    message: str, *, code: ErrorCode, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A GraphQL error object with ``extensions.code``."""
    return {"message": message, "extensions": {**(extra or {}), "code": code.value}}

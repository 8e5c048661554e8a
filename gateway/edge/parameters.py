"""GraphQL-over-HTTP request parameters: from a ``POST`` body or ``GET`` query string.

Anything that is not a well-formed GraphQL-over-HTTP request (malformed JSON,
no ``query``, parameters of the wrong type, a body that is not JSON) becomes
a :class:`~gateway.engine.GatewayResponse` answered with 400 (415 for a body
of another media type) and an error coded ``BAD_REQUEST``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway import json_codec
from gateway.engine import ErrorCode, GatewayResponse, GraphQLRequest, Outcome

__all__ = ["from_json_body", "from_query_string"]


def from_json_body(content_type: str | None, body: bytes) -> GraphQLRequest | GatewayResponse:
    """The request in a ``POST`` body of media type ``content_type``."""
    if not content_type:
        return _unsupported("The request has no Content-Type")
    media_type, *params = content_type.split(";")
    if media_type.strip().lower() != "application/json":
        return _unsupported(f"Content-Type {media_type.strip()} is not supported")
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            return _unsupported(f"charset {value.strip()} is not supported")
    if not body.strip():
        return _bad_request(
            'The request body is empty: send a JSON object such as {"query": "{ __typename }"}.'
        )
    try:
        payload = json_codec.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return _bad_request(f"The request body is not valid JSON: {exc}.")
    if isinstance(payload, list):
        return _bad_request("Batched requests are not supported: send one JSON object per request.")
    if not isinstance(payload, dict):
        return _bad_request("The request body must be a JSON object with a query.")
    return _request(payload)


def from_query_string(params: Mapping[str, str]) -> GraphQLRequest | GatewayResponse:
    """The request in the query string of a ``GET`` (``variables`` and ``extensions`` as JSON)."""
    payload: dict[str, Any] = {
        "query": params.get("query"),
        "operationName": params.get("operationName"),
    }
    for name in ("variables", "extensions"):
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        try:
            payload[name] = json_codec.loads(raw)
        except ValueError as exc:
            return _bad_request(f"The {name} parameter is not valid JSON: {exc}.")
    return _request(payload)


def _request(payload: Mapping[str, Any]) -> GraphQLRequest | GatewayResponse:
    query = payload.get("query")
    extensions = payload.get("extensions")
    if query is None and isinstance(extensions, dict) and "persistedQuery" in extensions:
        # Apollo's automatic persisted queries: the client resends with the query
        return GatewayResponse.error(
            "PersistedQueryNotSupported",
            code=ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
            outcome=Outcome.REQUEST_ERROR,
        )
    if query is None or query == "":
        return _bad_request(
            "The request has no query: send the GraphQL document in the query parameter."
        )
    if not isinstance(query, str):
        return _bad_request("The query parameter must be a string holding a GraphQL document.")
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        return _bad_request("The operationName parameter must be a string or null.")
    variables = payload.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return _bad_request("The variables parameter must be a JSON object or null.")
    if extensions is not None and not isinstance(extensions, dict):
        return _bad_request("The extensions parameter must be a JSON object or null.")
    return GraphQLRequest(
        query=query,
        operation_name=operation_name or None,
        variables=variables,
        extensions=extensions,
    )


def _bad_request(message: str) -> GatewayResponse:
    return GatewayResponse.error(message, code=ErrorCode.BAD_REQUEST, outcome=Outcome.BAD_REQUEST)


def _unsupported(reason: str) -> GatewayResponse:
    return GatewayResponse.error(
        f"{reason}: send the request as JSON with Content-Type: application/json.",
        code=ErrorCode.BAD_REQUEST,
        outcome=Outcome.UNSUPPORTED_MEDIA_TYPE,
    )

"""Error codes the gateway puts in ``extensions.code``, named as Apollo's for the same condition."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ErrorCode"]


class ErrorCode(StrEnum):
    """Stable codes of errors raised by the gateway itself (subgraph errors keep theirs)."""

    BAD_REQUEST = "BAD_REQUEST"
    """The HTTP request is not a GraphQL request (malformed JSON, no query ...)."""
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    """The document is not valid GraphQL syntax."""
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    """The document does not validate against the API schema."""
    OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
    """No operation, or no single one, matches the operation name."""
    BAD_USER_INPUT = "BAD_USER_INPUT"
    """A variable's value does not fit its type."""
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    """A request names a persisted query by hash; clients then resend the full query."""
    QUERY_PLANNING_FAILED = "QUERY_PLANNING_FAILED"
    """The operation could not be planned over the subgraphs."""
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    """An unexpected failure inside the gateway; details are in its log."""

"""How exceptions become GraphQL errors: a stable ``extensions.code``, internals masked.

=====================================  ===========================================
raised                                 ``extensions.code``
=====================================  ===========================================
:class:`~shared.errors.AuthenticationError`   ``UNAUTHENTICATED``
:class:`~shared.errors.PermissionDenied`      ``FORBIDDEN`` (+ ``permission``)
:class:`~shared.errors.NotFoundError`         ``NOT_FOUND``
:class:`~shared.errors.BadUserInput`          ``BAD_USER_INPUT`` (+ ``field``)
:class:`~shared.errors.DomainError(s)`        ``BAD_USER_INPUT`` (+ ``errorCode``, ``field``)
a syntax error in the document                ``GRAPHQL_PARSE_FAILED``
a document invalid for the schema             ``GRAPHQL_VALIDATION_FAILED``
a variable of the wrong type                  ``BAD_USER_INPUT``
anything else                                 ``INTERNAL_SERVER_ERROR``, message masked
=====================================  ===========================================

Unexpected errors are logged at ERROR with their stack on the
``shared.graphql.errors`` logger; expected ones at DEBUG on
``shared.graphql.errors.expected``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors

from shared.errors import PlatformError

__all__ = [
    "INTERNAL_ERROR_MESSAGE",
    "ErrorFormatter",
    "format_error",
    "is_unexpected",
    "log_errors",
]

logger = logging.getLogger(__name__)
expected_logger = logging.getLogger(f"{__name__}.expected")

INTERNAL_ERROR_MESSAGE = "Internal server error"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def _original(error: GraphQLError) -> BaseException | None:
    original = error.original_error
    # graphql-core may wrap an error once more when it is re-located
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    return original


def _code_and_extensions(error: GraphQLError) -> tuple[str, dict[str, Any]] | None:
    """``(code, extensions)`` for an expected error; ``None`` when it must be masked."""
    original = _original(error)
    if isinstance(original, PlatformError):
        extensions = original.extensions()
        return extensions["code"], extensions
    if error.message.startswith("Variable '$") and error.path is None:
        # a variable that does not fit its type: the client's input, not a bug
        return "BAD_USER_INPUT", {**(error.extensions or {}), "code": "BAD_USER_INPUT"}
    if original is None or isinstance(original, GraphQLError):
        source = original if isinstance(original, GraphQLError) else error
        extensions = dict(source.extensions or {})
        if "code" not in extensions:
            if isinstance(source, GraphQLSyntaxError):
                extensions["code"] = "GRAPHQL_PARSE_FAILED"
            else:
                extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
        return extensions["code"], extensions
    return None


def is_unexpected(error: GraphQLError) -> bool:
    """Whether ``error`` comes from a bug (an exception no code was assigned to)."""
    return _code_and_extensions(error) is None


def format_error(error: GraphQLError) -> GraphQLError:
    """``error`` with its ``extensions.code`` set, or masked if it was unexpected."""
    known = _code_and_extensions(error)
    if known is None:
        message = INTERNAL_ERROR_MESSAGE
        extensions: dict[str, Any] = {"code": INTERNAL_SERVER_ERROR}
        original: Exception | None = None
    else:
        original_error = _original(error)
        message = (
            original_error.message if isinstance(original_error, PlatformError) else (error.message)
        )
        extensions = known[1]
        original = error.original_error if isinstance(error.original_error, Exception) else None
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original,
        extensions=extensions,
    )


def log_errors(errors: Iterable[GraphQLError]) -> None:
    """Log each error: unexpected ones at ERROR with their stack, others at DEBUG."""
    for error in errors:
        known = _code_and_extensions(error)
        where = ".".join(str(p) for p in error.path) if error.path else "operation"
        if known is None:
            original = _original(error)
            logger.error(
                "unexpected error at %s: %s",
                where,
                error.message,
                exc_info=(type(original), original, original.__traceback__)
                if original is not None
                else None,
            )
        else:
            expected_logger.debug("%s at %s: %s", known[0], where, error.message)


class ErrorFormatter(MaskErrors):
    """Schema extension applying :func:`format_error` to every error of a result."""

    def __init__(self) -> None:
        super().__init__(error_message=INTERNAL_ERROR_MESSAGE)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [format_error(error) for error in errors]

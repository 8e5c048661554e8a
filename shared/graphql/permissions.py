"""Permission classes for Strawberry fields, and the check that rejects bad credentials.

``permission_classes=[IsAuthenticated]`` needs any authenticated caller;
``permission_classes=[HasPermission("course:create")]`` needs that permission
(a fresh :class:`~strawberry.permission.BasePermission` subclass per
permission). Failures are top-level errors: ``UNAUTHENTICATED`` for anonymous
callers, ``FORBIDDEN`` (with ``extensions.permission``) otherwise. Use
:func:`permission_field_description` to name the permission in the field's
description, as every guarded field should.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission
from strawberry.types import Info

from shared.auth.principal import permission_matches
from shared.errors import AuthenticationError, PermissionDenied
from shared.graphql.context import principal_of

__all__ = [
    "HasPermission",
    "IsAuthenticated",
    "RejectInvalidCredentials",
    "permission_field_description",
]


class IsAuthenticated(BasePermission):
    """Allows any authenticated caller (user, API key or service)."""

    message = "Authentication required."

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        return principal_of(info).is_authenticated

    def on_unauthorized(self) -> None:
        raise AuthenticationError(self.message or "Authentication required.")


class _PermissionCheck(BasePermission):
    permission: str = ""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        principal = principal_of(info)
        if not principal.is_authenticated:
            raise AuthenticationError()
        if not principal.has(self.permission):
            raise PermissionDenied(
                f"Permission denied: requires {self.permission!r}.", permission=self.permission
            )
        return True


_cache: dict[str, type[BasePermission]] = {}


def HasPermission(permission: str) -> type[BasePermission]:
    """A permission class allowing callers that hold ``permission`` (``resource:action``)."""
    permission_matches((), permission)  # validates the format early, at import time
    cls = _cache.get(permission)
    if cls is None:
        name = "HasPermission_" + re.sub(r"\W", "_", permission)
        cls = type(name, (_PermissionCheck,), {"permission": permission})
        _cache[permission] = cls
    return cls


def permission_field_description(description: str, *permissions: str) -> str:
    """``description`` followed by the permissions the field requires."""
    needed = ", ".join(f"`{p}`" for p in permissions)
    label = "permission" if len(permissions) == 1 else "permissions"
    return f"{description.rstrip()}\n\nRequires {label}: {needed}."


class RejectInvalidCredentials(SchemaExtension):
    """Answers ``UNAUTHENTICATED`` to an operation whose request carried a bad token.

    Without it a field that never reads the principal would answer as if the
    caller were anonymous.
    """

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        error = getattr(context, "credentials_error", None)
        if isinstance(error, AuthenticationError):
            self.execution_context.result = ExecutionResult(
                data=None, errors=[GraphQLError(error.message, original_error=error)]
            )
        yield

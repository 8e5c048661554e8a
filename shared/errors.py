"""Errors services raise, each carrying a stable code clients can rely on.

Plain Python, no GraphQL: the GraphQL layer (``shared.graphql.errors``) maps
them to ``extensions.code`` and mutation payloads.

* :class:`DomainError` — a problem the user can fix (``COURSE_CODE_TAKEN``).
  A mutation turns it into a payload error, a query into a top-level
  ``BAD_USER_INPUT`` error. :class:`DomainErrors` reports several at once
  (for example one per bulk row, with its ``index``).
* :class:`AuthenticationError` (``UNAUTHENTICATED``), :class:`PermissionDenied`
  (``FORBIDDEN``), :class:`NotFoundError` (``NOT_FOUND``) and
  :class:`BadUserInput` (``BAD_USER_INPUT``) — always top-level errors.

Anything else is a bug: clients see ``INTERNAL_SERVER_ERROR`` and the stack is
logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any, ClassVar

__all__ = [
    "AuthenticationError",
    "BadUserInput",
    "DomainError",
    "DomainErrors",
    "NotFoundError",
    "PermissionDenied",
    "PlatformError",
]


class PlatformError(Exception):
    """Base of every expected error: a message for the user and a stable ``code``."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def extensions(self) -> dict[str, Any]:
        """What a GraphQL error's ``extensions`` carries for this error."""
        return {"code": self.code}


class AuthenticationError(PlatformError):
    """No valid credentials: a missing, expired or forged token."""

    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "Authentication required.") -> None:
        super().__init__(message)


class PermissionDenied(PlatformError):
    """Authenticated, but not allowed to do this; ``permission`` names what was missing."""

    code = "FORBIDDEN"

    def __init__(
        self, message: str = "Permission denied.", *, permission: str | None = None
    ) -> None:
        super().__init__(message)
        self.permission = permission

    def extensions(self) -> dict[str, Any]:
        data = super().extensions()
        if self.permission is not None:
            data["permission"] = self.permission
        return data


class NotFoundError(PlatformError):
    """The object does not exist, or the caller may not know that it does."""

    code = "NOT_FOUND"

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class BadUserInput(PlatformError):
    """An argument is malformed (bad id, bad cursor, list too long); ``field`` names it."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def extensions(self) -> dict[str, Any]:
        data = super().extensions()
        if self.field is not None:
            data["field"] = self.field
        return data


class DomainError(PlatformError):
    """A business rule said no, in a way the user can fix.

    ``code`` is the domain's own stable UPPER_SNAKE code (a member of the
    domain's error-code enum, or its name); ``field`` names the input field at
    fault, if any; ``index`` is the row of a bulk input.
    """

    code = "BAD_USER_INPUT"

    def __init__(
        self,
        code: str | Enum,
        message: str,
        field: str | None = None,
        *,
        index: int | None = None,
    ) -> None:
        super().__init__(message)
        self.error_code = code
        self.field = field
        self.index = index

    @property
    def code_name(self) -> str:
        """The domain code as text (an enum member's name)."""
        return self.error_code.name if isinstance(self.error_code, Enum) else self.error_code

    def extensions(self) -> dict[str, Any]:
        data = super().extensions()
        data["errorCode"] = self.code_name
        if self.field is not None:
            data["field"] = self.field
        if self.index is not None:
            data["index"] = self.index
        return data

    def __repr__(self) -> str:
        return (
            f"DomainError({self.code_name!r}, {self.message!r}, "
            f"field={self.field!r}, index={self.index!r})"
        )


class DomainErrors(PlatformError):
    """Several :class:`DomainError` at once, such as one per invalid row of a bulk input."""

    code = "BAD_USER_INPUT"

    def __init__(self, errors: Iterable[DomainError]) -> None:
        self.errors = list(errors)
        if not self.errors:
            raise ValueError("DomainErrors needs at least one DomainError")
        first = self.errors[0].message
        more = len(self.errors) - 1
        super().__init__(first if not more else f"{first} (and {more} more)")

    def __iter__(self) -> Iterator[DomainError]:
        return iter(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def extensions(self) -> dict[str, Any]:
        data = super().extensions()
        data["errors"] = [
            {k: v for k, v in e.extensions().items() if k != "code"} | {"message": e.message}
            for e in self.errors
        ]
        return data

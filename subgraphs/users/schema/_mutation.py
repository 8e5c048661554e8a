"""How users' mutations run a service call and report what the user can fix.

:func:`run` is the shared :func:`~shared.graphql.mutate` with users' error
type, each error's ``field`` given as the input's camelCase name
(``display_name`` → ``displayName``), as clients see the input.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from shared.graphql import mutate
from subgraphs.users.schema.types import UsersError

__all__ = ["camel", "run"]

P = TypeVar("P")


def camel(name: str | None) -> str | None:
    """``display_name`` → ``displayName`` (``None`` stays ``None``)."""
    if name is None:
        return None
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


async def run(payload_type: type[P], call: Callable[[], Awaitable[Any]]) -> P:
    """``call``'s result in ``payload_type``, or its domain errors as ``errors``."""
    payload = await mutate(payload_type, call, error_type=UsersError)
    errors: list[Any] = getattr(payload, "errors", [])
    for error in errors:
        error.field = camel(error.field)
    return payload

"""How courses' mutations run a service call and report what the user can fix.

:func:`run` is the shared :func:`~shared.graphql.mutate` with courses' error
type (``CoursesError { field code message }``, ``code`` a
``CoursesErrorCode``), each error's ``field`` given as the input's camelCase
name (``section_id`` → ``sectionId``), as clients see the input.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from shared.graphql import mutate
from subgraphs.courses.schema.types import CoursesError

__all__ = ["camel", "run"]

P = TypeVar("P")


def camel(name: str | None) -> str | None:
    """``section_id`` → ``sectionId`` (``None`` stays ``None``)."""
    if name is None:
        return None
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


async def run(
    payload_type: type[P],
    call: Callable[[], Awaitable[Any]],
    *,
    result_field: str | None = None,
) -> P:
    """``call``'s result in ``payload_type``, or its domain errors as ``errors``."""
    payload = await mutate(payload_type, call, error_type=CoursesError, result_field=result_field)
    errors: list[Any] = getattr(payload, "errors", [])
    for error in errors:
        error.field = camel(error.field)
    return payload

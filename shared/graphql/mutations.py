"""Mutation conventions: one ``input`` argument, a payload with ``errors``, list caps.

A mutation ``courseCreate(input: CourseCreateInput!): CourseCreatePayload!``
returns ``CourseCreatePayload { course: Course, errors: [CourseError!]! }``.
``CourseError`` is ``{ field, code, message }`` whose ``code`` is the
domain's own enum (``CourseErrorCode``), made by :func:`user_error_type`.
:func:`mutate` runs the service call and turns a
:class:`~shared.errors.DomainError` (or :class:`~shared.errors.DomainErrors`)
into payload errors; authentication, permission and not-found errors stay
top-level errors. The call must open (and so roll back) its own transaction::

    return await mutate(
        CourseCreatePayload,
        lambda: service.course_create(db, actor=principal, data=...),
        error_type=CourseError,
    )
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sized
from enum import Enum
from typing import Any, TypeVar, cast

import strawberry

from shared.errors import BadUserInput, DomainError, DomainErrors

__all__ = [
    "MAX_LIST_INPUT",
    "check_list_size",
    "mutate",
    "to_user_errors",
    "user_error_type",
]

MAX_LIST_INPUT = 100

P = TypeVar("P")
E = TypeVar("E")


def user_error_type(
    name: str,
    code_enum: type[Enum],
    *,
    description: str | None = None,
    indexed: bool = False,
) -> type[Any]:
    """A ``{ field, code, message }`` error type whose ``code`` is ``code_enum``.

    ``indexed=True`` adds ``index``, the row of a bulk input the error is about.
    ``code_enum`` becomes a GraphQL enum if it is not one yet.
    """
    if not hasattr(code_enum, "__strawberry_definition__"):
        code_enum = strawberry.enum(code_enum)
    annotations: dict[str, Any] = {"field": str | None, "code": code_enum, "message": str}
    namespace: dict[str, Any] = {
        "__annotations__": annotations,
        "__module__": __name__,
        "field": strawberry.field(
            default=None,
            description="Input field the error is about, as a camelCase path; "
            "null when it concerns the whole input.",
        ),
        "code": strawberry.field(description="Stable code of the error."),
        "message": strawberry.field(description="What went wrong, readable by people."),
    }
    if indexed:
        annotations["index"] = int | None
        namespace["index"] = strawberry.field(
            default=None, description="Position, from 0, of the input row the error is about."
        )
    cls = type(name, (), namespace)
    return strawberry.type(cls, description=description or f"A problem with the input ({name}).")


def _code_member(code_enum: type[Enum], code: str | Enum) -> Enum:
    if isinstance(code, code_enum):
        return code
    text = code.name if isinstance(code, Enum) else code
    try:
        return code_enum[text]
    except KeyError:
        try:
            return code_enum(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a member of {code_enum.__name__}") from None


def to_user_errors(error_type: type[E], exc: DomainError | DomainErrors) -> list[E]:
    """The payload errors of a domain error (or of each one of several)."""
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    definition = error_type.__strawberry_definition__  # type: ignore[attr-defined]
    code_field = next(f for f in definition.fields if f.python_name == "code")
    code_enum = cast(type[Enum], code_field.type.wrapped_cls)
    indexed = any(f.python_name == "index" for f in definition.fields)
    result: list[E] = []
    for error in errors:
        values: dict[str, Any] = {
            "field": error.field,
            "code": _code_member(code_enum, error.error_code),
            "message": error.message,
        }
        if indexed:
            values["index"] = error.index
        result.append(error_type(**values))
    return result


def _result_field(payload_type: type[Any]) -> str | None:
    definition = payload_type.__strawberry_definition__
    names = [f.python_name for f in definition.fields if f.python_name != "errors"]
    if len(names) > 1:
        raise TypeError(
            f"{payload_type.__name__} has several result fields {names}: pass result_field="
        )
    return names[0] if names else None


async def mutate(
    payload_type: type[P],
    call: Callable[[], Awaitable[Any]],
    *,
    error_type: type[Any],
    result_field: str | None = None,
) -> P:
    """Run ``call`` and wrap its result, or its domain errors, in ``payload_type``.

    ``payload_type`` has an ``errors`` list and (usually) one result field,
    set to what ``call`` returns. A :class:`DomainError`/:class:`DomainErrors`
    gives a payload with ``errors`` and a null result; every other exception
    propagates (a top-level error).
    """
    name = result_field or _result_field(payload_type)
    try:
        value = await call()
    except (DomainError, DomainErrors) as exc:
        values: dict[str, Any] = {"errors": to_user_errors(error_type, exc)}
        if name:
            values[name] = None
        return payload_type(**values)
    values = {"errors": []}
    if name:
        values[name] = value
    return payload_type(**values)


def check_list_size(items: Sized, *, field: str, limit: int = MAX_LIST_INPUT) -> None:
    """``BAD_USER_INPUT`` naming ``field`` when ``items`` has more than ``limit`` entries."""
    if len(items) > limit:
        raise BadUserInput(
            f"`{field}` takes at most {limit} items (got {len(items)}); split the request.",
            field=field,
        )

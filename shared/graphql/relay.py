"""Relay conventions: opaque global ids, cursor connections, keyset pagination.

* :func:`to_global_id` / :func:`from_global_id` — ``ID``\\ s are url-safe
  base64 of ``"Type:id"``; clients never build or parse them.
* :class:`Connection`, :class:`Edge`, :class:`PageInfo` — generic Strawberry
  types: ``Connection[Course]`` is ``CourseConnection`` with ``edges { cursor
  node }``, ``nodes``, ``pageInfo`` and ``totalCount``.
* :func:`paginate` — keyset pagination of a SQLAlchemy ``select`` (the cursor
  holds the row's ordering values and primary key, so pages stay stable
  while rows are inserted), identical on SQLite and PostgreSQL;
  :func:`paginate_list` — the same arguments over an in-memory list.
* :class:`OrderDirection` and :func:`ordered` for ``*Order`` inputs.

Arguments follow Relay: ``first``/``after`` page forward, ``last``/``before``
backward; ``first`` and ``last`` together, negative sizes, sizes above
``max_page`` (100) and foreign cursors are ``BAD_USER_INPUT`` errors.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from sqlalchemy import Select, and_, false, func, inspect, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement, operators
from sqlalchemy.sql.elements import UnaryExpression

from shared.errors import BadUserInput, NotFoundError

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "AfterCursor",
    "Connection",
    "Edge",
    "OrderDirection",
    "Page",
    "PageInfo",
    "PageSize",
    "decode_cursor",
    "encode_cursor",
    "from_global_id",
    "ordered",
    "paginate",
    "paginate_list",
    "split_global_id",
    "to_global_id",
]

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

PageSize = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page size (max {MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE})."
    ),
]
"""A connection field's ``first`` argument."""
AfterCursor = Annotated[str | None, strawberry.argument(description="Cursor to page forward from.")]
"""A connection field's ``after`` argument."""

T = TypeVar("T")
N = TypeVar("N")


# -- global ids ---------------------------------------------------------------------------
def to_global_id(type_name: str, id: object) -> str:
    """The opaque ``ID`` of object ``id`` of GraphQL type ``type_name``."""
    if not type_name or ":" in type_name:
        raise ValueError(f"invalid GraphQL type name {type_name!r}")
    raw = f"{type_name}:{id}".encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def split_global_id(global_id: str, *, field: str | None = None) -> tuple[str, str]:
    """``(type_name, id)`` of a global id; ``BAD_USER_INPUT`` when it is not one."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raw = ""
    type_name, sep, local_id = raw.partition(":")
    if not sep or not type_name or not local_id:
        raise BadUserInput(f"Invalid ID {global_id!r}: not an ID issued by this API.", field=field)
    return type_name, local_id


def from_global_id(
    global_id: str, *, expected_type: str | None = None, field: str | None = None
) -> str:
    """The local id inside a global id.

    ``BAD_USER_INPUT`` for a malformed id; ``NOT_FOUND`` when it names another
    type than ``expected_type`` (no such object can exist).
    """
    type_name, local_id = split_global_id(global_id, field=field)
    if expected_type is not None and type_name != expected_type:
        raise NotFoundError(f"No {expected_type} with ID {global_id!r} (it is a {type_name} ID).")
    return local_id


# -- cursors ------------------------------------------------------------------------------
def _tag(value: Any) -> list[Any]:
    if value is None:
        raise ValueError("keyset pagination needs non-null ordering values")
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, float):
        return ["f", value]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    if isinstance(value, time):
        return ["t", value.isoformat()]
    if isinstance(value, Decimal):
        return ["n", str(value)]
    if isinstance(value, uuid.UUID):
        return ["u", str(value)]
    if isinstance(value, Enum):
        return _tag(value.value)
    raise TypeError(f"cannot put a {type(value).__name__} into a cursor")


_UNTAG: dict[str, Callable[[Any], Any]] = {
    "b": bool,
    "i": int,
    "f": float,
    "s": str,
    "dt": datetime.fromisoformat,
    "d": date.fromisoformat,
    "t": time.fromisoformat,
    "n": Decimal,
    "u": uuid.UUID,
}


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor holding ``values`` (ints, strings, datetimes, decimals, uuids...)."""
    raw = json.dumps([_tag(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str, *, size: int, field: str) -> list[Any]:
    """The ``size`` values of a cursor; ``BAD_USER_INPUT`` naming ``field`` if it is not one."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        items = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(items, list) or len(items) != size:
            raise ValueError
        return [_UNTAG[tag](value) for tag, value in items]
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeError):
        raise BadUserInput(
            f"Invalid cursor for `{field}`: pass a cursor from this connection, unchanged.",
            field=field,
        ) from None


# -- arguments ----------------------------------------------------------------------------
def _page_size(
    *, first: int | None, last: int | None, max_page: int, default_page: int
) -> tuple[int, bool]:
    """``(size, backward)`` after checking the Relay arguments."""
    if first is not None and last is not None:
        raise BadUserInput("Pass either `first` or `last`, not both.", field="first")
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise BadUserInput(f"`{name}` must not be negative (got {value}).", field=name)
        if value is not None and value > max_page:
            raise BadUserInput(
                f"`{name}` is at most {max_page} (got {value}); page with `after`/`before`.",
                field=name,
            )
    if last is not None:
        return last, True
    return (first if first is not None else min(default_page, max_page)), False


# -- pages --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Page(Generic[N]):
    """One page of results, before conversion to GraphQL types."""

    nodes: list[N]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    total_count: int


@strawberry.enum(description="Direction of an ordering.")
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"


def ordered(
    column: ColumnElement[Any] | InstrumentedAttribute[Any], direction: OrderDirection
) -> UnaryExpression[Any]:
    """``column`` ascending or descending, as a ``*Order`` input asks."""
    return column.desc() if direction is OrderDirection.DESC else column.asc()


OrderKey = ColumnElement[Any] | InstrumentedAttribute[Any] | UnaryExpression[Any]


@dataclass(frozen=True, slots=True)
class _Key:
    expression: ColumnElement[Any]
    descending: bool


def _keys(statement: Select[Any], order_by: Sequence[OrderKey]) -> list[_Key]:
    keys: list[_Key] = []
    for item in order_by:
        if isinstance(item, UnaryExpression) and item.modifier in (
            operators.desc_op,
            operators.asc_op,
        ):
            keys.append(_Key(item.element, item.modifier is operators.desc_op))
        elif isinstance(item, InstrumentedAttribute):
            keys.append(_Key(item.expression, False))
        else:
            keys.append(_Key(item, False))
    entity = statement.column_descriptions[0].get("entity")
    if entity is None:
        raise ValueError("paginate needs a select of an ORM entity (its primary key breaks ties)")
    for pk in inspect(entity).primary_key:
        if not any(key.expression.compare(pk) for key in keys):
            keys.append(_Key(pk, keys[-1].descending if keys else False))
    return keys


def _beyond(keys: Sequence[_Key], values: Sequence[Any], *, forward: bool) -> ColumnElement[bool]:
    """Rows strictly after (``forward``) or before the position ``values``, in key order."""
    clauses = []
    for i, key in enumerate(keys):
        greater = key.descending != forward  # ascending + forward: k > v
        step = key.expression > values[i] if greater else key.expression < values[i]
        equal = [keys[j].expression == values[j] for j in range(i)]
        clauses.append(and_(*equal, step))
    return or_(*clauses) if clauses else false()


def _countable(base: Select[Any]) -> Select[Any]:
    """``base`` selecting only a constant, to count its rows without computing its columns.

    A select with DISTINCT or GROUP BY is counted as it is (its columns decide its rows).
    """
    if base._distinct or base._group_by_clauses:
        return base.order_by(None)
    return base.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None)


async def paginate(
    session: AsyncSession,
    statement: Select[Any],
    *,
    order_by: Sequence[OrderKey] = (),
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    max_page: int = MAX_PAGE_SIZE,
    default_page: int = DEFAULT_PAGE_SIZE,
) -> Page[Any]:
    """One page of ``statement`` (a ``select`` of an ORM entity), by keyset.

    ``order_by`` lists the ordering (``Course.title``, ``Course.created_at.desc()``);
    the entity's primary key is appended to break ties. Ordering columns must
    not be NULL. ``total_count`` counts every row of ``statement``.
    """
    size, backward = _page_size(
        first=first, last=last, max_page=max_page, default_page=default_page
    )
    keys = _keys(statement, order_by)
    after_values = None if after is None else decode_cursor(after, size=len(keys), field="after")
    before_values = (
        None if before is None else decode_cursor(before, size=len(keys), field="before")
    )
    base = statement.order_by(None)
    window = base
    if after_values is not None:
        window = window.where(_beyond(keys, after_values, forward=True))
    if before_values is not None:
        window = window.where(_beyond(keys, before_values, forward=False))

    width = len(statement.column_descriptions)
    labelled = [key.expression.label(f"_cursor_{i}") for i, key in enumerate(keys)]
    sort = [
        key.expression.desc() if key.descending != backward else key.expression.asc()
        for key in keys
    ]
    query = window.add_columns(*labelled).order_by(*sort).limit(size + 1)
    rows = list((await session.execute(query)).all())
    more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
    nodes = [row[0] if width == 1 else tuple(row[:width]) for row in rows]
    cursors = [encode_cursor(list(row[width:])) for row in rows]

    # Rows on the other side of the cursor we started from.
    other_side: ColumnElement[bool] | None = None
    if not backward and after_values is not None:
        other_side = or_(
            _beyond(keys, after_values, forward=False),
            and_(*[k.expression == v for k, v in zip(keys, after_values, strict=True)]),
        )
    elif backward and before_values is not None:
        other_side = or_(
            _beyond(keys, before_values, forward=True),
            and_(*[k.expression == v for k, v in zip(keys, before_values, strict=True)]),
        )
    beyond_start = False
    if other_side is not None:
        probe: Select[Any] = base.with_only_columns(literal_column("1"), maintain_column_froms=True)
        beyond_start = (await session.execute(probe.where(other_side).limit(1))).first() is not None

    total = await session.scalar(select(func.count()).select_from(_countable(base).subquery()))
    return Page(
        nodes=nodes,
        cursors=cursors,
        has_next_page=beyond_start if backward else more,
        has_previous_page=more if backward else beyond_start,
        total_count=int(total or 0),
    )


def paginate_list(
    items: Sequence[N],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    max_page: int = MAX_PAGE_SIZE,
    default_page: int = DEFAULT_PAGE_SIZE,
) -> Page[N]:
    """One page of an in-memory list (cursors are positions in the list)."""
    size, backward = _page_size(
        first=first, last=last, max_page=max_page, default_page=default_page
    )
    start, end = 0, len(items)
    if after is not None:
        start = max(start, _position(after, field="after") + 1)
    if before is not None:
        end = min(end, _position(before, field="before"))
    end = max(start, end)
    if backward:
        lo, hi = max(start, end - size), end
    else:
        lo, hi = start, min(end, start + size)
    return Page(
        nodes=list(items[lo:hi]),
        cursors=[encode_cursor([i]) for i in range(lo, hi)],
        has_next_page=(end > hi) if not backward else (before is not None and end < len(items)),
        has_previous_page=(lo > start) if backward else (after is not None and start > 0),
        total_count=len(items),
    )


def _position(cursor: str, *, field: str) -> int:
    [position] = decode_cursor(cursor, size=1, field=field)
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise BadUserInput(
            f"Invalid cursor for `{field}`: pass a cursor from this connection, unchanged.",
            field=field,
        )
    return position


# -- GraphQL types ------------------------------------------------------------------------
@strawberry.federation.type(
    shareable=True,
    description="Where a page sits in the whole list (the same type in every subgraph).",
)
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items come before this page.")
    start_cursor: str | None = strawberry.field(
        description="Cursor of the first item of the page; null for an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item of the page; null for an empty page."
    )


@strawberry.type(description="An item of a page, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` or `before` to page from here.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, with Relay cursors.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of the page, with cursors.")
    nodes: list[T] = strawberry.field(description="The items of the page.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int = strawberry.field(description="Number of items in the whole list.")

    @classmethod
    def from_page(cls, page: Page[Any], node: Callable[[Any], T] | None = None) -> Connection[T]:
        """The connection of a :class:`Page`, converting each item with ``node``."""
        converted: list[T] = [node(n) if node else n for n in page.nodes]
        return cls(
            edges=[Edge(cursor=c, node=n) for c, n in zip(page.cursors, converted, strict=True)],
            nodes=converted,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            total_count=page.total_count,
        )

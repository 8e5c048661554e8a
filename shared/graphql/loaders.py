"""DataLoaders: one per (entity, key) per request, each batching to one SQL query.

Naming: a loader is ``<Thing>By<Key>Loader`` (``CourseByIdLoader``,
``EnrollmentsByCourseIdLoader``); it is made once per request through the
context's :class:`LoaderRegistry`::

    loader = info.context.loaders.get(
        CourseByIdLoader, lambda: rows_by_column_loader(Course.id, sessions=db.session)
    )
    course = await loader.load(course_id)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement
from strawberry.dataloader import DataLoader

__all__ = [
    "DEFAULT_MAX_BATCH",
    "LoaderRegistry",
    "rows_by_column_loader",
    "rows_grouped_by_column_loader",
]

L = TypeVar("L")
DEFAULT_MAX_BATCH = 500


class LoaderRegistry:
    """The loaders of one request: ``get`` makes each one once, then returns it again."""

    def __init__(self) -> None:
        self._loaders: dict[Hashable, Any] = {}

    def get(self, key: Hashable, factory: Callable[[], L] | None = None) -> L:
        """The loader registered under ``key``, made by ``factory`` on first use.

        ``key`` is usually the loader's class (or a name); without a
        ``factory``, a class ``key`` is called with no arguments.
        """
        try:
            return cast(L, self._loaders[key])
        except KeyError:
            pass
        if factory is None:
            if not callable(key):
                raise TypeError(f"no loader registered under {key!r} and no factory given")
            factory = cast(Callable[[], L], key)
        loader = factory()
        self._loaders[key] = loader
        return loader

    def __contains__(self, key: Hashable) -> bool:
        return key in self._loaders

    def __len__(self) -> int:
        return len(self._loaders)


def _entity_of(column: InstrumentedAttribute[Any]) -> type[Any]:
    return cast(type[Any], column.class_)


def rows_by_column_loader(
    column: InstrumentedAttribute[Any],
    *,
    sessions: Callable[[], AsyncSession],
    max_batch_size: int = DEFAULT_MAX_BATCH,
) -> DataLoader[Any, Any]:
    """A loader of the row whose ``column`` equals each key (``None`` when there is none).

    Each batch is ONE ``SELECT ... WHERE column IN (...)`` in a session from
    ``sessions`` (for example ``database.session``); results come back in key
    order. ``column`` should be unique (a primary key, a unique code).
    """
    entity = _entity_of(column)

    async def load(keys: list[Any]) -> Sequence[Any]:
        async with sessions() as session:
            rows = (await session.scalars(select(entity).where(column.in_(keys)))).all()
        by_key = {getattr(row, column.key): row for row in rows}
        return [by_key.get(key) for key in keys]

    return DataLoader(load_fn=load, max_batch_size=max_batch_size)


def rows_grouped_by_column_loader(
    column: InstrumentedAttribute[Any],
    *,
    sessions: Callable[[], AsyncSession],
    order_by: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]] = (),
    max_batch_size: int = DEFAULT_MAX_BATCH,
) -> DataLoader[Any, list[Any]]:
    """A loader of every row whose ``column`` equals each key (a list, empty for none).

    For one-to-many fields (``EnrollmentsByCourseIdLoader``); ONE query per
    batch, each list in ``order_by`` order.
    """
    entity = _entity_of(column)

    async def load(keys: list[Any]) -> Sequence[list[Any]]:
        statement = select(entity).where(column.in_(keys))
        if order_by:
            statement = statement.order_by(*order_by)
        async with sessions() as session:
            rows = (await session.scalars(statement)).all()
        groups: dict[Any, list[Any]] = defaultdict(list)
        for row in rows:
            groups[getattr(row, column.key)].append(row)
        return [groups.get(key, []) for key in keys]

    return DataLoader(load_fn=load, max_batch_size=max_batch_size)

"""Stored objects of file items: deleted once no item points at them, after the commit.

Deleting a file item, or a module holding file items, releases the objects
that no other item of the course points at (one upload may be attached
twice; its object goes with the last item). The domain functions
(:func:`~subgraphs.courses.content.items.delete_item`,
:func:`~subgraphs.courses.content.modules.delete_module`) return those keys
in :class:`Deleted` without touching storage; :func:`delete_released` runs
such a function in one transaction and deletes the objects only once it has
committed, so a deletion that fails or is rolled back keeps its files. A
store that fails to delete an object is logged (the item is gone either
way; the object is left over), never raised to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shared.db import Database
from shared.storage import ObjectStore, StorageError
from subgraphs.courses.content.models import CourseModule, ModuleItem

__all__ = ["Deleted", "delete_released", "released_keys"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Deleted:
    """What a deletion removed: the row's ``id``, and the stored objects it released."""

    id: str
    object_keys: tuple[str, ...] = ()
    """Keys no item points at any more: delete them once the transaction has committed."""


async def released_keys(
    session: AsyncSession, *, course_id: str, module_id: str, item_id: str | None = None
) -> tuple[str, ...]:
    """The object keys of the module's file items (only ``item_id``'s, when given) that no
    other item of the course points at: what deleting those items releases. One statement;
    call it before deleting them."""
    other = aliased(ModuleItem)
    if item_id is None:
        doomed, kept = ModuleItem.module_id == module_id, other.module_id != module_id
    else:
        doomed, kept = ModuleItem.id == item_id, other.id != item_id
    still_used = (
        select(other.id)
        .join(CourseModule, CourseModule.id == other.module_id)
        .where(CourseModule.course_id == course_id, other.file_key == ModuleItem.file_key, kept)
    )
    keys = await session.scalars(
        select(ModuleItem.file_key)
        .distinct()
        .where(doomed, ModuleItem.file_key.is_not(None), ~still_used.exists())
    )
    return tuple(sorted(key for key in keys if key is not None))


async def delete_released(
    database: Database,
    store: ObjectStore,
    work: Callable[[AsyncSession], Awaitable[Deleted]],
) -> Deleted:
    """Run ``work`` in one transaction; once it has committed, delete the objects it
    released from ``store`` (a failure is logged, not raised)."""
    async with database.transaction() as session:
        deleted = await work(session)
    for key in deleted.object_keys:
        try:
            await store.delete(key)
        except (StorageError, OSError) as exc:
            logger.warning("content object %s not deleted: %s", key, exc)
    return deleted

"""Finding the module or item a manager acts on, and checking it is theirs to change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from subgraphs.courses import tenancy
from subgraphs.courses.content.access import MANAGE, CourseAccess, course_access, not_yours
from subgraphs.courses.content.models import CourseModule, ModuleItem, ModuleSection

__all__ = ["Managed", "listed_sections", "managed_item", "managed_module"]


@dataclass(frozen=True, kw_only=True)
class Managed:
    """A module the actor may change, the actor's access to its course, and its audience."""

    module: CourseModule
    access: CourseAccess
    audience: frozenset[str]


async def listed_sections(
    session: AsyncSession, module_ids: Collection[str]
) -> dict[str, set[str]]:
    """The ``module_section`` rows of ``module_ids``: section ids by module id."""
    listed: dict[str, set[str]] = defaultdict(set)
    if module_ids:
        rows = await session.execute(
            select(ModuleSection.module_id, ModuleSection.section_id).where(
                ModuleSection.module_id.in_(list(module_ids))
            )
        )
        for module_id, section_id in rows:
            listed[module_id].add(section_id)
    return listed


async def managed_module(
    session: AsyncSession, *, actor: Principal, module_id: str, lock: bool = False
) -> Managed:
    """The module ``module_id`` if the actor may change it.

    ``UNAUTHENTICATED`` / ``FORBIDDEN`` without ``content:manage``; ``NOT_FOUND``
    for a module of another college (or none); ``FORBIDDEN`` for a module whose
    audience reaches a section the actor does not teach. ``lock`` takes the
    module row for update (concurrent changes of its items queue).
    """
    tenancy.require_permission(actor, MANAGE)
    module = await session.get(CourseModule, module_id, with_for_update=lock)
    module = tenancy.visible(actor, module, "module")
    access = await course_access(session, actor=actor, course_id=module.course_id)
    listed = (await listed_sections(session, [module.id]))[module.id]
    audience = access.audience(module, listed)
    if not access.may_manage(audience):
        raise not_yours("module")
    return Managed(module=module, access=access, audience=audience)


async def managed_item(
    session: AsyncSession, *, actor: Principal, item_id: str
) -> tuple[ModuleItem, Managed]:
    """The item ``item_id`` and its module, if the actor may change that module."""
    tenancy.require_permission(actor, MANAGE)
    item = tenancy.visible(actor, await session.get(ModuleItem, item_id), "module item")
    managed = await managed_module(session, actor=actor, module_id=item.module_id)
    return item, managed

"""The modules and items a viewer may see, in order, with what is locked for them.

* Teaching staff of the course and the college's section managers see
  every module and item, drafts included, never locked; ``can_manage``
  says which modules they may change.
* A student sees the published modules visible to a section they hold a
  seat in, and only their published items. A module whose prerequisites
  the student has not completed is *locked*: its items are listed (kind,
  title) but :attr:`ItemView.locked` tells readers to withhold their
  content. A prerequisite counts only when the student sees it (a draft,
  or a module for another section, locks nothing); it is completed when
  every one of its published items is.
* Anyone else sees nothing; a module or item of another college is
  "not found".

Views for many courses or sections are built with a fixed number of
queries (seven at most), whatever their number, for DataLoaders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import NotFoundError
from subgraphs.courses import tenancy
from subgraphs.courses.content._guard import listed_sections
from subgraphs.courses.content.access import CourseAccess, load_access, require_reader
from subgraphs.courses.content.models import (
    ContentStatus,
    CourseModule,
    ItemCompletion,
    ModuleItem,
    ModulePrerequisite,
)
from subgraphs.courses.models import Course, Section

__all__ = [
    "ItemView",
    "ModuleView",
    "get_item_view",
    "get_module_view",
    "modules_of_courses",
    "modules_of_sections",
]


@dataclass(frozen=True, kw_only=True)
class ItemView:
    """An item as one viewer sees it."""

    item: ModuleItem
    locked: bool
    """Its module is locked for the viewer: show kind and title only."""
    completed: bool
    """The viewer completed it."""


@dataclass(frozen=True, kw_only=True)
class ModuleView:
    """A module as one viewer sees it, with the items they see in order."""

    module: CourseModule
    audience: frozenset[str]
    """The sections that see the module."""
    section_ids: tuple[str, ...]
    """The sections it is listed for (empty when visible to all)."""
    prerequisite_ids: tuple[str, ...]
    items: tuple[ItemView, ...]
    locked: bool
    can_manage: bool
    as_student: bool
    """Seen through a student's seat (published content only, locks apply)."""
    completed: bool
    """Every published item is completed by the viewer."""


async def _build(
    session: AsyncSession, actor: Principal, courses: Collection[Course]
) -> tuple[dict[str, list[ModuleView]], dict[str, CourseAccess]]:
    views: dict[str, list[ModuleView]] = {course.id: [] for course in courses}
    if not courses:
        return views, {}
    access = await load_access(session, actor=actor, courses=courses)
    modules = (
        await session.scalars(
            select(CourseModule)
            .where(CourseModule.course_id.in_(list(views)))
            .order_by(CourseModule.position, CourseModule.created_at, CourseModule.id)
        )
    ).all()
    listed = await listed_sections(session, [module.id for module in modules])
    shown: dict[str, tuple[CourseModule, frozenset[str], bool]] = {}
    for module in modules:
        course_access = access[module.course_id]
        audience = course_access.audience(module, listed[module.id])
        if course_access.is_staff:
            shown[module.id] = (module, audience, False)
        elif course_access.sees_as_student(module, audience):
            shown[module.id] = (module, audience, True)
    if not shown:
        return views, access
    required: dict[str, list[str]] = defaultdict(list)
    for needer, needed in await session.execute(
        select(ModulePrerequisite.module_id, ModulePrerequisite.required_module_id)
        .where(ModulePrerequisite.module_id.in_(list(shown)))
        .order_by(ModulePrerequisite.required_module_id)
    ):
        required[needer].append(needed)
    items: dict[str, list[ModuleItem]] = defaultdict(list)
    for item in await session.scalars(
        select(ModuleItem)
        .where(ModuleItem.module_id.in_(list(shown)))
        .order_by(ModuleItem.position, ModuleItem.created_at, ModuleItem.id)
    ):
        if not shown[item.module_id][2] or item.status is ContentStatus.PUBLISHED:
            items[item.module_id].append(item)
    published = [
        item.id
        for module_items in items.values()
        for item in module_items
        if item.status is ContentStatus.PUBLISHED
    ]
    done: set[str] = set()
    if published and actor.user_id is not None:
        done = set(
            await session.scalars(
                select(ItemCompletion.item_id).where(
                    ItemCompletion.user_id == actor.user_id,
                    ItemCompletion.item_id.in_(published),
                )
            )
        )
    complete = {
        module_id: all(
            item.id in done for item in items[module_id] if item.status is ContentStatus.PUBLISHED
        )
        for module_id in shown
    }
    for module_id, (module, audience, as_student) in shown.items():
        locked = as_student and any(
            other in shown and not complete[other] for other in required[module_id]
        )
        views[module.course_id].append(
            ModuleView(
                module=module,
                audience=audience,
                section_ids=tuple(sorted(listed[module_id])) if not module.visible_to_all else (),
                prerequisite_ids=tuple(required[module_id]),
                items=tuple(
                    ItemView(item=item, locked=locked, completed=item.id in done)
                    for item in items[module_id]
                ),
                locked=locked,
                can_manage=access[module.course_id].may_manage(audience),
                as_student=as_student,
                completed=complete[module_id],
            )
        )
    return views, access


async def modules_of_courses(
    session: AsyncSession, *, actor: Principal, course_ids: Collection[str]
) -> dict[str, list[ModuleView]]:
    """What the actor sees of each course's modules, in order, by course id.

    A course of another college (or none) has an empty list. Needs
    ``content:read`` (or ``content:manage``).
    """
    require_reader(actor)
    courses = []
    if course_ids:
        found = await session.scalars(select(Course).where(Course.id.in_(list(course_ids))))
        courses = [course for course in found if tenancy.can_see(actor, course.college_id)]
    views, _ = await _build(session, actor, courses)
    return {course_id: views.get(course_id, []) for course_id in course_ids}


async def modules_of_sections(
    session: AsyncSession, *, actor: Principal, section_ids: Collection[str]
) -> dict[str, list[ModuleView]]:
    """What the actor sees of the modules visible to each section, by section id.

    Staff see the modules the section sees; a student sees them only for a
    section they hold a seat in. Needs ``content:read`` (or ``content:manage``).
    """
    require_reader(actor)
    sections: list[Section] = []
    if section_ids:
        found = await session.scalars(select(Section).where(Section.id.in_(list(section_ids))))
        sections = [section for section in found if tenancy.can_see(actor, section.college_id)]
    course_ids = {section.course_id for section in sections}
    courses = []
    if course_ids:
        courses = list(await session.scalars(select(Course).where(Course.id.in_(course_ids))))
    views, access = await _build(session, actor, courses)
    result: dict[str, list[ModuleView]] = {section_id: [] for section_id in section_ids}
    for section in sections:
        enrolled = access[section.course_id].enrolled
        result[section.id] = [
            view
            for view in views[section.course_id]
            if section.id in view.audience and (not view.as_student or section.id in enrolled)
        ]
    return result


async def get_module_view(session: AsyncSession, *, actor: Principal, module_id: str) -> ModuleView:
    """The module ``module_id`` as the actor sees it; ``NOT_FOUND`` when they do not."""
    require_reader(actor)
    module = tenancy.visible(actor, await session.get(CourseModule, module_id), "module")
    course = await session.get(Course, module.course_id)
    views, _ = await _build(session, actor, [course] if course is not None else [])
    for view in views.get(module.course_id, []):
        if view.module.id == module_id:
            return view
    raise NotFoundError("No such module.")


async def get_item_view(
    session: AsyncSession, *, actor: Principal, item_id: str
) -> tuple[ModuleView, ItemView]:
    """The item ``item_id`` and its module as the actor sees them; else ``NOT_FOUND``."""
    require_reader(actor)
    item = tenancy.visible(actor, await session.get(ModuleItem, item_id), "module item")
    try:
        module = await get_module_view(session, actor=actor, module_id=item.module_id)
    except NotFoundError:
        raise NotFoundError("No such module item.") from None
    for view in module.items:
        if view.item.id == item_id:
            return module, view
    raise NotFoundError("No such module item.")

"""Modules of a course: create, rename, reorder, publish, delete; visibility and prerequisites.

Every function needs ``content:manage`` and applies the rules of
:mod:`subgraphs.courses.content.access`: a teacher changes only modules
seen by sections they teach and gives modules only to such sections. A
module of another college is "not found"; a section or module named in the
input that is not the course's is ``UNKNOWN_SECTION`` / ``UNKNOWN_MODULE``.
Functions run in the caller's transaction and write their event to the
outbox in it, so a refusal leaves nothing behind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import utcnow
from shared.errors import DomainError
from subgraphs.courses import events, tenancy
from subgraphs.courses.content._guard import listed_sections, managed_module
from subgraphs.courses.content.access import MANAGE, course_access, not_yours
from subgraphs.courses.content.models import (
    ContentStatus,
    CourseModule,
    ModulePrerequisite,
    ModuleSection,
)
from subgraphs.courses.content.objects import Deleted, released_keys
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.validation import normalize_name

__all__ = [
    "MAX_LIST",
    "create_module",
    "delete_module",
    "reorder_modules",
    "set_module_published",
    "set_prerequisites",
    "set_visibility",
    "update_module",
]

MAX_LIST = 100
"""The most ids one call takes (sections, prerequisites, modules to reorder)."""


def _distinct(ids: Sequence[str], field: str) -> list[str]:
    if len(ids) > MAX_LIST:
        raise DomainError(CoursesErrorCode.INVALID_ORDER, f"At most {MAX_LIST} ids.", field)
    if len(set(ids)) != len(ids):
        raise DomainError(CoursesErrorCode.INVALID_ORDER, "An id is listed twice.", field)
    return list(ids)


def _sections_of_course(ids: Sequence[str], sections: frozenset[str]) -> frozenset[str]:
    chosen = _distinct(ids, "section_ids")
    if any(section not in sections for section in chosen):
        raise DomainError(
            CoursesErrorCode.UNKNOWN_SECTION,
            "Every section must be a section of the module's course.",
            "section_ids",
        )
    return frozenset(chosen)


async def create_module(
    session: AsyncSession,
    *,
    actor: Principal,
    course_id: str,
    title: str,
    section_ids: Sequence[str] | None = None,
    on_commit: events.OnCommit | None = None,
) -> CourseModule:
    """A new draft module at the end of the course.

    ``section_ids`` ``None``: visible to every section of the course — or, for a
    teacher who does not teach them all, to the sections they teach.
    """
    tenancy.require_permission(actor, MANAGE)
    access = await course_access(session, actor=actor, course_id=course_id)
    if not access.may_manage_course:
        raise not_yours("course")
    title = normalize_name(title, field="title")
    if section_ids is None:
        visible_to_all = access.may_manage(access.sections)
        listed = frozenset() if visible_to_all else access.taught
    else:
        visible_to_all = False
        listed = _sections_of_course(section_ids, access.sections)
        if not access.may_manage(listed):
            raise not_yours("section")
    last = await session.scalar(
        select(func.max(CourseModule.position)).where(CourseModule.course_id == course_id)
    )
    module = CourseModule(
        college_id=access.college_id,
        course_id=course_id,
        title=title,
        position=(last or 0) + 1,
        status=ContentStatus.DRAFT,
        visible_to_all=visible_to_all,
    )
    session.add(module)
    await session.flush()
    session.add_all(ModuleSection(module_id=module.id, section_id=s) for s in sorted(listed))
    await session.flush()
    await events.publish(
        session,
        type=events.MODULE_CREATED,
        tenant=module.college_id,
        subject=module.id,
        actor=actor,
        data={
            "course_id": course_id,
            "title": title,
            "position": module.position,
            "visible_to_all": visible_to_all,
            "section_ids": sorted(listed),
        },
        on_commit=on_commit,
    )
    return module


async def update_module(
    session: AsyncSession,
    *,
    actor: Principal,
    module_id: str,
    title: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> CourseModule:
    """Rename a module (``None``: unchanged); nothing changed, no event."""
    module = (await managed_module(session, actor=actor, module_id=module_id)).module
    changed: list[str] = []
    if title is not None:
        new_title = normalize_name(title, field="title")
        if new_title != module.title:
            module.title = new_title
            changed.append("title")
    if changed:
        await session.flush()
        await events.publish(
            session,
            type=events.MODULE_UPDATED,
            tenant=module.college_id,
            subject=module.id,
            actor=actor,
            data={"course_id": module.course_id, "changed": changed},
            on_commit=on_commit,
        )
    return module


async def delete_module(
    session: AsyncSession,
    *,
    actor: Principal,
    module_id: str,
    on_commit: events.OnCommit | None = None,
) -> Deleted:
    """Delete a module with its items, visibility, prerequisites and completions.

    Modules that required it no longer do. Returns the deleted module's id and
    the stored objects of its file items that no other item of the course
    points at; they are not touched here: delete them once the transaction
    has committed (:func:`~subgraphs.courses.content.objects.delete_released`).
    The module row is locked first, so no item is added to it meanwhile.
    """
    module = (await managed_module(session, actor=actor, module_id=module_id, lock=True)).module
    keys = await released_keys(session, course_id=module.course_id, module_id=module.id)
    await session.execute(
        delete(ModulePrerequisite).where(
            (ModulePrerequisite.module_id == module.id)
            | (ModulePrerequisite.required_module_id == module.id)
        )
    )
    await session.delete(module)
    await session.flush()
    await events.publish(
        session,
        type=events.MODULE_DELETED,
        tenant=module.college_id,
        subject=module.id,
        actor=actor,
        data={"course_id": module.course_id},
        on_commit=on_commit,
    )
    return Deleted(id=module.id, object_keys=keys)


async def reorder_modules(
    session: AsyncSession,
    *,
    actor: Principal,
    course_id: str,
    module_ids: Sequence[str],
    on_commit: events.OnCommit | None = None,
) -> list[CourseModule]:
    """Put the listed modules of the course in the given order.

    The listed modules (at most 100, each one the actor may change) take the
    positions they hold between them, in the new order; other modules keep
    theirs. Returns every module of the course in order.
    """
    tenancy.require_permission(actor, MANAGE)
    access = await course_access(session, actor=actor, course_id=course_id)
    if not access.may_manage_course:
        raise not_yours("course")
    ids = _distinct(module_ids, "module_ids")
    rows = (
        await session.scalars(
            select(CourseModule).where(CourseModule.course_id == course_id).with_for_update()
        )
    ).all()
    by_id = {module.id: module for module in rows}
    if any(module_id not in by_id for module_id in ids):
        raise DomainError(
            CoursesErrorCode.UNKNOWN_MODULE, "Every module must be of this course.", "module_ids"
        )
    listed = await listed_sections(session, ids)
    for module_id in ids:
        if not access.may_manage(access.audience(by_id[module_id], listed[module_id])):
            raise not_yours("module")
    positions = sorted(by_id[module_id].position for module_id in ids)
    for module_id, position in zip(ids, positions, strict=True):
        by_id[module_id].position = position
    await session.flush()
    if ids:
        await events.publish(
            session,
            type=events.MODULES_REORDERED,
            tenant=access.college_id,
            subject=course_id,
            actor=actor,
            data={"module_ids": ids},
            on_commit=on_commit,
        )
    return sorted(rows, key=lambda module: (module.position, module.created_at, module.id))


async def set_module_published(
    session: AsyncSession,
    *,
    actor: Principal,
    module_id: str,
    published: bool,
    on_commit: events.OnCommit | None = None,
) -> CourseModule:
    """Publish a module (students it is visible to see it) or take it back to draft.

    Its items keep their own status. Already so: no change, no event.
    """
    module = (await managed_module(session, actor=actor, module_id=module_id)).module
    status = ContentStatus.PUBLISHED if published else ContentStatus.DRAFT
    if module.status == status:
        return module
    module.status = status
    module.published_at = utcnow() if published else None
    await session.flush()
    await events.publish(
        session,
        type=events.MODULE_PUBLISHED if published else events.MODULE_UNPUBLISHED,
        tenant=module.college_id,
        subject=module.id,
        actor=actor,
        data={"course_id": module.course_id},
        on_commit=on_commit,
    )
    return module


async def set_visibility(
    session: AsyncSession,
    *,
    actor: Principal,
    module_id: str,
    section_ids: Sequence[str] | None,
    on_commit: events.OnCommit | None = None,
) -> CourseModule:
    """Make a module visible to every section (``None``) or only to the listed sections.

    An empty list hides it from every student. A teacher may only give a
    module to sections they teach ("every section" included).
    """
    managed = await managed_module(session, actor=actor, module_id=module_id)
    module, access = managed.module, managed.access
    if section_ids is None:
        audience, listed = access.sections, frozenset[str]()
    else:
        listed = _sections_of_course(section_ids, access.sections)
        audience = listed
    if not access.may_manage(audience):
        raise not_yours("section")
    await session.execute(delete(ModuleSection).where(ModuleSection.module_id == module.id))
    session.add_all(ModuleSection(module_id=module.id, section_id=s) for s in sorted(listed))
    module.visible_to_all = section_ids is None
    module.updated_at = utcnow()
    await session.flush()
    await events.publish(
        session,
        type=events.MODULE_VISIBILITY_SET,
        tenant=module.college_id,
        subject=module.id,
        actor=actor,
        data={
            "course_id": module.course_id,
            "visible_to_all": module.visible_to_all,
            "section_ids": sorted(listed),
        },
        on_commit=on_commit,
    )
    return module


async def set_prerequisites(
    session: AsyncSession,
    *,
    actor: Principal,
    module_id: str,
    required_module_ids: Sequence[str],
    on_commit: events.OnCommit | None = None,
) -> CourseModule:
    """Replace the modules that must be completed before ``module_id`` opens to students.

    Each must be another module of the same course (``UNKNOWN_MODULE``); a
    module requiring itself, directly or through others, is
    ``PREREQUISITE_CYCLE``. At most 100.
    """
    module = (await managed_module(session, actor=actor, module_id=module_id)).module
    required = _distinct(required_module_ids, "required_module_ids")
    course_modules = set(
        await session.scalars(
            select(CourseModule.id).where(CourseModule.course_id == module.course_id)
        )
    )
    if any(other not in course_modules for other in required):
        raise DomainError(
            CoursesErrorCode.UNKNOWN_MODULE,
            "Every prerequisite must be a module of the same course.",
            "required_module_ids",
        )
    edges: dict[str, set[str]] = defaultdict(set)
    for needer, needed in await session.execute(
        select(ModulePrerequisite.module_id, ModulePrerequisite.required_module_id).where(
            ModulePrerequisite.module_id.in_(course_modules),
            ModulePrerequisite.module_id != module.id,
        )
    ):
        edges[needer].add(needed)
    edges[module.id] = set(required)
    if _reaches(edges, start=module.id, target=module.id):
        raise DomainError(
            CoursesErrorCode.PREREQUISITE_CYCLE,
            "A module cannot require itself, directly or through other modules.",
            "required_module_ids",
        )
    await session.execute(
        delete(ModulePrerequisite).where(ModulePrerequisite.module_id == module.id)
    )
    session.add_all(
        ModulePrerequisite(module_id=module.id, required_module_id=other) for other in required
    )
    module.updated_at = utcnow()
    await session.flush()
    await events.publish(
        session,
        type=events.MODULE_PREREQUISITES_SET,
        tenant=module.college_id,
        subject=module.id,
        actor=actor,
        data={"course_id": module.course_id, "required_module_ids": required},
        on_commit=on_commit,
    )
    return module


def _reaches(edges: dict[str, set[str]], *, start: str, target: str) -> bool:
    """Whether following ``edges`` from ``start`` (one step at least) arrives at ``target``."""
    seen: set[str] = set()
    stack = list(edges.get(start, ()))
    while stack:
        node = stack.pop()
        if node == target:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return False

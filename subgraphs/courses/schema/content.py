"""Course content over GraphQL: ``module(id)`` and the module mutations.

``moduleCreate``, ``moduleUpdate``, ``moduleDelete``, ``moduleReorder``,
``modulePublish``, ``moduleUnpublish``, ``moduleVisibilitySet`` and
``modulePrerequisitesSet`` need ``content:manage`` and follow the rules of
:mod:`subgraphs.courses.content.access` (a teacher changes only the modules
of sections they teach). Item mutations live in
:mod:`subgraphs.courses.schema.content_items`. Each mutation returns the
module as the caller now sees it; bad input comes back in ``errors``
(``CoursesError``), refusals and unknown ids as top-level errors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from shared.auth.principal import Principal
from shared.graphql import (
    HasPermission,
    check_list_size,
    permission_field_description,
    require_principal,
)
from subgraphs.courses.content import access, modules, objects, viewing
from subgraphs.courses.content.models import CourseModule
from subgraphs.courses.schema._api import CoursesApi, api_of
from subgraphs.courses.schema._mutation import run
from subgraphs.courses.schema.content_types import READ_RULE, Module
from subgraphs.courses.schema.types import CoursesError, local_id

__all__ = [
    "ModuleCreateInput",
    "ModuleDeletePayload",
    "ModuleIdInput",
    "ModulePayload",
    "ModulePrerequisitesSetInput",
    "ModuleReorderInput",
    "ModuleReorderPayload",
    "ModuleUpdateInput",
    "ModuleVisibilitySetInput",
    "Mutation",
    "Query",
    "module_id",
]

MANAGE = access.MANAGE


def module_id(value: strawberry.ID, field: str = "id") -> str:
    """The database id inside a ``Module`` global id."""
    return local_id(value, "Module", field)


def _ids(values: list[strawberry.ID], type_name: str, field: str) -> list[str]:
    check_list_size(values, field=field)
    return [local_id(value, type_name, field) for value in values]


async def module_after(
    api: CoursesApi,
    principal: Principal,
    change: Callable[[AsyncSession], Awaitable[CourseModule]],
) -> Module:
    """Run ``change`` in one transaction and return the module as the caller then sees it."""

    async def work(session: AsyncSession) -> Module:
        row = await change(session)
        view = await viewing.get_module_view(session, actor=principal, module_id=row.id)
        return Module.of(view)

    return await api.in_transaction(work)


@strawberry.input(description="A new module at the end of a course.")
class ModuleCreateInput:
    course_id: strawberry.ID = strawberry.field(description="The `Course`.")
    title: str = strawberry.field(description="Title, 1 to 200 characters.")
    section_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only these `Section`s of the course see it (at most 100). Default: every "
        "section; for a teacher who does not teach them all, the sections they teach.",
    )


@strawberry.input(description="Changes to a module; omitted fields stay as they are.")
class ModuleUpdateInput:
    id: strawberry.ID = strawberry.field(description="The `Module`.")
    title: str | None = strawberry.field(default=None, description="New title.")


@strawberry.input(description="The module to act on.")
class ModuleIdInput:
    id: strawberry.ID = strawberry.field(description="The `Module`.")


@strawberry.input(description="A new order for some of a course's modules.")
class ModuleReorderInput:
    course_id: strawberry.ID = strawberry.field(description="The `Course`.")
    module_ids: list[strawberry.ID] = strawberry.field(
        description="Modules of the course in their new order (at most 100); they trade the "
        "positions they hold, the others keep theirs."
    )


@strawberry.input(description="Which sections see a module.")
class ModuleVisibilitySetInput:
    id: strawberry.ID = strawberry.field(description="The `Module`.")
    all_sections: bool = strawberry.field(
        description="Every section of the course sees it (`sectionIds` is then ignored)."
    )
    section_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Otherwise, only these `Section`s of the course (at most 100; none: no "
        "student sees it).",
    )


@strawberry.input(description="The modules to complete before a module opens to students.")
class ModulePrerequisitesSetInput:
    id: strawberry.ID = strawberry.field(description="The `Module`.")
    required_module_ids: list[strawberry.ID] = strawberry.field(
        description="Other `Module`s of the same course (at most 100), replacing the current "
        "list; an empty list removes every prerequisite."
    )


@strawberry.type(description="The module as the caller now sees it, or why not.")
class ModulePayload:
    module: Module | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (INVALID_NAME, UNKNOWN_SECTION, UNKNOWN_MODULE, "
        "PREREQUISITE_CYCLE, INVALID_ORDER)."
    )


@strawberry.type(description="The deleted module's id, or why not.")
class ModuleDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix."
    )


@strawberry.type(description="The course's modules in their new order, or why not.")
class ModuleReorderPayload:
    modules: list[Module] | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (UNKNOWN_MODULE, INVALID_ORDER)."
    )


def _manage(description: str) -> str:
    return permission_field_description(
        description + " A teacher acts only on modules seen by sections they teach "
        "(instructor or teaching assistant); holders of `section:manage` on every course of "
        "their college.",
        MANAGE,
    )


@strawberry.type
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="One module as the caller sees it; NOT_FOUND when they do not. " + READ_RULE
    )
    async def module(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="Its id.")]
    ) -> Module:
        principal = require_principal(info)
        async with api_of(info).database.session() as session:
            view = await viewing.get_module_view(session, actor=principal, module_id=module_id(id))
            return Module.of(view)


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage("A new draft module at the end of a course."),
    )
    async def module_create(
        self,
        info: Info,
        input: Annotated[ModuleCreateInput, strawberry.argument(description="The module.")],
    ) -> ModulePayload:
        principal, api = require_principal(info), api_of(info)
        course = local_id(input.course_id, "Course", "courseId")
        sections = (
            _ids(input.section_ids, "Section", "sectionIds")
            if input.section_ids is not None
            else None
        )

        async def change(session: AsyncSession) -> CourseModule:
            return await modules.create_module(
                session,
                actor=principal,
                course_id=course,
                title=input.title,
                section_ids=sections,
                on_commit=api.notify_outbox,
            )

        return await run(ModulePayload, lambda: module_after(api, principal, change))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)], description=_manage("Rename a module.")
    )
    async def module_update(
        self,
        info: Info,
        input: Annotated[ModuleUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ModulePayload:
        principal, api = require_principal(info), api_of(info)
        target = module_id(input.id)

        async def change(session: AsyncSession) -> CourseModule:
            return await modules.update_module(
                session,
                actor=principal,
                module_id=target,
                title=input.title,
                on_commit=api.notify_outbox,
            )

        return await run(ModulePayload, lambda: module_after(api, principal, change))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage(
            "Delete a module with its items and students' completions; modules that required "
            "it no longer do."
        ),
    )
    async def module_delete(
        self,
        info: Info,
        input: Annotated[ModuleIdInput, strawberry.argument(description="The module.")],
    ) -> ModuleDeletePayload:
        principal, api = require_principal(info), api_of(info)
        target = module_id(input.id)

        async def delete() -> strawberry.ID:
            await objects.delete_released(
                api.database,
                api.storage,
                lambda session: modules.delete_module(
                    session, actor=principal, module_id=target, on_commit=api.notify_outbox
                ),
            )
            return input.id

        return await run(ModuleDeletePayload, delete)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage("Put some of a course's modules in a new order."),
    )
    async def module_reorder(
        self,
        info: Info,
        input: Annotated[ModuleReorderInput, strawberry.argument(description="The order.")],
    ) -> ModuleReorderPayload:
        principal, api = require_principal(info), api_of(info)
        course = local_id(input.course_id, "Course", "courseId")
        ids = _ids(input.module_ids, "Module", "moduleIds")

        async def work(session: AsyncSession) -> list[Module]:
            await modules.reorder_modules(
                session,
                actor=principal,
                course_id=course,
                module_ids=ids,
                on_commit=api.notify_outbox,
            )
            views = await viewing.modules_of_courses(session, actor=principal, course_ids=[course])
            return [Module.of(view) for view in views[course]]

        return await run(ModuleReorderPayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage(
            "Publish a module: the students of the sections it is visible to see it and its "
            "published items."
        ),
    )
    async def module_publish(
        self,
        info: Info,
        input: Annotated[ModuleIdInput, strawberry.argument(description="The module.")],
    ) -> ModulePayload:
        return await _set_published(info, input.id, published=True)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage("Take a module back to draft: students no longer see it."),
    )
    async def module_unpublish(
        self,
        info: Info,
        input: Annotated[ModuleIdInput, strawberry.argument(description="The module.")],
    ) -> ModulePayload:
        return await _set_published(info, input.id, published=False)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage(
            "Make a module visible to every section of its course or only to listed ones; a "
            "teacher only to sections they teach."
        ),
    )
    async def module_visibility_set(
        self,
        info: Info,
        input: Annotated[ModuleVisibilitySetInput, strawberry.argument(description="Who sees it.")],
    ) -> ModulePayload:
        principal, api = require_principal(info), api_of(info)
        target = module_id(input.id)
        sections = None if input.all_sections else _ids(input.section_ids, "Section", "sectionIds")

        async def change(session: AsyncSession) -> CourseModule:
            return await modules.set_visibility(
                session,
                actor=principal,
                module_id=target,
                section_ids=sections,
                on_commit=api.notify_outbox,
            )

        return await run(ModulePayload, lambda: module_after(api, principal, change))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage(
            "Set the modules a student must complete (every published item) before a module "
            "opens to them; cycles are refused (PREREQUISITE_CYCLE)."
        ),
    )
    async def module_prerequisites_set(
        self,
        info: Info,
        input: Annotated[
            ModulePrerequisitesSetInput, strawberry.argument(description="The prerequisites.")
        ],
    ) -> ModulePayload:
        principal, api = require_principal(info), api_of(info)
        target = module_id(input.id)
        required = _ids(input.required_module_ids, "Module", "requiredModuleIds")

        async def change(session: AsyncSession) -> CourseModule:
            return await modules.set_prerequisites(
                session,
                actor=principal,
                module_id=target,
                required_module_ids=required,
                on_commit=api.notify_outbox,
            )

        return await run(ModulePayload, lambda: module_after(api, principal, change))


async def _set_published(info: Info, id: strawberry.ID, *, published: bool) -> ModulePayload:
    principal, api = require_principal(info), api_of(info)
    target = module_id(id)

    async def change(session: AsyncSession) -> CourseModule:
        return await modules.set_module_published(
            session,
            actor=principal,
            module_id=target,
            published=published,
            on_commit=api.notify_outbox,
        )

    return await run(ModulePayload, lambda: module_after(api, principal, change))

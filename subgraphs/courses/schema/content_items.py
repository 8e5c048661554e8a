"""Items of modules over GraphQL: pages, links, files, their order and status, completion.

* ``moduleItemCreate`` (page or link), ``moduleItemUpdate``, ``moduleItemDelete``,
  ``moduleItemReorder``, ``moduleItemPublish``, ``moduleItemUnpublish``:
  ``content:manage``, on modules the caller manages.
* ``contentFileUploadCreate`` then ``moduleItemFileAttach``: a signed upload
  target for one file, then a file item pointing at the uploaded object
  (checked to exist, its size and type); ``FileItem.downloadUrl`` gives
  readers a short-lived signed URL.
* ``moduleItemComplete``: a student marks an item of an open module done.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from shared.auth.principal import Principal
from shared.errors import DomainError
from shared.graphql import (
    HasPermission,
    check_list_size,
    permission_field_description,
    require_principal,
)
from shared.graphql.uploads import UploadTarget
from subgraphs.courses.content import access, files, items, objects, progress, viewing
from subgraphs.courses.content import models as content
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.schema._api import CoursesApi, api_of
from subgraphs.courses.schema._mutation import run
from subgraphs.courses.schema.content import module_id
from subgraphs.courses.schema.content_types import ModuleItem, ModuleItemKind, item_of
from subgraphs.courses.schema.types import CoursesError, local_id

__all__ = [
    "ContentFileUploadCreateInput",
    "ContentFileUploadCreatePayload",
    "ModuleItemCreateInput",
    "ModuleItemDeletePayload",
    "ModuleItemFileAttachInput",
    "ModuleItemIdInput",
    "ModuleItemPayload",
    "ModuleItemReorderInput",
    "ModuleItemReorderPayload",
    "ModuleItemUpdateInput",
    "Mutation",
]

MANAGE = access.MANAGE
READ = access.READ


def _item_id(value: strawberry.ID, field: str = "id") -> str:
    return local_id(value, "ModuleItem", field)


async def _item_after(
    api: CoursesApi,
    principal: Principal,
    change: Callable[[AsyncSession], Awaitable[content.ModuleItem]],
) -> ModuleItem:
    """Run ``change`` in one transaction and return the item as the caller then sees it."""

    async def work(session: AsyncSession) -> ModuleItem:
        row = await change(session)
        _module, view = await viewing.get_item_view(session, actor=principal, item_id=row.id)
        return item_of(view)

    return await api.in_transaction(work)


@strawberry.input(description="A new page or link at the end of a module.")
class ModuleItemCreateInput:
    module_id: strawberry.ID = strawberry.field(description="The `Module`.")
    kind: ModuleItemKind = strawberry.field(
        description="PAGE or LINK (files: `contentFileUploadCreate`, then `moduleItemFileAttach`)."
    )
    title: str = strawberry.field(description="Title, 1 to 200 characters.")
    body: str | None = strawberry.field(
        default=None,
        description=f"A page's Markdown text, at most {items.MAX_PAGE_CHARS} characters "
        "(PAGE_TOO_LONG).",
    )
    url: str | None = strawberry.field(
        default=None,
        description="A link's absolute http(s) address, at most 2048 characters (INVALID_URL).",
    )
    publish: bool = strawberry.field(
        default=False, description="Publish it at once (default: a draft)."
    )


@strawberry.input(description="Changes to an item; omitted fields stay as they are.")
class ModuleItemUpdateInput:
    id: strawberry.ID = strawberry.field(description="The `ModuleItem`.")
    title: str | None = strawberry.field(default=None, description="New title.")
    body: str | None = strawberry.field(default=None, description="A page's new Markdown text.")
    url: str | None = strawberry.field(default=None, description="A link's new address.")


@strawberry.input(description="The item to act on.")
class ModuleItemIdInput:
    id: strawberry.ID = strawberry.field(description="The `ModuleItem`.")


@strawberry.input(description="A new order for every item of a module.")
class ModuleItemReorderInput:
    module_id: strawberry.ID = strawberry.field(description="The `Module`.")
    item_ids: list[strawberry.ID] = strawberry.field(
        description="Every item of the module once, in the new order (at most 100)."
    )


@strawberry.input(description="The file the caller is about to upload for a module.")
class ContentFileUploadCreateInput:
    module_id: strawberry.ID = strawberry.field(description="The `Module` it is for.")
    file_name: str = strawberry.field(description="The file's name (1 to 255 characters).")
    content_type: str = strawberry.field(
        description="Its media type: documents, slides, sheets, images, audio, video, zip "
        "(UNSUPPORTED_FILE_TYPE otherwise)."
    )
    size_bytes: int = strawberry.field(
        description=f"Its size in bytes; above {files.MAX_FILE_BYTES} (or the store's limit) "
        "is FILE_TOO_LARGE."
    )


@strawberry.input(description="An uploaded file to add at the end of a module.")
class ModuleItemFileAttachInput:
    module_id: strawberry.ID = strawberry.field(description="The `Module`.")
    object_key: str = strawberry.field(
        description="The `objectKey` `contentFileUploadCreate` gave (FILE_NOT_UPLOADED when "
        "nothing was uploaded there)."
    )
    file_name: str = strawberry.field(description="The file's name, used for downloads.")
    title: str | None = strawberry.field(
        default=None, description="Title in the module (default: the file name)."
    )
    publish: bool = strawberry.field(
        default=False, description="Publish it at once (default: a draft)."
    )


@strawberry.type(description="The item as the caller now sees it, or why not.")
class ModuleItemPayload:
    item: ModuleItem | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (INVALID_NAME, PAGE_TOO_LONG, INVALID_URL, WRONG_ITEM_KIND, "
        "FILE_NOT_UPLOADED, FILE_TOO_LARGE, UNSUPPORTED_FILE_TYPE, MODULE_LOCKED, "
        "NOT_ENROLLED)."
    )


@strawberry.type(description="The deleted item's id, or why not.")
class ModuleItemDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix."
    )


@strawberry.type(description="The module's items in their new order, or why not.")
class ModuleItemReorderPayload:
    items: list[ModuleItem] | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (INVALID_ORDER)."
    )


@strawberry.type(description="The upload target, or why there is none.")
class ContentFileUploadCreatePayload:
    upload: UploadTarget | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (INVALID_NAME, UNSUPPORTED_FILE_TYPE, FILE_TOO_LARGE)."
    )


def _manage(description: str) -> str:
    return permission_field_description(
        description + " Only on modules the caller manages (a teacher: modules seen by "
        "sections they teach; holders of `section:manage`: every module of their college).",
        MANAGE,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage("A new page or link at the end of a module, a draft by default."),
    )
    async def module_item_create(
        self,
        info: Info,
        input: Annotated[ModuleItemCreateInput, strawberry.argument(description="The item.")],
    ) -> ModuleItemPayload:
        principal, api = require_principal(info), api_of(info)
        target = module_id(input.module_id, "moduleId")

        async def change(session: AsyncSession) -> content.ModuleItem:
            if input.kind is ModuleItemKind.PAGE:
                return await items.create_page_item(
                    session,
                    actor=principal,
                    module_id=target,
                    title=input.title,
                    body=input.body or "",
                    publish=input.publish,
                    on_commit=api.notify_outbox,
                )
            if input.kind is ModuleItemKind.LINK:
                return await items.create_link_item(
                    session,
                    actor=principal,
                    module_id=target,
                    title=input.title,
                    url=input.url or "",
                    publish=input.publish,
                    on_commit=api.notify_outbox,
                )
            raise DomainError(
                CoursesErrorCode.WRONG_ITEM_KIND,
                "Files are added with contentFileUploadCreate, then moduleItemFileAttach.",
                "kind",
            )

        return await run(ModuleItemPayload, lambda: _item_after(api, principal, change))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage("Change an item: any item's title, a page's body, a link's URL."),
    )
    async def module_item_update(
        self,
        info: Info,
        input: Annotated[ModuleItemUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ModuleItemPayload:
        principal, api = require_principal(info), api_of(info)
        target = _item_id(input.id)

        async def change(session: AsyncSession) -> content.ModuleItem:
            return await items.update_item(
                session,
                actor=principal,
                item_id=target,
                title=input.title,
                body=input.body,
                url=input.url,
                on_commit=api.notify_outbox,
            )

        return await run(ModuleItemPayload, lambda: _item_after(api, principal, change))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage("Delete an item and students' completions of it."),
    )
    async def module_item_delete(
        self,
        info: Info,
        input: Annotated[ModuleItemIdInput, strawberry.argument(description="The item.")],
    ) -> ModuleItemDeletePayload:
        principal, api = require_principal(info), api_of(info)
        target = _item_id(input.id)

        async def delete() -> strawberry.ID:
            await objects.delete_released(
                api.database,
                api.storage,
                lambda session: items.delete_item(
                    session, actor=principal, item_id=target, on_commit=api.notify_outbox
                ),
            )
            return input.id

        return await run(ModuleItemDeletePayload, delete)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage("Publish an item: students who see its module see it."),
    )
    async def module_item_publish(
        self,
        info: Info,
        input: Annotated[ModuleItemIdInput, strawberry.argument(description="The item.")],
    ) -> ModuleItemPayload:
        return await _set_published(info, input.id, published=True)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage("Take an item back to draft: students no longer see it."),
    )
    async def module_item_unpublish(
        self,
        info: Info,
        input: Annotated[ModuleItemIdInput, strawberry.argument(description="The item.")],
    ) -> ModuleItemPayload:
        return await _set_published(info, input.id, published=False)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage("Put every item of a module in a new order."),
    )
    async def module_item_reorder(
        self,
        info: Info,
        input: Annotated[ModuleItemReorderInput, strawberry.argument(description="The order.")],
    ) -> ModuleItemReorderPayload:
        principal, api = require_principal(info), api_of(info)
        target = module_id(input.module_id, "moduleId")
        check_list_size(input.item_ids, field="itemIds")
        ids = [_item_id(value, "itemIds") for value in input.item_ids]

        async def work(session: AsyncSession) -> list[ModuleItem]:
            await items.reorder_items(
                session,
                actor=principal,
                module_id=target,
                item_ids=ids,
                on_commit=api.notify_outbox,
            )
            view = await viewing.get_module_view(session, actor=principal, module_id=target)
            return [item_of(item) for item in view.items]

        return await run(ModuleItemReorderPayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage(
            "A signed upload target for one file of a module's course. Upload the file to it, "
            "then call `moduleItemFileAttach` with its `objectKey`."
        ),
    )
    async def content_file_upload_create(
        self,
        info: Info,
        input: Annotated[
            ContentFileUploadCreateInput, strawberry.argument(description="The file.")
        ],
    ) -> ContentFileUploadCreatePayload:
        principal, api = require_principal(info), api_of(info)
        target = module_id(input.module_id, "moduleId")

        async def create() -> UploadTarget:
            async with api.database.session() as session:
                upload = await files.create_file_upload(
                    session,
                    actor=principal,
                    store=api.storage,
                    module_id=target,
                    file_name=input.file_name,
                    content_type=input.content_type,
                    size=input.size_bytes,
                )
            return UploadTarget.of(upload.object_key, upload.ticket)

        return await run(ContentFileUploadCreatePayload, create)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_manage(
            "A new file item at the end of a module, pointing at the object uploaded with "
            "`contentFileUploadCreate`; the object must exist, within the size limit and of "
            "a supported type."
        ),
    )
    async def module_item_file_attach(
        self,
        info: Info,
        input: Annotated[ModuleItemFileAttachInput, strawberry.argument(description="The file.")],
    ) -> ModuleItemPayload:
        principal, api = require_principal(info), api_of(info)
        target = module_id(input.module_id, "moduleId")

        async def change(session: AsyncSession) -> content.ModuleItem:
            return await files.attach_file(
                session,
                actor=principal,
                store=api.storage,
                module_id=target,
                object_key=input.object_key,
                file_name=input.file_name,
                title=input.title,
                publish=input.publish,
                on_commit=api.notify_outbox,
            )

        return await run(ModuleItemPayload, lambda: _item_after(api, principal, change))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(READ)],
        description=permission_field_description(
            "Mark an item done, as a student of a section that sees it; completing every "
            "published item of a module opens the modules that require it. MODULE_LOCKED "
            "while the item's module is locked; NOT_ENROLLED for teaching staff.",
            READ,
        ),
    )
    async def module_item_complete(
        self,
        info: Info,
        input: Annotated[ModuleItemIdInput, strawberry.argument(description="The item.")],
    ) -> ModuleItemPayload:
        principal, api = require_principal(info), api_of(info)
        target = _item_id(input.id)

        async def work(session: AsyncSession) -> ModuleItem:
            view = await progress.complete_item(
                session, actor=principal, item_id=target, on_commit=api.notify_outbox
            )
            return item_of(view)

        return await run(ModuleItemPayload, lambda: api.in_transaction(work))


async def _set_published(info: Info, id: strawberry.ID, *, published: bool) -> ModuleItemPayload:
    principal, api = require_principal(info), api_of(info)
    target = _item_id(id)

    async def change(session: AsyncSession) -> content.ModuleItem:
        return await items.set_item_published(
            session,
            actor=principal,
            item_id=target,
            published=published,
            on_commit=api.notify_outbox,
        )

    return await run(ModuleItemPayload, lambda: _item_after(api, principal, change))

"""Items of a module: pages and links, their changes, order and status; completion by students.

Managing an item is managing its module (:mod:`subgraphs.courses.content.access`).
A page holds Markdown text of at most :data:`MAX_PAGE_CHARS` characters
(``PAGE_TOO_LONG``); a link holds an absolute ``http``/``https`` URL of at
most 2048 characters (``INVALID_URL``). Files are attached by
:mod:`subgraphs.courses.content.files`. Items are created as drafts unless
``publish`` is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError
from subgraphs.courses import events
from subgraphs.courses.content._guard import managed_item, managed_module
from subgraphs.courses.content.models import URL_LENGTH, ContentStatus, ItemKind, ModuleItem
from subgraphs.courses.content.modules import MAX_LIST
from subgraphs.courses.content.objects import Deleted, released_keys
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.validation import normalize_name

__all__ = [
    "MAX_PAGE_CHARS",
    "add_item",
    "check_body",
    "check_url",
    "create_link_item",
    "create_page_item",
    "delete_item",
    "reorder_items",
    "set_item_published",
    "update_item",
]

MAX_PAGE_CHARS = 100_000


def check_body(value: str, *, field: str = "body") -> str:
    """A page's Markdown text: at most :data:`MAX_PAGE_CHARS` characters (kept as written)."""
    if len(value) > MAX_PAGE_CHARS:
        raise DomainError(
            CoursesErrorCode.PAGE_TOO_LONG,
            f"A page holds at most {MAX_PAGE_CHARS} characters; split it or attach a file.",
            field,
        )
    return value


def check_url(value: str, *, field: str = "url") -> str:
    """An absolute ``http``/``https`` URL with a host, trimmed, at most 2048 characters."""
    url = value.strip()
    try:
        parts = urlsplit(url)
        valid = (
            parts.scheme.lower() in ("http", "https")
            and bool(parts.hostname)
            and len(url) <= URL_LENGTH
            and not any(ch.isspace() or ord(ch) < 0x20 for ch in url)
        )
    except ValueError:
        valid = False
    if not valid:
        raise DomainError(
            CoursesErrorCode.INVALID_URL,
            "A link is an absolute http:// or https:// address of at most 2048 characters.",
            field,
        )
    return url


async def add_item(
    session: AsyncSession,
    *,
    actor: Principal,
    module_id: str,
    item: ModuleItem,
    publish: bool,
    on_commit: events.OnCommit | None,
) -> ModuleItem:
    """Put ``item`` (its kind's fields filled in) at the end of the module the actor manages."""
    module = (await managed_module(session, actor=actor, module_id=module_id, lock=True)).module
    last = await session.scalar(
        select(func.max(ModuleItem.position)).where(ModuleItem.module_id == module.id)
    )
    item.college_id = module.college_id
    item.module_id = module.id
    item.position = (last or 0) + 1
    item.status = ContentStatus.PUBLISHED if publish else ContentStatus.DRAFT
    session.add(item)
    await session.flush()
    await events.publish(
        session,
        type=events.MODULE_ITEM_CREATED,
        tenant=module.college_id,
        subject=item.id,
        actor=actor,
        data={
            "course_id": module.course_id,
            "module_id": module.id,
            "kind": item.kind.value,
            "title": item.title,
            "status": item.status.value,
        },
        on_commit=on_commit,
    )
    return item


async def create_page_item(
    session: AsyncSession,
    *,
    actor: Principal,
    module_id: str,
    title: str,
    body: str,
    publish: bool = False,
    on_commit: events.OnCommit | None = None,
) -> ModuleItem:
    """A new page (Markdown ``body``) at the end of the module."""
    item = ModuleItem(
        kind=ItemKind.PAGE, title=normalize_name(title, field="title"), body=check_body(body)
    )
    return await add_item(
        session, actor=actor, module_id=module_id, item=item, publish=publish, on_commit=on_commit
    )


async def create_link_item(
    session: AsyncSession,
    *,
    actor: Principal,
    module_id: str,
    title: str,
    url: str,
    publish: bool = False,
    on_commit: events.OnCommit | None = None,
) -> ModuleItem:
    """A new link to ``url`` at the end of the module."""
    item = ModuleItem(
        kind=ItemKind.LINK, title=normalize_name(title, field="title"), url=check_url(url)
    )
    return await add_item(
        session, actor=actor, module_id=module_id, item=item, publish=publish, on_commit=on_commit
    )


def _wrong_kind(field: str, kind: ItemKind) -> DomainError:
    return DomainError(
        CoursesErrorCode.WRONG_ITEM_KIND, f"A {kind.value} item has no {field}.", field
    )


async def update_item(
    session: AsyncSession,
    *,
    actor: Principal,
    item_id: str,
    title: str | None = None,
    body: str | None = None,
    url: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> ModuleItem:
    """Change an item (``None``: unchanged): any item's title, a page's body, a link's URL.

    A body for a non-page or a URL for a non-link is ``WRONG_ITEM_KIND``.
    """
    item, managed = await managed_item(session, actor=actor, item_id=item_id)
    changed: list[str] = []
    if title is not None:
        new_title = normalize_name(title, field="title")
        if new_title != item.title:
            item.title = new_title
            changed.append("title")
    if body is not None:
        if item.kind is not ItemKind.PAGE:
            raise _wrong_kind("body", item.kind)
        new_body = check_body(body)
        if new_body != item.body:
            item.body = new_body
            changed.append("body")
    if url is not None:
        if item.kind is not ItemKind.LINK:
            raise _wrong_kind("url", item.kind)
        new_url = check_url(url)
        if new_url != item.url:
            item.url = new_url
            changed.append("url")
    if changed:
        await session.flush()
        await events.publish(
            session,
            type=events.MODULE_ITEM_UPDATED,
            tenant=item.college_id,
            subject=item.id,
            actor=actor,
            data={
                "course_id": managed.module.course_id,
                "module_id": item.module_id,
                "changed": changed,
            },
            on_commit=on_commit,
        )
    return item


async def delete_item(
    session: AsyncSession,
    *,
    actor: Principal,
    item_id: str,
    on_commit: events.OnCommit | None = None,
) -> Deleted:
    """Delete an item and its completions; returns its id and, for a file item, its
    stored object unless another item of the course points at it too.

    The object is not touched here: delete it once the transaction has
    committed (:func:`~subgraphs.courses.content.objects.delete_released`).
    """
    item, managed = await managed_item(session, actor=actor, item_id=item_id)
    keys: tuple[str, ...] = ()
    if item.file_key is not None:
        keys = await released_keys(
            session,
            course_id=managed.module.course_id,
            module_id=item.module_id,
            item_id=item.id,
        )
    await session.delete(item)
    await session.flush()
    await events.publish(
        session,
        type=events.MODULE_ITEM_DELETED,
        tenant=item.college_id,
        subject=item.id,
        actor=actor,
        data={"course_id": managed.module.course_id, "module_id": item.module_id},
        on_commit=on_commit,
    )
    return Deleted(id=item.id, object_keys=keys)


async def set_item_published(
    session: AsyncSession,
    *,
    actor: Principal,
    item_id: str,
    published: bool,
    on_commit: events.OnCommit | None = None,
) -> ModuleItem:
    """Publish an item or take it back to draft; already so: no change, no event."""
    item, managed = await managed_item(session, actor=actor, item_id=item_id)
    status = ContentStatus.PUBLISHED if published else ContentStatus.DRAFT
    if item.status == status:
        return item
    item.status = status
    await session.flush()
    await events.publish(
        session,
        type=events.MODULE_ITEM_PUBLISHED if published else events.MODULE_ITEM_UNPUBLISHED,
        tenant=item.college_id,
        subject=item.id,
        actor=actor,
        data={"course_id": managed.module.course_id, "module_id": item.module_id},
        on_commit=on_commit,
    )
    return item


async def reorder_items(
    session: AsyncSession,
    *,
    actor: Principal,
    module_id: str,
    item_ids: Sequence[str],
    on_commit: events.OnCommit | None = None,
) -> list[ModuleItem]:
    """Put every item of the module in the given order (positions 1, 2, ...).

    ``item_ids`` must list each of the module's items exactly once
    (``INVALID_ORDER``); at most 100.
    """
    module = (await managed_module(session, actor=actor, module_id=module_id, lock=True)).module
    items = (
        await session.scalars(select(ModuleItem).where(ModuleItem.module_id == module.id))
    ).all()
    by_id = {item.id: item for item in items}
    ids = list(item_ids)
    if len(ids) > MAX_LIST or len(set(ids)) != len(ids) or set(ids) != set(by_id):
        raise DomainError(
            CoursesErrorCode.INVALID_ORDER,
            "List every item of the module exactly once, in the new order.",
            "item_ids",
        )
    for position, item_id in enumerate(ids, start=1):
        by_id[item_id].position = position
    await session.flush()
    await events.publish(
        session,
        type=events.MODULE_ITEMS_REORDERED,
        tenant=module.college_id,
        subject=module.id,
        actor=actor,
        data={"course_id": module.course_id, "item_ids": ids},
        on_commit=on_commit,
    )
    return [by_id[item_id] for item_id in ids]

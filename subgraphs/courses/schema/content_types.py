"""GraphQL types of course content: ``Module`` and the ``ModuleItem`` kinds, with their loaders.

Kept apart from :mod:`subgraphs.courses.schema.content` (queries and
mutations) so that ``types.Course`` and ``types.Section`` can import
:func:`course_modules` and :func:`section_modules` without an import cycle;
``Course`` and ``Section`` are referenced lazily here.

What a viewer sees is decided by :mod:`subgraphs.courses.content.viewing`:
``ModulesByCourseIdLoader`` and ``ModulesBySectionIdLoader`` build the
views of every course (or section) of a request in one batch, a fixed
number of statements whatever the number of courses; a module's items,
locks and prerequisites come with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from shared.graphql import require_principal, to_global_id
from subgraphs.courses.content import access, files, viewing
from subgraphs.courses.content import models as content
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema.loaders import course_by_id, section_by_id

if TYPE_CHECKING:
    from subgraphs.courses.schema.types import Course, Section

__all__ = [
    "ITEM_TYPES",
    "ContentStatus",
    "FileItem",
    "LinkItem",
    "Module",
    "ModuleItem",
    "ModuleItemKind",
    "PageItem",
    "course_modules",
    "item_of",
    "modules_by_course_id",
    "modules_by_section_id",
    "section_modules",
]

CourseRef = Annotated["Course", strawberry.lazy("subgraphs.courses.schema.types")]
SectionRef = Annotated["Section", strawberry.lazy("subgraphs.courses.schema.types")]

READ_RULE = (
    "Teaching staff of the course and holders of `section:manage` see every module and "
    "item, drafts included; a student sees the PUBLISHED modules visible to a section they "
    "hold a seat in and their PUBLISHED items, locked while the module's prerequisites are "
    "not completed. Requires `content:read` (or `content:manage`)."
)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@strawberry.enum(description="Whether students may see a module or item.")
class ContentStatus(Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


@strawberry.enum(description="What an item of a module is.")
class ModuleItemKind(Enum):
    PAGE = "page"
    FILE = "file"
    LINK = "link"


@strawberry.interface(description="One page, file or link of a module.")
class ModuleItem:
    id: strawberry.ID = strawberry.field(description="Global id of the item (`ModuleItem`).")
    kind: ModuleItemKind = strawberry.field(description="Page, file or link.")
    title: str = strawberry.field(description="Title shown in the module.")
    position: int = strawberry.field(description="Place in the module (1 is first).")
    status: ContentStatus = strawberry.field(description="Draft or published.")
    locked: bool = strawberry.field(
        description="The module's prerequisites are not completed by the viewer (a student): "
        "the content fields are null until they are."
    )
    completed: bool = strawberry.field(description="The viewer completed the item.")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")


@strawberry.type(description="A page of Markdown text.")
class PageItem(ModuleItem):
    body: str | None = strawberry.field(description="The Markdown text; null while locked.")


@strawberry.type(description="A link to a page elsewhere.")
class LinkItem(ModuleItem):
    url: str | None = strawberry.field(description="The http(s) address; null while locked.")


@strawberry.type(description="A file kept in the platform's object storage.")
class FileItem(ModuleItem):
    file_name: str = strawberry.field(description="The file's name, used for downloads.")
    size_bytes: int = strawberry.field(description="Its size in bytes.")
    content_type: str = strawberry.field(description="Its media type (`application/pdf`).")
    object_key: strawberry.Private[str]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=f"A signed URL downloading the file, valid {files.DOWNLOAD_SECONDS} "
        "seconds; null while locked."
    )
    async def download_url(self, info: Info) -> str | None:
        if self.locked:
            return None
        return await api_of(info).storage.presign_download(
            self.object_key, expires_in=files.DOWNLOAD_SECONDS, filename=self.file_name
        )


ITEM_TYPES: tuple[type, ...] = (PageItem, LinkItem, FileItem)
"""The item kinds: the schema must hold them, fields return only the ``ModuleItem`` interface."""


def item_of(view: viewing.ItemView) -> ModuleItem:
    """The GraphQL item of one item as a viewer sees it (content withheld while locked)."""
    row = view.item
    common: dict[str, Any] = {
        "id": strawberry.ID(to_global_id("ModuleItem", row.id)),
        "kind": ModuleItemKind(row.kind.value),
        "title": row.title,
        "position": row.position,
        "status": ContentStatus(row.status.value),
        "locked": view.locked,
        "completed": view.completed,
        "created_at": _utc(row.created_at),
        "updated_at": _utc(row.updated_at),
    }
    if row.kind is content.ItemKind.FILE:
        return FileItem(
            **common,
            file_name=row.file_name or "",
            size_bytes=row.file_size or 0,
            content_type=row.content_type or "",
            object_key=row.file_key or "",
        )
    if row.kind is content.ItemKind.LINK:
        return LinkItem(**common, url=None if view.locked else row.url)
    return PageItem(**common, body=None if view.locked else row.body)


@strawberry.type(description="A unit of a course's content, holding ordered items. " + READ_RULE)
class Module:
    id: strawberry.ID = strawberry.field(description="Global id of the module (`Module`).")
    title: str = strawberry.field(description="Title of the module.")
    position: int = strawberry.field(description="Place in the course (lower comes first).")
    status: ContentStatus = strawberry.field(description="Draft or published.")
    published_at: datetime | None = strawberry.field(
        description="When it was last published; null for a draft."
    )
    visible_to_all_sections: bool = strawberry.field(
        description="Every section of the course sees it; otherwise only `sections`."
    )
    locked: bool = strawberry.field(
        description="For a student: a prerequisite module is not completed yet."
    )
    completed: bool = strawberry.field(
        description="The viewer completed every published item of the module."
    )
    viewer_can_manage: bool = strawberry.field(
        description="The viewer may change the module (it is seen only by sections they "
        "teach, or they hold `section:manage`)."
    )
    items: list[ModuleItem] = strawberry.field(
        description="Its items in order: for students the published ones only."
    )
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row_id: strawberry.Private[str]
    course_id: strawberry.Private[str]
    section_ids: strawberry.Private[tuple[str, ...]]
    prerequisite_ids: strawberry.Private[tuple[str, ...]]

    @classmethod
    def of(cls, view: viewing.ModuleView) -> Module:
        row = view.module
        return cls(
            id=strawberry.ID(to_global_id("Module", row.id)),
            title=row.title,
            position=row.position,
            status=ContentStatus(row.status.value),
            published_at=_utc(row.published_at) if row.published_at else None,
            visible_to_all_sections=row.visible_to_all,
            locked=view.locked,
            completed=view.completed,
            viewer_can_manage=view.can_manage,
            items=[item_of(item) for item in view.items],
            created_at=_utc(row.created_at),
            updated_at=_utc(row.updated_at),
            row_id=row.id,
            course_id=row.course_id,
            section_ids=() if view.as_student else view.section_ids,
            prerequisite_ids=view.prerequisite_ids,
        )

    @strawberry.field(description="The course it belongs to.")  # type: ignore[untyped-decorator]
    async def course(self, info: Info) -> CourseRef:
        from subgraphs.courses.schema.types import Course

        row = await course_by_id(info).load(self.course_id)
        assert row is not None  # a foreign key
        return Course.from_model(row)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The sections it is visible to when not to all (shown to teaching staff "
        "and section managers; empty for students)."
    )
    async def sections(self, info: Info) -> list[SectionRef]:
        from subgraphs.courses.schema.types import Section

        rows = await section_by_id(info).load_many(list(self.section_ids))
        return [Section.from_model(row) for row in rows if row is not None]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Modules to complete before this one opens to students (those the viewer sees)."
    )
    async def prerequisites(self, info: Info) -> list[Module]:
        views = await modules_by_course_id(info).load(self.course_id)
        wanted = set(self.prerequisite_ids)
        return [Module.of(view) for view in views if view.module.id in wanted]


def modules_by_course_id(info: Info[Any, Any]) -> DataLoader[str, list[viewing.ModuleView]]:
    """``ModulesByCourseIdLoader`` of this request: what the caller sees of each course."""
    database = api_of(info).database
    principal = require_principal(info)

    async def load(keys: list[str]) -> list[list[viewing.ModuleView]]:
        async with database.session() as session:
            views = await viewing.modules_of_courses(session, actor=principal, course_ids=keys)
        return [views[key] for key in keys]

    loader: DataLoader[str, list[viewing.ModuleView]] = info.context.loaders.get(
        "ModulesByCourseIdLoader", lambda: DataLoader(load_fn=load)
    )
    return loader


def modules_by_section_id(info: Info[Any, Any]) -> DataLoader[str, list[viewing.ModuleView]]:
    """``ModulesBySectionIdLoader`` of this request: what the caller sees of each section."""
    database = api_of(info).database
    principal = require_principal(info)

    async def load(keys: list[str]) -> list[list[viewing.ModuleView]]:
        async with database.session() as session:
            views = await viewing.modules_of_sections(session, actor=principal, section_ids=keys)
        return [views[key] for key in keys]

    loader: DataLoader[str, list[viewing.ModuleView]] = info.context.loaders.get(
        "ModulesBySectionIdLoader", lambda: DataLoader(load_fn=load)
    )
    return loader


async def course_modules(root: strawberry.Parent[Any], info: Info) -> list[Module]:
    """``Course.modules``: the course's modules the caller sees, in order."""
    access.require_reader(require_principal(info))
    return [Module.of(view) for view in await modules_by_course_id(info).load(root.row_id)]


async def section_modules(root: strawberry.Parent[Any], info: Info) -> list[Module]:
    """``Section.modules``: the modules visible to the section that the caller sees, in order."""
    access.require_reader(require_principal(info))
    return [Module.of(view) for view in await modules_by_section_id(info).load(root.row_id)]


MODULES_DESCRIPTION = "Its modules of content that the caller sees, in order. " + READ_RULE
"""The description of ``Course.modules`` and ``Section.modules``."""

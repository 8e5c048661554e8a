"""File items: an upload target, attaching the uploaded object, signed downloads.

1. :func:`create_file_upload` gives a manager of the module a signed upload
   target (``PUT`` or ``POST``, see :class:`shared.storage.UploadTicket`) for
   one file of a supported type (:data:`ALLOWED_CONTENT_TYPES`) of at most
   :data:`MAX_FILE_BYTES` (or the store's own limit, if smaller), under a key
   of the course's own prefix.
2. The client uploads the bytes straight to storage.
3. :func:`attach_file` checks the object exists under that prefix
   (``FILE_NOT_UPLOADED``), re-hashes it, checks its size
   (``FILE_TOO_LARGE``) and its stored type (``UNSUPPORTED_FILE_TYPE``) and
   only then creates the item: an item never points at a missing object.
4. :func:`file_download_url` gives whoever may see the (unlocked) item a
   signed URL valid for :data:`DOWNLOAD_SECONDS`, downloading under the
   item's file name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import utcnow
from shared.errors import DomainError
from shared.storage import ObjectNotFound, ObjectStore, UploadTicket
from shared.storage.limits import media_type
from subgraphs.courses import events
from subgraphs.courses.content._guard import managed_module
from subgraphs.courses.content.items import add_item
from subgraphs.courses.content.models import FILE_NAME_LENGTH, ItemKind, ModuleItem
from subgraphs.courses.content.viewing import get_item_view
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import new_id
from subgraphs.courses.validation import normalize_name

__all__ = [
    "ALLOWED_CONTENT_TYPES",
    "DOWNLOAD_SECONDS",
    "MAX_FILE_BYTES",
    "Download",
    "FileUpload",
    "attach_file",
    "create_file_upload",
    "file_download_url",
    "file_limit",
]

MAX_FILE_BYTES = 100 * 1024 * 1024
DOWNLOAD_SECONDS = 300
ALLOWED_CONTENT_TYPES: frozenset[str] = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/zip",
        "text/plain",
        "text/markdown",
        "text/csv",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "audio/mpeg",
        "video/mp4",
    }
)
"""Media types a file item may have (documents, slides, sheets, images, audio, video)."""


@dataclass(frozen=True, kw_only=True)
class FileUpload:
    """Where to upload the file (``ticket``) and the key to pass to :func:`attach_file`."""

    object_key: str
    ticket: UploadTicket


@dataclass(frozen=True, kw_only=True)
class Download:
    """A signed URL for a file item, and when it stops working."""

    url: str
    expires_at: datetime


def file_limit(store: ObjectStore) -> int:
    """The largest file accepted: :data:`MAX_FILE_BYTES`, or the store's limit if smaller."""
    return min(MAX_FILE_BYTES, store.limits.max_bytes)


def _prefix(college_id: str, course_id: str) -> str:
    return f"content/{college_id}/{course_id}/"


def _file_name(value: str) -> str:
    name = normalize_name(value, field="file_name", max_length=FILE_NAME_LENGTH)
    if any(ch in name for ch in '/\\"') or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        raise DomainError(
            CoursesErrorCode.INVALID_NAME,
            "A file name has no slashes, quotes or control characters.",
            "file_name",
        )
    return name


def _content_type(value: str, *, field: str = "content_type") -> str:
    bare = media_type(value)
    if bare not in ALLOWED_CONTENT_TYPES:
        raise DomainError(
            CoursesErrorCode.UNSUPPORTED_FILE_TYPE,
            f"Files of type {bare!r} are not accepted; upload a document, slides, a sheet, "
            "an image, audio, video or a zip archive.",
            field,
        )
    return bare


def _too_large(size: int, limit: int, field: str) -> DomainError:
    return DomainError(
        CoursesErrorCode.FILE_TOO_LARGE,
        f"The file has {size} bytes; at most {limit} are accepted.",
        field,
    )


async def create_file_upload(
    session: AsyncSession,
    *,
    actor: Principal,
    store: ObjectStore,
    module_id: str,
    file_name: str,
    content_type: str,
    size: int,
) -> FileUpload:
    """A signed upload target for one file of the module's course; needs to manage the module.

    ``size`` is the declared size in bytes (``FILE_TOO_LARGE`` above the
    limit); the ticket accepts no more than the limit and only
    ``content_type``.
    """
    module = (await managed_module(session, actor=actor, module_id=module_id)).module
    _file_name(file_name)
    bare = _content_type(content_type)
    limit = file_limit(store)
    if size < 0 or size > limit:
        raise _too_large(size, limit, "size")
    key = f"{_prefix(module.college_id, module.course_id)}{new_id()}"
    ticket = await store.presign_upload(
        key, content_type=bare, max_bytes=limit, allowed_content_types=[bare]
    )
    return FileUpload(object_key=key, ticket=ticket)


async def attach_file(
    session: AsyncSession,
    *,
    actor: Principal,
    store: ObjectStore,
    module_id: str,
    object_key: str,
    file_name: str,
    title: str | None = None,
    publish: bool = False,
    on_commit: events.OnCommit | None = None,
) -> ModuleItem:
    """A new file item at the end of the module, pointing at the uploaded ``object_key``.

    The key must be one :func:`create_file_upload` gave for this course and
    the object must be there (``FILE_NOT_UPLOADED``); its stored size and
    type are checked again. ``title`` defaults to the file name.
    """
    module = (await managed_module(session, actor=actor, module_id=module_id)).module
    name = _file_name(file_name)
    heading = normalize_name(title if title is not None else name, field="title")
    missing = DomainError(
        CoursesErrorCode.FILE_NOT_UPLOADED,
        "No uploaded file with this key for the course: upload the file first.",
        "object_key",
    )
    if not object_key.startswith(_prefix(module.college_id, module.course_id)):
        raise missing
    try:
        info = await store.verify(object_key)
    except ObjectNotFound:
        raise missing from None
    limit = file_limit(store)
    if info.size > limit:
        raise _too_large(info.size, limit, "object_key")
    stored_type = _content_type(info.content_type, field="object_key")
    item = ModuleItem(
        kind=ItemKind.FILE,
        title=heading,
        file_key=object_key,
        file_name=name,
        file_size=info.size,
        content_type=stored_type,
    )
    return await add_item(
        session, actor=actor, module_id=module_id, item=item, publish=publish, on_commit=on_commit
    )


async def file_download_url(
    session: AsyncSession, *, actor: Principal, store: ObjectStore, item_id: str
) -> Download:
    """A short-lived signed URL for the file item ``item_id``, for someone who sees it.

    ``NOT_FOUND`` when the actor does not see the item; ``MODULE_LOCKED``
    while its module is locked for them; ``WRONG_ITEM_KIND`` for a page or link.
    """
    _module, view = await get_item_view(session, actor=actor, item_id=item_id)
    item = view.item
    if item.kind is not ItemKind.FILE or item.file_key is None:
        raise DomainError(CoursesErrorCode.WRONG_ITEM_KIND, "The item is not a file.", "item_id")
    if view.locked:
        raise DomainError(
            CoursesErrorCode.MODULE_LOCKED, "Complete the module's prerequisites first.", "item_id"
        )
    expires_at = utcnow() + timedelta(seconds=DOWNLOAD_SECONDS)
    url = await store.presign_download(
        item.file_key, expires_in=DOWNLOAD_SECONDS, filename=item.file_name
    )
    return Download(url=url, expires_at=expires_at)

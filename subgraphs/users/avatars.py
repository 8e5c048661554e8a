"""Avatars: a signed upload target, then a check and normalisation of what was uploaded.

1. :func:`create_avatar_upload` gives the owner (or an editor holding
   ``profile:update``) a signed upload target on the platform's object
   store, under ``avatars/<college>/<user>/uploads/``, for a PNG, JPEG or
   WebP image of at most ``LMS_USERS_AVATAR_MAX_BYTES``.
2. :func:`confirm_avatar` reads the uploaded object back and checks it: its
   size, its real type from its first bytes (a renamed text file is
   ``AVATAR_NOT_AN_IMAGE`` whatever its name or declared type), its pixel
   count before decoding, then that it decodes. The image is turned upright
   (EXIF orientation), cropped to a centred square, scaled down to at most
   ``LMS_USERS_AVATAR_SIZE`` pixels a side and re-encoded (PNG when it has
   transparency, JPEG otherwise), keeping its colour profile and dropping
   all other metadata (EXIF with its GPS position, XMP, comments).
   The result is stored under a new key, the profile points at it and
   ``profile.updated`` is written in one transaction; only then are the
   upload and the previous image deleted.
3. :func:`remove_avatar` clears it.

Nothing is half-written: a refused check changes no profile and leaves the
previous avatar in place (the refused upload is deleted); if the database
transaction fails, the new image is deleted again.
"""

from __future__ import annotations

import asyncio
import io
import logging
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import Database
from shared.errors import DomainError
from shared.storage import InvalidKey, ObjectNotFound, ObjectStore, StorageError, UploadTicket
from shared.storage import validate_key as valid_storage_key
from shared.storage.limits import media_type
from subgraphs.users import events
from subgraphs.users.errors import UsersErrorCode
from subgraphs.users.models import Profile
from subgraphs.users.profiles import ProfileView, editable_profile, editor_view
from subgraphs.users.settings import UsersSettings
from subgraphs.users.validation import avatar_prefix

__all__ = [
    "ALLOWED_TYPES",
    "AvatarUpload",
    "NormalisedImage",
    "confirm_avatar",
    "create_avatar_upload",
    "normalise_image",
    "remove_avatar",
    "sniff_image_type",
    "uploads_prefix",
]

logger = logging.getLogger(__name__)

ALLOWED_TYPES: tuple[str, ...] = ("image/png", "image/jpeg", "image/webp")
"""What may be uploaded; what is stored is PNG or JPEG."""

_PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


@dataclass(frozen=True, kw_only=True)
class AvatarUpload:
    """Where to upload the image (``ticket``) and the key to pass to :func:`confirm_avatar`."""

    object_key: str
    ticket: UploadTicket


@dataclass(frozen=True, kw_only=True)
class NormalisedImage:
    """An avatar ready to store: square, bounded, re-encoded."""

    data: bytes
    content_type: str
    width: int
    height: int


def uploads_prefix(college_id: str, user_id: str) -> str:
    """Where a person's avatar uploads wait to be confirmed."""
    return f"{avatar_prefix(college_id, user_id)}uploads/"


def sniff_image_type(data: bytes) -> str | None:
    """The media type the first bytes of ``data`` announce (PNG, JPEG, WebP), else ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _too_large(size: int, limit: int) -> DomainError:
    return DomainError(
        UsersErrorCode.AVATAR_TOO_LARGE,
        f"The image has {size} bytes; at most {limit} are accepted.",
        "size_bytes",
    )


def _too_many_pixels(what: str, limit: int) -> DomainError:
    return DomainError(
        UsersErrorCode.AVATAR_TOO_MANY_PIXELS,
        f"{what}; at most {limit} pixels in all are accepted.",
        "object_key",
    )


def _check_pixels(width: int, height: int, limit: int) -> None:
    if width * height > limit:
        raise _too_many_pixels(f"The image has {width}x{height} pixels", limit)


def normalise_image(data: bytes, settings: UsersSettings) -> NormalisedImage:
    """``data`` checked and made into an avatar; :class:`DomainError` says why not.

    Codes: ``AVATAR_NOT_AN_IMAGE`` (not PNG, JPEG or WebP by its bytes),
    ``AVATAR_TOO_MANY_PIXELS`` (checked before decoding), ``AVATAR_UNREADABLE``
    (it does not decode).
    """
    kind = sniff_image_type(data)
    if kind is None:
        raise DomainError(
            UsersErrorCode.AVATAR_NOT_AN_IMAGE,
            "The file is not a PNG, JPEG or WebP image (judged by its content, "
            "whatever its name or declared type).",
            "object_key",
        )
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning: the pixel limit below is the one that applies.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]]) as opened:
                _check_pixels(opened.width, opened.height, settings.avatar_max_pixels)
                opened.load()
                upright = ImageOps.exif_transpose(opened)
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(str(exc), settings.avatar_max_pixels) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise DomainError(
            UsersErrorCode.AVATAR_UNREADABLE,
            f"The image cannot be read ({exc.__class__.__name__}); upload it again or "
            "save it in another program first.",
            "object_key",
        ) from exc
    side = min(settings.avatar_size, upright.width, upright.height)
    square = ImageOps.fit(upright, (side, side), method=Image.Resampling.LANCZOS)
    transparent = square.mode in ("RGBA", "LA", "PA") or (
        square.mode == "P" and "transparency" in square.info
    )
    final = square.convert("RGBA" if transparent else "RGB")
    final.info = _kept_metadata(square, final)
    out = io.BytesIO()
    if transparent:
        final.save(out, format="PNG", optimize=True)
        content_type = "image/png"
    else:
        final.save(
            out, format="JPEG", quality=85, optimize=True, icc_profile=final.info.get("icc_profile")
        )
        content_type = "image/jpeg"
    return NormalisedImage(data=out.getvalue(), content_type=content_type, width=side, height=side)


def _kept_metadata(source: Image.Image, final: Image.Image) -> dict[str | tuple[int, int], Any]:
    """What of ``source``'s metadata the stored avatar keeps: its colour profile, nothing else.

    EXIF (camera, GPS position; its orientation is already applied), XMP,
    comments and text chunks would otherwise travel into the stored image
    (Pillow copies ``info`` through crops and writes a JPEG's comment back).
    The ICC profile stays when the pixels kept their mode, so colours (a
    phone's Display P3) look as they did; after a conversion (CMYK or grey
    to RGB) it would no longer describe them.
    """
    profile = source.info.get("icc_profile")
    if profile and source.mode == final.mode:
        return {"icc_profile": profile}
    return {}


async def create_avatar_upload(
    database: Database,
    *,
    actor: Principal,
    store: ObjectStore,
    settings: UsersSettings,
    user_id: str,
    content_type: str,
    size_bytes: int,
) -> AvatarUpload:
    """A signed upload target for ``user_id``'s next avatar (the owner, or ``profile:update``)."""
    async with database.session() as session:
        profile = await editable_profile(session, actor=actor, user_id=user_id)
    bare = media_type(content_type)
    if bare not in ALLOWED_TYPES:
        raise DomainError(
            UsersErrorCode.AVATAR_TYPE_NOT_ALLOWED,
            f"{bare!r} is not accepted; upload one of {', '.join(ALLOWED_TYPES)}.",
            "content_type",
        )
    if size_bytes > settings.avatar_max_bytes:
        raise _too_large(size_bytes, settings.avatar_max_bytes)
    if size_bytes < 1:
        raise DomainError(
            UsersErrorCode.AVATAR_NOT_AN_IMAGE, "An empty file is not an image.", "size_bytes"
        )
    key = f"{uploads_prefix(profile.college_id, profile.user_id)}{uuid.uuid4()}"
    ticket = await store.presign_upload(
        key,
        content_type=bare,
        max_bytes=settings.avatar_max_bytes,
        expires_in=settings.avatar_upload_ttl_seconds,
        allowed_content_types=ALLOWED_TYPES,
    )
    return AvatarUpload(object_key=key, ticket=ticket)


def _check_upload_key(object_key: str, profile: Profile) -> str:
    prefix = uploads_prefix(profile.college_id, profile.user_id)
    try:
        key = valid_storage_key(object_key)
    except InvalidKey as exc:
        raise DomainError(UsersErrorCode.INVALID_AVATAR_KEY, str(exc), "object_key") from exc
    if not key.startswith(prefix) or key == prefix:
        raise DomainError(
            UsersErrorCode.INVALID_AVATAR_KEY,
            "Pass the `objectKey` of an upload target made for this profile.",
            "object_key",
        )
    return key


async def _read_upload(store: ObjectStore, key: str, limit: int) -> bytes:
    info = await store.head(key)
    if info is None:
        raise DomainError(
            UsersErrorCode.AVATAR_NOT_UPLOADED,
            "Nothing was uploaded to that target (or it was already used).",
            "object_key",
        )
    if info.size > limit:
        raise _too_large(info.size, limit)
    try:
        data = await store.get(key)
    except ObjectNotFound as exc:
        raise DomainError(
            UsersErrorCode.AVATAR_NOT_UPLOADED, "The upload is gone.", "object_key"
        ) from exc
    if len(data) > limit:
        raise _too_large(len(data), limit)
    return data


async def _delete_quietly(store: ObjectStore, key: str) -> None:
    try:
        await store.delete(key)
    except StorageError as exc:
        logger.warning("avatar object %s not deleted: %s", key, exc)


async def confirm_avatar(
    database: Database,
    *,
    actor: Principal,
    store: ObjectStore,
    settings: UsersSettings,
    user_id: str,
    object_key: str,
    on_commit: events.OnCommit | None = None,
) -> ProfileView:
    """Make the image uploaded at ``object_key`` ``user_id``'s avatar (see the module)."""
    async with database.session() as session:
        profile = await editable_profile(session, actor=actor, user_id=user_id)
    key = _check_upload_key(object_key, profile)
    try:
        data = await _read_upload(store, key, settings.avatar_max_bytes)
        image = await asyncio.to_thread(normalise_image, data, settings)
    except DomainError:
        await _delete_quietly(store, key)
        raise
    extension = _EXTENSIONS[image.content_type]
    new_key = f"{avatar_prefix(profile.college_id, profile.user_id)}{uuid.uuid4()}.{extension}"
    await store.put(new_key, image.data, content_type=image.content_type)
    try:
        async with database.transaction() as session:
            row = await editable_profile(session, actor=actor, user_id=user_id)
            previous = row.avatar_key
            row.avatar_key = new_key
            row.avatar_content_type = image.content_type
            row.avatar_width, row.avatar_height = image.width, image.height
            await session.flush()
            await _publish_avatar_changed(session, actor, row, on_commit)
            view = editor_view(actor, row)
    except BaseException:
        await _delete_quietly(store, new_key)
        raise
    await _delete_quietly(store, key)
    if previous is not None and previous != new_key:
        await _delete_quietly(store, previous)
    return view


async def remove_avatar(
    database: Database,
    *,
    actor: Principal,
    store: ObjectStore,
    user_id: str,
    on_commit: events.OnCommit | None = None,
) -> ProfileView:
    """Clear ``user_id``'s avatar (the owner, or ``profile:update``); the image is deleted."""
    async with database.transaction() as session:
        row = await editable_profile(session, actor=actor, user_id=user_id)
        previous = row.avatar_key
        if previous is not None:
            row.avatar_key = None
            row.avatar_content_type = row.avatar_width = row.avatar_height = None
            await session.flush()
            await _publish_avatar_changed(session, actor, row, on_commit)
        view = editor_view(actor, row)
    if previous is not None:
        await _delete_quietly(store, previous)
    return view


async def _publish_avatar_changed(
    session: AsyncSession, actor: Principal, row: Profile, on_commit: events.OnCommit | None
) -> None:
    await events.publish(
        session,
        type=events.PROFILE_UPDATED,
        tenant=row.college_id,
        subject=row.user_id,
        actor=actor,
        data={
            "changed": ["avatar_key"],
            "display_name": row.display_name,
            "department_id": row.department_id,
        },
        on_commit=on_commit,
    )

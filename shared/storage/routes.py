"""Starlette routes serving the local store's signed URLs under ``/files/``.

``GET /files/{key}`` downloads an object; ``PUT /files/{key}`` uploads the raw request
body. Both need a valid, unexpired signature from :class:`LocalObjectStore`. An upload
must carry the signed ``Content-Type`` and is cut off with 413 as soon as the body
grows past the signed size; it is written to a temp file and renamed into place only
when complete, so no partial object is ever visible. Errors are JSON bodies
``{"code": ..., "message": ...}``: 400 bad key, 403 bad or expired signature,
404 missing, 413 too large, 415 wrong content type.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import TYPE_CHECKING

from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from shared.storage.errors import ContentTypeNotAllowed, ObjectTooLarge, StorageError
from shared.storage.limits import media_type
from shared.storage.local import FILES_PATH

if TYPE_CHECKING:
    from starlette.requests import Request

    from shared.storage.base import ObjectInfo
    from shared.storage.local import LocalObjectStore

__all__ = ["storage_routes"]

logger = logging.getLogger(__name__)

_SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
}


def storage_routes(store: LocalObjectStore) -> list[BaseRoute]:
    """The routes to mount at the root of the app serving ``store``'s signed URLs."""

    async def download(request: Request) -> Response:
        key = request.path_params["key"]
        try:
            grant = store.authorize("GET", key, request.query_params)
            info = await store.stored_info(key)
        except StorageError as exc:
            return _error(exc)
        return FileResponse(
            store.object_path(key),
            media_type=info.content_type,
            filename=grant.filename or None,
            headers=_SAFE_HEADERS,
        )

    async def upload(request: Request) -> Response:
        key = request.path_params["key"]
        try:
            grant = store.authorize("PUT", key, request.query_params)
            sent_type = media_type(request.headers.get("content-type", ""))
            if sent_type != grant.content_type:
                raise ContentTypeNotAllowed(
                    f"this URL accepts content type {grant.content_type!r} only, "
                    f"got {sent_type or 'none'!r}"
                )
            declared = request.headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > grant.max_bytes:
                raise _too_large(grant.max_bytes)
            info = await _receive(request, store, key, grant.content_type, grant.max_bytes)
        except StorageError as exc:
            return _error(exc)
        return JSONResponse(
            {
                "key": info.key,
                "size": info.size,
                "contentType": info.content_type,
                "sha256": info.sha256,
            },
            status_code=201,
        )

    return [
        Route(f"{FILES_PATH}/{{key:path}}", download, methods=["GET", "HEAD"]),
        Route(f"{FILES_PATH}/{{key:path}}", upload, methods=["PUT"]),
    ]


async def _receive(
    request: Request, store: LocalObjectStore, key: str, content_type: str, max_bytes: int
) -> ObjectInfo:
    temp = await asyncio.to_thread(store.new_temp_path)
    digest = hashlib.sha256()
    size = 0
    try:
        handle = await asyncio.to_thread(temp.open, "wb")
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(max_bytes)
                digest.update(chunk)
                await asyncio.to_thread(handle.write, chunk)
        finally:
            await asyncio.to_thread(handle.close)
        return await store.commit(
            key, temp, content_type=content_type, size=size, sha256=digest.hexdigest()
        )
    finally:
        await asyncio.to_thread(temp.unlink, missing_ok=True)


def _too_large(max_bytes: int) -> ObjectTooLarge:
    return ObjectTooLarge(f"the upload exceeds the limit of {max_bytes} bytes")


def _error(exc: StorageError) -> JSONResponse:
    logger.info("file request refused: %s %s", exc.code, exc)
    return JSONResponse({"code": exc.code, "message": str(exc)}, status_code=exc.status_code)

"""The embedded object store: a local folder, with signed URLs served by the app.

Each object is a file under the store's folder; next to it, a hidden sidecar
``.<name>.json`` records its content type, size, SHA-256 and update time. Files are
written to ``.tmp/`` first and renamed into place, so a reader never sees half an
object. Clients reach objects through ``/files/...`` URLs signed with HMAC-SHA256
(see :mod:`shared.storage.routes`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import os
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from shared.storage.base import ObjectInfo, UploadTicket
from shared.storage.errors import (
    ChecksumMismatch,
    InvalidSignature,
    ObjectNotFound,
    StorageUnavailable,
)
from shared.storage.keys import validate_key
from shared.storage.limits import StorageLimits
from shared.storage.signing import SignedGrant, UrlSigner, load_signing_key

if TYPE_CHECKING:
    from shared.config import Settings

__all__ = ["FILES_PATH", "LocalObjectStore"]

FILES_PATH = "/files"
_DEFAULT_TYPE = "application/octet-stream"
_CHUNK = 1024 * 1024


class LocalObjectStore:
    """Objects in a folder; implements :class:`shared.storage.base.ObjectStore`."""

    def __init__(
        self,
        *,
        root: Path,
        public_url: str,
        signing_key: bytes,
        limits: StorageLimits,
        url_ttl: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.root = root
        self._public_url = public_url.rstrip("/")
        self._signer = UrlSigner(signing_key, clock=clock)
        self._limits = limits
        self._url_ttl = url_ttl
        self._clock = clock

    @classmethod
    def from_settings(
        cls, settings: Settings, *, clock: Callable[[], float] = time.time
    ) -> LocalObjectStore:
        """A store on ``settings.effective_storage_dir``, signing with the configured key."""
        secret = settings.storage_signing_key
        key = (
            secret.get_secret_value().encode("utf-8")
            if secret is not None
            else load_signing_key(settings.data_dir)
        )
        return cls(
            root=settings.effective_storage_dir,
            public_url=settings.effective_public_url,
            signing_key=key,
            limits=StorageLimits(max_bytes=settings.storage_max_upload_bytes),
            url_ttl=settings.storage_url_ttl,
            clock=clock,
        )

    @property
    def limits(self) -> StorageLimits:
        return self._limits

    # -- lifecycle -----------------------------------------------------------------
    async def start(self) -> None:
        await asyncio.to_thread(self._tmp_dir.mkdir, parents=True, exist_ok=True)

    async def ping(self) -> None:
        try:
            await self.start()
            writable = await asyncio.to_thread(os.access, self.root, os.W_OK)
        except OSError as exc:
            raise StorageUnavailable(
                f"storage folder {self.root} is unusable: {exc.strerror or exc} "
                "(check LMS_STORAGE_DIR)"
            ) from exc
        if not writable:
            raise StorageUnavailable(
                f"storage folder {self.root} is not writable (check LMS_STORAGE_DIR)"
            )

    async def close(self) -> None:
        return None

    # -- signed URLs ---------------------------------------------------------------
    async def presign_upload(
        self,
        key: str,
        *,
        content_type: str,
        max_bytes: int | None = None,
        expires_in: int | None = None,
        allowed_content_types: Collection[str] | None = None,
    ) -> UploadTicket:
        validate_key(key)
        limits = self._limits.narrowed(
            max_bytes=max_bytes, allowed_content_types=allowed_content_types
        )
        bare = limits.check_content_type(content_type)
        grant = SignedGrant(
            method="PUT",
            key=key,
            expires=self._expiry(expires_in),
            content_type=bare,
            max_bytes=limits.max_bytes,
        )
        query = {
            "expires": str(grant.expires),
            "type": bare,
            "max": str(grant.max_bytes),
            "sig": self._signer.sign(grant),
        }
        return UploadTicket(
            url=f"{self._url(key)}?{urlencode(query)}",
            method="PUT",
            expires_at=datetime.fromtimestamp(grant.expires, UTC),
            max_bytes=grant.max_bytes,
            content_type=bare,
            headers={"Content-Type": bare},
        )

    async def presign_download(
        self, key: str, *, expires_in: int | None = None, filename: str | None = None
    ) -> str:
        validate_key(key)
        grant = SignedGrant(
            method="GET", key=key, expires=self._expiry(expires_in), filename=filename or ""
        )
        query = {"expires": str(grant.expires)}
        if filename:
            query["filename"] = filename
        query["sig"] = self._signer.sign(grant)
        return f"{self._url(key)}?{urlencode(query)}"

    def authorize(self, method: str, key: str, query: Mapping[str, str]) -> SignedGrant:
        """The grant a signed URL's query carries; raises if forged, altered or expired."""
        validate_key(key)
        try:
            grant = SignedGrant(
                method=method,
                key=key,
                expires=int(query["expires"]),
                content_type=query.get("type", "") if method == "PUT" else "",
                max_bytes=int(query.get("max", "0")) if method == "PUT" else 0,
                filename=query.get("filename", "") if method == "GET" else "",
            )
            signature = query["sig"]
        except (KeyError, ValueError):
            raise InvalidSignature("the URL is not signed") from None
        self._signer.check(grant, signature)
        return grant

    # -- objects -------------------------------------------------------------------
    async def put(
        self,
        key: str,
        data: bytes,
        *,
        content_type: str,
        allowed_content_types: Collection[str] | None = None,
    ) -> ObjectInfo:
        validate_key(key)
        limits = self._limits.narrowed(allowed_content_types=allowed_content_types)
        bare = limits.check_content_type(content_type)
        limits.check_size(len(data))
        return await asyncio.to_thread(self._write, key, data, bare)

    async def get(self, key: str) -> bytes:
        path = self.object_path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(f"no object at {key!r}") from None

    async def head(self, key: str) -> ObjectInfo | None:
        path = self.object_path(key)
        return await asyncio.to_thread(self._read_info, key, path)

    async def delete(self, key: str) -> None:
        path = self.object_path(key)
        await asyncio.to_thread(self._remove, path)

    async def verify(self, key: str) -> ObjectInfo:
        return await asyncio.to_thread(self._verify, key)

    # -- used by the file routes -----------------------------------------------------
    def object_path(self, key: str) -> Path:
        """The file holding ``key`` (which may not exist)."""
        return self.root / validate_key(key)

    def new_temp_path(self) -> Path:
        """A fresh path in the store's temp folder, on the same file system."""
        self._tmp_dir.mkdir(parents=True, exist_ok=True)
        return self._tmp_dir / uuid.uuid4().hex

    async def commit(
        self, key: str, temp_path: Path, *, content_type: str, size: int, sha256: str
    ) -> ObjectInfo:
        """Move a fully written temp file into place as ``key`` and record its sidecar."""
        return await asyncio.to_thread(
            self._commit, key, temp_path, content_type=content_type, size=size, sha256=sha256
        )

    async def stored_info(self, key: str) -> ObjectInfo:
        """Like :meth:`head`, raising :class:`ObjectNotFound` when nothing is there."""
        info = await self.head(key)
        if info is None:
            raise ObjectNotFound(f"no object at {key!r}")
        return info

    # -- internals -------------------------------------------------------------------
    @property
    def _tmp_dir(self) -> Path:
        return self.root / ".tmp"

    def _url(self, key: str) -> str:
        return f"{self._public_url}{FILES_PATH}/{quote(key)}"

    def _expiry(self, expires_in: int | None) -> int:
        ttl = self._url_ttl if expires_in is None else expires_in
        if ttl < 1:
            raise ValueError("expires_in must be at least 1 second")
        return math.ceil(self._clock() + ttl)

    def _write(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        temp = self.new_temp_path()
        try:
            temp.write_bytes(data)
            return self._commit(
                key,
                temp,
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        finally:
            temp.unlink(missing_ok=True)

    def _commit(
        self, key: str, temp: Path, *, content_type: str, size: int, sha256: str
    ) -> ObjectInfo:
        path = self.object_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        info = ObjectInfo(
            key=key,
            size=size,
            content_type=content_type,
            sha256=sha256,
            updated_at=datetime.fromtimestamp(self._clock(), UTC),
        )
        os.replace(temp, path)
        self._write_sidecar(path, info)
        return info

    def _write_sidecar(self, path: Path, info: ObjectInfo) -> None:
        record = {
            "content_type": info.content_type,
            "size": info.size,
            "sha256": info.sha256,
            "updated_at": info.updated_at.isoformat(),
        }
        temp = self.new_temp_path()
        temp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(temp, _sidecar(path))

    def _read_info(self, key: str, path: Path) -> ObjectInfo | None:
        try:
            stat = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not path.is_file():
            return None
        record: dict[str, Any] = {}
        with contextlib.suppress(FileNotFoundError, ValueError):
            record = json.loads(_sidecar(path).read_text(encoding="utf-8"))
        updated = record.get("updated_at")
        return ObjectInfo(
            key=key,
            size=stat.st_size,
            content_type=str(record.get("content_type") or _DEFAULT_TYPE),
            sha256=record.get("sha256"),
            updated_at=(
                datetime.fromisoformat(updated)
                if isinstance(updated, str)
                else datetime.fromtimestamp(stat.st_mtime, UTC)
            ),
        )

    def _verify(self, key: str) -> ObjectInfo:
        path = self.object_path(key)
        info = self._read_info(key, path)
        if info is None:
            raise ObjectNotFound(f"no object at {key!r}")
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        actual = digest.hexdigest()
        if info.sha256 is None:
            info = ObjectInfo(
                key=key,
                size=info.size,
                content_type=info.content_type,
                sha256=actual,
                updated_at=info.updated_at,
            )
            self._write_sidecar(path, info)
        elif info.sha256 != actual:
            raise ChecksumMismatch(f"object {key!r} has sha256 {actual}, expected {info.sha256}")
        return info

    @staticmethod
    def _remove(path: Path) -> None:
        for file in (path, _sidecar(path)):
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
                file.unlink()


def _sidecar(path: Path) -> Path:
    return path.with_name(f".{path.name}.json")

"""The object-storage interface every backend implements, and the values it returns."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from shared.storage.limits import StorageLimits

__all__ = ["ObjectInfo", "ObjectStore", "UploadTicket"]


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What is known about a stored object.

    ``sha256`` is the hex SHA-256 of the content. It is ``None`` only for an object a
    client uploaded straight to S3 that has not been through :meth:`ObjectStore.verify`.
    """

    key: str
    size: int
    content_type: str
    sha256: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class UploadTicket:
    """How a client uploads one object without going through a service.

    ``method`` ``PUT``: send the raw bytes to ``url`` with ``headers``.
    ``method`` ``POST``: send a ``multipart/form-data`` form to ``url`` holding every
    entry of ``fields`` followed by the file in a part named ``file``.
    """

    url: str
    method: Literal["PUT", "POST"]
    expires_at: datetime
    max_bytes: int
    content_type: str
    headers: Mapping[str, str] = field(default_factory=dict)
    fields: Mapping[str, str] = field(default_factory=dict)


class ObjectStore(Protocol):
    """A bucket of objects addressed by key, with signed URLs for clients."""

    @property
    def limits(self) -> StorageLimits:
        """The store-wide limits; calls may narrow them, never widen them."""
        ...

    async def start(self) -> None:
        """Prepare the backend (create the folder or the bucket if missing)."""
        ...

    async def presign_upload(
        self,
        key: str,
        *,
        content_type: str,
        max_bytes: int | None = None,
        expires_in: int | None = None,
        allowed_content_types: Collection[str] | None = None,
    ) -> UploadTicket:
        """A ticket to upload ``key``, valid for that content type and size only."""
        ...

    async def presign_download(
        self, key: str, *, expires_in: int | None = None, filename: str | None = None
    ) -> str:
        """A URL that downloads ``key`` (as an attachment named ``filename`` if given)."""
        ...

    async def put(
        self,
        key: str,
        data: bytes,
        *,
        content_type: str,
        allowed_content_types: Collection[str] | None = None,
    ) -> ObjectInfo:
        """Store ``data`` under ``key``, replacing any object there."""
        ...

    async def get(self, key: str) -> bytes:
        """The content of ``key``; raises ``ObjectNotFound``."""
        ...

    async def head(self, key: str) -> ObjectInfo | None:
        """What is known about ``key``, or ``None`` if nothing is stored there."""
        ...

    async def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing object is not an error."""
        ...

    async def verify(self, key: str) -> ObjectInfo:
        """Re-hash ``key`` and compare with the recorded SHA-256.

        Records the checksum if none was recorded (a direct client upload); raises
        ``ChecksumMismatch`` if the content changed, ``ObjectNotFound`` if missing.
        """
        ...

    async def ping(self) -> None:
        """Raise ``StorageUnavailable`` (one line naming the setting) if unusable."""
        ...

    async def close(self) -> None:
        """Release connections; the store cannot be used afterwards."""
        ...

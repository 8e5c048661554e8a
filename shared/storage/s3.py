"""The distributed object store: S3 (or MinIO) through aioboto3, with presigned URLs.

Uploads by clients use a presigned POST whose policy pins the key, the
``Content-Type`` and a ``content-length-range``, so S3 itself refuses anything else.
Objects written by :meth:`S3ObjectStore.put` carry their SHA-256 twice: as S3's own
``ChecksumSHA256`` (S3 rejects a body that does not match) and as hex in the
``x-amz-meta-sha256`` metadata, which :meth:`S3ObjectStore.head` reports. Objects
uploaded straight by clients get that metadata on their first :meth:`verify`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from collections.abc import Callable, Collection
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import aioboto3
from aiobotocore.config import AioConfig
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from shared.storage.base import ObjectInfo, UploadTicket
from shared.storage.errors import (
    ChecksumMismatch,
    ObjectNotFound,
    StorageError,
    StorageUnavailable,
)
from shared.storage.keys import validate_key
from shared.storage.limits import StorageLimits

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

    from shared.config import Settings

__all__ = ["S3ObjectStore"]

_SHA_META = "sha256"
_MISSING = frozenset({"404", "NoSuchKey", "NotFound", "NoSuchBucket"})
_MAX_PRESIGN_SECONDS = 7 * 24 * 3600


class S3ObjectStore:
    """Objects in one S3 bucket; implements :class:`shared.storage.base.ObjectStore`.

    One aioboto3 client is opened on first use and kept until :meth:`close`.
    """

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        region: str,
        access_key_id: str | None,
        secret_access_key: str | None,
        limits: StorageLimits,
        url_ttl: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bucket = bucket
        self._endpoint_url = endpoint_url
        self._region = region
        self._session = aioboto3.Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            region_name=region,
        )
        self._limits = limits
        self._url_ttl = url_ttl
        self._clock = clock
        self._stack = AsyncExitStack()
        self._client: S3Client | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(
        cls, settings: Settings, *, clock: Callable[[], float] = time.time
    ) -> S3ObjectStore:
        """A store on ``settings.s3_bucket`` with the configured endpoint and keys."""
        secret = settings.s3_secret_access_key
        return cls(
            bucket=settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret is not None else None,
            limits=StorageLimits(max_bytes=settings.storage_max_upload_bytes),
            url_ttl=settings.storage_url_ttl,
            clock=clock,
        )

    @property
    def limits(self) -> StorageLimits:
        return self._limits

    # -- lifecycle -----------------------------------------------------------------
    async def start(self) -> None:
        await self.ensure_bucket()

    async def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist yet."""
        client = await self._s3()
        try:
            await client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as exc:
            if _code(exc) not in _MISSING:
                raise self._unavailable(exc) from exc
        except (BotoCoreError, OSError) as exc:
            raise self._unavailable(exc) from exc
        try:
            if self._region == "us-east-1":
                await client.create_bucket(Bucket=self.bucket)
            else:
                await client.create_bucket(
                    Bucket=self.bucket,
                    CreateBucketConfiguration={"LocationConstraint": self._region},  # type: ignore[typeddict-item]
                )
        except ClientError as exc:
            if _code(exc) not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                raise self._unavailable(exc) from exc

    async def ping(self) -> None:
        try:
            client = await self._s3()
            await client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError, OSError) as exc:
            raise self._unavailable(exc) from exc

    async def close(self) -> None:
        self._client = None
        await self._stack.aclose()

    # -- presigned URLs --------------------------------------------------------------
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
        ttl = self._ttl(expires_in)
        client = await self._s3()
        post = await client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": bare},
            Conditions=[
                {"Content-Type": bare},
                ["content-length-range", 0, limits.max_bytes],
            ],
            ExpiresIn=ttl,
        )
        return UploadTicket(
            url=str(post["url"]),
            method="POST",
            expires_at=datetime.fromtimestamp(self._clock() + ttl, UTC),
            max_bytes=limits.max_bytes,
            content_type=bare,
            fields={str(k): str(v) for k, v in post["fields"].items()},
        )

    async def presign_download(
        self, key: str, *, expires_in: int | None = None, filename: str | None = None
    ) -> str:
        validate_key(key)
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if filename:
            params["ResponseContentDisposition"] = (
                f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
            )
        client = await self._s3()
        return await client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=self._ttl(expires_in)
        )

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
        digest = hashlib.sha256(data)
        client = await self._s3()
        try:
            await client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType=bare,
                ChecksumSHA256=base64.b64encode(digest.digest()).decode("ascii"),
                Metadata={_SHA_META: digest.hexdigest()},
            )
        except (ClientError, BotoCoreError, OSError) as exc:
            raise self._failed("put", key, exc) from exc
        info = await self.head(key)
        if info is None:
            raise ObjectNotFound(f"object {key!r} vanished right after being written")
        return info

    async def get(self, key: str) -> bytes:
        body, _ = await self._get(key)
        return body

    async def head(self, key: str) -> ObjectInfo | None:
        validate_key(key)
        client = await self._s3()
        try:
            meta = await client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None
            raise self._failed("head", key, exc) from exc
        except (BotoCoreError, OSError) as exc:
            raise self._failed("head", key, exc) from exc
        return ObjectInfo(
            key=key,
            size=int(meta["ContentLength"]),
            content_type=meta.get("ContentType") or "application/octet-stream",
            sha256=meta.get("Metadata", {}).get(_SHA_META),
            updated_at=meta["LastModified"].astimezone(UTC),
        )

    async def delete(self, key: str) -> None:
        validate_key(key)
        client = await self._s3()
        try:
            await client.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError, OSError) as exc:
            raise self._failed("delete", key, exc) from exc

    async def verify(self, key: str) -> ObjectInfo:
        info = await self.head(key)
        if info is None:
            raise ObjectNotFound(f"no object at {key!r}")
        body, etag = await self._get(key)
        actual = hashlib.sha256(body).hexdigest()
        if info.sha256 is not None:
            if info.sha256 != actual:
                raise ChecksumMismatch(
                    f"object {key!r} has sha256 {actual}, expected {info.sha256}"
                )
            return info
        client = await self._s3()
        try:
            await client.copy_object(
                Bucket=self.bucket,
                Key=key,
                CopySource={"Bucket": self.bucket, "Key": key},
                CopySourceIfMatch=etag,
                MetadataDirective="REPLACE",
                ContentType=info.content_type,
                Metadata={_SHA_META: actual},
            )
        except (ClientError, BotoCoreError, OSError) as exc:
            raise self._failed("record the checksum of", key, exc) from exc
        recorded = await self.head(key)
        if recorded is None:
            raise ObjectNotFound(f"no object at {key!r}")
        return recorded

    # -- internals -------------------------------------------------------------------
    async def _s3(self) -> S3Client:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    config = AioConfig(
                        signature_version="s3v4",
                        s3={"addressing_style": "path" if self._endpoint_url else "auto"},
                        retries={"max_attempts": 2, "mode": "standard"},
                        connect_timeout=5,
                        read_timeout=60,
                    )
                    self._client = await self._stack.enter_async_context(
                        self._session.client("s3", endpoint_url=self._endpoint_url, config=config)
                    )
        return self._client

    async def _get(self, key: str) -> tuple[bytes, str]:
        validate_key(key)
        client = await self._s3()
        try:
            response = await client.get_object(Bucket=self.bucket, Key=key)
            async with response["Body"] as stream:
                return await stream.read(), response["ETag"]
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise ObjectNotFound(f"no object at {key!r}") from None
            raise self._failed("get", key, exc) from exc
        except (BotoCoreError, OSError) as exc:
            raise self._failed("get", key, exc) from exc

    def _ttl(self, expires_in: int | None) -> int:
        ttl = self._url_ttl if expires_in is None else expires_in
        if not 1 <= ttl <= _MAX_PRESIGN_SECONDS:
            raise ValueError(f"expires_in must be between 1 and {_MAX_PRESIGN_SECONDS} seconds")
        return ttl

    def _failed(self, action: str, key: str, exc: Exception) -> StorageError:
        if isinstance(exc, ClientError) and _code(exc) not in {"403", "AccessDenied"}:
            return StorageError(f"could not {action} object {key!r}: {_one_line(exc)}")
        return self._unavailable(exc)

    def _unavailable(self, exc: Exception) -> StorageUnavailable:
        where = self._endpoint_url or f"AWS region {self._region}"
        if isinstance(exc, NoCredentialsError) or (
            isinstance(exc, ClientError) and _code(exc) in {"403", "AccessDenied"}
        ):
            return StorageUnavailable(
                f"s3 refused access to bucket {self.bucket!r} at {where}: {_one_line(exc)} "
                "(check LMS_S3_ACCESS_KEY_ID and LMS_S3_SECRET_ACCESS_KEY)"
            )
        if isinstance(exc, ClientError) and _code(exc) in _MISSING:
            return StorageUnavailable(
                f"s3 bucket {self.bucket!r} does not exist at {where} (check LMS_S3_BUCKET)"
            )
        return StorageUnavailable(
            f"s3 unreachable at {where}: {_one_line(exc)} (check LMS_S3_ENDPOINT_URL)"
        )


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _one_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]

"""Object storage: one interface, a local folder (embedded) or S3 (distributed).

See ``docs/storage.md``.
"""

from __future__ import annotations

from shared.storage.base import ObjectInfo, ObjectStore, UploadTicket
from shared.storage.errors import (
    ChecksumMismatch,
    ContentTypeNotAllowed,
    InvalidKey,
    InvalidSignature,
    ObjectNotFound,
    ObjectTooLarge,
    SignatureExpired,
    StorageError,
    StorageUnavailable,
)
from shared.storage.factory import create_object_store
from shared.storage.keys import validate_key
from shared.storage.limits import StorageLimits
from shared.storage.local import LocalObjectStore
from shared.storage.routes import storage_routes

__all__ = [
    "ChecksumMismatch",
    "ContentTypeNotAllowed",
    "InvalidKey",
    "InvalidSignature",
    "LocalObjectStore",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectTooLarge",
    "SignatureExpired",
    "StorageError",
    "StorageLimits",
    "StorageUnavailable",
    "UploadTicket",
    "create_object_store",
    "storage_routes",
    "validate_key",
]

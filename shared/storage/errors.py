"""Errors raised by object stores; each carries a stable ``code`` and an HTTP status."""

from __future__ import annotations

__all__ = [
    "ChecksumMismatch",
    "ContentTypeNotAllowed",
    "InvalidKey",
    "InvalidSignature",
    "ObjectNotFound",
    "ObjectTooLarge",
    "SignatureExpired",
    "StorageError",
    "StorageUnavailable",
]


class StorageError(Exception):
    """Base class of every object-storage error."""

    code: str = "STORAGE_ERROR"
    status_code: int = 500


class StorageUnavailable(StorageError):
    """The backend cannot be reached; the message names the ``LMS_`` setting to check."""

    code = "STORAGE_UNAVAILABLE"
    status_code = 503


class InvalidKey(StorageError):
    """An object key is empty, too long, absolute or climbs out with ``..``."""

    code = "INVALID_KEY"
    status_code = 400


class ObjectNotFound(StorageError):
    """No object is stored under the key."""

    code = "OBJECT_NOT_FOUND"
    status_code = 404


class ObjectTooLarge(StorageError):
    """An object is larger than the limit in force."""

    code = "OBJECT_TOO_LARGE"
    status_code = 413


class ContentTypeNotAllowed(StorageError):
    """A content type is malformed, not allowed, or not the one the URL was signed for."""

    code = "CONTENT_TYPE_NOT_ALLOWED"
    status_code = 415


class InvalidSignature(StorageError):
    """A signed URL was altered or signed with another key."""

    code = "INVALID_SIGNATURE"
    status_code = 403


class SignatureExpired(StorageError):
    """A signed URL was used after its expiry time."""

    code = "SIGNATURE_EXPIRED"
    status_code = 403


class ChecksumMismatch(StorageError):
    """A stored object no longer matches the SHA-256 recorded when it was written."""

    code = "CHECKSUM_MISMATCH"
    status_code = 500

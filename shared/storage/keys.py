"""Validation of object keys, the same for every backend."""

from __future__ import annotations

from shared.storage.errors import InvalidKey

__all__ = ["MAX_KEY_BYTES", "validate_key"]

MAX_KEY_BYTES = 1024


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe object key, else raise :class:`InvalidKey`.

    A key is a ``/``-separated relative path of at most 1024 UTF-8 bytes; no segment
    may be empty or start with a dot (so no ``.`` or ``..``), and no character may be a
    control character or a backslash.
    """
    if not key:
        raise InvalidKey("object key is empty")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise InvalidKey(f"object key is longer than {MAX_KEY_BYTES} bytes")
    if key.startswith("/"):
        raise InvalidKey(f"object key {key!r} must not start with '/'")
    if any(ord(ch) < 0x20 or ch in "\x7f\\" for ch in key):
        raise InvalidKey(f"object key {key!r} contains a control character or a backslash")
    for segment in key.split("/"):
        if not segment:
            raise InvalidKey(f"object key {key!r} has an empty segment")
        if segment.startswith("."):
            raise InvalidKey(f"object key {key!r} has a segment starting with '.'")
    return key

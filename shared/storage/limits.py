"""Upload limits: the largest object and the content types a store accepts."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from shared.storage.errors import ContentTypeNotAllowed, ObjectTooLarge

__all__ = ["StorageLimits", "media_type"]

_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


def media_type(content_type: str) -> str:
    """The bare media type of a ``Content-Type`` value: lower-case, parameters dropped."""
    return content_type.split(";", 1)[0].strip().lower()


@dataclass(frozen=True, slots=True)
class StorageLimits:
    """What a store accepts.

    ``allowed_content_types`` holds media types such as ``application/pdf`` or wildcards
    such as ``image/*``; ``None`` allows any well-formed type.
    """

    max_bytes: int
    allowed_content_types: frozenset[str] | None = None

    def narrowed(
        self,
        *,
        max_bytes: int | None = None,
        allowed_content_types: Collection[str] | None = None,
    ) -> StorageLimits:
        """Limits for one call: never looser than these (a larger ``max_bytes`` is capped)."""
        limit = self.max_bytes if max_bytes is None else min(max_bytes, self.max_bytes)
        if limit < 1:
            raise ValueError("max_bytes must be at least 1")
        allowed = self.allowed_content_types
        if allowed_content_types is not None:
            requested = frozenset(media_type(t) for t in allowed_content_types)
            allowed = (
                requested
                if allowed is None
                else frozenset(t for t in requested if _matches(t, allowed))
            )
        return StorageLimits(max_bytes=limit, allowed_content_types=allowed)

    def check_content_type(self, content_type: str) -> str:
        """Return the bare media type if allowed, else raise :class:`ContentTypeNotAllowed`."""
        bare = media_type(content_type)
        if not _MEDIA_TYPE.match(bare) or any(ord(ch) < 0x20 for ch in content_type):
            raise ContentTypeNotAllowed(f"malformed content type {content_type!r}")
        if self.allowed_content_types is not None and not _matches(
            bare, self.allowed_content_types
        ):
            allowed = ", ".join(sorted(self.allowed_content_types)) or "none"
            raise ContentTypeNotAllowed(
                f"content type {bare!r} is not allowed (allowed: {allowed})"
            )
        return bare

    def check_size(self, size: int) -> None:
        """Raise :class:`ObjectTooLarge` if ``size`` bytes exceed the limit."""
        if size > self.max_bytes:
            raise ObjectTooLarge(f"object of {size} bytes exceeds the limit of {self.max_bytes}")


def _matches(bare: str, allowed: frozenset[str]) -> bool:
    if bare in allowed:
        return True
    family = bare.split("/", 1)[0]
    return f"{family}/*" in allowed or "*/*" in allowed

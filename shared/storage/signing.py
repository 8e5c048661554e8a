"""HMAC-SHA256 signatures for the local store's file URLs, and their signing key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shared.storage.errors import InvalidSignature, SignatureExpired

__all__ = ["SignedGrant", "UrlSigner", "load_signing_key"]

_KEY_FILE = "storage-signing.key"


def load_signing_key(data_dir: Path) -> bytes:
    """The key kept in ``data_dir/storage-signing.key``, generated (mode 0600) if missing."""
    path = data_dir / _KEY_FILE
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex() + "\n")
    return key


@dataclass(frozen=True, slots=True)
class SignedGrant:
    """What a valid signature allows: one method on one key until ``expires``."""

    method: str
    key: str
    expires: int
    content_type: str = ""
    max_bytes: int = 0
    filename: str = ""


class UrlSigner:
    """Signs and checks grants; ``clock`` returns the current Unix time in seconds."""

    def __init__(self, secret: bytes, *, clock: Callable[[], float]) -> None:
        if len(secret) < 16:
            raise ValueError("the storage signing key must be at least 16 bytes")
        self._secret = secret
        self._clock = clock

    def sign(self, grant: SignedGrant) -> str:
        """The URL-safe signature of ``grant``."""
        digest = hmac.new(self._secret, _message(grant), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def check(self, grant: SignedGrant, signature: str) -> None:
        """Raise :class:`InvalidSignature` or :class:`SignatureExpired` unless valid now."""
        expected = self.sign(grant)
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            raise InvalidSignature("the URL signature is invalid")
        if self._clock() > grant.expires:
            raise SignatureExpired("the signed URL has expired")


def _message(grant: SignedGrant) -> bytes:
    parts = (
        grant.method,
        grant.key,
        str(grant.expires),
        grant.content_type,
        str(grant.max_bytes),
        grant.filename,
    )
    # Lengths first, so that no two different grants can share one message.
    return "\n".join(f"{len(p)}:{p}" for p in parts).encode("utf-8")

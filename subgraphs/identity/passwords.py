"""Password hashing with argon2id (argon2-cffi).

Parameters (see ``docs/identity.md``, "Passwords and policy"): argon2id,
46 MiB of memory, 1 pass, 1 lane, a 16-byte random salt and a 32-byte hash:
OWASP's first recommended argon2id setting. One hash or verification takes
about 45 ms of one core on a 2-core AMD EPYC test machine, so one core checks
some 20 logins a second, and 46 MiB are held per login in progress. Raising
any parameter later is safe:
:func:`verify_password` reports ``needs_rehash`` for hashes made with other
parameters, and the login path stores a fresh hash while it has the password.

Passwords are NFKC-normalised before hashing, so a password typed on another
keyboard (composed or decomposed accents, full-width digits) still matches.
Hashing costs tens of milliseconds of CPU: call these functions through
:func:`hash_password_async` / :func:`verify_password_async` from request
handlers, which run them in a worker thread (argon2 releases the GIL) instead
of blocking the event loop.
"""

from __future__ import annotations

import asyncio
import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = [
    "DEFAULT_HASHER",
    "MAX_PASSWORD_CHARS",
    "PasswordCheck",
    "hash_password",
    "hash_password_async",
    "normalize_password",
    "verify_password",
    "verify_password_async",
]

DEFAULT_HASHER = PasswordHasher(
    time_cost=1,
    memory_cost=46 * 1024,  # KiB
    parallelism=1,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)
"""The server's hashing parameters; changing them makes old hashes ``needs_rehash``."""

MAX_PASSWORD_CHARS = 1024
"""Longer input is never hashed (a login is refused without work): bounds the cost
an attacker can impose. Policies cap new passwords lower (128 by default)."""

# A hash of a random password, verified when the account does not exist, so that
# "no such account" costs as much time as "wrong password" and reveals nothing.
_ABSENT_ACCOUNT_HASH = DEFAULT_HASHER.hash("no account has this password: 8a1f0c")


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    """The outcome of :func:`verify_password`.

    ``needs_rehash`` is true only for a match whose hash was made with other
    parameters than the hasher's: store ``hash_password(password)`` in its place.
    """

    matched: bool
    needs_rehash: bool = False


def normalize_password(password: str) -> str:
    """``password`` in Unicode NFKC, as it is hashed and measured by the policy."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str, *, hasher: PasswordHasher = DEFAULT_HASHER) -> str:
    """An argon2id hash of ``password`` (PHC string, about 100 characters) with a new salt."""
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValueError(f"password longer than {MAX_PASSWORD_CHARS} characters")
    return hasher.hash(normalize_password(password))


def verify_password(
    stored_hash: str | None, password: str, *, hasher: PasswordHasher = DEFAULT_HASHER
) -> PasswordCheck:
    """Whether ``password`` matches ``stored_hash``, in constant time.

    ``stored_hash=None`` (no such account, or no password set yet) still spends
    the time of a verification and never matches. A stored value that is not an
    argon2 hash raises ``ValueError`` (a corrupted record is a bug, not a
    wrong password).
    """
    if len(password) > MAX_PASSWORD_CHARS:
        return PasswordCheck(matched=False)
    candidate = normalize_password(password)
    if stored_hash is None:
        _verify(hasher, _ABSENT_ACCOUNT_HASH, candidate)
        return PasswordCheck(matched=False)
    try:
        matched = _verify(hasher, stored_hash, candidate)
    except InvalidHashError as exc:
        raise ValueError("stored password hash is not an argon2 hash") from exc
    if not matched:
        return PasswordCheck(matched=False)
    return PasswordCheck(matched=True, needs_rehash=hasher.check_needs_rehash(stored_hash))


async def hash_password_async(password: str, *, hasher: PasswordHasher = DEFAULT_HASHER) -> str:
    """:func:`hash_password` in a worker thread, leaving the event loop free."""
    return await asyncio.to_thread(hash_password, password, hasher=hasher)


async def verify_password_async(
    stored_hash: str | None, password: str, *, hasher: PasswordHasher = DEFAULT_HASHER
) -> PasswordCheck:
    """:func:`verify_password` in a worker thread, leaving the event loop free."""
    return await asyncio.to_thread(verify_password, stored_hash, password, hasher=hasher)


def _verify(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    try:
        return hasher.verify(stored_hash, password)
    except VerificationError:  # a mismatch (VerifyMismatchError) or a damaged hash
        return False

"""API keys: a college's credentials for integrations (create, list, rotate, revoke, use).

A key reads ``lms_<prefix>_<secret>``. The prefix is public: it is stored,
shown in lists so people can tell keys apart, and finds the row in one
indexed lookup. The secret is 32 random bytes and is returned once, when
the key is created or rotated; only its SHA-256 is stored. A fast hash is
right here, unlike for passwords: a 256-bit random secret cannot be guessed
or found in a dictionary, so a slow hash (argon2) would only make every
request cost tens of milliseconds without making a stolen hash any easier
to reverse.

A key holds ``scopes`` from the permission catalogue, never more than its
creator holds when it is created or rotated; the principal it authenticates
has exactly those permissions. Keys belong to the college, not to the
person who made them: they keep working when that person leaves (revoke
them then). API keys do not manage API keys.

Rotation replaces the secret; the previous one keeps working for the grace
period (``LMS_IDENTITY_API_KEY_ROTATION_GRACE_HOURS``) so integrations can be
redeployed. A second rotation within the grace period ends the first one's
previous secret at once: only one previous secret is kept.

Use is counted, not published: each successful authentication runs one
``UPDATE api_key SET usage_count = usage_count + 1, last_used_at = :now``.
That is atomic (no lost increments) and needs no read. On PostgreSQL the
update locks the key's row until the caller's transaction ends, so requests
of one very hot key queue behind each other for that long: authenticate in
a short transaction of its own. Should one key ever need thousands of
requests a second, count in the cache and flush in batches instead.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import utcnow
from shared.errors import AuthenticationError, DomainError, NotFoundError, PermissionDenied
from subgraphs.identity import events, tenancy
from subgraphs.identity._time import as_utc
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import ApiKey, College, CollegeStatus
from subgraphs.identity.permissions import validate_permissions
from subgraphs.identity.settings import IdentitySettings
from subgraphs.identity.validation import normalize_name

__all__ = [
    "DEFAULT_MAX_LIFETIME",
    "DEFAULT_ROTATION_GRACE",
    "KEY_PREFIX",
    "IssuedApiKey",
    "authenticate_api_key",
    "create_api_key",
    "get_api_key",
    "hash_secret",
    "list_api_keys",
    "revoke_api_key",
    "rotate_api_key",
]

logger = logging.getLogger(__name__)

_DEFAULTS = IdentitySettings.model_construct()
DEFAULT_MAX_LIFETIME = timedelta(days=_DEFAULTS.api_key_max_lifetime_days)
DEFAULT_ROTATION_GRACE = timedelta(hours=_DEFAULTS.api_key_rotation_grace_hours)

KEY_PREFIX = "lms"
"""The fixed start of every key, so secret scanners and people recognise one."""
_PREFIX_BYTES = 6  # 12 hex characters: public, only has to be unique
_SECRET_BYTES = 32
_PERMISSION = "apikey:manage"


@dataclass(frozen=True)
class IssuedApiKey:
    """A key just created or rotated: ``secret`` is the full key, shown this once only."""

    key: ApiKey
    secret: str


def hash_secret(secret: str) -> str:
    """The stored form of a key's secret part: SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


# -- manage -----------------------------------------------------------------------------------
async def create_api_key(
    session: AsyncSession,
    *,
    actor: Principal,
    name: str,
    scopes: list[str] | tuple[str, ...] | frozenset[str],
    expires_at: datetime | None = None,
    college_id: str | None = None,
    max_lifetime: timedelta = DEFAULT_MAX_LIFETIME,
    now: datetime | None = None,
    on_commit: events.OnCommit | None = None,
) -> IssuedApiKey:
    """Create a key of the actor's college (or ``college_id``, super-admins); ``apikey:manage``.

    ``scopes`` must be catalogue permissions (``UNKNOWN_PERMISSION``), at
    least one (``INVALID_SCOPES``), each held by the actor (``FORBIDDEN``).
    ``expires_at`` is optional but, when given, lies in the future and at
    most ``max_lifetime`` ahead (``INVALID_EXPIRY``). Emits
    ``college.apikey_created``.
    """
    _not_by_key(actor)
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission_in(actor, _PERMISSION, target)
    await _active_college(session, target)
    now = now or utcnow()
    name = normalize_name(name, field="name", max_length=100)
    granted = _check_scopes(actor, scopes)
    if expires_at is not None:
        _check_expiry(as_utc(expires_at), now=now, max_lifetime=max_lifetime)
    prefix, secret = _new_prefix(), _new_secret()
    key = ApiKey(
        college_id=target,
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scopes=granted,
        created_by=actor.user_id,
        expires_at=expires_at,
        usage_count=0,
        created_at=now,
        updated_at=now,
    )
    session.add(key)
    await session.flush()
    await events.publish(
        session,
        type=events.APIKEY_CREATED,
        tenant=target,
        subject=key.id,
        actor=actor,
        data={
            "name": name,
            "prefix": prefix,
            "scopes": granted,
            "expires_at": expires_at.isoformat() if expires_at is not None else None,
        },
        on_commit=on_commit,
    )
    return IssuedApiKey(key=key, secret=_format(prefix, secret))


async def list_api_keys(
    session: AsyncSession,
    *,
    actor: Principal,
    college_id: str | None = None,
    include_revoked: bool = False,
) -> list[ApiKey]:
    """The college's keys, oldest first (revoked ones only if asked); ``apikey:manage``.

    Rows carry hashes, never secrets; the API shows prefix, name, scopes,
    dates and usage only.
    """
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission_in(actor, _PERMISSION, target)
    query = select(ApiKey).where(ApiKey.college_id == target)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    return list(await session.scalars(query.order_by(ApiKey.created_at, ApiKey.id)))


async def get_api_key(session: AsyncSession, *, actor: Principal, key_id: str) -> ApiKey:
    """One key of the actor's college; another college's key is ``NOT_FOUND``."""
    actor.require(_PERMISSION)
    key = await session.get(ApiKey, key_id)
    if key is None or not tenancy.can_see(actor, key.college_id):
        raise NotFoundError("No such API key.")
    return key


async def rotate_api_key(
    session: AsyncSession,
    *,
    actor: Principal,
    key_id: str,
    grace: timedelta = DEFAULT_ROTATION_GRACE,
    now: datetime | None = None,
    on_commit: events.OnCommit | None = None,
) -> IssuedApiKey:
    """Give the key a new secret (returned once); the old one works ``grace`` longer.

    ``apikey:manage``, and the actor must still hold every scope of the key
    (``FORBIDDEN``): rotating re-issues them. Revoked or expired keys are
    not rotated (``API_KEY_REVOKED``, ``API_KEY_EXPIRED``). Emits
    ``college.apikey_rotated``.
    """
    _not_by_key(actor)
    key = await _live_key_for_change(session, actor, key_id, now=now)
    now = now or utcnow()
    _check_scopes(actor, key.scopes)
    secret = _new_secret()
    key.previous_secret_hash = key.secret_hash
    key.previous_valid_until = now + grace
    key.secret_hash = hash_secret(secret)
    key.updated_at = now
    await session.flush()
    await events.publish(
        session,
        type=events.APIKEY_ROTATED,
        tenant=key.college_id,
        subject=key.id,
        actor=actor,
        data={"prefix": key.prefix, "previous_valid_until": key.previous_valid_until.isoformat()},
        on_commit=on_commit,
    )
    return IssuedApiKey(key=key, secret=_format(key.prefix, secret))


async def revoke_api_key(
    session: AsyncSession,
    *,
    actor: Principal,
    key_id: str,
    now: datetime | None = None,
    on_commit: events.OnCommit | None = None,
) -> ApiKey:
    """Stop the key at once, previous secret included; ``apikey:manage``.

    Revoking twice is ``API_KEY_REVOKED``. Emits ``college.apikey_revoked``.
    """
    key = await get_api_key(session, actor=actor, key_id=key_id)
    if key.revoked_at is not None:
        raise DomainError(
            IdentityErrorCode.API_KEY_REVOKED, "The API key is already revoked.", "id"
        )
    now = now or utcnow()
    key.revoked_at = now
    key.previous_secret_hash = None
    key.previous_valid_until = None
    key.updated_at = now
    await session.flush()
    await events.publish(
        session,
        type=events.APIKEY_REVOKED,
        tenant=key.college_id,
        subject=key.id,
        actor=actor,
        data={"prefix": key.prefix},
        on_commit=on_commit,
    )
    return key


# -- use --------------------------------------------------------------------------------------
async def authenticate_api_key(
    session: AsyncSession, raw_key: str, *, now: datetime | None = None
) -> Principal:
    """The principal of the key ``raw_key`` (kind ``api_key``, its college, its scopes).

    Every refusal is the same ``UNAUTHENTICATED`` to the caller, so nobody
    learns whether a prefix exists; the log says which it was (malformed,
    unknown, wrong secret, revoked, expired, grace over, college suspended),
    with the prefix and never the secret. Success adds one to the key's
    ``usage_count`` and sets ``last_used_at``, in the caller's transaction.
    """
    now = now or utcnow()
    parsed = _parse(raw_key)
    if parsed is None:
        return _refuse("malformed", None)
    prefix, secret = parsed
    row = (
        await session.execute(
            select(ApiKey, College.status)
            .join(College, College.id == ApiKey.college_id)
            .where(ApiKey.prefix == prefix)
        )
    ).one_or_none()
    if row is None:
        return _refuse("unknown prefix", prefix)
    key, college_status = row[0], row[1]
    presented = hash_secret(secret)
    if hmac.compare_digest(presented, key.secret_hash):
        secret_problem = None
    elif key.previous_secret_hash is not None and hmac.compare_digest(
        presented, key.previous_secret_hash
    ):
        until = key.previous_valid_until
        secret_problem = None if until is not None and now < as_utc(until) else "grace over"
    else:
        secret_problem = "wrong secret"
    reason = secret_problem or _unusable(key, college_status, now=now)
    if reason is not None:
        return _refuse(reason, prefix)
    await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key.id)
        .values(usage_count=ApiKey.usage_count + 1, last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    scopes = frozenset(key.scopes)
    return Principal(
        user_id=key.id,
        college_id=key.college_id,
        permissions=scopes,
        scopes=scopes,
        kind="api_key",
    )


# -- helpers ----------------------------------------------------------------------------------
def _format(prefix: str, secret: str) -> str:
    return f"{KEY_PREFIX}_{prefix}_{secret}"


def _new_prefix() -> str:
    return secrets.token_hex(_PREFIX_BYTES)


def _new_secret() -> str:
    return secrets.token_urlsafe(_SECRET_BYTES)


def _parse(raw_key: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of a well-formed key; the secret may itself contain ``_``."""
    head, _, rest = raw_key.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if head != KEY_PREFIX or len(prefix) != 2 * _PREFIX_BYTES or not secret:
        return None
    if len(secret) > 256:
        return None
    return prefix, secret


def _unusable(key: ApiKey, college_status: CollegeStatus, *, now: datetime) -> str | None:
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and as_utc(key.expires_at) <= now:
        return "expired"
    if college_status is not CollegeStatus.ACTIVE:
        return "college suspended"
    return None


def _refuse(reason: str, prefix: str | None) -> Principal:
    logger.info("API key refused: %s (prefix %s)", reason, prefix or "-")
    raise AuthenticationError("Invalid API key.")


def _not_by_key(actor: Principal) -> None:
    if actor.kind == "api_key":
        raise PermissionDenied("API keys cannot create or rotate API keys.")


def _check_scopes(
    actor: Principal, scopes: list[str] | tuple[str, ...] | frozenset[str]
) -> list[str]:
    """The scopes, validated and sorted; each must be held by ``actor``."""
    granted = validate_permissions(scopes, field="scopes")
    if not granted:
        raise DomainError(
            IdentityErrorCode.INVALID_SCOPES, "An API key needs at least one scope.", "scopes"
        )
    for permission in granted:
        if not actor.has(permission):
            raise PermissionDenied(
                f"You cannot give an API key {permission!r}, which you do not hold.",
                permission=permission,
            )
    return granted


def _check_expiry(expires_at: datetime, *, now: datetime, max_lifetime: timedelta) -> None:
    if expires_at <= now:
        raise DomainError(
            IdentityErrorCode.INVALID_EXPIRY, "The expiry must be in the future.", "expires_at"
        )
    if expires_at > now + max_lifetime:
        raise DomainError(
            IdentityErrorCode.INVALID_EXPIRY,
            f"An API key is valid for at most {max_lifetime.days} days; "
            "choose an earlier expiry and rotate the key before it ends.",
            "expires_at",
        )


async def _live_key_for_change(
    session: AsyncSession, actor: Principal, key_id: str, *, now: datetime | None
) -> ApiKey:
    actor.require(_PERMISSION)
    key = await session.get(ApiKey, key_id, with_for_update=True)
    if key is None or not tenancy.can_see(actor, key.college_id):
        raise NotFoundError("No such API key.")
    if key.revoked_at is not None:
        raise DomainError(IdentityErrorCode.API_KEY_REVOKED, "The API key is revoked.", "id")
    if key.expires_at is not None and as_utc(key.expires_at) <= (now or utcnow()):
        raise DomainError(
            IdentityErrorCode.API_KEY_EXPIRED,
            "The API key has expired; create a new one.",
            "id",
        )
    return key


async def _active_college(session: AsyncSession, college_id: str) -> None:
    college = await session.get(College, college_id)
    if college is None:
        raise NotFoundError("No such college.")
    if college.status is not CollegeStatus.ACTIVE:
        raise DomainError(
            IdentityErrorCode.COLLEGE_SUSPENDED, "The college is suspended.", "college_id"
        )

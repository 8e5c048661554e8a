"""Identity's API-key exchange: ``POST /internal/api-key-token`` with ``{"key": "lms_..."}``.

Only identity can check an API key (the keys live in its tables), yet every
subgraph must see a principal it can verify. The gateway therefore trades
each key it receives for a short-lived access token here and forwards the
token instead of the key. The answer is OAuth-shaped::

    {"access_token": "<JWT>", "token_type": "Bearer", "expires_in": 300}

The token describes the key's principal (kind ``api_key``, its college, its
scopes as permissions), is signed with the platform's keys and lives
``LMS_API_KEY_TOKEN_TTL`` seconds. A key that is unknown, malformed, revoked,
expired or of a suspended college is a 401 ``{"error": "invalid_api_key"}``,
the same for every reason. The route is internal (see
:mod:`shared.auth.internal`): 403 for other callers.

Each exchange authenticates the key in a short transaction of its own, so
the key's ``usage_count`` counts exchanges (one per token lifetime for a
busy integration), not GraphQL requests. The same transaction writes
``college.apikey_used`` (key id, prefix, the caller's address: the
gateway's), so the audit log records a key's use once per exchange, not per
request. A refused key that was issued and is presented with its secret,
but is revoked or expired, writes ``college.apikey_refused`` (with the
reason); unknown keys, wrong secrets and other refusals write nothing, so
nobody can fill the log with prefixes read from a key list.
"""

from __future__ import annotations

import hmac
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from shared.auth import TokenIssuer
from shared.auth.internal import InternalCallers
from shared.db import utcnow
from shared.errors import AuthenticationError
from subgraphs.identity import events
from subgraphs.identity._time import as_utc
from subgraphs.identity.api_keys import KEY_PREFIX, authenticate_api_key, hash_secret
from subgraphs.identity.models import ApiKey

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from shared.service import Service

__all__ = ["API_KEY_TOKEN_PATH", "api_key_routes"]

API_KEY_TOKEN_PATH = "/internal/api-key-token"
"""Where identity exchanges API keys for access tokens."""

_MAX_BODY_BYTES = 4096
_NO_STORE = {"Cache-Control": "no-store"}


def api_key_routes(service: Service) -> list[BaseRoute]:
    """The exchange route of the running identity ``service`` (its ``ServiceSpec.routes``)."""
    settings = service.platform.settings
    issuer = TokenIssuer.from_settings(settings, service.platform.keys)
    callers = InternalCallers(settings.internal_token)
    lifetime = settings.api_key_token_ttl

    async def exchange(request: Request) -> Response:
        refusal = callers.refusal(request)
        if refusal is not None:
            return refusal
        key = _key_of(await request.body())
        if key is None:
            return _error(400, "invalid_request", 'Send a JSON body {"key": "lms_..."}.')
        address = request.client.host if request.client is not None else None
        try:
            async with service.database.transaction() as session:
                principal = await authenticate_api_key(session, key)
                key_id = principal.user_id
                assert key_id is not None  # an API key's principal is the key
                await events.publish(
                    session,
                    type=events.APIKEY_USED,
                    tenant=principal.college_id,
                    subject=key_id,
                    actor=principal,
                    data={"key_id": key_id, "prefix": _prefix_of(key), "ip": address},
                    on_commit=service.notify_outbox,
                )
        except AuthenticationError:
            async with service.database.transaction() as session:
                await _record_refusal(session, key, address, on_commit=service.notify_outbox)
            return _error(401, "invalid_api_key", "Invalid API key.")
        token = issuer.issue(principal, ttl=lifetime)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": lifetime}
        return JSONResponse(body, headers=_NO_STORE)

    return [Route(API_KEY_TOKEN_PATH, exchange, methods=["POST"])]


def _key_of(body: bytes) -> str | None:
    """The ``key`` of a JSON body, or ``None`` when the body is not ``{"key": "<text>"}``."""
    if len(body) > _MAX_BODY_BYTES:
        return None
    try:
        document: Any = json.loads(body)
    except ValueError:
        return None
    key = document.get("key") if isinstance(document, dict) else None
    return key if isinstance(key, str) and key else None


def _parts(key: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of ``lms_<prefix>_<secret>``, or ``None`` for another shape."""
    head, _, rest = key.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if head != KEY_PREFIX or not prefix or not secret:
        return None
    return prefix, secret


def _prefix_of(key: str) -> str | None:
    parts = _parts(key)
    return parts[0] if parts is not None else None


async def _record_refusal(
    session: AsyncSession,
    key: str,
    address: str | None,
    *,
    on_commit: events.OnCommit,
    now: datetime | None = None,
) -> None:
    """Write ``college.apikey_refused`` when ``key`` is an issued key, revoked or expired.

    The secret must match the key's current or previous one: a prefix alone
    is public, and an unknown key or a wrong secret writes nothing.
    """
    parts = _parts(key)
    if parts is None:
        return
    prefix, secret = parts
    row = await session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None:
        return
    presented = hash_secret(secret)
    known = [row.secret_hash, row.previous_secret_hash]
    if not any(stored and hmac.compare_digest(presented, stored) for stored in known):
        return
    now = now or utcnow()
    if row.revoked_at is not None:
        reason = "revoked"
    elif row.expires_at is not None and as_utc(row.expires_at) <= now:
        reason = "expired"
    else:
        return
    await events.publish(
        session,
        type=events.APIKEY_REFUSED,
        tenant=row.college_id,
        subject=row.id,
        actor=None,
        data={"key_id": row.id, "prefix": prefix, "reason": reason, "ip": address},
        on_commit=on_commit,
    )


def _error(status: int, error: str, message: str) -> Response:
    return JSONResponse({"error": error, "message": message}, status_code=status, headers=_NO_STORE)

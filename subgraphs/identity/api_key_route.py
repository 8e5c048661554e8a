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
busy integration), not GraphQL requests.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from shared.auth import TokenIssuer
from shared.auth.internal import InternalCallers
from shared.errors import AuthenticationError
from subgraphs.identity.api_keys import authenticate_api_key

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
        try:
            async with service.database.transaction() as session:
                principal = await authenticate_api_key(session, key)
        except AuthenticationError:
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


def _error(status: int, error: str, message: str) -> Response:
    return JSONResponse({"error": error, "message": message}, status_code=status, headers=_NO_STORE)

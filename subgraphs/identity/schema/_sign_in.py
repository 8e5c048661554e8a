"""What the sign-in and credential mutations share: the session type and the client.

:class:`SessionTokens` is what ``login``, ``tokenRefresh`` and
``invitationAccept`` return. :func:`client_of` reads the client's address and
user agent from the request: through the gateway, the address is the
rightmost untrusted entry of ``X-Forwarded-For`` (``LMS_TRUSTED_PROXIES``,
:mod:`shared.http.client_address`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info

from shared.http import client_address
from subgraphs.identity import sessions
from subgraphs.identity.schema.types import User

if TYPE_CHECKING:
    from shared.auth.revocation import RevocationList
    from shared.auth.tokens import TokenIssuer
    from subgraphs.identity.lockout import LoginThrottle
    from subgraphs.identity.schema._api import IdentityApi

__all__ = [
    "Client",
    "SessionTokens",
    "client_of",
    "issuer_of",
    "revocations_of",
    "throttle_of",
    "throttled_message",
]


@strawberry.type(
    description="A signed-in session's tokens. Send the access token as "
    "`Authorization: Bearer <accessToken>`; before it expires, exchange the refresh token "
    "for a new pair with `tokenRefresh`. The refresh token is shown only once."
)
class SessionTokens:
    access_token: str = strawberry.field(
        description="Short-lived JWT naming the user, college, roles and session (`sid`)."
    )
    access_token_expires_at: datetime = strawberry.field(
        description="When the access token stops being accepted (UTC)."
    )
    refresh_token: str = strawberry.field(
        description="Opaque single-use token for `tokenRefresh`; keep it secret. Presenting a "
        "used one again ends the session."
    )
    refresh_token_expires_at: datetime = strawberry.field(
        description="When the refresh token expires (UTC); each refresh starts a new one."
    )
    password_change_required: bool = strawberry.field(
        description="True when the password is older than the college allows: ask for a new "
        "one (`passwordChange`) before anything else."
    )
    user: User = strawberry.field(description="The signed-in account.")

    @classmethod
    def from_tokens(cls, tokens: sessions.SessionTokens) -> SessionTokens:
        return cls(
            access_token=tokens.access_token,
            access_token_expires_at=_utc(tokens.access_expires_at),
            refresh_token=tokens.refresh_token,
            refresh_token_expires_at=_utc(tokens.refresh_expires_at),
            password_change_required=tokens.password_change_required,
            user=User.from_model(tokens.account),
        )


@dataclass(frozen=True)
class Client:
    """Who sent the request: IP address and user agent (``None`` when not told)."""

    ip: str | None
    user_agent: str | None


def client_of(info: Info[Any, Any], api: IdentityApi) -> Client:
    """The client of this request, through trusted proxies."""
    request = getattr(info.context, "request", None)
    if request is None:
        return Client(ip=None, user_agent=None)
    ip = (
        client_address(request, trusted=api.trusted_proxies)
        if api.trusted_proxies is not None
        else (request.client.host if request.client is not None else None)
    )
    return Client(ip=ip, user_agent=request.headers.get("user-agent") or None)


def issuer_of(api: IdentityApi) -> TokenIssuer:
    if api.issuer is None:
        raise RuntimeError("the identity schema runs without a token issuer")
    return api.issuer


def throttle_of(api: IdentityApi) -> LoginThrottle:
    if api.throttle is None:
        raise RuntimeError("the identity schema runs without a login throttle")
    return api.throttle


def revocations_of(api: IdentityApi) -> RevocationList:
    if api.revocations is None:
        raise RuntimeError("the identity schema runs without a revocation list")
    return api.revocations


def throttled_message(errors: list[Any], seconds: int) -> None:
    """Say in the LOGIN_THROTTLED error how long to wait."""
    unit = "second" if seconds == 1 else "seconds"
    for error in errors:
        if error.code.name == "LOGIN_THROTTLED":
            error.message = f"Too many failed sign-in attempts; try again in {seconds} {unit}."


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

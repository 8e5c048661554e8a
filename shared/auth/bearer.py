"""Reading credentials from an HTTP ``Authorization`` header.

No header means the anonymous principal; a header that is present but wrong
(another scheme, no token, an invalid token) is an :class:`AuthenticationError`,
never a silent downgrade to anonymous.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.auth.principal import Principal
from shared.errors import AuthenticationError

if TYPE_CHECKING:
    from shared.auth.tokens import TokenVerifier

__all__ = ["authenticate", "bearer_token"]


def bearer_token(authorization: str | None) -> str | None:
    """The token of a ``Bearer`` header; ``None`` when there is no header."""
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise AuthenticationError(
            "Unsupported Authorization scheme: send 'Authorization: Bearer <token>'."
        )
    token = token.strip()
    if not token:
        raise AuthenticationError("Authorization header has no token after 'Bearer'.")
    return token


async def authenticate(authorization: str | None, *, verifier: TokenVerifier) -> Principal:
    """The principal an ``Authorization`` header value stands for."""
    token = bearer_token(authorization)
    if token is None:
        return Principal.anonymous()
    return await verifier.verify(token)

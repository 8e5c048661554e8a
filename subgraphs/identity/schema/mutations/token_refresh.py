"""``tokenRefresh``: exchange a refresh token for a new pair in the same session."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from subgraphs.identity import sessions
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema._sign_in import (
    SessionTokens,
    client_of,
    issuer_of,
    revocations_of,
)
from subgraphs.identity.schema.types import IdentityError

__all__ = ["Mutation", "TokenRefreshInput", "TokenRefreshPayload"]


@strawberry.input(description="The refresh token to exchange.")
class TokenRefreshInput:
    refresh_token: str = strawberry.field(
        description="The refresh token of the last `login`, `tokenRefresh` or "
        "`invitationAccept`; each one works once."
    )


@strawberry.type(description="The session's new tokens, or why not.")
class TokenRefreshPayload:
    session: SessionTokens | None = strawberry.field(
        description="New access and refresh tokens; the one presented is used up. Null on errors."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="INVALID_REFRESH_TOKEN on `refreshToken`: unknown, expired, ended, or used "
        "before (a used token presented again ends its session: sign in again)."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Exchange a refresh token for a new access token and refresh token. No "
        "access token needed. A refresh token presented a second time (after a short grace "
        "for retries) is taken as stolen: the whole session ends, its access tokens too, and "
        "`user.refresh_token_reused` is emitted."
    )
    async def token_refresh(
        self,
        info: Info,
        input: Annotated[TokenRefreshInput, strawberry.argument(description="The token.")],
    ) -> TokenRefreshPayload:
        api = api_of(info)
        client = client_of(info, api)

        async def exchange(session: Any) -> SessionTokens:
            tokens = await sessions.refresh(
                session,
                issuer=issuer_of(api),
                revocations=revocations_of(api),
                settings=api.settings,
                refresh_token=input.refresh_token,
                ip=client.ip,
                user_agent=client.user_agent,
                on_commit=api.notify_outbox,
            )
            return SessionTokens.from_tokens(tokens)

        return await run(TokenRefreshPayload, lambda: api.in_transaction(exchange))

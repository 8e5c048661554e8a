"""``invitationAccept``: accept an invitation, set the first password and sign in."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from subgraphs.identity import credentials
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema._sign_in import SessionTokens, client_of, issuer_of
from subgraphs.identity.schema.types import IdentityError

__all__ = ["InvitationAcceptInput", "InvitationAcceptPayload", "Mutation"]


@strawberry.input(description="The invitation's token and the first password.")
class InvitationAcceptInput:
    token: str = strawberry.field(description="The token of the emailed invitation link.")
    password: str = strawberry.field(
        description="The account's first password; it must meet the college's password policy."
    )
    display_name: str | None = strawberry.field(
        default=None,
        description="Name shown to people (1 to 200 characters); default: the name the "
        "inviter typed.",
    )


@strawberry.type(description="The first session of the activated account, or why not.")
class InvitationAcceptPayload:
    session: SessionTokens | None = strawberry.field(
        description="The session's tokens, as `login` gives them; null on errors."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="INVALID_TOKEN, TOKEN_EXPIRED or TOKEN_ALREADY_USED on `token`; each broken "
        "policy rule on `password`; INVALID_NAME on `displayName`; COLLEGE_SUSPENDED."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Accept an invitation: set the first password, activate the account and "
        "sign in. No token needed. Emits `user.password_changed`, `user.activated` and "
        "`user.logged_in`."
    )
    async def invitation_accept(
        self,
        info: Info,
        input: Annotated[
            InvitationAcceptInput, strawberry.argument(description="Token, password, name.")
        ],
    ) -> InvitationAcceptPayload:
        api = api_of(info)
        client = client_of(info, api)

        async def accept(session: Any) -> SessionTokens:
            tokens = await credentials.accept_invitation(
                session,
                token=input.token,
                password=input.password,
                display_name=input.display_name,
                issuer=issuer_of(api),
                settings=api.settings,
                ip=client.ip,
                user_agent=client.user_agent,
                on_commit=api.notify_outbox,
            )
            return SessionTokens.from_tokens(tokens)

        return await run(InvitationAcceptPayload, lambda: api.in_transaction(accept))

"""``logout``: end the caller's session, or all of the caller's sessions."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, require_principal
from subgraphs.identity import sessions
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema._sign_in import revocations_of
from subgraphs.identity.schema.types import IdentityError

__all__ = ["LogoutInput", "LogoutPayload", "Mutation"]


@strawberry.input(description="Which sessions to end.")
class LogoutInput:
    all_sessions: bool = strawberry.field(
        default=False,
        description="End every session of the account (every device), not only this one.",
    )


@strawberry.type(description="The sessions ended.")
class LogoutPayload:
    sessions_ended: int | None = strawberry.field(
        description="How many sessions ended (0 when this one had already ended)."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="Empty: logging out twice is no error."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Sign out: the session of the access token sent ends (its refresh tokens "
        "and access tokens are refused at once), or with `allSessions` every session of the "
        "account. Needs a signed-in user's access token (else UNAUTHENTICATED). Emits "
        "`user.logged_out`.",
    )
    async def logout(
        self,
        info: Info,
        input: Annotated[
            LogoutInput | None,
            strawberry.argument(description="Which sessions; default: this one only."),
        ] = None,
    ) -> LogoutPayload:
        principal = require_principal(info)
        api = api_of(info)
        all_sessions = input.all_sessions if input is not None else False

        async def end(session: Any) -> int:
            return await sessions.logout(
                session,
                revocations=revocations_of(api),
                principal=principal,
                all_sessions=all_sessions,
                on_commit=api.notify_outbox,
            )

        return await run(LogoutPayload, lambda: api.in_transaction(end))

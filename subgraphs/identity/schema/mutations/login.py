"""``login``: sign in with a college, an email and a password; a session's tokens."""

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
    throttle_of,
    throttled_message,
)
from subgraphs.identity.schema.types import IdentityError

__all__ = ["LoginInput", "LoginPayload", "Mutation"]


@strawberry.input(description="Who signs in.")
class LoginInput:
    college: str | None = strawberry.field(
        default=None,
        description="Slug of the person's college (`north-valley`); null for platform "
        "operators, who belong to no college.",
    )
    email: str = strawberry.field(description="Sign-in email; case does not matter.")
    password: str = strawberry.field(description="The password (at most 1,024 characters).")


@strawberry.type(description="A new session, or why not.")
class LoginPayload:
    session: SessionTokens | None = strawberry.field(
        description="The session's tokens; null on errors."
    )
    retry_after_seconds: int | None = strawberry.field(
        default=None,
        description="With LOGIN_THROTTLED: seconds to wait before the next attempt.",
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="INVALID_CREDENTIALS on `password` (unknown email and wrong password alike), "
        "LOGIN_THROTTLED (see `retryAfterSeconds`), ACCOUNT_DEACTIVATED, COLLEGE_SUSPENDED."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Sign in. No token needed. Failed attempts are counted per account and per "
        "address: after a few, each further attempt waits (LOGIN_THROTTLED), and many lock the "
        "account for a while. Emits `user.logged_in`, or `user.login_failed`."
    )
    async def login(
        self,
        info: Info,
        input: Annotated[LoginInput, strawberry.argument(description="College, email, password.")],
    ) -> LoginPayload:
        api = api_of(info)
        client = client_of(info, api)
        waited: list[int] = []

        async def sign_in(session: Any) -> SessionTokens:
            try:
                tokens = await sessions.login(
                    session,
                    issuer=issuer_of(api),
                    throttle=throttle_of(api),
                    settings=api.settings,
                    college_slug=input.college,
                    email=input.email,
                    password=input.password,
                    ip=client.ip,
                    user_agent=client.user_agent,
                    on_commit=api.notify_outbox,
                )
            except sessions.LoginThrottled as throttled:
                waited.append(throttled.seconds)
                raise
            return SessionTokens.from_tokens(tokens)

        payload = await run(
            LoginPayload, lambda: api.in_transaction(sign_in), result_field="session"
        )
        if waited:
            payload.retry_after_seconds = waited[0]
            throttled_message(payload.errors, waited[0])
        return payload

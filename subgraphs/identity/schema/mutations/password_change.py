"""``passwordChange``: the signed-in user changes their own password."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, require_principal
from subgraphs.identity import credentials, sessions
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema._sign_in import (
    client_of,
    issuer_of,
    revocations_of,
    throttle_of,
    throttled_message,
)
from subgraphs.identity.schema.types import IdentityError, User

__all__ = ["Mutation", "PasswordChangeInput", "PasswordChangePayload"]


@strawberry.input(description="The current password and the new one.")
class PasswordChangeInput:
    current_password: str = strawberry.field(description="The password in use now.")
    new_password: str = strawberry.field(
        description="The new password; it must meet the college's password policy."
    )


@strawberry.type(description="The account with its new password, and a fresh access token.")
class PasswordChangePayload:
    user: User | None = strawberry.field(description="The account; null on errors.")
    access_token: str | None = strawberry.field(
        default=None,
        description="A new access token for this session: the one sent is refused from now on, "
        "like every access token issued before the change. Null on errors.",
    )
    access_token_expires_at: datetime | None = strawberry.field(
        default=None, description="When the new access token expires (UTC)."
    )
    sessions_ended: int | None = strawberry.field(
        default=None, description="How many other sessions (devices) were signed out."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="INVALID_CREDENTIALS on `currentPassword`; each broken policy rule on "
        "`newPassword` (PASSWORD_TOO_SHORT, PASSWORD_TOO_COMMON, PASSWORD_REUSED...); "
        "LOGIN_THROTTLED after too many wrong current passwords."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Change one's own password. Needs a signed-in user's access token. Every "
        "other session ends and earlier access tokens are refused; this session stays, with "
        "the new `accessToken`. Wrong current passwords count as failed sign-ins. Emits "
        "`user.password_changed`.",
    )
    async def password_change(
        self,
        info: Info,
        input: Annotated[
            PasswordChangeInput, strawberry.argument(description="Current and new password.")
        ],
    ) -> PasswordChangePayload:
        principal = require_principal(info)
        api = api_of(info)
        client = client_of(info, api)
        changed: list[credentials.PasswordChanged] = []
        waited: list[int] = []

        async def change(session: Any) -> User:
            try:
                outcome = await credentials.change_password(
                    session,
                    actor=principal,
                    current_password=input.current_password,
                    new_password=input.new_password,
                    issuer=issuer_of(api),
                    revocations=revocations_of(api),
                    throttle=throttle_of(api),
                    ip=client.ip,
                    on_commit=api.notify_outbox,
                )
            except sessions.LoginThrottled as throttled:
                waited.append(throttled.seconds)
                raise
            changed.append(outcome)
            return User.from_model(outcome.account)

        payload = await run(
            PasswordChangePayload, lambda: api.in_transaction(change), result_field="user"
        )
        if changed:
            payload.access_token = changed[0].access_token
            expires = changed[0].access_expires_at
            payload.access_token_expires_at = (
                expires.replace(tzinfo=UTC) if expires and expires.tzinfo is None else expires
            )
            payload.sessions_ended = changed[0].sessions_ended
        if waited:
            throttled_message(payload.errors, waited[0])
        return payload

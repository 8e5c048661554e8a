"""``passwordReset``: set a new password with the token of a reset link."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from subgraphs.identity import credentials
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema._sign_in import revocations_of, throttle_of
from subgraphs.identity.schema.types import IdentityError, User

__all__ = ["Mutation", "PasswordResetInput", "PasswordResetPayload"]


@strawberry.input(description="The link's token and the new password.")
class PasswordResetInput:
    token: str = strawberry.field(description="The token of the emailed reset link.")
    new_password: str = strawberry.field(
        description="The new password; it must meet the college's password policy."
    )


@strawberry.type(description="The account with its new password.")
class PasswordResetPayload:
    user: User | None = strawberry.field(
        description="The account; sign in with the new password. Null on errors."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="INVALID_TOKEN, TOKEN_EXPIRED or TOKEN_ALREADY_USED on `token`; each broken "
        "policy rule on `newPassword` (the link stays usable then)."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Set a new password with a reset link. No access token needed. Every "
        "session of the account ends and its failed sign-ins are forgiven. Emits "
        "`user.password_changed`."
    )
    async def password_reset(
        self,
        info: Info,
        input: Annotated[PasswordResetInput, strawberry.argument(description="Token, password.")],
    ) -> PasswordResetPayload:
        api = api_of(info)

        async def reset(session: Any) -> User:
            account = await credentials.reset_password(
                session,
                token=input.token,
                new_password=input.new_password,
                revocations=revocations_of(api),
                throttle=throttle_of(api),
                on_commit=api.notify_outbox,
            )
            return User.from_model(account)

        return await run(PasswordResetPayload, lambda: api.in_transaction(reset))

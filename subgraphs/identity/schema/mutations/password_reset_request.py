"""``passwordResetRequest``: email a password-reset link, if the account exists."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from subgraphs.identity import credentials
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema._sign_in import client_of
from subgraphs.identity.schema.types import IdentityError

__all__ = ["Mutation", "PasswordResetRequestInput", "PasswordResetRequestPayload"]


@strawberry.input(description="Whose password to reset.")
class PasswordResetRequestInput:
    college: str = strawberry.field(description="Slug of the person's college.")
    email: str = strawberry.field(description="The account's sign-in email.")


@strawberry.type(
    description="Always the same answer, whether or not the email belongs to an account: "
    "the link, if any, goes by email only."
)
class PasswordResetRequestPayload:
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="Always empty: nothing tells whether the email is registered."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Ask for a password-reset link. No token needed. For an active account of "
        "an active college, the college's `password_reset` email is sent with a single-use "
        "link (LMS_IDENTITY_PASSWORD_RESET_TTL_MINUTES; a new request retires the previous "
        "link); otherwise nothing happens, and the answer is the same. At most "
        "LMS_IDENTITY_PASSWORD_RESET_MAX_PER_ACCOUNT requests per account and "
        "LMS_IDENTITY_PASSWORD_RESET_MAX_PER_ADDRESS per client address are acted on per "
        "LMS_IDENTITY_PASSWORD_RESET_WINDOW_MINUTES; the rest send nothing, with the same answer."
    )
    async def password_reset_request(
        self,
        info: Info,
        input: Annotated[
            PasswordResetRequestInput, strawberry.argument(description="College and email.")
        ],
    ) -> PasswordResetRequestPayload:
        api = api_of(info)
        limiter = api.reset_limiter
        if limiter is not None and not await limiter.allow(
            college=input.college, email=input.email, address=client_of(info, api).ip
        ):
            return PasswordResetRequestPayload(errors=[])

        async def request(session: Any) -> None:
            await credentials.request_password_reset(
                session,
                settings=api.settings,
                college_slug=input.college,
                email=input.email,
                on_commit=api.notify_outbox,
            )

        return await run(PasswordResetRequestPayload, lambda: api.in_transaction(request))

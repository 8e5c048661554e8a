"""``profileUpdate``: change one's own profile, or (``profile:update``) a colleague's."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, require_principal
from subgraphs.users import profiles
from subgraphs.users.schema._api import api_of
from subgraphs.users.schema._mutation import run
from subgraphs.users.schema.types import Profile, UsersError, user_id_of

__all__ = ["Mutation", "ProfileUpdateInput", "ProfileUpdatePayload"]


@strawberry.input(
    description="The fields to change; a field left out stays as it is, null clears a "
    "contact detail (and the bio)."
)
class ProfileUpdateInput:
    user_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of the `User` whose profile changes; default: the caller. "
        "Someone else's needs `profile:update` in the same college.",
    )
    display_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="1 to 200 characters (INVALID_DISPLAY_NAME)."
    )
    bio: str | None = strawberry.field(
        default=strawberry.UNSET, description="At most 2000 characters (BIO_TOO_LONG)."
    )
    phone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="7 to 15 digits, optional `+`, spaces, dots, dashes, brackets (INVALID_PHONE).",
    )
    office: str | None = strawberry.field(
        default=strawberry.UNSET, description="At most 100 characters (INVALID_OFFICE)."
    )
    pronouns: str | None = strawberry.field(
        default=strawberry.UNSET, description="At most 40 characters (INVALID_PRONOUNS)."
    )
    website: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="An http(s) address with a dotted host, at most 300 characters "
        "(INVALID_WEBSITE).",
    )

    def changes(self) -> dict[str, Any]:
        """The fields given, as :func:`~subgraphs.users.profiles.update_profile` takes them."""
        given: dict[str, Any] = {}
        if self.display_name is not strawberry.UNSET:
            given["display_name"] = self.display_name or ""
        if self.bio is not strawberry.UNSET:
            given["bio"] = self.bio or ""
        for name in ("phone", "office", "pronouns", "website"):
            value = getattr(self, name)
            if value is not strawberry.UNSET:
                given[name] = value
        return given


@strawberry.type(description="The changed profile, or why nothing changed.")
class ProfileUpdatePayload:
    profile: Profile | None = strawberry.field(description="Null on errors.")
    errors: list[UsersError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix; nothing was changed when there are any."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Change a profile: one's own, or with `profile:update` one of one's "
        "college (another college's is NOT_FOUND). Every value is checked before any is "
        "written; writes `profile.updated` when something changed.",
    )
    async def profile_update(
        self,
        info: Info,
        input: Annotated[ProfileUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ProfileUpdatePayload:
        principal = require_principal(info)
        api = api_of(info)
        user_id = user_id_of(input.user_id, info)
        changes = input.changes()

        async def update() -> Profile:
            async with api.database.transaction() as session:
                view = await profiles.update_profile(
                    session,
                    actor=principal,
                    user_id=user_id,
                    on_commit=api.notify_outbox,
                    **changes,
                )
            return Profile.from_view(view)

        return await run(ProfileUpdatePayload, update)

"""``collegeCreate``: a new college and the invitation of its first admin (super-admins)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.errors import DomainError, DomainErrors
from shared.graphql import (
    HasPermission,
    permission_field_description,
    require_principal,
    to_user_errors,
)
from subgraphs.identity import colleges
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._invitations import send_invitation
from subgraphs.identity.schema._mutation import camel
from subgraphs.identity.schema.types import College, IdentityError, User

__all__ = ["CollegeCreateInput", "CollegeCreatePayload", "CollegeSettingsInput", "Mutation"]

PERMISSION = "college:create"


@strawberry.input(description="College settings to set; the ones left out keep their value.")
class CollegeSettingsInput:
    time_zone: str | None = strawberry.field(
        default=None, description="IANA time zone, such as `Europe/Dublin` (default `UTC`)."
    )
    locale: str | None = strawberry.field(
        default=None, description="Language tag, such as `en` or `pt-BR` (default `en`)."
    )
    academic_year_start_month: int | None = strawberry.field(
        default=None, description="Month, 1 to 12, the academic year starts (default 9)."
    )

    def to_domain(self) -> dict[str, Any]:
        given = {
            "time_zone": self.time_zone,
            "locale": self.locale,
            "academic_year_start_month": self.academic_year_start_month,
        }
        return {key: value for key, value in given.items() if value is not None}


@strawberry.input(description="A new college and the person who will run it.")
class CollegeCreateInput:
    slug: str = strawberry.field(
        description="Short url-safe name: lower-case letters, digits, single hyphens; unique."
    )
    name: str = strawberry.field(description="Name of the college (1 to 200 characters).")
    admin_email: str = strawberry.field(description="Email of the college's first admin.")
    admin_display_name: str = strawberry.field(description="Name of the first admin.")
    settings: CollegeSettingsInput | None = strawberry.field(
        default=None, description="Time zone, locale, academic year; defaults where left out."
    )


@strawberry.type(description="The created college and its first admin (invited by email).")
class CollegeCreatePayload:
    college: College | None = strawberry.field(description="The new college; null on errors.")
    admin: User | None = strawberry.field(
        description="The first admin, invited: the invitation link goes by email only."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix in the input; empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Create a college with the built-in roles, and invite its first admin "
            "(role `college-admin`) by email. Emits `college.created` and `user.invited`.",
            PERMISSION,
        ),
    )
    async def college_create(
        self,
        info: Info,
        input: Annotated[
            CollegeCreateInput, strawberry.argument(description="The college and its admin.")
        ],
    ) -> CollegeCreatePayload:
        principal = require_principal(info)
        api = api_of(info)

        async def create(session: Any) -> colleges.CollegeCreated:
            created = await colleges.create_college(
                session,
                actor=principal,
                slug=input.slug,
                name=input.name,
                admin_email=input.admin_email,
                admin_display_name=input.admin_display_name,
                settings=input.settings.to_domain() if input.settings else None,
                invitation_ttl=api.settings.invitation_ttl,
                on_commit=api.notify_outbox,
            )
            await send_invitation(session, api=api, invitation=created.invitation, actor=principal)
            return created

        try:
            created = await api.in_transaction(create)
        except (DomainError, DomainErrors) as exc:
            errors = to_user_errors(IdentityError, exc)
            for error in errors:
                error.field = camel(error.field)
            return CollegeCreatePayload(college=None, admin=None, errors=errors)
        return CollegeCreatePayload(
            college=College.from_model(created.college),
            admin=User.from_model(created.invitation.account),
            errors=[],
        )

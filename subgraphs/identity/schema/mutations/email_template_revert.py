"""``emailTemplateRevert``: use an earlier version of a template again (saved as a new one)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.errors import BadUserInput
from shared.graphql import HasPermission, permission_field_description, require_principal
from subgraphs.identity import email_templates
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema.templates import (
    PERMISSION,
    EmailTemplate,
    EmailTemplateKey,
    college_id_of,
)
from subgraphs.identity.schema.types import IdentityError

__all__ = ["EmailTemplateRevertInput", "EmailTemplateRevertPayload", "Mutation"]


@strawberry.input(description="The template and the version to use again.")
class EmailTemplateRevertInput:
    key: EmailTemplateKey = strawberry.field(description="Which email.")
    version: int = strawberry.field(
        description="A version of `emailTemplateVersions`, or 0 for the platform's default."
    )
    college_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of another college: platform super-admins only. "
        "Default: the caller's college.",
    )


@strawberry.type(description="The new version, a copy of the one asked for.")
class EmailTemplateRevertPayload:
    template: EmailTemplate | None = strawberry.field(
        description="The new current version; null on errors."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What the caller can fix; empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Make an earlier version of `key` current by saving a copy of it as the next "
            "version, so the history stays complete. An unknown version is NOT_FOUND. Emits "
            "`college.template_saved`.",
            PERMISSION,
        ),
    )
    async def email_template_revert(
        self,
        info: Info,
        input: Annotated[
            EmailTemplateRevertInput, strawberry.argument(description="Template and version.")
        ],
    ) -> EmailTemplateRevertPayload:
        principal = require_principal(info)
        api = api_of(info)
        college = college_id_of(input.college_id)
        if input.version < 0:
            raise BadUserInput("A version is 0 (the default) or more.", field="version")

        async def revert(session: Any) -> EmailTemplate:
            row = await email_templates.revert_template(
                session,
                actor=principal,
                key=input.key.to_domain(),
                version=input.version,
                college_id=college,
                on_commit=api.notify_outbox,
            )
            return EmailTemplate.from_model(row)

        return await run(EmailTemplateRevertPayload, lambda: api.in_transaction(revert))

"""``emailTemplateSave``: save a new version of one of the college's email templates."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

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

__all__ = ["EmailTemplateSaveInput", "EmailTemplateSavePayload", "Mutation"]


@strawberry.input(description="A template's new text (Jinja2: variables, `if`, text filters).")
class EmailTemplateSaveInput:
    key: EmailTemplateKey = strawberry.field(description="Which email.")
    subject: str = strawberry.field(description="Subject line template, at most 255 characters.")
    body_text: str = strawberry.field(description="Plain-text body template, at most 64 KiB.")
    body_html: str | None = strawberry.field(
        default=None, description="HTML body template, at most 64 KiB; null: text only."
    )
    college_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of another college: platform super-admins only. "
        "Default: the caller's college.",
    )


@strawberry.type(description="The saved version, now in use.")
class EmailTemplateSavePayload:
    template: EmailTemplate | None = strawberry.field(
        description="The new version; null on errors."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="Each problem of the template, naming its part (`field`: subject, bodyText, "
        "bodyHtml), the line and the problem: INVALID_TEMPLATE (syntax, refused construct, "
        "empty), UNKNOWN_TEMPLATE_VARIABLE (see `emailTemplateVariables`), TEMPLATE_TOO_LARGE. "
        "Empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Check a template and save it as the next version of `key`; it is used for the "
            "college's emails from now on. Emits `college.template_saved`.",
            PERMISSION,
        ),
    )
    async def email_template_save(
        self,
        info: Info,
        input: Annotated[EmailTemplateSaveInput, strawberry.argument(description="The text.")],
    ) -> EmailTemplateSavePayload:
        principal = require_principal(info)
        api = api_of(info)
        college = college_id_of(input.college_id)

        async def save(session: Any) -> EmailTemplate:
            row = await email_templates.save_template(
                session,
                actor=principal,
                key=input.key.to_domain(),
                subject=input.subject,
                body_text=input.body_text,
                body_html=input.body_html,
                college_id=college,
                on_commit=api.notify_outbox,
            )
            return EmailTemplate.from_model(row)

        return await run(EmailTemplateSavePayload, lambda: api.in_transaction(save))

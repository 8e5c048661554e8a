"""``emailTemplatePreview``: render a template with sample values, without saving anything."""

from __future__ import annotations

from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info

from shared.graphql import HasPermission, permission_field_description, require_principal
from subgraphs.identity import email_templates
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema.templates import PERMISSION, EmailTemplateKey, college_id_of
from subgraphs.identity.schema.types import IdentityError
from subgraphs.identity.template_rendering import TemplateContent

__all__ = ["EmailTemplatePreviewInput", "EmailTemplatePreviewPayload", "Mutation", "RenderedEmail"]

T = TypeVar("T")


@strawberry.input(
    description="The template to render: the parts given replace the current template's."
)
class EmailTemplatePreviewInput:
    key: EmailTemplateKey = strawberry.field(description="Which email.")
    subject: str | None = strawberry.field(
        default=None, description="Subject template to try; default: the current one."
    )
    body_text: str | None = strawberry.field(
        default=None, description="Text body template to try; default: the current one."
    )
    body_html: str | None = strawberry.field(
        default=None, description="HTML body template to try; default: the current one."
    )
    college_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of another college: platform super-admins only. "
        "Default: the caller's college.",
    )


@strawberry.type(description="An email as it would be sent, rendered with sample values.")
class RenderedEmail:
    subject: str = strawberry.field(description="The subject line.")
    text: str = strawberry.field(description="The plain-text body.")
    html: str | None = strawberry.field(description="The HTML body; null: text only.")


@strawberry.type(description="The rendered email, or the template's problems.")
class EmailTemplatePreviewPayload:
    preview: RenderedEmail | None = strawberry.field(
        description="The email with the sample values of `emailTemplateVariables` (the "
        "college's own name); null on errors."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="Each problem, naming part, line and problem, as `emailTemplateSave` "
        "reports them, or TEMPLATE_RENDER_FAILED; empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Render the current template of `key`, or the parts given in place of it, with "
            "sample values; checks the template as `emailTemplateSave` does and saves nothing.",
            PERMISSION,
        ),
    )
    async def email_template_preview(
        self,
        info: Info,
        input: Annotated[
            EmailTemplatePreviewInput, strawberry.argument(description="What to render.")
        ],
    ) -> EmailTemplatePreviewPayload:
        principal = require_principal(info)
        api = api_of(info)
        college = college_id_of(input.college_id)
        key = input.key.to_domain()

        async def preview() -> RenderedEmail:
            async with api.database.session() as session:
                content = None
                if (input.subject, input.body_text, input.body_html) != (None, None, None):
                    current = await email_templates.get_template(
                        session, actor=principal, key=key, college_id=college
                    )
                    content = TemplateContent(
                        subject=_given(input.subject, current.content.subject),
                        body_text=_given(input.body_text, current.content.body_text),
                        body_html=_given(input.body_html, current.content.body_html),
                    )
                rendered = await email_templates.preview_template(
                    session, actor=principal, key=key, college_id=college, content=content
                )
            return RenderedEmail(subject=rendered.subject, text=rendered.text, html=rendered.html)

        return await run(EmailTemplatePreviewPayload, preview)


def _given(value: T | None, current: T) -> T:
    return current if value is None else value

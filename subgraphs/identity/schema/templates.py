"""Email templates in GraphQL: ``EmailTemplate``, its key enum, variables and queries.

A college's template for a key is a series of versions (1, 2, ...; the
newest is used); version 0 is the platform's default, used while the college
has saved none. Everything here needs ``template:manage`` in the college.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.graphql import (
    HasPermission,
    IsAuthenticated,
    from_global_id,
    permission_field_description,
    require_principal,
)
from subgraphs.identity import email_templates, models
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.template_rendering import SAMPLE_VARIABLES, TEMPLATE_VARIABLES

__all__ = [
    "PERMISSION",
    "CollegeIdArgument",
    "EmailTemplate",
    "EmailTemplateKey",
    "EmailTemplateVariable",
    "Query",
    "college_id_of",
]

PERMISSION = email_templates.PERMISSION


@strawberry.enum(description="Which email a template is for.")
class EmailTemplateKey(Enum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    WELCOME = "welcome"

    def to_domain(self) -> models.TemplateKey:
        return models.TemplateKey(self.value)


CollegeIdArgument = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Global id of another college: platform super-admins only "
        "(FORBIDDEN for others). Default: the caller's college."
    ),
]


def college_id_of(value: strawberry.ID | None) -> str | None:
    """The local id of an optional ``College`` global id."""
    if value is None:
        return None
    return from_global_id(value, expected_type="College", field="collegeId")


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@strawberry.type(description="One version of a college's email template (Jinja2 text).")
class EmailTemplate:
    key: EmailTemplateKey = strawberry.field(description="Which email it is.")
    version: int = strawberry.field(
        description="Version number, from 1; 0 is the platform's default."
    )
    subject: str = strawberry.field(description="Subject line template (one line).")
    body_text: str = strawberry.field(description="Plain-text body template.")
    body_html: str | None = strawberry.field(
        description="HTML body template (values are HTML-escaped); null: text only."
    )
    is_default: bool = strawberry.field(
        description="Whether this is the platform's default (the college saved no version)."
    )
    created_at: datetime | None = strawberry.field(
        description="When the version was saved (UTC); null for the default."
    )

    @classmethod
    def from_current(cls, current: email_templates.CurrentTemplate) -> EmailTemplate:
        return cls(
            key=EmailTemplateKey(current.key.value),
            version=current.version,
            subject=current.content.subject,
            body_text=current.content.body_text,
            body_html=current.content.body_html,
            is_default=current.is_default,
            created_at=_utc(current.created_at),
        )

    @classmethod
    def from_model(cls, row: models.EmailTemplate) -> EmailTemplate:
        return cls.from_current(email_templates.CurrentTemplate.of(row))


@strawberry.type(description="A variable a template may use, such as `{{ display_name }}`.")
class EmailTemplateVariable:
    name: str = strawberry.field(description="Its name, as written in `{{ ... }}`.")
    description: str = strawberry.field(description="What it holds when the email is sent.")
    sample: str = strawberry.field(description="The value previews use.")


KeyArgument = Annotated[EmailTemplateKey, strawberry.argument(description="Which email.")]


@strawberry.type
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "The template the college uses for `key`: its newest version, or the platform's "
            "default (version 0) while it has saved none.",
            PERMISSION,
        ),
    )
    async def email_template(
        self, info: Info, key: KeyArgument, college_id: CollegeIdArgument = None
    ) -> EmailTemplate:
        principal = require_principal(info)
        async with api_of(info).database.session() as session:
            current = await email_templates.get_template(
                session, actor=principal, key=key.to_domain(), college_id=college_id_of(college_id)
            )
        return EmailTemplate.from_current(current)

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Every version the college saved for `key`, newest first; empty while the default "
            "is used.",
            PERMISSION,
        ),
    )
    async def email_template_versions(
        self, info: Info, key: KeyArgument, college_id: CollegeIdArgument = None
    ) -> list[EmailTemplate]:
        principal = require_principal(info)
        async with api_of(info).database.session() as session:
            rows = await email_templates.list_template_versions(
                session, actor=principal, key=key.to_domain(), college_id=college_id_of(college_id)
            )
        return [EmailTemplate.from_model(row) for row in rows]

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="The variables a template for `key` may use, by name, with what each holds "
        "and its sample value; any other variable is UNKNOWN_TEMPLATE_VARIABLE. Requires "
        "authentication.",
    )
    def email_template_variables(self, key: KeyArgument) -> list[EmailTemplateVariable]:
        variables = TEMPLATE_VARIABLES[key.to_domain()]
        return [
            EmailTemplateVariable(name=name, description=text, sample=SAMPLE_VARIABLES[name])
            for name, text in sorted(variables.items())
        ]

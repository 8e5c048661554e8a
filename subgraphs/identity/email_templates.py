"""Email templates per college: read, list versions, save, revert, preview.

A college's template for a key (invitation, welcome, password_reset,
account_deactivated) is a series of immutable versions (``EmailTemplate``
rows, numbered from 1); the newest is current. Saving never updates a row: it
adds the next version, and reverting copies an old version as a new one, so
the history is complete. While a college has no version the platform's
default (``templates/``, version 0) is used. Every function needs
``template:manage`` in the college and writes ``college.template_saved`` when
it saves. Checking and rendering live in :mod:`template_rendering`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError, NotFoundError
from subgraphs.identity import events, tenancy
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import College, EmailTemplate, TemplateKey
from subgraphs.identity.template_rendering import (
    SAMPLE_VARIABLES,
    TEMPLATE_VARIABLES,
    RenderedEmail,
    TemplateContent,
    default_content,
    render_content,
    validate_content,
)

__all__ = [
    "PERMISSION",
    "CurrentTemplate",
    "current_template",
    "get_template",
    "list_template_versions",
    "preview_template",
    "revert_template",
    "save_template",
]

PERMISSION = "template:manage"


@dataclass(frozen=True, kw_only=True)
class CurrentTemplate:
    """The template in use for a key: a college's version, or the default (``version`` 0)."""

    key: TemplateKey
    version: int
    content: TemplateContent
    created_at: datetime | None = None
    created_by: str | None = None

    @property
    def is_default(self) -> bool:
        return self.version == 0

    @classmethod
    def of(cls, row: EmailTemplate) -> CurrentTemplate:
        return cls(
            key=row.key,
            version=row.version,
            content=_content(row),
            created_at=row.created_at,
            created_by=row.created_by,
        )


async def current_template(
    session: AsyncSession, *, college_id: str, key: TemplateKey
) -> CurrentTemplate:
    """The template ``college_id`` uses for ``key``, without a permission check.

    For the system's own sending path (:func:`subgraphs.identity.mail.request_email`);
    people use :func:`get_template`.
    """
    row = await session.scalar(
        select(EmailTemplate)
        .where(EmailTemplate.college_id == college_id, EmailTemplate.key == key)
        .order_by(EmailTemplate.version.desc())
        .limit(1)
    )
    if row is None:
        return CurrentTemplate(key=key, version=0, content=default_content(key))
    return CurrentTemplate.of(row)


async def get_template(
    session: AsyncSession, *, actor: Principal, key: TemplateKey, college_id: str | None = None
) -> CurrentTemplate:
    """The current template of ``key`` in the actor's college (or ``college_id``)."""
    college = await _college(session, actor, college_id)
    return await current_template(session, college_id=college, key=key)


async def list_template_versions(
    session: AsyncSession, *, actor: Principal, key: TemplateKey, college_id: str | None = None
) -> list[EmailTemplate]:
    """Every saved version of ``key`` in the college, newest first (empty: the default is used)."""
    college = await _college(session, actor, college_id)
    rows = await session.scalars(
        select(EmailTemplate)
        .where(EmailTemplate.college_id == college, EmailTemplate.key == key)
        .order_by(EmailTemplate.version.desc())
    )
    return list(rows)


async def save_template(
    session: AsyncSession,
    *,
    actor: Principal,
    key: TemplateKey,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    college_id: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> EmailTemplate:
    """Save a new version of ``key``; emits ``college.template_saved``.

    The template is checked first (``DomainErrors`` naming part, line and
    problem: syntax, unknown variables, refused constructs, size).
    """
    college = await _college(session, actor, college_id, lock=True)
    content = TemplateContent(subject=subject, body_text=body_text, body_html=body_html)
    validate_content(key, content)
    return await _add_version(session, actor, college, key, content, None, on_commit)


async def revert_template(
    session: AsyncSession,
    *,
    actor: Principal,
    key: TemplateKey,
    version: int,
    college_id: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> EmailTemplate:
    """Make ``version`` current again by saving a copy of it as the next version.

    ``version`` 0 copies the platform's default. Emits ``college.template_saved``
    with ``reverted_from``.
    """
    college = await _college(session, actor, college_id, lock=True)
    if version == 0:
        content = default_content(key)
    else:
        row = await _version(session, college, key, version)
        content = _content(row)
    return await _add_version(session, actor, college, key, content, version, on_commit)


async def preview_template(
    session: AsyncSession,
    *,
    actor: Principal,
    key: TemplateKey,
    college_id: str | None = None,
    content: TemplateContent | None = None,
    version: int | None = None,
    variables: Mapping[str, str] | None = None,
) -> RenderedEmail:
    """Render a template with sample values: ``content`` (checked, not saved), a stored
    ``version`` (0: the default), or else the current template.

    ``variables`` replace sample values (only the key's variables); the
    college's name is its own unless given.
    """
    college_id = await _college(session, actor, college_id)
    if content is not None:
        validate_content(key, content)
    elif version == 0:
        content = default_content(key)
    elif version is not None:
        content = _content(await _version(session, college_id, key, version))
    else:
        content = (await current_template(session, college_id=college_id, key=key)).content
    college = await session.get(College, college_id)
    assert college is not None  # checked by _college
    names = TEMPLATE_VARIABLES[key]
    values = {name: SAMPLE_VARIABLES[name] for name in names} | {"college_name": college.name}
    return render_content(key, content, {**values, **(variables or {})})


# -- internals ------------------------------------------------------------------------------
async def _college(
    session: AsyncSession, actor: Principal, college_id: str | None, *, lock: bool = False
) -> str:
    """The college acted in, once the actor may manage its templates; locked to save."""
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission_in(actor, PERMISSION, target)
    college = await session.get(College, target, with_for_update=lock)
    if college is None:
        raise NotFoundError("No such college.")
    return college.id


async def _version(
    session: AsyncSession, college_id: str, key: TemplateKey, version: int
) -> EmailTemplate:
    row = await session.scalar(
        select(EmailTemplate).where(
            EmailTemplate.college_id == college_id,
            EmailTemplate.key == key,
            EmailTemplate.version == version,
        )
    )
    if row is None:
        raise NotFoundError(f"The {key.value} template has no version {version}.")
    return row


async def _add_version(
    session: AsyncSession,
    actor: Principal,
    college_id: str,
    key: TemplateKey,
    content: TemplateContent,
    reverted_from: int | None,
    on_commit: events.OnCommit | None,
) -> EmailTemplate:
    latest = await session.scalar(
        select(func.max(EmailTemplate.version)).where(
            EmailTemplate.college_id == college_id, EmailTemplate.key == key
        )
    )
    row = EmailTemplate(
        college_id=college_id,
        key=key,
        version=(latest or 0) + 1,
        subject=content.subject,
        body_text=content.body_text,
        body_html=content.body_html,
        created_by=actor.user_id,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:  # saved concurrently (SQLite has no row lock)
        raise DomainError(
            IdentityErrorCode.INVALID_TEMPLATE,
            f"The {key.value} template was saved by someone else at the same time; try again.",
            "key",
        ) from exc
    await events.publish(
        session,
        type=events.TEMPLATE_SAVED,
        tenant=college_id,
        subject=row.id,
        actor=actor,
        data={"key": key.value, "version": row.version, "reverted_from": reverted_from},
        on_commit=on_commit,
    )
    return row


def _content(row: EmailTemplate) -> TemplateContent:
    return TemplateContent(subject=row.subject, body_text=row.body_text, body_html=row.body_html)

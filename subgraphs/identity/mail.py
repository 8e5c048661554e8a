"""How an email leaves identity: rendered here, sent later from the outbox.

:func:`request_email` renders the college's current template for a key and
writes a ``notification.email_requested`` event to identity's outbox in the
caller's transaction: an invitation rolled back never sends its email, and a
committed one is sent even if the mail server is down at that moment. The
notifications service will consume these events; until then, and in ``lms
dev``, :mod:`subgraphs.identity.mail_consumer` delivers them with a
:class:`shared.mail.Mailer`. The body may hold a single-use token, so it is
never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError, NotFoundError
from subgraphs.identity import events
from subgraphs.identity.email_templates import current_template
from subgraphs.identity.models import College, TemplateKey, new_id
from subgraphs.identity.template_rendering import RenderedEmail, default_content, render_content
from subgraphs.identity.validation import normalize_email

__all__ = ["RequestedEmail", "request_email"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class RequestedEmail:
    """What was queued: the event id (also the email's Message-ID) and the template used."""

    event_id: str
    message_id: str
    template_key: TemplateKey
    template_version: int
    subject: str


async def request_email(
    session: AsyncSession,
    *,
    college_id: str,
    to: str,
    template_key: TemplateKey,
    variables: Mapping[str, str],
    actor: Principal | None = None,
    on_commit: events.OnCommit | None = None,
) -> RequestedEmail:
    """Render ``template_key`` for ``college_id`` and queue the email to ``to``.

    ``variables`` are the key's variables (``template_rendering.TEMPLATE_VARIABLES``);
    ``college_name`` defaults to the college's name. Should a college's
    template fail to render (its output over the size limit), the
    platform's default is used instead and a warning logged, so the email
    still goes out.
    """
    college = await session.get(College, college_id)
    if college is None:
        raise NotFoundError("No such college.")
    address = normalize_email(to, field="to")
    values = {"college_name": college.name, **variables}
    template = await current_template(session, college_id=college.id, key=template_key)
    version = template.version
    try:
        rendered = render_content(template_key, template.content, values)
    except DomainError as exc:
        if template.is_default or exc.field == "variables":
            raise
        logger.warning(
            "college %s: %s template version %s failed to render (%s); sending the default",
            college.id,
            template_key.value,
            version,
            exc.code_name,
        )
        rendered, version = _render_default(template_key, values), 0
    message_id = new_id()
    event = await events.publish(
        session,
        type=events.EMAIL_REQUESTED,
        tenant=college.id,
        subject=message_id,
        actor=actor,
        data={
            "to": address,
            "subject": rendered.subject,
            "text": rendered.text,
            "html": rendered.html,
            "template": template_key.value,
            "template_version": version,
            "college_id": college.id,
        },
        on_commit=on_commit,
    )
    logger.info(
        "email queued: college %s, template %s version %s", college.id, template_key.value, version
    )
    return RequestedEmail(
        event_id=event.id,
        message_id=message_id,
        template_key=template_key,
        template_version=version,
        subject=rendered.subject,
    )


def _render_default(key: TemplateKey, values: Mapping[str, str]) -> RenderedEmail:
    return render_content(key, default_content(key), values)

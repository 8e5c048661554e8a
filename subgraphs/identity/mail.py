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
from subgraphs.identity.email_templates import CurrentTemplate, current_template
from subgraphs.identity.models import College, TemplateKey, new_id
from subgraphs.identity.template_rendering import RenderedEmail, default_content, render_content
from subgraphs.identity.validation import normalize_email

__all__ = ["EmailRenderer", "RequestedEmail", "email_renderer", "request_email"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class RequestedEmail:
    """What was queued: the event id (also the email's Message-ID) and the template used."""

    event_id: str
    message_id: str
    template_key: TemplateKey
    template_version: int
    subject: str


@dataclass(frozen=True, kw_only=True)
class EmailRenderer:
    """One college's current template of one key, ready to render many emails.

    Bulk senders (an onboarding batch) load the template once with
    :func:`email_renderer` and build one outbox event per recipient with
    :meth:`event`; :func:`request_email` is the same for a single email.
    """

    college_id: str
    college_name: str
    template_key: TemplateKey
    template: CurrentTemplate

    def render(self, variables: Mapping[str, str]) -> tuple[RenderedEmail, int]:
        """The email for ``variables``, and the template version used.

        Should the college's template fail to render (its output over the size
        limit), the platform's default is used and a warning logged, so the
        email still goes out.
        """
        values = {"college_name": self.college_name, **variables}
        try:
            return render_content(self.template_key, self.template.content, values), (
                self.template.version
            )
        except DomainError as exc:
            if self.template.is_default or exc.field == "variables":
                raise
            logger.warning(
                "college %s: %s template version %s failed to render (%s); sending the default",
                self.college_id,
                self.template_key.value,
                self.template.version,
                exc.code_name,
            )
            return _render_default(self.template_key, values), 0

    def event(self, *, to: str, message_id: str, variables: Mapping[str, str]) -> events.Pending:
        """The ``notification.email_requested`` event asking for this email to ``to``."""
        rendered, version = self.render(variables)
        return events.Pending(
            type=events.EMAIL_REQUESTED,
            tenant=self.college_id,
            subject=message_id,
            data={
                "to": normalize_email(to, field="to"),
                "subject": rendered.subject,
                "text": rendered.text,
                "html": rendered.html,
                "template": self.template_key.value,
                "template_version": version,
                "college_id": self.college_id,
            },
        )


async def email_renderer(
    session: AsyncSession, *, college_id: str, template_key: TemplateKey
) -> EmailRenderer:
    """The renderer of ``college_id``'s current ``template_key`` template (or the default)."""
    college = await session.get(College, college_id)
    if college is None:
        raise NotFoundError("No such college.")
    template = await current_template(session, college_id=college.id, key=template_key)
    return EmailRenderer(
        college_id=college.id,
        college_name=college.name,
        template_key=template_key,
        template=template,
    )


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
    ``college_name`` defaults to the college's name (see :meth:`EmailRenderer.render`).
    """
    renderer = await email_renderer(session, college_id=college_id, template_key=template_key)
    pending = renderer.event(to=to, message_id=new_id(), variables=variables)
    [event] = await events.publish_many(session, [pending], actor=actor, on_commit=on_commit)
    logger.info(
        "email queued: college %s, template %s version %s",
        renderer.college_id,
        template_key.value,
        pending.data["template_version"],
    )
    return RequestedEmail(
        event_id=event.id,
        message_id=pending.subject,
        template_key=template_key,
        template_version=int(pending.data["template_version"]),
        subject=str(pending.data["subject"]),
    )


def _render_default(key: TemplateKey, values: Mapping[str, str]) -> RenderedEmail:
    return render_content(key, default_content(key), values)

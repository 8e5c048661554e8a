"""Delivering the emails identity requests, until the notifications service takes over.

A :class:`~shared.service.ConsumerSpec` on the ``lms.notification`` topic: each
``notification.email_requested`` event becomes an :class:`~shared.mail.OutgoingEmail`
handed to the configured :class:`~shared.mail.Mailer` (SMTP, or the mailbox
folder in ``lms dev``). Other events of the topic are ignored. A delivery
failure raises, so the bus delivers the event again after a back-off. The
event id is the email's Message-ID: a redelivered email overwrites its own
mailbox file and can be recognised as a duplicate by mail clients.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from shared.events import Event, topic_for
from shared.mail import Mailer, OutgoingEmail, create_mailer
from shared.service import ConsumerSpec, Service
from subgraphs.identity import events

__all__ = ["email_delivery", "email_delivery_consumer", "outgoing_email"]


def outgoing_email(event: Event) -> OutgoingEmail:
    """The email an ``email_requested`` event asks for."""
    data = event.data
    html = data.get("html")
    return OutgoingEmail(
        to=str(data["to"]),
        subject=str(data["subject"]),
        text=str(data["text"]),
        html=str(html) if html is not None else None,
        message_id=event.subject,
        headers={
            "X-LMS-Template": f"{data['template']}/{data['template_version']}",
            "X-LMS-College": str(data["college_id"]),
        },
    )


def email_delivery(mailer: Mailer) -> Callable[[Event], Awaitable[None]]:
    """An event handler sending every requested email with ``mailer``."""

    async def deliver(event: Event) -> None:
        if event.type != events.EMAIL_REQUESTED:
            return
        await mailer.send(outgoing_email(event))

    return deliver


def email_delivery_consumer(
    mailer: Callable[[Service], Mailer] | None = None,
) -> ConsumerSpec:
    """The consumer to register on the identity service (``ServiceSpec.consumers``).

    ``mailer`` builds the mailer from the running service; by default
    :func:`shared.mail.create_mailer` of the platform's settings.
    """
    make = mailer or (lambda service: create_mailer(service.platform.settings))
    return ConsumerSpec(
        name="email-delivery",
        topics=[topic_for(events.EMAIL_REQUESTED)],
        handler=lambda service: email_delivery(make(service)),
    )

"""The interface every way of delivering email implements."""

from __future__ import annotations

from typing import Protocol

from shared.mail.message import OutgoingEmail

__all__ = ["MailDeliveryError", "Mailer"]


class MailDeliveryError(Exception):
    """The email could not be handed over; the message names the server, never the body.

    Event consumers let it propagate, so the bus delivers the event again later.
    """


class Mailer(Protocol):
    """Hands one email to whatever delivers it (an SMTP server, a folder)."""

    async def send(self, email: OutgoingEmail) -> None:
        """Deliver ``email`` or raise :class:`MailDeliveryError`."""
        ...

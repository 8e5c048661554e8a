"""Delivery through an SMTP server (``LMS_SMTP_HOST``), with the standard library's client.

``smtplib`` is blocking, so each email is sent from a worker thread over a
connection of its own: no connection is shared between threads, and a slow
server holds a thread, never the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from pydantic import SecretStr

from shared.config import Settings
from shared.mail.base import MailDeliveryError
from shared.mail.message import OutgoingEmail, build_message

__all__ = ["SmtpMailer"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class SmtpMailer:
    """Sends each email over SMTP; ``starttls`` upgrades the connection before logging in."""

    host: str
    port: int = 587
    sender: str
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = True
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpMailer:
        if not settings.smtp_host:
            raise ValueError("LMS_SMTP_HOST is not set")
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            timeout=settings.smtp_timeout,
        )

    async def send(self, email: OutgoingEmail) -> None:
        """Hand ``email`` to the server; :class:`MailDeliveryError` if it is refused or down."""
        message = build_message(email, sender=self.sender)
        try:
            await asyncio.to_thread(self._send_blocking, message)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailDeliveryError(
                f"SMTP server {self.host}:{self.port} did not accept the email: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        logger.info("email to %s sent via %s:%s", email.to, self.host, self.port)

    def _send_blocking(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as client:
            client.ehlo()
            if self.starttls:
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if self.username:
                password = self.password.get_secret_value() if self.password else ""
                client.login(self.username, password)
            client.send_message(message)

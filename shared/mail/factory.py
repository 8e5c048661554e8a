"""Choosing how email leaves the platform: SMTP when a host is configured, else the mailbox."""

from __future__ import annotations

from shared.config import Settings
from shared.mail.base import Mailer
from shared.mail.mailbox import MailboxMailer
from shared.mail.smtp import SmtpMailer

__all__ = ["create_mailer"]


def create_mailer(settings: Settings) -> Mailer:
    """:class:`SmtpMailer` when ``LMS_SMTP_HOST`` is set, else :class:`MailboxMailer`."""
    if settings.smtp_host:
        return SmtpMailer.from_settings(settings)
    return MailboxMailer.from_settings(settings)

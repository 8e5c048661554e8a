"""Outbound email: one ``Mailer`` interface, an SMTP server or a local mailbox folder.

See ``docs/mail.md``.
"""

from __future__ import annotations

from shared.mail.base import MailDeliveryError, Mailer
from shared.mail.factory import create_mailer
from shared.mail.mailbox import MailboxMailer
from shared.mail.message import OutgoingEmail, build_message
from shared.mail.smtp import SmtpMailer

__all__ = [
    "MailDeliveryError",
    "MailboxMailer",
    "Mailer",
    "OutgoingEmail",
    "SmtpMailer",
    "build_message",
    "create_mailer",
]

"""An email to send, and its MIME form (plain text, with an HTML alternative when given)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from shared.db import utcnow

__all__ = ["OutgoingEmail", "build_message"]


@dataclass(frozen=True, kw_only=True)
class OutgoingEmail:
    """One email to one recipient.

    ``message_id`` (without angle brackets) is stable when given, so a
    delivery repeated after a crash carries the same ``Message-ID`` and a
    mailbox file is overwritten rather than duplicated. ``headers`` are
    extra headers (``X-...``) that tell a reader where the email came from.
    """

    to: str
    subject: str
    text: str
    html: str | None = None
    message_id: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def build_message(email: OutgoingEmail, *, sender: str) -> EmailMessage:
    """The MIME message of ``email`` from ``sender``: multipart/alternative when it has HTML.

    Header values containing line breaks are refused by the email package
    (``ValueError``), so a subject or address cannot smuggle in headers.
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = (
        f"<{email.message_id}@{_domain(sender)}>"
        if email.message_id
        else make_msgid(domain=_domain(sender))
    )
    for name, value in email.headers.items():
        message[name] = value
    message.set_content(email.text)
    if email.html is not None:
        message.add_alternative(email.html, subtype="html")
    return message


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    domain = Address(addr_spec=address).domain if "@" in address else ""
    return domain or "localhost"

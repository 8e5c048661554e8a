"""Delivery into a folder: each email becomes an ``.eml`` file (the default of ``lms dev``).

Without an SMTP server a developer still sees every invitation: the file
opens in any mail client, and one log line names the recipient, the subject
and the file (never the body, which may hold a sign-in link).
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from shared.config import Settings
from shared.db import utcnow
from shared.mail.message import OutgoingEmail, build_message

__all__ = ["MailboxMailer"]

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True, kw_only=True)
class MailboxMailer:
    """Writes each email to ``folder`` as ``<message id>.eml`` (else ``<time>-<random>.eml``)."""

    folder: Path
    sender: str

    @classmethod
    def from_settings(cls, settings: Settings) -> MailboxMailer:
        return cls(folder=settings.effective_mailbox_dir, sender=settings.smtp_from)

    async def send(self, email: OutgoingEmail) -> None:
        """Save ``email``; the same ``message_id`` always lands in the same file."""
        path = self.path_for(email)
        data = build_message(email, sender=self.sender).as_bytes()
        await asyncio.to_thread(self._write, path, data)
        logger.info("email to %s: %s (saved to %s)", email.to, email.subject, path)

    def path_for(self, email: OutgoingEmail) -> Path:
        """Where ``email`` is saved: named by its message id, else by the time and a random id."""
        if email.message_id:
            return self.folder / f"{_UNSAFE.sub('_', email.message_id)}.eml"
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        return self.folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".eml.part")
        partial.write_bytes(data)
        partial.replace(path)  # a reader never sees half a message

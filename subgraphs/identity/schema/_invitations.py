"""The invitation email: queued in the same transaction as the invitation it carries.

The domain's ``invite_account`` and ``create_college`` return the raw
single-use token; this adapter hands it straight to
:func:`~subgraphs.identity.mail.request_email` (template ``invitation``), so
the token leaves only by email and never in a GraphQL response.
"""

from __future__ import annotations

from datetime import UTC
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from subgraphs.identity.accounts import Invitation
from subgraphs.identity.mail import request_email
from subgraphs.identity.models import TemplateKey
from subgraphs.identity.schema._api import IdentityApi

__all__ = ["send_invitation"]


async def send_invitation(
    session: AsyncSession, *, api: IdentityApi, invitation: Invitation, actor: Principal
) -> None:
    """Queue the invitation email of ``invitation`` (platform accounts have no college
    templates: a super-admin hands them their link)."""
    account = invitation.account
    if account.college_id is None:
        return
    expires = invitation.expires_at
    expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    await request_email(
        session,
        college_id=account.college_id,
        to=account.email,
        template_key=TemplateKey.INVITATION,
        variables={
            "display_name": account.display_name,
            "accept_url": api.invitation_url.format(token=quote(invitation.token)),
            "expires_at": expires.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        },
        actor=actor,
        on_commit=api.notify_outbox,
    )

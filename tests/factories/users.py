"""Users test data: profiles, viewers and identity events with valid defaults.

Rows are inserted directly (no events), so a test sets up exactly the state
it needs and then calls the one service function it is about.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.events import Event
from subgraphs.users.models import Profile, ProfileKind, ProfileStatus, Visibility, outbox

__all__ = [
    "identity_event",
    "make_profile",
    "new_id",
    "outbox_events",
    "viewer",
]

_sequence = itertools.count(1)
STUDENT_PERMISSIONS = frozenset({"profile:read"})


def new_id() -> str:
    return str(uuid.uuid4())


def viewer(profile: Profile, *permissions: str) -> Principal:
    """The principal of ``profile``'s owner; ``profile:read`` unless ``permissions`` are given."""
    return Principal(
        user_id=profile.user_id,
        college_id=profile.college_id,
        permissions=frozenset(permissions) if permissions else STUDENT_PERMISSIONS,
    )


async def make_profile(
    session: AsyncSession,
    *,
    college_id: str,
    kind: ProfileKind = ProfileKind.STUDENT,
    status: ProfileStatus = ProfileStatus.ACTIVE,
    display_name: str | None = None,
    phone: str | None = "+353 1 555 0100",
    phone_visibility: Visibility = Visibility.STAFF,
    office: str | None = "B-204",
    office_visibility: Visibility = Visibility.COLLEGE,
    pronouns: str | None = "they/them",
    pronouns_visibility: Visibility = Visibility.COLLEGE,
    website: str | None = "https://example.edu/~person",
    website_visibility: Visibility = Visibility.PRIVATE,
) -> Profile:
    """A profile of ``college_id`` with every contact detail filled in."""
    profile = Profile(
        user_id=new_id(),
        college_id=college_id,
        kind=kind,
        status=status,
        display_name=display_name or f"Person {next(_sequence)}",
        bio="Hello.",
        phone=phone,
        phone_visibility=phone_visibility,
        office=office,
        office_visibility=office_visibility,
        pronouns=pronouns,
        pronouns_visibility=pronouns_visibility,
        website=website,
        website_visibility=website_visibility,
    )
    session.add(profile)
    await session.flush()
    return profile


def identity_event(type: str, *, college_id: str | None, user_id: str, **data: Any) -> Event:
    """An event as identity publishes it (``user.invited`` carries kind, name, department)."""
    return Event.new(type=type, source="identity", tenant=college_id, subject=user_id, data=data)


async def outbox_events(session: AsyncSession, type: str | None = None) -> list[Event]:
    """The events in users' outbox, oldest first (of ``type`` when given)."""
    payloads = await session.scalars(select(outbox.c.payload).order_by(outbox.c.id))
    found = [Event.from_json(payload) for payload in payloads]
    return [event for event in found if type is None or event.type == type]

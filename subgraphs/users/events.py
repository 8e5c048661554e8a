"""Events users publishes, always through its outbox in the caller's transaction.

| type | subject | tenant | data |
|---|---|---|---|
| ``profile.created`` | user id | the college | kind, status, display_name, department_id |
| ``profile.updated`` | user id | the college | changed (field names), display_name, department_id |
| ``profile.deactivated`` | user id | the college | — |
| ``profile.reactivated`` | user id | the college | — |
| ``profile.deleted`` | user id | the college | — |
| ``profile.preferences_updated`` | user id | the college | changed, and the new values |

Every event's data also carries ``actor_id`` (who caused it; ``None`` when
identity's events caused it). Contact details never travel in events: their
visibility is decided here, at read time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.events import Event, emit
from subgraphs.users.models import outbox

__all__ = [
    "PREFERENCES_UPDATED",
    "PROFILE_CREATED",
    "PROFILE_DEACTIVATED",
    "PROFILE_DELETED",
    "PROFILE_REACTIVATED",
    "PROFILE_UPDATED",
    "PUBLISHED",
    "SOURCE",
    "OnCommit",
    "publish",
]

SOURCE = "users"

PROFILE_CREATED = "profile.created"
PROFILE_UPDATED = "profile.updated"
PROFILE_DEACTIVATED = "profile.deactivated"
PROFILE_REACTIVATED = "profile.reactivated"
PROFILE_DELETED = "profile.deleted"
PREFERENCES_UPDATED = "profile.preferences_updated"

PUBLISHED: tuple[str, ...] = (
    PROFILE_CREATED,
    PROFILE_UPDATED,
    PROFILE_DEACTIVATED,
    PROFILE_REACTIVATED,
    PROFILE_DELETED,
    PREFERENCES_UPDATED,
)

OnCommit = Callable[[], None]
"""Called once the transaction commits (``Service.notify_outbox``): the relay wakes at once."""


async def publish(
    session: AsyncSession,
    *,
    type: str,
    tenant: str,
    subject: str,
    actor: Principal | None,
    data: Mapping[str, Any] | None = None,
    on_commit: OnCommit | None = None,
) -> Event:
    """Write one users event to the outbox, in the session's transaction."""
    if type not in PUBLISHED:
        raise ValueError(f"users does not publish {type!r}; declare it in PUBLISHED")
    event = Event.new(
        type=type,
        source=SOURCE,
        tenant=tenant,
        subject=subject,
        data={**(data or {}), "actor_id": actor.user_id if actor is not None else None},
    )
    await emit(session, event, table=outbox, on_commit=on_commit)
    return event

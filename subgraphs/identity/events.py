"""Events identity publishes, always through its outbox in the caller's transaction.

| type | subject | tenant | data |
|---|---|---|---|
| ``college.created`` | college id | the college | slug, name, admin_id, actor_id |
| ``college.updated`` | college id | the college | changed (field names), status, actor_id |
| ``user.invited`` | account id | the college | email, kind, roles, department_id, actor_id |
| ``user.activated`` | account id | the college | actor_id |
| ``user.deactivated`` | account id | the college | actor_id |
| ``user.deleted`` | account id | the college | purge_after, actor_id |
| ``user.purged`` | account id | the college | actor_id |
| ``user.updated`` | account id | the college | changed (field names), department_id, actor_id |
| ``role.changed`` | account id | the college | added, removed, roles (keys now held), actor_id |
| ``role.created`` | role id | the college | key, name, permissions, actor_id |
| ``role.updated`` | role id | the college | key, changed, added, removed (permissions), actor_id |
| ``role.deleted`` | role id | the college | key, holders, reassigned_to, actor_id |
| ``college.apikey_created`` | key id | the college | name, prefix, scopes, expires_at, actor_id |
| ``college.apikey_rotated`` | key id | the college | prefix, previous_valid_until, actor_id |
| ``college.apikey_revoked`` | key id | the college | prefix, actor_id |

``role.*`` is routed to the ``lms.user`` topic, so an account's role changes
keep their order with its other events. API-key events are ``college.*``
because ``shared/events/topics.py`` routes no ``apikey`` domain; they ride
with the college's other events. Identity consumes no events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.events import Event, emit
from subgraphs.identity.models import outbox

__all__ = [
    "APIKEY_CREATED",
    "APIKEY_REVOKED",
    "APIKEY_ROTATED",
    "COLLEGE_CREATED",
    "COLLEGE_UPDATED",
    "PUBLISHED",
    "ROLE_CHANGED",
    "ROLE_CREATED",
    "ROLE_DELETED",
    "ROLE_UPDATED",
    "SOURCE",
    "USER_ACTIVATED",
    "USER_DEACTIVATED",
    "USER_DELETED",
    "USER_INVITED",
    "USER_PURGED",
    "USER_UPDATED",
    "OnCommit",
    "publish",
]

SOURCE = "identity"

COLLEGE_CREATED = "college.created"
COLLEGE_UPDATED = "college.updated"
USER_INVITED = "user.invited"
USER_ACTIVATED = "user.activated"
USER_DEACTIVATED = "user.deactivated"
USER_DELETED = "user.deleted"
USER_PURGED = "user.purged"
USER_UPDATED = "user.updated"
ROLE_CHANGED = "role.changed"
ROLE_CREATED = "role.created"
ROLE_UPDATED = "role.updated"
ROLE_DELETED = "role.deleted"
APIKEY_CREATED = "college.apikey_created"
APIKEY_ROTATED = "college.apikey_rotated"
APIKEY_REVOKED = "college.apikey_revoked"

PUBLISHED: tuple[str, ...] = (
    COLLEGE_CREATED,
    COLLEGE_UPDATED,
    USER_INVITED,
    USER_ACTIVATED,
    USER_DEACTIVATED,
    USER_DELETED,
    USER_PURGED,
    ROLE_CHANGED,
)

OnCommit = Callable[[], None]
"""Called once the transaction commits (``Service.notify_outbox``): the relay wakes at once."""


async def publish(
    session: AsyncSession,
    *,
    type: str,
    tenant: str | None,
    subject: str,
    actor: Principal | None,
    data: Mapping[str, Any] | None = None,
    on_commit: OnCommit | None = None,
) -> Event:
    """Write one identity event to the outbox, in the session's transaction.

    ``data`` gains ``actor_id`` (who caused it; ``None`` for the system),
    which the audit log records.
    """
    if type not in PUBLISHED:
        raise ValueError(f"identity does not publish {type!r}; declare it in PUBLISHED")
    event = Event.new(
        type=type,
        source=SOURCE,
        tenant=tenant,
        subject=subject,
        data={**(data or {}), "actor_id": actor.user_id if actor is not None else None},
    )
    await emit(session, event, table=outbox, on_commit=on_commit)
    return event

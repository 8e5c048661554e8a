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

from shared.events import OnCommit, OutboxPublisher
from subgraphs.users.models import outbox

__all__ = [
    "PREFERENCES_UPDATED",
    "PROFILE_CREATED",
    "PROFILE_DEACTIVATED",
    "PROFILE_DELETED",
    "PROFILE_REACTIVATED",
    "PROFILE_UPDATED",
    "PUBLISHED",
    "PUBLISHER",
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

PUBLISHER = OutboxPublisher(source=SOURCE, table=outbox, published=frozenset(PUBLISHED))
"""Writes this service's events to its outbox (``data`` gains ``actor_id``)."""

publish = PUBLISHER.publish

"""Events identity publishes, always through its outbox in the caller's transaction.

| type | subject | tenant | data |
|---|---|---|---|
| ``college.created`` | college id | the college | slug, name, admin_id |
| ``college.updated`` | college id | the college | changed (field names), status |
| ``user.invited`` | account id | the college | email, kind, roles, department_id |
| ``user.activated`` | account id | the college | — |
| ``user.deactivated`` | account id | the college | — |
| ``user.deleted`` | account id | the college | purge_after |
| ``user.purged`` | account id | the college | — |
| ``user.updated`` | account id | the college | changed (field names), department_id |
| ``role.changed`` | account id | the college | added, removed, roles (keys now held) |
| ``college.template_saved`` | template id | the college | key, version, reverted_from |
| ``notification.email_requested`` | message id | the college | to, subject, text, html, template* |
| ``user.logged_in`` | account id | the college | session_id, ip, user_agent |
| ``user.login_failed`` | account or college id | the college | email, reason, ip, account_id |
| ``user.logged_out`` | account id | the college | session_id, all_sessions |
| ``user.password_changed`` | account id | the college | reason (change, reset, invitation) |
| ``user.refresh_token_reused`` | account id | the college | session_id, ip, user_agent |
| ``user.created_superadmin`` | account id | — (platform) | email, display_name, roles |
| ``role.created`` | role id | the college | key, name, permissions |
| ``role.updated`` | role id | the college | key, changed, added, removed (permissions) |
| ``role.deleted`` | role id | the college | key, holders, reassigned_to |
| ``college.apikey_created`` | key id | the college | name, prefix, scopes, expires_at |
| ``college.apikey_rotated`` | key id | the college | prefix, previous_valid_until |
| ``college.apikey_revoked`` | key id | the college | prefix |
| ``college.apikey_used`` | key id | the college | key_id, prefix, ip |
| ``college.apikey_refused`` | key id | the college | key_id, prefix, reason, ip |
| ``college.password_policy_changed`` | college id | the college | changed (setting: new value) |

Every event's data also carries ``actor_id`` (who caused it). ``template*``:
``template``, ``template_version`` and ``college_id``; ``user.login_failed``
also carries ``user_agent``.

``college.apikey_used`` is written once per exchange of the key for an
access token (:mod:`subgraphs.identity.api_key_route`), which the gateway
caches for the token's lifetime: it records that a key is in use, not each
request. ``ip`` is the address the exchange came from (the gateway's).
``college.apikey_refused`` is written only for a key that was issued and is
presented with its secret, ``reason`` ``revoked`` or ``expired``; unknown
keys, wrong secrets and other refusals leave no event.
``user.created_superadmin`` has no tenant and no actor: ``lms
create-superadmin`` makes the first account of an install.

``role.*`` is routed to the ``lms.user`` topic, so an account's role changes
keep their order with its other events. API-key events are ``college.*``
because ``shared/events/topics.py`` routes no ``apikey`` domain; they ride
with the college's other events. ``notification.email_requested`` asks the
notifications service to send an email, rendered by identity from the
college's template (:mod:`subgraphs.identity.mail`); it goes to the
``lms.notification`` topic, whose only consumers deliver email, because an
invitation's or a reset's link carries a raw one-time token, which no other
event does. Until the notifications service exists, identity's own
``email-delivery`` consumer (:mod:`subgraphs.identity.mail_consumer`) sends them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.events import Event, OnCommit, OutboxPublisher, partition_key, topic_for
from subgraphs.identity.models import outbox

__all__ = [
    "APIKEY_CREATED",
    "APIKEY_REFUSED",
    "APIKEY_REVOKED",
    "APIKEY_ROTATED",
    "APIKEY_USED",
    "COLLEGE_CREATED",
    "COLLEGE_PASSWORD_POLICY_CHANGED",
    "COLLEGE_UPDATED",
    "EMAIL_REQUESTED",
    "PUBLISHED",
    "PUBLISHER",
    "ROLE_CHANGED",
    "ROLE_CREATED",
    "ROLE_DELETED",
    "ROLE_UPDATED",
    "SOURCE",
    "TEMPLATE_SAVED",
    "USER_ACTIVATED",
    "USER_CREATED_SUPERADMIN",
    "USER_DEACTIVATED",
    "USER_DELETED",
    "USER_INVITED",
    "USER_LOGGED_IN",
    "USER_LOGGED_OUT",
    "USER_LOGIN_FAILED",
    "USER_PASSWORD_CHANGED",
    "USER_PURGED",
    "USER_REFRESH_TOKEN_REUSED",
    "USER_UPDATED",
    "OnCommit",
    "Pending",
    "publish",
    "publish_many",
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
APIKEY_USED = "college.apikey_used"
APIKEY_REFUSED = "college.apikey_refused"
COLLEGE_PASSWORD_POLICY_CHANGED = "college.password_policy_changed"
EMAIL_REQUESTED = "notification.email_requested"
TEMPLATE_SAVED = "college.template_saved"
USER_LOGGED_IN = "user.logged_in"
USER_LOGIN_FAILED = "user.login_failed"
USER_LOGGED_OUT = "user.logged_out"
USER_PASSWORD_CHANGED = "user.password_changed"
USER_REFRESH_TOKEN_REUSED = "user.refresh_token_reused"
USER_CREATED_SUPERADMIN = "user.created_superadmin"

PUBLISHED: tuple[str, ...] = (
    COLLEGE_CREATED,
    COLLEGE_UPDATED,
    USER_INVITED,
    USER_ACTIVATED,
    USER_DEACTIVATED,
    USER_DELETED,
    USER_PURGED,
    USER_UPDATED,
    ROLE_CHANGED,
    ROLE_CREATED,
    ROLE_UPDATED,
    ROLE_DELETED,
    APIKEY_CREATED,
    APIKEY_ROTATED,
    APIKEY_REVOKED,
    APIKEY_USED,
    APIKEY_REFUSED,
    COLLEGE_PASSWORD_POLICY_CHANGED,
    EMAIL_REQUESTED,
    TEMPLATE_SAVED,
    USER_LOGGED_IN,
    USER_LOGIN_FAILED,
    USER_LOGGED_OUT,
    USER_PASSWORD_CHANGED,
    USER_REFRESH_TOKEN_REUSED,
    USER_CREATED_SUPERADMIN,
)

PUBLISHER = OutboxPublisher(source=SOURCE, table=outbox, published=frozenset(PUBLISHED))
"""Writes this service's events to its outbox (``data`` gains ``actor_id``)."""

publish = PUBLISHER.publish


@dataclass(frozen=True, kw_only=True)
class Pending:
    """One event to write with :func:`publish_many`."""

    type: str
    tenant: str | None
    subject: str
    data: Mapping[str, Any]


async def publish_many(
    session: AsyncSession,
    pending: Sequence[Pending],
    *,
    actor: Principal | None,
    on_commit: OnCommit | None = None,
) -> list[Event]:
    """Write many identity events to the outbox with one multi-row INSERT.

    The same rows :func:`publish` writes, for bulk operations that would
    otherwise pay one round trip per event.
    """
    if not pending:
        return []
    made = [
        PUBLISHER.event(
            type=item.type, tenant=item.tenant, subject=item.subject, actor=actor, data=item.data
        )
        for item in pending
    ]
    await session.execute(
        insert(outbox),
        [
            {
                "event_id": event.id,
                "topic": topic_for(event.type),
                "key": partition_key(event),
                "payload": event.to_json().decode(),
                "created_at": event.time,
                "attempts": 0,
            }
            for event in made
        ],
    )
    if on_commit is not None:
        callback = on_commit
        sa_event.listen(
            session.sync_session, "after_commit", lambda _session: callback(), once=True
        )
    return made

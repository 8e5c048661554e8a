"""Events courses publishes, always through its outbox in the caller's transaction.

| type | subject | tenant | data |
|---|---|---|---|
| ``course.department_created`` | department id | the college | code, name |
| ``course.department_updated`` | department id | the college | changed (field names) |
| ``course.term_created`` | term id | the college | name, starts_on, ends_on |
| ``course.batch_created`` | batch id | the college | department_id, name, intake_year |
| ``course.created`` | course id | the college | code, title, department_id, status |
| ``course.updated`` | course id | the college | changed (field names), status |
| ``course.section_created`` | section id | college | course_id, term_id, batch_id, code, capacity |
| ``enrollment.enrolled`` | section id | the college | user_id, course_id |
| ``enrollment.waitlisted`` | section id | the college | user_id, course_id, position |
| ``enrollment.dropped`` | section id | the college | user_id, course_id, from (seat, waitlist) |
| ``enrollment.promoted`` | section id | the college | user_id, course_id, position (held) |

Every event's data also carries ``actor_id`` (who caused it). Department,
term, batch and section events are ``course.*`` because
``shared/events/topics.py`` routes no such domains; they ride on
``lms.course`` with the college's other catalogue events, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.events import Event, emit
from subgraphs.courses.models import outbox

__all__ = [
    "BATCH_CREATED",
    "COURSE_CREATED",
    "COURSE_UPDATED",
    "DEPARTMENT_CREATED",
    "DEPARTMENT_UPDATED",
    "ENROLLMENT_DROPPED",
    "ENROLLMENT_ENROLLED",
    "ENROLLMENT_PROMOTED",
    "ENROLLMENT_WAITLISTED",
    "PUBLISHED",
    "SECTION_CREATED",
    "SOURCE",
    "TERM_CREATED",
    "OnCommit",
    "publish",
]

SOURCE = "courses"

DEPARTMENT_CREATED = "course.department_created"
DEPARTMENT_UPDATED = "course.department_updated"
TERM_CREATED = "course.term_created"
BATCH_CREATED = "course.batch_created"
COURSE_CREATED = "course.created"
COURSE_UPDATED = "course.updated"
SECTION_CREATED = "course.section_created"
ENROLLMENT_ENROLLED = "enrollment.enrolled"
ENROLLMENT_WAITLISTED = "enrollment.waitlisted"
ENROLLMENT_DROPPED = "enrollment.dropped"
ENROLLMENT_PROMOTED = "enrollment.promoted"

PUBLISHED: tuple[str, ...] = (
    DEPARTMENT_CREATED,
    DEPARTMENT_UPDATED,
    TERM_CREATED,
    BATCH_CREATED,
    COURSE_CREATED,
    COURSE_UPDATED,
    SECTION_CREATED,
    ENROLLMENT_ENROLLED,
    ENROLLMENT_WAITLISTED,
    ENROLLMENT_DROPPED,
    ENROLLMENT_PROMOTED,
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
    """Write one courses event to the outbox, in the session's transaction.

    ``data`` gains ``actor_id`` (who caused it; ``None`` for the system).
    """
    if type not in PUBLISHED:
        raise ValueError(f"courses does not publish {type!r}; declare it in PUBLISHED")
    event = Event.new(
        type=type,
        source=SOURCE,
        tenant=tenant,
        subject=subject,
        data={**(data or {}), "actor_id": actor.user_id if actor is not None else None},
    )
    await emit(session, event, table=outbox, on_commit=on_commit)
    return event

"""Following the courses subgraph's ``course.batch_assigned``: which batch a student is in.

A student belongs to at most one batch; the courses subgraph assigns it and
publishes ``course.batch_assigned`` (subject and ``data.user_id``: the
account id, tenant: the college, ``data.batch_id``: the batch, or ``None``
when the student left every batch). The users service keeps the batch on
the profile so ``people(filter: {batchId})`` is one indexed query. The
batch is mirrored data, not a change of the profile: no event is written.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import Event
from subgraphs.users.models import Profile

__all__ = ["BATCH_ASSIGNED", "apply_course_event"]

BATCH_ASSIGNED = "course.batch_assigned"


async def apply_course_event(session: AsyncSession, event: Event) -> None:
    """Apply a ``course.batch_assigned``; other events, unknown people and colleges are ignored.

    Applying it again changes nothing (the batch is set, not toggled).
    """
    if event.type != BATCH_ASSIGNED or event.tenant is None:
        return
    user_id = event.data.get("user_id") or event.subject
    batch_id = event.data.get("batch_id")
    if not isinstance(user_id, str) or not (batch_id is None or isinstance(batch_id, str)):
        return
    profile = await session.get(Profile, user_id)
    if profile is None or profile.college_id != event.tenant:
        return
    if profile.batch_id != (batch_id or None):
        profile.batch_id = batch_id or None
        await session.flush()

"""Batch membership: which batch (cohort) each student belongs to, at most one.

:func:`assign_batch_students` sets the batch of a list of students (or takes
them out of any batch) and publishes ``course.batch_assigned`` for each
student whose batch changed; the users subgraph consumes it to filter
people by batch. Needs ``enrollment:manage``; the batch must be the
college's (``UNKNOWN_BATCH``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError
from subgraphs.courses import events, tenancy
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import Batch, BatchMember

__all__ = ["MANAGE", "MAX_STUDENTS", "assign_batch_students", "check_user_id"]

MANAGE = "enrollment:manage"
MAX_STUDENTS = 500


def check_user_id(value: str, *, field: str = "user_id") -> str:
    """``value`` as an account id (a UUID in canonical form), else ``INVALID_USER_ID``."""
    try:
        return str(uuid.UUID(value.strip()))
    except (ValueError, AttributeError):
        raise DomainError(
            CoursesErrorCode.INVALID_USER_ID, f"{value!r} is not a person's id.", field
        ) from None


async def assign_batch_students(
    session: AsyncSession,
    *,
    actor: Principal,
    user_ids: Sequence[str],
    batch_id: str | None,
    college_id: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> list[str]:
    """Put each of ``user_ids`` in ``batch_id`` (``None``: in no batch); the ids changed.

    A student already in another batch of the college moves; one in this
    batch is left as is (no event). At most :data:`MAX_STUDENTS` at once
    (``TOO_MANY_USERS``).
    """
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, MANAGE)
    if len(user_ids) > MAX_STUDENTS:
        raise DomainError(
            CoursesErrorCode.TOO_MANY_USERS,
            f"At most {MAX_STUDENTS} students at once; split the list.",
            "user_ids",
        )
    wanted = list(dict.fromkeys(check_user_id(u, field="user_ids") for u in user_ids))
    if batch_id is not None:
        batch = await session.get(Batch, batch_id)
        if batch is None or batch.college_id != target:
            raise DomainError(
                CoursesErrorCode.UNKNOWN_BATCH, "No such batch in the college.", "batch_id"
            )
    current = {
        member.user_id: member
        for member in await session.scalars(
            select(BatchMember).where(BatchMember.user_id.in_(wanted)).with_for_update()
        )
    }
    changed: list[str] = []
    for user_id in wanted:
        member = current.get(user_id)
        if member is not None and member.college_id != target:
            raise DomainError(
                CoursesErrorCode.INVALID_USER_ID,
                f"{user_id!r} is not a person of the college.",
                "user_ids",
            )
        if member is None and batch_id is None:
            continue
        if member is not None and member.batch_id == batch_id:
            continue
        if batch_id is None:
            await session.delete(member)
        elif member is None:
            session.add(BatchMember(college_id=target, batch_id=batch_id, user_id=user_id))
        else:
            member.batch_id = batch_id
        changed.append(user_id)
    await session.flush()
    for user_id in changed:
        await events.publish(
            session,
            type=events.BATCH_ASSIGNED,
            tenant=target,
            subject=user_id,
            actor=actor,
            data={"user_id": user_id, "batch_id": batch_id},
            on_commit=on_commit,
        )
    return changed

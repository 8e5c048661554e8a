"""Students completing items, which opens the modules that require them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError
from subgraphs.courses import events
from subgraphs.courses.content.models import ItemCompletion
from subgraphs.courses.content.viewing import ItemView, get_item_view
from subgraphs.courses.errors import CoursesErrorCode

__all__ = ["complete_item"]


async def complete_item(
    session: AsyncSession,
    *,
    actor: Principal,
    item_id: str,
    on_commit: events.OnCommit | None = None,
) -> ItemView:
    """Record that the actor, a student who sees the item, completed it.

    The item must be one the actor sees through a student's seat
    (``NOT_ENROLLED`` for the course's staff) in a module that is not locked
    for them (``MODULE_LOCKED``). Completing it again changes nothing.
    Returns the item as the student now sees it.
    """
    module, view = await get_item_view(session, actor=actor, item_id=item_id)
    if not module.as_student or actor.user_id is None:
        raise DomainError(
            CoursesErrorCode.NOT_ENROLLED,
            "Only a student of a section that sees the item completes it.",
            "item_id",
        )
    if view.locked:
        raise DomainError(
            CoursesErrorCode.MODULE_LOCKED,
            "Complete the module's prerequisites first.",
            "item_id",
        )
    if view.completed:
        return view
    session.add(ItemCompletion(item_id=item_id, user_id=actor.user_id))
    await session.flush()
    await events.publish(
        session,
        type=events.MODULE_ITEM_COMPLETED,
        tenant=view.item.college_id,
        subject=item_id,
        actor=actor,
        data={
            "course_id": module.module.course_id,
            "module_id": module.module.id,
            "user_id": actor.user_id,
        },
        on_commit=on_commit,
    )
    return ItemView(item=view.item, locked=False, completed=True)

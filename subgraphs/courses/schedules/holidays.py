"""College holidays: days on which every meeting of the college is cancelled.

Adding and removing one needs ``section:manage``; reading them needs
``course:read`` (every member of the college). A holiday is one day or an
inclusive range of days with a name, which timetables show as the reason
of each cancelled occurrence.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError
from subgraphs.courses import events, tenancy
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.schedules._rules import SECTION_MANAGE, check_range
from subgraphs.courses.schedules.models import REASON_LENGTH, Holiday
from subgraphs.courses.validation import normalize_name

__all__ = ["create_holiday", "delete_holiday", "list_holidays"]

READ = "course:read"


async def create_holiday(
    session: AsyncSession,
    *,
    actor: Principal,
    name: str,
    starts_on: date,
    ends_on: date | None = None,
    college_id: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> Holiday:
    """A holiday of the college from ``starts_on`` to ``ends_on`` (default: one day)."""
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, SECTION_MANAGE)
    name = normalize_name(name, max_length=REASON_LENGTH)
    last = ends_on if ends_on is not None else starts_on
    if last < starts_on:
        raise DomainError(
            CoursesErrorCode.INVALID_DATE_RANGE,
            "A holiday ends on or after its first day.",
            "ends_on",
        )
    holiday = Holiday(college_id=target, name=name, starts_on=starts_on, ends_on=last)
    session.add(holiday)
    await session.flush()
    await events.publish(
        session,
        type=events.HOLIDAY_CREATED,
        tenant=target,
        subject=holiday.id,
        actor=actor,
        data=_describe(holiday),
        on_commit=on_commit,
    )
    return holiday


async def delete_holiday(
    session: AsyncSession,
    *,
    actor: Principal,
    holiday_id: str,
    on_commit: events.OnCommit | None = None,
) -> Holiday:
    """Remove a holiday of the college: its days' meetings take place again."""
    tenancy.require_permission(actor, SECTION_MANAGE)
    holiday = tenancy.visible(actor, await session.get(Holiday, holiday_id), "holiday")
    await session.delete(holiday)
    await session.flush()
    await events.publish(
        session,
        type=events.HOLIDAY_DELETED,
        tenant=holiday.college_id,
        subject=holiday.id,
        actor=actor,
        data=_describe(holiday),
        on_commit=on_commit,
    )
    return holiday


async def list_holidays(
    session: AsyncSession,
    *,
    actor: Principal,
    start: date,
    end: date,
    college_id: str | None = None,
) -> list[Holiday]:
    """The college's holidays touching ``start`` to ``end`` (at most 366 days), by date."""
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, READ)
    check_range(start, end)
    rows = await session.scalars(
        select(Holiday)
        .where(Holiday.college_id == target, Holiday.starts_on <= end, Holiday.ends_on >= start)
        .order_by(Holiday.starts_on, Holiday.name)
    )
    return list(rows)


def _describe(holiday: Holiday) -> dict[str, str]:
    return {
        "name": holiday.name,
        "starts_on": holiday.starts_on.isoformat(),
        "ends_on": holiday.ends_on.isoformat(),
    }

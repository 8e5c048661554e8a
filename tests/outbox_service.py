"""A small service for the event tests: courses, an outbox, processed ids; and polling."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import Column, ForeignKey, Integer, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from shared.db import Database, service_metadata
from shared.events import (
    Event,
    EventBus,
    Handler,
    PublishError,
    Subscription,
    outbox_table,
    processed_events_table,
)


class Base(DeclarativeBase):
    metadata = service_metadata()


course = Table(
    "course",
    Base.metadata,
    Column("id", String(36), primary_key=True),
    Column("title", String(100), nullable=False),
)
applied = Table(  # one row per application of an event: duplicates would show here
    "applied",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
    Column("course_id", String(36), ForeignKey("course.id"), nullable=False),
)
outbox = outbox_table(Base.metadata)
processed = processed_events_table(Base.metadata)


async def create_tables(db: Database) -> None:
    await db.create()
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


async def apply(session: AsyncSession, event: Event) -> None:
    await session.execute(
        insert(applied).values(event_id=event.id, course_id=str(event.data["course_id"]))
    )


async def applied_ids(db: Database) -> list[str]:
    async with db.session() as session:
        return list((await session.scalars(select(applied.c.event_id))).all())


async def outbox_count(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(outbox)) or 0)


class SwitchableBus:
    """A real bus whose publishing can be switched off, to simulate an outage."""

    def __init__(self, inner: EventBus) -> None:
        self.inner = inner
        self.down = False

    async def start(self) -> None:
        await self.inner.start()

    async def publish(self, events: Sequence[Event]) -> None:
        if self.down:
            raise PublishError("bus down (check LMS_EVENTS_BACKEND)")
        await self.inner.publish(events)

    def subscribe(self, *, topics: Sequence[str], group: str, handler: Handler) -> Subscription:
        return self.inner.subscribe(topics=topics, group=group, handler=handler)

    async def ping(self) -> None:
        await self.inner.ping()

    async def close(self) -> None:
        await self.inner.close()


async def wait_until(
    check: Callable[[], bool | Awaitable[bool]], *, within: float = 30.0, every: float = 0.02
) -> None:
    """Poll ``check`` (state in a database or broker: nothing to await) until true."""
    async with asyncio.timeout(within):
        while True:
            result = check()
            if await result if inspect.isawaitable(result) else result:
                return
            await asyncio.sleep(every)

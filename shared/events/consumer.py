"""Idempotent consumers: each event's effect applies exactly once, however often it arrives.

The bus delivers at least once. :class:`IdempotentConsumer` records the ids
of the events it processed in the service's own database, in the same
transaction as the handler's changes: a redelivered event finds its id and
is skipped; a handler that fails rolls back both, so the event is retried.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, DateTime, MetaData, String, Table, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database
from shared.events.envelope import Event
from shared.events.origin import handling

__all__ = ["IdempotentConsumer", "SessionHandler", "processed_events_table"]

SessionHandler = Callable[[AsyncSession, Event], Awaitable[None]]
"""``async def handle(session, event) -> None``, run inside the recording transaction."""


def processed_events_table(metadata: MetaData, *, name: str = "processed_event") -> Table:
    """Declare the table of processed event ids on a service's ``MetaData``."""
    return Table(
        name,
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(36), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, index=True),
    )


class IdempotentConsumer:
    """A bus handler applying each event once; pass it as ``handler`` with ``group=name``."""

    def __init__(
        self, database: Database, table: Table, *, name: str, handler: SessionHandler
    ) -> None:
        self.database = database
        self.table = table
        self.name = name
        self.handler = handler
        self.skipped = 0
        """Redeliveries skipped since creation (a metrics counter)."""

    async def __call__(self, event: Event) -> None:
        with handling(event):
            async with self.database.transaction() as session:
                if not await self._claim(session, event):
                    self.skipped += 1
                    return
                await self.handler(session, event)

    async def purge(self, older_than: timedelta) -> int:
        """Forget ids processed more than ``older_than`` ago (longer than topic retention)."""
        cutoff = datetime.now(UTC) - older_than
        async with self.database.transaction() as session:
            result = await session.execute(
                delete(self.table).where(
                    self.table.c.consumer == self.name, self.table.c.processed_at < cutoff
                )
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def _claim(self, session: AsyncSession, event: Event) -> bool:
        """Insert the processed-id row; ``False`` if it was already there.

        On PostgreSQL a concurrent claim of the same id waits for the first
        transaction and then sees the conflict, so only one handler applies.
        """
        values = {"consumer": self.name, "event_id": event.id, "processed_at": datetime.now(UTC)}
        insert = pg_insert if self.database.dialect == "postgresql" else sqlite_insert
        statement = insert(self.table).values(**values).on_conflict_do_nothing()
        result = await session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0) == 1

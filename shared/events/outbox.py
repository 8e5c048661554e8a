"""The transactional outbox: events commit or roll back with the change they describe.

A service adds the outbox table to its own ``MetaData`` (so it is part of its
migrations) and calls :func:`emit` inside the transaction that changes its
rows. An :class:`OutboxRelay` publishes the committed rows to the bus, in id
order, and marks them published. While the bus is down the rows wait, the
relay backs off, and nothing is lost; a relay crash between publishing and
marking publishes a batch again, which idempotent consumers absorb.

On PostgreSQL the relay locks its batch with ``FOR UPDATE SKIP LOCKED``, so
several relays (one per replica) can run over one outbox. On SQLite (one
process) a single relay is assumed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database
from shared.events._backoff import Backoff
from shared.events.bus import EventBus
from shared.events.envelope import Event
from shared.events.origin import stamped
from shared.events.topics import PLATFORM_TOPICS, TopicSpec, partition_key, topic_for

__all__ = ["OutboxRelay", "emit", "outbox_table"]

logger = logging.getLogger(__name__)

_Id = BigInteger().with_variant(Integer(), "sqlite")


def outbox_table(metadata: MetaData, *, name: str = "event_outbox") -> Table:
    """Declare the outbox table on a service's ``MetaData``."""
    table = Table(
        name,
        metadata,
        Column("id", _Id, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("topic", String(255), nullable=False),
        Column("key", String(255), nullable=False),
        Column("payload", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, default=0, server_default="0"),
        Column("last_error", Text, nullable=True),
    )
    Index(
        f"ix_{name}_pending",
        table.c.id,
        postgresql_where=table.c.published_at.is_(None),
        sqlite_where=table.c.published_at.is_(None),
    )
    Index(f"ix_{name}_published_at", table.c.published_at)
    return table


async def emit(
    session: AsyncSession,
    event: Event,
    *,
    table: Table,
    topics: Sequence[TopicSpec] = PLATFORM_TOPICS,
    on_commit: Callable[[], None] | None = None,
) -> None:
    """Add ``event`` to the outbox in the session's current transaction.

    ``on_commit`` (typically :meth:`OutboxRelay.notify`) is called once the
    transaction commits, so an in-process relay publishes without waiting for
    its next poll.

    The event is stamped with the origin of the request being handled (its
    id and client, :mod:`shared.events.origin`) unless it carries one.
    """
    event = stamped(event)
    await session.execute(
        insert(table).values(
            event_id=event.id,
            topic=topic_for(event.type, topics=topics),
            key=partition_key(event),
            payload=event.to_json().decode(),
            created_at=event.time,
            attempts=0,
        )
    )
    if on_commit is not None:
        callback = on_commit
        sa_event.listen(
            session.sync_session, "after_commit", lambda _session: callback(), once=True
        )


class OutboxRelay:
    """Publishes committed outbox rows to the bus and marks them published."""

    def __init__(
        self,
        database: Database,
        table: Table,
        bus: EventBus,
        *,
        batch_size: int = 200,
        poll_interval: float = 0.5,
        max_backoff: float = 30.0,
        initial_backoff: float = 0.1,
    ) -> None:
        self.database = database
        self.table = table
        self.bus = bus
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.initial_backoff = initial_backoff
        self.published = 0
        """Events this relay published since it was created (a metrics counter)."""
        self._wakeup = asyncio.Event()
        self._stopped = asyncio.Event()

    def notify(self) -> None:
        """Wake the running relay now: new rows were committed."""
        self._wakeup.set()

    def stop(self) -> None:
        """Make :meth:`run` return after the current round."""
        self._stopped.set()

    async def run_once(self) -> int:
        """Publish up to ``batch_size`` pending rows in id order; return how many.

        Raises what the bus or database raised; failed rows record the attempt
        and the error.
        """
        failure: Exception | None = None
        if self.database.dialect == "postgresql":
            async with self.database.transaction() as session:
                rows = await self._pending_rows(session, lock=True)
                if rows:
                    failure = await self._publish(session, rows)
        else:
            async with self.database.transaction() as session:
                rows = await self._pending_rows(session, lock=False)
            if rows:
                async with self.database.transaction() as session:
                    failure = await self._publish(session, rows)
        if failure is not None:
            raise failure
        return len(rows)

    async def run(self) -> None:
        """Relay until :meth:`stop`: poll, wake on :meth:`notify`, back off on failure."""
        self._stopped.clear()
        backoff = Backoff(initial=self.initial_backoff, maximum=self.max_backoff)
        while not self._stopped.is_set():
            self._wakeup.clear()
            try:
                count = await self.run_once()
            except Exception as exc:
                if backoff.failures == 0:
                    logger.warning(
                        "outbox relay of %s cannot publish (%d pending): %s; "
                        "retrying with back-off up to %ss",
                        self.database.service,
                        await self._pending_or_unknown(),
                        _one_line(exc),
                        self.max_backoff,
                    )
                await self._sleep(backoff.next(), wake_on_notify=False)
                continue
            if backoff.failures:
                logger.info(
                    "outbox relay of %s recovered after %d failed attempts",
                    self.database.service,
                    backoff.failures,
                )
                backoff.reset()
            if count < self.batch_size:
                await self._sleep(self.poll_interval, wake_on_notify=True)

    async def pending(self) -> int:
        """Rows not yet published (a gauge)."""
        async with self.database.session() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(self.table)
                .where(self.table.c.published_at.is_(None))
            )
        return int(count or 0)

    async def purge(self, older_than: timedelta) -> int:
        """Delete rows published more than ``older_than`` ago; return how many."""
        cutoff = datetime.now(UTC) - older_than
        async with self.database.transaction() as session:
            result = await session.execute(
                delete(self.table).where(self.table.c.published_at < cutoff)
            )
        return int(getattr(result, "rowcount", 0) or 0)

    # -- internals -------------------------------------------------------------
    async def _pending_rows(self, session: AsyncSession, *, lock: bool) -> list[Any]:
        query = (
            select(self.table.c.id, self.table.c.payload)
            .where(self.table.c.published_at.is_(None))
            .order_by(self.table.c.id)
            .limit(self.batch_size)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        return list((await session.execute(query)).all())

    async def _publish(self, session: AsyncSession, rows: Sequence[Any]) -> Exception | None:
        """Publish the rows and mark them; on failure record it and return the error."""
        ids = [row.id for row in rows]
        try:
            await self.bus.publish([Event.from_json(row.payload) for row in rows])
        except Exception as exc:
            await session.execute(
                update(self.table)
                .where(self.table.c.id.in_(ids))
                .values(attempts=self.table.c.attempts + 1, last_error=_one_line(exc)[:2000])
            )
            return exc
        await session.execute(
            update(self.table)
            .where(self.table.c.id.in_(ids))
            .values(
                published_at=datetime.now(UTC),
                attempts=self.table.c.attempts + 1,
                last_error=None,
            )
        )
        self.published += len(ids)
        return None

    async def _pending_or_unknown(self) -> int | str:
        try:
            return await self.pending()
        except Exception:
            return "unknown"

    async def _sleep(self, seconds: float, *, wake_on_notify: bool) -> None:
        waiters = [asyncio.ensure_future(self._stopped.wait())]
        if wake_on_notify:
            waiters.append(asyncio.ensure_future(self._wakeup.wait()))
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__

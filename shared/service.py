"""What a service declares about itself, and the running instance of it.

A subgraph package exposes one :class:`ServiceSpec` (in its ``app.py``); the
``lms`` command turns specs into running :class:`Service` objects on a
:class:`~shared.runtime.Platform`, either all in one process (``lms dev``) or
one per process (``lms serve NAME``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic_settings import BaseSettings
from sqlalchemy import MetaData, Table

from shared.db import Database
from shared.db.migrations import Migrations
from shared.events import Event, OutboxRelay, Subscription

if TYPE_CHECKING:
    import strawberry
    from starlette.routing import BaseRoute

    from shared.runtime import Platform

__all__ = ["ConsumerSpec", "Service", "ServiceSpec", "TaskSpec"]

logger = logging.getLogger(__name__)

SectionT = TypeVar("SectionT", bound=BaseSettings)


@dataclass(frozen=True)
class ConsumerSpec:
    """An event subscription of a service: ``handler`` is built once the service runs."""

    name: str
    topics: Sequence[str]
    handler: Callable[[Service], Callable[[Event], Any]]


@dataclass(frozen=True)
class ServiceSpec:
    """A service (subgraph) of the platform.

    ``schema`` builds the Strawberry federation schema, given the running
    service (for its database, bus, storage ...). ``outbox`` is the outbox
    table on ``metadata`` when the service publishes events; a relay then runs
    beside the service. ``consumers`` are its event subscriptions.

    ``on_start`` runs once when the service starts, after its migrations and
    before anything else (seed data, caches). ``tasks`` are the service's
    background workers (a job runner, a purge loop): each is a coroutine
    started with the service and cancelled when it stops; one that fails is
    logged and restarted after a pause, so a bad moment never ends a worker
    for good. ``routes`` adds plain HTTP routes beside the GraphQL endpoint (an
    internal route other services call), built once the service runs.

    ``settings`` is the service's own pydantic-settings class (its section,
    ``LMS_<NAME>_*``), read once with the platform's settings from the same
    environment and handed out by :meth:`Service.settings_of`.
    """

    name: str
    metadata: MetaData
    migrations_dir: Path
    schema: Callable[[Service], strawberry.Schema]
    outbox: Table | None = None
    consumers: Sequence[ConsumerSpec] = ()
    on_start: Callable[[Service], Awaitable[None]] | None = None
    tasks: Sequence[TaskSpec] = ()
    routes: Callable[[Service], Sequence[BaseRoute]] | None = None
    settings: type[BaseSettings] | None = None
    description: str = ""


@dataclass(frozen=True)
class TaskSpec:
    """A background worker of a service: ``run`` is awaited for as long as the service runs."""

    name: str
    run: Callable[[Service], Awaitable[None]]
    restart_delay: float = 5.0


@dataclass
class Service:
    """A service running on a platform: its database, relay and subscriptions."""

    spec: ServiceSpec
    platform: Platform
    database: Database
    relay: OutboxRelay | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _subscriptions: list[Subscription] = field(default_factory=list)
    _schema: strawberry.Schema | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def settings_section(self) -> BaseSettings | None:
        """The service's own settings (``spec.settings``), or None when it has none."""
        if self.spec.settings is None:
            return None
        return self.platform.settings.section(self.spec.settings)

    def settings_of(self, section: type[SectionT]) -> SectionT:
        """The service's own settings, typed: ``service.settings_of(IdentitySettings)``.

        Raises :class:`TypeError` when ``section`` is not the spec's settings class.
        """
        if self.spec.settings is not section:
            raise TypeError(f"service {self.name} has no settings section {section.__name__}")
        return self.platform.settings.section(section)

    @property
    def migrations(self) -> Migrations:
        return Migrations(self.database, self.spec.metadata, self.spec.migrations_dir)

    @property
    def schema(self) -> strawberry.Schema:
        if self._schema is None:
            self._schema = self.spec.schema(self)
        return self._schema

    async def start(self) -> None:
        """Migrate (when configured to), start the outbox relay and the consumers."""
        settings = self.platform.settings
        if settings.auto_migrate_enabled:
            await self.migrations.upgrade()
        if self.spec.on_start is not None:
            await self.spec.on_start(self)
        if self.spec.outbox is not None:
            self.relay = OutboxRelay(
                self.database,
                self.spec.outbox,
                self.platform.bus,
                batch_size=settings.outbox_batch_size,
                poll_interval=settings.outbox_poll_interval,
                max_backoff=settings.outbox_max_backoff,
            )
            self._tasks.append(
                asyncio.create_task(self.relay.run(), name=f"{self.name}-outbox-relay")
            )
        for consumer in self.spec.consumers:
            subscription = self.platform.bus.subscribe(
                topics=list(consumer.topics),
                group=f"{self.name}.{consumer.name}",
                handler=consumer.handler(self),
            )
            self._subscriptions.append(subscription)
        for task in self.spec.tasks:
            self._tasks.append(
                asyncio.create_task(self._supervise(task), name=f"{self.name}-{task.name}")
            )

    async def _supervise(self, task: TaskSpec) -> None:
        """Run ``task`` until cancelled, restarting it after ``restart_delay`` when it fails."""
        while True:
            try:
                await task.run(self)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception(
                    "%s: background task %s failed; restarting in %.1f s",
                    self.name,
                    task.name,
                    task.restart_delay,
                )
                await asyncio.sleep(task.restart_delay)

    async def stop(self) -> None:
        for subscription in self._subscriptions:
            await subscription.stop()
        self._subscriptions.clear()
        if self.relay is not None:
            self.relay.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self.database.dispose()

    def notify_outbox(self) -> None:
        """Wake the relay now (after a commit that emitted events)."""
        if self.relay is not None:
            self.relay.notify()

"""The backends of one process, chosen by settings and shared by its services.

``lms dev`` runs every service on one :class:`Platform` (one in-memory bus,
so events flow between services in-process); ``lms serve NAME`` runs one.
Domain code reaches backends only through the interfaces held here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from shared.auth import (
    KeyStore,
    RevocationCheckingVerifier,
    RevocationList,
    TokenVerifier,
    create_token_verifier,
)
from shared.cache import Cache, create_cache
from shared.config import Settings
from shared.db import create_database
from shared.events import EventBus, create_event_bus
from shared.pubsub import PubSub, create_pubsub
from shared.service import Service, ServiceSpec
from shared.storage import ObjectStore, create_object_store

__all__ = ["Check", "Platform"]


Check = Callable[[], Awaitable[None]]


@dataclass
class Platform:
    """Settings plus one instance of each backend, and the services running on them.

    ``verifier`` checks tokens and then ``revocations`` (over ``cache``), so every
    service refuses a revoked token at once.
    """

    settings: Settings
    bus: EventBus
    storage: ObjectStore
    cache: Cache
    pubsub: PubSub
    keys: KeyStore
    verifier: TokenVerifier
    revocations: RevocationList
    services: dict[str, Service] = field(default_factory=dict)
    started: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Platform:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        keys = KeyStore.from_settings(settings)
        cache = create_cache(settings)
        revocations = RevocationList.from_settings(settings, cache)
        verifier = create_token_verifier(settings, keystore=keys)
        return cls(
            settings=settings,
            bus=create_event_bus(settings),
            storage=create_object_store(settings),
            cache=cache,
            pubsub=create_pubsub(settings),
            keys=keys,
            verifier=RevocationCheckingVerifier(verifier, revocations),
            revocations=revocations,
        )

    def add(self, spec: ServiceSpec) -> Service:
        """Run ``spec`` on this platform (started with the platform)."""
        service = Service(
            spec=spec, platform=self, database=create_database(self.settings, spec.name)
        )
        self.services[spec.name] = service
        return service

    def add_all(self, specs: Iterable[ServiceSpec]) -> list[Service]:
        return [self.add(spec) for spec in specs]

    async def start(self) -> None:
        """Connect the backends, then start every service."""
        await self.bus.start()
        await self.storage.start()
        await self.pubsub.connect()
        for service in self.services.values():
            await service.start()
        self.started = True

    async def close(self) -> None:
        for service in self.services.values():
            await service.stop()
        await self.pubsub.disconnect()
        for backend in (self.bus, self.storage, self.cache):
            await backend.close()
        self.started = False

    def checks(self) -> dict[str, Check]:
        """Readiness checks by name: each raises with one line saying what is wrong."""
        checks: dict[str, Check] = {
            "events": self.bus.ping,
            "storage": self.storage.ping,
            "cache": self.cache.ping,
            "pubsub": self.pubsub.ping,
        }
        for name, service in self.services.items():
            checks[f"database:{name}"] = service.database.ping
        return checks

    async def readiness(self, *, limit: float = 3.0) -> dict[str, str | None]:
        """Run every check concurrently: name -> None when fine, else the reason."""

        async def run(check: Check) -> str | None:
            try:
                await asyncio.wait_for(check(), limit)
            except TimeoutError:
                return f"no answer within {limit:g}s"
            except Exception as exc:
                return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return None

        checks = self.checks()
        results = await asyncio.gather(*(run(check) for check in checks.values()))
        return dict(zip(checks, results, strict=True))

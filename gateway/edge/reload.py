"""Serving a supergraph file that may change: a new gateway is swapped in while serving.

:class:`GatewaySlot` holds the gateway that answers new requests. A request
leases the gateway current when it arrives and keeps it until its response is
ready, so a swap never interrupts it; a replaced gateway is closed (its HTTP
client pool released) once its last leased request has finished.

:class:`ReloadingGateway` watches the supergraph file: every
``LMS_GATEWAY_RELOAD_INTERVAL`` seconds it compares the file's size, mtime and
inode with those last seen and, when they changed, its content with the
content being served. A changed supergraph is loaded off the event loop;
when it loads cleanly the new gateway is swapped in, else one error line is
logged and the previous gateway keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.edge.endpoint import GraphQLEndpoint
from gateway.engine import Gateway

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from shared.config import Settings

__all__ = ["GatewaySlot", "ReloadingGateway"]

logger = logging.getLogger(__name__)

GatewayLoader = Callable[[Path], Gateway]
"""Builds a gateway from the supergraph file at a path; raises when it cannot."""

_FileSignature = tuple[int, int, int]
"""A file's (mtime in ns, size, inode): when none changed, the file is taken as unchanged."""


@dataclass(eq=False)
class _Lease:
    """A gateway, its endpoint and the requests still running on it."""

    gateway: Gateway
    endpoint: GraphQLEndpoint
    active: int = 0
    retired: bool = False


class GatewaySlot:
    """The gateway serving new requests, replaced atomically by :meth:`swap`."""

    def __init__(self, gateway: Gateway, *, graphiql: bool) -> None:
        self.graphiql = graphiql
        self._lease = self._new_lease(gateway)
        self._closing: set[asyncio.Task[None]] = set()

    @property
    def current(self) -> Gateway:
        """The gateway new requests go to."""
        return self._lease.gateway

    def _new_lease(self, gateway: Gateway) -> _Lease:
        return _Lease(gateway, GraphQLEndpoint(gateway, graphiql=self.graphiql))

    @contextlib.asynccontextmanager
    async def lease(self) -> AsyncIterator[Gateway]:
        """The current gateway, kept open until the block ends even if it is swapped out."""
        lease = self._lease
        lease.active += 1
        try:
            yield lease.gateway
        finally:
            self._release(lease)

    async def handle(self, request: Request) -> Response:
        """Answer one request to the GraphQL endpoint with the current gateway."""
        lease = self._lease
        lease.active += 1
        try:
            return await lease.endpoint.handle(request)
        finally:
            self._release(lease)

    async def readiness(self) -> dict[str, str | None]:
        """The current gateway's readiness: each subgraph's name and ``None`` when it answers."""
        async with self.lease() as gateway:
            return await gateway.readiness()

    def swap(self, gateway: Gateway) -> Gateway:
        """Serve new requests with ``gateway``; the replaced one (returned) is closed once
        the requests still running on it have finished."""
        old = self._lease
        self._lease = self._new_lease(gateway)
        old.retired = True
        if old.active == 0:
            self._close_later(old.gateway)
        return old.gateway

    async def close(self) -> None:
        """Close the current gateway and wait for replaced ones to finish closing."""
        current = self._lease
        current.retired = True
        try:
            await current.gateway.close()
        finally:
            if self._closing:
                await asyncio.gather(*self._closing, return_exceptions=True)

    def _release(self, lease: _Lease) -> None:
        lease.active -= 1
        if lease.retired and lease.active == 0:
            self._close_later(lease.gateway)

    def _close_later(self, gateway: Gateway) -> None:
        # in a task of its own: the last request on the old gateway need not wait for it
        task = asyncio.get_running_loop().create_task(_close_quietly(gateway))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)


async def _close_quietly(gateway: Gateway) -> None:
    try:
        await gateway.close()
    except Exception:
        logger.exception("closing a replaced gateway failed")


class ReloadingGateway:
    """The gateway of the supergraph file at ``path``, rebuilt when the file changes.

    ``load`` builds a gateway from the file (raising, with a one-line message,
    when it cannot); ``interval`` is the number of seconds between checks of
    the file. Use :meth:`open` to load the first gateway.
    """

    def __init__(
        self,
        slot: GatewaySlot,
        path: Path,
        *,
        load: GatewayLoader,
        interval: float,
        signature: _FileSignature | None,
        digest: str,
    ) -> None:
        _check_interval(interval)
        self.slot = slot
        self.path = path
        self.interval = interval
        self._load = load
        self._signature = signature
        self._digest = digest
        self.reloads = 0
        """How many times a changed supergraph was swapped in."""

    @classmethod
    def open(
        cls, path: Path, *, load: GatewayLoader, interval: float, graphiql: bool
    ) -> ReloadingGateway:
        """Load the gateway of the file at ``path`` (raising as ``load`` does) and watch it."""
        _check_interval(interval)
        # the file is looked at before it is loaded: a change made meanwhile is seen later
        signature = _signature(path)
        try:
            digest = _digest(path.read_bytes())
        except OSError:
            digest = ""  # ``load`` says what is wrong with the file
        gateway = load(path)
        return cls(
            GatewaySlot(gateway, graphiql=graphiql),
            path,
            load=load,
            interval=interval,
            signature=signature,
            digest=digest,
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, path: Path, *, relay_node_default: bool = False
    ) -> ReloadingGateway:
        """The gateway on ``path`` reaching subgraphs over HTTP, checked every
        ``settings.gateway_reload_interval`` seconds (``relay_node_default`` as
        :meth:`Gateway.from_settings` takes it)."""

        def load(supergraph: Path) -> Gateway:
            return Gateway.from_settings(
                settings, supergraph, relay_node_default=relay_node_default
            )

        return cls.open(
            path,
            load=load,
            interval=settings.gateway_reload_interval,
            graphiql=settings.graphiql_enabled,
        )

    @property
    def current(self) -> Gateway:
        """The gateway answering new requests."""
        return self.slot.current

    async def handle(self, request: Request) -> Response:
        """Answer one request to the GraphQL endpoint (see :meth:`GatewaySlot.handle`)."""
        return await self.slot.handle(request)

    async def readiness(self) -> dict[str, str | None]:
        """The current gateway's readiness."""
        return await self.slot.readiness()

    async def watch(self) -> None:
        """Check the file every ``interval`` seconds until cancelled."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except Exception:  # the watch must outlive any one failure
                logger.exception("checking the supergraph file %s failed", self.path)

    async def check(self) -> bool:
        """Look at the file once; ``True`` when a changed supergraph was swapped in."""
        signature = _signature(self.path)
        if signature == self._signature:
            return False
        self._signature = signature
        if signature is None:
            logger.error(
                "supergraph file %s is gone; still serving the supergraph loaded before",
                self.path,
            )
            return False
        try:
            content = await asyncio.to_thread(self.path.read_bytes)
        except OSError as exc:
            logger.error(
                "cannot read the changed supergraph file %s (%s); still serving the previous one",
                self.path,
                exc.strerror or exc,
            )
            return False
        digest = _digest(content)
        if digest == self._digest:
            return False
        try:
            gateway = await asyncio.to_thread(self._load, self.path)
        except Exception as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            logger.error(
                "the changed supergraph file %s cannot be served, still serving the previous "
                "one: %s",
                self.path,
                message,
            )
            return False
        self._digest = digest
        self.slot.swap(gateway)
        self.reloads += 1
        logger.info(
            "serving the changed supergraph file %s (subgraphs: %s)",
            self.path,
            ", ".join(sorted(gateway.supergraph.subgraphs)),
        )
        return True

    async def close(self) -> None:
        """Close the current gateway and every replaced one."""
        await self.slot.close()


def _check_interval(interval: float) -> None:
    if interval <= 0:
        raise ValueError(
            f"the reload interval must be above 0 seconds, not {interval:g} "
            "(serve a plain Gateway to turn reloading off)"
        )


def _signature(path: Path) -> _FileSignature | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()

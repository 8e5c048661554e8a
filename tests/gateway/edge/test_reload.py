"""A gateway app over a supergraph file that changes while it serves.

The subgraphs run on real ports (``conftest.py``); the gateway reaches them
over HTTP. ``courses only`` is a supergraph of the ``courses`` subgraph;
``courses and people`` adds the ``people`` subgraph (``Query.people``,
``Course.teacher``). Replacing the first file by the second must make the new
fields queryable while a stream of requests running across the swap all
succeed; a broken file must leave the served schema in place.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry

from gateway.composition import SubgraphSource, compose
from gateway.edge import create_gateway_app
from gateway.edge.reload import ReloadingGateway
from gateway.engine import Gateway, load_supergraph
from gateway.transport import AsgiTransport
from shared.config import Settings
from tests.gateway.edge.conftest import SUPERGRAPH_DIR, Subgraphs

INTERVAL = 0.05
"""Seconds between checks of the file in these tests."""

WAIT = 20.0
"""Longest wait, in seconds, for something the tests expect to happen."""

COURSES = "{ courses { title } }"
COURSES_ANSWER = {"data": {"courses": [{"title": "Algebra"}, {"title": "Topology"}]}}
PEOPLE = "{ courses { teacher { name } } }"
PEOPLE_ANSWER = {"data": {"courses": [{"teacher": {"name": "Ada"}}, {"teacher": {"name": "Emmy"}}]}}


def supergraph_of(subgraphs: Subgraphs, *names: str) -> str:
    """The supergraph of the named fixture subgraphs, at the URLs they run on."""
    sources = [
        SubgraphSource(
            name=name,
            url=subgraphs.urls[name],
            sdl=(SUPERGRAPH_DIR / f"{name}.graphql").read_text(),
        )
        for name in names
    ]
    result = compose(sources)
    assert result.supergraph_sdl is not None, result.errors
    return result.supergraph_sdl


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` at once, as an editor or ``lms compose`` would."""
    staged = path.with_suffix(".next")
    staged.write_text(text)
    os.replace(staged, path)


@dataclass
class ServedFile:
    """A gateway app serving a supergraph file, with a client on it."""

    path: Path
    gateway: ReloadingGateway
    http: httpx.AsyncClient

    async def post(self, query: str) -> httpx.Response:
        return await self.http.post("/graphql", json={"query": query})


@pytest.fixture
def settings() -> Settings:
    return Settings.load(
        {}, environment="production", gateway_reload_interval=INTERVAL, gateway_subgraph_timeout=5
    )


@pytest.fixture
async def served(
    subgraphs: Subgraphs, settings: Settings, tmp_path: Path
) -> AsyncIterator[ServedFile]:
    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph_of(subgraphs, "courses"))
    gateway = ReloadingGateway.from_settings(settings, path)
    app = create_gateway_app(gateway, settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway"
        ) as http,
    ):
        yield ServedFile(path, gateway, http)


async def eventually(probe: Callable[[], Any]) -> None:
    """Wait (at most :data:`WAIT` seconds) until ``await probe()`` is true."""
    async with asyncio.timeout(WAIT):
        while not await probe():  # noqa: ASYNC110 (the probe asks over HTTP: no event to await)
            await asyncio.sleep(INTERVAL / 2)


@dataclass
class RequestStream:
    """Clients sending the same query in a loop, counting answers and failures."""

    served: ServedFile
    clients: int = 8
    answered: int = 0
    failures: list[str] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._client()) for _ in range(self.clients)]

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def _client(self) -> None:
        while not self._stop.is_set():
            try:
                response = await self.served.post(COURSES)
            except Exception as exc:  # every kind of failure is counted, none ends the stream
                self.failures.append(f"{type(exc).__name__}: {exc}")
                continue
            if response.status_code != 200 or response.json() != COURSES_ANSWER:
                self.failures.append(f"{response.status_code} {response.text}")
            else:
                self.answered += 1


async def test_a_changed_supergraph_is_served_while_requests_keep_succeeding(
    served: ServedFile, subgraphs: Subgraphs
) -> None:
    # given the courses-only supergraph, which has no teachers
    before = (await served.post(PEOPLE)).json()
    assert before["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    old = served.gateway.current

    # and a stream of concurrent requests running
    stream = RequestStream(served)
    stream.start()
    await eventually(lambda: _at_least(stream, 50))

    # when the file is replaced by the supergraph adding the people subgraph
    replace_file(served.path, supergraph_of(subgraphs, "courses", "people"))

    # then the new fields become queryable
    async def teachers_answered() -> bool:
        answer: dict[str, Any] = (await served.post(PEOPLE)).json()
        return answer == PEOPLE_ANSWER

    await eventually(teachers_answered)
    swapped_at = stream.answered
    await eventually(lambda: _at_least(stream, swapped_at + 50))
    await stream.stop()

    # and not one request of the stream failed, before, during or after the swap
    assert stream.failures == []
    assert stream.answered > swapped_at > 0
    assert served.gateway.reloads == 1
    assert served.gateway.current is not old


async def test_a_broken_file_leaves_the_served_schema_in_place(
    served: ServedFile, subgraphs: Subgraphs, caplog: pytest.LogCaptureFixture
) -> None:
    # given the courses-only supergraph being served
    old = served.gateway.current

    # when the file is replaced by one that is no supergraph
    with caplog.at_level(logging.INFO, logger="gateway.edge.reload"):
        replace_file(served.path, "type Query { courses: [String]")
        await eventually(lambda: _logged(caplog, logging.ERROR))

        # then one error line says so, and the old schema keeps serving
        [error] = _records(caplog)
        message = error.getMessage()
        assert "\n" not in message
        assert str(served.path) in message
        assert "still serving the previous one" in message
        assert (await served.post(COURSES)).json() == COURSES_ANSWER
        assert served.gateway.current is old

        # when the file is fixed, the fixed supergraph is served
        replace_file(served.path, supergraph_of(subgraphs, "courses", "people"))
        await eventually(lambda: _logged(caplog, logging.INFO))
    assert (await served.post(PEOPLE)).json() == PEOPLE_ANSWER
    assert [r.levelno for r in _records(caplog)] == [logging.ERROR, logging.INFO]


async def test_an_unchanged_or_vanished_file_keeps_the_gateway(
    served: ServedFile, caplog: pytest.LogCaptureFixture
) -> None:
    old = served.gateway.current

    # when the file is touched without a change in content
    replace_file(served.path, served.path.read_text())
    touched = await served.gateway.check()

    # then nothing is reloaded
    assert touched is False
    assert served.gateway.current is old

    # when the file disappears
    with caplog.at_level(logging.ERROR, logger="gateway.edge.reload"):
        served.path.unlink()
        assert await served.gateway.check() is False
        assert await served.gateway.check() is False

    # then one error line says so, and the gateway keeps serving
    [error] = _records(caplog)
    assert "is gone" in error.getMessage()
    assert (await served.post(COURSES)).json() == COURSES_ANSWER


def test_a_reload_interval_of_zero_is_refused(tmp_path: Path) -> None:
    # given a reloading gateway asked never to check its file; then it is refused
    with pytest.raises(ValueError, match="above 0"):
        ReloadingGateway.open(
            tmp_path / "supergraph.graphql",
            load=lambda path: pytest.fail("must not load"),
            interval=0,
            graphiql=False,
        )


# -- a request in flight across the swap ------------------------------------------------


@dataclass
class Gate:
    """A subgraph field that answers once released, so a request can be held in flight."""

    entered: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


def gated_schema(gate: Gate, *, extra: bool) -> strawberry.federation.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        async def slow(self) -> str:
            gate.entered.set()
            await gate.release.wait()
            return "finished"

    @strawberry.type
    class ExtendedQuery(Query):
        @strawberry.field
        def extra(self) -> str:
            return "new"

    return strawberry.federation.Schema(query=ExtendedQuery if extra else Query)


async def test_a_request_in_flight_finishes_on_the_old_gateway_which_closes_after_it(
    tmp_path: Path,
) -> None:
    # given a gateway over an in-process subgraph, its file, and a record of closed gateways
    gate = Gate()
    subgraph = strawberry.asgi.GraphQL(gated_schema(gate, extra=True), graphql_ide=None)
    path = tmp_path / "supergraph.graphql"
    path.write_text(_gated_supergraph(gate, extra=False))
    closed: list[int] = []
    first_closed = asyncio.Event()
    loaded: list[Gateway] = []

    def load(file: Path) -> Gateway:
        generation = len(loaded)

        async def record_close() -> None:
            closed.append(generation)
            first_closed.set()

        gateway = Gateway(
            load_supergraph(Settings.load({}), file),
            {"slow": AsgiTransport("slow", subgraph)},
            on_close=record_close,
        )
        loaded.append(gateway)
        return gateway

    settings = Settings.load({}, environment="production")
    reloading = ReloadingGateway.open(path, load=load, interval=3600, graphiql=False)
    app = create_gateway_app(reloading, settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http,
    ):
        # and a request held in flight on the first gateway
        held = asyncio.create_task(http.post("/graphql", json={"query": "{ slow }"}))
        await asyncio.wait_for(gate.entered.wait(), WAIT)

        # when the file gains a field and the gateway checks it
        replace_file(path, _gated_supergraph(gate, extra=True))
        assert await reloading.check() is True

        # then new requests see the new field, while the old gateway stays open
        fresh = await http.post("/graphql", json={"query": "{ extra }"})
        assert fresh.json() == {"data": {"extra": "new"}}
        assert closed == []

        # when the held request is let go, it finishes on the old gateway
        gate.release.set()
        assert (await held).json() == {"data": {"slow": "finished"}}

        # and then the old gateway is closed, the new one still serving
        await asyncio.wait_for(first_closed.wait(), WAIT)
        assert closed == [0]
    # the new gateway is closed when the app shuts down
    assert closed == [0, 1]


def _gated_supergraph(gate: Gate, *, extra: bool) -> str:
    sdl = gated_schema(gate, extra=extra).as_str()
    result = compose([SubgraphSource(name="slow", url="http://slow.invalid/graphql", sdl=sdl)])
    assert result.supergraph_sdl is not None, result.errors
    return result.supergraph_sdl


async def _at_least(stream: RequestStream, answered: int) -> bool:
    assert stream.failures == [], stream.failures[:3]
    return stream.answered >= answered


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "gateway.edge.reload"]


async def _logged(caplog: pytest.LogCaptureFixture, level: int) -> bool:
    return any(r.levelno == level for r in _records(caplog))

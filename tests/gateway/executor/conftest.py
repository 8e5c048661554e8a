"""Fixtures of the executor tests: the test subgraphs in process and over HTTP.

``subgraph_apps`` are the recording subgraph apps (reset before each test);
``run`` executes a fixture operation by name with Apollo's committed plan
through an :class:`Executor` over in-process transports (or any given one).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import pytest
import uvicorn
from graphql import GraphQLSchema, build_schema, get_operation_ast, parse
from graphql.execution.values import get_variable_values
from starlette.applications import Starlette
from starlette.routing import Mount

from gateway.executor import Executor, plan_from_json
from gateway.transport import AsgiTransport, Transport
from tests.gateway.executor.fixture_files import Fixtures, load
from tests.gateway.executor.subgraphs import RecordingApp, build_apps

Run = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture(scope="session")
def fixtures() -> Fixtures:
    return load()


@pytest.fixture(scope="session")
def api_schema(fixtures: Fixtures) -> GraphQLSchema:
    return build_schema(fixtures.api_schema)


@pytest.fixture(scope="session")
def _apps() -> dict[str, RecordingApp]:
    return build_apps()


@pytest.fixture
def subgraph_apps(_apps: dict[str, RecordingApp]) -> dict[str, RecordingApp]:
    for app in _apps.values():
        app.reset()
    return _apps


@pytest.fixture
def asgi_transports(subgraph_apps: dict[str, RecordingApp]) -> dict[str, Transport]:
    return {name: AsgiTransport(name, app, timeout=1.0) for name, app in subgraph_apps.items()}


@pytest.fixture
def executor(api_schema: GraphQLSchema, asgi_transports: dict[str, Transport]) -> Executor:
    return Executor(api_schema, asgi_transports)


@pytest.fixture
def run(fixtures: Fixtures, api_schema: GraphQLSchema, executor: Executor) -> Run:
    async def run(
        name: str,
        variables: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        using: Executor | None = None,
    ) -> dict[str, Any]:
        document = parse(fixtures.query(name))
        operation = get_operation_ast(document)
        assert operation is not None
        coerced = get_variable_values(
            api_schema, operation.variable_definitions or (), dict(variables or {})
        )
        assert not isinstance(coerced, list), coerced
        result = await (using or executor).execute(
            plan_from_json(fixtures.plan(name)),
            document,
            operation_name=operation.name.value if operation.name else None,
            variables=coerced.coerced,
            headers=headers,
        )
        return result.to_dict()

    return run


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
async def subgraph_server(_apps: dict[str, RecordingApp]) -> AsyncIterator[str]:
    """Every test subgraph over real HTTP (uvicorn): ``{base}/{name}``."""
    app = Starlette(routes=[Mount(f"/{name}", app=sub) for name, sub in _apps.items()])
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task

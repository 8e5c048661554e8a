"""A small ASGI app answering the ways a subgraph can answer, in process and over HTTP."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


async def echo(request: Request) -> Response:
    body = json.loads(await request.body())
    return JSONResponse(
        {"data": {"body": body, "headers": dict(request.headers)}, "extensions": {"e": 1}},
        media_type="application/graphql-response+json",
    )


async def graphql_errors_400(request: Request) -> Response:
    return JSONResponse(
        {
            "errors": [
                {
                    "message": "Cannot query field",
                    "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
                }
            ]
        },
        status_code=400,
        media_type="application/graphql-response+json",
    )


async def text_500(request: Request) -> Response:
    return PlainTextResponse("upstream exploded", status_code=500)


async def html_200(request: Request) -> Response:
    return Response("<html>login</html>", media_type="text/html")


async def not_graphql_json(request: Request) -> Response:
    return JSONResponse({"hello": "world"})


async def slow(request: Request) -> Response:
    await asyncio.sleep(1)
    return JSONResponse({"data": {}})


async def crash(request: Request) -> Response:
    raise RuntimeError("resolver crashed")


def create_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/graphql", echo, methods=["POST"]),
            Route("/errors400", graphql_errors_400, methods=["POST"]),
            Route("/text500", text_500, methods=["POST"]),
            Route("/html", html_200, methods=["POST"]),
            Route("/notgraphql", not_graphql_json, methods=["POST"]),
            Route("/slow", slow, methods=["POST"]),
            Route("/crash", crash, methods=["POST"]),
        ]
    )


@pytest.fixture(scope="session")
def app() -> Starlette:
    return create_app()


@pytest.fixture(scope="session")
async def server(app: Starlette) -> AsyncIterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="critical", lifespan="off", ws="none"
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

"""Request ids and HTTP metrics recorded by the request-context middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import Message
from starlette.websockets import WebSocket

from shared.observability import (
    REQUEST_ID_HEADER,
    MetricsRegistry,
    RequestContextMiddleware,
    get_request_id,
    metrics_route,
)

SERVICE = "files"


async def show_file(request: Request) -> Response:
    return JSONResponse({"key": request.path_params["key"], "request_id": get_request_id()})


async def stream(_: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for i in range(3):
            yield f"chunk{i};".encode()

    return StreamingResponse(chunks(), media_type="text/plain")


async def fail(_: Request) -> Response:
    raise RuntimeError("broken endpoint")


async def user(request: Request) -> Response:
    return PlainTextResponse(str(request.path_params["id"]))


async def echo_id(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(get_request_id() or "")
    await websocket.close()


def make_app(metrics: MetricsRegistry) -> Starlette:
    return Starlette(
        routes=[
            Route("/files/{key:path}", show_file, methods=["GET"]),
            Route("/stream", stream),
            Route("/fail", fail),
            Mount("/api", routes=[Route("/users/{id:int}", user)]),
            WebSocketRoute("/ws", echo_id),
            metrics_route(metrics),
        ],
        middleware=[Middleware(RequestContextMiddleware, service=SERVICE, metrics=metrics)],
    )


def client(app: Starlette) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def requests_total(metrics: MetricsRegistry, *, method: str, route: str, status: int) -> float:
    value = metrics.registry.get_sample_value(
        "lms_http_requests_total",
        {"service": SERVICE, "method": method, "route": route, "status": str(status)},
    )
    return value or 0.0


async def test_metrics_are_labelled_with_the_route_template() -> None:
    metrics = MetricsRegistry()
    async with client(make_app(metrics)) as http:
        assert (await http.get("/files/reports/2024/q1.pdf")).status_code == 200
        assert (await http.get("/files/a.txt")).status_code == 200
        body = (await http.get("/metrics")).text

    assert requests_total(metrics, method="GET", route="/files/{key:path}", status=200) == 2
    assert (
        'lms_http_requests_total{method="GET",route="/files/{key:path}",service="files",'
        'status="200"} 2.0' in body
    )
    assert "q1.pdf" not in body
    assert "lms_http_request_duration_seconds_bucket" in body
    duration_count = metrics.registry.get_sample_value(
        "lms_http_request_duration_seconds_count",
        {"service": SERVICE, "method": "GET", "route": "/files/{key:path}"},
    )
    assert duration_count == 2


async def test_unmatched_mounted_wrong_method_and_failing_routes() -> None:
    metrics = MetricsRegistry()
    async with client(make_app(metrics)) as http:
        assert (await http.get("/no/such/page")).status_code == 404
        assert (await http.get("/api/users/7")).text == "7"
        assert (await http.get("/api/users/not-a-number")).status_code == 404
        assert (await http.delete("/files/a.txt")).status_code == 405
        assert (await http.get("/fail")).status_code == 500

    assert requests_total(metrics, method="GET", route="<unmatched>", status=404) == 2
    assert requests_total(metrics, method="GET", route="/api/users/{id:int}", status=200) == 1
    assert requests_total(metrics, method="DELETE", route="/files/{key:path}", status=405) == 1
    assert requests_total(metrics, method="GET", route="/fail", status=500) == 1
    in_progress = metrics.registry.get_sample_value(
        "lms_http_requests_in_progress", {"service": SERVICE}
    )
    assert in_progress == 0


async def test_request_id_is_generated_and_echoed() -> None:
    async with client(make_app(MetricsRegistry())) as http:
        response = await http.get("/files/a.txt")

    request_id = response.headers[REQUEST_ID_HEADER]
    assert len(request_id) == 32
    assert response.json()["request_id"] == request_id


async def test_a_sane_incoming_request_id_is_kept() -> None:
    async with client(make_app(MetricsRegistry())) as http:
        response = await http.get("/files/a.txt", headers={REQUEST_ID_HEADER: "edge-42:abc"})

    assert response.headers[REQUEST_ID_HEADER] == "edge-42:abc"
    assert response.json()["request_id"] == "edge-42:abc"
    assert response.headers.get_list(REQUEST_ID_HEADER) == ["edge-42:abc"]


async def test_an_unsafe_incoming_request_id_is_replaced() -> None:
    async with client(make_app(MetricsRegistry())) as http:
        for bad in ("has spaces in it", "x" * 129, "<script>", ""):
            response = await http.get("/files/a.txt", headers={REQUEST_ID_HEADER: bad})
            assert response.headers[REQUEST_ID_HEADER] != bad
            assert len(response.headers[REQUEST_ID_HEADER]) == 32


async def test_streaming_responses_pass_through() -> None:
    async with (
        client(make_app(MetricsRegistry())) as http,
        http.stream("GET", "/stream") as response,
    ):
        chunks = [chunk async for chunk in response.aiter_bytes()]

    assert b"".join(chunks) == b"chunk0;chunk1;chunk2;"
    assert REQUEST_ID_HEADER in response.headers


async def test_websockets_get_a_request_id_and_no_http_metrics() -> None:
    metrics = MetricsRegistry()
    app = make_app(metrics)
    incoming: list[Message] = [{"type": "websocket.connect"}]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": "/ws",
        "raw_path": b"/ws",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"x-request-id", b"ws-1")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "subprotocols": [],
    }
    await app(scope, receive, send)

    accept, text, close = sent
    assert accept["type"] == "websocket.accept"
    assert (b"x-request-id", b"ws-1") in accept["headers"]
    assert text == {"type": "websocket.send", "text": "ws-1"}
    assert close["type"] == "websocket.close"
    assert 'route="/ws"' not in metrics.render()[0].decode()

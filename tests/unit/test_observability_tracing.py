"""Tracing: server spans, trace ids in logs, trace-context propagation."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shared.config import Settings
from shared.observability import (
    MetricsRegistry,
    RequestContextMiddleware,
    configure_logging,
    configure_tracing,
    current_trace_context_headers,
    instrument_app,
)
from shared.observability.tracing import otlp_traces_url

LOGGER = logging.getLogger("tests.tracing")


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(Settings.load({"LMS_LOG_FORMAT": "json"}), service="grades", stream=stream)
    yield stream
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture
def traced() -> tuple[TracerProvider, InMemorySpanExporter]:
    service = f"grades-{uuid.uuid4().hex[:8]}"
    provider = configure_tracing(Settings.load({}), service=service)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


async def grade(request: Request) -> Response:
    LOGGER.info("grading %s", request.path_params["id"])
    return JSONResponse({"forward": current_trace_context_headers()})


def make_app(provider: TracerProvider) -> Starlette:
    app = Starlette(
        routes=[Route("/grades/{id}", grade)],
        middleware=[
            Middleware(RequestContextMiddleware, service="grades", metrics=MetricsRegistry())
        ],
    )
    instrument_app(app, tracer_provider=provider)
    return app


async def get(app: Starlette, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        return await http.get(path, headers=headers)


async def test_a_request_yields_a_span_and_its_logs_carry_the_trace_id(
    traced: tuple[TracerProvider, InMemorySpanExporter], log_stream: io.StringIO
) -> None:
    provider, exporter = traced

    response = await get(make_app(provider), "/grades/17")

    spans = [s for s in exporter.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert [s.name for s in spans] == ["GET /grades/{id}"]
    span = spans[0]
    assert str(span.resource.attributes["service.name"]).startswith("lms-grades-")
    trace_id = format(span.context.trace_id, "032x")
    (record,) = [
        json.loads(line)
        for line in log_stream.getvalue().splitlines()
        if json.loads(line)["logger"] == "tests.tracing"
    ]
    assert record["message"] == "grading 17"
    assert record["trace_id"] == trace_id
    assert len(record["span_id"]) == 16
    assert record["request_id"] == response.headers["X-Request-ID"]
    forwarded = response.json()["forward"]["traceparent"]
    assert forwarded.startswith(f"00-{trace_id}-")


async def test_an_incoming_traceparent_is_continued(
    traced: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = traced
    trace_id, parent_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"

    await get(
        make_app(provider), "/grades/1", headers={"traceparent": f"00-{trace_id}-{parent_id}-01"}
    )

    spans = [s for s in exporter.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert len(spans) == 1
    assert format(spans[0].context.trace_id, "032x") == trace_id
    assert spans[0].parent is not None
    assert format(spans[0].parent.span_id, "016x") == parent_id


def test_configure_tracing_is_safe_to_call_again() -> None:
    settings = Settings.load({"LMS_OTLP_ENDPOINT": "http://jaeger:4318"})
    service = f"again-{uuid.uuid4().hex[:8]}"

    first = configure_tracing(settings, service=service)
    second = configure_tracing(settings, service=service)

    assert first is second
    assert first.resource.attributes["service.name"] == f"lms-{service}"
    first.shutdown()


def test_no_trace_headers_outside_a_span() -> None:
    assert current_trace_context_headers() == {}


def test_otlp_url_gets_the_traces_path_when_given_a_bare_collector() -> None:
    assert otlp_traces_url("http://jaeger:4318") == "http://jaeger:4318/v1/traces"
    assert otlp_traces_url("http://jaeger:4318/") == "http://jaeger:4318/v1/traces"
    assert otlp_traces_url("https://otel.example/v1/traces") == "https://otel.example/v1/traces"

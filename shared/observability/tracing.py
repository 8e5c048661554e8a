"""OpenTelemetry tracing: one tracer provider per service, OTLP/HTTP export, propagation.

Spans exist whether or not they are exported: log records carry the trace id
either way, and ``traceparent`` is forwarded to subgraphs so a trace spans the
gateway and every service it calls. With ``LMS_OTLP_ENDPOINT`` set (for
example ``http://jaeger:4318``), finished spans are batched to that collector.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

from opentelemetry import propagate, trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.starlette import StarletteInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from starlette.applications import Starlette

from shared.config import Settings

__all__ = [
    "configure_tracing",
    "current_trace_context_headers",
    "instrument_app",
    "otlp_traces_url",
    "shutdown_tracing",
]

_lock = threading.Lock()
_providers: dict[tuple[str, str | None], TracerProvider] = {}
_global_installed = False
_last_configured: TracerProvider | None = None


def configure_tracing(settings: Settings, *, service: str) -> TracerProvider:
    """The tracer provider of ``service``, with resource ``service.name=lms-<service>``.

    Created on the first call for a service (and OTLP endpoint); later calls
    return the same provider, so calling it again never duplicates exporters.
    The first provider created in the process also becomes OpenTelemetry's
    global one, used by libraries that trace on their own.
    """
    global _global_installed, _last_configured
    key = (service, settings.otlp_endpoint)
    with _lock:
        provider = _providers.get(key)
        if provider is not None:
            _last_configured = provider
            return provider
        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: f"lms-{service}"}))
        if settings.otlp_endpoint:
            exporter = OTLPSpanExporter(endpoint=otlp_traces_url(settings.otlp_endpoint))
            provider.add_span_processor(BatchSpanProcessor(exporter))
        _providers[key] = _last_configured = provider
        if not _global_installed:
            _global_installed = True
            if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
                trace.set_tracer_provider(provider)
        return provider


def instrument_app(app: Starlette, *, tracer_provider: TracerProvider | None = None) -> None:
    """Trace every request to ``app`` (a server span, continuing an incoming ``traceparent``).

    Call it after adding the app's other middleware, before the first request:
    the tracing middleware then runs outermost, so everything inside (request
    ids, logs, metrics) sees the request's span. Calling it twice is harmless.
    ``tracer_provider`` defaults to the one :func:`configure_tracing` returned
    last (so ``configure_tracing(settings, service=name); instrument_app(app)``
    labels spans with ``name``), else the global one.
    """
    StarletteInstrumentor.instrument_app(
        app, tracer_provider=tracer_provider if tracer_provider is not None else _last_configured
    )


def current_trace_context_headers() -> dict[str, str]:
    """W3C trace-context headers (``traceparent``, ``tracestate``) for the current span.

    Empty outside a span. Add them to requests to other services so their
    spans join the current trace.
    """
    headers: dict[str, str] = {}
    propagate.inject(headers)
    return headers


def otlp_traces_url(endpoint: str) -> str:
    """The OTLP/HTTP traces URL for a collector address: ``/v1/traces`` is added to a bare host."""
    if urlsplit(endpoint).path in ("", "/"):
        return endpoint.rstrip("/") + "/v1/traces"
    return endpoint


def shutdown_tracing() -> None:
    """Flush and stop every provider made by :func:`configure_tracing` (at process exit)."""
    global _last_configured
    with _lock:
        providers = list(_providers.values())
        _providers.clear()
        _last_configured = None
    for provider in providers:
        provider.shutdown()

"""Observability: structured logs, Prometheus metrics, OpenTelemetry traces.

A service wires it up once at start-up::

    configure_logging(settings, service="courses")
    provider = configure_tracing(settings, service="courses")
    app = Starlette(
        routes=[..., metrics_route()],
        middleware=[Middleware(RequestContextMiddleware, service="courses")],
    )
    instrument_app(app, tracer_provider=provider)

See ``docs/observability.md``.
"""

from __future__ import annotations

from shared.observability.context import (
    bind_context,
    get_request_id,
    get_tenant,
    reset_request_id,
    reset_tenant,
    set_request_id,
    set_tenant,
)
from shared.observability.logging import configure_logging
from shared.observability.metrics import (
    GraphQLMetrics,
    MetricsRegistry,
    default_metrics,
    metrics_endpoint,
    metrics_route,
)
from shared.observability.middleware import REQUEST_ID_HEADER, RequestContextMiddleware
from shared.observability.redaction import redact_text, redact_value
from shared.observability.tracing import (
    configure_tracing,
    current_trace_context_headers,
    instrument_app,
    shutdown_tracing,
)

__all__ = [
    "REQUEST_ID_HEADER",
    "GraphQLMetrics",
    "MetricsRegistry",
    "RequestContextMiddleware",
    "bind_context",
    "configure_logging",
    "configure_tracing",
    "current_trace_context_headers",
    "default_metrics",
    "get_request_id",
    "get_tenant",
    "instrument_app",
    "metrics_endpoint",
    "metrics_route",
    "redact_text",
    "redact_value",
    "reset_request_id",
    "reset_tenant",
    "set_request_id",
    "set_tenant",
    "shutdown_tracing",
]

"""Prometheus metrics: the platform's HTTP and GraphQL series and the ``/metrics`` endpoint.

Every series carries a ``service`` label, so several services in one process
(the embedded mode) share one :class:`MetricsRegistry` without clashing. The
process-wide registry is :func:`default_metrics` (it wraps prometheus_client's
global registry, so process and GC metrics come for free); tests that need
counters of their own create ``MetricsRegistry()``, which starts empty.

Other modules add their own series through the same registry::

    pending = default_metrics().gauge(
        "lms_outbox_pending", "Outbox rows not yet published.", labelnames=("service",)
    )
    pending.labels(service="courses").set(12)

Asking twice for the same name returns the same metric object.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TypeVar

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics import MetricWrapperBase
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.extensions import SchemaExtension

__all__ = [
    "ANONYMOUS",
    "DURATION_BUCKETS",
    "OTHER",
    "GraphQLMetrics",
    "MetricsRegistry",
    "default_metrics",
    "metrics_endpoint",
    "metrics_route",
]

DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
"""Histogram buckets, in seconds, for request and operation durations."""

ANONYMOUS = "<anonymous>"
"""``operation_name`` label of operations without a name."""
OTHER = "<other>"
"""``operation_name`` label once the budget of distinct names is spent."""

_M = TypeVar("_M", bound=MetricWrapperBase)


class MetricsRegistry:
    """A Prometheus registry holding the platform's series, plus any added later."""

    def __init__(self, *, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self._metrics: dict[str, MetricWrapperBase] = {}
        self._operation_names: set[str] = set()
        self._lock = threading.Lock()

        self.http_requests = self.counter(
            "lms_http_requests",
            "HTTP requests handled, by route template and status code.",
            labelnames=("service", "method", "route", "status"),
        )
        self.http_request_duration = self.histogram(
            "lms_http_request_duration_seconds",
            "Time from receiving an HTTP request to the end of its response.",
            labelnames=("service", "method", "route"),
        )
        self.http_requests_in_progress = self.gauge(
            "lms_http_requests_in_progress",
            "HTTP requests being handled right now.",
            labelnames=("service",),
        )
        self.graphql_operations = self.counter(
            "lms_graphql_operations",
            "GraphQL operations executed; status is `ok` or `error`.",
            labelnames=("service", "operation_type", "operation_name", "status"),
        )
        self.graphql_operation_duration = self.histogram(
            "lms_graphql_operation_duration_seconds",
            "Time spent executing a GraphQL operation, parsing and validation included.",
            labelnames=("service", "operation_type", "operation_name"),
        )

    # -- adding series ---------------------------------------------------------
    def counter(self, name: str, documentation: str, *, labelnames: Sequence[str] = ()) -> Counter:
        """The counter ``name`` (``_total`` is appended on output), created on first use."""
        return self._get_or_create(
            Counter, name, lambda: Counter(name, documentation, labelnames, registry=self.registry)
        )

    def gauge(self, name: str, documentation: str, *, labelnames: Sequence[str] = ()) -> Gauge:
        """The gauge ``name``, created on first use."""
        return self._get_or_create(
            Gauge, name, lambda: Gauge(name, documentation, labelnames, registry=self.registry)
        )

    def histogram(
        self,
        name: str,
        documentation: str,
        *,
        labelnames: Sequence[str] = (),
        buckets: Sequence[float] = DURATION_BUCKETS,
    ) -> Histogram:
        """The histogram ``name``, created on first use."""
        return self._get_or_create(
            Histogram,
            name,
            lambda: Histogram(
                name, documentation, labelnames, registry=self.registry, buckets=buckets
            ),
        )

    def _get_or_create(self, kind: type[_M], name: str, create: Callable[[], _M]) -> _M:
        with self._lock:
            existing = self._metrics.get(name)
            if existing is None:
                existing = self._metrics[name] = create()
            if not isinstance(existing, kind):
                raise ValueError(
                    f"metric {name} is already registered as a {type(existing).__name__}; "
                    f"pick another name for the {kind.__name__}"
                )
            return existing

    def operation_name_label(self, name: str, *, limit: int) -> str:
        """``name`` while fewer than ``limit`` distinct names were seen, else ``<other>``."""
        with self._lock:
            if name in self._operation_names:
                return name
            if len(self._operation_names) >= limit:
                return OTHER
            self._operation_names.add(name)
            return name

    # -- output ----------------------------------------------------------------
    def render(self, *, accept: str | None = None) -> tuple[bytes, str]:
        """The exposition text for an ``Accept`` header, and its content type.

        Prometheus text format by default; OpenMetrics when the scraper asks for it.
        """
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type


_default: MetricsRegistry | None = None
_default_lock = threading.Lock()


def default_metrics() -> MetricsRegistry:
    """The process-wide registry (created on first use, on prometheus_client's global one)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = MetricsRegistry(registry=REGISTRY)
        return _default


def _endpoint_for(
    metrics: MetricsRegistry | None,
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        registry = metrics if metrics is not None else default_metrics()
        body, content_type = registry.render(accept=request.headers.get("accept"))
        return Response(body, headers={"Content-Type": content_type})

    return endpoint


async def metrics_endpoint(request: Request) -> Response:
    """Starlette endpoint serving :func:`default_metrics` in the Prometheus text format."""
    return await _endpoint_for(None)(request)


def metrics_route(metrics: MetricsRegistry | None = None, *, path: str = "/metrics") -> Route:
    """A ``GET`` route serving ``metrics`` (default: :func:`default_metrics`)."""
    return Route(
        path, _endpoint_for(metrics), methods=["GET"], name="metrics", include_in_schema=False
    )


# -- GraphQL -------------------------------------------------------------------
_OPERATION_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,99}$")


class GraphQLMetrics(SchemaExtension):
    """Strawberry extension counting and timing operations per type, name and outcome.

    Strawberry builds one extension per operation, so pass a factory::

        strawberry.Schema(query=Query, extensions=[GraphQLMetrics.factory(service="courses")])

    Operation names come from clients; only the first ``max_operation_names``
    distinct names per registry get series of their own, later ones are
    counted as ``<other>`` (a client inventing names cannot blow up the
    number of series).
    """

    def __init__(
        self,
        *,
        service: str,
        metrics: MetricsRegistry | None = None,
        max_operation_names: int = 500,
    ) -> None:
        super().__init__()
        self.service = service
        self.metrics = metrics if metrics is not None else default_metrics()
        self.max_operation_names = max_operation_names

    @classmethod
    def factory(
        cls,
        *,
        service: str,
        metrics: MetricsRegistry | None = None,
        max_operation_names: int = 500,
    ) -> Callable[[], GraphQLMetrics]:
        """A callable for ``Schema(extensions=[...])`` making one extension per operation."""

        def make() -> GraphQLMetrics:
            return cls(service=service, metrics=metrics, max_operation_names=max_operation_names)

        return make

    async def on_operation(self) -> AsyncIterator[None]:
        started = time.perf_counter()
        failed = True
        try:
            yield
            failed = self._has_errors()
        finally:
            self._record(time.perf_counter() - started, failed=failed)

    def _has_errors(self) -> bool:
        context = self.execution_context
        if context.pre_execution_errors:
            return True
        result = context.result
        return bool(result is not None and getattr(result, "errors", None))

    def _record(self, seconds: float, *, failed: bool) -> None:
        operation_type = self._operation_type()
        operation_name = self._operation_name()
        self.metrics.graphql_operations.labels(
            service=self.service,
            operation_type=operation_type,
            operation_name=operation_name,
            status="error" if failed else "ok",
        ).inc()
        self.metrics.graphql_operation_duration.labels(
            service=self.service, operation_type=operation_type, operation_name=operation_name
        ).observe(seconds)

    def _operation_type(self) -> str:
        try:
            return self.execution_context.operation_type.value
        except Exception:  # no document (parse error) or no such operation
            return "unknown"

    def _operation_name(self) -> str:
        try:
            name = self.execution_context.operation_name
        except Exception:
            name = None
        if not name:
            return ANONYMOUS
        if not _OPERATION_NAME.match(name):
            return OTHER
        return self.metrics.operation_name_label(name, limit=self.max_operation_names)

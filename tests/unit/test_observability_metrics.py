"""The metrics registry, the /metrics endpoint and the GraphQL extension."""

from __future__ import annotations

import httpx
import pytest
import strawberry
from prometheus_client import Gauge
from starlette.applications import Starlette

from shared.observability import GraphQLMetrics, MetricsRegistry, default_metrics, metrics_route
from shared.observability.metrics import ANONYMOUS, OTHER


def test_registries_are_independent_so_several_apps_can_coexist() -> None:
    first, second = MetricsRegistry(), MetricsRegistry()
    first.http_requests.labels(service="a", method="GET", route="/", status="200").inc()

    labels = {"service": "a", "method": "GET", "route": "/", "status": "200"}
    assert first.registry.get_sample_value("lms_http_requests_total", labels) == 1
    assert second.registry.get_sample_value("lms_http_requests_total", labels) is None


def test_default_registry_is_one_per_process() -> None:
    assert default_metrics() is default_metrics()


def test_other_modules_can_add_a_gauge_once() -> None:
    metrics = MetricsRegistry()
    pending = metrics.gauge("lms_outbox_pending", "Unsent outbox rows.", labelnames=("service",))
    again = metrics.gauge("lms_outbox_pending", "Unsent outbox rows.", labelnames=("service",))
    pending.labels(service="courses").set(12)

    assert again is pending
    assert isinstance(pending, Gauge)
    assert 'lms_outbox_pending{service="courses"} 12.0' in metrics.render()[0].decode()
    with pytest.raises(ValueError, match="already registered as a Gauge"):
        metrics.counter("lms_outbox_pending", "Clash.")


async def test_metrics_route_serves_prometheus_text_and_openmetrics() -> None:
    metrics = MetricsRegistry()
    metrics.gauge("lms_example", "Example.").set(3)
    app = Starlette(routes=[metrics_route(metrics)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        text = await http.get("/metrics")
        open_metrics = await http.get(
            "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
        )

    assert text.status_code == 200
    assert text.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "lms_example 3.0" in text.text
    assert open_metrics.headers["content-type"].startswith("application/openmetrics-text")
    assert open_metrics.text.endswith("# EOF\n")


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"

    @strawberry.field
    def boom(self) -> str:
        raise ValueError("resolver failed")


def operations(metrics: MetricsRegistry, operation_type: str, name: str, status: str) -> float:
    labels = {
        "service": "courses",
        "operation_type": operation_type,
        "operation_name": name,
        "status": status,
    }
    return metrics.registry.get_sample_value("lms_graphql_operations_total", labels) or 0.0


async def test_graphql_operations_are_counted_by_type_name_and_outcome() -> None:
    metrics = MetricsRegistry()
    schema = strawberry.Schema(
        query=Query, extensions=[GraphQLMetrics.factory(service="courses", metrics=metrics)]
    )

    assert (await schema.execute("query Greeting { hello }")).errors is None
    assert (await schema.execute("{ hello }")).errors is None
    assert (await schema.execute("query Broken { boom }")).errors
    assert (await schema.execute("query Invalid { nope }")).errors
    assert (await schema.execute("query {")).errors

    assert operations(metrics, "query", "Greeting", "ok") == 1
    assert operations(metrics, "query", ANONYMOUS, "ok") == 1
    assert operations(metrics, "query", "Broken", "error") == 1
    assert operations(metrics, "query", "Invalid", "error") == 1
    assert operations(metrics, "unknown", ANONYMOUS, "error") == 1
    count = metrics.registry.get_sample_value(
        "lms_graphql_operation_duration_seconds_count",
        {"service": "courses", "operation_type": "query", "operation_name": "Greeting"},
    )
    assert count == 1


async def test_operation_names_beyond_the_budget_share_one_series() -> None:
    metrics = MetricsRegistry()
    schema = strawberry.Schema(
        query=Query,
        extensions=[
            GraphQLMetrics.factory(service="courses", metrics=metrics, max_operation_names=2)
        ],
    )

    for name in ("One", "Two", "Three", "Four", "One"):
        await schema.execute(f"query {name} {{ hello }}")

    assert operations(metrics, "query", "One", "ok") == 2
    assert operations(metrics, "query", "Two", "ok") == 1
    assert operations(metrics, "query", OTHER, "ok") == 2

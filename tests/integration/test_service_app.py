"""Every service app's standard endpoints, on both deployments' backends."""

from __future__ import annotations

import httpx

from lms.commands.dev import create_dev_app
from lms.services import SERVICE_MODULES
from shared.config import Settings
from tests.fixtures.platform import RunningApp


async def test_health_ready_metrics_jwks(running_app: RunningApp) -> None:
    client = running_app.client
    assert (await client.get("/health")).json() == {"status": "ok"}

    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"
    # the platform's backends, then each registered service's database and its subgraph
    # as the gateway sees it
    assert set(ready.json()["checks"]) == {
        "events",
        "storage",
        "cache",
        "pubsub",
        *(f"database:{name}" for name in SERVICE_MODULES),
        *(f"gateway:{name}" for name in SERVICE_MODULES),
    }

    metrics = await client.get("/metrics")
    assert 'lms_http_requests_total{method="GET",route="/ready",service="dev",status="200"}' in (
        metrics.text
    )

    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert [key["kid"] for key in jwks["keys"]] == [running_app.platform.keys.active.kid]
    assert all("d" not in key for key in jwks["keys"])  # public halves only


async def test_graphiql_is_served_to_browsers(running_app: RunningApp) -> None:
    page = await running_app.client.get("/subgraphs/audit/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


async def test_subgraph_answers_service_sdl(running_app: RunningApp) -> None:
    response = await running_app.client.post(
        "/subgraphs/audit/graphql", json={"query": "{ _service { sdl } }"}
    )
    sdl = response.json()["data"]["_service"]["sdl"]
    assert '@link(url: "https://specs.apollo.dev/federation/v2' in sdl
    assert 'type AuditEntry @key(fields: "id")' in sdl


async def test_ready_names_the_unreachable_database(sqlite_settings: Settings) -> None:
    # given a platform whose PostgreSQL cannot be reached
    settings = sqlite_settings.with_overrides(
        database_backend="postgres",
        database_url="postgresql+asyncpg://lms@127.0.0.1:1/lms_{service}",
        auto_migrate=False,
    )
    app = create_dev_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        # when readiness is asked
        response = await client.get("/ready")
    # then it is refused, naming the backend and the setting to fix
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["events"] == "ok"
    assert body["error"].startswith("database:audit: database of audit unreachable at ")
    assert body["checks"]["database:identity"] != "ok"
    assert body["error"].endswith("(check LMS_DATABASE_URL)")
    assert "\n" not in body["error"]


async def test_graphiql_can_be_turned_off(sqlite_settings: Settings) -> None:
    app = create_dev_app(sqlite_settings.with_overrides(graphiql=False))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        page = await client.get("/subgraphs/audit/graphql", headers={"accept": "text/html"})
    assert "graphiql" not in page.text.lower()

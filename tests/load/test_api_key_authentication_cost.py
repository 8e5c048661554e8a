"""What authenticating one API key costs on PostgreSQL: the lookup, the hash, the counter.

Run: ``.venv/bin/python -m pytest tests/load/test_api_key_authentication_cost.py``
(pytest-benchmark prints a table). Nothing here asserts speed: the figure is
reported in docs/identity.md ("API keys").
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import select

from shared.auth.principal import Principal
from shared.config import Settings
from shared.db import create_database
from subgraphs.identity import api_keys
from subgraphs.identity.models import ApiKey
from tests.factories.identity import college_admin, make_college
from tests.integration.identity.conftest import identity_migrations

pytestmark = pytest.mark.integration


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def test_authenticate_api_key_cost(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop, postgres_settings: Settings
) -> None:
    # given a migrated PostgreSQL database holding one key
    database = create_database(postgres_settings, "identity")
    loop.run_until_complete(identity_migrations(database).upgrade())

    async def setup() -> str:
        async with database.transaction() as session:
            college = await make_college(session)
            issued = await api_keys.create_api_key(
                session, actor=college_admin(college), name="bench", scopes=["course:read"]
            )
        return issued.secret

    async def authenticate(raw: str) -> Principal:
        async with database.transaction() as session:
            return await api_keys.authenticate_api_key(session, raw)

    async def uses(key_id: str) -> int:
        async with database.session() as session:
            count = await session.scalar(select(ApiKey.usage_count).where(ApiKey.id == key_id))
            return int(count or 0)

    try:
        raw = loop.run_until_complete(setup())
        # when it authenticates many times, each in its own transaction
        principal = benchmark(lambda: loop.run_until_complete(authenticate(raw)))
        # then every call was accepted and counted
        assert principal.kind == "api_key"
        assert loop.run_until_complete(uses(principal.user_id or "")) >= 1
    finally:
        loop.run_until_complete(database.drop())

"""Login latency with 50 concurrent clients on PostgreSQL (argon2 runs in worker threads).

Run: ``.venv/bin/python -m pytest tests/load/test_login_speed.py -s``. It prints
p50/p95/max and the throughput; nothing here asserts speed (the figures are
reported in docs/identity.md, "Sign-in, sessions and passwords").
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator

import pytest

from shared.auth import TokenIssuer
from shared.config import Settings
from shared.db import Database, create_database
from shared.runtime import Platform
from subgraphs.identity import sessions
from subgraphs.identity.lockout import LoginThrottle
from subgraphs.identity.passwords import hash_password
from subgraphs.identity.settings import IdentitySettings
from tests.factories.identity import make_account, make_college
from tests.integration.identity.conftest import identity_migrations

pytestmark = pytest.mark.integration

CLIENTS = 50
ROUNDS = 2
PASSWORD = "correct horse battery staple"


@pytest.fixture
async def postgres_identity(postgres_settings: Settings) -> AsyncIterator[Database]:
    database = create_database(postgres_settings, "identity")
    try:
        await identity_migrations(database).upgrade()
        yield database
    finally:
        await database.drop()


async def test_login_latency_with_concurrent_clients(
    postgres_identity: Database, postgres_settings: Settings
) -> None:
    # given 50 accounts of one college, each with an argon2id password
    stored = hash_password(PASSWORD)
    async with postgres_identity.transaction() as session:
        college = await make_college(session)
        emails = [
            (await make_account(session, college=college, password_hash=stored)).email
            for _ in range(CLIENTS)
        ]
    platform = Platform.from_settings(postgres_settings)
    issuer = TokenIssuer.from_settings(postgres_settings, platform.keys)
    throttle = LoginThrottle(platform.cache)
    settings = IdentitySettings.model_construct()

    async def one_login(email: str) -> float:
        started = time.perf_counter()
        async with postgres_identity.transaction() as session:
            await sessions.login(
                session,
                issuer=issuer,
                throttle=throttle,
                settings=settings,
                college_id=college.id,
                email=email,
                password=PASSWORD,
                ip="10.0.0.1",
            )
        return time.perf_counter() - started

    # when every client logs in at once, twice over
    latencies: list[float] = []
    wall = time.perf_counter()
    for _ in range(ROUNDS):
        latencies += await asyncio.gather(*(one_login(email) for email in emails))
    wall = time.perf_counter() - wall
    await platform.cache.close()

    # then every login succeeded; the figures are printed, not asserted
    assert len(latencies) == CLIENTS * ROUNDS
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
    print(
        f"\nlogin, {CLIENTS} concurrent clients x {ROUNDS} rounds on PostgreSQL: "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {ordered[-1] * 1000:.0f} ms, "
        f"{len(latencies) / wall:.1f} logins/s"
    )

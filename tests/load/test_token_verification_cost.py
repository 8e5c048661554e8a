"""What the revocation check adds to verifying a bearer token, per request.

Run: ``.venv/bin/python -m pytest tests/load/test_token_verification_cost.py``
(pytest-benchmark prints a table). Nothing here asserts speed: the figures are
measured and reported in docs/auth.md ("Revocation").
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from shared.auth import (
    KeyStore,
    LocalTokenVerifier,
    Principal,
    RevocationCheckingVerifier,
    RevocationList,
    TokenIssuer,
    TokenVerifier,
)
from shared.cache import Cache, create_cache
from shared.config import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    return KeyStore.open(tmp_path / "keys")


def _run(
    loop: asyncio.AbstractEventLoop, verifier: TokenVerifier, token: str
) -> Callable[[], Principal]:
    return lambda: loop.run_until_complete(verifier.verify(token))


@pytest.mark.parametrize("check", ["signature only", "with revocation"])
def test_verification_cost(
    benchmark: BenchmarkFixture,
    loop: asyncio.AbstractEventLoop,
    store: KeyStore,
    cache_settings: Settings,
    check: str,
) -> None:
    # given a valid ES256 token, and the list holding an entry for another user
    token = TokenIssuer(store, issuer="lms", audience="lms", access_ttl=900).issue(
        Principal(user_id="u1", session_id="s1", permissions=frozenset({"course:read"}))
    )
    verifier: TokenVerifier = LocalTokenVerifier(store, issuer="lms", audience="lms")
    cache: Cache = create_cache(cache_settings)
    if check == "with revocation":
        revocations = RevocationList(cache, ttl=960)
        loop.run_until_complete(revocations.revoke_user("someone-else"))
        verifier = RevocationCheckingVerifier(verifier, revocations)
    benchmark.extra_info["cache"] = cache_settings.cache_backend
    try:
        # when it is verified many times
        principal = benchmark(_run(loop, verifier, token))
    finally:
        loop.run_until_complete(cache.close())

    # then every verification accepted it
    assert principal.user_id == "u1"

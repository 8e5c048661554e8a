"""Fixtures and helpers of the sign-in tests: a platform (keys, cache, verifier) on each backend.

Test modules import the fixtures they use from here. ``cache_backend`` is
``memory`` unless a test parametrizes it (``@pytest.mark.parametrize("cache_backend",
["memory", "redis"])``), which it does where the cache decides the outcome
(throttling, revocation).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from argon2 import PasswordHasher

from shared.auth import TokenIssuer
from shared.auth.revocation import RevocationList
from shared.auth.tokens import TokenVerifier
from shared.config import Settings
from shared.db import Database
from shared.runtime import Platform
from subgraphs.identity import sessions
from subgraphs.identity.lockout import LockoutSettings, LoginThrottle, Thresholds
from subgraphs.identity.models import Account, AccountKind, AccountStatus, College
from subgraphs.identity.passwords import DEFAULT_HASHER, hash_password
from subgraphs.identity.sessions import SessionTokens
from subgraphs.identity.settings import IdentitySettings
from tests.factories.identity import make_account

__all__ = ["PASSWORD", "SignInKit", "cache_backend", "kit", "make_member", "sign_in"]

PASSWORD = "correct horse battery staple"
LOCKOUT = LockoutSettings(
    window=900,
    backoff_base=1,
    backoff_max=4,
    lock_duration=600,
    account=Thresholds(free_failures=3, lock_failures=3),
    ip=Thresholds(free_failures=50, lock_failures=100),
)
"""Small thresholds: the account is locked at the third failure."""


@dataclass
class SignInKit:
    """What the sign-in functions need, on the test's database and cache."""

    db: Database
    platform: Platform
    issuer: TokenIssuer
    throttle: LoginThrottle
    settings: IdentitySettings

    @property
    def revocations(self) -> RevocationList:
        return self.platform.revocations

    @property
    def verifier(self) -> TokenVerifier:
        return self.platform.verifier


@pytest.fixture
def cache_backend() -> str:
    return "memory"


@pytest.fixture
async def kit(
    identity_db: Database, db_settings: Settings, cache_backend: str, request: pytest.FixtureRequest
) -> AsyncIterator[SignInKit]:
    settings = db_settings
    if cache_backend == "redis":
        redis: Settings = request.getfixturevalue("redis_settings")
        settings = settings.with_overrides(
            cache_backend="redis",
            redis_url=redis.redis_url,
            cache_key_prefix=redis.cache_key_prefix,
        )
    platform = Platform.from_settings(settings)
    try:
        yield SignInKit(
            db=identity_db,
            platform=platform,
            issuer=TokenIssuer.from_settings(settings, platform.keys),
            throttle=LoginThrottle(platform.cache, LOCKOUT),
            settings=IdentitySettings.model_construct(),
        )
    finally:
        await platform.cache.close()


async def make_member(
    kit: SignInKit,
    college: College | None,
    *,
    email: str | None = None,
    password: str | None = PASSWORD,
    status: AccountStatus = AccountStatus.ACTIVE,
    roles: tuple[str, ...] = (),
    hasher: PasswordHasher = DEFAULT_HASHER,
    **fields: Any,
) -> Account:
    """An account of ``college`` whose password is ``password`` (``None``: none set)."""
    async with kit.db.transaction() as session:
        account = await make_account(
            session,
            college=college,
            email=email,
            status=status,
            roles=roles,
            kind=AccountKind.STAFF if college is not None else AccountKind.PLATFORM,
            password_hash=hash_password(password, hasher=hasher) if password else None,
        )
        for name, value in fields.items():
            setattr(account, name, value)
    return account


async def sign_in(
    kit: SignInKit,
    college: College | None,
    email: str,
    password: str = PASSWORD,
    **kwargs: Any,
) -> SessionTokens:
    """:func:`sessions.login` in a transaction of its own, as a resolver calls it."""
    async with kit.db.transaction() as session:
        return await sessions.login(
            session,
            issuer=kit.issuer,
            throttle=kit.throttle,
            settings=kit.settings,
            college_id=college.id if college is not None else None,
            email=email,
            password=password,
            **kwargs,
        )

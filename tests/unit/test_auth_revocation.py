"""The revocation list on the embedded cache, with a clock the tests move."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.auth import (
    REVOKED_MESSAGE,
    KeyStore,
    LocalTokenVerifier,
    Principal,
    RevocationCheckingVerifier,
    RevocationList,
    TokenIssuer,
)
from shared.cache import MemoryCache
from shared.config import Settings
from shared.errors import AuthenticationError

T0 = 1_800_000_000.0


class WallClock:
    """Seconds since the epoch, moved by hand; also drives the cache's expiry."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


@pytest.fixture
def revocations(clock: WallClock) -> RevocationList:
    return RevocationList(MemoryCache(clock=clock), ttl=900, clock=clock)


def user(issued_at: float | None, *, session: str | None = "s1") -> Principal:
    return Principal(user_id="u1", college_id="c1", session_id=session, issued_at=issued_at)


async def test_tokens_issued_before_a_user_revocation_are_refused(
    revocations: RevocationList, clock: WallClock
) -> None:
    # given a token issued a minute ago
    old = user(T0 - 60)

    # when the user is revoked now
    at = await revocations.revoke_user("u1")

    # then the revocation takes effect at the next millisecond boundary: the old token
    # and one issued in the same millisecond as the call are refused, later ones are not
    assert at == T0 + 0.001
    assert await revocations.is_revoked(old)
    assert await revocations.is_revoked(user(T0))
    assert not await revocations.is_revoked(user(T0 + 0.001))
    with pytest.raises(AuthenticationError, match=REVOKED_MESSAGE):
        await revocations.check(old)


async def test_a_session_revocation_refuses_only_that_session(
    revocations: RevocationList,
) -> None:
    # given two sessions of one user, both issued before now
    phone, laptop = user(T0 - 5, session="phone"), user(T0 - 5, session="laptop")

    # when the phone's session is revoked
    await revocations.revoke_session("phone")

    # then the phone is refused and the laptop keeps working, as does another user
    assert await revocations.is_revoked(phone)
    assert not await revocations.is_revoked(laptop)
    assert not await revocations.is_revoked(
        Principal(user_id="u2", session_id="phone-of-u2", issued_at=T0 - 5)
    )


async def test_entries_expire_with_the_tokens_they_refuse(
    revocations: RevocationList, clock: WallClock
) -> None:
    # given a revocation of a user
    await revocations.revoke_user("u1")
    assert await revocations.is_revoked(user(T0 - 1))

    # when the access-token lifetime has passed
    clock.now += 900.5

    # then the entry is gone (any token it refused has expired by now)
    assert await revocations.cache.get("auth:revoked:user:u1") is None


async def test_a_later_revocation_is_never_lowered(
    revocations: RevocationList, clock: WallClock
) -> None:
    # given a revocation now
    await revocations.revoke_user("u1")

    # when an earlier revocation time is recorded afterwards
    kept = await revocations.revoke_user("u1", before=T0 - 100)

    # then the later time stays in force
    assert kept == T0 + 0.001
    assert await revocations.is_revoked(user(T0 - 50))


async def test_a_revocation_older_than_any_token_stores_nothing(
    revocations: RevocationList,
) -> None:
    # given a revocation time further back than the longest token lifetime
    # when it is recorded
    await revocations.revoke_user("u1", before=T0 - 1000)

    # then nothing is stored: every token it would refuse has expired
    assert await revocations.cache.get("auth:revoked:user:u1") is None


async def test_principals_without_issue_time_are_refused_once_revoked(
    revocations: RevocationList,
) -> None:
    # given a principal whose token carried no iat, and the anonymous caller
    undated = user(None)

    # then before any revocation both pass
    assert not await revocations.is_revoked(undated)
    assert not await revocations.is_revoked(Principal.anonymous())

    # when the user is revoked, the undated principal is refused (its age is unknown)
    await revocations.revoke_user("u1")
    assert await revocations.is_revoked(undated)
    assert not await revocations.is_revoked(Principal.anonymous())


async def test_a_malformed_entry_refuses_rather_than_trusts(
    revocations: RevocationList,
) -> None:
    # given an entry that is no number (written by something else)
    await revocations.cache.set("auth:revoked:user:u1", b"garbage", ttl=60)

    # then the user's tokens are refused
    assert await revocations.is_revoked(user(T0))


async def test_empty_ids_and_bad_ttl_are_refused(clock: WallClock) -> None:
    revocations = RevocationList(MemoryCache(clock=clock), ttl=60, clock=clock)
    with pytest.raises(ValueError, match="user_id is empty"):
        await revocations.revoke_user("")
    with pytest.raises(ValueError, match="session_id is empty"):
        await revocations.revoke_session("")
    with pytest.raises(ValueError, match="ttl must be positive"):
        RevocationList(MemoryCache(), ttl=0)


def test_from_settings_outlives_the_access_token_lifetime(tmp_path: Path) -> None:
    # given an access-token lifetime of 10 minutes
    settings = Settings.load({}, data_dir=tmp_path, jwt_access_ttl=600)

    # when the list is made from settings
    revocations = RevocationList.from_settings(settings, MemoryCache())

    # then its entries last longer than a token plus the verifier's leeway
    assert revocations.ttl > 600 + 30


async def test_the_checking_verifier_refuses_revoked_real_tokens(tmp_path: Path) -> None:
    # given a verifier over a key store, wrapped with a revocation list
    store = KeyStore.open(tmp_path / "keys")
    issuer = TokenIssuer(store, issuer="lms", audience="lms", access_ttl=900)
    revocations = RevocationList(MemoryCache(), ttl=960)
    verifier = RevocationCheckingVerifier(
        LocalTokenVerifier(store, issuer="lms", audience="lms"), revocations
    )
    before = issuer.issue(Principal(user_id="u1", session_id="s1"))
    assert (await verifier.verify(before)).issued_at is not None

    # when the user is revoked and then logs in again
    await revocations.revoke_user("u1")
    after = issuer.issue(Principal(user_id="u1", session_id="s2"))

    # then the old token is refused with the session-ended message, the new one works
    with pytest.raises(AuthenticationError, match=REVOKED_MESSAGE) as caught:
        await verifier.verify(before)
    assert caught.value.code == "UNAUTHENTICATED"
    assert (await verifier.verify(after)).session_id == "s2"


def test_issued_at_round_trips_through_claims_and_is_not_identity() -> None:
    # given a principal read from a token issued at a millisecond instant
    principal = Principal(user_id="u1", kind="user", issued_at=T0 + 0.123)

    # when it is turned into claims and back
    claims = principal.to_claims()
    again = Principal.from_claims(claims)

    # then the issue time survives, and does not change who the principal is
    assert claims["iat"] == T0 + 0.123
    assert again.issued_at == T0 + 0.123
    assert again == Principal(user_id="u1")
    with pytest.raises(AuthenticationError, match="'iat' must be a number"):
        Principal.from_claims({**claims, "iat": "yesterday"})

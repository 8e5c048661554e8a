"""API keys: creation within the creator's rights, listing, rotation grace, revocation, use."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from shared.auth.principal import Principal
from shared.db import Database
from shared.errors import AuthenticationError, DomainError, NotFoundError, PermissionDenied
from subgraphs.identity import api_keys
from subgraphs.identity.models import ApiKey, College, CollegeStatus
from tests.factories.identity import college_admin, make_college, outbox_events, principal

NOW = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)


async def _key(
    database: Database, college: College, *scopes: str, **kwargs: object
) -> api_keys.IssuedApiKey:
    async with database.transaction() as session:
        return await api_keys.create_api_key(
            session,
            actor=college_admin(college),
            name="Timetable sync",
            scopes=list(scopes or ("course:read",)),
            now=NOW,
            **kwargs,  # type: ignore[arg-type]
        )


async def _authenticate(database: Database, raw: str, now: datetime = NOW) -> Principal:
    async with database.transaction() as session:
        return await api_keys.authenticate_api_key(session, raw, now=now)


# -- create -----------------------------------------------------------------------------------
async def test_create_returns_the_secret_once_and_stores_only_its_hash(
    identity_db: Database,
) -> None:
    # given a college and its admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    admin = college_admin(college)
    # when the admin creates a key with two scopes
    async with identity_db.transaction() as session:
        issued = await api_keys.create_api_key(
            session,
            actor=admin,
            name="  Timetable   sync ",
            scopes=["course:read", "enrollment:read", "course:read"],
            expires_at=NOW + timedelta(days=90),
            now=NOW,
        )
    # then the secret has the documented form and only its hash is stored
    head, prefix, secret = issued.secret.split("_", 2)
    assert (head, prefix) == ("lms", issued.key.prefix)
    assert len(secret) >= 43  # 32 random bytes, url-safe base64
    async with identity_db.session() as session:
        stored = await session.get(ApiKey, issued.key.id)
        assert stored is not None
        assert stored.secret_hash == api_keys.hash_secret(secret)
        assert secret not in (stored.secret_hash, stored.prefix, stored.name)
        assert (stored.name, stored.scopes) == (
            "Timetable sync",
            ["course:read", "enrollment:read"],
        )
        assert (stored.college_id, stored.created_by) == (college.id, admin.user_id)
        (event,) = await outbox_events(session, "college.apikey_created")
    # and the event names the key without its secret
    assert (event.tenant, event.subject) == (college.id, issued.key.id)
    assert event.data["scopes"] == ["course:read", "enrollment:read"]
    assert secret not in str(event.data)


async def test_a_key_never_holds_more_than_its_creator(identity_db: Database) -> None:
    # given a person holding apikey:manage and course:read only
    async with identity_db.transaction() as session:
        college = await make_college(session)
    actor = principal(college, "apikey:manage", "course:read")
    # when they ask for a key with grade:write
    with pytest.raises(PermissionDenied) as caught:
        async with identity_db.transaction() as session:
            await api_keys.create_api_key(
                session, actor=actor, name="k", scopes=["course:read", "grade:write"]
            )
    # then it is refused, naming the permission, and no key exists
    assert caught.value.permission == "grade:write"
    async with identity_db.session() as session:
        assert await api_keys.list_api_keys(session, actor=college_admin(college)) == []


@pytest.mark.parametrize(
    ("scopes", "code"),
    [
        ([], "INVALID_SCOPES"),
        (["course:*"], "UNKNOWN_PERMISSION"),
        (["college:create"], "UNKNOWN_PERMISSION"),
        (["nothing:here"], "UNKNOWN_PERMISSION"),
    ],
)
async def test_scopes_come_from_the_catalogue(
    identity_db: Database, scopes: list[str], code: str
) -> None:
    # given a college admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    # when a key is asked for with scopes outside the catalogue (or none)
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await api_keys.create_api_key(
                session, actor=college_admin(college), name="k", scopes=scopes
            )
    # then the scopes are refused
    assert (caught.value.code_name, caught.value.field) == (code, "scopes")


@pytest.mark.parametrize(
    "expires_in", [timedelta(0), timedelta(days=-1), timedelta(days=365, seconds=1)]
)
async def test_expiry_is_in_the_future_and_at_most_the_max_lifetime(
    identity_db: Database, expires_in: timedelta
) -> None:
    # given a college admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    # when a key would expire now, in the past or beyond a year
    with pytest.raises(DomainError) as caught:
        await _key(identity_db, college, expires_at=NOW + expires_in)
    # then the expiry is refused
    assert (caught.value.code_name, caught.value.field) == ("INVALID_EXPIRY", "expires_at")


async def test_permission_tenancy_and_keys_minting_keys_are_refused(identity_db: Database) -> None:
    # given two colleges
    async with identity_db.transaction() as session:
        college = await make_college(session)
        other = await make_college(session)
    # when a teacher without apikey:manage creates a key, then it is forbidden
    with pytest.raises(PermissionDenied):
        async with identity_db.transaction() as session:
            await api_keys.create_api_key(
                session, actor=principal(college, "course:read"), name="k", scopes=["course:read"]
            )
    # when an admin names another college, then it is forbidden
    with pytest.raises(PermissionDenied):
        async with identity_db.transaction() as session:
            await api_keys.create_api_key(
                session,
                actor=college_admin(college),
                name="k",
                scopes=["course:read"],
                college_id=other.id,
            )
    # when an API key holding apikey:manage tries to make another key, then it is forbidden
    issued = await _key(identity_db, college, "apikey:manage", "course:read")
    key_principal = await _authenticate(identity_db, issued.secret)
    with pytest.raises(PermissionDenied):
        async with identity_db.transaction() as session:
            await api_keys.create_api_key(
                session,
                actor=key_principal,
                name="k2",
                scopes=["course:read"],
            )


async def test_suspended_college_gets_no_new_keys_and_its_keys_stop(identity_db: Database) -> None:
    # given a key of a college that is then suspended
    async with identity_db.transaction() as session:
        college = await make_college(session)
    issued = await _key(identity_db, college)
    async with identity_db.transaction() as session:
        row = await session.get(College, college.id)
        assert row is not None
        row.status = CollegeStatus.SUSPENDED
    # when the key is used, then it is refused
    with pytest.raises(AuthenticationError):
        await _authenticate(identity_db, issued.secret)
    # when a new key is asked for, then the college is suspended
    with pytest.raises(DomainError) as caught:
        await _key(identity_db, college)
    assert caught.value.code_name == "COLLEGE_SUSPENDED"


# -- list and get -----------------------------------------------------------------------------
async def test_list_shows_own_college_keys_and_hides_revoked_unless_asked(
    identity_db: Database,
) -> None:
    # given two keys of one college (one revoked) and a key of another college
    async with identity_db.transaction() as session:
        college = await make_college(session)
        other = await make_college(session)
    kept = await _key(identity_db, college)
    gone = await _key(identity_db, college)
    foreign = await _key(identity_db, other)
    admin = college_admin(college)
    async with identity_db.transaction() as session:
        await api_keys.revoke_api_key(session, actor=admin, key_id=gone.key.id, now=NOW)
    # when the admin lists keys
    async with identity_db.session() as session:
        live = await api_keys.list_api_keys(session, actor=admin)
        every = await api_keys.list_api_keys(session, actor=admin, include_revoked=True)
        # then only the college's keys appear, revoked ones on request
        assert [k.id for k in live] == [kept.key.id]
        assert {k.id for k in every} == {kept.key.id, gone.key.id}
        # and another college's key is not found, not forbidden
        with pytest.raises(NotFoundError):
            await api_keys.get_api_key(session, actor=admin, key_id=foreign.key.id)
        # and listing needs apikey:manage
        with pytest.raises(PermissionDenied):
            await api_keys.list_api_keys(session, actor=principal(college, "user:read"))


# -- authenticate -----------------------------------------------------------------------------
async def test_authenticate_gives_the_key_principal_and_counts_use(identity_db: Database) -> None:
    # given a key with two scopes
    async with identity_db.transaction() as session:
        college = await make_college(session)
    issued = await _key(identity_db, college, "course:read", "grade:read")
    # when it is used three times
    for minute in range(3):
        found = await _authenticate(identity_db, issued.secret, NOW + timedelta(minutes=minute))
    # then it is a principal of kind api_key in its college, limited to its scopes
    assert found == Principal(
        user_id=issued.key.id,
        college_id=college.id,
        permissions=frozenset({"course:read", "grade:read"}),
        scopes=frozenset({"course:read", "grade:read"}),
        kind="api_key",
    )
    assert found.has("course:read")
    assert not found.has("grade:write")
    # and the use is counted, with the time of the last use
    async with identity_db.session() as session:
        stored = await session.get(ApiKey, issued.key.id)
        assert stored is not None
        assert stored.usage_count == 3
        assert stored.last_used_at is not None
        assert stored.last_used_at.replace(tzinfo=UTC) == NOW + timedelta(minutes=2)
        # and use is not an event
        assert [e.type for e in await outbox_events(session)] == ["college.apikey_created"]


async def test_every_refusal_looks_the_same_and_the_log_says_why(
    identity_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    # given a live key, a revoked key and a key that expired
    async with identity_db.transaction() as session:
        college = await make_college(session)
    live = await _key(identity_db, college)
    revoked = await _key(identity_db, college)
    expiring = await _key(identity_db, college, expires_at=NOW + timedelta(days=1))
    async with identity_db.transaction() as session:
        await api_keys.revoke_api_key(
            session, actor=college_admin(college), key_id=revoked.key.id, now=NOW
        )
    later = NOW + timedelta(days=2)
    cases = {
        "malformed": "not-a-key",
        "unknown prefix": "lms_000000000000_" + "x" * 43,
        "wrong secret": f"lms_{live.key.prefix}_" + "x" * 43,
        "revoked": revoked.secret,
        "expired": expiring.secret,
    }
    for reason, raw in cases.items():
        caplog.clear()
        # when the key is presented
        with (
            caplog.at_level(logging.INFO, logger="subgraphs.identity.api_keys"),
            pytest.raises(AuthenticationError) as caught,
        ):
            await _authenticate(identity_db, raw, later)
        # then the caller learns only that it is invalid, and the log names the reason
        assert caught.value.message == "Invalid API key."
        assert reason in caplog.text
        assert raw.split("_", 2)[-1] not in caplog.text or reason == "malformed"
    # and refused attempts count no use
    async with identity_db.session() as session:
        stored = await session.get(ApiKey, live.key.id)
        assert stored is not None
        assert stored.usage_count == 0


# -- rotate and revoke ------------------------------------------------------------------------
async def test_rotation_keeps_the_previous_secret_for_the_grace_period(
    identity_db: Database,
) -> None:
    # given a key, rotated with a 24-hour grace
    async with identity_db.transaction() as session:
        college = await make_college(session)
    old = await _key(identity_db, college)
    async with identity_db.transaction() as session:
        new = await api_keys.rotate_api_key(
            session,
            actor=college_admin(college),
            key_id=old.key.id,
            grace=timedelta(hours=24),
            now=NOW,
        )
    # then the key keeps its prefix and gets a new secret
    assert new.key.prefix == old.key.prefix
    assert new.secret != old.secret
    # when both are used within the grace period, then both work
    soon = NOW + timedelta(hours=23)
    await _authenticate(identity_db, old.secret, soon)
    await _authenticate(identity_db, new.secret, soon)
    # when the grace period is over, then only the new secret works
    after = NOW + timedelta(hours=24)
    with pytest.raises(AuthenticationError):
        await _authenticate(identity_db, old.secret, after)
    await _authenticate(identity_db, new.secret, after)
    async with identity_db.session() as session:
        (event,) = await outbox_events(session, "college.apikey_rotated")
    assert event.data["previous_valid_until"] == (NOW + timedelta(hours=24)).isoformat()


async def test_a_second_rotation_ends_the_first_secret_at_once(identity_db: Database) -> None:
    # given a key rotated twice within the grace period
    async with identity_db.transaction() as session:
        college = await make_college(session)
    first = await _key(identity_db, college)
    admin = college_admin(college)
    async with identity_db.transaction() as session:
        second = await api_keys.rotate_api_key(session, actor=admin, key_id=first.key.id, now=NOW)
    async with identity_db.transaction() as session:
        third = await api_keys.rotate_api_key(session, actor=admin, key_id=first.key.id, now=NOW)
    # when the three secrets are used an hour later
    soon = NOW + timedelta(hours=1)
    # then the first no longer works, the second (previous) and third (current) do
    with pytest.raises(AuthenticationError):
        await _authenticate(identity_db, first.secret, soon)
    await _authenticate(identity_db, second.secret, soon)
    await _authenticate(identity_db, third.secret, soon)


async def test_rotation_needs_the_scopes_and_a_live_key(identity_db: Database) -> None:
    # given a key with grade:write, and a manager of keys without grade:write
    async with identity_db.transaction() as session:
        college = await make_college(session)
        other = await make_college(session)
    issued = await _key(identity_db, college, "grade:write")
    expiring = await _key(identity_db, college, expires_at=NOW + timedelta(hours=1))
    # when the manager rotates it, then it is forbidden
    with pytest.raises(PermissionDenied):
        async with identity_db.transaction() as session:
            await api_keys.rotate_api_key(
                session, actor=principal(college, "apikey:manage"), key_id=issued.key.id, now=NOW
            )
    # when another college's admin rotates it, then it is not found
    with pytest.raises(NotFoundError):
        async with identity_db.transaction() as session:
            await api_keys.rotate_api_key(
                session, actor=college_admin(other), key_id=issued.key.id, now=NOW
            )
    # when an expired key is rotated, then it is refused
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await api_keys.rotate_api_key(
                session,
                actor=college_admin(college),
                key_id=expiring.key.id,
                now=NOW + timedelta(hours=2),
            )
    assert caught.value.code_name == "API_KEY_EXPIRED"
    # and the first key still authenticates with its original secret
    await _authenticate(identity_db, issued.secret)


async def test_revoke_stops_current_and_previous_secrets(identity_db: Database) -> None:
    # given a key just rotated (so its previous secret is in grace)
    async with identity_db.transaction() as session:
        college = await make_college(session)
    old = await _key(identity_db, college)
    admin = college_admin(college)
    async with identity_db.transaction() as session:
        new = await api_keys.rotate_api_key(session, actor=admin, key_id=old.key.id, now=NOW)
    # when it is revoked
    async with identity_db.transaction() as session:
        await api_keys.revoke_api_key(session, actor=admin, key_id=old.key.id, now=NOW)
    # then neither secret works
    for raw in (old.secret, new.secret):
        with pytest.raises(AuthenticationError):
            await _authenticate(identity_db, raw, NOW + timedelta(minutes=1))
    # and revoking again or rotating is refused
    for call in (api_keys.revoke_api_key, api_keys.rotate_api_key):
        with pytest.raises(DomainError) as caught:
            async with identity_db.transaction() as session:
                await call(session, actor=admin, key_id=old.key.id, now=NOW)
        assert caught.value.code_name == "API_KEY_REVOKED"
    async with identity_db.session() as session:
        (event,) = await outbox_events(session, "college.apikey_revoked")
    assert (event.subject, event.data["actor_id"]) == (old.key.id, admin.user_id)


async def test_another_college_cannot_revoke(identity_db: Database) -> None:
    # given a key of one college
    async with identity_db.transaction() as session:
        college = await make_college(session)
        other = await make_college(session)
    issued = await _key(identity_db, college)
    # when another college's admin revokes it, then it is not found and the key still works
    with pytest.raises(NotFoundError):
        async with identity_db.transaction() as session:
            await api_keys.revoke_api_key(session, actor=college_admin(other), key_id=issued.key.id)
    await _authenticate(identity_db, issued.secret)

"""Identity's API-key exchange route: ``POST /internal/api-key-token``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import update

from shared.app import create_app
from shared.auth import LocalTokenVerifier
from shared.auth.internal import INTERNAL_TOKEN_HEADER
from shared.config import Settings
from shared.db import utcnow
from shared.runtime import Platform
from shared.service import Service
from subgraphs.identity import api_keys
from subgraphs.identity.api_key_route import API_KEY_TOKEN_PATH
from subgraphs.identity.app import SERVICE
from subgraphs.identity.models import ApiKey, College
from tests.factories.identity import college_admin, make_college, outbox_events

PUBLIC_CLIENT = ("93.184.216.34", 40000)


@asynccontextmanager
async def running(
    settings: Settings, *, client: tuple[str, int] = ("127.0.0.1", 123)
) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    """Identity's app on ``settings``, migrated and started, and a client calling from
    ``client``'s address."""
    platform = Platform.from_settings(settings.with_overrides(auto_migrate=False))
    service = platform.add(SERVICE)
    await service.migrations.upgrade()
    app = create_app(platform, graphql={"/graphql": service}, name="identity")
    transport = httpx.ASGITransport(app=app, client=client)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://identity") as http,
        ):
            yield service, http
    finally:
        await service.database.drop()


async def _college_and_key(service: Service, **kwargs: object) -> tuple[College, str, str]:
    async with service.database.transaction() as session:
        college = await make_college(session)
        issued = await api_keys.create_api_key(
            session,
            actor=college_admin(college),
            name="Reporting",
            scopes=["audit:read", "course:read"],
            **kwargs,  # type: ignore[arg-type]
        )
    return college, issued.key.id, issued.secret


def _verifier(service: Service) -> LocalTokenVerifier:
    settings = service.platform.settings
    return LocalTokenVerifier(
        service.platform.keys, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )


async def test_a_valid_key_gets_a_short_token_of_its_principal(db_settings: Settings) -> None:
    async with running(db_settings.with_overrides(api_key_token_ttl=120)) as (service, http):
        # given a college with an API key scoped to audit:read and course:read
        college, key_id, secret = await _college_and_key(service)
        # when the key is exchanged
        response = await http.post(API_KEY_TOKEN_PATH, json={"key": secret})
        # then the answer is a bearer token of the configured lifetime, never cached
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["token_type"], body["expires_in"]) == ("Bearer", 120)
        assert response.headers["cache-control"] == "no-store"
        # and the platform's verifier reads the key's principal from it
        principal = await _verifier(service).verify(body["access_token"])
        assert principal.kind == "api_key"
        assert (principal.user_id, principal.college_id) == (key_id, college.id)
        assert principal.permissions == principal.scopes == {"audit:read", "course:read"}
        assert principal.has("audit:read")
        assert not principal.has("course:create")
        # and the exchange counted as one use of the key, committed
        async with service.database.session() as session:
            row = await session.get(ApiKey, key_id)
        assert row is not None
        assert row.usage_count == 1


async def test_revoked_expired_and_unknown_keys_are_refused(db_settings: Settings) -> None:
    async with running(db_settings) as (service, http):
        # given a revoked key, a key that has expired and a key nobody issued
        college, revoked_id, revoked = await _college_and_key(service)
        async with service.database.transaction() as session:
            await api_keys.revoke_api_key(session, actor=college_admin(college), key_id=revoked_id)
        _, _, expired = await _college_and_key(service)
        async with service.database.transaction() as session:
            await session.execute(
                update(ApiKey)
                .where(ApiKey.prefix == expired.split("_")[1])
                .values(expires_at=utcnow() - timedelta(minutes=1))
            )
        unknown = "lms_0123456789ab_" + "x" * 43
        # when each is exchanged
        for key in (revoked, expired, unknown, "not-a-key"):
            response = await http.post(API_KEY_TOKEN_PATH, json={"key": key})
            # then each gets the same 401 with a JSON error
            assert response.status_code == 401, key
            assert response.json() == {"error": "invalid_api_key", "message": "Invalid API key."}


async def test_a_body_without_a_key_is_a_bad_request(db_settings: Settings) -> None:
    async with running(db_settings) as (_, http):
        # when the body is not {"key": "..."}
        for body in (b"", b"[]", b'{"key": 5}', b"{not json"):
            response = await http.post(API_KEY_TOKEN_PATH, content=body)
            # then the exchange answers 400
            assert response.status_code == 400
            assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("db_settings", ["sqlite"], indirect=True)
async def test_with_the_internal_token_set_a_caller_without_it_is_forbidden(
    db_settings: Settings,
) -> None:
    settings = db_settings.with_overrides(internal_token=SecretStr("s3cret-internal"))
    async with running(settings) as (service, http):
        # given a valid key
        _, _, secret = await _college_and_key(service)
        # when it is exchanged without the internal token, or with a wrong one
        missing = await http.post(API_KEY_TOKEN_PATH, json={"key": secret})
        wrong = await http.post(
            API_KEY_TOKEN_PATH, json={"key": secret}, headers={INTERNAL_TOKEN_HEADER: "nope"}
        )
        # then both are forbidden, even from loopback
        assert (missing.status_code, wrong.status_code) == (403, 403)
        assert missing.json()["error"] == "forbidden"
        # and with the token the exchange works
        right = await http.post(
            API_KEY_TOKEN_PATH,
            json={"key": secret},
            headers={INTERNAL_TOKEN_HEADER: "s3cret-internal"},
        )
        assert right.status_code == 200


@pytest.mark.parametrize("db_settings", ["sqlite"], indirect=True)
async def test_without_the_token_only_internal_addresses_are_served(
    db_settings: Settings,
) -> None:
    # given identity without an internal token, called from a public address
    async with running(db_settings, client=PUBLIC_CLIENT) as (service, http):
        _, key_id, secret = await _college_and_key(service)
        # when the public caller exchanges a valid key
        response = await http.post(API_KEY_TOKEN_PATH, json={"key": secret})
        # then it is forbidden and the key was not used
        assert response.status_code == 403
        async with service.database.session() as session:
            row = await session.get(ApiKey, key_id)
        assert row is not None
        assert row.usage_count == 0


async def test_each_exchange_records_one_use_of_the_key_in_its_transaction(
    db_settings: Settings,
) -> None:
    async with running(db_settings) as (service, http):
        # given a college with an API key
        college, key_id, secret = await _college_and_key(service)
        # when the key is exchanged twice (a gateway's cache expiring once)
        for _ in range(2):
            response = await http.post(API_KEY_TOKEN_PATH, json={"key": secret})
            assert response.status_code == 200, response.text
        # then each exchange wrote one college.apikey_used, as many as the key's uses
        async with service.database.session() as session:
            used = await outbox_events(session, "college.apikey_used")
            row = await session.get(ApiKey, key_id)
        assert row is not None
        assert len(used) == row.usage_count == 2
        # and each names the key, its prefix and the caller's address, never the secret
        prefix = secret.split("_")[1]
        for event in used:
            assert (event.subject, event.tenant) == (key_id, college.id)
            assert event.data == {
                "key_id": key_id,
                "prefix": prefix,
                "ip": "127.0.0.1",
                "actor_id": key_id,
            }
            assert secret.split("_", 2)[2] not in event.to_json().decode()


async def test_a_revoked_or_expired_key_records_its_refusal_and_others_record_nothing(
    db_settings: Settings,
) -> None:
    async with running(db_settings) as (service, http):
        # given a revoked key and an expired key
        college, revoked_id, revoked = await _college_and_key(service)
        async with service.database.transaction() as session:
            await api_keys.revoke_api_key(session, actor=college_admin(college), key_id=revoked_id)
        _, expired_id, expired = await _college_and_key(service)
        async with service.database.transaction() as session:
            await session.execute(
                update(ApiKey)
                .where(ApiKey.id == expired_id)
                .values(expires_at=utcnow() - timedelta(minutes=1))
            )
        # when each is exchanged with its secret
        for key in (revoked, expired):
            assert (await http.post(API_KEY_TOKEN_PATH, json={"key": key})).status_code == 401
        # then each refusal is recorded once with its reason
        async with service.database.session() as session:
            refused = await outbox_events(session, "college.apikey_refused")
        reasons = {event.subject: (event.tenant, event.data["reason"]) for event in refused}
        assert len(refused) == 2
        assert reasons[revoked_id] == (college.id, "revoked")
        assert reasons[expired_id][1] == "expired"
        assert {event.data["ip"] for event in refused} == {"127.0.0.1"}
        # when an unknown key, a malformed one and the revoked key's prefix with a
        # wrong secret are exchanged
        unknown = "lms_0123456789ab_" + "x" * 43
        wrong_secret = f"lms_{revoked.split('_')[1]}_" + "y" * 43
        for key in (unknown, "not-a-key", wrong_secret):
            assert (await http.post(API_KEY_TOKEN_PATH, json={"key": key})).status_code == 401
        # then nothing more is recorded, neither as refused nor as used
        async with service.database.session() as session:
            assert len(await outbox_events(session, "college.apikey_refused")) == 2
            assert await outbox_events(session, "college.apikey_used") == []

"""API keys over GraphQL with real tokens, on SQLite and PostgreSQL: the secret is shown once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.errors import AuthenticationError
from subgraphs.identity import api_keys
from tests.integration.identity.graphql_app import (
    IdentityApp,
    World,
    error_codes,
    gid,
    identity_app,
    world,
)

__all__ = ["identity_app", "world"]

KEY_FIELDS = (
    "id name prefix scopes createdAt expiresAt revokedAt lastUsedAt usageCount "
    "previousSecretValidUntil"
)
CREATE = f"""
mutation($input: ApiKeyCreateInput!) {{
  apiKeyCreate(input: $input) {{ apiKey {{ {KEY_FIELDS} }} secret errors {{ field code message }} }}
}}
"""
ROTATE = f"""
mutation($id: ID!) {{
  apiKeyRotate(input: {{id: $id}}) {{ apiKey {{ {KEY_FIELDS} }} secret errors {{ field code }} }}
}}
"""
REVOKE = f"""
mutation($id: ID!) {{
  apiKeyRevoke(input: {{id: $id}}) {{ apiKey {{ {KEY_FIELDS} }} errors {{ field code }} }}
}}
"""
LIST = f"""
query($revoked: Boolean! = false) {{
  apiKeys(includeRevoked: $revoked) {{ totalCount nodes {{ {KEY_FIELDS} }} }}
}}
"""
ONE = f"query($id: ID!) {{ apiKey(id: $id) {{ {KEY_FIELDS} }} }}"


async def _authenticates(app: IdentityApp, secret: str) -> bool:
    async with app.service.database.transaction() as session:
        try:
            await api_keys.authenticate_api_key(session, secret)
        except AuthenticationError:
            return False
    return True


async def _create(app: IdentityApp, token: str, **values: Any) -> dict[str, Any]:
    new = {"name": "Timetable sync", "scopes": ["user:read", "course:read"], **values}
    body = await app.post(CREATE, {"input": new}, token=token)
    payload: dict[str, Any] = body["data"]["apiKeyCreate"]
    return payload


async def test_a_key_is_created_listed_rotated_and_revoked_with_its_secret_shown_once(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    # when the admin of A creates a key
    created = await _create(identity_app, token, expiresAt=expires)
    # then the payload holds the key and its full secret, which works
    assert created["errors"] == []
    key, secret = created["apiKey"], created["secret"]
    assert secret.startswith(f"lms_{key['prefix']}_")
    assert (key["name"], key["scopes"], key["usageCount"]) == (
        "Timetable sync",
        ["course:read", "user:read"],
        0,
    )
    assert key["expiresAt"] is not None
    assert key["revokedAt"] is None
    assert key["previousSecretValidUntil"] is None
    assert await _authenticates(identity_app, secret)
    # when the keys are listed and read, then the key is there, its secret nowhere
    listed = await identity_app.post(LIST, token=token)
    assert listed["data"]["apiKeys"]["totalCount"] == 1
    assert listed["data"]["apiKeys"]["nodes"][0]["id"] == key["id"]
    assert listed["data"]["apiKeys"]["nodes"][0]["usageCount"] == 1
    assert listed["data"]["apiKeys"]["nodes"][0]["lastUsedAt"] is not None
    read = await identity_app.post(ONE, {"id": key["id"]}, token=token)
    assert read["data"]["apiKey"]["prefix"] == key["prefix"]
    secret_part = secret.removeprefix(f"lms_{key['prefix']}_")
    assert len(secret_part) >= 40
    assert secret_part not in str(listed)
    assert secret_part not in str(read)
    # when the key is rotated
    rotated = (await identity_app.post(ROTATE, {"id": key["id"]}, token=token))["data"][
        "apiKeyRotate"
    ]
    # then a new secret comes once, and the old one works during the grace period
    assert rotated["errors"] == []
    new_secret = rotated["secret"]
    assert new_secret != secret
    assert new_secret.startswith(f"lms_{key['prefix']}_")
    assert rotated["apiKey"]["previousSecretValidUntil"] is not None
    assert await _authenticates(identity_app, new_secret)
    assert await _authenticates(identity_app, secret)
    relisted = await identity_app.post(LIST, token=token)
    assert new_secret.removeprefix(f"lms_{key['prefix']}_") not in str(relisted)
    # when it is revoked, then neither secret works and it leaves the default list
    revoked = (await identity_app.post(REVOKE, {"id": key["id"]}, token=token))["data"][
        "apiKeyRevoke"
    ]
    assert revoked["errors"] == []
    assert revoked["apiKey"]["revokedAt"] is not None
    assert revoked["apiKey"]["previousSecretValidUntil"] is None
    assert not await _authenticates(identity_app, new_secret)
    assert not await _authenticates(identity_app, secret)
    assert (await identity_app.post(LIST, token=token))["data"]["apiKeys"]["totalCount"] == 0
    with_revoked = await identity_app.post(LIST, {"revoked": True}, token=token)
    assert with_revoked["data"]["apiKeys"]["totalCount"] == 1
    # when it is revoked or rotated again, then the payload says it is revoked
    again = await identity_app.post(REVOKE, {"id": key["id"]}, token=token)
    assert again["data"]["apiKeyRevoke"]["errors"] == [{"field": "id", "code": "API_KEY_REVOKED"}]
    late = await identity_app.post(ROTATE, {"id": key["id"]}, token=token)
    assert late["data"]["apiKeyRotate"] == {
        "apiKey": None,
        "secret": None,
        "errors": [{"field": "id", "code": "API_KEY_REVOKED"}],
    }


async def test_bad_scopes_and_expiry_are_payload_errors_and_create_nothing(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    far = (datetime.now(UTC) + timedelta(days=5000)).isoformat()
    cases: list[tuple[dict[str, Any], tuple[str, str]]] = [
        ({"expiresAt": past}, ("expiresAt", "INVALID_EXPIRY")),
        ({"expiresAt": far}, ("expiresAt", "INVALID_EXPIRY")),
        ({"scopes": []}, ("scopes", "INVALID_SCOPES")),
        ({"scopes": ["user:read", "course:fly"]}, ("scopes", "UNKNOWN_PERMISSION")),
    ]
    for values, expected in cases:
        # when the admin creates a key with a bad expiry or bad scopes
        payload = await _create(identity_app, token, **values)
        # then the payload names the field and code, with no key and no secret
        assert (payload["apiKey"], payload["secret"]) == (None, None)
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [expected]
    # and no key was created
    assert (await identity_app.post(LIST, token=token))["data"]["apiKeys"]["totalCount"] == 0


async def test_students_are_forbidden_and_other_colleges_keys_are_not_found(
    identity_app: IdentityApp, world: World
) -> None:
    # given a key of college A
    key = (await _create(identity_app, world.tokens["admin_a"]))["apiKey"]
    student = world.tokens["student_a"]
    new = {"input": {"name": "Mine", "scopes": ["course:read"]}}
    # when a student lists, creates, rotates or revokes keys, then each is forbidden
    assert error_codes(await identity_app.post(LIST, token=student)) == ["FORBIDDEN"]
    assert error_codes(await identity_app.post(CREATE, new, token=student)) == ["FORBIDDEN"]
    for mutation in (ROTATE, REVOKE):
        body = await identity_app.post(mutation, {"id": key["id"]}, token=student)
        assert error_codes(body) == ["FORBIDDEN"]
    # when the admin of college B reads, rotates or revokes A's key, then it is not found
    other = world.tokens["admin_b"]
    for operation in (ONE, ROTATE, REVOKE):
        body = await identity_app.post(operation, {"id": key["id"]}, token=other)
        assert error_codes(body) == ["NOT_FOUND"]
    assert (await identity_app.post(LIST, token=other))["data"]["apiKeys"]["totalCount"] == 0
    # and naming college A's keys is forbidden to B's admin
    named = await identity_app.post(
        "query($c: ID!) { apiKeys(collegeId: $c) { totalCount } }",
        {"c": gid("College", world.college_a)},
        token=other,
    )
    assert error_codes(named) == ["FORBIDDEN"]
    # and without a token, it is unauthenticated
    assert error_codes(await identity_app.post(CREATE, new)) == ["UNAUTHENTICATED"]
    # and A's key still works untouched
    read = await identity_app.post(ONE, {"id": key["id"]}, token=world.tokens["admin_a"])
    assert read["data"]["apiKey"]["revokedAt"] is None

"""Principal: permissions with wildcards, scopes, claims round trip."""

from __future__ import annotations

import pytest

from shared.auth.principal import Principal, permission_matches
from shared.errors import AuthenticationError, PermissionDenied


def test_exact_resource_wildcard_and_superuser_permissions() -> None:
    teacher = Principal(user_id="t", permissions=frozenset({"course:read", "grade:*"}))
    assert teacher.has("course:read")
    assert not teacher.has("course:create")
    assert teacher.has("grade:publish")
    assert not teacher.has("gradebook:read")
    admin = Principal(user_id="a", permissions=frozenset({"*"}))
    assert admin.has("anything:at_all")
    assert admin.is_superuser


def test_scopes_narrow_what_a_token_may_do() -> None:
    key = Principal(
        user_id="k",
        kind="api_key",
        permissions=frozenset({"*"}),
        scopes=frozenset({"course:read"}),
    )
    assert key.has("course:read")
    assert not key.has("course:create")
    assert not key.is_superuser


def test_require_raises_forbidden_or_unauthenticated() -> None:
    student = Principal(user_id="s", permissions={"course:read"})  # type: ignore[arg-type]
    assert isinstance(student.permissions, frozenset)
    student.require("course:read")
    with pytest.raises(PermissionDenied) as denied:
        student.require("course:delete")
    assert denied.value.permission == "course:delete"
    assert denied.value.code == "FORBIDDEN"
    with pytest.raises(AuthenticationError):
        Principal.anonymous().require("course:read")


def test_anonymous_has_nothing() -> None:
    anonymous = Principal.anonymous()
    assert not anonymous.is_authenticated
    assert not anonymous.has("course:read")
    with pytest.raises(ValueError, match="no claims"):
        anonymous.to_claims()


@pytest.mark.parametrize("bad", ["course", "course:", ":create", "course:*", "*", "a*:b"])
def test_malformed_permission_names_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="resource:action"):
        permission_matches({"*"}, bad)


def test_claims_round_trip() -> None:
    principal = Principal(
        user_id="u1",
        college_id="c1",
        roles=frozenset({"teacher"}),
        permissions=frozenset({"course:read"}),
        kind="api_key",
        session_id="s1",
        scopes=frozenset({"course:read", "note:read"}),
    )
    claims = principal.to_claims()
    assert claims == {
        "sub": "u1",
        "college": "c1",
        "roles": ["teacher"],
        "permissions": ["course:read"],
        "kind": "api_key",
        "sid": "s1",
        "scope": "course:read note:read",
    }
    assert Principal.from_claims(claims) == principal


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({}, "no subject"),
        ({"sub": "u", "roles": "admin"}, "'roles' must be a list"),
        ({"sub": "u", "kind": "anonymous"}, "invalid 'kind'"),
        ({"sub": "u", "college": 5}, "'college' must be a string"),
    ],
)
def test_malformed_claims_are_authentication_errors(
    claims: dict[str, object], message: str
) -> None:
    with pytest.raises(AuthenticationError, match=message):
        Principal.from_claims(claims)

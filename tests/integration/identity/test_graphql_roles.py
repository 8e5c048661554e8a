"""Custom roles over GraphQL with real tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.integration.identity.graphql_app import (
    IdentityApp,
    World,
    error_codes,
    gid,
    identity_app,
    world,
)

__all__ = ["identity_app", "world"]

ROLE_FIELDS = "id key name description permissions builtin"
CREATE = f"""
mutation($input: RoleCreateInput!) {{
  roleCreate(input: $input) {{ role {{ {ROLE_FIELDS} }} errors {{ field code message }} }}
}}
"""
UPDATE = f"""
mutation($input: RoleUpdateInput!) {{
  roleUpdate(input: $input) {{ role {{ {ROLE_FIELDS} }} errors {{ field code message }} }}
}}
"""
DELETE = """
mutation($input: RoleDeleteInput!) {
  roleDelete(input: $input) { deletedRoleId reassignedCount errors { field code message } }
}
"""
ROLES = "{ roles { id key builtin } }"
ASSIGN = """
mutation($id: ID!, $key: String!) {
  userRoleAssign(input: {userId: $id, roleKey: $key}) { user { roles { key } } errors { code } }
}
"""
USER_ROLES = "query($id: ID!) { user(id: $id) { roles { key } } }"
LAB = {
    "key": "lab-assistant",
    "name": "Lab assistant",
    "description": "Helps in the labs.",
    "permissions": ["user:read", "course:read"],
}


async def _create(app: IdentityApp, token: str, **values: Any) -> dict[str, Any]:
    body = await app.post(CREATE, {"input": {**LAB, **values}}, token=token)
    payload: dict[str, Any] = body["data"]["roleCreate"]
    return payload


async def _keys(app: IdentityApp, token: str) -> list[str]:
    return [role["key"] for role in (await app.post(ROLES, token=token))["data"]["roles"]]


async def test_a_custom_role_is_created_changed_and_deleted(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    # when the admin of A creates a role
    created = await _create(identity_app, token)
    # then it comes back with sorted permissions and is among the college's roles
    assert created["errors"] == []
    role = created["role"]
    assert (role["key"], role["name"], role["builtin"]) == ("lab-assistant", "Lab assistant", False)
    assert role["permissions"] == ["course:read", "user:read"]
    assert "lab-assistant" in await _keys(identity_app, token)
    assert "lab-assistant" not in await _keys(identity_app, world.tokens["admin_b"])
    # when its name and permissions change
    changed = await identity_app.post(
        UPDATE,
        {"input": {"id": role["id"], "name": "Lab lead", "permissions": ["course:read"]}},
        token=token,
    )
    # then the role reads as changed, with its key kept
    updated = changed["data"]["roleUpdate"]["role"]
    assert (updated["key"], updated["name"], updated["permissions"]) == (
        "lab-assistant",
        "Lab lead",
        ["course:read"],
    )
    # when it is deleted while nobody holds it, then it is gone
    gone = await identity_app.post(DELETE, {"input": {"id": role["id"]}}, token=token)
    assert gone["data"]["roleDelete"] == {
        "deletedRoleId": role["id"],
        "reassignedCount": 0,
        "errors": [],
    }
    assert "lab-assistant" not in await _keys(identity_app, token)


async def test_a_role_in_use_is_kept_unless_its_holders_get_another(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    teacher = gid("User", world.teacher_a)
    # given a custom role the teacher holds
    role = (await _create(identity_app, token))["role"]
    assigned = await identity_app.post(ASSIGN, {"id": teacher, "key": role["key"]}, token=token)
    assert assigned["data"]["userRoleAssign"]["errors"] == []
    # when the admin deletes it without naming a replacement
    body = await identity_app.post(DELETE, {"input": {"id": role["id"]}}, token=token)
    # then the payload says it is in use, and it stays
    payload = body["data"]["roleDelete"]
    assert (payload["deletedRoleId"], payload["reassignedCount"]) == (None, None)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", "ROLE_IN_USE")]
    assert "1 account" in payload["errors"][0]["message"]
    assert "lab-assistant" in await _keys(identity_app, token)
    # when the replacement is unknown, then the payload names `reassignTo`
    unknown = await identity_app.post(
        DELETE, {"input": {"id": role["id"], "reassignTo": "wizard"}}, token=token
    )
    assert [(e["field"], e["code"]) for e in unknown["data"]["roleDelete"]["errors"]] == [
        ("reassignTo", "UNKNOWN_ROLE")
    ]
    # when the holders get the teaching-assistant role instead
    body = await identity_app.post(
        DELETE, {"input": {"id": role["id"], "reassignTo": "teaching-assistant"}}, token=token
    )
    # then the role is deleted and the teacher holds the replacement
    assert body["data"]["roleDelete"]["reassignedCount"] == 1
    roles = (await identity_app.post(USER_ROLES, {"id": teacher}, token=token))["data"]["user"]
    assert sorted(r["key"] for r in roles["roles"]) == ["teacher", "teaching-assistant"]


async def test_invalid_roles_are_payload_errors(identity_app: IdentityApp, world: World) -> None:
    token = world.tokens["admin_a"]
    cases: list[tuple[dict[str, Any], tuple[str, str]]] = [
        ({"key": "Lab Assistant"}, ("key", "INVALID_ROLE_KEY")),
        ({"key": "teacher"}, ("key", "ROLE_KEY_TAKEN")),
        ({"permissions": ["course:fly"]}, ("permissions", "UNKNOWN_PERMISSION")),
        ({"name": "  "}, ("name", "INVALID_NAME")),
    ]
    for values, expected in cases:
        # when the admin creates a role with a bad key, name or permission
        payload = await _create(identity_app, token, **values)
        # then the payload names the field and the code, with no role
        assert payload["role"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [expected]
    # when they change or delete a built-in role, then it is not editable
    builtin = next(
        r
        for r in (await identity_app.post(ROLES, token=token))["data"]["roles"]
        if r["key"] == "teacher"
    )
    body = await identity_app.post(
        UPDATE, {"input": {"id": builtin["id"], "name": "T"}}, token=token
    )
    assert [e["code"] for e in body["data"]["roleUpdate"]["errors"]] == ["ROLE_NOT_EDITABLE"]
    body = await identity_app.post(DELETE, {"input": {"id": builtin["id"]}}, token=token)
    assert [e["code"] for e in body["data"]["roleDelete"]["errors"]] == ["ROLE_NOT_EDITABLE"]


async def test_students_are_forbidden_and_other_colleges_roles_are_not_found(
    identity_app: IdentityApp, world: World
) -> None:
    # given a custom role of college A
    role = (await _create(identity_app, world.tokens["admin_a"]))["role"]
    change = {"input": {"id": role["id"], "name": "Mine"}}
    remove = {"input": {"id": role["id"]}}
    # when a student creates, changes or deletes a role, then each is forbidden
    student = world.tokens["student_a"]
    assert error_codes(
        await identity_app.post(CREATE, {"input": {**LAB, "key": "x-role"}}, token=student)
    ) == ["FORBIDDEN"]
    assert error_codes(await identity_app.post(UPDATE, change, token=student)) == ["FORBIDDEN"]
    assert error_codes(await identity_app.post(DELETE, remove, token=student)) == ["FORBIDDEN"]
    # when the admin of college B changes or deletes A's role, then it is not found
    other = world.tokens["admin_b"]
    assert error_codes(await identity_app.post(UPDATE, change, token=other)) == ["NOT_FOUND"]
    assert error_codes(await identity_app.post(DELETE, remove, token=other)) == ["NOT_FOUND"]
    # and a role given for a role id of another type is not found
    wrong = {"input": {"id": gid("User", world.student_a), "name": "x"}}
    assert error_codes(await identity_app.post(UPDATE, wrong, token=other)) == ["NOT_FOUND"]
    # and A's role is unchanged
    assert "lab-assistant" in await _keys(identity_app, world.tokens["admin_a"])

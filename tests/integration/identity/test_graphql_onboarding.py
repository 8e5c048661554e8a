"""``usersOnboard`` over HTTP with real tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from shared.graphql import to_global_id
from subgraphs.identity import events
from tests.factories.identity import outbox_events
from tests.integration.identity.graphql_app import (
    IdentityApp,
    World,
    error_codes,
    identity_app,
    world,
)

__all__ = ["identity_app", "world"]

ONBOARD = """
mutation($input: UsersOnboardInput!) {
  usersOnboard(input: $input) {
    users { id email displayName kind status departmentId roles { key } }
    errors { index field code message }
  }
}
"""
USERS_BY_EMAIL = """
query($prefix: String!) { users(filter: {emailPrefix: $prefix}) { totalCount } }
"""


def _row(email: str, name: str = "New Person", **more: Any) -> dict[str, Any]:
    return {"email": email, "displayName": name, **more}


async def _invited_events(app: IdentityApp) -> int:
    async with app.service.database.session() as session:
        return len(await outbox_events(session, events.USER_INVITED))


async def test_an_admin_onboards_students_and_each_is_invited(
    identity_app: IdentityApp, world: World
) -> None:
    # given three students, one with a department and one with explicit roles
    department = to_global_id("Department", "maths")
    rows = [
        _row("Ada@Example.edu", "Ada Lovelace", departmentId=department),
        _row("alan@example.edu", "Alan Turing", roles=["student"]),
        _row("grace@example.edu", "Grace Hopper"),
    ]

    # when the college admin onboards them
    body = await identity_app.post(
        ONBOARD, {"input": {"kind": "STUDENT", "rows": rows}}, token=world.tokens["admin_a"]
    )

    # then all three are created INVITED, in input order, with the student role
    payload = body["data"]["usersOnboard"]
    assert payload["errors"] == []
    users = payload["users"]
    assert [user["email"] for user in users] == [
        "ada@example.edu",
        "alan@example.edu",
        "grace@example.edu",
    ]
    assert {user["status"] for user in users} == {"INVITED"}
    assert {user["kind"] for user in users} == {"STUDENT"}
    assert all(user["roles"] == [{"key": "student"}] for user in users)
    assert users[0]["departmentId"] == department
    # and each one emitted user.invited
    assert await _invited_events(identity_app) == 3


async def test_one_bad_row_refuses_the_batch_and_every_problem_is_reported(
    identity_app: IdentityApp, world: World
) -> None:
    # given a batch with a good row, a malformed email, an email already in the college,
    # an email twice, an unknown role and a department that is not a Department id
    rows = [
        _row("fine@example.edu"),
        _row("not-an-email"),
        _row("student@nv.edu"),
        _row("twice@example.edu"),
        _row("twice@example.edu"),
        _row("roles@example.edu", roles=["no-such-role"]),
        _row("dept@example.edu", departmentId=to_global_id("Course", "c1")),
        _row("noname@example.edu", "  "),
    ]

    # when the admin onboards them
    body = await identity_app.post(
        ONBOARD, {"input": {"kind": "STUDENT", "rows": rows}}, token=world.tokens["admin_a"]
    )

    # then no user is returned and the errors are data, one per row and field
    payload = body["data"]["usersOnboard"]
    assert "errors" not in body
    assert payload["users"] == []
    found = {(e["index"], e["field"], e["code"]) for e in payload["errors"]}
    assert found == {
        (1, "email", "INVALID_EMAIL"),
        (2, "email", "DUPLICATE_EMAIL"),
        (3, "email", "DUPLICATE_EMAIL"),
        (4, "email", "DUPLICATE_EMAIL"),
        (5, "roles", "UNKNOWN_ROLE"),
        (6, "departmentId", "INVALID_DEPARTMENT"),
        (7, "displayName", "REQUIRED_FIELD"),
    }
    assert all(error["message"] for error in payload["errors"])
    # and nothing was created, not even the valid first row
    assert await _invited_events(identity_app) == 0
    listed = await identity_app.post(
        USERS_BY_EMAIL, {"prefix": "fine@"}, token=world.tokens["admin_a"]
    )
    assert listed["data"]["users"]["totalCount"] == 0


async def test_more_than_100_rows_is_bad_user_input(
    identity_app: IdentityApp, world: World
) -> None:
    # given 101 rows
    rows = [_row(f"p{n}@example.edu") for n in range(101)]

    # when the admin sends them, then the call is refused as a whole
    body = await identity_app.post(
        ONBOARD, {"input": {"kind": "STAFF", "rows": rows}}, token=world.tokens["admin_a"]
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "100" in body["errors"][0]["message"]
    assert await _invited_events(identity_app) == 0


async def test_a_student_cannot_onboard_and_a_role_above_the_caller_is_refused(
    identity_app: IdentityApp, world: World
) -> None:
    # given one row
    rows = [_row("someone@example.edu")]

    # when a student tries, then it is forbidden
    denied = await identity_app.post(
        ONBOARD, {"input": {"kind": "STAFF", "rows": rows}}, token=world.tokens["student_a"]
    )
    assert error_codes(denied) == ["FORBIDDEN"]

    # when the college admin gives a platform role, then that row is refused as data
    body = await identity_app.post(
        ONBOARD,
        {"input": {"kind": "STAFF", "rows": [_row("staff@example.edu", roles=["super-admin"])]}},
        token=world.tokens["admin_a"],
    )
    errors = body["data"]["usersOnboard"]["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [(0, "roles")]
    assert errors[0]["code"] in {"ROLE_NOT_ASSIGNABLE", "ROLE_NOT_GRANTABLE"}
    assert await _invited_events(identity_app) == 0

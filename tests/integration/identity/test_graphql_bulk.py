"""Bulk account changes over GraphQL with real tokens, on SQLite and PostgreSQL: all or none."""

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

RESULT = "users { id status departmentId roles { key } } errors { index field code message }"
DEACTIVATE = f"mutation($ids: [ID!]!) {{ usersBulkDeactivate(ids: $ids) {{ {RESULT} }} }}"
DELETE = f"mutation($ids: [ID!]!) {{ usersBulkDelete(ids: $ids) {{ {RESULT} }} }}"
UPDATE = f"""
mutation($ids: [ID!]!, $input: UsersBulkUpdateInput!) {{
  usersBulkUpdate(ids: $ids, input: $input) {{ {RESULT} }}
}}
"""
STATUS = "query($id: ID!) { user(id: $id) { status roles { key } } }"


async def _status(app: IdentityApp, world: World, user: Any) -> str:
    body = await app.post(STATUS, {"id": gid("User", user)}, token=world.tokens["admin_a"])
    status: str = body["data"]["user"]["status"]
    return status


async def test_deactivating_many_accounts_refuses_their_tokens_at_once(
    identity_app: IdentityApp, world: World
) -> None:
    ids = [gid("User", world.teacher_a), gid("User", world.student_a)]
    # when the admin of A deactivates the teacher and the student
    body = await identity_app.post(DEACTIVATE, {"ids": ids}, token=world.tokens["admin_a"])
    # then both come back deactivated, in the order given
    payload = body["data"]["usersBulkDeactivate"]
    assert payload["errors"] == []
    assert [(u["id"], u["status"]) for u in payload["users"]] == [
        (ids[0], "DEACTIVATED"),
        (ids[1], "DEACTIVATED"),
    ]
    # and their tokens are refused at once
    for name in ("teacher_a", "student_a"):
        refused = await identity_app.post("{ me { id } }", token=world.tokens[name])
        assert error_codes(refused) == ["UNAUTHENTICATED"]
    # when they are deactivated again, then each is an item error
    again = await identity_app.post(DEACTIVATE, {"ids": ids}, token=world.tokens["admin_a"])
    errors = again["data"]["usersBulkDeactivate"]["errors"]
    assert [(e["index"], e["code"]) for e in errors] == [
        (0, "ACCOUNT_DEACTIVATED"),
        (1, "ACCOUNT_DEACTIVATED"),
    ]


async def test_invalid_items_are_reported_by_index_and_nothing_changes(
    identity_app: IdentityApp, world: World
) -> None:
    student = gid("User", world.student_a)
    ids = [
        student,
        gid("User", world.student_b),  # another college's
        student,  # twice
        "not-an-id",
        gid("User", world.admin_a),  # oneself
    ]
    # when the admin of A deactivates them
    body = await identity_app.post(DEACTIVATE, {"ids": ids}, token=world.tokens["admin_a"])
    # then each bad item is reported with its index, and no user is returned
    payload = body["data"]["usersBulkDeactivate"]
    assert payload["users"] is None
    assert [(e["index"], e["field"], e["code"]) for e in payload["errors"]] == [
        (1, "ids", "UNKNOWN_ACCOUNT"),
        (2, "ids", "DUPLICATE_ITEM"),
        (3, "ids", "UNKNOWN_ACCOUNT"),
        (4, "ids", "CANNOT_CHANGE_SELF"),
    ]
    assert ids[1] in payload["errors"][0]["message"]
    # and nothing changed: the valid student is still active, and so is B's
    assert await _status(identity_app, world, world.student_a) == "ACTIVE"
    still = await identity_app.post("{ me { status } }", token=world.tokens["student_b"])
    assert still["data"]["me"]["status"] == "ACTIVE"
    # when the same items are deleted, then the same errors come and nobody is deleted
    body = await identity_app.post(DELETE, {"ids": ids}, token=world.tokens["admin_a"])
    assert [e["index"] for e in body["data"]["usersBulkDelete"]["errors"]] == [1, 2, 3, 4]
    assert await _status(identity_app, world, world.student_a) == "ACTIVE"


async def test_bulk_update_sets_roles_department_and_status(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    ids = [gid("User", world.teacher_a), gid("User", world.student_a)]
    department = gid("Department", "physics")
    # when the admin gives both the teaching-assistant role and a department
    body = await identity_app.post(
        UPDATE,
        {"ids": ids, "input": {"roleToAdd": "teaching-assistant", "departmentId": department}},
        token=token,
    )
    # then both hold the role and belong to the department
    payload = body["data"]["usersBulkUpdate"]
    assert payload["errors"] == []
    assert [u["departmentId"] for u in payload["users"]] == [department, department]
    assert [sorted(r["key"] for r in u["roles"]) for u in payload["users"]] == [
        ["teacher", "teaching-assistant"],
        ["student", "teaching-assistant"],
    ]
    # when the role is taken away, the department cleared and the student deactivated
    body = await identity_app.post(
        UPDATE,
        {
            "ids": ids[1:],
            "input": {
                "roleToRemove": "teaching-assistant",
                "departmentId": None,
                "status": "DEACTIVATED",
            },
        },
        token=token,
    )
    (student,) = body["data"]["usersBulkUpdate"]["users"]
    assert (student["status"], student["departmentId"]) == ("DEACTIVATED", None)
    assert [r["key"] for r in student["roles"]] == ["student"]
    # and the student's token is refused at once
    refused = await identity_app.post("{ me { id } }", token=world.tokens["student_a"])
    assert error_codes(refused) == ["UNAUTHENTICATED"]


async def test_bulk_update_errors_leave_every_account_as_it_was(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    ids = [gid("User", world.teacher_a), gid("User", world.student_b)]
    # when one item is another college's, then it is that item's error and nothing changes
    body = await identity_app.post(
        UPDATE, {"ids": ids, "input": {"roleToAdd": "teaching-assistant"}}, token=token
    )
    payload = body["data"]["usersBulkUpdate"]
    assert payload["users"] is None
    assert [(e["index"], e["code"]) for e in payload["errors"]] == [(1, "UNKNOWN_ACCOUNT")]
    teacher = await identity_app.post(STATUS, {"id": ids[0]}, token=token)
    assert [r["key"] for r in teacher["data"]["user"]["roles"]] == ["teacher"]
    # when the role is unknown, then the error concerns the whole input (no index)
    body = await identity_app.post(
        UPDATE, {"ids": ids[:1], "input": {"roleToAdd": "wizard"}}, token=token
    )
    assert [
        (e["index"], e["field"], e["code"]) for e in body["data"]["usersBulkUpdate"]["errors"]
    ] == [(None, "roleToAdd", "UNKNOWN_ROLE")]
    # when nothing is asked, or INVITED, then the input is refused
    for change in ({}, {"status": "INVITED"}):
        body = await identity_app.post(UPDATE, {"ids": ids[:1], "input": change}, token=token)
        assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_bulk_delete_hides_the_accounts_and_limits_and_permissions_hold(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    student = gid("User", world.student_a)
    # when the admin deletes the student
    body = await identity_app.post(DELETE, {"ids": [student]}, token=token)
    # then the student is returned, then no longer found, and their token refused
    assert body["data"]["usersBulkDelete"]["errors"] == []
    assert [u["id"] for u in body["data"]["usersBulkDelete"]["users"]] == [student]
    assert error_codes(await identity_app.post(STATUS, {"id": student}, token=token)) == [
        "NOT_FOUND"
    ]
    assert error_codes(
        await identity_app.post("{ me { id } }", token=world.tokens["student_a"])
    ) == ["UNAUTHENTICATED"]
    # when more than 100 ids are given, then the input is refused
    many = [gid("User", str(n)) for n in range(101)]
    for mutation in (DEACTIVATE, DELETE):
        assert error_codes(await identity_app.post(mutation, {"ids": many}, token=token)) == [
            "BAD_USER_INPUT"
        ]
    # when a student uses any bulk mutation, then it is forbidden
    teacher = [gid("User", world.teacher_a)]
    student_b = world.tokens["student_b"]
    for mutation, variables in (
        (DEACTIVATE, {"ids": teacher}),
        (DELETE, {"ids": teacher}),
        (UPDATE, {"ids": teacher, "input": {"status": "DEACTIVATED"}}),
        (UPDATE, {"ids": teacher, "input": {"roleToAdd": "teacher"}}),
    ):
        assert error_codes(await identity_app.post(mutation, variables, token=student_b)) == [
            "FORBIDDEN"
        ]
    assert await _status(identity_app, world, world.teacher_a) == "ACTIVE"

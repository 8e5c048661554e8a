"""Identity's GraphQL mutations over HTTP, with real tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from subgraphs.identity import events
from tests.factories.identity import outbox_events
from tests.integration.identity.graphql_app import (
    IdentityApp,
    World,
    error_codes,
    gid,
    identity_app,
    world,
)

__all__ = ["identity_app", "world"]

USER_FIELDS = "user { id email status roles { key } } errors { field code message }"
COLLEGE_CREATE = """
mutation($input: CollegeCreateInput!) {
  collegeCreate(input: $input) {
    college { id slug name settings { timeZone locale } }
    admin { id email status kind roles { key } }
    errors { field code message }
  }
}
"""
COLLEGE_UPDATE = """
mutation($input: CollegeUpdateInput!) {
  collegeUpdate(input: $input) { college { name status } errors { field code message } }
}
"""
INVITE = f"""
mutation($input: UserInviteInput!) {{ userInvite(input: $input) {{ {USER_FIELDS} }} }}
"""


def _by_id(name: str) -> str:
    return f"mutation($id: ID!) {{ {name}(input: {{id: $id}}) {{ {USER_FIELDS} }} }}"


def _role(name: str) -> str:
    return (
        f"mutation($id: ID!, $key: String!) {{ {name}(input: {{userId: $id, roleKey: $key}}) "
        f"{{ {USER_FIELDS} }} }}"
    )


async def _events(app: IdentityApp, type: str) -> list[Any]:
    async with app.service.database.session() as session:
        return await outbox_events(session, type)


async def test_the_super_admin_creates_a_college_and_its_admin_is_emailed(
    identity_app: IdentityApp, world: World
) -> None:
    new = {
        "slug": "east-bay",
        "name": "East Bay College",
        "adminEmail": "Dean@EastBay.edu",
        "adminDisplayName": "Dean Smith",
        "settings": {"timeZone": "Europe/Dublin"},
    }
    # when the super-admin creates a college
    body = await identity_app.post(COLLEGE_CREATE, {"input": new}, token=world.tokens["root"])
    # then the college and its invited admin come back, with no secret
    payload = body["data"]["collegeCreate"]
    assert payload["errors"] == []
    assert payload["college"]["slug"] == "east-bay"
    assert payload["college"]["settings"] == {"timeZone": "Europe/Dublin", "locale": "en"}
    admin = payload["admin"]
    assert (admin["email"], admin["status"], admin["kind"]) == (
        "dean@eastbay.edu",
        "INVITED",
        "STAFF",
    )
    assert admin["roles"] == [{"key": "college-admin"}]
    assert "token" not in str(body).lower()
    # and the invitation email is queued with the accept link
    emails = await _events(identity_app, events.EMAIL_REQUESTED)
    assert [e.data["to"] for e in emails] == ["dean@eastbay.edu"]
    assert "/invitation?token=" in emails[0].data["text"]
    created = await _events(identity_app, events.COLLEGE_CREATED)
    assert [gid("College", e.subject) for e in created] == [payload["college"]["id"]]
    assert emails[0].tenant == created[0].subject


async def test_college_create_reports_a_taken_slug_and_is_forbidden_to_college_admins(
    identity_app: IdentityApp, world: World
) -> None:
    taken = {
        "slug": "north-valley",
        "name": "Again",
        "adminEmail": "a@b.edu",
        "adminDisplayName": "A",
    }
    # when the super-admin reuses a slug
    body = await identity_app.post(COLLEGE_CREATE, {"input": taken}, token=world.tokens["root"])
    # then the payload names the field and the code, and nothing was created
    payload = body["data"]["collegeCreate"]
    assert payload["college"] is None
    assert payload["admin"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("slug", "COLLEGE_SLUG_TAKEN")]
    bad_email = {**taken, "slug": "west-end", "adminEmail": "not-an-email"}
    body = await identity_app.post(COLLEGE_CREATE, {"input": bad_email}, token=world.tokens["root"])
    assert [(e["field"], e["code"]) for e in body["data"]["collegeCreate"]["errors"]] == [
        ("adminEmail", "INVALID_EMAIL")
    ]
    # when a college admin tries, then it is forbidden
    denied = await identity_app.post(
        COLLEGE_CREATE, {"input": {**taken, "slug": "west-end"}}, token=world.tokens["admin_a"]
    )
    assert error_codes(denied) == ["FORBIDDEN"]


async def test_college_update_by_its_admin_and_suspension_by_the_platform(
    identity_app: IdentityApp, world: World
) -> None:
    college_a = gid("College", world.college_a)
    # when the admin of A renames A
    body = await identity_app.post(
        COLLEGE_UPDATE,
        {"input": {"id": college_a, "name": "NV College"}},
        token=world.tokens["admin_a"],
    )
    # then the new name is returned
    assert body["data"]["collegeUpdate"] == {
        "college": {"name": "NV College", "status": "ACTIVE"},
        "errors": [],
    }
    # when they give a bad time zone, then the payload says which field
    bad = await identity_app.post(
        COLLEGE_UPDATE,
        {"input": {"id": college_a, "settings": {"timeZone": "Mars/Olympus"}}},
        token=world.tokens["admin_a"],
    )
    assert [e["code"] for e in bad["data"]["collegeUpdate"]["errors"]] == [
        "INVALID_COLLEGE_SETTINGS"
    ]
    # when they try to suspend it or rename college B, then it is forbidden
    suspend = {"input": {"id": college_a, "status": "SUSPENDED"}}
    assert error_codes(
        await identity_app.post(COLLEGE_UPDATE, suspend, token=world.tokens["admin_a"])
    ) == ["FORBIDDEN"]
    rename_b = {"input": {"id": gid("College", world.college_b), "name": "Mine"}}
    assert error_codes(
        await identity_app.post(COLLEGE_UPDATE, rename_b, token=world.tokens["admin_a"])
    ) == ["FORBIDDEN"]
    # when the super-admin suspends A, then it is suspended
    done = await identity_app.post(COLLEGE_UPDATE, suspend, token=world.tokens["root"])
    assert done["data"]["collegeUpdate"]["college"]["status"] == "SUSPENDED"


async def test_user_invite_creates_an_invited_account_and_emails_it(
    identity_app: IdentityApp, world: World
) -> None:
    person = {
        "email": "New.Teacher@nv.edu",
        "displayName": "New Teacher",
        "kind": "STAFF",
        "roleKeys": ["teacher"],
    }
    # when the admin of A invites a teacher
    body = await identity_app.post(INVITE, {"input": person}, token=world.tokens["admin_a"])
    # then the account is invited with its role, and the email is queued
    payload = body["data"]["userInvite"]
    assert payload["errors"] == []
    assert payload["user"]["email"] == "new.teacher@nv.edu"
    assert payload["user"]["status"] == "INVITED"
    assert payload["user"]["roles"] == [{"key": "teacher"}]
    emails = await _events(identity_app, events.EMAIL_REQUESTED)
    assert [(e.data["to"], e.tenant) for e in emails] == [
        ("new.teacher@nv.edu", world.college_a.id)
    ]
    invited = await _events(identity_app, events.USER_INVITED)
    assert [e.data["actor_id"] for e in invited] == [world.admin_a.id]


@pytest.mark.parametrize(
    ("email", "field", "code"),
    [("teacher@nv.edu", "email", "DUPLICATE_EMAIL"), ("no-at-sign", "email", "INVALID_EMAIL")],
)
async def test_user_invite_reports_what_to_fix(
    identity_app: IdentityApp, world: World, email: str, field: str, code: str
) -> None:
    person = {"email": email, "displayName": "Someone", "kind": "STUDENT"}
    # when the admin invites with a taken or malformed email
    body = await identity_app.post(INVITE, {"input": person}, token=world.tokens["admin_a"])
    # then the payload names the field and code; no account, no email
    payload = body["data"]["userInvite"]
    assert payload["user"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert payload["errors"][0]["message"]
    assert await _events(identity_app, events.EMAIL_REQUESTED) == []


async def test_user_invite_needs_a_token_and_the_permission(
    identity_app: IdentityApp, world: World
) -> None:
    person = {"email": "x@nv.edu", "displayName": "X", "kind": "STUDENT"}
    # when nobody signed in invites, then it is unauthenticated
    assert error_codes(await identity_app.post(INVITE, {"input": person})) == ["UNAUTHENTICATED"]
    # when a student invites, then it is forbidden, naming the permission
    body = await identity_app.post(INVITE, {"input": person}, token=world.tokens["student_a"])
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["permission"] == "user:invite"
    # when the admin of A invites into college B, then it is forbidden
    into_b = {**person, "collegeId": gid("College", world.college_b)}
    body = await identity_app.post(INVITE, {"input": into_b}, token=world.tokens["admin_a"])
    assert error_codes(body) == ["FORBIDDEN"]


async def test_deactivate_activate_and_delete(identity_app: IdentityApp, world: World) -> None:
    token = world.tokens["admin_a"]
    student = {"id": gid("User", world.student_a)}
    # when the admin deactivates the student
    off = await identity_app.post(_by_id("userDeactivate"), student, token=token)
    # then the student is deactivated and their token is refused at once
    assert off["data"]["userDeactivate"]["user"]["status"] == "DEACTIVATED"
    refused = await identity_app.post("{ me { id } }", token=world.tokens["student_a"])
    assert error_codes(refused) == ["UNAUTHENTICATED"]
    # when deactivated again, then the payload says so
    again = await identity_app.post(_by_id("userDeactivate"), student, token=token)
    assert [e["code"] for e in again["data"]["userDeactivate"]["errors"]] == ["ACCOUNT_DEACTIVATED"]
    # when reactivated
    on = await identity_app.post(_by_id("userActivate"), student, token=token)
    assert on["data"]["userActivate"]["user"]["status"] == "ACTIVE"
    # when the admin deletes themselves, then the payload refuses
    self_delete = await identity_app.post(
        _by_id("userDelete"), {"id": gid("User", world.admin_a)}, token=token
    )
    assert [e["code"] for e in self_delete["data"]["userDelete"]["errors"]] == [
        "CANNOT_CHANGE_SELF"
    ]
    # when the admin deletes the student, then the account is gone from reads
    gone = await identity_app.post(_by_id("userDelete"), student, token=token)
    assert gone["data"]["userDelete"]["errors"] == []
    read = await identity_app.post("query($id: ID!) { user(id: $id) { id } }", student, token=token)
    assert error_codes(read) == ["NOT_FOUND"]


async def test_role_assign_and_remove(identity_app: IdentityApp, world: World) -> None:
    token = world.tokens["admin_a"]
    teacher = gid("User", world.teacher_a)
    # when the admin gives the teacher the department-head role
    given = await identity_app.post(
        _role("userRoleAssign"), {"id": teacher, "key": "department-head"}, token=token
    )
    # then the teacher holds both roles
    roles = given["data"]["userRoleAssign"]["user"]["roles"]
    assert roles == [{"key": "department-head"}, {"key": "teacher"}]
    # when the role is taken back
    taken = await identity_app.post(
        _role("userRoleRemove"), {"id": teacher, "key": "department-head"}, token=token
    )
    assert taken["data"]["userRoleRemove"]["user"]["roles"] == [{"key": "teacher"}]
    # when an unknown role is named, then the payload says why
    unknown = await identity_app.post(
        _role("userRoleAssign"), {"id": teacher, "key": "wizard"}, token=token
    )
    assert [(e["field"], e["code"]) for e in unknown["data"]["userRoleAssign"]["errors"]] == [
        ("roleKey", "UNKNOWN_ROLE")
    ]
    # when a teacher (no role:assign) tries, then it is forbidden
    denied = await identity_app.post(
        _role("userRoleAssign"),
        {"id": gid("User", world.student_a), "key": "teaching-assistant"},
        token=world.tokens["teacher_a"],
    )
    assert error_codes(denied) == ["FORBIDDEN"]


async def test_no_mutation_reaches_another_colleges_user(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    student_b = gid("User", world.student_b)
    # when the admin of A aims each mutation at a user of college B
    calls = [
        (_by_id("userDeactivate"), {"id": student_b}),
        (_by_id("userActivate"), {"id": student_b}),
        (_by_id("userDelete"), {"id": student_b}),
        (_role("userRoleAssign"), {"id": student_b, "key": "teaching-assistant"}),
        (_role("userRoleRemove"), {"id": student_b, "key": "student"}),
    ]
    for query, variables in calls:
        body = await identity_app.post(query, variables, token=token)
        # then each is not found
        assert error_codes(body) == ["NOT_FOUND"], query
    # and B's student is untouched
    read = await identity_app.post(
        "query($id: ID!) { user(id: $id) { status roles { key } } }",
        {"id": student_b},
        token=world.tokens["admin_b"],
    )
    assert read["data"]["user"] == {"status": "ACTIVE", "roles": [{"key": "student"}]}
    assert await _events(identity_app, events.USER_DEACTIVATED) == []

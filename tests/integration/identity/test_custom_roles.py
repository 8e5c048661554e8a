"""Custom roles of a college: create, update, delete (refused in use, or reassigned), list."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.db import Database
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.identity import roles
from subgraphs.identity.models import AccountRole, College, Role, builtin_role_id
from subgraphs.identity.permissions import BUILTIN_ROLES, COLLEGE_ADMIN, SUPER_ADMIN, TEACHER
from tests.factories.identity import (
    college_admin,
    make_account,
    make_college,
    outbox_events,
    principal,
)


async def _lab_assistant(database: Database, college: College, **kwargs: object) -> Role:
    async with database.transaction() as session:
        return await roles.create_role(
            session,
            actor=college_admin(college),
            key="lab-assistant",
            name="Lab assistant",
            permissions=["course:read", "grade:write"],
            **kwargs,  # type: ignore[arg-type]
        )


# -- create -----------------------------------------------------------------------------------
async def test_create_role_validates_and_publishes(identity_db: Database) -> None:
    # given a college and its admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    admin = college_admin(college)
    # when the admin creates a role
    async with identity_db.transaction() as session:
        role = await roles.create_role(
            session,
            actor=admin,
            key="lab-assistant",
            name="  Lab   assistant ",
            description=" Runs the labs. ",
            permissions=["grade:write", "course:read", "grade:write"],
        )
    # then it is the college's own, with its permissions sorted and deduplicated
    async with identity_db.session() as session:
        stored = await session.get(Role, role.id)
        assert stored is not None
        assert (stored.college_id, stored.key, stored.builtin) == (
            college.id,
            "lab-assistant",
            False,
        )
        assert (stored.name, stored.description) == ("Lab assistant", "Runs the labs.")
        assert stored.permissions == ["course:read", "grade:write"]
        (event,) = await outbox_events(session, "role.created")
    assert (event.tenant, event.subject, event.data["key"]) == (
        college.id,
        role.id,
        "lab-assistant",
    )


@pytest.mark.parametrize(
    ("key", "permissions", "code", "field"),
    [
        ("Lab Assistant", ["course:read"], "INVALID_ROLE_KEY", "key"),
        ("x", ["course:read"], "INVALID_ROLE_KEY", "key"),
        (TEACHER, ["course:read"], "ROLE_KEY_TAKEN", "key"),
        ("lab", ["course:*"], "UNKNOWN_PERMISSION", "permissions"),
        ("lab", ["college:suspend"], "UNKNOWN_PERMISSION", "permissions"),
    ],
)
async def test_create_role_refuses_bad_input(
    identity_db: Database, key: str, permissions: list[str], code: str, field: str
) -> None:
    # given a college admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    # when a role is created with a bad key or permissions
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await roles.create_role(
                session, actor=college_admin(college), key=key, name="Lab", permissions=permissions
            )
    # then it is refused, naming the field
    assert (caught.value.code_name, caught.value.field) == (code, field)


async def test_role_key_is_unique_per_college_only(identity_db: Database) -> None:
    # given a role "lab-assistant" in one college
    async with identity_db.transaction() as session:
        college = await make_college(session)
        other = await make_college(session)
    await _lab_assistant(identity_db, college)
    # when the same key is created again in that college, then it is taken
    with pytest.raises(DomainError) as caught:
        await _lab_assistant(identity_db, college)
    assert caught.value.code_name == "ROLE_KEY_TAKEN"
    # when it is created in another college, then that is fine
    role = await _lab_assistant(identity_db, other)
    assert role.college_id == other.id


async def test_nobody_grants_what_they_do_not_hold(identity_db: Database) -> None:
    # given someone who may manage roles but does not hold grade:publish
    async with identity_db.transaction() as session:
        college = await make_college(session)
    actor = principal(college, "role:manage", "course:read")
    # when they create a role granting grade:publish
    with pytest.raises(PermissionDenied) as caught:
        async with identity_db.transaction() as session:
            await roles.create_role(
                session, actor=actor, key="x-role", name="X", permissions=["grade:publish"]
            )
    # then it is forbidden, naming the permission
    assert caught.value.permission == "grade:publish"
    # and without role:manage even a harmless role is forbidden
    with pytest.raises(PermissionDenied):
        async with identity_db.transaction() as session:
            await roles.create_role(
                session,
                actor=principal(college, "course:read"),
                key="x-role",
                name="X",
                permissions=["course:read"],
            )


# -- update -----------------------------------------------------------------------------------
async def test_update_role_changes_what_is_given(identity_db: Database) -> None:
    # given a custom role
    async with identity_db.transaction() as session:
        college = await make_college(session)
    role = await _lab_assistant(identity_db, college)
    # when its name and permissions change
    async with identity_db.transaction() as session:
        await roles.update_role(
            session,
            actor=college_admin(college),
            role_id=role.id,
            name="Lab helper",
            permissions=["course:read", "content:read"],
        )
    # then the row holds them and the event lists what changed
    async with identity_db.session() as session:
        stored = await session.get(Role, role.id)
        assert stored is not None
        assert (stored.key, stored.name) == ("lab-assistant", "Lab helper")
        assert stored.permissions == ["content:read", "course:read"]
        (event,) = await outbox_events(session, "role.updated")
    assert event.data["changed"] == ["name", "permissions"]
    assert (event.data["added"], event.data["removed"]) == (["content:read"], ["grade:write"])


async def test_update_with_nothing_new_publishes_nothing(identity_db: Database) -> None:
    # given a custom role
    async with identity_db.transaction() as session:
        college = await make_college(session)
    role = await _lab_assistant(identity_db, college)
    # when it is "updated" to what it already is
    async with identity_db.transaction() as session:
        await roles.update_role(
            session,
            actor=college_admin(college),
            role_id=role.id,
            name="Lab assistant",
            permissions=["grade:write", "course:read"],
        )
    # then no event is written
    async with identity_db.session() as session:
        assert await outbox_events(session, "role.updated") == []


async def test_builtin_and_foreign_roles_are_not_changed(identity_db: Database) -> None:
    # given a custom role of another college
    async with identity_db.transaction() as session:
        college = await make_college(session)
        other = await make_college(session)
    foreign = await _lab_assistant(identity_db, other)
    admin = college_admin(college)
    # when the admin changes a built-in role, then it is not editable
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await roles.update_role(
                session, actor=admin, role_id=builtin_role_id(TEACHER), name="Tutor"
            )
    assert caught.value.code_name == "ROLE_NOT_EDITABLE"
    # when the admin changes or deletes the other college's role, then it is not found
    with pytest.raises(NotFoundError):
        async with identity_db.transaction() as session:
            await roles.update_role(session, actor=admin, role_id=foreign.id, name="Mine")
    with pytest.raises(NotFoundError):
        async with identity_db.transaction() as session:
            await roles.delete_role(session, actor=admin, role_id=foreign.id)


async def test_removing_a_permission_one_does_not_hold_is_forbidden(identity_db: Database) -> None:
    # given a role with grade:write, and a role manager without grade:write
    async with identity_db.transaction() as session:
        college = await make_college(session)
    role = await _lab_assistant(identity_db, college)
    actor = principal(college, "role:manage", "course:read")
    # when the manager strips the role down to course:read
    with pytest.raises(PermissionDenied):
        async with identity_db.transaction() as session:
            await roles.update_role(
                session, actor=actor, role_id=role.id, permissions=["course:read"]
            )
    # then the role is unchanged
    async with identity_db.session() as session:
        stored = await session.get(Role, role.id)
        assert stored is not None
        assert stored.permissions == ["course:read", "grade:write"]


# -- delete -----------------------------------------------------------------------------------
async def test_delete_unused_role(identity_db: Database) -> None:
    # given a custom role nobody holds
    async with identity_db.transaction() as session:
        college = await make_college(session)
    role = await _lab_assistant(identity_db, college)
    # when it is deleted
    async with identity_db.transaction() as session:
        holders = await roles.delete_role(session, actor=college_admin(college), role_id=role.id)
    # then it is gone and the event says nobody held it
    assert holders == 0
    async with identity_db.session() as session:
        assert await session.get(Role, role.id) is None
        (event,) = await outbox_events(session, "role.deleted")
    assert (event.data["holders"], event.data["reassigned_to"]) == (0, None)


async def test_delete_role_in_use_is_refused_and_nothing_changes(identity_db: Database) -> None:
    # given a custom role held by two accounts
    async with identity_db.transaction() as session:
        college = await make_college(session)
    role = await _lab_assistant(identity_db, college)
    async with identity_db.transaction() as session:
        for _ in range(2):
            await make_account(session, college=college, roles=["lab-assistant"])
    # when it is deleted without a replacement
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await roles.delete_role(session, actor=college_admin(college), role_id=role.id)
    # then it is in use, says how many, and still held
    assert caught.value.code_name == "ROLE_IN_USE"
    assert "2 account(s)" in caught.value.message
    async with identity_db.session() as session:
        held = await session.scalars(select(AccountRole).where(AccountRole.role_id == role.id))
        assert len(list(held)) == 2


async def test_delete_role_reassigns_its_holders(identity_db: Database) -> None:
    # given a custom role held by two accounts, one of which is already a teacher
    async with identity_db.transaction() as session:
        college = await make_college(session)
    role = await _lab_assistant(identity_db, college)
    async with identity_db.transaction() as session:
        plain = await make_account(session, college=college, roles=["lab-assistant"])
        teacher = await make_account(session, college=college, roles=["lab-assistant", TEACHER])
    # when it is deleted, giving its holders the teacher role
    async with identity_db.transaction() as session:
        holders = await roles.delete_role(
            session, actor=college_admin(college), role_id=role.id, reassign_to=TEACHER
        )
    # then both hold teacher only, and each holder's change is an event
    assert holders == 2
    async with identity_db.session() as session:
        for account in (plain, teacher):
            assert [r.key for r in await roles.roles_of(session, account.id)] == [TEACHER]
        changed = {e.subject: e.data for e in await outbox_events(session, "role.changed")}
        (deleted,) = await outbox_events(session, "role.deleted")
    assert changed[plain.id]["added"] == [TEACHER]
    assert changed[teacher.id]["added"] == []
    assert all(data["removed"] == ["lab-assistant"] for data in changed.values())
    assert (deleted.data["holders"], deleted.data["reassigned_to"]) == (2, TEACHER)


async def test_reassigning_to_a_role_one_cannot_give_is_forbidden(identity_db: Database) -> None:
    # given a custom role held by an account, and a manager who cannot give college-admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    role = await _lab_assistant(identity_db, college)
    async with identity_db.transaction() as session:
        await make_account(session, college=college, roles=["lab-assistant"])
    actor = principal(college, "role:manage", "role:assign", "course:read", "grade:write")
    # when the manager deletes it, reassigning its holders to college-admin
    with pytest.raises(PermissionDenied):
        async with identity_db.transaction() as session:
            await roles.delete_role(
                session, actor=actor, role_id=role.id, reassign_to=COLLEGE_ADMIN
            )
    # then the role still exists
    async with identity_db.session() as session:
        assert await session.get(Role, role.id) is not None


# -- list -------------------------------------------------------------------------------------
async def test_list_roles_shows_builtins_and_own_roles_only(identity_db: Database) -> None:
    # given a custom role in each of two colleges
    async with identity_db.transaction() as session:
        college = await make_college(session)
        other = await make_college(session)
    own = await _lab_assistant(identity_db, college)
    await _lab_assistant(identity_db, other)
    # when a department head of the first college lists roles
    async with identity_db.session() as session:
        listed = await roles.list_roles(session, actor=principal(college, "role:read"))
        # then the built-in college roles come first, in order, then its own role
        expected = [spec.key for spec in BUILTIN_ROLES if spec.key != SUPER_ADMIN]
        assert [r.key for r in listed] == [*expected, "lab-assistant"]
        assert listed[-1].id == own.id
        # and a single role reads the same way
        found = await roles.get_role(session, actor=college_admin(college), role_id=own.id)
        assert (found.id, found.key) == (own.id, "lab-assistant")
        # and reading needs role:read
        with pytest.raises(PermissionDenied):
            await roles.list_roles(session, actor=principal(college, "course:read"))

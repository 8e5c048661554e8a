"""Accounts: invitations, reads and lists within a college, roles, lifecycle, purge."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from shared.db import Database, utcnow
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.identity import accounts
from subgraphs.identity._time import as_utc
from subgraphs.identity.accounts import AccountFilter
from subgraphs.identity.models import (
    Account,
    AccountKind,
    AccountRole,
    AccountStatus,
    CollegeStatus,
    OneTimeToken,
    RefreshToken,
    new_id,
)
from subgraphs.identity.one_time_tokens import hash_token
from subgraphs.identity.permissions import STUDENT, TEACHER, builtin_role
from subgraphs.identity.roles import roles_of
from tests.factories.identity import (
    actor_for,
    college_admin,
    make_account,
    make_college,
    outbox_events,
    principal,
    service_principal,
    super_admin,
)


def _refresh_token(account: Account, family: str) -> RefreshToken:
    return RefreshToken(
        family_id=family,
        account_id=account.id,
        token_hash=hash_token(new_id()),
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )


# -- invite ---------------------------------------------------------------------------------
async def test_invite_student_normalises_email_and_gives_student_role(
    identity_db: Database,
) -> None:
    # given a college and its admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    admin = college_admin(college)
    # when the admin invites a student without naming roles
    async with identity_db.transaction() as session:
        invitation = await accounts.invite_account(
            session,
            actor=admin,
            email="  Ada.Lovelace@Example.EDU",
            display_name="Ada  Lovelace",
            kind=AccountKind.STUDENT,
            department_id="dept-maths",
        )
    # then the account is invited, lower-cased, in the admin's college, as a student
    async with identity_db.session() as session:
        account = await session.get(Account, invitation.account.id)
        assert account is not None
        assert (account.college_id, account.email) == (college.id, "ada.lovelace@example.edu")
        assert (account.display_name, account.status) == ("Ada Lovelace", AccountStatus.INVITED)
        assert [role.key for role in await roles_of(session, account.id)] == [STUDENT]
        token = await session.scalar(
            select(OneTimeToken).where(OneTimeToken.account_id == account.id)
        )
        assert token is not None
        assert token.token_hash == hash_token(invitation.token)
        (event,) = await outbox_events(session, "user.invited")
    # and the event describes the invitation
    assert (event.tenant, event.subject) == (college.id, account.id)
    assert event.data["email"] == "ada.lovelace@example.edu"
    assert event.data["roles"] == [STUDENT]
    assert event.data["department_id"] == "dept-maths"
    assert event.data["actor_id"] == admin.user_id


async def test_email_is_unique_per_college_whatever_its_case(identity_db: Database) -> None:
    # given an account "sam@example.edu" in one college, and a second college
    async with identity_db.transaction() as session:
        college = await make_college(session)
        other = await make_college(session)
        await make_account(session, college=college, email="sam@example.edu")
    # when the same address, in capitals, is invited to the first college
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await accounts.invite_account(
                session,
                actor=college_admin(college),
                email="SAM@example.edu",
                display_name="Sam",
                kind=AccountKind.STAFF,
            )
    # then it is a duplicate
    assert (caught.value.code_name, caught.value.field) == ("DUPLICATE_EMAIL", "email")
    # when it is invited to the other college, then that is fine
    async with identity_db.transaction() as session:
        invitation = await accounts.invite_account(
            session,
            actor=college_admin(other),
            email="sam@example.edu",
            display_name="Sam",
            kind=AccountKind.STAFF,
        )
    assert invitation.account.college_id == other.id


@pytest.mark.parametrize(
    "email",
    ["", "plain", "a@b", "a@@example.edu", "a b@example.edu", "a@example.123", ".a@example.edu"],
)
async def test_invalid_email_is_refused(identity_db: Database, email: str) -> None:
    # given a college
    async with identity_db.transaction() as session:
        college = await make_college(session)
    # when an invalid address is invited
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await accounts.invite_account(
                session,
                actor=college_admin(college),
                email=email,
                display_name="Someone",
                kind=AccountKind.STUDENT,
            )
    # then it is refused and no account exists
    assert (caught.value.code_name, caught.value.field) == ("INVALID_EMAIL", "email")
    async with identity_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Account)) == 0


async def test_invite_tenancy(identity_db: Database) -> None:
    # given two colleges
    async with identity_db.transaction() as session:
        mine = await make_college(session)
        theirs = await make_college(session)
    invite: dict[str, Any] = {
        "email": "x@example.edu",
        "display_name": "X",
        "kind": AccountKind.STAFF,
    }
    async with identity_db.transaction() as session:
        # when an admin invites into another college, then it is forbidden
        with pytest.raises(PermissionDenied):
            await accounts.invite_account(
                session, actor=college_admin(mine), college_id=theirs.id, **invite
            )
        # when someone without user:invite invites, then it is forbidden
        with pytest.raises(PermissionDenied):
            await accounts.invite_account(session, actor=principal(mine, "user:read"), **invite)
    # when the super-admin invites into that college, then it may
    async with identity_db.transaction() as session:
        invitation = await accounts.invite_account(
            session, actor=super_admin(), college_id=theirs.id, **invite
        )
    assert invitation.account.college_id == theirs.id


async def test_invite_into_suspended_college_is_refused(identity_db: Database) -> None:
    # given a suspended college
    async with identity_db.transaction() as session:
        college = await make_college(session, status=CollegeStatus.SUSPENDED)
    # when its admin invites someone
    # then the college's state is the reason given
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await accounts.invite_account(
                session,
                actor=college_admin(college),
                email="x@example.edu",
                display_name="X",
                kind=AccountKind.STAFF,
            )
    assert caught.value.code_name == "COLLEGE_SUSPENDED"


async def test_invite_role_checks(identity_db: Database) -> None:
    # given a college, its admin and a teacher allowed to invite
    async with identity_db.transaction() as session:
        college = await make_college(session)
    admin = college_admin(college)
    teacher_spec = builtin_role(TEACHER)
    assert teacher_spec is not None
    teacher = principal(college, "user:invite", *teacher_spec.permissions)
    invite: dict[str, Any] = {
        "email": "x@example.edu",
        "display_name": "X",
        "kind": AccountKind.STAFF,
    }
    async with identity_db.transaction() as session:
        # when a role that does not exist is named, then UNKNOWN_ROLE names it
        with pytest.raises(DomainError, match="'dean'") as unknown:
            await accounts.invite_account(session, actor=admin, role_keys=["dean"], **invite)
        assert (unknown.value.code_name, unknown.value.field) == ("UNKNOWN_ROLE", "role_keys")
        # when the super-admin role is given to staff, then it is not assignable
        with pytest.raises(DomainError) as platform:
            await accounts.invite_account(
                session, actor=super_admin(), college_id=college.id, role_keys=["super-admin"],
                **invite,
            )  # fmt: skip
        assert platform.value.code_name == "ROLE_NOT_ASSIGNABLE"
        # when the teacher invites a college admin, then it cannot grant what it lacks
        with pytest.raises(PermissionDenied):
            await accounts.invite_account(
                session, actor=teacher, role_keys=["college-admin"], **invite
            )


async def test_only_the_super_admin_invites_platform_accounts(identity_db: Database) -> None:
    # given a college admin and the super-admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    invite: dict[str, Any] = {
        "email": "ops@lms.example",
        "display_name": "Ops",
        "kind": AccountKind.PLATFORM,
    }
    # when the college admin invites a platform account, then it is forbidden
    with pytest.raises(PermissionDenied):
        async with identity_db.transaction() as session:
            await accounts.invite_account(session, actor=college_admin(college), **invite)
    # when the super-admin does, then the account has no college and is a super-admin
    async with identity_db.transaction() as session:
        invitation = await accounts.invite_account(session, actor=super_admin(), **invite)
        held = await roles_of(session, invitation.account.id)
    assert invitation.account.college_id is None
    assert [role.key for role in held] == ["super-admin"]


# -- read -----------------------------------------------------------------------------------
async def test_get_account_respects_tenancy(identity_db: Database) -> None:
    # given an account in each of two colleges
    async with identity_db.transaction() as session:
        mine = await make_college(session)
        theirs = await make_college(session)
        me = await make_account(session, college=mine, email="me@example.edu")
        stranger = await make_account(session, college=theirs)
    async with identity_db.session() as session:
        # when an account reads itself without any permission, then it may
        found = await accounts.get_account(session, actor=actor_for(me), account_id=me.id)
        assert found.id == me.id
        # when a reader of one college reads the other's account, then it does not exist
        with pytest.raises(NotFoundError):
            await accounts.get_account(
                session, actor=principal(mine, "user:read"), account_id=stranger.id
            )
        # when a reader finds by email in any case, then it gets the account
        by_email = await accounts.get_account_by_email(
            session, actor=principal(mine, "user:read"), email="ME@Example.edu"
        )
        assert by_email.id == me.id
        # and the super-admin reads anyone
        anyone = await accounts.get_account(session, actor=super_admin(), account_id=stranger.id)
        assert anyone.id == stranger.id


async def test_list_accounts_filters_and_pages(identity_db: Database) -> None:
    # given a college with teachers, students in two departments, and a stranger elsewhere
    async with identity_db.transaction() as session:
        college = await make_college(session)
        other = await make_college(session)
        teachers = [
            await make_account(session, college=college, roles=[TEACHER], department_id="cs")
            for _ in range(3)
        ]
        student = await make_account(
            session,
            college=college,
            kind=AccountKind.STUDENT,
            status=AccountStatus.INVITED,
            roles=[STUDENT],
            department_id="maths",
        )
        await make_account(session, college=other, roles=[TEACHER], department_id="cs")
    reader = principal(college, "user:read")
    async with identity_db.session() as session:
        # when listed by role, kind, status and department
        by_role = await accounts.list_accounts(
            session, actor=reader, filter=AccountFilter(role_key=TEACHER)
        )
        by_kind = await accounts.list_accounts(
            session, actor=reader, filter=AccountFilter(kind=AccountKind.STUDENT)
        )
        invited = await accounts.list_accounts(
            session, actor=reader, filter=AccountFilter(status=AccountStatus.INVITED)
        )
        maths = await accounts.list_accounts(
            session, actor=reader, filter=AccountFilter(department_id="maths")
        )
        # then only the college's matching accounts come back
        assert {a.id for a in by_role.nodes} == {t.id for t in teachers}
        assert [a.id for a in by_kind.nodes] == [student.id]
        assert [a.id for a in invited.nodes] == [student.id]
        assert [a.id for a in maths.nodes] == [student.id]
        # when the whole college is paged two at a time
        first = await accounts.list_accounts(session, actor=reader, first=2)
        rest = await accounts.list_accounts(session, actor=reader, first=2, after=first.cursors[-1])
    # then the pages hold every account of the college once
    assert first.total_count == 4
    assert first.has_next_page
    assert not rest.has_next_page
    paged = [a.id for a in first.nodes + rest.nodes]
    assert sorted(paged) == sorted([t.id for t in teachers] + [student.id])


async def test_list_accounts_of_another_college_is_forbidden(identity_db: Database) -> None:
    # given two colleges
    async with identity_db.transaction() as session:
        mine = await make_college(session)
        theirs = await make_college(session)
    # when a reader names the other college, then it is forbidden
    with pytest.raises(PermissionDenied):
        accounts.accounts_query(actor=principal(mine, "user:read"), college_id=theirs.id)
    # when it lacks user:read, then listing its own college is forbidden too
    with pytest.raises(PermissionDenied):
        accounts.accounts_query(actor=principal(mine))


# -- roles ----------------------------------------------------------------------------------
async def test_assign_and_remove_roles(identity_db: Database) -> None:
    # given a staff account holding "teacher"
    async with identity_db.transaction() as session:
        college = await make_college(session)
        account = await make_account(session, college=college, roles=[TEACHER])
    admin = college_admin(college)
    # when the admin gives it "department-head" twice, then takes "teacher" away
    async with identity_db.transaction() as session:
        for _ in range(2):
            await accounts.assign_role(
                session, actor=admin, account_id=account.id, role_key="department-head"
            )
        await accounts.remove_role(session, actor=admin, account_id=account.id, role_key=TEACHER)
    # then it holds only "department-head", and one event per actual change was written
    async with identity_db.session() as session:
        assert [role.key for role in await roles_of(session, account.id)] == ["department-head"]
        changes = await outbox_events(session, "role.changed")
    assert [(e.data["added"], e.data["removed"]) for e in changes] == [
        (["department-head"], []),
        ([], [TEACHER]),
    ]
    assert changes[-1].data["roles"] == ["department-head"]
    assert all(e.subject == account.id and e.tenant == college.id for e in changes)


async def test_effective_permissions_are_the_union_of_roles(identity_db: Database) -> None:
    # given an account that is both a teaching assistant and a student
    async with identity_db.transaction() as session:
        college = await make_college(session)
        account = await make_account(
            session, college=college, roles=["teaching-assistant", STUDENT]
        )
    # when its effective permissions are read
    async with identity_db.session() as session:
        granted = await accounts.effective_permissions(
            session, actor=actor_for(account), account_id=account.id
        )
        built = await accounts.principal_for_account(session, account)
    # then they are the union of both roles' permissions
    ta, student = builtin_role("teaching-assistant"), builtin_role(STUDENT)
    assert ta is not None
    assert student is not None
    assert granted == ta.permissions | student.permissions
    assert "submission:create" in granted
    assert "grade:write" in granted
    # and the principal for its tokens carries them with the role keys
    assert built.permissions == granted
    assert built.roles == {"teaching-assistant", STUDENT}
    assert built.college_id == college.id


async def test_role_changes_are_tenant_bound(identity_db: Database) -> None:
    # given an account in another college
    async with identity_db.transaction() as session:
        mine = await make_college(session)
        theirs = await make_college(session)
        stranger = await make_account(session, college=theirs)
    # when an admin gives it a role, then the account does not exist for it
    with pytest.raises(NotFoundError):
        async with identity_db.transaction() as session:
            await accounts.assign_role(
                session, actor=college_admin(mine), account_id=stranger.id, role_key=TEACHER
            )


# -- lifecycle ------------------------------------------------------------------------------
async def test_activation_rules(identity_db: Database) -> None:
    # given an invited account without password, a deactivated one with, and an active one
    async with identity_db.transaction() as session:
        college = await make_college(session)
        invited = await make_account(
            session, college=college, status=AccountStatus.INVITED, password_hash=None
        )
        deactivated = await make_account(session, college=college, status=AccountStatus.DEACTIVATED)
        active = await make_account(session, college=college)
    admin = college_admin(college)
    async with identity_db.transaction() as session:
        # when the invited one is activated, then its invitation must be accepted first
        with pytest.raises(DomainError) as pending:
            await accounts.activate_account(session, actor=admin, account_id=invited.id)
        assert pending.value.code_name == "INVITATION_NOT_ACCEPTED"
        # when the active one is activated, then it already is
        with pytest.raises(DomainError) as again:
            await accounts.activate_account(session, actor=admin, account_id=active.id)
        assert again.value.code_name == "ACCOUNT_ALREADY_ACTIVE"
        # when the deactivated one is activated, then it is active again
        done = await accounts.activate_account(session, actor=admin, account_id=deactivated.id)
    assert done.status is AccountStatus.ACTIVE
    async with identity_db.session() as session:
        (event,) = await outbox_events(session, "user.activated")
    assert event.subject == deactivated.id


async def test_deactivation_ends_every_session(identity_db: Database) -> None:
    # given an active account with two sessions (refresh-token families) and a reset link
    async with identity_db.transaction() as session:
        college = await make_college(session)
        account = await make_account(session, college=college)
        session.add_all([_refresh_token(account, "family-a"), _refresh_token(account, "family-b")])
        session.add(
            OneTimeToken(
                account_id=account.id,
                purpose="password_reset",
                token_hash=hash_token("reset"),
                expires_at=datetime.now(UTC) + timedelta(hours=1),
            )
        )
    before = datetime.now(UTC)
    # when the admin deactivates it
    async with identity_db.transaction() as session:
        await accounts.deactivate_account(
            session, actor=college_admin(college), account_id=account.id
        )
    # then it is deactivated, older access tokens are refused, every family revoked
    async with identity_db.session() as session:
        stored = await session.get(Account, account.id)
        assert stored is not None
        assert stored.status is AccountStatus.DEACTIVATED
        assert stored.sessions_valid_after is not None
        assert as_utc(stored.sessions_valid_after) >= before
        tokens = list(await session.scalars(select(RefreshToken)))
        links = list(await session.scalars(select(OneTimeToken)))
        (event,) = await outbox_events(session, "user.deactivated")
    assert len(tokens) == 2
    assert all(t.revoked_at is not None for t in tokens)
    assert all(link.used_at is not None for link in links)
    assert event.subject == account.id


async def test_deactivation_refusals(identity_db: Database) -> None:
    # given an admin's own account, and an account of another college
    async with identity_db.transaction() as session:
        college = await make_college(session)
        other = await make_college(session)
        own = await make_account(session, college=college)
        stranger = await make_account(session, college=other)
    admin = college_admin(college, user_id=own.id)
    async with identity_db.transaction() as session:
        # when the admin deactivates itself, then it may not
        with pytest.raises(DomainError) as itself:
            await accounts.deactivate_account(session, actor=admin, account_id=own.id)
        assert itself.value.code_name == "CANNOT_CHANGE_SELF"
        # when it deactivates the stranger, then the stranger does not exist for it
        with pytest.raises(NotFoundError):
            await accounts.deactivate_account(session, actor=admin, account_id=stranger.id)
        # when a reader without user:deactivate tries, then it is forbidden
        with pytest.raises(PermissionDenied):
            await accounts.deactivate_account(
                session, actor=principal(college, "user:read"), account_id=own.id
            )


async def test_soft_delete_hides_then_purge_removes(identity_db: Database) -> None:
    # given two accounts with roles and sessions
    async with identity_db.transaction() as session:
        college = await make_college(session)
        leaving = await make_account(session, college=college, roles=[TEACHER])
        staying = await make_account(session, college=college, roles=[TEACHER])
        session.add(_refresh_token(leaving, "family-a"))
    admin = college_admin(college)
    # when one is deleted with a 30-day retention
    async with identity_db.transaction() as session:
        deleted = await accounts.delete_account(
            session, actor=admin, account_id=leaving.id, retention=timedelta(days=30)
        )
    assert deleted.deleted_at is not None
    assert deleted.purge_after is not None
    assert deleted.purge_after - deleted.deleted_at == timedelta(days=30)
    # then nobody finds or lists it any more, and its session is revoked
    async with identity_db.session() as session:
        with pytest.raises(NotFoundError):
            await accounts.get_account(session, actor=admin, account_id=leaving.id)
        listed = await accounts.list_accounts(session, actor=admin)
        assert [a.id for a in listed.nodes] == [staying.id]
        token = await session.scalar(select(RefreshToken))
        assert token is not None
        assert token.revoked_at is not None
        (event,) = await outbox_events(session, "user.deleted")
        assert event.data["purge_after"] == deleted.purge_after.isoformat()
    # when the purge runs before the retention ends, then nothing goes
    async with identity_db.transaction() as session:
        assert await accounts.purge_deleted_accounts(session, actor=service_principal()) == 0
    # when it runs after, then the account, its roles and tokens are gone
    later = datetime.now(UTC) + timedelta(days=31)
    async with identity_db.transaction() as session:
        purged = await accounts.purge_deleted_accounts(
            session, actor=service_principal(), now=later
        )
    assert purged == 1
    async with identity_db.session() as session:
        assert await session.get(Account, leaving.id) is None
        assert await session.get(Account, staying.id) is not None
        held = await session.scalars(select(AccountRole.account_id))
        assert set(held) == {staying.id}
        assert await session.scalar(select(func.count()).select_from(RefreshToken)) == 0
        (gone,) = await outbox_events(session, "user.purged")
    assert gone.subject == leaving.id


async def test_only_the_platform_purges(identity_db: Database) -> None:
    # given a college admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    # when it runs the purge, then it is forbidden
    with pytest.raises(PermissionDenied):
        async with identity_db.transaction() as session:
            await accounts.purge_deleted_accounts(session, actor=college_admin(college))


async def test_two_purges_at_once_announce_each_account_once(identity_db: Database) -> None:
    # given three accounts whose retention ended
    async with identity_db.transaction() as session:
        college = await make_college(session)
        people = [await make_account(session, college=college) for _ in range(3)]
    admin = college_admin(college)
    async with identity_db.transaction() as session:
        for person in people:
            await accounts.delete_account(
                session, actor=admin, account_id=person.id, retention=timedelta(0)
            )

    # when two purges run at the same time (two replicas of the worker)
    async def purge() -> int:
        async with identity_db.transaction() as session:
            return await accounts.purge_deleted_accounts(
                session, actor=service_principal(), now=utcnow() + timedelta(seconds=1)
            )

    counts = await asyncio.gather(purge(), purge())

    # then every account is purged once, and announced once
    assert sum(counts) == len(people)
    async with identity_db.session() as session:
        purged = await outbox_events(session, "user.purged")
    assert sorted(event.subject for event in purged) == sorted(p.id for p in people)

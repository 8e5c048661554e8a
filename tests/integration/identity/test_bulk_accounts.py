"""Bulk account changes: all or nothing, per-item errors, the single functions' effects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shared.db import Database
from shared.errors import BadUserInput, PermissionDenied
from subgraphs.identity import bulk_accounts
from subgraphs.identity.bulk_accounts import AccountChange, BulkAccountsError
from subgraphs.identity.models import Account, AccountStatus, RefreshToken, new_id
from subgraphs.identity.one_time_tokens import hash_token
from subgraphs.identity.permissions import STUDENT, SUPER_ADMIN, TEACHER
from subgraphs.identity.roles import roles_of
from tests.factories.identity import (
    actor_for,
    college_admin,
    make_account,
    make_college,
    outbox_events,
    principal,
)


async def test_bulk_deactivate_ends_sessions_and_emits_per_account(identity_db: Database) -> None:
    # given two active accounts, one with a live refresh token
    async with identity_db.transaction() as session:
        college = await make_college(session)
        first = await make_account(session, college=college)
        second = await make_account(session, college=college)
        session.add(
            RefreshToken(
                family_id=new_id(),
                account_id=first.id,
                token_hash=hash_token(new_id()),
                expires_at=datetime.now(UTC) + timedelta(days=1),
            )
        )
    # when both are deactivated in one call
    async with identity_db.transaction() as session:
        changed = await bulk_accounts.bulk_deactivate_accounts(
            session, actor=college_admin(college), account_ids=[first.id, second.id]
        )
    # then both are deactivated, sessions ended, one event each
    assert [a.id for a in changed] == [first.id, second.id]
    async with identity_db.session() as session:
        for account_id in (first.id, second.id):
            stored = await session.get(Account, account_id)
            assert stored is not None
            assert stored.status is AccountStatus.DEACTIVATED
            assert stored.sessions_valid_after is not None
        token = await session.scalar(
            select(RefreshToken).where(RefreshToken.account_id == first.id)
        )
        assert token is not None
        assert token.revoked_at is not None
        subjects = [e.subject for e in await outbox_events(session, "user.deactivated")]
    assert subjects == [first.id, second.id]


async def test_invalid_items_are_reported_and_nothing_changes(identity_db: Database) -> None:
    # given an active account, a deactivated one, one of another college, and the admin's own
    async with identity_db.transaction() as session:
        college = await make_college(session)
        other = await make_college(session)
        active = await make_account(session, college=college)
        already = await make_account(session, college=college, status=AccountStatus.DEACTIVATED)
        foreign = await make_account(session, college=other)
        own = await make_account(session, college=college)
    admin = college_admin(college, user_id=own.id)
    ids = [active.id, already.id, foreign.id, new_id(), own.id, active.id]
    # when all are deactivated in one call
    with pytest.raises(BulkAccountsError) as caught:
        async with identity_db.transaction() as session:
            await bulk_accounts.bulk_deactivate_accounts(session, actor=admin, account_ids=ids)
    # then each bad item is reported by index, another college's id as unknown
    reported = [(e.index, e.code.name, e.field) for e in caught.value.items]
    assert reported == [
        (1, "ACCOUNT_DEACTIVATED", "id"),
        (2, "UNKNOWN_ACCOUNT", "account_ids"),
        (3, "UNKNOWN_ACCOUNT", "account_ids"),
        (4, "CANNOT_CHANGE_SELF", "id"),
        (5, "DUPLICATE_ITEM", "account_ids"),
    ]
    assert [e.index for e in caught.value.errors] == [1, 2, 3, 4, 5]
    # and the valid account was not changed, no event written
    async with identity_db.session() as session:
        stored = await session.get(Account, active.id)
        assert stored is not None
        assert stored.status is AccountStatus.ACTIVE
        assert await outbox_events(session, "user.deactivated") == []


async def test_the_cap_and_permissions_are_whole_call_errors(identity_db: Database) -> None:
    # given a college
    async with identity_db.transaction() as session:
        college = await make_college(session)
        account = await make_account(session, college=college)
    # when 101 ids are sent, then the cap is stated
    async with identity_db.transaction() as session:
        with pytest.raises(BadUserInput) as caught:
            await bulk_accounts.bulk_delete_accounts(
                session, actor=college_admin(college), account_ids=[new_id() for _ in range(101)]
            )
    assert "at most 100" in caught.value.message
    # when someone without user:delete deletes, then it is forbidden
    async with identity_db.transaction() as session:
        with pytest.raises(PermissionDenied):
            await bulk_accounts.bulk_delete_accounts(
                session, actor=principal(college, "user:read"), account_ids=[account.id]
            )


async def test_bulk_delete_soft_deletes_with_retention(identity_db: Database) -> None:
    # given two accounts
    async with identity_db.transaction() as session:
        college = await make_college(session)
        accounts = [await make_account(session, college=college) for _ in range(2)]
    # when they are deleted with a 7-day retention
    async with identity_db.transaction() as session:
        await bulk_accounts.bulk_delete_accounts(
            session,
            actor=college_admin(college),
            account_ids=[a.id for a in accounts],
            retention=timedelta(days=7),
        )
    # then both are kept until the purge, deactivated, one event each
    async with identity_db.session() as session:
        for account in accounts:
            stored = await session.get(Account, account.id)
            assert stored is not None
            assert stored.deleted_at is not None
            assert stored.purge_after is not None
            assert stored.purge_after - stored.deleted_at == timedelta(days=7)
        assert len(await outbox_events(session, "user.deleted")) == 2
    # and deleting them again reports them as unknown
    with pytest.raises(BulkAccountsError) as caught:
        async with identity_db.transaction() as session:
            await bulk_accounts.bulk_delete_accounts(
                session, actor=college_admin(college), account_ids=[accounts[0].id]
            )
    assert caught.value.items[0].code.name == "UNKNOWN_ACCOUNT"


async def test_bulk_update_sets_department_status_and_role(identity_db: Database) -> None:
    # given a deactivated teacher and an active staff member already in "physics"
    async with identity_db.transaction() as session:
        college = await make_college(session)
        teacher = await make_account(
            session, college=college, status=AccountStatus.DEACTIVATED, roles=[TEACHER]
        )
        physicist = await make_account(session, college=college, department_id="physics")
    admin = college_admin(college)
    # when both are set active, in physics, with the student role added and teacher removed
    async with identity_db.transaction() as session:
        await bulk_accounts.bulk_update_accounts(
            session,
            actor=admin,
            account_ids=[teacher.id, physicist.id],
            change=AccountChange(
                status=AccountStatus.ACTIVE,
                department_id=" physics ",
                add_role=STUDENT,
                remove_role=TEACHER,
            ),
        )
    # then both hold the values, and only real changes are events
    async with identity_db.session() as session:
        for account in (teacher, physicist):
            stored = await session.get(Account, account.id)
            assert stored is not None
            assert (stored.status, stored.department_id) == (AccountStatus.ACTIVE, "physics")
            assert [r.key for r in await roles_of(session, account.id)] == [STUDENT]
        assert [e.subject for e in await outbox_events(session, "user.activated")] == [teacher.id]
        assert [e.subject for e in await outbox_events(session, "user.updated")] == [teacher.id]
        role_events = {e.subject: e.data for e in await outbox_events(session, "role.changed")}
    assert role_events[teacher.id]["removed"] == [TEACHER]
    assert role_events[physicist.id] == {
        "added": [STUDENT],
        "removed": [],
        "roles": [STUDENT],
        "actor_id": admin.user_id,
    }


async def test_bulk_update_reports_rule_violations_per_item(identity_db: Database) -> None:
    # given an invited account (no password yet) and an active one
    async with identity_db.transaction() as session:
        college = await make_college(session)
        invited = await make_account(
            session, college=college, status=AccountStatus.INVITED, password_hash=None
        )
        fine = await make_account(session, college=college, status=AccountStatus.DEACTIVATED)
    # when both are set active
    with pytest.raises(BulkAccountsError) as caught:
        async with identity_db.transaction() as session:
            await bulk_accounts.bulk_update_accounts(
                session,
                actor=college_admin(college),
                account_ids=[fine.id, invited.id],
                change=AccountChange(status=AccountStatus.ACTIVE),
            )
    # then the invited one is reported and the other is left deactivated
    (error,) = caught.value.items
    assert (error.index, error.code.name, error.field) == (1, "INVITATION_NOT_ACCEPTED", "status")
    async with identity_db.session() as session:
        stored = await session.get(Account, fine.id)
        assert stored is not None
        assert stored.status is AccountStatus.DEACTIVATED


async def test_bulk_update_needs_each_parts_permission(identity_db: Database) -> None:
    # given an account and someone who may update but not assign roles
    async with identity_db.transaction() as session:
        college = await make_college(session)
        account = await make_account(session, college=college)
    actor = principal(college, "user:update")
    # when they change the department and a role, then it is forbidden (role:assign)
    async with identity_db.transaction() as session:
        with pytest.raises(PermissionDenied) as caught:
            await bulk_accounts.bulk_update_accounts(
                session,
                actor=actor,
                account_ids=[account.id],
                change=AccountChange(department_id="maths", add_role=STUDENT),
            )
    assert caught.value.permission == "role:assign"
    # when a college admin gives the platform-only super-admin role to a staff account
    with pytest.raises(BulkAccountsError) as refused:
        async with identity_db.transaction() as session:
            await bulk_accounts.bulk_update_accounts(
                session,
                actor=college_admin(college),
                account_ids=[account.id],
                change=AccountChange(add_role=SUPER_ADMIN),
            )
    # then that item is refused: the role is not for college accounts
    (error,) = refused.value.items
    assert (error.index, error.code.name, error.field) == (0, "ROLE_NOT_ASSIGNABLE", "add_role")
    # and the account itself may not deactivate itself in bulk
    with pytest.raises(BulkAccountsError):
        async with identity_db.transaction() as session:
            await bulk_accounts.bulk_update_accounts(
                session,
                actor=actor_for(account, "user:deactivate"),
                account_ids=[account.id],
                change=AccountChange(status=AccountStatus.DEACTIVATED),
            )

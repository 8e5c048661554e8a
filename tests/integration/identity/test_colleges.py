"""Colleges: creation with a first admin, reads across tenants, updates, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from shared.db import Database
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.identity import colleges
from subgraphs.identity.models import (
    Account,
    AccountStatus,
    College,
    CollegeStatus,
    OneTimeToken,
    Role,
    TokenPurpose,
)
from subgraphs.identity.one_time_tokens import hash_token
from subgraphs.identity.permissions import BUILTIN_ROLES, COLLEGE_ADMIN
from subgraphs.identity.roles import roles_of, sync_builtin_roles
from tests.factories.identity import (
    college_admin,
    make_college,
    outbox_events,
    principal,
    super_admin,
)


def _new(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "slug": "north-valley",
        "name": "North Valley College",
        "admin_email": "Dean@North-Valley.EDU ",
        "admin_display_name": "Dana Dean",
    }
    return values | overrides


async def test_create_college_invites_its_first_admin(identity_db: Database) -> None:
    # given the platform's super-admin
    actor = super_admin()
    # when it creates a college
    async with identity_db.transaction() as session:
        created = await colleges.create_college(
            session, actor=actor, settings={"time_zone": "Europe/Dublin"}, **_new()
        )
    # then the college is active with full settings, and its admin is invited
    async with identity_db.session() as session:
        college = await session.get(College, created.college.id)
        assert college is not None
        assert college.status is CollegeStatus.ACTIVE
        assert college.settings == {
            "time_zone": "Europe/Dublin",
            "locale": "en",
            "academic_year_start_month": 9,
        }
        admin = await session.get(Account, created.invitation.account.id)
        assert admin is not None
        assert (admin.college_id, admin.email) == (college.id, "dean@north-valley.edu")
        assert admin.status is AccountStatus.INVITED
        assert admin.password_hash is None
        assert [role.key for role in await roles_of(session, admin.id)] == [COLLEGE_ADMIN]
        # and only the hash of the invitation token is stored
        token = await session.scalar(
            select(OneTimeToken).where(OneTimeToken.account_id == admin.id)
        )
        assert token is not None
        assert token.purpose is TokenPurpose.INVITATION
        assert token.token_hash == hash_token(created.invitation.token)
        assert created.invitation.token not in token.token_hash
        # and the events are in the outbox
        events = await outbox_events(session)
    assert [event.type for event in events] == ["user.invited", "college.created"]
    assert all(event.tenant == college.id for event in events)
    assert events[1].data == {
        "slug": "north-valley",
        "name": "North Valley College",
        "admin_id": admin.id,
        "actor_id": actor.user_id,
    }
    assert events[0].data["roles"] == [COLLEGE_ADMIN]


async def test_invalid_admin_email_leaves_no_college(identity_db: Database) -> None:
    # given a college whose admin email is not an address
    # when it is created
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await colleges.create_college(
                session, actor=super_admin(), **_new(admin_email="dean(at)north")
            )
    # then the error names the admin email, and nothing was written
    assert (caught.value.code_name, caught.value.field) == ("INVALID_EMAIL", "admin_email")
    async with identity_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(College)) == 0
        assert await session.scalar(select(func.count()).select_from(Account)) == 0
        assert await outbox_events(session) == []


async def test_failure_after_writes_rolls_everything_back(identity_db: Database) -> None:
    # given a college created in a transaction that fails afterwards
    with pytest.raises(RuntimeError):  # noqa: PT012 (the failure is after the call)
        async with identity_db.transaction() as session:
            await colleges.create_college(session, actor=super_admin(), **_new())
            raise RuntimeError("mail server down")
    # then neither the college, its admin nor their events exist
    async with identity_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(College)) == 0
        assert await session.scalar(select(func.count()).select_from(Account)) == 0
        assert await outbox_events(session) == []


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"slug": "North Valley"}, "INVALID_SLUG", "slug"),
        ({"slug": "-edge-"}, "INVALID_SLUG", "slug"),
        ({"slug": "a"}, "INVALID_SLUG", "slug"),
        ({"slug": "double--hyphen"}, "INVALID_SLUG", "slug"),
        ({"slug": "api"}, "INVALID_SLUG", "slug"),
        ({"name": "   "}, "INVALID_NAME", "name"),
        ({"admin_display_name": ""}, "INVALID_NAME", "admin_display_name"),
        ({"settings": {"time_zone": "Mars/Olympus"}}, "INVALID_COLLEGE_SETTINGS", "settings"),
        ({"settings": {"locale": "english"}}, "INVALID_COLLEGE_SETTINGS", "settings"),
        ({"settings": {"academic_year_start_month": 13}}, "INVALID_COLLEGE_SETTINGS", "settings"),
        ({"settings": {"timezone": "UTC"}}, "INVALID_COLLEGE_SETTINGS", "settings"),
    ],
)
async def test_create_college_validates_input(
    identity_db: Database, overrides: dict[str, Any], code: str, field: str
) -> None:
    # given an invalid input
    # when a college is created from it
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await colleges.create_college(session, actor=super_admin(), **_new(**overrides))
    # then the error carries the code and the field at fault
    assert (caught.value.code_name, caught.value.field) == (code, field)


async def test_slug_is_unique(identity_db: Database) -> None:
    # given a college "north-valley"
    async with identity_db.transaction() as session:
        await make_college(session, slug="north-valley")
    # when another college asks for the same slug
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await colleges.create_college(session, actor=super_admin(), **_new())
    # then it is refused
    assert caught.value.code_name == "COLLEGE_SLUG_TAKEN"


async def test_only_the_super_admin_creates_colleges(identity_db: Database) -> None:
    # given a college admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    # when it tries to create a college
    # then it is forbidden
    with pytest.raises(PermissionDenied):
        async with identity_db.transaction() as session:
            await colleges.create_college(session, actor=college_admin(college), **_new())


async def test_members_read_only_their_own_college(identity_db: Database) -> None:
    # given two colleges
    async with identity_db.transaction() as session:
        mine = await make_college(session)
        theirs = await make_college(session)
    member = principal(mine)
    async with identity_db.session() as session:
        # when a member reads its own college, then it gets it
        assert (await colleges.get_college(session, actor=member, college_id=mine.id)).id == mine.id
        # when it reads the other one, then it does not exist for it
        with pytest.raises(NotFoundError):
            await colleges.get_college(session, actor=member, college_id=theirs.id)
        # and the super-admin reads both
        found = await colleges.get_college(session, actor=super_admin(), college_id=theirs.id)
        assert found.id == theirs.id


async def test_colleges_query_is_scoped(identity_db: Database) -> None:
    # given two colleges, one suspended
    async with identity_db.transaction() as session:
        mine = await make_college(session, slug="alpha")
        await make_college(session, slug="beta", status=CollegeStatus.SUSPENDED)
    async with identity_db.session() as session:
        # when the super-admin lists them, then it sees both (and can filter by status)
        everyone = await session.scalars(
            colleges.colleges_query(actor=super_admin()).order_by(College.slug)
        )
        assert [c.slug for c in everyone] == ["alpha", "beta"]
        suspended = await session.scalars(
            colleges.colleges_query(actor=super_admin(), status=CollegeStatus.SUSPENDED)
        )
        assert [c.slug for c in suspended] == ["beta"]
        # when a college admin lists them, then it sees only its own
        own = await session.scalars(colleges.colleges_query(actor=college_admin(mine)))
        assert [c.slug for c in own] == ["alpha"]


async def test_update_college_merges_settings_and_emits(identity_db: Database) -> None:
    # given a college and its admin
    async with identity_db.transaction() as session:
        college = await make_college(session, slug="alpha")
    admin = college_admin(college)
    # when the admin renames it and changes its locale
    async with identity_db.transaction() as session:
        updated = await colleges.update_college(
            session,
            actor=admin,
            college_id=college.id,
            name="  Alpha   College ",
            settings={"locale": "pt-BR"},
        )
    # then the name is tidied, the other settings kept, and one event says what changed
    assert updated.name == "Alpha College"
    assert updated.settings["locale"] == "pt-BR"
    assert updated.settings["time_zone"] == "UTC"
    async with identity_db.session() as session:
        (event,) = await outbox_events(session, "college.updated")
    assert event.data["changed"] == ["name", "settings"]
    assert event.data["actor_id"] == admin.user_id


async def test_update_without_change_emits_nothing(identity_db: Database) -> None:
    # given a college
    async with identity_db.transaction() as session:
        college = await make_college(session, name="Same")
    # when it is "updated" to what it already is
    async with identity_db.transaction() as session:
        await colleges.update_college(
            session, actor=college_admin(college), college_id=college.id, name="Same"
        )
    # then no event is written
    async with identity_db.session() as session:
        assert await outbox_events(session) == []


async def test_update_college_tenancy_and_suspension(identity_db: Database) -> None:
    # given two colleges
    async with identity_db.transaction() as session:
        mine = await make_college(session)
        theirs = await make_college(session, slug="taken-slug")
    admin = college_admin(mine)
    async with identity_db.transaction() as session:
        # when an admin changes another college, then it is forbidden
        with pytest.raises(PermissionDenied):
            await colleges.update_college(session, actor=admin, college_id=theirs.id, name="Mine")
        # when it suspends its own college, then that is a platform permission
        with pytest.raises(PermissionDenied):
            await colleges.update_college(
                session, actor=admin, college_id=mine.id, status=CollegeStatus.SUSPENDED
            )
        # when it takes a slug in use, then it is refused
        with pytest.raises(DomainError) as caught:
            await colleges.update_college(
                session, actor=admin, college_id=mine.id, slug="taken-slug"
            )
        assert caught.value.code_name == "COLLEGE_SLUG_TAKEN"
    # when the super-admin suspends it, then it is suspended
    async with identity_db.transaction() as session:
        suspended = await colleges.update_college(
            session, actor=super_admin(), college_id=mine.id, status=CollegeStatus.SUSPENDED
        )
    assert suspended.status is CollegeStatus.SUSPENDED


async def test_builtin_roles_are_seeded_idempotently(identity_db: Database) -> None:
    # given built-in roles seeded once, then one row tampered with
    async with identity_db.transaction() as session:
        await sync_builtin_roles(session)
        teacher = await session.scalar(select(Role).where(Role.key == "teacher"))
        assert teacher is not None
        teacher.permissions = ["*"]
    # when they are seeded twice more
    for _ in range(2):
        async with identity_db.transaction() as session:
            await sync_builtin_roles(session)
    # then there is one row per built-in role, each as the code defines it
    async with identity_db.session() as session:
        rows = {role.key: role for role in await session.scalars(select(Role))}
    assert set(rows) == {spec.key for spec in BUILTIN_ROLES}
    for spec in BUILTIN_ROLES:
        assert rows[spec.key].builtin
        assert rows[spec.key].college_id is None
        assert rows[spec.key].permissions == sorted(spec.permissions)

"""Bulk onboarding: all-or-nothing batches, each row error as data, few statements."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from shared.db import Database
from shared.errors import BadUserInput
from shared.graphql.relay import to_global_id
from subgraphs.identity import onboarding
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import Account, AccountKind, AccountStatus, OneTimeToken
from subgraphs.identity.onboarding import OnboardingRow
from subgraphs.identity.one_time_tokens import hash_token
from subgraphs.identity.permissions import (
    COLLEGE_ADMIN,
    STUDENT,
    SUPER_ADMIN,
    TEACHER,
    builtin_role,
)
from subgraphs.identity.roles import roles_of
from subgraphs.identity.settings import DEFAULT_INVITATION_URL
from tests.factories.identity import (
    college_admin,
    make_account,
    make_college,
    outbox_events,
    principal,
)

DEPARTMENT = to_global_id("Department", "dept-maths")


def _row(n: int, **overrides: object) -> OnboardingRow:
    values: dict[str, object] = {"email": f"person{n}@example.edu", "display_name": f"Person {n}"}
    values.update(overrides)
    return OnboardingRow(**values)  # type: ignore[arg-type]


async def _count_accounts(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Account)) or 0)


async def test_valid_batch_invites_everyone_with_tokens_and_events(identity_db: Database) -> None:
    # given a college and its admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    admin = college_admin(college)
    rows = [
        _row(1, department_id=DEPARTMENT),
        _row(2, email=" Mixed.Case@Example.EDU "),
        _row(3, kind=AccountKind.STAFF, role_keys=[TEACHER]),
    ]
    # when the admin onboards three people as students by default
    async with identity_db.transaction() as session:
        result = await onboarding.onboard_accounts(
            session, actor=admin, rows=rows, kind=AccountKind.STUDENT
        )
    # then three invited accounts exist, with roles, tokens and two events each
    assert (result.created, result.errors) == (3, ())
    emails = [invitation.account.email for invitation in result.invitations]
    assert emails == ["person1@example.edu", "mixed.case@example.edu", "person3@example.edu"]
    async with identity_db.session() as session:
        first = await session.get(Account, result.invitations[0].account.id)
        third = await session.get(Account, result.invitations[2].account.id)
        assert first is not None
        assert third is not None
        assert (first.status, first.kind, first.department_id) == (
            AccountStatus.INVITED,
            AccountKind.STUDENT,
            "dept-maths",
        )
        assert first.password_hash is None
        assert [role.key for role in await roles_of(session, first.id)] == [STUDENT]
        assert [role.key for role in await roles_of(session, third.id)] == [TEACHER]
        token = await session.scalar(
            select(OneTimeToken).where(OneTimeToken.account_id == first.id)
        )
        assert token is not None
        assert token.token_hash == hash_token(result.invitations[0].token)
        invited = await outbox_events(session, "user.invited")
        emails_requested = await outbox_events(session, "notification.email_requested")
    assert len(invited) == 3
    assert len(emails_requested) == 3
    assert all("token" not in str(event.data) for event in invited)
    request = next(e for e in emails_requested if e.data["to"] == "person1@example.edu")
    assert request.tenant == college.id
    assert request.data["template"] == "invitation"
    assert request.data["template_version"] == 0  # the platform's default template
    assert request.data["college_id"] == college.id
    accept_url = DEFAULT_INVITATION_URL.format(token=quote(result.invitations[0].token))
    assert accept_url in request.data["text"]
    assert request.data["subject"]
    assert request.data["actor_id"] == admin.user_id


@pytest.mark.parametrize(
    ("row", "field", "code"),
    [
        (_row(9, email="not-an-email"), "email", IdentityErrorCode.INVALID_EMAIL),
        (_row(9, email="  "), "email", IdentityErrorCode.REQUIRED_FIELD),
        (_row(9, display_name=""), "display_name", IdentityErrorCode.REQUIRED_FIELD),
        (_row(9, kind=AccountKind.PLATFORM), "kind", IdentityErrorCode.INVALID_ACCOUNT_KIND),
        (_row(9, role_keys=["wizard"]), "roles", IdentityErrorCode.UNKNOWN_ROLE),
        (_row(9, role_keys=[SUPER_ADMIN]), "roles", IdentityErrorCode.ROLE_NOT_ASSIGNABLE),
        (_row(9, role_keys=[COLLEGE_ADMIN]), "roles", IdentityErrorCode.ROLE_NOT_GRANTABLE),
        (
            _row(9, department_id="dept-maths"),
            "department_id",
            IdentityErrorCode.INVALID_DEPARTMENT,
        ),
        (
            _row(9, department_id=to_global_id("Course", "c1")),
            "department_id",
            IdentityErrorCode.INVALID_DEPARTMENT,
        ),
        (_row(9, email="taken@example.edu"), "email", IdentityErrorCode.DUPLICATE_EMAIL),
    ],
)
async def test_one_bad_row_creates_nothing_and_is_reported(
    identity_db: Database, row: OnboardingRow, field: str, code: IdentityErrorCode
) -> None:
    # given a college with "taken@", and an actor who may invite and give teacher and student
    async with identity_db.transaction() as session:
        college = await make_college(session)
        await make_account(session, college=college, email="taken@example.edu")
    actor = principal(college, "user:invite", *_permissions_of(TEACHER, STUDENT))
    before = await _count_accounts(identity_db)
    # when a batch of two good rows and the bad one (third) is onboarded
    async with identity_db.transaction() as session:
        result = await onboarding.onboard_accounts(
            session, actor=actor, rows=[_row(1), _row(2), row], kind=AccountKind.STUDENT
        )
    # then nothing is created and the third row (index 2) is reported on its field
    assert result.created == 0
    assert result.invitations == ()
    assert [(e.index, e.field, e.code) for e in result.errors] == [(2, field, code)]
    assert await _count_accounts(identity_db) == before
    async with identity_db.session() as session:
        assert await outbox_events(session) == []


def _permissions_of(*keys: str) -> frozenset[str]:
    """Everything the built-in roles ``keys`` grant (what an actor needs to give them)."""
    granted: set[str] = set()
    for key in keys:
        role = builtin_role(key)
        assert role is not None
        granted |= role.permissions
    return frozenset(granted)


async def test_duplicate_email_in_batch_names_both_rows(identity_db: Database) -> None:
    # given a college and its admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    # when rows 0 and 2 have the same email (differently cased)
    rows = [_row(1), _row(2), _row(3, email="PERSON1@example.edu")]
    async with identity_db.transaction() as session:
        result = await onboarding.onboard_accounts(
            session, actor=college_admin(college), rows=rows, kind=AccountKind.STUDENT
        )
    # then both rows are reported, naming each other, and nothing is created
    assert [(e.index, e.code) for e in result.errors] == [
        (0, IdentityErrorCode.DUPLICATE_EMAIL),
        (2, IdentityErrorCode.DUPLICATE_EMAIL),
    ]
    assert all("rows 0, 2" in e.message for e in result.errors)
    assert await _count_accounts(identity_db) == 0


async def test_every_problem_of_every_row_is_reported(identity_db: Database) -> None:
    # given a college and its admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    # when a row has two bad fields, another a missing kind
    rows = [_row(1, email="bad", display_name=" "), _row(2)]
    async with identity_db.transaction() as session:
        result = await onboarding.onboard_accounts(session, actor=college_admin(college), rows=rows)
    # then each problem is one error, in row order
    assert [(e.index, e.field, e.code) for e in result.errors] == [
        (0, "email", IdentityErrorCode.INVALID_EMAIL),
        (0, "display_name", IdentityErrorCode.REQUIRED_FIELD),
        (0, "kind", IdentityErrorCode.REQUIRED_FIELD),
        (1, "kind", IdentityErrorCode.REQUIRED_FIELD),
    ]
    assert result.errors[0].as_domain_error().index == 0


async def test_more_than_100_rows_is_refused_stating_the_cap(identity_db: Database) -> None:
    # given a college and its admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
    # when 101 rows are sent
    # then the call is refused before anything, naming the cap
    async with identity_db.transaction() as session:
        with pytest.raises(BadUserInput, match="At most 100 rows"):
            await onboarding.onboard_accounts(
                session,
                actor=college_admin(college),
                rows=[_row(n) for n in range(101)],
                kind=AccountKind.STUDENT,
            )


async def test_import_rows_creates_valid_rows_and_keeps_first_duplicate(
    identity_db: Database,
) -> None:
    # given a college and an actor who may import
    async with identity_db.transaction() as session:
        college = await make_college(session)
    actor = principal(college, "user:import", *_permissions_of(STUDENT))
    # when a file batch has a bad row and a repeated email (row numbers 2..5)
    rows = [_row(1), _row(2, email="x"), _row(3), _row(4, email="person1@example.edu")]
    async with identity_db.transaction() as session:
        result = await onboarding.import_rows(
            session,
            actor=actor,
            college_id=college.id,
            rows=rows,
            indices=[2, 3, 4, 5],
            kind=AccountKind.STUDENT,
        )
    # then the two good rows are created, the first of the email kept, the rest reported
    assert result.created == 2
    assert [(e.index, e.code) for e in result.errors] == [
        (3, IdentityErrorCode.INVALID_EMAIL),
        (5, IdentityErrorCode.DUPLICATE_EMAIL),
    ]
    assert "row 2" in result.errors[1].message
    assert await _count_accounts(identity_db) == 2

"""``lms create-superadmin`` on a fresh install, on SQLite and PostgreSQL.

The command runs through ``lms.cli.main`` with the password on stdin; the
account it creates must then sign in with :func:`sessions.login`.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from lms.cli import main
from shared.auth import TokenIssuer
from shared.auth.principal import ALL_PERMISSIONS
from shared.config import Settings
from shared.db import Database, create_database
from shared.events import Event
from shared.runtime import Platform
from subgraphs.identity import sessions
from subgraphs.identity.lockout import LoginThrottle
from subgraphs.identity.models import Account, AccountKind, AccountStatus
from subgraphs.identity.permissions import SUPER_ADMIN
from subgraphs.identity.roles import roles_of
from subgraphs.identity.settings import IdentitySettings
from tests.factories.identity import outbox_events

EMAIL = "Root@Platform.Example"
PASSWORD = "violet-Harbor-lantern-42"


@pytest.fixture
def environment(db_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The process environment of the command: the test's database settings."""
    monkeypatch.setenv("LMS_DATA_DIR", str(db_settings.data_dir))
    monkeypatch.setenv("LMS_DATABASE_BACKEND", db_settings.database_backend)
    monkeypatch.setenv("LMS_DATABASE_URL", db_settings.database_url)
    return db_settings


@pytest.fixture
def identity_database(environment: Settings) -> Iterator[Database]:
    """Identity's database as the command sees it, dropped afterwards.

    The tests are synchronous, as ``lms`` runs its own event loop.
    """
    database = create_database(environment, "identity")
    try:
        yield database
    finally:
        asyncio.run(_drop(database))


async def _drop(database: Database) -> None:
    await database.drop()
    await database.dispose()


async def _accounts(database: Database) -> list[Account]:
    try:
        async with database.session() as session:
            return list((await session.scalars(select(Account))).all())
    finally:
        await database.dispose()


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], password: str, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    code = main(["create-superadmin", "--email", EMAIL, "--password-stdin", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_creates_a_superadmin_who_can_sign_in(
    environment: Settings,
    identity_database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a fresh install (no identity database yet)
    # when the command runs with a good password on stdin
    code, out, err = run(monkeypatch, capsys, PASSWORD, "--name", "Ada Root")
    # then it succeeds and says so
    assert (code, err) == (0, "")
    assert out.startswith("created super-admin root@platform.example (account ")
    # and the account signs in as a super-admin of the platform
    asyncio.run(_check_account_and_sign_in(environment, identity_database))


async def _check_account_and_sign_in(settings: Settings, database: Database) -> None:
    async with database.session() as session:
        [account] = (await session.scalars(select(Account))).all()
        assert account.college_id is None
        assert account.kind is AccountKind.PLATFORM
        assert account.status is AccountStatus.ACTIVE
        assert account.display_name == "Ada Root"
        assert [role.key for role in await roles_of(session, account.id)] == [SUPER_ADMIN]
    platform = Platform.from_settings(settings)
    try:
        async with database.transaction() as session:
            tokens = await sessions.login(
                session,
                issuer=TokenIssuer.from_settings(settings, platform.keys),
                throttle=LoginThrottle.from_settings(settings, platform.cache),
                settings=IdentitySettings(),
                email=EMAIL,
                password=PASSWORD,
            )
        principal = await platform.verifier.verify(tokens.access_token)
        assert principal.user_id == account.id
        assert principal.college_id is None
        assert ALL_PERMISSIONS in principal.permissions
    finally:
        await platform.cache.close()
        await database.dispose()


def test_refuses_a_second_superadmin_with_the_same_email(
    identity_database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a super-admin already created
    assert run(monkeypatch, capsys, PASSWORD)[0] == 0
    # when the command runs again with the same email (other case)
    code, out, err = run(monkeypatch, capsys, PASSWORD + "x")
    # then it refuses with exit status 1 and a clear message, creating nothing
    assert (code, out) == (1, "")
    assert err == "lms: A platform account with the email root@platform.example already exists.\n"
    assert len(asyncio.run(_accounts(identity_database))) == 1


def test_prints_every_broken_password_rule(
    identity_database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a password too short and containing the email's name
    # when the command runs
    code, out, err = run(monkeypatch, capsys, "root1")
    # then each broken rule is a line of its own and the exit status is 1
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == "lms: the password is refused:"
    assert any("at least 12 characters" in line for line in lines[1:])
    assert any("email name" in line for line in lines[1:])
    assert len(lines) >= 3


def test_the_first_account_reaches_the_audit_trail_without_its_password(
    identity_database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a fresh install
    # when the command creates the super-admin
    assert run(monkeypatch, capsys, PASSWORD, "--name", "Ada Root")[0] == 0
    # then one user.created_superadmin names the new account, with no tenant nor actor
    account, events = asyncio.run(_account_and_events(identity_database))
    (created,) = [event for event in events if event.type == "user.created_superadmin"]
    assert (created.subject, created.tenant, created.source) == (account.id, None, "identity")
    assert created.data == {
        "email": "root@platform.example",
        "display_name": "Ada Root",
        "roles": [SUPER_ADMIN],
        "actor_id": None,
    }
    # and nothing of the password is in the event
    assert PASSWORD not in created.to_json().decode()
    assert "$argon2" not in created.to_json().decode()


async def _account_and_events(database: Database) -> tuple[Account, list[Event]]:
    try:
        async with database.session() as session:
            [account] = (await session.scalars(select(Account))).all()
            return account, await outbox_events(session)
    finally:
        await database.dispose()

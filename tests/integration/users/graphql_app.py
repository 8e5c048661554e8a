"""Fixtures of the users GraphQL tests: users' ServiceSpec served by ``shared.app.create_app``.

``users_app`` migrates a fresh users database (SQLite or PostgreSQL), starts
the app's lifespan and talks to ``/graphql`` over an httpx ASGI client;
``world`` seeds two colleges with staff and students. Tokens are minted for
a profile with the permissions its role would grant. Test modules import
the fixtures they use from here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import TokenIssuer
from shared.auth.principal import Principal
from shared.config import Settings
from shared.graphql import to_global_id
from shared.service import Service
from subgraphs.users.app import SERVICE
from subgraphs.users.models import Profile, ProfileKind, ProfileRole
from tests.factories.users import make_profile
from tests.fixtures.served import URL, error_codes, served_service

__all__ = [
    "ADMIN",
    "COLLEGE_A",
    "COLLEGE_B",
    "STUDENT",
    "TEACHER",
    "URL",
    "UsersApp",
    "World",
    "add_profile",
    "error_codes",
    "running_users_app",
    "user_gid",
    "users_app",
    "world",
]

COLLEGE_A = "c0ffee00-0000-4000-8000-00000000000a"
COLLEGE_B = "c0ffee00-0000-4000-8000-00000000000b"

STUDENT = frozenset({"profile:read", "course:read", "content:read"})
TEACHER = STUDENT | {"user:read", "enrollment:read", "course:update", "content:manage"}
ADMIN = TEACHER | {"profile:update", "user:update", "section:manage"}


def user_gid(profile: Profile | str) -> str:
    """The ``User`` global id of a profile (or of an account id)."""
    return to_global_id("User", profile if isinstance(profile, str) else profile.user_id)


class UsersApp:
    """The running users app, an HTTP client on it, and token minting."""

    def __init__(self, service: Service, client: httpx.AsyncClient) -> None:
        self.service = service
        self.client = client
        platform = service.platform
        self.issuer = TokenIssuer.from_settings(platform.settings, platform.keys)

    def token_for(self, profile: Profile, permissions: frozenset[str] = STUDENT) -> str:
        principal = Principal(
            user_id=profile.user_id, college_id=profile.college_id, permissions=permissions
        )
        return self.issuer.issue(principal)

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            URL, json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@asynccontextmanager
async def running_users_app(settings: Settings) -> AsyncIterator[UsersApp]:
    """Users' app on ``settings``, its database migrated, dropped afterwards."""
    async with served_service(settings, SERVICE) as (service, client):
        yield UsersApp(service, client)


@pytest.fixture
async def users_app(db_settings: Settings) -> AsyncIterator[UsersApp]:
    async with running_users_app(db_settings) as running:
        yield running


@dataclass
class World:
    """Two colleges and their people; ``tokens`` by person name."""

    admin_a: Profile
    teacher_a: Profile
    student_a: Profile
    classmate_a: Profile
    student_b: Profile
    tokens: dict[str, str]


async def add_profile(
    session: AsyncSession,
    *,
    college_id: str = COLLEGE_A,
    roles: tuple[str, ...] = (),
    **fields: Any,
) -> Profile:
    """A profile (see ``make_profile``) holding ``roles``; extra columns in ``fields``."""
    extra = {k: fields.pop(k) for k in ("department_id", "batch_id") if k in fields}
    profile = await make_profile(session, college_id=college_id, **fields)
    for name, value in extra.items():
        setattr(profile, name, value)
    session.add_all(ProfileRole(user_id=profile.user_id, role_key=key) for key in roles)
    await session.flush()
    return profile


@pytest.fixture
async def world(users_app: UsersApp) -> World:
    async with users_app.service.database.transaction() as session:
        people = {
            "admin_a": await add_profile(
                session, kind=ProfileKind.STAFF, display_name="Ada Admin", roles=("college-admin",)
            ),
            "teacher_a": await add_profile(
                session,
                kind=ProfileKind.STAFF,
                display_name="Tom Teacher",
                roles=("teacher",),
                department_id="dept-maths",
            ),
            "student_a": await add_profile(
                session, display_name="Sam Student", roles=("student",), batch_id="batch-2026"
            ),
            "classmate_a": await add_profile(
                session, display_name="Cleo Classmate", roles=("student",)
            ),
            "student_b": await add_profile(
                session, college_id=COLLEGE_B, display_name="Bea Other", roles=("student",)
            ),
        }
    grants = {"admin_a": ADMIN, "teacher_a": TEACHER}
    tokens = {
        name: users_app.token_for(profile, grants.get(name, STUDENT))
        for name, profile in people.items()
    }
    return World(tokens=tokens, **people)

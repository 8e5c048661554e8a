"""Fixtures of the GraphQL tests: identity's ServiceSpec served by ``shared.app.create_app``.

``identity_app`` migrates a fresh identity database (SQLite or PostgreSQL),
starts the app's lifespan and talks to ``/graphql`` over an httpx ASGI
client; ``world`` seeds two colleges with people of several roles. Tokens
are minted for factory accounts with ``accounts.principal_for_account``.
Test modules import the fixtures they use from here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shared.auth import TokenIssuer
from shared.config import Settings
from shared.graphql import to_global_id
from shared.service import Service
from subgraphs.identity.accounts import principal_for_account
from subgraphs.identity.app import SERVICE
from subgraphs.identity.models import Account, AccountKind, College
from subgraphs.identity.permissions import COLLEGE_ADMIN, STUDENT, SUPER_ADMIN, TEACHER
from tests.factories.identity import make_account, make_college
from tests.fixtures.served import URL, served_service
from tests.fixtures.served import error_codes as error_codes

__all__ = ["URL", "IdentityApp", "World", "gid", "identity_app", "world"]


def gid(type_name: str, row: Account | College | str) -> str:
    """The global id of a row (or of a local id)."""
    return to_global_id(type_name, row if isinstance(row, str) else row.id)


class IdentityApp:
    """The running identity app, an HTTP client on it, and token minting."""

    def __init__(self, service: Service, client: httpx.AsyncClient) -> None:
        self.service = service
        self.client = client
        platform = service.platform
        self.issuer = TokenIssuer.from_settings(platform.settings, platform.keys)

    async def token_for(self, account: Account) -> str:
        async with self.service.database.session() as session:
            principal = await principal_for_account(session, account)
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


@pytest.fixture
async def identity_app(db_settings: Settings) -> AsyncIterator[IdentityApp]:
    async with served_service(db_settings, SERVICE) as (service, client):
        yield IdentityApp(service, client)


@dataclass
class World:
    """Two colleges and their people; ``tokens`` by person name."""

    college_a: College
    college_b: College
    admin_a: Account
    teacher_a: Account
    student_a: Account
    admin_b: Account
    student_b: Account
    root: Account
    tokens: dict[str, str]


@pytest.fixture
async def world(identity_app: IdentityApp) -> World:
    async with identity_app.service.database.transaction() as session:
        college_a = await make_college(session, slug="north-valley", name="North Valley")
        college_b = await make_college(session, slug="south-hill", name="South Hill")
        people = {
            "admin_a": await make_account(
                session, college=college_a, email="admin@nv.edu", roles=[COLLEGE_ADMIN]
            ),
            "teacher_a": await make_account(
                session, college=college_a, email="teacher@nv.edu", roles=[TEACHER]
            ),
            "student_a": await make_account(
                session,
                college=college_a,
                email="student@nv.edu",
                kind=AccountKind.STUDENT,
                roles=[STUDENT],
            ),
            "admin_b": await make_account(
                session, college=college_b, email="admin@sh.edu", roles=[COLLEGE_ADMIN]
            ),
            "student_b": await make_account(
                session,
                college=college_b,
                email="student@sh.edu",
                kind=AccountKind.STUDENT,
                roles=[STUDENT],
            ),
            "root": await make_account(
                session,
                college=None,
                email="root@platform.example",
                kind=AccountKind.PLATFORM,
                roles=[SUPER_ADMIN],
            ),
        }
    tokens = {name: await identity_app.token_for(account) for name, account in people.items()}
    return World(college_a=college_a, college_b=college_b, tokens=tokens, **people)

"""Fixtures of courses' GraphQL tests: the ServiceSpec served by ``shared.app.create_app``.

``courses_app`` migrates a fresh courses database (SQLite or PostgreSQL),
starts the app's lifespan and talks to ``/graphql`` over an httpx ASGI
client. People are principals with the built-in roles' permissions (identity
owns accounts; courses only sees the token): ``campus`` holds two colleges,
an admin, a teacher and two students in the first, an admin and a student in
the second, with a token each. Test modules import the fixtures they use
from here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from shared.auth import TokenIssuer
from shared.auth.principal import Principal
from shared.config import Settings
from shared.graphql import to_global_id
from shared.service import Service
from subgraphs.courses.app import SERVICE
from subgraphs.courses.models import new_id
from subgraphs.identity.permissions import (
    COLLEGE_ADMIN,
    STUDENT,
    SUPER_ADMIN,
    TEACHER,
    builtin_role,
)
from tests.fixtures.served import URL, error_codes, served_service

__all__ = ["URL", "Campus", "CoursesApp", "campus", "courses_app", "error_codes", "gid", "person"]


def gid(type_name: str, local_id: str) -> str:
    """The global id of a row's id."""
    return to_global_id(type_name, local_id)


def person(college_id: str | None, role: str) -> Principal:
    """A new person of ``college_id`` holding the built-in role ``role``."""
    builtin = builtin_role(role)
    assert builtin is not None
    return Principal(
        user_id=new_id(),
        college_id=college_id,
        roles=frozenset({role}),
        permissions=builtin.permissions,
    )


class CoursesApp:
    """The running courses app, an HTTP client on it, and token minting."""

    def __init__(self, service: Service, client: httpx.AsyncClient) -> None:
        self.service = service
        self.client = client
        platform = service.platform
        self.issuer = TokenIssuer.from_settings(platform.settings, platform.keys)

    def token_for(self, principal: Principal) -> str:
        return self.issuer.issue(principal)

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: Principal | None = None,
    ) -> dict[str, Any]:
        """The JSON answer to ``query``, sent with ``as_``'s token (none: anonymous)."""
        headers = {"authorization": f"Bearer {self.token_for(as_)}"} if as_ else {}
        response = await self.client.post(
            URL, json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, *, as_: Principal
    ) -> dict[str, Any]:
        """``data`` of an answer that must have no top-level errors."""
        body = await self.post(query, variables, as_=as_)
        assert not body.get("errors"), body["errors"]
        result: dict[str, Any] = body["data"]
        return result


@pytest.fixture
async def courses_app(db_settings: Settings) -> AsyncIterator[CoursesApp]:
    async with served_service(db_settings, SERVICE) as (service, client):
        yield CoursesApp(service, client)


@dataclass
class Campus:
    """Two colleges and their people (principals)."""

    college_a: str = field(default_factory=new_id)
    college_b: str = field(default_factory=new_id)
    admin_a: Principal = field(init=False)
    teacher_a: Principal = field(init=False)
    student_a: Principal = field(init=False)
    student_a2: Principal = field(init=False)
    admin_b: Principal = field(init=False)
    student_b: Principal = field(init=False)
    root: Principal = field(init=False)

    def __post_init__(self) -> None:
        self.admin_a = person(self.college_a, COLLEGE_ADMIN)
        self.teacher_a = person(self.college_a, TEACHER)
        self.student_a = person(self.college_a, STUDENT)
        self.student_a2 = person(self.college_a, STUDENT)
        self.admin_b = person(self.college_b, COLLEGE_ADMIN)
        self.student_b = person(self.college_b, STUDENT)
        self.root = person(None, SUPER_ADMIN)


@pytest.fixture
def campus() -> Campus:
    return Campus()

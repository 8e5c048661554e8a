"""Finding people of a college: the ``people`` search, its filters and its orders.

:func:`people_query` builds the ``select`` of the profiles a viewer may list
(their own college only, and ``profile:read``); the GraphQL layer pages it
with :func:`shared.graphql.paginate`. What each listed profile shows is then
decided per profile by :func:`subgraphs.users.profiles.view_as`.

Who is listed: staff (the viewer's own profile is of kind ``staff``, or the
platform's super-admin) see every status and may filter by it; everyone
else sees active people only (an invited or deactivated person is not
offered to students, although a direct read of their profile still works,
so old content keeps its author's name).

Name search and name order use :attr:`~subgraphs.users.models.Profile.sort_name`
(the case-folded name, computed in Python), compared byte-wise on both
databases (``COLLATE "C"`` on PostgreSQL, SQLite's binary default), so pages
are the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import Select, String, exists, false, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from shared.auth.principal import Principal
from shared.auth.tenancy import target_college
from shared.errors import DomainError
from subgraphs.users.errors import UsersErrorCode
from subgraphs.users.models import Profile, ProfileKind, ProfileRole, ProfileStatus, sort_name
from subgraphs.users.profiles import READ_PERMISSION

__all__ = [
    "MAX_ROLES",
    "MAX_SEARCH",
    "PeopleFilter",
    "PeopleOrder",
    "is_staff",
    "order_key",
    "people_query",
]

MAX_SEARCH = 100
"""Longest name search, in characters."""
MAX_ROLES = 20
"""Most role keys in one filter."""


class PeopleOrder(Enum):
    DISPLAY_NAME = "display_name"
    CREATED_AT = "created_at"


@dataclass(frozen=True, kw_only=True)
class PeopleFilter:
    """Conditions every listed person meets; ``None`` (or empty) means any."""

    search: str | None = None
    """Part of the display name, any case."""
    roles: Sequence[str] = ()
    """Holders of any of these role keys."""
    department_id: str | None = None
    status: ProfileStatus | None = None
    batch_id: str | None = None
    kind: ProfileKind | None = None


class _bytewise(FunctionElement[str]):
    """A string expression compared and sorted byte by byte on every database."""

    type = String()
    inherit_cache = True
    name = "bytewise"


@compiles(_bytewise)
def _bytewise_default(element: _bytewise, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_bytewise, "postgresql")
def _bytewise_postgresql(element: _bytewise, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


def order_key(order: PeopleOrder) -> ColumnElement[Any]:
    """The expression a people list is ordered by (the user id breaks ties)."""
    if order is PeopleOrder.DISPLAY_NAME:
        return _bytewise(Profile.sort_name)
    return Profile.created_at.expression


def is_staff(viewer: Principal, viewer_profile: Profile | None) -> bool:
    """Whether ``viewer`` counts as staff of their college (sees staff details, every status)."""
    if viewer.is_superuser:
        return True
    return (
        viewer_profile is not None
        and viewer_profile.college_id == viewer.college_id
        and viewer_profile.kind is ProfileKind.STAFF
    )


def _checked(filter: PeopleFilter) -> PeopleFilter:
    if filter.search is not None and len(filter.search) > MAX_SEARCH:
        raise DomainError(
            UsersErrorCode.SEARCH_TOO_LONG,
            f"A name search has at most {MAX_SEARCH} characters.",
            "search",
        )
    if len(filter.roles) > MAX_ROLES:
        raise DomainError(
            UsersErrorCode.TOO_MANY_ROLES,
            f"Filter by at most {MAX_ROLES} role keys.",
            "roles",
        )
    return filter


def people_query(
    *,
    viewer: Principal,
    viewer_profile: Profile | None,
    filter: PeopleFilter | None = None,
    college_id: str | None = None,
) -> Select[Profile]:
    """The profiles of the viewer's college that ``viewer`` may list, filtered.

    Needs ``profile:read`` (``FORBIDDEN`` otherwise). ``college_id`` names
    another college: platform super-admins only (``FORBIDDEN`` for others).
    A viewer of no college (a platform account) naming none lists nobody.
    Non-staff see active people only.
    Raises :class:`DomainError` (``SEARCH_TOO_LONG``, ``TOO_MANY_ROLES``)
    for filters out of bounds.
    """
    viewer.require(READ_PERMISSION)
    wanted = _checked(filter or PeopleFilter())
    statement = select(Profile)
    college = (
        viewer.college_id
        if college_id is None
        else target_college(viewer, college_id, field="collegeId")
    )
    if college is None:
        return statement.where(false())
    statement = statement.where(Profile.college_id == college)
    if not is_staff(viewer, viewer_profile):
        statement = statement.where(Profile.status == ProfileStatus.ACTIVE)
    if wanted.status is not None:
        statement = statement.where(Profile.status == wanted.status)
    if wanted.kind is not None:
        statement = statement.where(Profile.kind == wanted.kind)
    if wanted.department_id is not None:
        statement = statement.where(Profile.department_id == wanted.department_id)
    if wanted.batch_id is not None:
        statement = statement.where(Profile.batch_id == wanted.batch_id)
    search = " ".join((wanted.search or "").split())
    if search:
        statement = statement.where(
            _bytewise(Profile.sort_name).contains(sort_name(search), autoescape=True)
        )
    if wanted.roles:
        statement = statement.where(
            exists().where(
                ProfileRole.user_id == Profile.user_id,
                ProfileRole.role_key.in_(sorted(set(wanted.roles))),
            )
        )
    return statement

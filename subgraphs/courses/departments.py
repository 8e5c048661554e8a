"""Departments: create, rename and list a college's departments.

Every function takes the acting principal and checks its permission and
college (:mod:`subgraphs.courses.tenancy`): a department of another college
is "not found". Functions run in the caller's transaction (``session``) and
write their events to the outbox in it, so a refusal leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError
from subgraphs.courses import events, tenancy
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import Department
from subgraphs.courses.validation import normalize_code, normalize_name

__all__ = [
    "create_department",
    "department_of_college",
    "get_department",
    "list_departments",
    "update_department",
]

MANAGE = "department:manage"
READ = "course:read"


def _duplicate(code: str) -> DomainError:
    return DomainError(
        CoursesErrorCode.DUPLICATE_DEPARTMENT_CODE,
        f"The college already has a department {code!r}; choose another code.",
        "code",
    )


async def _code_taken(
    session: AsyncSession, college_id: str, code: str, *, other_than: str | None = None
) -> bool:
    query = exists().where(Department.college_id == college_id, Department.code == code)
    if other_than is not None:
        query = query.where(Department.id != other_than)
    return bool(await session.scalar(select(query)))


async def create_department(
    session: AsyncSession,
    *,
    actor: Principal,
    code: str,
    name: str,
    college_id: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> Department:
    """A new department of the actor's college (or ``college_id``, super-admins).

    Needs ``department:manage``; the code is upper-cased and must be new in
    the college (``DUPLICATE_DEPARTMENT_CODE``).
    """
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, MANAGE)
    code = normalize_code(code)
    name = normalize_name(name)
    if await _code_taken(session, target, code):
        raise _duplicate(code)
    department = Department(college_id=target, code=code, name=name)
    session.add(department)
    try:
        await session.flush()
    except IntegrityError as exc:  # created concurrently: the constraint had the last word
        raise _duplicate(code) from exc
    await events.publish(
        session,
        type=events.DEPARTMENT_CREATED,
        tenant=target,
        subject=department.id,
        actor=actor,
        data={"code": code, "name": name},
        on_commit=on_commit,
    )
    return department


async def get_department(
    session: AsyncSession, *, actor: Principal, department_id: str
) -> Department:
    """The department ``department_id`` of the actor's college; needs ``course:read``."""
    tenancy.require_permission(actor, READ)
    department = tenancy.visible(actor, await session.get(Department, department_id), "department")
    return department


async def update_department(
    session: AsyncSession,
    *,
    actor: Principal,
    department_id: str,
    code: str | None = None,
    name: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> Department:
    """Change a department's code and/or name (``None``: unchanged); needs ``department:manage``."""
    tenancy.require_permission(actor, MANAGE)
    department = tenancy.visible(actor, await session.get(Department, department_id), "department")
    changed: list[str] = []
    if code is not None:
        new_code = normalize_code(code)
        if new_code != department.code:
            if await _code_taken(
                session, department.college_id, new_code, other_than=department.id
            ):
                raise _duplicate(new_code)
            department.code = new_code
            changed.append("code")
    if name is not None:
        new_name = normalize_name(name)
        if new_name != department.name:
            department.name = new_name
            changed.append("name")
    if not changed:
        return department
    try:
        await session.flush()
    except IntegrityError as exc:
        raise _duplicate(department.code) from exc
    await events.publish(
        session,
        type=events.DEPARTMENT_UPDATED,
        tenant=department.college_id,
        subject=department.id,
        actor=actor,
        data={"changed": changed},
        on_commit=on_commit,
    )
    return department


async def list_departments(
    session: AsyncSession, *, actor: Principal, college_id: str | None = None
) -> Sequence[Department]:
    """The college's departments by code; needs ``course:read``."""
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, READ)
    rows = await session.scalars(
        select(Department).where(Department.college_id == target).order_by(Department.code)
    )
    return rows.all()


async def department_of_college(
    session: AsyncSession, *, college_id: str, department_id: str, field: str = "department_id"
) -> Department:
    """The department ``department_id`` of ``college_id``, else ``UNKNOWN_DEPARTMENT``."""
    department = await session.get(Department, department_id)
    if department is None or department.college_id != college_id:
        raise DomainError(
            CoursesErrorCode.UNKNOWN_DEPARTMENT, "No such department in the college.", field
        )
    return department

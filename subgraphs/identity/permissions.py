"""The permission catalogue and the built-in roles.

A permission is ``resource:action`` (see :mod:`shared.auth.principal`). The
catalogue lists every permission the platform's subgraphs check, with what
it allows; custom roles may only use these (:func:`validate_permissions`).
Read permissions held by students and teaching assistants cover what is
theirs or their courses': the owning subgraph filters by ownership.

Built-in roles are defined here, in code, and copied into the ``role``
table (``roles.sync_builtin_roles``) so accounts can hold them; the code,
not the row, is the source of their permissions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from shared.auth.principal import ALL_PERMISSIONS
from shared.errors import DomainError
from subgraphs.identity.errors import IdentityErrorCode

__all__ = [
    "BUILTIN_ROLES",
    "CATALOGUE",
    "COLLEGE_ADMIN",
    "DEPARTMENT_HEAD",
    "PLATFORM_ONLY",
    "STUDENT",
    "SUPER_ADMIN",
    "TEACHER",
    "TEACHING_ASSISTANT",
    "BuiltinRole",
    "builtin_role",
    "validate_permissions",
]

CATALOGUE: Mapping[str, str] = MappingProxyType(
    {
        # identity: colleges
        "college:create": "Create colleges (tenants) on the platform.",
        "college:read": "Read any college's details, not only one's own.",
        "college:update": "Change the college's name, slug, settings and password policy.",
        "college:suspend": "Suspend or reactivate a college.",
        # identity: accounts, roles, keys, templates
        "user:read": "Read accounts of the college and their roles.",
        "user:invite": "Create and invite staff and student accounts.",
        "user:import": "Create accounts in bulk from a CSV file.",
        "user:update": "Change an account's name, department and email.",
        "user:activate": "Reactivate a deactivated account.",
        "user:deactivate": "Deactivate an account and end its sessions.",
        "user:delete": "Delete an account (kept for the retention period, then purged).",
        "session:revoke": "End other people's sessions.",
        "role:read": "Read the college's roles and their permissions.",
        "role:assign": "Give roles to accounts and take them away.",
        "role:manage": "Create, change and delete the college's custom roles.",
        "apikey:manage": "Create, rotate and revoke the college's API keys.",
        "template:manage": "Edit the college's email templates.",
        # users
        "profile:read": "Read people's profiles.",
        "profile:update": "Change other people's profiles.",
        # courses
        "department:manage": "Create and change departments.",
        "course:read": "Read courses and their catalogue entries.",
        "course:create": "Create courses.",
        "course:update": "Change courses, batches and schedules.",
        "course:delete": "Delete or archive courses.",
        "section:manage": "Create and change sections and their teachers.",
        "enrollment:read": "Read enrolments and class lists.",
        "enrollment:manage": "Enrol and withdraw students.",
        "content:read": "Read course content and materials.",
        "content:manage": "Publish and change course content and materials.",
        # assignments
        "assignment:read": "Read assignments.",
        "assignment:manage": "Create, change and delete assignments, rubrics and late policies.",
        "assignment:extend": "Grant extensions of due dates.",
        # submissions and grades
        "submission:create": "Submit work to assignments.",
        "submission:read": "Read submissions and their files.",
        "grade:read": "Read grades and the gradebook.",
        "grade:write": "Grade submissions.",
        "grade:publish": "Release grades to students.",
        "grade:export": "Export gradebooks.",
        # notes, chat, notifications
        "note:share": "Share personal notes with others.",
        "chat:read": "Read chat rooms one belongs to.",
        "chat:send": "Send chat messages and files.",
        "chat:manage": "Create rooms and moderate messages.",
        "notification:send": "Send announcements to people of the college.",
        "notification:manage": "Change the college's notification templates and channels.",
        # search, audit, analytics
        "search:analytics": "Read search analytics.",
        "audit:read": "Read the college's audit log.",
        "report:read": "Read analytics and reports.",
        "report:export": "Export reports.",
        "config:manage": "Change system-wide configuration of the platform.",
    }
)
"""Every permission the platform knows, with what it allows."""

PLATFORM_ONLY: frozenset[str] = frozenset(
    {"college:create", "college:read", "college:suspend", "config:manage"}
)
"""Permissions about the platform itself: only the super-admin holds them."""

SUPER_ADMIN = "super-admin"
COLLEGE_ADMIN = "college-admin"
DEPARTMENT_HEAD = "department-head"
TEACHER = "teacher"
TEACHING_ASSISTANT = "teaching-assistant"
STUDENT = "student"


@dataclass(frozen=True, kw_only=True)
class BuiltinRole:
    """A role every college has; its permissions are fixed by this module."""

    key: str
    name: str
    description: str
    permissions: frozenset[str]
    platform: bool = False
    """Only platform accounts (no college) may hold it."""


_STUDENT = frozenset(
    {
        "profile:read",
        "course:read",
        "content:read",
        "assignment:read",
        "submission:create",
        "submission:read",
        "grade:read",
        "note:share",
        "chat:read",
        "chat:send",
    }
)
_TEACHING_ASSISTANT = _STUDENT - {"submission:create"} | {
    "user:read",
    "enrollment:read",
    "grade:write",
}
_TEACHER = _TEACHING_ASSISTANT | {
    "course:update",
    "content:manage",
    "assignment:manage",
    "assignment:extend",
    "grade:publish",
    "grade:export",
    "chat:manage",
    "notification:send",
}
_DEPARTMENT_HEAD = _TEACHER | {
    "role:read",
    "course:create",
    "course:delete",
    "section:manage",
    "enrollment:manage",
    "report:read",
    "report:export",
}
_COLLEGE_ADMIN = frozenset(CATALOGUE) - PLATFORM_ONLY

BUILTIN_ROLES: tuple[BuiltinRole, ...] = (
    BuiltinRole(
        key=SUPER_ADMIN,
        name="Super-admin",
        description="Operates the platform: every permission in every college.",
        permissions=frozenset({ALL_PERMISSIONS}),
        platform=True,
    ),
    BuiltinRole(
        key=COLLEGE_ADMIN,
        name="College admin",
        description="Runs one college: people, roles, keys, templates, courses and reports.",
        permissions=_COLLEGE_ADMIN,
    ),
    BuiltinRole(
        key=DEPARTMENT_HEAD,
        name="Department head",
        description="Runs a department: its courses, sections, enrolments and reports.",
        permissions=_DEPARTMENT_HEAD,
    ),
    BuiltinRole(
        key=TEACHER,
        name="Teacher",
        description="Teaches sections: content, assignments, grading, announcements.",
        permissions=_TEACHER,
    ),
    BuiltinRole(
        key=TEACHING_ASSISTANT,
        name="Teaching assistant",
        description="Helps teachers: reads class lists and grades submissions.",
        permissions=_TEACHING_ASSISTANT,
    ),
    BuiltinRole(
        key=STUDENT,
        name="Student",
        description="Studies: reads courses and content, submits work, reads own grades.",
        permissions=_STUDENT,
    ),
)
"""The roles every college has, from the most to the least powerful."""

_BY_KEY = {role.key: role for role in BUILTIN_ROLES}


def builtin_role(key: str) -> BuiltinRole | None:
    """The built-in role ``key``, or ``None`` when it is not a built-in key."""
    return _BY_KEY.get(key)


def validate_permissions(permissions: Iterable[str], *, field: str = "permissions") -> list[str]:
    """The permissions of a custom role, deduplicated and sorted.

    Raises ``UNKNOWN_PERMISSION`` naming every string that is not in the
    catalogue (wildcards such as ``course:*`` or ``*`` included: custom
    roles list permissions one by one), and for permissions reserved to the
    platform.
    """
    wanted = set(permissions)
    unknown = sorted(p for p in wanted if p not in CATALOGUE)
    if unknown:
        names = ", ".join(repr(p) for p in unknown)
        raise DomainError(
            IdentityErrorCode.UNKNOWN_PERMISSION,
            f"Unknown permission {names}: a role may only use permissions of the catalogue.",
            field=field,
        )
    reserved = sorted(wanted & PLATFORM_ONLY)
    if reserved:
        names = ", ".join(repr(p) for p in reserved)
        raise DomainError(
            IdentityErrorCode.UNKNOWN_PERMISSION,
            f"Permission {names} is reserved to the platform's super-admins.",
            field=field,
        )
    return sorted(wanted)

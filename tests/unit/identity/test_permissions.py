"""The permission catalogue and the built-in roles made from it."""

from __future__ import annotations

import itertools

import pytest

from shared.auth.principal import ALL_PERMISSIONS, permission_matches
from shared.errors import DomainError
from subgraphs.identity.permissions import (
    BUILTIN_ROLES,
    CATALOGUE,
    COLLEGE_ADMIN,
    DEPARTMENT_HEAD,
    PLATFORM_ONLY,
    STUDENT,
    SUPER_ADMIN,
    TEACHER,
    TEACHING_ASSISTANT,
    builtin_role,
    validate_permissions,
)


def _permissions(key: str) -> frozenset[str]:
    role = builtin_role(key)
    assert role is not None
    return role.permissions


@pytest.mark.parametrize("permission", sorted(CATALOGUE))
def test_every_permission_is_resource_action_with_a_description(permission: str) -> None:
    # given a catalogue entry
    # when the platform's matcher reads it, then it is a valid 'resource:action'
    assert permission_matches({permission}, permission)
    # and it says what it allows
    assert CATALOGUE[permission].endswith(".")


def test_builtin_roles_use_only_the_catalogue() -> None:
    # given every built-in role but the super-admin
    for role in BUILTIN_ROLES:
        if role.key == SUPER_ADMIN:
            continue
        # then each of its permissions is in the catalogue, none reserved to the platform
        assert role.permissions <= set(CATALOGUE), role.key
        assert not role.permissions & PLATFORM_ONLY, role.key


def test_super_admin_holds_everything_and_only_on_the_platform() -> None:
    role = builtin_role(SUPER_ADMIN)
    assert role is not None
    assert role.permissions == {ALL_PERMISSIONS}
    assert role.platform
    assert [r.key for r in BUILTIN_ROLES if r.platform] == [SUPER_ADMIN]


def test_roles_nest_from_teaching_assistant_to_college_admin() -> None:
    # given the staff roles, least to most powerful
    chain = [TEACHING_ASSISTANT, TEACHER, DEPARTMENT_HEAD, COLLEGE_ADMIN]
    # then each holds everything the one below it holds, and more
    for lower, higher in itertools.pairwise(chain):
        assert _permissions(lower) < _permissions(higher), (lower, higher)
    # and the college admin can give every college role, students' included
    assert _permissions(STUDENT) <= _permissions(COLLEGE_ADMIN)
    assert _permissions(COLLEGE_ADMIN) == set(CATALOGUE) - PLATFORM_ONLY


def test_students_do_not_grade_and_teaching_assistants_do_not_submit() -> None:
    assert "grade:write" not in _permissions(STUDENT)
    assert "submission:create" in _permissions(STUDENT)
    assert "submission:create" not in _permissions(TEACHING_ASSISTANT)
    assert "grade:write" in _permissions(TEACHING_ASSISTANT)


def test_validate_permissions_sorts_and_deduplicates() -> None:
    assert validate_permissions(["grade:read", "course:read", "grade:read"]) == [
        "course:read",
        "grade:read",
    ]


@pytest.mark.parametrize(
    ("permissions", "named"),
    [
        (["course:read", "course:fly"], "'course:fly'"),
        (["course:*"], "'course:*'"),
        (["*"], "'*'"),
        (["teleport"], "'teleport'"),
        (["college:create"], "'college:create'"),
    ],
)
def test_validate_permissions_names_what_is_refused(permissions: list[str], named: str) -> None:
    # given a custom role asking for a permission outside the catalogue (or a platform one)
    # when it is validated
    with pytest.raises(DomainError) as caught:
        validate_permissions(permissions)
    # then UNKNOWN_PERMISSION names it, on the permissions field
    assert caught.value.code_name == "UNKNOWN_PERMISSION"
    assert caught.value.field == "permissions"
    assert named in caught.value.message


def test_unknown_builtin_key() -> None:
    assert builtin_role("dean") is None

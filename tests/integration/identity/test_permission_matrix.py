"""Which built-in role may run which identity operation: the reference table, over HTTP.

``EXPECTED`` below is written by hand from what a college expects and from
docs/identity.md; it is deliberately not derived from ``permissions.py``, so
a change to a built-in role that grants or takes away an identity operation
fails here. Each (role, operation) pair is one case, sent with valid
arguments by a real token of an account holding that one built-in role, so
the only possible refusal is the permission: an allowed case answers without
a top-level error, a refused one with ``FORBIDDEN`` (``UNAUTHENTICATED`` for
a caller without a token). The world (a college, one account per role, an
API key, a custom role, an import job) is built once per module and backend;
cases that change or remove their target get a fresh one.
"""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from shared.app import create_app
from shared.config import Settings
from shared.runtime import Platform
from subgraphs.identity.app import SERVICE
from subgraphs.identity.models import AccountKind, AccountStatus, College, CollegeStatus
from subgraphs.identity.permissions import (
    COLLEGE_ADMIN,
    DEPARTMENT_HEAD,
    STUDENT,
    SUPER_ADMIN,
    TEACHER,
    TEACHING_ASSISTANT,
)
from tests.factories.identity import make_account, make_college
from tests.factories.identity_csv import csv_file, student_rows
from tests.fixtures.database import postgres_admin_url
from tests.fixtures.s3 import LOCAL_PUBLIC_URL
from tests.integration.identity.graphql_app import URL, IdentityApp, error_codes, gid

ANONYMOUS = "anonymous"
ROLES = (SUPER_ADMIN, COLLEGE_ADMIN, DEPARTMENT_HEAD, TEACHER, TEACHING_ASSISTANT, STUDENT)
CALLERS = (*ROLES, ANONYMOUS)

SA, CA, DH, T, TA, S = ROLES
EVERYONE_SIGNED_IN = frozenset(ROLES)
ADMINS = frozenset({SA, CA})
STAFF_READERS = frozenset({SA, CA, DH, T, TA})

EXPECTED: dict[str, frozenset[str]] = {
    # queries
    "me": EVERYONE_SIGNED_IN,
    "permissionCatalogue": EVERYONE_SIGNED_IN,
    "emailTemplateVariables": EVERYONE_SIGNED_IN,
    "user (self)": EVERYONE_SIGNED_IN,
    "user (colleague)": STAFF_READERS,
    "users": STAFF_READERS,
    "college": EVERYONE_SIGNED_IN,
    "colleges": frozenset({SA}),
    "roles": frozenset({SA, CA, DH}),
    "apiKeys": ADMINS,
    "apiKey": ADMINS,
    "emailTemplate": ADMINS,
    "emailTemplateVersions": ADMINS,
    "userImportJob": ADMINS,
    "userImportJobs": ADMINS,
    # mutations: the college
    "collegeCreate": frozenset({SA}),
    "collegeUpdate": ADMINS,
    "collegeUpdate (status)": frozenset({SA}),
    "collegePasswordPolicyUpdate": ADMINS,
    # accounts
    "userInvite": ADMINS,
    "userActivate": ADMINS,
    "userDeactivate": ADMINS,
    "userDelete": ADMINS,
    "userRoleAssign": ADMINS,
    "userRoleRemove": ADMINS,
    "usersOnboard": ADMINS,
    "userImportUploadCreate": ADMINS,
    "userImportStart": ADMINS,
    "usersBulkDeactivate": ADMINS,
    "usersBulkUpdate": ADMINS,
    "usersBulkUpdate (roleToAdd)": ADMINS,
    "usersBulkUpdate (departmentId)": ADMINS,
    "usersBulkDelete": ADMINS,
    # API keys, roles, templates
    "apiKeyCreate": ADMINS,
    "apiKeyRotate": ADMINS,
    "apiKeyRevoke": ADMINS,
    "roleCreate": ADMINS,
    "roleUpdate": ADMINS,
    "roleDelete": ADMINS,
    "emailTemplateSave": ADMINS,
    "emailTemplateRevert": ADMINS,
    "emailTemplatePreview": ADMINS,
}
"""Operation -> the built-in roles that may run it; everybody else is refused."""

REFUSED_AS: dict[str, str] = {"user (colleague)": "NOT_FOUND"}
"""Refusals that are not ``FORBIDDEN``: ``user(id)`` answers ``NOT_FOUND`` to a caller
without ``user:read``, as for another college's account, so nobody learns that the
account exists (the field's description says so)."""

KNOWN_DISAGREEMENTS: dict[tuple[str, str], str] = {}
"""(role, operation) pairs where the service disagrees with ``EXPECTED`` (strict xfail)."""

_unique = itertools.count(1)


# -- the world, once per module and backend ---------------------------------------------------
@dataclasses.dataclass
class Matrix:
    """The running app, college A, a token per caller and the shared targets."""

    app: IdentityApp
    college: College
    tokens: dict[str, str | None]
    self_ids: dict[str, str]
    colleague_id: str
    api_key_id: str
    role_id: str
    import_key: str
    import_job_id: str

    @property
    def admin_token(self) -> str:
        token = self.tokens[CA]
        assert token is not None
        return token

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None
    ) -> dict[str, Any]:
        return await self.app.post(query, variables, token=token)

    async def admin_payload(
        self, query: str, variables: dict[str, Any], field: str
    ) -> dict[str, Any]:
        """``field`` of what the college admin gets for ``query``; it must have no errors."""
        body = await self.post(query, variables, token=self.admin_token)
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"][field]
        assert payload.get("errors", []) == [], payload
        return payload

    async def reactivate_college(self) -> None:
        """College A active again, whatever the case did to it."""
        async with self.app.service.database.transaction() as session:
            college = await session.get(College, self.college.id)
            assert college is not None
            college.status = CollegeStatus.ACTIVE

    async def fresh_account(
        self,
        *,
        status: AccountStatus = AccountStatus.ACTIVE,
        roles: tuple[str, ...] = (STUDENT,),
    ) -> str:
        """The global id of a new student of college A."""
        async with self.app.service.database.transaction() as session:
            account = await make_account(
                session,
                college=self.college,
                kind=AccountKind.STUDENT,
                status=status,
                roles=roles,
            )
        return gid("User", account)

    async def fresh_api_key(self) -> str:
        payload = await self.admin_payload(
            API_KEY_CREATE,
            {"input": {"name": f"Key {next(_unique)}", "scopes": ["course:read"]}},
            "apiKeyCreate",
        )
        key_id: str = payload["apiKey"]["id"]
        return key_id

    async def fresh_role(self) -> str:
        payload = await self.admin_payload(ROLE_CREATE, {"input": new_role()}, "roleCreate")
        role_id: str = payload["role"]["id"]
        return role_id


def new_role() -> dict[str, Any]:
    n = next(_unique)
    return {"key": f"lab-{n}", "name": f"Lab {n}", "permissions": ["course:read"]}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def matrix_settings(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_run_prefix: str,
) -> Settings:
    """Settings of one backend, for the whole module (the matrix is read-mostly)."""
    data_dir = tmp_path_factory.mktemp("matrix") / "data"
    if request.param == "sqlite":
        return Settings.load({}, data_dir=data_dir)
    url = make_url(postgres_admin_url())
    base = url.set(database="").render_as_string(hide_password=False).rstrip("/")
    return Settings.load(
        {},
        data_dir=data_dir,
        database_backend="postgres",
        database_url=f"{base}/{postgres_run_prefix}_matrix_{{service}}",
    )


@pytest.fixture(scope="module")
async def matrix(matrix_settings: Settings) -> AsyncIterator[Matrix]:
    settings = matrix_settings.with_overrides(auto_migrate=False, public_url=LOCAL_PUBLIC_URL)
    platform = Platform.from_settings(settings)
    # no background tasks: the import job stays pending, so every case sees the same world
    service = platform.add(dataclasses.replace(SERVICE, tasks=()))
    await service.migrations.upgrade()
    app = create_app(platform, graphql={URL: service}, name="identity")
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=LOCAL_PUBLIC_URL
            ) as client,
        ):
            yield await _build_world(IdentityApp(service, client))
    finally:
        await service.database.drop()


async def _build_world(app: IdentityApp) -> Matrix:
    async with app.service.database.transaction() as session:
        college = await make_college(session, slug="north-valley", name="North Valley")
        people = {
            role: await make_account(
                session,
                college=None if role == SA else college,
                email=f"{role}@nv.edu",
                kind={SA: AccountKind.PLATFORM, S: AccountKind.STUDENT}.get(
                    role, AccountKind.STAFF
                ),
                roles=[role],
            )
            for role in ROLES
        }
        colleague = await make_account(session, college=college, email="colleague@nv.edu")
    tokens: dict[str, str | None] = {role: await app.token_for(people[role]) for role in ROLES}
    tokens[ANONYMOUS] = None
    matrix = Matrix(
        app=app,
        college=college,
        tokens=tokens,
        self_ids={role: gid("User", account) for role, account in people.items()},
        colleague_id=gid("User", colleague),
        api_key_id="",
        role_id="",
        import_key="",
        import_job_id="",
    )
    matrix.api_key_id = await matrix.fresh_api_key()
    matrix.role_id = await matrix.fresh_role()
    matrix.import_key = await _upload(matrix, csv_file(student_rows(2, domain="import.nv.edu")))
    started = await matrix.admin_payload(
        IMPORT_START,
        {"input": {"kind": "STUDENT", "objectKey": matrix.import_key}},
        "userImportStart",
    )
    matrix.import_job_id = started["job"]["id"]
    return matrix


async def _upload(matrix: Matrix, content: bytes) -> str:
    """An object key of college A holding ``content``, uploaded to the target the API gave."""
    payload = await matrix.admin_payload(
        IMPORT_UPLOAD,
        {"input": {"kind": "STUDENT", "fileName": "students.csv", "sizeBytes": len(content)}},
        "userImportUploadCreate",
    )
    target = payload["upload"]
    assert target["method"] == "PUT", target
    headers = {entry["name"]: entry["value"] for entry in target["headers"]}
    response = await matrix.app.client.put(target["url"], content=content, headers=headers)
    assert response.status_code in (200, 201, 204), response.text
    key: str = target["objectKey"]
    return key


# -- the operations, each with valid arguments -------------------------------------------------
ERRORS = "errors { field code message }"
API_KEY_CREATE = f"""
mutation($input: ApiKeyCreateInput!) {{
  apiKeyCreate(input: $input) {{ apiKey {{ id }} {ERRORS} }}
}}
"""
ROLE_CREATE = f"""
mutation($input: RoleCreateInput!) {{ roleCreate(input: $input) {{ role {{ id }} {ERRORS} }} }}
"""
IMPORT_UPLOAD = f"""
mutation($input: UserImportUploadCreateInput!) {{
  userImportUploadCreate(input: $input) {{
    upload {{ objectKey url method headers {{ name value }} }} {ERRORS}
  }}
}}
"""
IMPORT_START = f"""
mutation($input: UserImportStartInput!) {{
  userImportStart(input: $input) {{ job {{ id state }} {ERRORS} }}
}}
"""
USER_PAYLOAD = f"user {{ id status }} {ERRORS}"
BULK_PAYLOAD = "users { id } errors { index field code message }"


def _by_id(name: str) -> str:
    return f"mutation($id: ID!) {{ {name}(input: {{id: $id}}) {{ {USER_PAYLOAD} }} }}"


def _user_role(name: str) -> str:
    return (
        f"mutation($id: ID!, $key: String!) {{ {name}(input: {{userId: $id, roleKey: $key}}) "
        f"{{ {USER_PAYLOAD} }} }}"
    )


def _input(name: str, input_type: str, selection: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}"


@dataclasses.dataclass(frozen=True)
class Call:
    """One request: the root field it runs, its document and its variables."""

    field: str
    query: str
    variables: dict[str, Any]


Builder = Callable[[Matrix, str], Awaitable[Call]]
"""Builds the call of an operation for a caller (a role key), making fresh targets if needed."""


def _college_scope(matrix: Matrix, caller: str) -> dict[str, Any]:
    """The super-admin names the college it acts in; college accounts act in their own."""
    return {"collegeId": gid("College", matrix.college)} if caller == SA else {}


async def _me(matrix: Matrix, caller: str) -> Call:
    return Call("me", "{ me { id } }", {})


async def _permission_catalogue(matrix: Matrix, caller: str) -> Call:
    return Call("permissionCatalogue", "{ permissionCatalogue { name } }", {})


async def _email_template_variables(matrix: Matrix, caller: str) -> Call:
    return Call(
        "emailTemplateVariables", "{ emailTemplateVariables(key: INVITATION) { name } }", {}
    )


async def _user_self(matrix: Matrix, caller: str) -> Call:
    # anonymous has no account of its own: it asks for the student's
    user_id = matrix.self_ids.get(caller, matrix.self_ids[S])
    return Call("user", "query($id: ID!) { user(id: $id) { id email } }", {"id": user_id})


async def _user_colleague(matrix: Matrix, caller: str) -> Call:
    return Call(
        "user", "query($id: ID!) { user(id: $id) { id email } }", {"id": matrix.colleague_id}
    )


async def _users(matrix: Matrix, caller: str) -> Call:
    return Call(
        "users",
        "query($collegeId: ID) { users(first: 5, collegeId: $collegeId) { totalCount } }",
        _college_scope(matrix, caller),
    )


async def _college(matrix: Matrix, caller: str) -> Call:
    return Call(
        "college",
        "query($id: ID) { college(id: $id) { id slug } }",
        {"id": gid("College", matrix.college)} if caller == SA else {},
    )


async def _colleges(matrix: Matrix, caller: str) -> Call:
    return Call("colleges", "{ colleges(first: 5) { totalCount } }", {})


async def _roles(matrix: Matrix, caller: str) -> Call:
    return Call(
        "roles",
        "query($collegeId: ID) { roles(collegeId: $collegeId) { key } }",
        _college_scope(matrix, caller),
    )


async def _api_keys(matrix: Matrix, caller: str) -> Call:
    return Call(
        "apiKeys",
        "query($collegeId: ID) { apiKeys(collegeId: $collegeId) { totalCount } }",
        _college_scope(matrix, caller),
    )


async def _api_key(matrix: Matrix, caller: str) -> Call:
    return Call(
        "apiKey", "query($id: ID!) { apiKey(id: $id) { id prefix } }", {"id": matrix.api_key_id}
    )


async def _email_template(matrix: Matrix, caller: str) -> Call:
    return Call(
        "emailTemplate",
        "query($collegeId: ID) { emailTemplate(key: INVITATION, collegeId: $collegeId) "
        "{ version } }",
        _college_scope(matrix, caller),
    )


async def _email_template_versions(matrix: Matrix, caller: str) -> Call:
    return Call(
        "emailTemplateVersions",
        "query($collegeId: ID) { emailTemplateVersions(key: INVITATION, collegeId: $collegeId) "
        "{ version } }",
        _college_scope(matrix, caller),
    )


async def _import_job(matrix: Matrix, caller: str) -> Call:
    return Call(
        "userImportJob",
        "query($id: ID!) { userImportJob(id: $id) { id state } }",
        {"id": matrix.import_job_id},
    )


async def _import_jobs(matrix: Matrix, caller: str) -> Call:
    return Call(
        "userImportJobs",
        "query($collegeId: ID) { userImportJobs(first: 5, collegeId: $collegeId) { totalCount } }",
        _college_scope(matrix, caller),
    )


async def _college_create(matrix: Matrix, caller: str) -> Call:
    n = next(_unique)
    return Call(
        "collegeCreate",
        _input("collegeCreate", "CollegeCreateInput", f"college {{ id }} {ERRORS}"),
        {
            "input": {
                "slug": f"new-college-{n}",
                "name": f"New College {n}",
                "adminEmail": f"admin{n}@new.edu",
                "adminDisplayName": "First Admin",
            }
        },
    )


async def _college_update(matrix: Matrix, caller: str) -> Call:
    return Call(
        "collegeUpdate",
        _input("collegeUpdate", "CollegeUpdateInput", f"college {{ id name }} {ERRORS}"),
        {"input": {"id": gid("College", matrix.college), "name": "North Valley"}},
    )


async def _college_password_policy_update(matrix: Matrix, caller: str) -> Call:
    # the default minimum length: allowed callers succeed without changing the policy
    return Call(
        "collegePasswordPolicyUpdate",
        _input(
            "collegePasswordPolicyUpdate",
            "CollegePasswordPolicyUpdateInput",
            f"college {{ id passwordPolicy {{ minLength }} }} {ERRORS}",
        ),
        {"input": {"minLength": 12, **_college_scope(matrix, caller)}},
    )


async def _college_suspend(matrix: Matrix, caller: str) -> Call:
    # the super-admin suspends a college of its own; the others try their college
    # (which the test reactivates afterwards, should the suspension go through)
    college = matrix.college
    if caller == SA:
        async with matrix.app.service.database.transaction() as session:
            college = await make_college(session)
    return Call(
        "collegeUpdate",
        _input("collegeUpdate", "CollegeUpdateInput", f"college {{ id status }} {ERRORS}"),
        {"input": {"id": gid("College", college), "status": "SUSPENDED"}},
    )


async def _user_invite(matrix: Matrix, caller: str) -> Call:
    new = {
        "email": f"invited{next(_unique)}@nv.edu",
        "displayName": "New Student",
        "kind": "STUDENT",
        **_college_scope(matrix, caller),
    }
    return Call("userInvite", _input("userInvite", "UserInviteInput", USER_PAYLOAD), {"input": new})


async def _user_activate(matrix: Matrix, caller: str) -> Call:
    target = await matrix.fresh_account(status=AccountStatus.DEACTIVATED)
    return Call("userActivate", _by_id("userActivate"), {"id": target})


async def _user_deactivate(matrix: Matrix, caller: str) -> Call:
    return Call("userDeactivate", _by_id("userDeactivate"), {"id": await matrix.fresh_account()})


async def _user_delete(matrix: Matrix, caller: str) -> Call:
    return Call("userDelete", _by_id("userDelete"), {"id": await matrix.fresh_account()})


async def _user_role_assign(matrix: Matrix, caller: str) -> Call:
    target = await matrix.fresh_account(roles=())
    return Call("userRoleAssign", _user_role("userRoleAssign"), {"id": target, "key": STUDENT})


async def _user_role_remove(matrix: Matrix, caller: str) -> Call:
    target = await matrix.fresh_account()
    return Call("userRoleRemove", _user_role("userRoleRemove"), {"id": target, "key": STUDENT})


async def _users_onboard(matrix: Matrix, caller: str) -> Call:
    row = {"email": f"onboarded{next(_unique)}@nv.edu", "displayName": "Onboarded Student"}
    return Call(
        "usersOnboard",
        _input("usersOnboard", "UsersOnboardInput", BULK_PAYLOAD),
        {"input": {"kind": "STUDENT", "rows": [row], **_college_scope(matrix, caller)}},
    )


async def _import_upload_create(matrix: Matrix, caller: str) -> Call:
    new = {
        "kind": "STUDENT",
        "fileName": "students.csv",
        "sizeBytes": 100,
        **_college_scope(matrix, caller),
    }
    return Call(
        "userImportUploadCreate",
        _input(
            "userImportUploadCreate",
            "UserImportUploadCreateInput",
            f"upload {{ objectKey }} {ERRORS}",
        ),
        {"input": new},
    )


async def _import_start(matrix: Matrix, caller: str) -> Call:
    # starting an uploaded file again answers the job it already has
    new = {"kind": "STUDENT", "objectKey": matrix.import_key, **_college_scope(matrix, caller)}
    return Call(
        "userImportStart",
        _input("userImportStart", "UserImportStartInput", f"job {{ id }} {ERRORS}"),
        {"input": new},
    )


async def _bulk_deactivate(matrix: Matrix, caller: str) -> Call:
    return Call(
        "usersBulkDeactivate",
        f"mutation($ids: [ID!]!) {{ usersBulkDeactivate(ids: $ids) {{ {BULK_PAYLOAD} }} }}",
        {"ids": [await matrix.fresh_account()]},
    )


async def _bulk_update(matrix: Matrix, caller: str) -> Call:
    return Call(
        "usersBulkUpdate",
        "mutation($ids: [ID!]!, $input: UsersBulkUpdateInput!) "
        f"{{ usersBulkUpdate(ids: $ids, input: $input) {{ {BULK_PAYLOAD} }} }}",
        {"ids": [await matrix.fresh_account()], "input": {"status": "DEACTIVATED"}},
    )


async def _bulk_update_role(matrix: Matrix, caller: str) -> Call:
    return Call(
        "usersBulkUpdate",
        "mutation($ids: [ID!]!, $input: UsersBulkUpdateInput!) "
        f"{{ usersBulkUpdate(ids: $ids, input: $input) {{ {BULK_PAYLOAD} }} }}",
        {"ids": [await matrix.fresh_account(roles=())], "input": {"roleToAdd": STUDENT}},
    )


async def _bulk_update_department(matrix: Matrix, caller: str) -> Call:
    return Call(
        "usersBulkUpdate",
        "mutation($ids: [ID!]!, $input: UsersBulkUpdateInput!) "
        f"{{ usersBulkUpdate(ids: $ids, input: $input) {{ {BULK_PAYLOAD} }} }}",
        {
            "ids": [await matrix.fresh_account()],
            "input": {"departmentId": gid("Department", str(uuid.uuid4()))},
        },
    )


async def _bulk_delete(matrix: Matrix, caller: str) -> Call:
    return Call(
        "usersBulkDelete",
        f"mutation($ids: [ID!]!) {{ usersBulkDelete(ids: $ids) {{ {BULK_PAYLOAD} }} }}",
        {"ids": [await matrix.fresh_account()]},
    )


async def _api_key_create(matrix: Matrix, caller: str) -> Call:
    new = {
        "name": f"Key {next(_unique)}",
        "scopes": ["course:read"],
        **_college_scope(matrix, caller),
    }
    return Call("apiKeyCreate", API_KEY_CREATE, {"input": new})


async def _api_key_rotate(matrix: Matrix, caller: str) -> Call:
    return Call(
        "apiKeyRotate",
        f"mutation($id: ID!) {{ apiKeyRotate(input: {{id: $id}}) {{ apiKey {{ id }} {ERRORS} }} }}",
        {"id": matrix.api_key_id},
    )


async def _api_key_revoke(matrix: Matrix, caller: str) -> Call:
    return Call(
        "apiKeyRevoke",
        f"mutation($id: ID!) {{ apiKeyRevoke(input: {{id: $id}}) {{ apiKey {{ id }} {ERRORS} }} }}",
        {"id": await matrix.fresh_api_key()},
    )


async def _role_create(matrix: Matrix, caller: str) -> Call:
    return Call(
        "roleCreate", ROLE_CREATE, {"input": {**new_role(), **_college_scope(matrix, caller)}}
    )


async def _role_update(matrix: Matrix, caller: str) -> Call:
    return Call(
        "roleUpdate",
        _input("roleUpdate", "RoleUpdateInput", f"role {{ id }} {ERRORS}"),
        {"input": {"id": matrix.role_id, "description": f"Changed by {caller}."}},
    )


async def _role_delete(matrix: Matrix, caller: str) -> Call:
    return Call(
        "roleDelete",
        _input("roleDelete", "RoleDeleteInput", f"deletedRoleId {ERRORS}"),
        {"input": {"id": await matrix.fresh_role()}},
    )


async def _template_save(matrix: Matrix, caller: str) -> Call:
    new = {
        "key": "INVITATION",
        "subject": "Welcome to {{ college_name }}",
        "bodyText": "Hello {{ display_name }}, accept at {{ accept_url }}.",
        **_college_scope(matrix, caller),
    }
    return Call(
        "emailTemplateSave",
        _input("emailTemplateSave", "EmailTemplateSaveInput", f"template {{ version }} {ERRORS}"),
        {"input": new},
    )


async def _template_revert(matrix: Matrix, caller: str) -> Call:
    new = {"key": "INVITATION", "version": 0, **_college_scope(matrix, caller)}
    return Call(
        "emailTemplateRevert",
        _input(
            "emailTemplateRevert", "EmailTemplateRevertInput", f"template {{ version }} {ERRORS}"
        ),
        {"input": new},
    )


async def _template_preview(matrix: Matrix, caller: str) -> Call:
    return Call(
        "emailTemplatePreview",
        _input(
            "emailTemplatePreview", "EmailTemplatePreviewInput", f"preview {{ subject }} {ERRORS}"
        ),
        {"input": {"key": "INVITATION", **_college_scope(matrix, caller)}},
    )


BUILDERS: dict[str, Builder] = {
    "me": _me,
    "permissionCatalogue": _permission_catalogue,
    "emailTemplateVariables": _email_template_variables,
    "collegeUpdate (status)": _college_suspend,
    "usersBulkUpdate (roleToAdd)": _bulk_update_role,
    "usersBulkUpdate (departmentId)": _bulk_update_department,
    "user (self)": _user_self,
    "user (colleague)": _user_colleague,
    "users": _users,
    "college": _college,
    "colleges": _colleges,
    "roles": _roles,
    "apiKeys": _api_keys,
    "apiKey": _api_key,
    "emailTemplate": _email_template,
    "emailTemplateVersions": _email_template_versions,
    "userImportJob": _import_job,
    "userImportJobs": _import_jobs,
    "collegeCreate": _college_create,
    "collegeUpdate": _college_update,
    "collegePasswordPolicyUpdate": _college_password_policy_update,
    "userInvite": _user_invite,
    "userActivate": _user_activate,
    "userDeactivate": _user_deactivate,
    "userDelete": _user_delete,
    "userRoleAssign": _user_role_assign,
    "userRoleRemove": _user_role_remove,
    "usersOnboard": _users_onboard,
    "userImportUploadCreate": _import_upload_create,
    "userImportStart": _import_start,
    "usersBulkDeactivate": _bulk_deactivate,
    "usersBulkUpdate": _bulk_update,
    "usersBulkDelete": _bulk_delete,
    "apiKeyCreate": _api_key_create,
    "apiKeyRotate": _api_key_rotate,
    "apiKeyRevoke": _api_key_revoke,
    "roleCreate": _role_create,
    "roleUpdate": _role_update,
    "roleDelete": _role_delete,
    "emailTemplateSave": _template_save,
    "emailTemplateRevert": _template_revert,
    "emailTemplatePreview": _template_preview,
}


def _cases() -> list[Any]:
    cases = []
    for operation in EXPECTED:
        for caller in CALLERS:
            reason = KNOWN_DISAGREEMENTS.get((caller, operation))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(caller, operation, id=f"{operation}-{caller}", marks=marks))
    return cases


def test_every_operation_needing_a_permission_is_in_the_table() -> None:
    # given the table and the calls the matrix knows how to make
    # when they are compared, then each operation has an expectation and a valid call
    assert set(EXPECTED) == set(BUILDERS)
    # and every row names only built-in roles
    assert all(allowed <= EVERYONE_SIGNED_IN for allowed in EXPECTED.values())


@pytest.mark.parametrize(("caller", "operation"), _cases())
async def test_a_role_may_run_an_operation_only_as_the_table_says(
    matrix: Matrix, caller: str, operation: str
) -> None:
    # given valid arguments for the operation, with fresh targets where it changes them
    call = await BUILDERS[operation](matrix, caller)

    # when the caller (a token of an account holding only that role, or none) runs it
    body = await matrix.post(call.query, call.variables, token=matrix.tokens[caller])
    await matrix.reactivate_college()

    # then it runs when the table allows it, and is refused for the permission otherwise
    if caller == ANONYMOUS:
        assert error_codes(body) == ["UNAUTHENTICATED"], body
        assert (body.get("data") or {}).get(call.field) is None
    elif caller in EXPECTED[operation]:
        assert "errors" not in body, body
        assert body["data"][call.field] is not None, body
    else:
        assert error_codes(body) == [REFUSED_AS.get(operation, "FORBIDDEN")], body
        assert (body.get("data") or {}).get(call.field) is None

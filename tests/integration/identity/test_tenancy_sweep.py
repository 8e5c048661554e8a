"""College B's admin, holding every college permission, aimed at college A's objects.

Every query and mutation that takes an id or acts within a college is sent
by B's admin against A's user, college, custom role, API key, import job and
email template: ids of A are ``NOT_FOUND``; naming college A explicitly
(``collegeId``, or ``collegeUpdate``'s college ``id``) is ``FORBIDDEN``;
bulk operations answer a per-item ``UNKNOWN_ACCOUNT``; lists show none of
A's rows. After each case every row of college A is read back and compared
with the rows before it. The world is built once per module and backend.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from shared.app import create_app
from shared.config import Settings
from shared.runtime import Platform
from subgraphs.identity.app import SERVICE
from subgraphs.identity.models import Account, AccountKind, AccountRole, Base, College
from subgraphs.identity.permissions import COLLEGE_ADMIN, STUDENT
from tests.factories.identity import make_account, make_college
from tests.factories.identity_csv import csv_file, student_rows
from tests.fixtures.database import postgres_admin_url
from tests.fixtures.s3 import LOCAL_PUBLIC_URL
from tests.integration.identity.graphql_app import URL, IdentityApp, error_codes, gid

ERRORS = "errors { field code message }"
BULK = "users { id } errors { index field code message }"
TENANT_TABLES = ("college", "account", "role", "api_key", "import_job", "email_template")
"""College A's tables compared before and after each case (``account_role`` too)."""

Rows = dict[str, list[tuple[Any, ...]]]


@dataclasses.dataclass
class Sweep:
    """The running app, college A's objects and college B's admin."""

    app: IdentityApp
    college_a: College
    student_a: str
    teacher_a: str
    role_a: str
    role_key_a: str
    api_key_a: str
    job_a: str
    import_key_a: str
    student_b: str
    token_a: str
    token_b: str

    async def post(self, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
        return await self.app.post(query, variables, token=token)

    async def rows_of_a(self) -> Rows:
        """Every row of college A, table by table, in a stable order."""
        async with self.app.service.database.session() as session:
            return await _rows_of(session, self.college_a.id)


async def _rows_of(session: AsyncSession, college_id: str) -> Rows:
    tables = Base.metadata.tables
    rows: Rows = {}
    for name in TENANT_TABLES:
        table = tables[name]
        column = table.c.id if name == "college" else table.c.college_id
        result = await session.execute(select(table).where(column == college_id))
        rows[name] = sorted(tuple(row) for row in result)
    members = select(Account.id).where(Account.college_id == college_id)
    held = await session.execute(select(AccountRole).where(AccountRole.account_id.in_(members)))
    rows["account_role"] = sorted((r.account_id, r.role_id, r.created_at) for r in held.scalars())
    return rows


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def sweep_settings(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_run_prefix: str,
) -> Settings:
    """Settings of one backend, for the whole module."""
    data_dir = tmp_path_factory.mktemp("sweep") / "data"
    if request.param == "sqlite":
        return Settings.load({}, data_dir=data_dir)
    url = make_url(postgres_admin_url())
    base = url.set(database="").render_as_string(hide_password=False).rstrip("/")
    return Settings.load(
        {},
        data_dir=data_dir,
        database_backend="postgres",
        database_url=f"{base}/{postgres_run_prefix}_sweep_{{service}}",
    )


@pytest.fixture(scope="module")
async def sweep(sweep_settings: Settings) -> AsyncIterator[Sweep]:
    settings = sweep_settings.with_overrides(auto_migrate=False, public_url=LOCAL_PUBLIC_URL)
    platform = Platform.from_settings(settings)
    # no background tasks: the import job stays pending while the cases run
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


async def _payload(app: IdentityApp, token: str, query: str, variables: dict[str, Any]) -> Any:
    body = await app.post(query, variables, token=token)
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    assert payload.get("errors", []) == [], payload
    return payload


async def _build_world(app: IdentityApp) -> Sweep:
    async with app.service.database.transaction() as session:
        college_a = await make_college(session, slug="north-valley", name="North Valley")
        college_b = await make_college(session, slug="south-hill", name="South Hill")
        admin_a = await make_account(
            session, college=college_a, email="admin@nv.edu", roles=[COLLEGE_ADMIN]
        )
        teacher_a = await make_account(
            session, college=college_a, email="teacher@nv.edu", roles=["teacher"]
        )
        student_a = await make_account(
            session,
            college=college_a,
            email="student@nv.edu",
            kind=AccountKind.STUDENT,
            roles=[STUDENT],
        )
        admin_b = await make_account(
            session, college=college_b, email="admin@sh.edu", roles=[COLLEGE_ADMIN]
        )
        student_b = await make_account(
            session,
            college=college_b,
            email="student@sh.edu",
            kind=AccountKind.STUDENT,
            roles=[STUDENT],
        )
    token_a = await app.token_for(admin_a)
    # college A gets a custom role, an API key, a saved template and a pending import job
    role = await _payload(
        app,
        token_a,
        "mutation($input: RoleCreateInput!) { roleCreate(input: $input) "
        f"{{ role {{ id key }} {ERRORS} }} }}",
        {"input": {"key": "lab-assistant", "name": "Lab assistant", "permissions": ["user:read"]}},
    )
    key = await _payload(
        app,
        token_a,
        "mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) "
        f"{{ apiKey {{ id }} {ERRORS} }} }}",
        {"input": {"name": "Timetable sync", "scopes": ["course:read"]}},
    )
    await _payload(
        app,
        token_a,
        "mutation($input: EmailTemplateSaveInput!) { emailTemplateSave(input: $input) "
        f"{{ template {{ version }} {ERRORS} }} }}",
        {"input": {**TEMPLATE, "subject": "North Valley welcomes you"}},
    )
    content = csv_file(student_rows(2, domain="import.nv.edu"))
    upload = await _payload(
        app,
        token_a,
        "mutation($input: UserImportUploadCreateInput!) { userImportUploadCreate(input: $input) "
        f"{{ upload {{ objectKey url headers {{ name value }} }} {ERRORS} }} }}",
        {"input": {"kind": "STUDENT", "fileName": "students.csv", "sizeBytes": len(content)}},
    )
    target = upload["upload"]
    headers = {entry["name"]: entry["value"] for entry in target["headers"]}
    response = await app.client.put(target["url"], content=content, headers=headers)
    assert response.status_code in (200, 201, 204), response.text
    job = await _payload(
        app,
        token_a,
        "mutation($input: UserImportStartInput!) { userImportStart(input: $input) "
        f"{{ job {{ id }} {ERRORS} }} }}",
        {"input": {"kind": "STUDENT", "objectKey": target["objectKey"]}},
    )
    return Sweep(
        app=app,
        college_a=college_a,
        student_a=gid("User", student_a),
        teacher_a=gid("User", teacher_a),
        role_a=role["role"]["id"],
        role_key_a=role["role"]["key"],
        api_key_a=key["apiKey"]["id"],
        job_a=job["job"]["id"],
        import_key_a=target["objectKey"],
        student_b=gid("User", student_b),
        token_a=token_a,
        token_b=await app.token_for(admin_b),
    )


TEMPLATE = {
    "key": "INVITATION",
    "subject": "Welcome to {{ college_name }}",
    "bodyText": "Hello {{ display_name }}, accept at {{ accept_url }}.",
}


@dataclasses.dataclass(frozen=True)
class Aim:
    """One call of B's admin at A's objects and the refusal it must get."""

    query: str
    variables: dict[str, Any]
    refusal: str
    """A top-level error code, or ``payload:CODE`` for an error of the payload."""


def _aims(s: Sweep) -> dict[str, Aim]:
    college_a = gid("College", s.college_a)
    by_id = "mutation($id: ID!) {{ {0}(input: {{id: $id}}) {{ user {{ id }} {1} }} }}"
    user_role = (
        "mutation($id: ID!, $key: String!) {{ {0}(input: {{userId: $id, roleKey: $key}}) "
        "{{ user {{ id }} {1} }} }}"
    )

    def mutation(name: str, input_type: str, selection: str) -> str:
        return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}"

    def with_college(**values: Any) -> dict[str, Any]:
        return {"input": {**values, "collegeId": college_a}}

    return {
        # reads by id
        "user": Aim("query($id: ID!) { user(id: $id) { id } }", {"id": s.student_a}, "NOT_FOUND"),
        "college": Aim(
            "query($id: ID) { college(id: $id) { id } }", {"id": college_a}, "NOT_FOUND"
        ),
        "apiKey": Aim(
            "query($id: ID!) { apiKey(id: $id) { id } }", {"id": s.api_key_a}, "NOT_FOUND"
        ),
        "userImportJob": Aim(
            "query($id: ID!) { userImportJob(id: $id) { id } }", {"id": s.job_a}, "NOT_FOUND"
        ),
        # reads naming college A
        "users": Aim(
            "query($c: ID) { users(collegeId: $c) { totalCount } }", {"c": college_a}, "FORBIDDEN"
        ),
        "roles": Aim(
            "query($c: ID) { roles(collegeId: $c) { id } }", {"c": college_a}, "FORBIDDEN"
        ),
        "apiKeys": Aim(
            "query($c: ID) { apiKeys(collegeId: $c) { totalCount } }", {"c": college_a}, "FORBIDDEN"
        ),
        "userImportJobs": Aim(
            "query($c: ID) { userImportJobs(collegeId: $c) { totalCount } }",
            {"c": college_a},
            "FORBIDDEN",
        ),
        "emailTemplate": Aim(
            "query($c: ID) { emailTemplate(key: INVITATION, collegeId: $c) { version } }",
            {"c": college_a},
            "FORBIDDEN",
        ),
        "emailTemplateVersions": Aim(
            "query($c: ID) { emailTemplateVersions(key: INVITATION, collegeId: $c) { version } }",
            {"c": college_a},
            "FORBIDDEN",
        ),
        # changes by id
        "collegeUpdate": Aim(
            mutation("collegeUpdate", "CollegeUpdateInput", f"college {{ id }} {ERRORS}"),
            {"input": {"id": college_a, "name": "Taken Over"}},
            "FORBIDDEN",  # the id names a college: refused before any lookup, as collegeId is
        ),
        "userActivate": Aim(by_id.format("userActivate", ERRORS), {"id": s.student_a}, "NOT_FOUND"),
        "userDeactivate": Aim(
            by_id.format("userDeactivate", ERRORS), {"id": s.student_a}, "NOT_FOUND"
        ),
        "userDelete": Aim(by_id.format("userDelete", ERRORS), {"id": s.student_a}, "NOT_FOUND"),
        "userRoleAssign": Aim(
            user_role.format("userRoleAssign", ERRORS),
            {"id": s.student_a, "key": "teaching-assistant"},
            "NOT_FOUND",
        ),
        "userRoleRemove": Aim(
            user_role.format("userRoleRemove", ERRORS),
            {"id": s.teacher_a, "key": "teacher"},
            "NOT_FOUND",
        ),
        "apiKeyRotate": Aim(
            f"mutation($id: ID!) {{ apiKeyRotate(input: {{id: $id}}) {{ secret {ERRORS} }} }}",
            {"id": s.api_key_a},
            "NOT_FOUND",
        ),
        "apiKeyRevoke": Aim(
            "mutation($id: ID!) { apiKeyRevoke(input: {id: $id}) "
            f"{{ apiKey {{ id }} {ERRORS} }} }}",
            {"id": s.api_key_a},
            "NOT_FOUND",
        ),
        "roleUpdate": Aim(
            mutation("roleUpdate", "RoleUpdateInput", f"role {{ id }} {ERRORS}"),
            {"input": {"id": s.role_a, "name": "Taken Over", "permissions": ["course:read"]}},
            "NOT_FOUND",
        ),
        "roleDelete": Aim(
            mutation("roleDelete", "RoleDeleteInput", f"deletedRoleId {ERRORS}"),
            {"input": {"id": s.role_a}},
            "NOT_FOUND",
        ),
        # changes naming college A
        "collegePasswordPolicyUpdate": Aim(
            mutation(
                "collegePasswordPolicyUpdate",
                "CollegePasswordPolicyUpdateInput",
                f"college {{ id }} {ERRORS}",
            ),
            with_college(minLength=64, historyCount=0),
            "FORBIDDEN",
        ),
        "userInvite": Aim(
            mutation("userInvite", "UserInviteInput", f"user {{ id }} {ERRORS}"),
            with_college(email="planted@nv.edu", displayName="Planted", kind="STUDENT"),
            "FORBIDDEN",
        ),
        "usersOnboard": Aim(
            mutation("usersOnboard", "UsersOnboardInput", BULK),
            with_college(
                kind="STUDENT", rows=[{"email": "planted@nv.edu", "displayName": "Planted"}]
            ),
            "FORBIDDEN",
        ),
        "userImportUploadCreate": Aim(
            mutation(
                "userImportUploadCreate",
                "UserImportUploadCreateInput",
                f"upload {{ objectKey }} {ERRORS}",
            ),
            with_college(kind="STUDENT", fileName="planted.csv", sizeBytes=100),
            "FORBIDDEN",
        ),
        "userImportStart (collegeId)": Aim(
            mutation("userImportStart", "UserImportStartInput", f"job {{ id }} {ERRORS}"),
            with_college(kind="STUDENT", objectKey=s.import_key_a),
            "FORBIDDEN",
        ),
        "apiKeyCreate": Aim(
            mutation("apiKeyCreate", "ApiKeyCreateInput", f"secret {ERRORS}"),
            with_college(name="Planted", scopes=["course:read"]),
            "FORBIDDEN",
        ),
        "roleCreate": Aim(
            mutation("roleCreate", "RoleCreateInput", f"role {{ id }} {ERRORS}"),
            with_college(key="planted", name="Planted", permissions=["course:read"]),
            "FORBIDDEN",
        ),
        "emailTemplateSave": Aim(
            mutation(
                "emailTemplateSave", "EmailTemplateSaveInput", f"template {{ version }} {ERRORS}"
            ),
            with_college(**TEMPLATE),
            "FORBIDDEN",
        ),
        "emailTemplateRevert": Aim(
            mutation(
                "emailTemplateRevert",
                "EmailTemplateRevertInput",
                f"template {{ version }} {ERRORS}",
            ),
            with_college(key="INVITATION", version=0),
            "FORBIDDEN",
        ),
        "emailTemplatePreview": Aim(
            mutation(
                "emailTemplatePreview",
                "EmailTemplatePreviewInput",
                f"preview {{ subject text }} {ERRORS}",
            ),
            with_college(key="INVITATION"),
            "FORBIDDEN",
        ),
        # A's objects named inside B's own college
        "userImportStart (A's file)": Aim(
            mutation("userImportStart", "UserImportStartInput", f"job {{ id }} {ERRORS}"),
            {"input": {"kind": "STUDENT", "objectKey": s.import_key_a}},
            "payload:IMPORT_FILE_NOT_FOUND",
        ),
        "userRoleAssign (A's role)": Aim(
            user_role.format("userRoleAssign", ERRORS),
            {"id": s.student_b, "key": s.role_key_a},
            "payload:UNKNOWN_ROLE",
        ),
        # bulk: A's account is an unknown item
        "usersBulkDeactivate": Aim(
            f"mutation($ids: [ID!]!) {{ usersBulkDeactivate(ids: $ids) {{ {BULK} }} }}",
            {"ids": [s.student_a]},
            "payload:UNKNOWN_ACCOUNT",
        ),
        "usersBulkDelete": Aim(
            f"mutation($ids: [ID!]!) {{ usersBulkDelete(ids: $ids) {{ {BULK} }} }}",
            {"ids": [s.student_a]},
            "payload:UNKNOWN_ACCOUNT",
        ),
        "usersBulkUpdate": Aim(
            "mutation($ids: [ID!]!, $input: UsersBulkUpdateInput!) "
            f"{{ usersBulkUpdate(ids: $ids, input: $input) {{ {BULK} }} }}",
            {"ids": [s.student_a], "input": {"status": "DEACTIVATED", "roleToAdd": "teacher"}},
            "payload:UNKNOWN_ACCOUNT",
        ),
    }


AIMS = [
    "user",
    "college",
    "apiKey",
    "userImportJob",
    "users",
    "roles",
    "apiKeys",
    "userImportJobs",
    "emailTemplate",
    "emailTemplateVersions",
    "collegeUpdate",
    "userActivate",
    "userDeactivate",
    "userDelete",
    "userRoleAssign",
    "userRoleRemove",
    "apiKeyRotate",
    "apiKeyRevoke",
    "roleUpdate",
    "roleDelete",
    "userInvite",
    "collegePasswordPolicyUpdate",
    "usersOnboard",
    "userImportUploadCreate",
    "userImportStart (collegeId)",
    "apiKeyCreate",
    "roleCreate",
    "emailTemplateSave",
    "emailTemplateRevert",
    "emailTemplatePreview",
    "userImportStart (A's file)",
    "userRoleAssign (A's role)",
    "usersBulkDeactivate",
    "usersBulkDelete",
    "usersBulkUpdate",
]


async def test_every_aim_of_the_sweep_is_run(sweep: Sweep) -> None:
    # given the calls the sweep knows, when listed, then each one is a case below
    assert sorted(_aims(sweep)) == sorted(AIMS)


@pytest.mark.parametrize("aim", AIMS)
async def test_college_b_cannot_reach_college_a(sweep: Sweep, aim: str) -> None:
    # given college A's rows, and B's admin aiming a call at A's objects
    before = await sweep.rows_of_a()
    call = _aims(sweep)[aim]

    # when B's admin sends it
    body = await sweep.post(call.query, call.variables, sweep.token_b)

    # then it is refused as not found, forbidden, or an error of its payload
    if call.refusal.startswith("payload:"):
        assert "errors" not in body, body
        (payload,) = body["data"].values()
        codes = [error["code"] for error in payload["errors"]]
        assert codes == [call.refusal.removeprefix("payload:")], payload
    else:
        assert error_codes(body) == [call.refusal], body
        assert body["data"] is None or next(iter(body["data"].values())) is None, body
    # and not one row of college A changed
    assert await sweep.rows_of_a() == before


LISTS = {
    "users": ("{ users(first: 100) { nodes { id } } }", "student_a"),
    "roles": ("{ roles { id } }", "role_a"),
    "apiKeys": ("{ apiKeys(includeRevoked: true, first: 100) { nodes { id } } }", "api_key_a"),
    "userImportJobs": ("{ userImportJobs(first: 100) { nodes { id } } }", "job_a"),
}


@pytest.mark.parametrize("field", LISTS)
async def test_college_bs_own_lists_hold_nothing_of_college_a(sweep: Sweep, field: str) -> None:
    query, attribute = LISTS[field]
    # given an object of college A that A's admin sees in the list
    own = await sweep.post(query, {}, sweep.token_a)
    assert "errors" not in own, own
    a_id = getattr(sweep, attribute)
    assert a_id in _ids(own["data"][field])

    # when B's admin reads the same list in its own college
    body = await sweep.post(query, {}, sweep.token_b)

    # then it answers without A's object
    assert "errors" not in body, body
    assert a_id not in _ids(body["data"][field])


def _ids(listed: Any) -> set[str]:
    nodes = listed["nodes"] if isinstance(listed, dict) else listed
    return {node["id"] for node in nodes}


async def test_college_b_reads_its_own_templates_not_college_as(sweep: Sweep) -> None:
    query = "{ emailTemplate(key: INVITATION) { version subject } }"
    # given college A's saved invitation template (version 1)
    own = await sweep.post(query, {}, sweep.token_a)
    assert own["data"]["emailTemplate"] == {"version": 1, "subject": "North Valley welcomes you"}

    # when B's admin reads the invitation template of its college
    body = await sweep.post(query, {}, sweep.token_b)

    # then it is the platform's default, not A's version
    assert "errors" not in body, body
    assert body["data"]["emailTemplate"]["version"] == 0
    assert body["data"]["emailTemplate"]["subject"] != "North Valley welcomes you"

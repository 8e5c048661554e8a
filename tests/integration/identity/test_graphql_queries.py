"""Identity's GraphQL queries over HTTP, with real tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.factories.identity import make_account
from tests.fixtures.statements import statements_on
from tests.integration.identity.graphql_app import (
    IdentityApp,
    World,
    error_codes,
    gid,
    identity_app,
    world,
)

__all__ = ["identity_app", "world"]

ME = "{ me { id email displayName kind status roles { key } permissions college { slug } } }"
USER = "query($id: ID!) { user(id: $id) { id email kind status createdAt } }"
USERS = """
query($filter: UserFilter, $orderBy: UserOrder, $first: Int, $after: String, $collegeId: ID) {
  users(filter: $filter, orderBy: $orderBy, first: $first, after: $after, collegeId: $collegeId) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { email roles { key } }
  }
}
"""
ENTITIES = """
query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id email } } }
"""


async def test_me_is_the_caller_with_roles_and_effective_permissions(
    identity_app: IdentityApp, world: World
) -> None:
    # given a teacher's token
    # when the teacher asks who they are
    body = await identity_app.post(ME, token=world.tokens["teacher_a"])
    # then the account comes back with its role and the role's permissions
    me = body["data"]["me"]
    assert me["id"] == gid("User", world.teacher_a)
    assert me["email"] == "teacher@nv.edu"
    assert (me["kind"], me["status"]) == ("STAFF", "ACTIVE")
    assert me["roles"] == [{"key": "teacher"}]
    assert "grade:publish" in me["permissions"]
    assert "user:invite" not in me["permissions"]
    assert me["permissions"] == sorted(me["permissions"])
    assert me["college"] == {"slug": "north-valley"}


async def test_no_token_is_unauthenticated(identity_app: IdentityApp, world: World) -> None:
    # given no token
    for query in (ME, "{ users { totalCount } }", "{ permissionCatalogue { name } }"):
        # when a query is sent
        body = await identity_app.post(query)
        # then it is refused as unauthenticated
        assert error_codes(body) == ["UNAUTHENTICATED"], query


async def test_user_by_id_within_the_college_and_not_found_across(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    # when an admin of A reads a student of A
    own = await identity_app.post(USER, {"id": gid("User", world.student_a)}, token=token)
    # then it is returned
    assert own["data"]["user"]["email"] == "student@nv.edu"
    assert own["data"]["user"]["kind"] == "STUDENT"
    # when the same admin reads a student of college B
    other = await identity_app.post(USER, {"id": gid("User", world.student_b)}, token=token)
    # then it is not found, and nothing of it is returned
    assert error_codes(other) == ["NOT_FOUND"]
    assert other["data"] is None


async def test_a_student_reads_only_themselves(identity_app: IdentityApp, world: World) -> None:
    token = world.tokens["student_a"]
    # when a student reads their own account, then another person's
    own = await identity_app.post(USER, {"id": gid("User", world.student_a)}, token=token)
    other = await identity_app.post(USER, {"id": gid("User", world.teacher_a)}, token=token)
    listing = await identity_app.post(USERS, token=token)
    # then only their own is visible, and listing needs user:read
    assert own["data"]["user"]["email"] == "student@nv.edu"
    assert error_codes(other) == ["NOT_FOUND"]
    assert error_codes(listing) == ["FORBIDDEN"]
    assert listing["errors"][0]["extensions"]["permission"] == "user:read"


async def test_users_lists_the_college_with_filter_order_and_pages(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    # when the admin of A lists users, two per page, by email
    order = {"field": "EMAIL", "direction": "ASC"}
    first = await identity_app.post(USERS, {"first": 2, "orderBy": order}, token=token)
    page = first["data"]["users"]
    # then only college A's three people are counted, in email order
    assert page["totalCount"] == 3
    assert [n["email"] for n in page["nodes"]] == ["admin@nv.edu", "student@nv.edu"]
    assert page["pageInfo"]["hasNextPage"] is True
    after = page["pageInfo"]["endCursor"]
    second = await identity_app.post(
        USERS, {"first": 2, "orderBy": order, "after": after}, token=token
    )
    assert [n["email"] for n in second["data"]["users"]["nodes"]] == ["teacher@nv.edu"]
    # when filtered by kind and by role
    students = await identity_app.post(USERS, {"filter": {"kind": "STUDENT"}}, token=token)
    teachers = await identity_app.post(USERS, {"filter": {"roleKey": "teacher"}}, token=token)
    # then only the matching people come back
    assert [n["email"] for n in students["data"]["users"]["nodes"]] == ["student@nv.edu"]
    assert [n["roles"] for n in teachers["data"]["users"]["nodes"]] == [[{"key": "teacher"}]]


async def test_users_of_another_college_is_forbidden_except_to_the_super_admin(
    identity_app: IdentityApp, world: World
) -> None:
    college_b = gid("College", world.college_b)
    # when the admin of A names college B
    denied = await identity_app.post(USERS, {"collegeId": college_b}, token=world.tokens["admin_a"])
    # then it is forbidden
    assert error_codes(denied) == ["FORBIDDEN"]
    # when the super-admin names it
    allowed = await identity_app.post(USERS, {"collegeId": college_b}, token=world.tokens["root"])
    # then B's people are listed
    emails = sorted(n["email"] for n in allowed["data"]["users"]["nodes"])
    assert emails == ["admin@sh.edu", "student@sh.edu"]


async def test_college_and_colleges(identity_app: IdentityApp, world: World) -> None:
    query = "query($id: ID) { college(id: $id) { id slug name status settings { timeZone } } }"
    # when a student reads their own college without an id
    own = await identity_app.post(query, token=world.tokens["student_a"])
    # then it is theirs
    assert own["data"]["college"]["slug"] == "north-valley"
    assert own["data"]["college"]["settings"] == {"timeZone": "UTC"}
    # when they name college B
    other = await identity_app.post(
        query, {"id": gid("College", world.college_b)}, token=world.tokens["student_a"]
    )
    # then it is not found
    assert error_codes(other) == ["NOT_FOUND"]
    listing = "{ colleges { totalCount nodes { slug } } }"
    # when a college admin lists colleges, then it is forbidden; the super-admin sees all
    assert error_codes(await identity_app.post(listing, token=world.tokens["admin_a"])) == [
        "FORBIDDEN"
    ]
    every = (await identity_app.post(listing, token=world.tokens["root"]))["data"]["colleges"]
    assert every == {
        "totalCount": 2,
        "nodes": [{"slug": "north-valley"}, {"slug": "south-hill"}],
    }


async def test_roles_and_the_permission_catalogue(identity_app: IdentityApp, world: World) -> None:
    # when the admin of A lists roles
    body = await identity_app.post(
        "{ roles { key builtin permissions } }", token=world.tokens["admin_a"]
    )
    # then the built-in college roles come, most powerful first, without the super-admin
    keys = [role["key"] for role in body["data"]["roles"]]
    assert keys == ["college-admin", "department-head", "teacher", "teaching-assistant", "student"]
    assert all(role["builtin"] for role in body["data"]["roles"])
    # when a student asks for roles, then role:read is missing
    denied = await identity_app.post("{ roles { key } }", token=world.tokens["student_a"])
    assert error_codes(denied) == ["FORBIDDEN"]
    # when anyone signed in reads the catalogue
    catalogue = await identity_app.post(
        "{ permissionCatalogue { name description platformOnly } }",
        token=world.tokens["student_a"],
    )
    entries = {p["name"]: p for p in catalogue["data"]["permissionCatalogue"]}
    # then every permission is described, platform ones flagged
    assert entries["college:create"]["platformOnly"] is True
    assert entries["user:invite"]["platformOnly"] is False
    assert entries["user:invite"]["description"]


async def test_entities_resolve_users_of_the_same_college_only(
    identity_app: IdentityApp, world: World
) -> None:
    reps: list[dict[str, Any]] = [
        {"__typename": "User", "id": gid("User", world.student_a)},
        {"__typename": "User", "id": gid("User", world.student_b)},
        {"__typename": "User", "id": gid("User", "no-such-account")},
    ]
    # when the admin of A resolves references to users of A, of B and to nobody
    body = await identity_app.post(ENTITIES, {"reps": reps}, token=world.tokens["admin_a"])
    # then only A's user resolves; the others are null
    assert body["data"]["_entities"] == [
        {"id": gid("User", world.student_a), "email": "student@nv.edu"},
        None,
        None,
    ]


async def test_subgraph_sdl_declares_the_user_entity(identity_app: IdentityApp) -> None:
    # when the gateway asks for the subgraph's SDL
    body = await identity_app.post("{ _service { sdl } }")
    # then User and College are entities keyed by id
    sdl = body["data"]["_service"]["sdl"]
    assert 'type User @key(fields: "id")' in sdl
    assert 'type College @key(fields: "id")' in sdl


async def test_users_with_roles_take_a_constant_number_of_statements(
    identity_app: IdentityApp, world: World
) -> None:
    query = "{ users(first: 100) { totalCount nodes { roles { key } permissions } } }"
    token = world.tokens["admin_a"]
    # given college A's three people
    with statements_on(identity_app.service.database) as few:
        small = await identity_app.post(query, token=token)
    assert small["data"]["users"]["totalCount"] == 3
    # when 20 more people join and the same query runs
    async with identity_app.service.database.transaction() as session:
        for _ in range(20):
            await make_account(session, college=world.college_a, roles=["teacher"])
    with statements_on(identity_app.service.database) as many:
        large = await identity_app.post(query, token=token)
    # then the roles of all 23 come in as many statements as for 3
    assert large["data"]["users"]["totalCount"] == 23
    assert all(node["roles"] for node in large["data"]["users"]["nodes"])
    assert few
    assert len(many) == len(few)
    assert len(many) <= 4

"""The people search through GraphQL: filters, orders, keyset pages, tenancy, visibility.

Runs on SQLite and PostgreSQL; the same data gives the same pages on both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from shared.graphql import to_global_id
from subgraphs.users.models import Profile, ProfileKind, ProfileStatus
from tests.factories.identity import super_admin
from tests.fixtures.statements import statements_on
from tests.integration.users.graphql_app import (
    COLLEGE_A,
    COLLEGE_B,
    UsersApp,
    World,
    add_profile,
    error_codes,
    users_app,
    world,
)

__all__ = ["users_app", "world"]

PEOPLE = """
query($filter: PeopleFilter, $orderBy: PeopleOrder, $first: Int, $after: String,
      $last: Int, $before: String) {
  people(filter: $filter, orderBy: $orderBy, first: $first, after: $after,
         last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { displayName phone status }
  }
}
"""


async def _more_people(app: UsersApp) -> None:
    """Names in mixed case and accents, an invited and a deactivated person."""
    async with app.service.database.transaction() as session:
        await add_profile(session, display_name="alice lower", roles=("student",))
        await add_profile(session, display_name="Émile Accent", roles=("student",))
        await add_profile(session, display_name="Zed Last", roles=("student",))
        await add_profile(
            session,
            display_name="Ivy Invited",
            status=ProfileStatus.INVITED,
            roles=("teacher",),
            kind=ProfileKind.STAFF,
        )
        await add_profile(
            session,
            display_name="Dee Deactivated",
            status=ProfileStatus.DEACTIVATED,
            roles=("student",),
        )


async def _people(app: UsersApp, token: str, **variables: Any) -> dict[str, Any]:
    body = await app.post(PEOPLE, variables, token=token)
    assert "errors" not in body, body["errors"]
    people: dict[str, Any] = body["data"]["people"]
    return people


def _domain_codes(body: dict[str, Any]) -> list[tuple[str, str | None]]:
    """``(extensions.code, extensions.errorCode)`` of each top-level error."""
    return [(e["extensions"]["code"], e["extensions"].get("errorCode")) for e in body["errors"]]


def _names(page: dict[str, Any]) -> list[str]:
    return [node["displayName"] for node in page["nodes"]]


ACTIVE_BY_NAME = [
    "Ada Admin",
    "alice lower",
    "Cleo Classmate",
    "Sam Student",
    "Tom Teacher",
    "Zed Last",
    "Émile Accent",
]


async def test_pages_forward_and_backward_by_name(users_app: UsersApp, world: World) -> None:
    # given seven active people of college A (and others not active, and college B)
    await _more_people(users_app)
    token = world.tokens["classmate_a"]
    # when a student pages forward two at a time
    seen: list[str] = []
    after = None
    while True:
        page = await _people(users_app, token, first=2, after=after)
        seen += _names(page)
        assert page["totalCount"] == 7
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then every active person comes once, by case-folded name
    assert seen == ACTIVE_BY_NAME
    # and paging backward from the end gives the same order
    back: list[str] = []
    before = None
    while True:
        page = await _people(users_app, token, last=3, before=before)
        back = _names(page) + back
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert back == ACTIVE_BY_NAME
    # and descending is the reverse
    down = await _people(
        users_app, token, first=10, orderBy={"field": "DISPLAY_NAME", "direction": "DESC"}
    )
    assert _names(down) == ACTIVE_BY_NAME[::-1]


async def test_order_by_creation(users_app: UsersApp, world: World) -> None:
    # given the people of college A
    await _more_people(users_app)
    async with users_app.service.database.session() as session:
        rows = (
            await session.scalars(
                select(Profile)
                .where(Profile.college_id == COLLEGE_A, Profile.status == ProfileStatus.ACTIVE)
                .order_by(Profile.created_at.desc(), Profile.user_id.desc())
            )
        ).all()
    # when a student lists them newest first, in pages of 4
    order = {"field": "CREATED_AT", "direction": "DESC"}
    first = await _people(users_app, world.tokens["student_a"], first=4, orderBy=order)
    rest = await _people(
        users_app,
        world.tokens["student_a"],
        first=4,
        after=first["pageInfo"]["endCursor"],
        orderBy=order,
    )
    # then the order is the creation order, newest first
    assert _names(first) + _names(rest) == [row.display_name for row in rows]


async def test_filters(users_app: UsersApp, world: World) -> None:
    await _more_people(users_app)
    token = world.tokens["teacher_a"]

    async def names(**filter: Any) -> list[str]:
        return _names(await _people(users_app, token, first=50, filter=filter))

    # name search: any case, any part
    assert await names(search="CL") == ["Cleo Classmate"]
    assert await names(search="é") == ["Émile Accent"]
    assert await names(search="100%") == []
    # role keys (any of them), kind, department and batch
    assert await names(roles=["teacher"]) == ["Ivy Invited", "Tom Teacher"]
    assert await names(roles=["teacher", "college-admin"], status="ACTIVE") == [
        "Ada Admin",
        "Tom Teacher",
    ]
    assert await names(kind="STAFF", status="ACTIVE") == ["Ada Admin", "Tom Teacher"]
    assert await names(departmentId=to_global_id("Department", "dept-maths")) == ["Tom Teacher"]
    assert await names(batchId=to_global_id("Batch", "batch-2026")) == ["Sam Student"]
    # conditions combine
    assert await names(roles=["student"], search="s") == [
        "Cleo Classmate",
        "Sam Student",
        "Zed Last",
    ]
    assert await names(roles=["student"], search="de", status="DEACTIVATED") == ["Dee Deactivated"]


async def test_staff_see_every_status_and_students_active_people_only(
    users_app: UsersApp, world: World
) -> None:
    await _more_people(users_app)
    # when staff filter by status, they get those people
    invited = await _people(users_app, world.tokens["teacher_a"], filter={"status": "INVITED"})
    assert _names(invited) == ["Ivy Invited"]
    everyone = await _people(users_app, world.tokens["teacher_a"], first=50)
    assert everyone["totalCount"] == 9
    # when a student asks for invited or deactivated people, they get none
    for status in ("INVITED", "DEACTIVATED"):
        page = await _people(users_app, world.tokens["student_a"], filter={"status": status})
        assert page["nodes"] == []
        assert page["totalCount"] == 0


async def test_hidden_details_are_null_in_the_list(users_app: UsersApp, world: World) -> None:
    # given staff-only phones (the factory's default)
    # when a student and a teacher list the people
    student = await _people(users_app, world.tokens["classmate_a"], first=50)
    teacher = await _people(users_app, world.tokens["teacher_a"], first=50)
    # then the student sees only their own phone, the teacher every phone
    student_phones = {n["displayName"]: n["phone"] for n in student["nodes"]}
    assert [name for name, phone in student_phones.items() if phone] == ["Cleo Classmate"]
    assert all(node["phone"] for node in teacher["nodes"])


async def test_a_college_lists_only_its_own_people(users_app: UsersApp, world: World) -> None:
    # when the student of college B lists people, then only college B's are there
    page = await _people(users_app, world.tokens["student_b"], first=50)
    assert _names(page) == ["Bea Other"]


async def test_a_super_admin_names_the_college_and_nobody_else_may(
    users_app: UsersApp, world: World
) -> None:
    # given the platform's super-admin (of no college) and a teacher of college A
    root = users_app.issuer.issue(super_admin())
    teacher = world.tokens["teacher_a"]
    college_b = to_global_id("College", COLLEGE_B)
    query = "query($c: ID) { people(collegeId: $c, first: 50) { nodes { displayName } } }"
    # when the super-admin lists people with and without naming college B
    named = await users_app.post(query, {"c": college_b}, token=root)
    unnamed = await users_app.post(query, {}, token=root)
    # then college B's people are listed when named, nobody otherwise
    assert [n["displayName"] for n in named["data"]["people"]["nodes"]] == ["Bea Other"]
    assert unnamed["data"]["people"]["nodes"] == []
    # and a teacher naming another college is FORBIDDEN
    assert error_codes(await users_app.post(query, {"c": college_b}, token=teacher)) == [
        "FORBIDDEN"
    ]


async def test_refusals(users_app: UsersApp, world: World) -> None:
    # no token: UNAUTHENTICATED; no profile:read: FORBIDDEN
    assert error_codes(await users_app.post(PEOPLE)) == ["UNAUTHENTICATED"]
    bare = users_app.token_for(world.student_a, frozenset())
    assert error_codes(await users_app.post(PEOPLE, token=bare)) == ["FORBIDDEN"]
    # a search too long and too many roles are coded errors; a page above 100 is bad input
    token = world.tokens["student_a"]
    long_search = await users_app.post(PEOPLE, {"filter": {"search": "x" * 101}}, token=token)
    assert _domain_codes(long_search) == [("BAD_USER_INPUT", "SEARCH_TOO_LONG")]
    many_roles = await users_app.post(
        PEOPLE, {"filter": {"roles": [f"r{i}" for i in range(21)]}}, token=token
    )
    assert _domain_codes(many_roles) == [("BAD_USER_INPUT", "TOO_MANY_ROLES")]
    huge = await users_app.post(PEOPLE, {"first": 101}, token=token)
    assert error_codes(huge) == ["BAD_USER_INPUT"]


async def test_a_page_of_people_shows_their_roles_without_more_statements(
    users_app: UsersApp, world: World
) -> None:
    # given 60 more people, each with two roles, and the world's people (one role each)
    async with users_app.service.database.transaction() as session:
        for i in range(60):
            await add_profile(session, display_name=f"Member {i:02}", roles=("student", "member"))
    listing = """query($withRoles: Boolean!) {
      people(first: 100) { totalCount nodes { displayName roles @include(if: $withRoles) } }
    }"""
    counted: dict[bool, int] = {}
    for with_roles in (False, True):
        # when a teacher lists a page of 64 people, with and without their roles
        with statements_on(users_app.service.database) as statements:
            body = await users_app.post(
                listing, {"withRoles": with_roles}, token=world.tokens["teacher_a"]
            )
        assert "errors" not in body, body["errors"]
        counted[with_roles] = len(statements)
    # then each person's role keys come back sorted
    page = body["data"]["people"]
    assert page["totalCount"] == 64
    roles = {node["displayName"]: node["roles"] for node in page["nodes"]}
    assert roles["Member 07"] == ["member", "student"]
    assert (roles["Ada Admin"], roles["Tom Teacher"]) == (["college-admin"], ["teacher"])
    assert len(roles) == 64
    # and showing them costs no statement more than the list itself: the viewer's own
    # profile, the page and its total count
    assert counted == {False: 3, True: 3}

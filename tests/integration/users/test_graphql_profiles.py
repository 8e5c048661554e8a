"""Profiles through GraphQL: myProfile, profile(userId), User entities, visibility, tenancy.

Runs on SQLite and PostgreSQL against users' schema served by its Service.
"""

from __future__ import annotations

import pytest

from tests.fixtures.statements import statements_on
from tests.integration.users.graphql_app import (
    UsersApp,
    World,
    add_profile,
    error_codes,
    user_gid,
    users_app,
    world,
)

__all__ = ["users_app", "world"]

PROFILE_FIELDS = """
id displayName bio kind status phone office pronouns website
department { id } batch { id } avatar { url }
contactVisibility { phone office pronouns website }
user { id }
"""
PROFILE = f"query($id: ID!) {{ profile(userId: $id) {{ {PROFILE_FIELDS} }} }}"
MY_PROFILE = f"query {{ myProfile {{ {PROFILE_FIELDS} }} }}"
ENTITIES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on User { id profile { displayName phone website } preferences { locale } }
  }
}
"""


async def test_my_profile_shows_every_detail_and_its_visibility(
    users_app: UsersApp, world: World
) -> None:
    # given a student with a staff-only phone and a private website (the factory's defaults)
    # when the student reads their own profile
    body = await users_app.post(MY_PROFILE, token=world.tokens["student_a"])
    # then every detail and its visibility is there
    profile = body["data"]["myProfile"]
    assert profile["displayName"] == "Sam Student"
    assert (profile["phone"], profile["website"]) == (
        "+353 1 555 0100",
        "https://example.edu/~person",
    )
    assert profile["contactVisibility"] == {
        "phone": "STAFF",
        "office": "COLLEGE",
        "pronouns": "COLLEGE",
        "website": "PRIVATE",
    }
    assert (profile["kind"], profile["status"]) == ("STUDENT", "ACTIVE")
    assert profile["user"] == {"id": user_gid(world.student_a)}
    assert profile["batch"] is not None
    assert profile["avatar"] is None


@pytest.mark.parametrize(
    ("viewer", "phone_seen", "website_seen", "sees_visibility"),
    [
        ("teacher_a", True, False, False),  # staff: college + staff details
        ("classmate_a", False, False, False),  # student: college details only
        ("admin_a", True, False, True),  # staff editor: also each detail's visibility
    ],
)
async def test_others_see_what_their_level_allows(
    users_app: UsersApp,
    world: World,
    viewer: str,
    phone_seen: bool,
    website_seen: bool,
    sees_visibility: bool,
) -> None:
    # given the student's profile
    # when someone else of the college reads it
    body = await users_app.post(
        PROFILE, {"id": user_gid(world.student_a)}, token=world.tokens[viewer]
    )
    # then hidden details are null and public ones are shown
    profile = body["data"]["profile"]
    assert (profile["phone"] is not None) is phone_seen
    assert (profile["website"] is not None) is website_seen
    assert (profile["office"], profile["pronouns"]) == ("B-204", "they/them")
    assert (profile["contactVisibility"] is not None) is sees_visibility


async def test_another_college_is_not_found(users_app: UsersApp, world: World) -> None:
    # given a student of college B
    # when they read a profile of college A, then it does not exist for them
    body = await users_app.post(
        PROFILE, {"id": user_gid(world.student_a)}, token=world.tokens["student_b"]
    )
    assert error_codes(body) == ["NOT_FOUND"]
    assert body["data"] is None


async def test_reading_needs_authentication_and_profile_read(
    users_app: UsersApp, world: World
) -> None:
    # when nobody signed in asks, then UNAUTHENTICATED
    anonymous = await users_app.post(PROFILE, {"id": user_gid(world.student_a)})
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    # and a member without profile:read is FORBIDDEN
    bare = users_app.token_for(world.classmate_a, frozenset())
    forbidden = await users_app.post(PROFILE, {"id": user_gid(world.student_a)}, token=bare)
    assert error_codes(forbidden) == ["FORBIDDEN"]
    # and an id of another type is NOT_FOUND
    wrong = await users_app.post(PROFILE, {"id": "Q291cnNlOjE"}, token=world.tokens["classmate_a"])
    assert error_codes(wrong) == ["NOT_FOUND"]


async def test_user_entities_carry_profile_and_preferences_by_viewer(
    users_app: UsersApp, world: World
) -> None:
    # given references to a colleague, to oneself and to someone of another college
    reps = [
        {"__typename": "User", "id": user_gid(world.teacher_a)},
        {"__typename": "User", "id": user_gid(world.student_a)},
        {"__typename": "User", "id": user_gid(world.student_b)},
    ]
    # when the student resolves them
    body = await users_app.post(ENTITIES, {"reps": reps}, token=world.tokens["student_a"])
    assert "errors" not in body
    colleague, me, outsider = body["data"]["_entities"]
    # then the colleague's profile shows college details only, and no preferences
    assert colleague["profile"]["displayName"] == "Tom Teacher"
    assert colleague["profile"]["phone"] is None
    assert colleague["preferences"] is None
    # and their own carries everything, with their preferences (defaults)
    assert me["profile"]["website"] == "https://example.edu/~person"
    assert me["preferences"] == {"locale": None}
    # and the outsider resolves to a User whose profile is null
    assert outsider == {"id": user_gid(world.student_b), "profile": None, "preferences": None}


ENTITY_PROFILES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on User { profile { displayName phone department { id } avatar { url } } }
  }
}
"""


async def test_entity_profiles_cost_one_statement_for_2_or_20_people(
    users_app: UsersApp, world: World
) -> None:
    # given 20 more people of the college
    async with users_app.service.database.transaction() as session:
        people = [await add_profile(session) for _ in range(20)]
    selects_for: dict[int, int] = {}
    for count in (2, 20):
        reps = [{"__typename": "User", "id": user_gid(p)} for p in people[:count]]
        # when a teacher resolves `count` of their profiles through _entities
        with statements_on(users_app.service.database) as statements:
            body = await users_app.post(
                ENTITY_PROFILES, {"reps": reps}, token=world.tokens["teacher_a"]
            )
        # then every profile came back, in order
        names = [entity["profile"]["displayName"] for entity in body["data"]["_entities"]]
        assert names == [p.display_name for p in people[:count]]
        selects_for[count] = len(statements)
    # and the profiles, with the teacher's own, were read in one statement either way
    assert selects_for == {2: 1, 20: 1}


ROLES_OF = """
query($id: ID!) { profile(userId: $id) { displayName roles } }
"""
MY_ROLES = "query { myProfile { roles } }"
ENTITY_ROLES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on User { profile { displayName roles } } }
}
"""


async def test_roles_are_shown_sorted_to_whoever_sees_the_profile(
    users_app: UsersApp, world: World
) -> None:
    # given a teacher who also heads a department and runs the college, and someone with no role
    async with users_app.service.database.transaction() as session:
        head = await add_profile(
            session, display_name="Hana Head", roles=("teacher", "department-head", "college-admin")
        )
        roleless = await add_profile(session, display_name="Nora None")
    everyone_sees = ["college-admin", "department-head", "teacher"]
    # when the person reads their own profile, then their role keys are there, sorted
    own = await users_app.post(MY_ROLES, token=users_app.token_for(head))
    assert own["data"]["myProfile"] == {"roles": everyone_sees}
    # and staff, a student and an editor of the college see the same keys
    for viewer in ("teacher_a", "classmate_a", "admin_a"):
        body = await users_app.post(ROLES_OF, {"id": user_gid(head)}, token=world.tokens[viewer])
        assert body["data"]["profile"]["roles"] == everyone_sees, viewer
    # and a person with no role shows an empty list
    body = await users_app.post(ROLES_OF, {"id": user_gid(roleless)}, token=world.tokens["admin_a"])
    assert body["data"]["profile"]["roles"] == []
    # and through _entities: the college sees the keys, another college sees no profile
    reps = [{"__typename": "User", "id": user_gid(p)} for p in (head, world.student_a)]
    mine = await users_app.post(ENTITY_ROLES, {"reps": reps}, token=world.tokens["classmate_a"])
    assert [e["profile"]["roles"] for e in mine["data"]["_entities"]] == [
        everyone_sees,
        ["student"],
    ]
    other = await users_app.post(ENTITY_ROLES, {"reps": reps}, token=world.tokens["student_b"])
    assert other["data"]["_entities"] == [{"profile": None}, {"profile": None}]
    # and someone of another college asking directly is told the profile does not exist
    body = await users_app.post(ROLES_OF, {"id": user_gid(head)}, token=world.tokens["student_b"])
    assert error_codes(body) == ["NOT_FOUND"]


async def test_entity_roles_of_50_people_cost_the_same_one_statement(
    users_app: UsersApp, world: World
) -> None:
    # given 50 more people of the college, each holding two or three roles
    async with users_app.service.database.transaction() as session:
        people = [
            await add_profile(
                session, roles=("student", f"club-{i % 5}", *(("tutor",) if i % 2 else ()))
            )
            for i in range(50)
        ]
    reps = [{"__typename": "User", "id": user_gid(p)} for p in people]
    counted: dict[str, int] = {}
    for name, query in (("without roles", ENTITY_PROFILES), ("with roles", ENTITY_ROLES)):
        # when a teacher resolves their profiles through _entities, roles selected or not
        with statements_on(users_app.service.database) as statements:
            body = await users_app.post(query, {"reps": reps}, token=world.tokens["teacher_a"])
        assert "errors" not in body, body["errors"]
        counted[name] = len(statements)
    # then every person's sorted roles came back
    roles = [entity["profile"]["roles"] for entity in body["data"]["_entities"]]
    assert roles == [
        sorted(["student", f"club-{i % 5}", *(["tutor"] if i % 2 else [])]) for i in range(50)
    ]
    # and the roles cost no statement: one in all, either way
    assert counted == {"without roles": 1, "with roles": 1}

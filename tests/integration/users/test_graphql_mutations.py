"""profileUpdate, profileContactVisibilitySet and preferencesUpdate through GraphQL.

Runs on SQLite and PostgreSQL: who may change what, coded errors that write
nothing, and the events written with each change.
"""

from __future__ import annotations

from typing import Any

import pytest

from subgraphs.users.models import Preferences, Profile
from tests.factories.users import outbox_events
from tests.integration.users.graphql_app import (
    ADMIN,
    UsersApp,
    World,
    error_codes,
    user_gid,
    users_app,
    world,
)

__all__ = ["users_app", "world"]

UPDATE = """
mutation($input: ProfileUpdateInput!) {
  profileUpdate(input: $input) {
    profile { displayName bio phone website roles contactVisibility { phone } }
    errors { field code message }
  }
}
"""
VISIBILITY = """
mutation($input: ProfileContactVisibilitySetInput!) {
  profileContactVisibilitySet(input: $input) {
    profile { contactVisibility { phone office pronouns website } }
    errors { field code }
  }
}
"""
PREFERENCES = """
mutation($input: PreferencesUpdateInput!) {
  preferencesUpdate(input: $input) {
    preferences { locale timeZone notifications { channel category enabled } }
    errors { field code }
  }
}
"""


async def _stored(app: UsersApp, user_id: str) -> Profile:
    async with app.service.database.session() as session:
        profile = await session.get(Profile, user_id)
    assert profile is not None
    return profile


async def _events(app: UsersApp, type: str | None = None) -> list[Any]:
    async with app.service.database.session() as session:
        return await outbox_events(session, type)


async def test_a_person_updates_their_own_profile(users_app: UsersApp, world: World) -> None:
    # when the student changes their bio, clears their website and sets a phone
    body = await users_app.post(
        UPDATE,
        {"input": {"bio": "  Likes maths. ", "website": None, "phone": "+1 555 0100 22"}},
        token=world.tokens["student_a"],
    )
    # then the payload holds the new values and no errors
    payload = body["data"]["profileUpdate"]
    assert payload["errors"] == []
    assert payload["profile"]["bio"] == "Likes maths."
    assert payload["profile"]["roles"] == ["student"]
    assert (payload["profile"]["website"], payload["profile"]["phone"]) == (
        None,
        "+1 555 0100 22",
    )
    # and the row changed, and one profile.updated names the fields
    stored = await _stored(users_app, world.student_a.user_id)
    assert (stored.bio, stored.website) == ("Likes maths.", None)
    updated = await _events(users_app, "profile.updated")
    assert [e.data["changed"] for e in updated] == [["bio", "phone", "website"]]
    assert updated[0].data["actor_id"] == world.student_a.user_id


async def test_an_admin_updates_a_colleague_and_a_student_may_not(
    users_app: UsersApp, world: World
) -> None:
    target = {"userId": user_gid(world.classmate_a), "displayName": "Cleo Renamed"}
    # when a student changes a classmate's name, then it is forbidden and nothing changes
    refused = await users_app.post(UPDATE, {"input": target}, token=world.tokens["student_a"])
    assert error_codes(refused) == ["FORBIDDEN"]
    assert (await _stored(users_app, world.classmate_a.user_id)).display_name == "Cleo Classmate"
    # when the college admin (profile:update) does it, then the name changes
    done = await users_app.post(UPDATE, {"input": target}, token=world.tokens["admin_a"])
    assert done["data"]["profileUpdate"]["errors"] == []
    assert done["data"]["profileUpdate"]["profile"]["displayName"] == "Cleo Renamed"
    assert (await _stored(users_app, world.classmate_a.user_id)).sort_name == "cleo renamed"


async def test_an_admin_of_another_college_gets_not_found(
    users_app: UsersApp, world: World
) -> None:
    # given an admin token of college B
    admin_b = users_app.token_for(world.student_b, ADMIN)
    # when they change a profile of college A, then it does not exist for them
    body = await users_app.post(
        UPDATE, {"input": {"userId": user_gid(world.student_a), "bio": "x"}}, token=admin_b
    )
    assert error_codes(body) == ["NOT_FOUND"]
    assert (await _stored(users_app, world.student_a.user_id)).bio == "Hello."


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"displayName": "  "}, "displayName", "INVALID_DISPLAY_NAME"),
        ({"displayName": None}, "displayName", "INVALID_DISPLAY_NAME"),
        ({"bio": "b" * 2001}, "bio", "BIO_TOO_LONG"),
        ({"phone": "call me"}, "phone", "INVALID_PHONE"),
        ({"website": "ftp://example.edu"}, "website", "INVALID_WEBSITE"),
        ({"pronouns": "p" * 41}, "pronouns", "INVALID_PRONOUNS"),
    ],
)
async def test_invalid_values_are_coded_errors_that_change_nothing(
    users_app: UsersApp, world: World, changes: dict[str, Any], field: str, code: str
) -> None:
    # when the student sends a valid office with one invalid value
    body = await users_app.post(
        UPDATE, {"input": {"office": "C-1", **changes}}, token=world.tokens["student_a"]
    )
    # then the payload names the field and code, and nothing was written
    payload = body["data"]["profileUpdate"]
    assert payload["profile"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert (await _stored(users_app, world.student_a.user_id)).office == "B-204"
    assert await _events(users_app) == []


async def test_contact_visibility_is_set_and_followed_by_readers(
    users_app: UsersApp, world: World
) -> None:
    # when the student makes their phone visible to the college and their office private
    body = await users_app.post(
        VISIBILITY,
        {"input": {"phone": "COLLEGE", "office": "PRIVATE"}},
        token=world.tokens["student_a"],
    )
    payload = body["data"]["profileContactVisibilitySet"]
    assert payload["errors"] == []
    assert payload["profile"]["contactVisibility"] == {
        "phone": "COLLEGE",
        "office": "PRIVATE",
        "pronouns": "COLLEGE",
        "website": "PRIVATE",
    }
    # then a classmate now sees the phone, and no longer the office
    read = await users_app.post(
        "query($id: ID!) { profile(userId: $id) { phone office } }",
        {"id": user_gid(world.student_a)},
        token=world.tokens["classmate_a"],
    )
    assert read["data"]["profile"] == {"phone": "+353 1 555 0100", "office": None}
    updated = await _events(users_app, "profile.updated")
    assert [e.data["changed"] for e in updated] == [["office_visibility", "phone_visibility"]]


async def test_preferences_are_updated_by_their_owner(users_app: UsersApp, world: World) -> None:
    # when the student sets a time zone and turns SMS grades on
    body = await users_app.post(
        PREFERENCES,
        {
            "input": {
                "timeZone": "Europe/Dublin",
                "notifications": [{"channel": "sms", "category": "grades", "enabled": True}],
            }
        },
        token=world.tokens["student_a"],
    )
    # then the payload holds them, other choices unchanged
    payload = body["data"]["preferencesUpdate"]
    assert payload["errors"] == []
    prefs = payload["preferences"]
    assert (prefs["locale"], prefs["timeZone"]) == (None, "Europe/Dublin")
    enabled = {(n["channel"], n["category"]): n["enabled"] for n in prefs["notifications"]}
    assert enabled[("sms", "grades")] is True
    assert enabled[("sms", "chat")] is False
    assert enabled[("email", "chat")] is True
    # and they are read back on the User entity, by the owner only
    query = (
        "query($r: [_Any!]!) { _entities(representations: $r) "
        "{ ... on User { preferences { timeZone } } } }"
    )
    reps = {"r": [{"__typename": "User", "id": user_gid(world.student_a)}]}
    mine = await users_app.post(query, reps, token=world.tokens["student_a"])
    theirs = await users_app.post(query, reps, token=world.tokens["admin_a"])
    assert mine["data"]["_entities"] == [{"preferences": {"timeZone": "Europe/Dublin"}}]
    assert theirs["data"]["_entities"] == [{"preferences": None}]
    assert len(await _events(users_app, "profile.preferences_updated")) == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"timeZone": "Mars/Olympus"}, "UNKNOWN_TIME_ZONE"),
        ({"locale": "english"}, "UNKNOWN_LOCALE"),
        (
            {"notifications": [{"channel": "fax", "category": "grades", "enabled": True}]},
            "UNKNOWN_NOTIFICATION_CHANNEL",
        ),
    ],
)
async def test_invalid_preferences_write_nothing(
    users_app: UsersApp, world: World, changes: dict[str, Any], code: str
) -> None:
    # when the student sends a valid locale with one invalid value
    body = await users_app.post(
        PREFERENCES, {"input": {"locale": "en", **changes}}, token=world.tokens["student_a"]
    )
    # then the code says why, and no preferences row was written
    payload = body["data"]["preferencesUpdate"]
    assert [e["code"] for e in payload["errors"]] == [code]
    async with users_app.service.database.session() as session:
        assert await session.get(Preferences, world.student_a.user_id) is None

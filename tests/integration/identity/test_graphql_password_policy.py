"""``College.passwordPolicy`` and ``collegePasswordPolicyUpdate`` over HTTP, on both databases."""

from __future__ import annotations

from typing import Any

from subgraphs.identity import events
from subgraphs.identity.models import College
from subgraphs.identity.passwords import hash_password
from subgraphs.identity.permissions import TEACHER
from tests.factories.identity import make_account, outbox_events
from tests.integration.identity.graphql_app import (
    IdentityApp,
    World,
    error_codes,
    gid,
    identity_app,
    world,
)

__all__ = ["identity_app", "world"]

POLICY = (
    "passwordPolicy { minLength maxLength characterClasses minCharacterClasses historyCount "
    "maxAgeDays rejectCommon rejectPersonalData }"
)
READ = f"{{ college {{ id {POLICY} }} }}"
UPDATE = f"""
mutation($input: CollegePasswordPolicyUpdateInput!) {{
  collegePasswordPolicyUpdate(input: $input) {{
    college {{ id {POLICY} }}
    errors {{ field code message }}
  }}
}}
"""
CHANGE = """
mutation($input: PasswordChangeInput!) {
  passwordChange(input: $input) { user { id } errors { field code message } }
}
"""
DEFAULTS = {
    "minLength": 12,
    "maxLength": 128,
    "characterClasses": ["LOWER", "UPPER", "DIGIT", "SYMBOL"],
    "minCharacterClasses": 0,
    "historyCount": 5,
    "maxAgeDays": None,
    "rejectCommon": True,
    "rejectPersonalData": True,
}
OLD_PASSWORD = "correct horse battery staple"
THIRTEEN = "plum violin 7"
"""A password of 13 characters that the default policy accepts."""


async def _stored_policy(app: IdentityApp, college_id: str) -> dict[str, Any]:
    async with app.service.database.session() as session:
        college = await session.get(College, college_id)
        assert college is not None
        return dict(college.password_policy)


async def _policy_events(app: IdentityApp) -> list[Any]:
    async with app.service.database.session() as session:
        return await outbox_events(session, events.COLLEGE_PASSWORD_POLICY_CHANGED)


async def test_the_admin_reads_and_changes_the_policy_and_a_student_reads_it(
    identity_app: IdentityApp, world: World
) -> None:
    # given college A with the platform's default policy
    # when its admin reads it, then every default is shown
    read = await identity_app.post(READ, token=world.tokens["admin_a"])
    assert read["data"]["college"]["passwordPolicy"] == DEFAULTS

    # when the admin raises the length, asks for three classes and sets an expiry
    changes = {
        "minLength": 14,
        "characterClasses": ["DIGIT", "LOWER", "UPPER", "LOWER"],
        "minCharacterClasses": 3,
        "maxAgeDays": 365,
    }
    body = await identity_app.post(UPDATE, {"input": changes}, token=world.tokens["admin_a"])

    # then the payload holds the new policy, the rest unchanged
    payload = body["data"]["collegePasswordPolicyUpdate"]
    assert payload["errors"] == []
    assert payload["college"]["id"] == gid("College", world.college_a)
    expected = {**DEFAULTS, **changes, "characterClasses": ["LOWER", "UPPER", "DIGIT"]}
    assert payload["college"]["passwordPolicy"] == expected
    # and the full normalised policy is stored
    stored = await _stored_policy(identity_app, world.college_a.id)
    assert stored["min_length"] == 14
    assert stored["character_classes"] == ["lower", "upper", "digit"]
    assert stored["max_age_days"] == 365
    assert set(stored) == {
        "min_length",
        "max_length",
        "character_classes",
        "min_character_classes",
        "history_count",
        "max_age_days",
        "reject_common",
        "reject_personal_data",
    }
    # and one event names each changed setting with its new value
    (event,) = await _policy_events(identity_app)
    assert event.subject == event.tenant == world.college_a.id
    assert event.data["changed"] == {
        "min_length": 14,
        "character_classes": ["lower", "upper", "digit"],
        "min_character_classes": 3,
        "max_age_days": 365,
    }
    assert event.data["actor_id"] == world.admin_a.id

    # when a student of the college reads the policy, then they see the new rules
    student = await identity_app.post(READ, token=world.tokens["student_a"])
    assert "errors" not in student, student
    assert student["data"]["college"]["passwordPolicy"] == expected

    # when the admin sends null for maxAgeDays, then passwords never expire again
    never = await identity_app.post(
        UPDATE, {"input": {"maxAgeDays": None}}, token=world.tokens["admin_a"]
    )
    assert never["data"]["collegePasswordPolicyUpdate"]["college"]["passwordPolicy"] == {
        **expected,
        "maxAgeDays": None,
    }

    # when the admin sends the policy as it is, then nothing changes and no event is added
    same = await identity_app.post(
        UPDATE, {"input": {"minLength": 14}}, token=world.tokens["admin_a"]
    )
    assert same["data"]["collegePasswordPolicyUpdate"]["errors"] == []
    assert len(await _policy_events(identity_app)) == 2


async def test_every_bad_setting_is_its_own_error_and_nothing_changes(
    identity_app: IdentityApp, world: World
) -> None:
    # given college A's stored policy
    before = await _stored_policy(identity_app, world.college_a.id)

    # when its admin sends a length too short, a history too long and more classes than counted
    bad = {
        "minLength": 4,
        "historyCount": 99,
        "characterClasses": ["LOWER", "DIGIT"],
        "minCharacterClasses": 3,
    }
    body = await identity_app.post(UPDATE, {"input": bad}, token=world.tokens["admin_a"])

    # then each broken setting is one error on its field, with the range in the message
    payload = body["data"]["collegePasswordPolicyUpdate"]
    assert payload["college"] is None
    assert sorted((e["field"], e["code"]) for e in payload["errors"]) == [
        ("historyCount", "POLICY_VALUE_OUT_OF_RANGE"),
        ("minCharacterClasses", "POLICY_VALUE_OUT_OF_RANGE"),
        ("minLength", "POLICY_VALUE_OUT_OF_RANGE"),
    ]
    messages = {e["field"]: e["message"] for e in payload["errors"]}
    assert "between 8 and 128" in messages["minLength"]
    assert "between 0 and 24" in messages["historyCount"]

    # when the maximum is set below the minimum, then the error is on maxLength
    crossed = await identity_app.post(
        UPDATE, {"input": {"minLength": 100, "maxLength": 64}}, token=world.tokens["admin_a"]
    )
    assert [
        (e["field"], e["code"]) for e in crossed["data"]["collegePasswordPolicyUpdate"]["errors"]
    ] == [("maxLength", "POLICY_VALUE_OUT_OF_RANGE")]

    # and nothing was stored, nor announced
    assert await _stored_policy(identity_app, world.college_a.id) == before
    assert await _policy_events(identity_app) == []


async def test_a_longer_minimum_refuses_a_password_it_accepted_before(
    identity_app: IdentityApp, world: World
) -> None:
    # given a teacher of college A with a password, and a 13-character password that passes now
    async with identity_app.service.database.transaction() as session:
        teacher = await make_account(
            session,
            college=world.college_a,
            email="ada@nv.edu",
            display_name="Ada Lovelace",
            roles=[TEACHER],
            password_hash=hash_password(OLD_PASSWORD),
        )
    token = await identity_app.token_for(teacher)

    # when the admin raises the minimum length to 16
    raised = await identity_app.post(
        UPDATE, {"input": {"minLength": 16}}, token=world.tokens["admin_a"]
    )
    assert raised["data"]["collegePasswordPolicyUpdate"]["errors"] == []

    # then the teacher's change to the 13-character password is refused on newPassword
    change = {"currentPassword": OLD_PASSWORD, "newPassword": THIRTEEN}
    refused = (await identity_app.post(CHANGE, {"input": change}, token=token))["data"]
    assert refused["passwordChange"]["user"] is None
    assert [(e["field"], e["code"]) for e in refused["passwordChange"]["errors"]] == [
        ("newPassword", "PASSWORD_TOO_SHORT")
    ]
    assert "at least 16 characters" in refused["passwordChange"]["errors"][0]["message"]

    # when the admin lowers it back to 12, then the same password is accepted
    await identity_app.post(UPDATE, {"input": {"minLength": 12}}, token=world.tokens["admin_a"])
    accepted = (await identity_app.post(CHANGE, {"input": change}, token=token))["data"]
    assert accepted["passwordChange"]["errors"] == []
    assert accepted["passwordChange"]["user"]["id"] == gid("User", teacher)


async def test_a_teacher_and_another_colleges_admin_are_refused(
    identity_app: IdentityApp, world: World
) -> None:
    # given college A's stored policy
    before = await _stored_policy(identity_app, world.college_a.id)

    # when a teacher of A changes it, then it is forbidden
    teacher = await identity_app.post(
        UPDATE, {"input": {"minLength": 20}}, token=world.tokens["teacher_a"]
    )
    assert error_codes(teacher) == ["FORBIDDEN"]
    assert teacher["data"] is None

    # when B's admin names college A, then it is forbidden, as for collegeUpdate
    aimed = {"collegeId": gid("College", world.college_a), "minLength": 20}
    other = await identity_app.post(UPDATE, {"input": aimed}, token=world.tokens["admin_b"])
    assert error_codes(other) == ["FORBIDDEN"]

    # when nobody is signed in, then it is unauthenticated
    assert error_codes(await identity_app.post(UPDATE, {"input": {"minLength": 20}})) == [
        "UNAUTHENTICATED"
    ]

    # and A's policy is as it was, with no event
    assert await _stored_policy(identity_app, world.college_a.id) == before
    assert await _policy_events(identity_app) == []

    # when the super-admin names college A, then the change goes through
    done = await identity_app.post(UPDATE, {"input": aimed}, token=world.tokens["root"])
    policy = done["data"]["collegePasswordPolicyUpdate"]["college"]["passwordPolicy"]
    assert policy["minLength"] == 20
    assert (await _stored_policy(identity_app, world.college_a.id))["min_length"] == 20

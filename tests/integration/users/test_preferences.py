"""Preferences: defaults, changes by the owner only, checks that change nothing."""

from __future__ import annotations

import pytest

from shared.db import Database
from shared.errors import DomainError, NotFoundError
from subgraphs.users import preferences
from subgraphs.users.errors import UsersErrorCode
from subgraphs.users.models import Preferences
from tests.factories.users import make_profile, outbox_events, viewer

COLLEGE = "c0ffee00-0000-4000-8000-000000000001"


async def test_defaults_then_set_and_read_back(users_db: Database) -> None:
    # given a profile without preferences
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE)
    async with users_db.session() as session:
        before = await preferences.get_preferences(
            session, actor=viewer(owner), user_id=owner.user_id
        )
    assert before.notifications == preferences.default_notifications()
    # when the owner sets a zone, a locale and turns SMS grades on
    async with users_db.transaction() as session:
        await preferences.set_preferences(
            session,
            actor=viewer(owner),
            user_id=owner.user_id,
            locale="pt-BR",
            time_zone="Europe/Dublin",
            notifications={"sms": {"grades": True}},
        )
    # then they read back, other choices unchanged, and one event was written
    async with users_db.session() as session:
        after = await preferences.get_preferences(
            session, actor=viewer(owner), user_id=owner.user_id
        )
        written = await outbox_events(session, "profile.preferences_updated")
    assert (after.locale, after.time_zone) == ("pt-BR", "Europe/Dublin")
    assert after.notifications["sms"] == {**before.notifications["sms"], "grades": True}
    assert [e.data["changed"] for e in written] == [["locale", "time_zone", "notifications"]]


async def test_someone_else_cannot_read_preferences(users_db: Database) -> None:
    # given two people of a college
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE)
        other = await make_profile(session, college_id=COLLEGE)
    # when one reads the other's preferences, then they are not found
    async with users_db.session() as session:
        with pytest.raises(NotFoundError):
            await preferences.get_preferences(session, actor=viewer(other), user_id=owner.user_id)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"time_zone": "Mars/Olympus"}, UsersErrorCode.UNKNOWN_TIME_ZONE),
        ({"locale": "english"}, UsersErrorCode.UNKNOWN_LOCALE),
        ({"notifications": {"fax": {"grades": True}}}, UsersErrorCode.UNKNOWN_NOTIFICATION_CHANNEL),
        (
            {"notifications": {"email": {"gossip": True}}},
            UsersErrorCode.UNKNOWN_NOTIFICATION_CATEGORY,
        ),
        (
            {"notifications": {"email": {"chat": "yes"}}},
            UsersErrorCode.INVALID_NOTIFICATION_SETTING,
        ),
    ],
)
async def test_invalid_preferences_are_refused_and_change_nothing(
    users_db: Database, changes: dict[str, object], code: UsersErrorCode
) -> None:
    # given a profile
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE)
    # when the owner sends a valid locale with one invalid value
    with pytest.raises(DomainError) as raised:
        async with users_db.transaction() as session:
            await preferences.set_preferences(
                session,
                actor=viewer(owner),
                user_id=owner.user_id,
                **{"locale": "en", **changes},  # type: ignore[arg-type]
            )
    # then the code says why, and no row or event was written
    assert raised.value.error_code is code
    async with users_db.session() as session:
        assert await session.get(Preferences, owner.user_id) is None
        assert await outbox_events(session) == []

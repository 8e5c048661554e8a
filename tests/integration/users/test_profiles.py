"""Profiles: visibility per viewer, updates and their checks, identity's events."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shared.auth.principal import Principal
from shared.db import Database
from shared.errors import DomainError, NotFoundError, PermissionDenied
from shared.events import Event
from subgraphs.users import profiles
from subgraphs.users.errors import UsersErrorCode
from subgraphs.users.models import Preferences, Profile, ProfileKind, ProfileStatus, Visibility
from subgraphs.users.profiles import ViewerLevel
from tests.factories.users import identity_event, make_profile, new_id, outbox_events, viewer

COLLEGE = "c0ffee00-0000-4000-8000-000000000001"
OTHER_COLLEGE = "c0ffee00-0000-4000-8000-000000000002"


# -- visibility -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "level", "phone", "office", "website"),
    [
        ("owner", ViewerLevel.OWNER, "+353 1 555 0100", "B-204", "https://example.edu/~person"),
        ("staff", ViewerLevel.STAFF, "+353 1 555 0100", "B-204", None),
        ("student", ViewerLevel.COLLEGE, None, "B-204", None),
    ],
)
async def test_viewers_see_the_contact_details_their_level_allows(
    users_db: Database,
    who: str,
    level: ViewerLevel,
    phone: str | None,
    office: str | None,
    website: str | None,
) -> None:
    # given a profile with a staff-only phone, a public office and a private website
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE)
        staff = await make_profile(session, college_id=COLLEGE, kind=ProfileKind.STAFF)
        student = await make_profile(session, college_id=COLLEGE)
    looking = {"owner": owner, "staff": staff, "student": student}[who]
    # when that viewer reads it
    async with users_db.session() as session:
        view = await profiles.get_profile(session, viewer=viewer(looking), user_id=owner.user_id)
    # then exactly the allowed details are shown, the public fields always
    assert (view.level, view.phone, view.office, view.website) == (level, phone, office, website)
    assert view.display_name == owner.display_name
    assert view.pronouns == "they/them"
    assert bool(view.visibility) is (who == "owner")


async def test_another_college_sees_nothing(users_db: Database) -> None:
    # given a profile and a staff member of another college
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE)
        outsider = await make_profile(session, college_id=OTHER_COLLEGE, kind=ProfileKind.STAFF)
    # when the outsider reads it
    # then it does not exist for them
    async with users_db.session() as session:
        with pytest.raises(NotFoundError):
            await profiles.get_profile(session, viewer=viewer(outsider), user_id=owner.user_id)


async def test_reading_someone_else_needs_profile_read(users_db: Database) -> None:
    # given two people of a college, the reader without profile:read
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE)
        reader = await make_profile(session, college_id=COLLEGE)
    bare = Principal(user_id=reader.user_id, college_id=COLLEGE, permissions=frozenset())
    # when the reader reads the other profile, then it is forbidden
    async with users_db.session() as session:
        with pytest.raises(PermissionDenied):
            await profiles.get_profile(session, viewer=bare, user_id=owner.user_id)
        # and the owner reads their own without any permission
        mine = Principal(user_id=owner.user_id, college_id=COLLEGE, permissions=frozenset())
        view = await profiles.get_profile(session, viewer=mine, user_id=owner.user_id)
    assert view.website == "https://example.edu/~person"


async def test_unknown_profile_is_not_found(users_db: Database) -> None:
    # given a reader and no profile with the id asked for
    async with users_db.transaction() as session:
        reader = await make_profile(session, college_id=COLLEGE)
    # when it is read, then it is not found
    async with users_db.session() as session:
        with pytest.raises(NotFoundError):
            await profiles.get_profile(session, viewer=viewer(reader), user_id=new_id())


# -- updates --------------------------------------------------------------------------------
async def test_owner_updates_own_profile_and_an_event_is_written(users_db: Database) -> None:
    # given a profile
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE)
    # when its owner changes the bio, phone visibility and website
    async with users_db.transaction() as session:
        view = await profiles.update_profile(
            session,
            actor=viewer(owner),
            user_id=owner.user_id,
            bio="  Maths, mostly.  ",
            phone_visibility=Visibility.COLLEGE,
            website=None,
        )
    # then the profile holds the new values
    assert (view.bio, view.website, view.visibility["phone"]) == (
        "Maths, mostly.",
        None,
        Visibility.COLLEGE,
    )
    async with users_db.session() as session:
        stored = await session.get(Profile, owner.user_id)
        updated = await outbox_events(session, "profile.updated")
    assert stored is not None
    assert stored.website is None
    # and one profile.updated names the changed fields and the actor
    assert [e.data["changed"] for e in updated] == [["bio", "phone_visibility", "website"]]
    assert updated[0].data["actor_id"] == owner.user_id
    assert updated[0].tenant == COLLEGE


async def test_update_with_nothing_new_writes_no_event(users_db: Database) -> None:
    # given a profile
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE, display_name="Ada")
    # when its owner sets the same name again
    async with users_db.transaction() as session:
        await profiles.update_profile(
            session, actor=viewer(owner), user_id=owner.user_id, display_name="Ada"
        )
    # then no event is written
    async with users_db.session() as session:
        assert await outbox_events(session) == []


async def test_updating_someone_else_needs_profile_update(users_db: Database) -> None:
    # given two people of a college and an editor holding profile:update
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE, display_name="Old")
        other = await make_profile(session, college_id=COLLEGE)
        editor = await make_profile(session, college_id=COLLEGE, kind=ProfileKind.STAFF)
    # when a colleague without the permission tries, then it is forbidden
    async with users_db.transaction() as session:
        with pytest.raises(PermissionDenied):
            await profiles.update_profile(
                session, actor=viewer(other), user_id=owner.user_id, display_name="New"
            )
    # and when the editor does it, the name changes
    async with users_db.transaction() as session:
        view = await profiles.update_profile(
            session,
            actor=viewer(editor, "profile:read", "profile:update"),
            user_id=owner.user_id,
            display_name="New",
        )
    assert view.display_name == "New"


async def test_editor_of_another_college_gets_not_found(users_db: Database) -> None:
    # given a profile and an editor of another college
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE)
        editor = await make_profile(session, college_id=OTHER_COLLEGE)
    # when the editor changes it, then the profile does not exist for them
    async with users_db.transaction() as session:
        with pytest.raises(NotFoundError):
            await profiles.update_profile(
                session,
                actor=viewer(editor, "profile:update"),
                user_id=owner.user_id,
                bio="x",
            )


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("bio", "x" * 2001, UsersErrorCode.BIO_TOO_LONG),
        ("website", "ftp://example.edu", UsersErrorCode.INVALID_WEBSITE),
        ("website", "https://localhost", UsersErrorCode.INVALID_WEBSITE),
        ("phone", "call me", UsersErrorCode.INVALID_PHONE),
        ("phone", "+1 23", UsersErrorCode.INVALID_PHONE),
        ("display_name", "   ", UsersErrorCode.INVALID_DISPLAY_NAME),
        ("office", "o" * 101, UsersErrorCode.INVALID_OFFICE),
        ("pronouns", "p" * 41, UsersErrorCode.INVALID_PRONOUNS),
        ("avatar_key", "avatars/someone-else/a.png", UsersErrorCode.INVALID_AVATAR_KEY),
        ("avatar_key", "../a.png", UsersErrorCode.INVALID_AVATAR_KEY),
    ],
)
async def test_invalid_values_are_refused_and_change_nothing(
    users_db: Database, field: str, value: str, code: UsersErrorCode
) -> None:
    # given a profile
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE, display_name="Ada")
    # when its owner sends a valid bio together with one invalid value
    changes = {"bio": "valid", field: value} if field != "bio" else {field: value}
    with pytest.raises(DomainError) as raised:
        async with users_db.transaction() as session:
            await profiles.update_profile(
                session,
                actor=viewer(owner),
                user_id=owner.user_id,
                **changes,  # type: ignore[arg-type]
            )
    # then the error names the code and field, and nothing was written
    assert (raised.value.error_code, raised.value.field) == (code, field)
    async with users_db.session() as session:
        stored = await session.get(Profile, owner.user_id)
        assert await outbox_events(session) == []
    assert stored is not None
    assert (stored.bio, stored.display_name) == ("Hello.", "Ada")


async def test_avatar_under_the_owners_prefix_is_accepted(users_db: Database) -> None:
    # given a profile
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE)
    key = f"avatars/{COLLEGE}/{owner.user_id}/face.png"
    # when its owner sets an avatar stored under their own prefix
    async with users_db.transaction() as session:
        view = await profiles.update_profile(
            session, actor=viewer(owner), user_id=owner.user_id, avatar_key=key
        )
    # then the key is kept
    assert view.avatar_key == key


# -- identity's events ----------------------------------------------------------------------
async def _apply_twice(users_db: Database, *events_: Event) -> None:
    for _ in range(2):
        for event in events_:
            async with users_db.transaction() as session:
                await profiles.apply_identity_event(session, event)


async def test_invited_then_activated_creates_one_active_profile(users_db: Database) -> None:
    # given identity's invitation and activation of a student
    user_id = new_id()
    invited = identity_event(
        "user.invited",
        college_id=COLLEGE,
        user_id=user_id,
        kind="student",
        display_name="Grace Hopper",
        department_id="dept-cs",
    )
    activated = identity_event("user.activated", college_id=COLLEGE, user_id=user_id)
    # when both are applied, twice each
    await _apply_twice(users_db, invited, activated)
    # then one active profile exists, with identity's name, kind and department
    async with users_db.session() as session:
        profile = await session.get(Profile, user_id)
        created = await outbox_events(session, "profile.created")
        count = await session.scalar(select(func.count()).select_from(Profile))
    assert profile is not None
    assert count == 1
    assert (profile.status, profile.kind, profile.display_name, profile.department_id) == (
        ProfileStatus.ACTIVE,
        ProfileKind.STUDENT,
        "Grace Hopper",
        "dept-cs",
    )
    # and profile.created was written once
    assert [e.subject for e in created] == [user_id]


async def test_activation_without_invitation_creates_the_profile(users_db: Database) -> None:
    # given an activation for an account the users service never heard of
    user_id = new_id()
    # when it is applied twice
    await _apply_twice(
        users_db, identity_event("user.activated", college_id=COLLEGE, user_id=user_id)
    )
    # then an active profile of unknown kind exists
    async with users_db.session() as session:
        profile = await session.get(Profile, user_id)
    assert profile is not None
    assert (profile.status, profile.kind) == (ProfileStatus.ACTIVE, None)


async def test_deactivated_marks_the_profile_once(users_db: Database) -> None:
    # given an active profile
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE)
    # when identity deactivates the account, delivered twice
    await _apply_twice(
        users_db, identity_event("user.deactivated", college_id=COLLEGE, user_id=owner.user_id)
    )
    # then the profile is deactivated and one event says so
    async with users_db.session() as session:
        profile = await session.get(Profile, owner.user_id)
        deactivated = await outbox_events(session, "profile.deactivated")
    assert profile is not None
    assert profile.status is ProfileStatus.DEACTIVATED
    assert profile.deactivated_at is not None
    assert len(deactivated) == 1


async def test_purged_deletes_profile_and_preferences(users_db: Database) -> None:
    # given a profile with preferences
    async with users_db.transaction() as session:
        owner = await make_profile(session, college_id=COLLEGE)
        session.add(Preferences(user_id=owner.user_id, locale="en", notifications={}))
    # when identity purges the account, delivered twice
    await _apply_twice(
        users_db, identity_event("user.purged", college_id=COLLEGE, user_id=owner.user_id)
    )
    # then neither row is left, and one profile.deleted was written
    async with users_db.session() as session:
        assert await session.get(Profile, owner.user_id) is None
        assert await session.get(Preferences, owner.user_id) is None
        assert len(await outbox_events(session, "profile.deleted")) == 1


async def test_platform_accounts_and_other_events_are_ignored(users_db: Database) -> None:
    # given a platform account's invitation and an unrelated identity event
    platform = identity_event(
        "user.invited", college_id=None, user_id=new_id(), kind="platform", display_name="Op"
    )
    login = identity_event("user.logged_in", college_id=COLLEGE, user_id=new_id())
    # when they are applied
    await _apply_twice(users_db, platform, login)
    # then no profile and no event exist
    async with users_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Profile)) == 0
        assert await outbox_events(session) == []

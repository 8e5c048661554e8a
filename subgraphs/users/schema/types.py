"""GraphQL types of users: ``User`` (identity's entity, extended), ``Profile``, ``Preferences``.

``User @key(fields: "id")`` belongs to identity; users declares it with its
``id`` and adds ``profile`` and ``preferences``. A reference resolves to an
object for any id without a query; each field decides what the caller may
see (null when nothing), through the request's loaders, so a batch of 50
references costs one SQL statement. ``Department`` and ``Batch`` are
entities of the courses subgraph, named here by id only (``resolvable:
false``).
"""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from shared.errors import NotFoundError
from shared.graphql import (
    from_global_id,
    principal_of,
    require_principal,
    to_global_id,
    user_error_type,
)
from subgraphs.users import preferences as preferences_service
from subgraphs.users.errors import UsersErrorCode
from subgraphs.users.models import CONTACT_FIELDS, ProfileKind, ProfileStatus, Visibility
from subgraphs.users.profiles import ProfileView
from subgraphs.users.schema._api import api_of
from subgraphs.users.schema.loaders import preferences_by_user_id, profile_by_user_id, profile_view

__all__ = [
    "Avatar",
    "Batch",
    "ContactVisibilities",
    "Department",
    "NotificationSetting",
    "Preferences",
    "Profile",
    "User",
    "UsersError",
    "user_id_of",
]

strawberry.enum(
    UsersErrorCode,
    description="Stable codes of the problems users reports (never renamed, only added).",
)
UsersError = user_error_type(
    "UsersError",
    UsersErrorCode,
    description="A problem with a mutation's input that the user can fix.",
)
strawberry.enum(ProfileKind, description="Whether the person is staff or a student.")
strawberry.enum(ProfileStatus, description="Where the person's account is in its life.")
strawberry.enum(
    Visibility,
    name="ContactVisibility",
    description="Who, besides the owner, sees a contact detail.",
)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def user_id_of(value: strawberry.ID | None, info: Info, *, field: str = "userId") -> str:
    """The account id a mutation is about: ``value`` (a User global id), or the caller's."""
    if value is not None:
        return from_global_id(value, expected_type="User", field=field)
    principal = require_principal(info)
    if principal.user_id is None:
        raise NotFoundError("No such profile: an API key names a person by `userId`.")
    return principal.user_id


@strawberry.federation.type(
    keys=[Key(fields=FieldSet("id"), resolvable=False)],
    description="A department of the college (courses subgraph).",
)
class Department:
    id: strawberry.ID = strawberry.field(description="Global id of the department.")


@strawberry.federation.type(
    keys=[Key(fields=FieldSet("id"), resolvable=False)],
    description="A batch (cohort) of students (courses subgraph).",
)
class Batch:
    id: strawberry.ID = strawberry.field(description="Global id of the batch.")


@strawberry.type(description="A profile picture: a square PNG or JPEG made at upload.")
class Avatar:
    content_type: str = strawberry.field(description="`image/png` or `image/jpeg`.")
    width: int | None = strawberry.field(description="Width in pixels, when known.")
    height: int | None = strawberry.field(description="Height in pixels, when known.")
    key: strawberry.Private[str]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="A signed link to the image, valid for `LMS_USERS_AVATAR_URL_TTL_SECONDS` "
        "(5 minutes by default): fetch a fresh one rather than storing it."
    )
    async def url(self, info: Info) -> str:
        api = api_of(info)
        return await api.store.presign_download(
            self.key, expires_in=api.settings.avatar_url_ttl_seconds
        )


@strawberry.type(description="Who sees each contact detail (shown to the owner and editors).")
class ContactVisibilities:
    phone: Visibility = strawberry.field(description="Who sees the phone number.")
    office: Visibility = strawberry.field(description="Who sees the office.")
    pronouns: Visibility = strawberry.field(description="Who sees the pronouns.")
    website: Visibility = strawberry.field(description="Who sees the website.")


@strawberry.type(
    description="What a person of a college shows the others. Members of the college with "
    "`profile:read` (students included) read it; contact details follow their visibility: "
    "COLLEGE for everyone of the college, STAFF for staff, PRIVATE for the owner alone "
    "(hidden ones are null)."
)
class Profile:
    id: strawberry.ID = strawberry.field(description='Global id (`to_global_id("Profile", ...)`).')
    display_name: str = strawberry.field(description="The name everyone of the college sees.")
    bio: str = strawberry.field(description="A few words about the person (2000 characters).")
    kind: ProfileKind | None = strawberry.field(
        description="Staff or student; null when identity has not said."
    )
    status: ProfileStatus = strawberry.field(description="Invited, active or deactivated.")
    roles: list[str] = strawberry.field(
        description="The role keys the person holds in the college (`teacher`, `student`, "
        "`college-admin`...), sorted; empty when none. Shown to whoever may see the profile. "
        "A copy of identity's roles, updated when its `role.changed` event arrives."
    )
    phone: str | None = strawberry.field(description="Phone number, if the viewer may see it.")
    office: str | None = strawberry.field(description="Office, if the viewer may see it.")
    pronouns: str | None = strawberry.field(description="Pronouns, if the viewer may see them.")
    website: str | None = strawberry.field(description="Web address, if the viewer may see it.")
    contact_visibility: ContactVisibilities | None = strawberry.field(
        description="Who sees each detail: for the owner and holders of `profile:update`; "
        "null for everyone else."
    )
    created_at: datetime | None = strawberry.field(description="When the profile was made (UTC).")
    updated_at: datetime | None = strawberry.field(description="When it last changed (UTC).")
    view: strawberry.Private[ProfileView]

    @classmethod
    def from_view(cls, view: ProfileView) -> Profile:
        return cls(
            id=strawberry.ID(to_global_id("Profile", view.user_id)),
            display_name=view.display_name,
            bio=view.bio,
            kind=view.kind,
            status=view.status,
            roles=list(view.roles),
            phone=view.phone,
            office=view.office,
            pronouns=view.pronouns,
            website=view.website,
            contact_visibility=(
                ContactVisibilities(**{name: view.visibility[name] for name in CONTACT_FIELDS})
                if view.visibility
                else None
            ),
            created_at=_utc(view.created_at),
            updated_at=_utc(view.updated_at),
            view=view,
        )

    @strawberry.field(description="The person (identity's `User`).")  # type: ignore[untyped-decorator]
    def user(self) -> User:
        return User.of(self.view.user_id)

    @strawberry.field(description="The profile picture, if any.")  # type: ignore[untyped-decorator]
    def avatar(self) -> Avatar | None:
        view = self.view
        if view.avatar_key is None:
            return None
        return Avatar(
            key=view.avatar_key,
            content_type=view.avatar_content_type or "application/octet-stream",
            width=view.avatar_width,
            height=view.avatar_height,
        )

    @strawberry.field(description="The person's department, if any.")  # type: ignore[untyped-decorator]
    def department(self) -> Department | None:
        department_id = self.view.department_id
        if department_id is None:
            return None
        return Department(id=strawberry.ID(to_global_id("Department", department_id)))

    @strawberry.field(description="A student's batch, if any.")  # type: ignore[untyped-decorator]
    def batch(self) -> Batch | None:
        batch_id = self.view.batch_id
        if batch_id is None:
            return None
        return Batch(id=strawberry.ID(to_global_id("Batch", batch_id)))


@strawberry.type(description="Whether one kind of notification comes through one channel.")
class NotificationSetting:
    channel: str = strawberry.field(description="`email`, `sms`, `push` or `in_app`.")
    category: str = strawberry.field(
        description="`announcements`, `assignments`, `grades`, `chat` or `account`."
    )
    enabled: bool = strawberry.field(description="Whether it is sent.")


@strawberry.type(description="A person's own settings; only they read them.")
class Preferences:
    locale: str | None = strawberry.field(
        description="Language tag (`en`, `pt-BR`); null: the college's."
    )
    time_zone: str | None = strawberry.field(
        description="IANA time zone (`Europe/Dublin`); null: the college's."
    )
    notifications: list[NotificationSetting] = strawberry.field(
        description="Every channel and category, in a fixed order."
    )

    @classmethod
    def from_view(cls, view: preferences_service.PreferencesView) -> Preferences:
        return cls(
            locale=view.locale,
            time_zone=view.time_zone,
            notifications=[
                NotificationSetting(channel=channel, category=category, enabled=enabled)
                for channel in preferences_service.CHANNELS
                for category, enabled in (
                    (c, view.notifications[channel][c]) for c in preferences_service.CATEGORIES
                )
            ],
        )


@strawberry.federation.type(
    keys=["id"],
    description="A person (identity's entity); users adds their profile and preferences.",
)
class User:
    id: strawberry.ID = strawberry.field(description='Global id (`to_global_id("User", ...)`).')
    user_id: strawberry.Private[str]

    @classmethod
    def of(cls, user_id: str) -> User:
        return cls(id=strawberry.ID(to_global_id("User", user_id)), user_id=user_id)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The person's profile as the caller may see it: their own, or one of "
        "their college with `profile:read`; null otherwise (another college, unknown)."
    )
    async def profile(self, info: Info) -> Profile | None:
        view = await profile_view(info, self.user_id)
        return Profile.from_view(view) if view is not None else None

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The person's preferences: for the person alone; null for anyone else."
    )
    async def preferences(self, info: Info) -> Preferences | None:
        principal = principal_of(info)
        if not principal.is_authenticated or principal.user_id != self.user_id:
            return None
        profile = await profile_by_user_id(info).load(self.user_id)
        if profile is None:
            return None
        row = await preferences_by_user_id(info).load(self.user_id)
        return Preferences.from_view(preferences_service.view_of(self.user_id, row))

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> User:
        """The person named by ``id``, without a query: each field checks what the caller sees."""
        require_principal(info)
        return cls.of(from_global_id(id, expected_type="User", field="id"))

"""Profiles: read as a given viewer, update, and follow identity's ``user.*`` events.

Reading filters contact details by their :class:`~subgraphs.users.models.Visibility`:
the owner sees everything, staff of the college see ``college`` and
``staff`` details, everyone else of the college only ``college`` ones. A
profile of another college is "not found" (except to the platform's
super-admin). Functions run in the caller's transaction and write their
events to the outbox in it, so a refused change leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Final, Literal

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import utcnow
from shared.errors import AuthenticationError, NotFoundError
from shared.events import Event
from subgraphs.users import events
from subgraphs.users.models import (
    CONTACT_FIELDS,
    Preferences,
    Profile,
    ProfileKind,
    ProfileRole,
    ProfileStatus,
    Visibility,
)
from subgraphs.users.validation import (
    check_avatar_key,
    check_bio,
    check_display_name,
    check_office,
    check_phone,
    check_pronouns,
    check_website,
)

__all__ = [
    "READ_PERMISSION",
    "UNSET",
    "UPDATE_PERMISSION",
    "ProfileView",
    "Unset",
    "ViewerLevel",
    "apply_identity_event",
    "editable_profile",
    "editor_view",
    "get_profile",
    "level_for",
    "update_profile",
    "view_as",
    "viewer_level",
]

READ_PERMISSION = "profile:read"
"""Needed to read someone else's profile (students and staff hold it)."""
UPDATE_PERMISSION = "profile:update"
"""Needed to change someone else's profile of the same college."""

IDENTITY_CONSUMER = "users-profiles"
"""Consumer name under which identity's events are recorded as processed."""


class Unset(Enum):
    """Marks an argument left out (as opposed to ``None``, which clears a value)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


class ViewerLevel(Enum):
    """How much of a profile a viewer sees."""

    COLLEGE = "college"
    STAFF = "staff"
    OWNER = "owner"


_SEES: dict[ViewerLevel, frozenset[Visibility]] = {
    ViewerLevel.COLLEGE: frozenset({Visibility.COLLEGE}),
    ViewerLevel.STAFF: frozenset({Visibility.COLLEGE, Visibility.STAFF}),
    ViewerLevel.OWNER: frozenset(Visibility),
}


@dataclass(frozen=True, kw_only=True)
class ProfileView:
    """A profile as one viewer may see it; hidden contact details are ``None``."""

    user_id: str
    college_id: str
    kind: ProfileKind | None
    status: ProfileStatus
    display_name: str
    bio: str
    avatar_key: str | None
    department_id: str | None
    phone: str | None
    office: str | None
    pronouns: str | None
    website: str | None
    level: ViewerLevel
    visibility: dict[str, Visibility] = field(default_factory=dict)
    """Each contact detail's visibility; only the owner (and profile editors) see it."""
    avatar_content_type: str | None = None
    avatar_width: int | None = None
    avatar_height: int | None = None
    batch_id: str | None = None
    roles: tuple[str, ...] = ()
    """The role keys the person holds (sorted), shown to whoever sees the profile."""
    created_at: datetime | None = None
    updated_at: datetime | None = None


def _view(profile: Profile, level: ViewerLevel, *, show_visibility: bool) -> ProfileView:
    seen = _SEES[level]
    contact: dict[str, str | None] = {}
    visibility: dict[str, Visibility] = {}
    for name in CONTACT_FIELDS:
        rule = Visibility(getattr(profile, f"{name}_visibility"))
        contact[name] = getattr(profile, name) if rule in seen else None
        visibility[name] = rule
    return ProfileView(
        user_id=profile.user_id,
        college_id=profile.college_id,
        kind=profile.kind,
        status=profile.status,
        display_name=profile.display_name,
        bio=profile.bio,
        avatar_key=profile.avatar_key,
        department_id=profile.department_id,
        phone=contact["phone"],
        office=contact["office"],
        pronouns=contact["pronouns"],
        website=contact["website"],
        level=level,
        visibility=visibility if show_visibility else {},
        avatar_content_type=profile.avatar_content_type if profile.avatar_key else None,
        avatar_width=profile.avatar_width if profile.avatar_key else None,
        avatar_height=profile.avatar_height if profile.avatar_key else None,
        batch_id=profile.batch_id,
        roles=tuple(sorted(profile.role_keys or ())),
        created_at=profile.created_at,
        updated_at=profile.updated_at,
    )


def _same_college(actor: Principal, profile: Profile) -> bool:
    return actor.is_superuser or actor.college_id == profile.college_id


async def _visible_profile(session: AsyncSession, actor: Principal, user_id: str) -> Profile:
    """The profile ``user_id`` if ``actor``'s college holds it, else ``NOT_FOUND``."""
    if not actor.is_authenticated:
        raise AuthenticationError()
    profile = await session.get(Profile, user_id)
    if profile is None or not _same_college(actor, profile):
        raise NotFoundError("No such profile.")
    return profile


def level_for(viewer: Principal, profile: Profile, viewer_profile: Profile | None) -> ViewerLevel:
    """How much of ``profile`` ``viewer`` sees, given the viewer's own profile (if any).

    Staff are the people whose own profile in the college is of kind
    ``staff``; the platform's super-admin counts as staff.
    """
    if viewer.user_id == profile.user_id:
        return ViewerLevel.OWNER
    if viewer.is_superuser:
        return ViewerLevel.STAFF
    if (
        viewer_profile is not None
        and viewer_profile.college_id == profile.college_id
        and viewer_profile.kind is ProfileKind.STAFF
    ):
        return ViewerLevel.STAFF
    return ViewerLevel.COLLEGE


def view_as(
    viewer: Principal, profile: Profile | None, viewer_profile: Profile | None
) -> ProfileView | None:
    """``profile`` as ``viewer`` may see it, or ``None`` when they may not see it at all.

    The rules of :func:`get_profile` without a query: ``viewer_profile`` is
    the viewer's own profile, loaded by the caller (a page or a batch of
    references shares one load).
    """
    if profile is None or not viewer.is_authenticated or not _same_college(viewer, profile):
        return None
    level = level_for(viewer, profile, viewer_profile)
    if level is not ViewerLevel.OWNER and not viewer.has(READ_PERMISSION):
        return None
    show = level is ViewerLevel.OWNER or viewer.has(UPDATE_PERMISSION)
    return _view(profile, level, show_visibility=show)


async def viewer_level(
    session: AsyncSession, *, viewer: Principal, profile: Profile
) -> ViewerLevel:
    """How much of ``profile`` ``viewer`` sees (the viewer is of its college)."""
    if viewer.user_id == profile.user_id or viewer.is_superuser or viewer.user_id is None:
        return level_for(viewer, profile, None)
    return level_for(viewer, profile, await session.get(Profile, viewer.user_id))


async def editable_profile(session: AsyncSession, *, actor: Principal, user_id: str) -> Profile:
    """``user_id``'s profile if ``actor`` may change it: their own, or ``profile:update``.

    Another college's profile (or an unknown id) is ``NOT_FOUND``; someone
    else's without the permission is ``FORBIDDEN``.
    """
    profile = await _visible_profile(session, actor, user_id)
    if actor.user_id != profile.user_id:
        actor.require(UPDATE_PERMISSION)
    return profile


async def get_profile(session: AsyncSession, *, viewer: Principal, user_id: str) -> ProfileView:
    """``user_id``'s profile as ``viewer`` may see it.

    The owner needs no permission; anyone else needs ``profile:read`` and
    to be of the same college (another college's profile is ``NOT_FOUND``).
    """
    profile = await _visible_profile(session, viewer, user_id)
    level = await viewer_level(session, viewer=viewer, profile=profile)
    if level is not ViewerLevel.OWNER:
        viewer.require(READ_PERMISSION)
    show = level is ViewerLevel.OWNER or viewer.has(UPDATE_PERMISSION)
    return _view(profile, level, show_visibility=show)


async def update_profile(
    session: AsyncSession,
    *,
    actor: Principal,
    user_id: str,
    display_name: str | Unset = UNSET,
    bio: str | Unset = UNSET,
    avatar_key: str | Unset | None = UNSET,
    phone: str | Unset | None = UNSET,
    phone_visibility: Visibility | Unset = UNSET,
    office: str | Unset | None = UNSET,
    office_visibility: Visibility | Unset = UNSET,
    pronouns: str | Unset | None = UNSET,
    pronouns_visibility: Visibility | Unset = UNSET,
    website: str | Unset | None = UNSET,
    website_visibility: Visibility | Unset = UNSET,
    on_commit: events.OnCommit | None = None,
) -> ProfileView:
    """Change the fields given (``None`` clears a contact detail or the avatar).

    A person changes their own profile; changing someone else's of the same
    college needs ``profile:update``. Every value is checked before any is
    written, so a refused update changes nothing. Writes ``profile.updated``
    when something changed.
    """
    profile = await editable_profile(session, actor=actor, user_id=user_id)
    wanted: dict[str, Any] = {}
    if not isinstance(display_name, Unset):
        wanted["display_name"] = check_display_name(display_name)
    if not isinstance(bio, Unset):
        wanted["bio"] = check_bio(bio)
    if not isinstance(avatar_key, Unset):
        wanted["avatar_key"] = check_avatar_key(
            avatar_key, college_id=profile.college_id, user_id=profile.user_id
        )
    if not isinstance(phone, Unset):
        wanted["phone"] = check_phone(phone)
    if not isinstance(office, Unset):
        wanted["office"] = check_office(office)
    if not isinstance(pronouns, Unset):
        wanted["pronouns"] = check_pronouns(pronouns)
    if not isinstance(website, Unset):
        wanted["website"] = check_website(website)
    for name, rule in (
        ("phone_visibility", phone_visibility),
        ("office_visibility", office_visibility),
        ("pronouns_visibility", pronouns_visibility),
        ("website_visibility", website_visibility),
    ):
        if not isinstance(rule, Unset):
            wanted[name] = Visibility(rule)
    changed = sorted(name for name, value in wanted.items() if getattr(profile, name) != value)
    for name in changed:
        setattr(profile, name, wanted[name])
    if "avatar_key" in changed:
        # A key set directly says nothing about the image; avatars.confirm_avatar fills these.
        profile.avatar_content_type = profile.avatar_width = profile.avatar_height = None
    if changed:
        await session.flush()
        await events.publish(
            session,
            type=events.PROFILE_UPDATED,
            tenant=profile.college_id,
            subject=profile.user_id,
            actor=actor,
            data={
                "changed": changed,
                "display_name": profile.display_name,
                "department_id": profile.department_id,
            },
            on_commit=on_commit,
        )
    return editor_view(actor, profile)


def editor_view(actor: Principal, profile: Profile) -> ProfileView:
    """``profile`` as the one who just changed it sees it: every detail and its visibility."""
    level = ViewerLevel.OWNER if actor.user_id == profile.user_id else ViewerLevel.STAFF
    return _view(profile, level, show_visibility=True)


# -- identity's events ------------------------------------------------------------------------
_KINDS: dict[str, ProfileKind] = {kind.value: kind for kind in ProfileKind}


async def apply_identity_event(
    session: AsyncSession, event: Event, *, on_commit: events.OnCommit | None = None
) -> None:
    """Follow one of identity's ``user.*`` events; applying it again changes nothing.

    * ``user.invited``: create the profile (status ``invited``) unless it exists.
    * ``user.activated``: create it (status ``active``) or mark it active.
    * ``user.deactivated``: mark it deactivated.
    * ``user.purged``: delete it, with its preferences.
    * ``user.updated`` naming ``department_id``: take the new department.
    * ``role.changed``: keep the role keys now held (``roles``), for filtering.

    ``user.invited`` also brings the first role keys. Other events, and
    accounts of no college (platform operators), are ignored.
    """
    if event.tenant is None:
        return
    if event.type == "user.invited":
        await _on_invited(session, event, on_commit)
    elif event.type == "user.activated":
        await _on_activated(session, event, on_commit)
    elif event.type == "user.deactivated":
        await _on_deactivated(session, event, on_commit)
    elif event.type == "user.purged":
        await _on_purged(session, event, on_commit)
    elif event.type == "user.updated":
        await _on_updated(session, event, on_commit)
    elif event.type == "role.changed":
        await _on_roles_changed(session, event)


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


async def _create(
    session: AsyncSession,
    event: Event,
    status: Literal[ProfileStatus.INVITED, ProfileStatus.ACTIVE],
    on_commit: events.OnCommit | None,
) -> Profile:
    assert event.tenant is not None
    kind = _KINDS.get(str(event.data.get("kind")))
    profile = Profile(
        user_id=event.subject,
        college_id=event.tenant,
        kind=kind,
        status=status,
        display_name=(_text(event.data, "display_name") or "")[:200],
        bio="",
        department_id=_text(event.data, "department_id"),
    )
    session.add(profile)
    await session.flush()
    await events.publish(
        session,
        type=events.PROFILE_CREATED,
        tenant=profile.college_id,
        subject=profile.user_id,
        actor=None,
        data={
            "kind": kind.value if kind is not None else None,
            "status": status.value,
            "display_name": profile.display_name,
            "department_id": profile.department_id,
        },
        on_commit=on_commit,
    )
    return profile


def _role_keys(data: Mapping[str, Any]) -> list[str] | None:
    """The role keys of an event's ``roles``, or ``None`` if it carries none."""
    roles = data.get("roles")
    if not isinstance(roles, list):
        return None
    return sorted({role for role in roles if isinstance(role, str) and 0 < len(role) <= 64})


async def _set_roles(session: AsyncSession, user_id: str, keys: list[str]) -> None:
    await session.execute(delete(ProfileRole).where(ProfileRole.user_id == user_id))
    session.add_all(ProfileRole(user_id=user_id, role_key=key) for key in keys)
    await session.flush()


async def _on_invited(
    session: AsyncSession, event: Event, on_commit: events.OnCommit | None
) -> None:
    if event.data.get("kind") not in _KINDS:
        return
    if await session.get(Profile, event.subject) is None:
        await _create(session, event, ProfileStatus.INVITED, on_commit)
        keys = _role_keys(event.data)
        if keys:
            await _set_roles(session, event.subject, keys)


async def _on_roles_changed(session: AsyncSession, event: Event) -> None:
    keys = _role_keys(event.data)
    if keys is None or await session.get(Profile, event.subject) is None:
        return
    await _set_roles(session, event.subject, keys)


async def _on_updated(
    session: AsyncSession, event: Event, on_commit: events.OnCommit | None
) -> None:
    changed = event.data.get("changed")
    if not isinstance(changed, list) or "department_id" not in changed:
        return
    profile = await session.get(Profile, event.subject)
    department = _text(event.data, "department_id")
    if profile is None or profile.department_id == department:
        return
    profile.department_id = department
    await session.flush()
    await events.publish(
        session,
        type=events.PROFILE_UPDATED,
        tenant=profile.college_id,
        subject=profile.user_id,
        actor=None,
        data={
            "changed": ["department_id"],
            "display_name": profile.display_name,
            "department_id": profile.department_id,
        },
        on_commit=on_commit,
    )


async def _on_activated(
    session: AsyncSession, event: Event, on_commit: events.OnCommit | None
) -> None:
    profile = await session.get(Profile, event.subject)
    if profile is None:
        await _create(session, event, ProfileStatus.ACTIVE, on_commit)
        return
    if profile.status is ProfileStatus.ACTIVE:
        return
    was_deactivated = profile.status is ProfileStatus.DEACTIVATED
    profile.status = ProfileStatus.ACTIVE
    profile.deactivated_at = None
    await session.flush()
    if was_deactivated:
        await events.publish(
            session,
            type=events.PROFILE_REACTIVATED,
            tenant=profile.college_id,
            subject=profile.user_id,
            actor=None,
            on_commit=on_commit,
        )
    else:
        await events.publish(
            session,
            type=events.PROFILE_UPDATED,
            tenant=profile.college_id,
            subject=profile.user_id,
            actor=None,
            data={
                "changed": ["status"],
                "display_name": profile.display_name,
                "department_id": profile.department_id,
            },
            on_commit=on_commit,
        )


async def _on_deactivated(
    session: AsyncSession, event: Event, on_commit: events.OnCommit | None
) -> None:
    profile = await session.get(Profile, event.subject)
    if profile is None or profile.status is ProfileStatus.DEACTIVATED:
        return
    profile.status = ProfileStatus.DEACTIVATED
    profile.deactivated_at = utcnow()
    await session.flush()
    await events.publish(
        session,
        type=events.PROFILE_DEACTIVATED,
        tenant=profile.college_id,
        subject=profile.user_id,
        actor=None,
        on_commit=on_commit,
    )


async def _on_purged(
    session: AsyncSession, event: Event, on_commit: events.OnCommit | None
) -> None:
    profile = await session.get(Profile, event.subject)
    if profile is None:
        return
    preferences = await session.get(Preferences, event.subject)
    if preferences is not None:
        await session.delete(preferences)
    await session.execute(delete(ProfileRole).where(ProfileRole.user_id == event.subject))
    await session.delete(profile)
    await session.flush()
    await events.publish(
        session,
        type=events.PROFILE_DELETED,
        tenant=profile.college_id,
        subject=profile.user_id,
        actor=None,
        on_commit=on_commit,
    )

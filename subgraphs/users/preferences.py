"""Preferences: a person's locale, time zone and notification choices.

Only the owner reads and sets them (the platform's super-admin too). A
profile without a row has the defaults: the college's locale and time zone
(``None``), and every notification on except SMS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import AuthenticationError, DomainError, NotFoundError
from subgraphs.users import events
from subgraphs.users.errors import UsersErrorCode
from subgraphs.users.models import Preferences, Profile
from subgraphs.users.profiles import UNSET, Unset
from subgraphs.users.validation import check_locale, check_time_zone

__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "PreferencesView",
    "default_notifications",
    "get_preferences",
    "set_preferences",
    "view_of",
]

CHANNELS: tuple[str, ...] = ("email", "sms", "push", "in_app")
CATEGORIES: tuple[str, ...] = ("announcements", "assignments", "grades", "chat", "account")

Notifications = dict[str, dict[str, bool]]


def default_notifications() -> Notifications:
    """Every category on for every channel, except SMS (off)."""
    return {channel: {c: channel != "sms" for c in CATEGORIES} for channel in CHANNELS}


@dataclass(frozen=True, kw_only=True)
class PreferencesView:
    user_id: str
    locale: str | None
    time_zone: str | None
    notifications: Notifications


def _merged(stored: Mapping[str, Any]) -> Notifications:
    result = default_notifications()
    for channel, choices in stored.items():
        if channel in result and isinstance(choices, Mapping):
            for category, on in choices.items():
                if category in result[channel] and isinstance(on, bool):
                    result[channel][category] = on
    return result


def view_of(user_id: str, row: Preferences | None) -> PreferencesView:
    """The preferences a stored row (or its absence: the defaults) stands for."""
    if row is None:
        return PreferencesView(
            user_id=user_id, locale=None, time_zone=None, notifications=default_notifications()
        )
    return PreferencesView(
        user_id=user_id,
        locale=row.locale,
        time_zone=row.time_zone,
        notifications=_merged(row.notifications),
    )


async def _own_profile(session: AsyncSession, actor: Principal, user_id: str) -> Profile:
    if not actor.is_authenticated:
        raise AuthenticationError()
    profile = await session.get(Profile, user_id)
    if profile is None or not (actor.is_superuser or actor.user_id == user_id):
        raise NotFoundError("No such profile.")
    return profile


def _check_notifications(changes: Mapping[str, Mapping[str, bool]]) -> None:
    for channel, choices in changes.items():
        if channel not in CHANNELS:
            raise DomainError(
                UsersErrorCode.UNKNOWN_NOTIFICATION_CHANNEL,
                f"{channel!r} is not a channel; one of {', '.join(CHANNELS)}.",
                "notifications",
            )
        for category, on in choices.items():
            if category not in CATEGORIES:
                raise DomainError(
                    UsersErrorCode.UNKNOWN_NOTIFICATION_CATEGORY,
                    f"{category!r} is not a category; one of {', '.join(CATEGORIES)}.",
                    "notifications",
                )
            if not isinstance(on, bool):
                raise DomainError(
                    UsersErrorCode.INVALID_NOTIFICATION_SETTING,
                    f"{channel}.{category} is true or false.",
                    "notifications",
                )


async def get_preferences(
    session: AsyncSession, *, actor: Principal, user_id: str
) -> PreferencesView:
    """``user_id``'s preferences; anyone but the owner is told ``NOT_FOUND``."""
    await _own_profile(session, actor, user_id)
    return view_of(user_id, await session.get(Preferences, user_id))


async def set_preferences(
    session: AsyncSession,
    *,
    actor: Principal,
    user_id: str,
    locale: str | Unset | None = UNSET,
    time_zone: str | Unset | None = UNSET,
    notifications: Mapping[str, Mapping[str, bool]] | None = None,
    on_commit: events.OnCommit | None = None,
) -> PreferencesView:
    """Change the preferences given; ``notifications`` changes only the choices it names.

    ``None`` for locale or time zone goes back to the college's. Everything
    is checked before anything is written; writes ``profile.preferences_updated``
    when something changed.
    """
    profile = await _own_profile(session, actor, user_id)
    wanted: dict[str, Any] = {}
    if not isinstance(locale, Unset):
        wanted["locale"] = check_locale(locale)
    if not isinstance(time_zone, Unset):
        wanted["time_zone"] = check_time_zone(time_zone)
    _check_notifications(notifications or {})
    row = await session.get(Preferences, user_id)
    current = view_of(user_id, row)
    merged = _merged(current.notifications)
    for channel, choices in (notifications or {}).items():
        merged[channel].update(choices)
    changed = sorted(name for name, value in wanted.items() if getattr(current, name) != value)
    if merged != current.notifications:
        changed.append("notifications")
    if not changed:
        return current
    if row is None:
        row = Preferences(user_id=user_id, locale=None, time_zone=None)
        session.add(row)
    for name, value in wanted.items():
        setattr(row, name, value)
    row.notifications = merged
    await session.flush()
    await events.publish(
        session,
        type=events.PREFERENCES_UPDATED,
        tenant=profile.college_id,
        subject=user_id,
        actor=actor,
        data={
            "changed": changed,
            "locale": row.locale,
            "time_zone": row.time_zone,
            "notifications": merged,
        },
        on_commit=on_commit,
    )
    return view_of(user_id, row)

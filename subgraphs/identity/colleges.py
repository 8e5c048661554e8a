"""Colleges (tenants): create one with its first admin, read, list, update.

Creating a college is a platform act (``college:create``, the super-admin);
it seeds the built-in roles, then invites the college's first admin, all in
the caller's transaction: an invalid admin email leaves no college behind.
Members read their own college; only the super-admin reads the others.
A college's admins also edit its password policy (:func:`update_password_policy`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.identity import events, tenancy
from subgraphs.identity.accounts import DEFAULT_INVITATION_TTL, Invitation, add_invited_account
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import AccountKind, College, CollegeStatus
from subgraphs.identity.password_policy import PasswordPolicy
from subgraphs.identity.permissions import COLLEGE_ADMIN
from subgraphs.identity.roles import sync_builtin_roles
from subgraphs.identity.validation import normalize_email, normalize_name, normalize_slug

__all__ = [
    "DEFAULT_COLLEGE_SETTINGS",
    "CollegeCreated",
    "colleges_query",
    "create_college",
    "get_college",
    "normalize_college_settings",
    "update_college",
    "update_password_policy",
]

DEFAULT_COLLEGE_SETTINGS: Mapping[str, Any] = {
    "time_zone": "UTC",
    "locale": "en",
    "academic_year_start_month": 9,
}
"""Every college setting and its default; a college stores the full set."""


@dataclass(frozen=True)
class CollegeCreated:
    """A new college and the invitation of its first admin (``invitation.token`` to email)."""

    college: College
    invitation: Invitation


async def create_college(
    session: AsyncSession,
    *,
    actor: Principal,
    slug: str,
    name: str,
    admin_email: str,
    admin_display_name: str,
    settings: Mapping[str, Any] | None = None,
    invitation_ttl: timedelta = DEFAULT_INVITATION_TTL,
    on_commit: events.OnCommit | None = None,
) -> CollegeCreated:
    """Create a college and invite its first admin (role ``college-admin``); ``college:create``.

    Emits ``college.created`` and ``user.invited``. Every input is checked
    before anything is written.
    """
    actor.require("college:create")
    slug = normalize_slug(slug)
    name = normalize_name(name, field="name")
    college_settings = normalize_college_settings(settings or {})
    normalize_email(admin_email, field="admin_email")
    normalize_name(admin_display_name, field="admin_display_name")
    await _slug_free(session, slug)

    await sync_builtin_roles(session)
    college = College(
        slug=slug,
        name=name,
        status=CollegeStatus.ACTIVE,
        settings=college_settings,
        password_policy={},
    )
    session.add(college)
    await _flush_slug(session, slug)
    invitation = await add_invited_account(
        session,
        actor=actor,
        college_id=college.id,
        email=admin_email,
        display_name=admin_display_name,
        kind=AccountKind.STAFF,
        role_keys=[COLLEGE_ADMIN],
        invitation_ttl=invitation_ttl,
        on_commit=on_commit,
    )
    await events.publish(
        session,
        type=events.COLLEGE_CREATED,
        tenant=college.id,
        subject=college.id,
        actor=actor,
        data={"slug": slug, "name": name, "admin_id": invitation.account.id},
        on_commit=on_commit,
    )
    return CollegeCreated(college=college, invitation=invitation)


async def get_college(session: AsyncSession, *, actor: Principal, college_id: str) -> College:
    """The college ``college_id``: one's own, or any for the super-admin."""
    college = await session.get(College, college_id)
    if college is None or not _may_read(actor, college.id):
        raise NotFoundError("No such college.")
    return college


def colleges_query(*, actor: Principal, status: CollegeStatus | None = None) -> Select[College]:
    """The colleges ``actor`` may see: every one for the super-admin, else its own.

    Unordered; the caller pages it (``paginate(..., order_by=[College.slug])``).
    """
    if not actor.is_authenticated:
        raise PermissionDenied("Sign in to see colleges.")
    query = select(College)
    if not actor.has("college:read"):
        query = query.where(College.id == actor.college_id)
    if status is not None:
        query = query.where(College.status == status)
    return query


async def update_college(
    session: AsyncSession,
    *,
    actor: Principal,
    college_id: str,
    name: str | None = None,
    slug: str | None = None,
    settings: Mapping[str, Any] | None = None,
    status: CollegeStatus | None = None,
    on_commit: events.OnCommit | None = None,
) -> College:
    """Change what is given (``None``: unchanged); emits ``college.updated`` if anything changed.

    Name, slug and settings need ``college:update`` in that college; the
    settings given are merged into the current ones. The status (suspend,
    reactivate) needs ``college:suspend``, a platform permission.
    """
    if status is not None:
        actor.require("college:suspend")
    if name is not None or slug is not None or settings is not None:
        tenancy.require_permission_in(actor, "college:update", college_id)
    college = await session.get(College, college_id, with_for_update=True)
    if college is None or not _may_read(actor, college.id):
        raise NotFoundError("No such college.")

    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = normalize_name(name, field="name")
    if slug is not None:
        changes["slug"] = normalize_slug(slug)
        if changes["slug"] != college.slug:
            await _slug_free(session, changes["slug"])
    if settings is not None:
        changes["settings"] = normalize_college_settings({**college.settings, **settings})
    if status is not None:
        changes["status"] = status
    changed = sorted(key for key, value in changes.items() if getattr(college, key) != value)
    if not changed:
        return college
    for key in changed:
        setattr(college, key, changes[key])
    await _flush_slug(session, college.slug)
    await events.publish(
        session,
        type=events.COLLEGE_UPDATED,
        tenant=college.id,
        subject=college.id,
        actor=actor,
        data={"changed": changed, "slug": college.slug, "status": college.status.value},
        on_commit=on_commit,
    )
    return college


async def update_password_policy(
    session: AsyncSession,
    *,
    actor: Principal,
    college_id: str | None,
    values: Mapping[str, Any],
    on_commit: events.OnCommit | None = None,
) -> College:
    """Change the college's password policy settings in ``values``; ``college:update``.

    ``college_id`` ``None`` is the actor's own college; naming another one is
    for super-admins. ``values`` are :class:`PasswordPolicy` settings by their
    stored name (``min_length``...), merged into the current policy; the
    result is checked as a whole, and every unknown setting, wrongly typed
    value and value out of range is reported at once (one
    :class:`~shared.errors.DomainErrors`, each error on its setting's camelCase
    field), with nothing stored. The full normalised policy is stored; new
    passwords follow it from the next change on. Emits
    ``college.password_policy_changed`` (``changed``: each changed setting and
    its new value) when something changed.
    """
    college_id = tenancy.target_college(actor, college_id, field="college_id")
    tenancy.require_permission_in(actor, "college:update", college_id)
    college = await session.get(College, college_id, with_for_update=True)
    if college is None or not _may_read(actor, college.id):
        raise NotFoundError("No such college.")
    current = PasswordPolicy.from_json(college.password_policy or {}).to_json()
    policy = PasswordPolicy.from_json({**current, **values}).to_json()
    changed = {key: value for key, value in policy.items() if current.get(key) != value}
    if not changed:
        return college
    college.password_policy = policy
    await session.flush()
    await events.publish(
        session,
        type=events.COLLEGE_PASSWORD_POLICY_CHANGED,
        tenant=college.id,
        subject=college.id,
        actor=actor,
        data={"changed": changed},
        on_commit=on_commit,
    )
    return college


def normalize_college_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The full settings of a college: the defaults overridden by ``values``, each checked.

    ``time_zone`` is an IANA zone (``Europe/Dublin``), ``locale`` a language
    tag (``en``, ``pt-BR``), ``academic_year_start_month`` 1 to 12. An unknown
    key is refused, so a typo does not pass silently.
    """
    unknown = sorted(set(values) - set(DEFAULT_COLLEGE_SETTINGS))
    if unknown:
        _bad_setting(f"Unknown college setting {unknown[0]!r}.")
    merged = {**DEFAULT_COLLEGE_SETTINGS, **values}
    zone = merged["time_zone"]
    try:
        valid_zone = isinstance(zone, str) and bool(zone) and ZoneInfo(zone) is not None
    except (ZoneInfoNotFoundError, ValueError):
        valid_zone = False
    if not valid_zone:
        _bad_setting(f"{zone!r} is not a time zone (for example 'Europe/Dublin').")
    locale = merged["locale"]
    if not (isinstance(locale, str) and _is_language_tag(locale)):
        _bad_setting(f"{locale!r} is not a locale (for example 'en' or 'pt-BR').")
    month = merged["academic_year_start_month"]
    if not (isinstance(month, int) and not isinstance(month, bool) and 1 <= month <= 12):
        _bad_setting("academic_year_start_month is a month number, 1 to 12.")
    return merged


def _is_language_tag(value: str) -> bool:
    language, _, region = value.partition("-")
    return (
        2 <= len(language) <= 3
        and language.isalpha()
        and language.islower()
        and (not region or (len(region) == 2 and region.isalpha() and region.isupper()))
    )


def _bad_setting(message: str) -> NoReturn:
    raise DomainError(IdentityErrorCode.INVALID_COLLEGE_SETTINGS, message, "settings")


def _may_read(actor: Principal, college_id: str) -> bool:
    return actor.has("college:read") or tenancy.can_see(actor, college_id)


def _slug_taken(slug: str) -> DomainError:
    return DomainError(
        IdentityErrorCode.COLLEGE_SLUG_TAKEN, f"The slug {slug!r} is already taken.", "slug"
    )


async def _slug_free(session: AsyncSession, slug: str) -> None:
    if await session.scalar(select(College.id).where(College.slug == slug)) is not None:
        raise _slug_taken(slug)


async def _flush_slug(session: AsyncSession, slug: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:  # taken concurrently: the constraint had the last word
        raise _slug_taken(slug) from exc

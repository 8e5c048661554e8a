"""The DataLoaders of users' GraphQL API, one of each per request.

* ``ProfileByUserIdLoader`` — a profile by account id: ``User.profile`` of a
  whole batch of references, together with the viewer's own profile (which
  decides what they see), is ONE ``SELECT ... WHERE user_id IN (...)``.
* ``PreferencesByUserIdLoader`` — a person's preferences row (owner only).
"""

from __future__ import annotations

import asyncio
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from shared.graphql import principal_of, rows_by_column_loader
from subgraphs.users.models import Preferences, Profile
from subgraphs.users.profiles import ProfileView, view_as
from subgraphs.users.schema._api import api_of

__all__ = ["preferences_by_user_id", "profile_by_user_id", "profile_view", "viewer_profile"]


def profile_by_user_id(info: Info[Any, Any]) -> DataLoader[str, Profile | None]:
    """``ProfileByUserIdLoader`` of this request."""
    database = api_of(info).database
    loader: DataLoader[str, Profile | None] = info.context.loaders.get(
        "ProfileByUserIdLoader",
        lambda: rows_by_column_loader(Profile.user_id, sessions=database.session),
    )
    return loader


def preferences_by_user_id(info: Info[Any, Any]) -> DataLoader[str, Preferences | None]:
    """``PreferencesByUserIdLoader`` of this request."""
    database = api_of(info).database
    loader: DataLoader[str, Preferences | None] = info.context.loaders.get(
        "PreferencesByUserIdLoader",
        lambda: rows_by_column_loader(Preferences.user_id, sessions=database.session),
    )
    return loader


async def viewer_profile(info: Info[Any, Any]) -> Profile | None:
    """The caller's own profile (``None`` for API keys, platform accounts, unknown people)."""
    user_id = principal_of(info).user_id
    if user_id is None:
        return None
    return await profile_by_user_id(info).load(user_id)


async def profile_view(info: Info[Any, Any], user_id: str) -> ProfileView | None:
    """``user_id``'s profile as the caller may see it, or ``None``.

    The profile and the caller's own profile are asked of the loader in the
    same tick, so a batch of references costs one query in all.
    """
    principal = principal_of(info)
    if not principal.is_authenticated:
        return None
    profile, own = await asyncio.gather(
        profile_by_user_id(info).load(user_id), viewer_profile(info)
    )
    return view_as(principal, profile, own)

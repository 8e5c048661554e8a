"""Users' GraphQL API: types, queries and one module per mutation.

Layout::

    schema/
      types.py          User (identity's entity, extended), Profile, Avatar, Preferences,
                        Department and Batch (courses' entities, by id), UsersError
      loaders.py        ProfileByUserIdLoader, PreferencesByUserIdLoader
      queries.py        myProfile, profile, people
      mutations/        profileUpdate, profileContactVisibilitySet, preferencesUpdate,
                        avatarUploadCreate, avatarConfirm, avatarRemove

Resolvers stay thin: read the caller (``require_principal(info)``), the
service (``api_of(info)``: the database, ``UsersSettings``, the object
store, ``notify_outbox``), call one domain function, and for a mutation
return through ``_mutation.run`` so domain errors become the payload's
``errors { field code message }``; authentication, permission and not-found
errors stay top-level errors with ``extensions.code``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.tools import merge_types

from shared.graphql import SubgraphSchema, build_subgraph_schema
from subgraphs.users.schema import queries
from subgraphs.users.schema._api import ProvideUsersApi, UsersApi, api_of
from subgraphs.users.schema.mutations import MUTATIONS
from subgraphs.users.schema.types import Batch, Department, User
from subgraphs.users.settings import UsersSettings

if TYPE_CHECKING:
    from shared.service import Service

__all__ = ["MUTATIONS", "QUERIES", "TYPES", "UsersApi", "api_of", "build_schema"]

QUERIES: tuple[type, ...] = (queries.Query,)
"""The root ``Query``'s parts: one line per query module."""

TYPES: tuple[type, ...] = (User, Department, Batch)
"""Types the schema must hold even when no root field returns them (entities)."""


def build_schema(service: Service, *, settings: UsersSettings | None = None) -> SubgraphSchema:
    """Users' subgraph schema, its resolvers bound to the running ``service``.

    ``settings`` default to the service's own section (``LMS_USERS_*``).
    """
    settings = settings if settings is not None else service.settings_of(UsersSettings)
    api = UsersApi(
        database=service.database,
        settings=settings,
        store=service.platform.storage,
        notify_outbox=service.notify_outbox,
    )
    return build_subgraph_schema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        types=TYPES,
        extensions=[lambda: ProvideUsersApi(api)],
    )

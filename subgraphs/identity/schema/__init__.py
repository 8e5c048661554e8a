"""Identity's GraphQL API: types, queries and one module per mutation.

Layout::

    schema/
      types.py          User (entity, @key "id"), College (entity), Role, enums, IdentityError
      loaders.py        AccountByIdLoader, CollegeByIdLoader, RolesByAccountIdLoader
      queries.py        me, user, users, college, colleges, roles, permissionCatalogue
      mutations/        collegeCreate, collegeUpdate, userInvite, userActivate, ...

Extending the API (API keys, sessions, imports...): write a module whose
``@strawberry.type class Query`` / ``class Mutation`` holds the new fields,
then add ONE line to :data:`QUERIES` below or to
``mutations.MUTATIONS``. :func:`build_schema` merges every part into the
root types, so no existing file changes. Resolvers stay thin: read the
caller (``require_principal(info)``), the service (``api_of(info)``: the
database, ``IdentitySettings``, the revocation list, ``notify_outbox``),
call one domain function in ``api.in_transaction(...)``, and for a
mutation return through ``_mutation.run`` so domain errors become the
payload's ``errors { field code message }``; authentication, permission and
not-found errors stay top-level errors with ``extensions.code``. Extra
entity types go in :data:`TYPES`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.tools import merge_types

from shared.auth.tokens import TokenIssuer
from shared.graphql import SubgraphSchema, build_subgraph_schema
from shared.http import TrustedProxies
from subgraphs.identity.lockout import LoginThrottle
from subgraphs.identity.reset_limit import ResetRequestLimiter
from subgraphs.identity.schema import api_keys, imports, queries, templates
from subgraphs.identity.schema._api import (
    DEFAULT_INVITATION_URL,
    IdentityApi,
    ProvideIdentityApi,
    api_of,
)
from subgraphs.identity.schema.mutations import MUTATIONS
from subgraphs.identity.schema.types import College, User
from subgraphs.identity.settings import IdentitySettings

if TYPE_CHECKING:
    from shared.service import Service

__all__ = [
    "MUTATIONS",
    "QUERIES",
    "TYPES",
    "IdentityApi",
    "api_of",
    "build_schema",
]

QUERIES: tuple[type, ...] = (
    queries.Query,
    imports.Query,
    api_keys.Query,
    templates.Query,
)
"""The root ``Query``'s parts: one line per query module."""

TYPES: tuple[type, ...] = (User, College)
"""Types the schema must hold even when no root field returns them (entities)."""


def build_schema(
    service: Service,
    *,
    settings: IdentitySettings | None = None,
    invitation_url: str = DEFAULT_INVITATION_URL,
) -> SubgraphSchema:
    """Identity's subgraph schema, its resolvers bound to the running ``service``.

    ``settings`` default to the service's own settings section
    (``LMS_IDENTITY_*``, read once with the platform's settings).
    """
    settings = settings if settings is not None else service.settings_of(IdentitySettings)
    api = IdentityApi(
        database=service.database,
        settings=settings,
        revocations=service.platform.revocations,
        notify_outbox=service.notify_outbox,
        invitation_url=invitation_url,
        issuer=TokenIssuer.from_settings(service.platform.settings, service.platform.keys),
        throttle=LoginThrottle.from_settings(service.platform.settings, service.platform.cache),
        trusted_proxies=TrustedProxies.parse(service.platform.settings.trusted_proxies),
        reset_limiter=ResetRequestLimiter(
            service.platform.cache,
            per_account=settings.password_reset_max_per_account,
            per_address=settings.password_reset_max_per_address,
            window_seconds=settings.password_reset_window_minutes * 60.0,
        ),
    )
    return build_subgraph_schema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        types=TYPES,
        extensions=[lambda: ProvideIdentityApi(api)],
    )

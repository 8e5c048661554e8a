"""What identity's resolvers reach: the database, settings, revocations, the outbox relay.

:func:`build_schema` makes one :class:`IdentityApi` per running service and
a schema extension puts it on every request's context (``context.services``);
resolvers read it with :func:`api_of`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from shared.graphql import RequestContext
from subgraphs.identity.settings import DEFAULT_INVITATION_URL

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from shared.auth.revocation import RevocationList
    from shared.auth.tokens import TokenIssuer
    from shared.db import Database
    from shared.http import TrustedProxies
    from subgraphs.identity.lockout import LoginThrottle
    from subgraphs.identity.reset_limit import ResetRequestLimiter
    from subgraphs.identity.settings import IdentitySettings

__all__ = ["DEFAULT_INVITATION_URL", "IdentityApi", "ProvideIdentityApi", "api_of"]

T = TypeVar("T")

"""The link an invitation email carries; ``{token}`` is replaced by the single-use token."""


@dataclass(frozen=True, kw_only=True)
class IdentityApi:
    """The running identity service as its resolvers need it."""

    database: Database
    settings: IdentitySettings
    revocations: RevocationList | None
    notify_outbox: Callable[[], None]
    invitation_url: str = DEFAULT_INVITATION_URL
    issuer: TokenIssuer | None = None
    """Signs the access tokens of sign-ins; set by ``build_schema``."""
    throttle: LoginThrottle | None = None
    """Counts failed sign-ins (``LMS_LOGIN_*``); set by ``build_schema``."""
    trusted_proxies: TrustedProxies | None = None
    """Whose ``X-Forwarded-For`` tells the client's address (``LMS_TRUSTED_PROXIES``)."""
    reset_limiter: ResetRequestLimiter | None = None
    """Caps password-reset requests (``LMS_IDENTITY_PASSWORD_RESET_*``); set by ``build_schema``."""

    async def in_transaction(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """``work`` in one transaction: committed when it returns, rolled back when it raises."""
        async with self.database.transaction() as session:
            return await work(session)


class ProvideIdentityApi(SchemaExtension):
    """Puts the :class:`IdentityApi` on each request's context as ``services``."""

    def __init__(self, api: IdentityApi) -> None:
        super().__init__()
        self.api = api

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, RequestContext):
            context.services = self.api
        yield


def api_of(info: Info[Any, Any]) -> IdentityApi:
    """The identity service behind this request."""
    services = getattr(info.context, "services", None)
    if not isinstance(services, IdentityApi):
        raise RuntimeError("the identity schema runs without its IdentityApi on the context")
    return services

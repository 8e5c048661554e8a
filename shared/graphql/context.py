"""The per-request GraphQL context every resolver receives as ``info.context``.

The app factory builds one :class:`RequestContext` per request (see
:meth:`RequestContext.from_request`) and fills ``services`` / ``runtime`` with
whatever the subgraph's resolvers need (its database, event outbox...).
Resolvers read the caller with :func:`principal_of` / :func:`require_principal`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.auth.bearer import authenticate
from shared.auth.principal import Principal
from shared.errors import AuthenticationError
from shared.graphql.loaders import LoaderRegistry

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection
    from starlette.responses import Response
    from strawberry.types import Info

    from shared.auth.tokens import TokenVerifier

__all__ = ["RequestContext", "principal_of", "require_principal"]


class RequestContext:
    """What one GraphQL request carries: the caller, its loaders, the services.

    ``credentials_error`` is set when the request carried credentials that do
    not verify; reading :attr:`principal` then raises it (an invalid token is
    never treated as anonymous), and the schema rejects the whole operation.
    """

    def __init__(
        self,
        request: HTTPConnection | None = None,
        response: Response | None = None,
        *,
        principal: Principal | None = None,
        credentials_error: AuthenticationError | None = None,
        loaders: LoaderRegistry | None = None,
        services: Any = None,
        runtime: Any = None,
    ) -> None:
        self.request = request
        self.response = response
        self._principal = principal or Principal.anonymous()
        self.credentials_error = credentials_error
        self.loaders = loaders or LoaderRegistry()
        self.services = services
        self.runtime = runtime

    @classmethod
    async def from_request(
        cls,
        request: HTTPConnection,
        response: Response | None = None,
        *,
        verifier: TokenVerifier,
        services: Any = None,
        runtime: Any = None,
    ) -> RequestContext:
        """A context for ``request``, authenticated from its ``Authorization`` header."""
        try:
            principal = await authenticate(request.headers.get("authorization"), verifier=verifier)
        except AuthenticationError as exc:
            return cls(request, response, credentials_error=exc, services=services, runtime=runtime)
        return cls(request, response, principal=principal, services=services, runtime=runtime)

    @property
    def principal(self) -> Principal:
        """The caller; raises the credentials error if the request's token was invalid."""
        if self.credentials_error is not None:
            raise self.credentials_error
        return self._principal

    def require_principal(self) -> Principal:
        """The authenticated caller; :class:`AuthenticationError` for anonymous requests."""
        principal = self.principal
        if not principal.is_authenticated:
            raise AuthenticationError()
        return principal


def principal_of(info: Info[Any, Any]) -> Principal:
    """The caller of a resolver, from a :class:`RequestContext` or a dict context.

    A context without any principal counts as anonymous.
    """
    context = info.context
    if isinstance(context, RequestContext):
        return context.principal
    if isinstance(context, dict):
        principal = context.get("principal")
    else:
        principal = getattr(context, "principal", None)
    return principal if isinstance(principal, Principal) else Principal.anonymous()


def require_principal(info: Info[Any, Any]) -> Principal:
    """The authenticated caller of a resolver; :class:`AuthenticationError` otherwise."""
    principal = principal_of(info)
    if not principal.is_authenticated:
        raise AuthenticationError()
    return principal

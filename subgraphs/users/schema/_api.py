"""What users' resolvers reach: the database, settings, the object store, the outbox relay.

:func:`build_schema` makes one :class:`UsersApi` per running service and a
schema extension puts it on every request's context (``context.services``);
resolvers read it with :func:`api_of`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from shared.graphql import RequestContext

if TYPE_CHECKING:
    from shared.db import Database
    from shared.storage import ObjectStore
    from subgraphs.users.settings import UsersSettings

__all__ = ["ProvideUsersApi", "UsersApi", "api_of"]


@dataclass(frozen=True, kw_only=True)
class UsersApi:
    """The running users service as its resolvers need it."""

    database: Database
    settings: UsersSettings
    store: ObjectStore
    """The platform's object store (avatars)."""
    notify_outbox: Callable[[], None]


class ProvideUsersApi(SchemaExtension):
    """Puts the :class:`UsersApi` on each request's context as ``services``."""

    def __init__(self, api: UsersApi) -> None:
        super().__init__()
        self.api = api

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, RequestContext):
            context.services = self.api
        yield


def api_of(info: Info[Any, Any]) -> UsersApi:
    """The users service behind this request."""
    services = getattr(info.context, "services", None)
    if not isinstance(services, UsersApi):
        raise RuntimeError("the users schema runs without its UsersApi on the context")
    return services

"""What courses' resolvers reach: the database, object storage, settings, the outbox relay.

:func:`build_schema` makes one :class:`CoursesApi` per running service and
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

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from shared.db import Database
    from shared.storage import ObjectStore
    from subgraphs.courses.settings import CoursesSettings

__all__ = ["CoursesApi", "ProvideCoursesApi", "api_of"]

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class CoursesApi:
    """The running courses service as its resolvers need it."""

    database: Database
    storage: ObjectStore
    """The platform's object store (CSV enrolment imports, content files)."""
    settings: CoursesSettings
    notify_outbox: Callable[[], None]
    """Wakes the outbox relay; pass as ``on_commit`` to the domain functions."""
    public_url: str = ""
    """The platform's public URL (``LMS_PUBLIC_URL``), the default base of calendar-feed links."""

    async def in_transaction(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """``work`` in one transaction: committed when it returns, rolled back when it raises."""
        async with self.database.transaction() as session:
            return await work(session)


class ProvideCoursesApi(SchemaExtension):
    """Puts the :class:`CoursesApi` on each request's context as ``services``."""

    def __init__(self, api: CoursesApi) -> None:
        super().__init__()
        self.api = api

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, RequestContext):
            context.services = self.api
        yield


def api_of(info: Info[Any, Any]) -> CoursesApi:
    """The courses service behind this request."""
    services = getattr(info.context, "services", None)
    if not isinstance(services, CoursesApi):
        raise RuntimeError("the courses schema runs without its CoursesApi on the context")
    return services

"""``calendarFeedCreate``, ``calendarFeedRevoke``: the caller's subscribable timetable link."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from shared.graphql import IsAuthenticated, require_principal
from subgraphs.courses.schedules import feeds
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema._mutation import run
from subgraphs.courses.schema.types import CoursesError

__all__ = ["CalendarFeedCreatePayload", "CalendarFeedRevokePayload", "Mutation"]


@strawberry.type(description="The caller's calendar feed link, shown once.")
class CalendarFeedCreatePayload:
    url: str | None = strawberry.field(
        description="The `.ics` address to subscribe to in a calendar app; it holds a secret "
        "token, so treat it like a password. Null on errors."
    )
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="Always empty today; kept for future rules."
    )


@strawberry.type(description="Whether a feed was revoked.")
class CalendarFeedRevokePayload:
    revoked: bool | None = strawberry.field(
        description="True when the caller had a feed (its link no longer works), false when "
        "there was none."
    )
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="Always empty today; kept for future rules."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Create the caller's calendar feed (their timetable as iCalendar, for "
        "calendar apps) and return its link. Calling it again rotates the link: the old one "
        "stops working. The link's base is `LMS_COURSES_CALENDAR_BASE_URL` (default: the "
        "platform's public URL). For people only (FORBIDDEN for API keys and services).",
    )
    async def calendar_feed_create(self, info: Info) -> CalendarFeedCreatePayload:
        principal = require_principal(info)
        api = api_of(info)

        async def create(session: Any) -> str:
            issued = await feeds.create_feed(session, actor=principal)
            return api.settings.calendar_url(issued.token, public_url=api.public_url)

        return await run(CalendarFeedCreatePayload, lambda: api.in_transaction(create))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Revoke the caller's calendar feed: its link answers 404 from now on.",
    )
    async def calendar_feed_revoke(self, info: Info) -> CalendarFeedRevokePayload:
        principal = require_principal(info)
        api = api_of(info)

        async def revoke(session: Any) -> bool:
            return await feeds.revoke_feed(session, actor=principal)

        return await run(CalendarFeedRevokePayload, lambda: api.in_transaction(revoke))

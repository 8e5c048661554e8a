"""The calendar feed over HTTP: ``GET /calendar/{token}.ics`` answers ``text/calendar``.

Calendar apps subscribe to the link ``calendarFeedCreate`` returns and fetch
it without signing in; the token is the only credential. An unknown,
rotated or revoked token is a plain 404, the same for every reason. The
route is one of the courses service's ``ServiceSpec.routes``; ``lms dev``
serves it at the platform's address, so the link is
``LMS_COURSES_CALENDAR_BASE_URL`` (default: the platform's public URL) plus
this path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from subgraphs.courses.schedules.feeds import feed_by_token
from subgraphs.courses.schedules.ical import feed_calendar
from subgraphs.courses.settings import CALENDAR_PATH

if TYPE_CHECKING:
    from starlette.requests import Request

    from shared.service import Service

__all__ = ["calendar_routes"]

_CACHE = {"Cache-Control": "private, max-age=300"}


def calendar_routes(service: Service) -> list[BaseRoute]:
    """The feed route of the running courses ``service``."""

    async def calendar(request: Request) -> Response:
        token = str(request.path_params["token"])
        async with service.database.session() as session:
            feed = await feed_by_token(session, token)
            if feed is None:
                return PlainTextResponse("Not found.", status_code=404)
            document = await feed_calendar(session, feed)
        return Response(
            document.to_ical(),
            media_type="text/calendar; charset=utf-8",
            headers={**_CACHE, "Content-Disposition": 'inline; filename="timetable.ics"'},
        )

    return [Route(CALENDAR_PATH, calendar, methods=["GET"])]

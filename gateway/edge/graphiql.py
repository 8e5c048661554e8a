"""The GraphiQL page browsers get on ``GET /graphql`` (development, or ``LMS_GRAPHIQL=true``).

It is Strawberry's GraphiQL page (GraphiQL and the explorer plugin, loaded
from a CDN), posting to the URL it was served from.
"""

from __future__ import annotations

from functools import cache

from strawberry.http.ides import get_graphql_ide_html

__all__ = ["graphiql_html"]


@cache
def graphiql_html() -> str:
    """The page's HTML (read once)."""
    return get_graphql_ide_html(graphql_ide="graphiql").replace(
        "<title>Strawberry GraphiQL</title>", "<title>LMS GraphiQL</title>"
    )

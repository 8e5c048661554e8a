"""The ``/graphql`` endpoint: GraphQL over HTTP in front of the gateway's engine.

``POST`` with a JSON body, ``GET`` with a query string (queries only: a
mutation gets 405), the response media type chosen by ``Accept``
(``application/graphql-response+json`` or ``application/json``; 406 when the
client takes neither) and the status code the GraphQL-over-HTTP specification
asks for with that media type. A browser asking for HTML without a query gets
GraphiQL when it is enabled.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from gateway import json_codec
from gateway.edge.graphiql import graphiql_html
from gateway.edge.media import GRAPHQL_RESPONSE_JSON, JSON, accepts_html, negotiate
from gateway.edge.parameters import from_json_body, from_query_string
from gateway.engine import ErrorCode, Gateway, GatewayResponse, Outcome

__all__ = ["GraphQLEndpoint", "render"]

_CONTENT_TYPES = {
    JSON: "application/json; charset=utf-8",
    GRAPHQL_RESPONSE_JSON: "application/graphql-response+json; charset=utf-8",
}


class GraphQLEndpoint:
    """The endpoint of a Starlette route: ``Route(path, GraphQLEndpoint(...).handle, ...)``."""

    def __init__(self, gateway: Gateway, *, graphiql: bool) -> None:
        self.gateway = gateway
        self.graphiql = graphiql

    async def handle(self, request: Request) -> Response:
        """Answer one HTTP request to the endpoint."""
        headers = request.headers
        accept = headers.get("accept")
        method = request.method
        if method == "POST":
            media_type = negotiate(accept)
            if media_type is None:
                return _not_acceptable()
            parsed = from_json_body(headers.get("content-type"), await request.body())
        else:
            params = request.query_params
            if self.graphiql and "query" not in params and accepts_html(accept):
                return HTMLResponse(graphiql_html())
            media_type = negotiate(accept)
            if media_type is None:
                return _not_acceptable()
            parsed = from_query_string(params)
        if isinstance(parsed, GatewayResponse):
            return render(parsed, media_type)
        response = await self.gateway.execute(
            parsed,
            headers=headers,
            method="GET" if method == "HEAD" else method,
            peer=request.client.host if request.client is not None else None,
        )
        return render(response, media_type)


def render(response: GatewayResponse, media_type: str) -> Response:
    """The HTTP response carrying ``response`` as ``media_type``."""
    body = json_codec.dumps(response.body)
    status = response.status_code(graphql_response_json=media_type == GRAPHQL_RESPONSE_JSON)
    return Response(
        body,
        status_code=status,
        headers=response.headers or None,
        media_type=_CONTENT_TYPES[media_type],
    )


def _not_acceptable() -> Response:
    return render(
        GatewayResponse.error(
            "None of the accepted media types can be served: accept application/json or "
            "application/graphql-response+json.",
            code=ErrorCode.BAD_REQUEST,
            outcome=Outcome.NOT_ACCEPTABLE,
        ),
        JSON,
    )

"""The gateway's HTTP edge: GraphQL over HTTP, GraphiQL, health, readiness and metrics."""

from gateway.edge.app import SERVICE_NAME, create_gateway_app
from gateway.edge.endpoint import GraphQLEndpoint, render
from gateway.edge.media import GRAPHQL_RESPONSE_JSON, JSON, negotiate

__all__ = [
    "GRAPHQL_RESPONSE_JSON",
    "JSON",
    "SERVICE_NAME",
    "GraphQLEndpoint",
    "create_gateway_app",
    "negotiate",
    "render",
]

"""The gateway's request pipeline (parse, validate, plan, execute), independent of HTTP."""

from gateway.engine.codes import ErrorCode
from gateway.engine.errors import GatewayConfigError
from gateway.engine.forwarding import FORWARDED_HEADERS, subgraph_headers
from gateway.engine.gateway import HEALTH_CHECK_QUERY, QUERY_PLAN_HEADER, Gateway, load_supergraph
from gateway.engine.request import GatewayResponse, GraphQLRequest, Outcome

__all__ = [
    "FORWARDED_HEADERS",
    "HEALTH_CHECK_QUERY",
    "QUERY_PLAN_HEADER",
    "ErrorCode",
    "Gateway",
    "GatewayConfigError",
    "GatewayResponse",
    "GraphQLRequest",
    "Outcome",
    "load_supergraph",
    "subgraph_headers",
]
